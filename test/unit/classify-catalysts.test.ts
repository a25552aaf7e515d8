// Which catalysts the classifier reports, for the article and for each ticker, with the real rules of config/.
import { describe, expect, it } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import { CATALYST_SLUGS } from "../../src/core/catalysts.ts";
import type { ClassifyResult } from "../../src/core/types.ts";
import { describeCases, pairsOf, type CatalystCase } from "../helpers/catalyst-cases.ts";

const classify = loadClassifier();
const PUBLISHED = "2025-06-10T08:00:00Z";

function run(text: string, title?: string, published = PUBLISHED): ClassifyResult {
  return classify({ id: "c", text, published, ...(title ? { title } : {}) });
}

type Case = CatalystCase;

const perSlug: Case[] = [
  // buyback
  { name: "buyback: announced programme", text: "NetEase announced a $5 billion share buyback on Thursday.", pairs: ["NTES/buyback"] },
  { name: "buyback: repurchase plan enlarged", text: "Kuaishou raised its share repurchase plan to HK$16 billion.", pairs: ["1024.HK/buyback"] },
  { name: "buyback: bought back shares", text: "Xiaomi bought back 10 million of its shares in Hong Kong last week.", pairs: ["1810.HK/buyback"] },
  { name: "buyback: plans to buy back up to", text: "Lenovo plans to buy back up to 5% of its stock.", pairs: ["0992.HK/buyback"] },
  // earnings
  { name: "earnings: quarterly results", text: "Baidu posted quarterly results that beat estimates.", pairs: ["BIDU/earnings"] },
  { name: "earnings: set to report", text: "Pinduoduo owner PDD Holdings is set to report on Tuesday.", pairs: ["PDD/earnings"] },
  { name: "earnings: net profit rose", text: "ZTE said its net profit rose 8% in the first half.", pairs: ["0763.HK/earnings"] },
  { name: "earnings: revenue fell", text: "Nio's revenue fell 5% from a year earlier.", pairs: ["NIO/earnings"] },
  { name: "earnings: Q2 results in the headline", text: "The company will hold a call for investors.", title: "Trip.com Q2 results top forecasts", pairs: ["TCOM/earnings"] },
  { name: "earnings: beat expectations", text: "Micron beat analysts' expectations for the quarter.", pairs: ["MU/earnings"] },
  // guidance
  { name: "guidance: raised full-year guidance", text: "Nvidia raised its full-year guidance after strong data-centre demand.", pairs: ["NVDA/guidance"] },
  { name: "guidance: cut its outlook", text: "Intel cut its outlook for the rest of the year.", pairs: ["INTC/guidance"] },
  { name: "guidance: expects revenue", text: "Li Auto expects revenue of up to 30 billion yuan in the third quarter.", pairs: ["LI/guidance"] },
  { name: "guidance: profit warning", text: "BYD Electronic issued a profit warning on Friday.", pairs: ["0285.HK/guidance"] },
  // dividend
  { name: "dividend: special dividend", text: "China Mobile declared a special dividend for shareholders.", pairs: ["0941.HK/dividend"] },
  { name: "dividend: raised its dividend", text: "PetroChina raised its interim dividend by 10%.", pairs: ["0857.HK/dividend"] },
  { name: "dividend: payout", text: "CNOOC will increase its payout to 45% of profit.", pairs: ["0883.HK/dividend"] },
  // m_and_a
  { name: "m_and_a: acquires a rival", text: "Meituan agreed to acquire a food-delivery start-up for $700 million.", pairs: ["3690.HK/m_and_a"] },
  { name: "m_and_a: both sides of a takeover", text: "Tencent made a takeover offer for Kingsoft.", pairs: ["0700.HK/m_and_a", "3888.HK/m_and_a"] },
  { name: "m_and_a: sells a stake", text: "Alibaba sold its stake in a department store chain.", pairs: ["BABA/m_and_a"] },
  { name: "m_and_a: spin-off", text: "JD.com plans to spin off its industrial supply unit.", pairs: ["JD/m_and_a"] },
  { name: "m_and_a: merger", text: "Geely completed the merger of its electric car brands.", pairs: ["0175.HK/m_and_a"] },
  // capital_raise
  { name: "capital_raise: convertible notes", text: "Trip.com raised $1.5 billion through convertible notes.", pairs: ["TCOM/capital_raise"] },
  { name: "capital_raise: share placement", text: "Xiaomi launched a top-up share placement to fund its car business.", pairs: ["1810.HK/capital_raise"] },
  { name: "capital_raise: bond sale", text: "Tencent priced a yuan bond offering on Wednesday.", pairs: ["0700.HK/capital_raise"] },
  { name: "capital_raise: loan", text: "Lenovo signed a $2 billion syndicated loan with regional lenders.", pairs: ["0992.HK/capital_raise"] },
  // listing
  { name: "listing: secondary listing", text: "Midea completed its secondary listing in Hong Kong.", pairs: ["0300.HK/listing"] },
  { name: "listing: IPO plan", text: "CATL filed for an IPO in Hong Kong.", pairs: ["3750.HK/listing"] },
  { name: "listing: delisting risk", text: "Yum China said a delisting was not a risk for its shareholders.", pairs: ["YUMC/listing"] },
  { name: "listing: sector-wide audit news is article-level", text: "Regulators said US-listed Chinese firms must prepare audit papers for the PCAOB.", pairs: [], article: ["listing"] },
  // regulation
  { name: "regulation: antitrust fine", text: "Regulators fined Meituan for antitrust violations.", pairs: ["3690.HK/regulation"] },
  { name: "regulation: sector crackdown is article-level", text: "Beijing is easing its crackdown on the private education sector.", pairs: [], article: ["regulation"] },
  { name: "regulation: leaders meeting a company's founder", text: "For Tencent, a meeting with President Xi would be a sign of support.", pairs: ["0700.HK/regulation"] },
  { name: "regulation: the leader meets entrepreneurs", text: "President Xi Jinping met with private entrepreneurs including Alibaba co-founder Jack Ma.", pairs: ["BABA/regulation"], article: ["regulation"] },
  { name: "regulation: support after years of pressure", text: "The symposium signals support for the private sector after years of regulatory pressure.", pairs: [], article: ["regulation"] },
  { name: "regulation: approval by regulators", text: "NetEase won regulatory approval for three new games.", pairs: ["NTES/regulation"] },
  // macro_policy
  { name: "macro_policy: RRR cut is article-level only", text: "The central bank cut the reserve requirement ratio, lifting Alibaba and JD.com.", pairs: [], article: ["macro_policy"] },
  { name: "macro_policy: stimulus", text: "Beijing unveiled a new fiscal stimulus package worth 1 trillion yuan.", pairs: [], article: ["macro_policy"] },
  { name: "macro_policy: interest rate cut", text: "The Federal Reserve signalled a rate cut in September.", pairs: [], article: ["macro_policy"] },
  // geopolitics
  { name: "geopolitics: tariffs on a company", text: "Apple warned that tariffs would add $900 million to its costs.", pairs: ["AAPL/geopolitics"] },
  { name: "geopolitics: export controls on chips", text: "Nvidia said new export controls would hit its sales in China.", pairs: ["NVDA/geopolitics"] },
  { name: "geopolitics: the US and China agree", text: "The U.S. and China agreed on a framework deal during talks in Madrid.", pairs: [], article: ["geopolitics"] },
  { name: "geopolitics: US-China talks are article-level", text: "Hopes rose for a US-China trade deal before the summer.", pairs: [], article: ["geopolitics"] },
  // product
  { name: "product: launches a model", text: "Baidu launched a new AI model for coding.", pairs: ["BIDU/product"] },
  { name: "product: unveils a car", text: "XPeng unveiled a new electric SUV at the show.", pairs: ["XPEV/product"] },
  { name: "product: integrated into an app", text: "Tencent said the chatbot will be integrated into its messaging app.", pairs: ["0700.HK/product"] },
  { name: "product: rolls out a service", text: "Meituan rolled out drone delivery in two more cities.", pairs: ["3690.HK/product"] },
  // capex
  { name: "capex: capital expenditure", text: "Alibaba will raise capital expenditure on cloud infrastructure.", pairs: ["BABA/capex"] },
  { name: "capex: data centre investment", text: "Microsoft announced new data center investment in Japan.", pairs: ["MSFT/capex"] },
  { name: "capex: sector spending is article-level", text: "Capex by US cloud providers could top $300 billion this year.", pairs: [], article: ["capex"] },
  // analyst
  { name: "analyst: broker upgrades a company", text: "Morgan Stanley upgraded NetEase to overweight.", pairs: ["NTES/analyst"] },
  { name: "analyst: price target raised", text: "Jefferies raised its price target on Xiaomi to HK$60.", pairs: ["1810.HK/analyst"] },
  { name: "analyst: a bank in the headline upgrades a company", text: "The bank kept its view on the sector.", title: "Goldman Sachs raises China stocks target, upgrades Tencent", pairs: ["0700.HK/analyst"] },
  { name: "analyst: downgrade in passive voice", text: "Nio was downgraded by UBS after weak deliveries.", pairs: ["NIO/analyst"] },
  { name: "analyst: brokers revising outlooks is article-level", text: "Several brokers have begun revising their outlooks upward for Chinese internet stocks.", pairs: [], article: ["analyst"] },
  // management
  { name: "management: CEO steps down", text: "Baidu said its chief financial officer will step down next month.", pairs: ["BIDU/management"] },
  { name: "management: appoints a chairman", text: "JD.com appointed a new chairman on Monday.", pairs: ["JD/management"] },
  { name: "management: a founder sells shares", text: "Shares of Pop Mart fell after the toymaker's founder sold shares worth HK$2 billion.", pairs: ["9992.HK/management"] },
  { name: "management: resignation", text: "The resignation of Lenovo's president surprised investors.", pairs: ["0992.HK/management"] },
  // legal
  { name: "legal: lawsuit", text: "Apple faces a lawsuit over its app store fees.", pairs: ["AAPL/legal"] },
  { name: "legal: sued by a rival", text: "Qualcomm sued Arm Holdings over licensing terms.", pairs: ["ARM/legal", "QCOM/legal"] },
  { name: "legal: probe", text: "PDD Holdings is the target of a probe into its pricing practices.", pairs: ["PDD/legal"] },
  { name: "legal: settlement", text: "Meta agreed to a settlement with the state over privacy claims.", pairs: ["META/legal"] },
];

const negation: Case[] = [
  { name: "has not announced a buyback", text: "Tencent Music has not announced a buyback increase this year.", pairs: [], notArticle: ["buyback"] },
  { name: "denied plans to list", text: "Shein denied reports of a listing, and Lenovo denied plans for an IPO.", pairs: [] },
  { name: "no plans to raise capital", text: "Xiaomi has no plans to raise new equity, its finance chief said.", pairs: [] },
  { name: "hasn't set a date for results", text: "Kuaishou hasn't announced earnings dates yet.", pairs: [] },
  { name: "never paid a dividend", text: "Pinduoduo owner PDD Holdings has never paid a dividend.", pairs: [] },
  { name: "a denied report, however far the verb stands from the cue", text: "NetEase denied on Monday a media report that it was planning to sell its stake in the game studio.", pairs: [], notArticle: ["m_and_a"] },
  { name: "ruled out a takeover", text: "Baidu ruled out a takeover of the streaming platform.", pairs: [] },
  { name: "not only is not a negation", text: "Alibaba not only raised its buyback but also paid a special dividend.", pairs: ["BABA/buyback", "BABA/dividend"] },
  { name: "negation of one company leaves the other", text: "JD.com announced a buyback, while Meituan has not announced one.", pairs: ["JD/buyback"] },
];

const speculation: Case[] = [
  { name: "other firms may follow suit", text: "Investors hope that other tech firms may launch buybacks too.", pairs: [], notArticle: ["buyback"] },
  { name: "some of these companies", text: "Tencent, NetEase and Baidu hold lots of cash, and some of these companies have been known to buy back shares.", pairs: [] },
  { name: "known to launch buybacks", text: "Chinese internet firms are known to launch buybacks after earnings.", pairs: [] },
  { name: "if a company announces", text: "If Meituan announces a buyback, its shares could rally.", pairs: [] },
  { name: "named buyback with hopes about others", text: "A buyback by Kuaishou spurred hopes that other platforms may follow suit.", pairs: ["1024.HK/buyback"], article: ["buyback"] },
  { name: "a named company's plan with a hedge keeps the catalyst", text: "Xiaomi may spin off its chip unit, people familiar said.", pairs: ["1810.HK/m_and_a"] },
];

const background: Case[] = [
  { name: "an IPO halted years ago", text: "For Alibaba the talks matter after Beijing halted Ant Group's IPO in 2020.", pairs: [], notArticle: ["listing"] },
  { name: "a buyback a year ago", text: "Tencent Music announced a $1 billion buyback a year ago.", pairs: [] },
  { name: "at the time", text: "That was Baidu's largest repurchase, as reported at the time.", pairs: [] },
  { name: "a month and year more than a year back", text: "JD.com completed its acquisition of the logistics firm in March 2023.", pairs: [] },
  { name: "a recent month counts", text: "JD.com completed its buyback back in February.", pairs: ["JD/buyback"] },
  { name: "a range that reaches this year is current", text: "Capex by Alibaba will rise from $5 billion in 2023 to $12 billion in 2025.", pairs: ["BABA/capex"] },
  { name: "despite old restrictions", text: "Despite US restrictions on advanced chips, Huawei kept shipping phones.", pairs: [], notArticle: ["geopolitics"] },
  { name: "ever since", text: "NetEase has been quiet ever since its buyback in 2021.", pairs: [] },
  { name: "years of crackdowns", text: "Shares are recovering after years of regulatory crackdowns.", pairs: [], notArticle: ["regulation"] },
];

const priceMovesAndWords: Case[] = [
  { name: "a price move alone", text: "Alibaba shares rose 7.6% on Wednesday.", pairs: [], notArticle: [...CATALYST_SLUGS] },
  { name: "a price move with a quote", text: "Bilibili (BILI 10.2%) jumped after a broker note.", pairs: [] },
  { name: "as a result is not results", text: "JD.com cut prices, and as a result its shares fell.", pairs: [] },
  { name: "forward earnings is valuation", text: "The index trades at 12 times forward earnings, below Tencent's peers.", pairs: [], notArticle: ["earnings"] },
  { name: "dividend yield is valuation", text: "China Mobile offers a dividend yield of 6%.", pairs: [] },
  { name: "at stake is not a stake", text: "Much is at stake for Xiaomi in Europe.", pairs: [] },
  { name: "buying back into the market is not a buyback", text: "Investors are buying back into Chinese stocks like NetEase.", pairs: [] },
  { name: "launching a wave of valuations is not a product", text: "That could end up launching a wave of higher valuations for Baidu.", pairs: [], notArticle: ["product"] },
  { name: "listed companies is not a listing", text: "Hong Kong listed companies such as Lenovo spent more on research.", pairs: [] },
  { name: "a software upgrade is not an analyst upgrade", text: "Tesla pushed a software upgrade to its cars overnight.", pairs: [], notArticle: ["analyst"] },
  { name: "upgrading a network is not an analyst upgrade", text: "China Mobile is upgrading its network to 5G-Advanced.", pairs: [], notArticle: ["analyst"] },
  { name: "customer acquisition costs are not M&A", text: "Pinduoduo owner PDD Holdings cut customer acquisition costs sharply.", pairs: [] },
  { name: "a ruling party is not a court ruling", text: "Japan's ruling party backed a plan that would help Toyota.", pairs: [] },
  { name: "a payment settlement system is not a legal settlement", text: "Visa Inc. expanded its payment settlement system to Asia.", pairs: [] },
  { name: "retiring debt is not a management change", text: "Ford will retire debt with the proceeds.", pairs: [] },
  { name: "the economy's outlook is not company guidance", text: "Alibaba rose on a brighter outlook for Chinese consumers.", pairs: [] },
  { name: "an insurance payout is not a dividend", text: "AIA Group said the insurance payout to victims would be quick.", pairs: [] },
  { name: "a comparison with last year keeps the results", text: "Baidu said its net profit rose 20% from last year.", pairs: ["BIDU/earnings"] },
  { name: "a buyback last year is background", text: "Meituan completed a buyback last year.", pairs: [] },
  { name: "a question reports nothing", text: "Should you invest $1,000 in Nio right now? Will Xiaomi buy back shares?", pairs: [], notArticle: ["capex", "buyback"] },
  { name: "an existing listing is not listing news", text: "NetEase said its U.S. listing remained important to its investors.", pairs: [], notArticle: ["listing"] },
  { name: "job listings are not a listing", text: "Kanzhun said job listings on its app rose in May, and Trip.com hired.", pairs: [] },
];

const attachment: Case[] = [
  { name: "the catalyst goes to the company in its clause", text: "Alibaba raised $3 billion through a bond sale, while Tencent shares fell 2%.", pairs: ["BABA/capital_raise"] },
  { name: "two companies, two catalysts", text: "Meituan is set to report on Friday, while NetEase unveiled a new game.", pairs: ["3690.HK/earnings", "NTES/product"] },
  { name: "a list sharing one catalyst", text: "Share buybacks by Xiaomi Corp. and Lenovo Group spurred a rally.", pairs: ["0992.HK/buyback", "1810.HK/buyback"] },
  { name: "a company in another sentence gets nothing", text: "Baidu and JD.com rose 3%. Buybacks are the reason.", pairs: [], article: ["buyback"] },
  { name: "a possessive pronoun in the next clause", text: "Tencent shares rose 4%, following the launch of its new game.", pairs: ["0700.HK/product"] },
  { name: "the company as the next sentence's subject", text: "Kuaishou shares rose 5%. The company said it would buy back $2 billion of stock.", pairs: ["1024.HK/buyback"] },
  { name: "a private firm's pronoun does not go to the listed one", text: "Alibaba shares rose, while ByteDance launched its new video model.", pairs: [] },
  { name: "a company mentioned after the cue with from", text: "The data center will use AI chips from Huawei and Cambricon, including those from Alibaba.", pairs: ["688256.SS/product", "BABA/product"] },
  { name: "the headline carries the catalyst", text: "Shares jumped in early trade.", title: "Xiaomi announces $1.3 billion buyback", pairs: ["1810.HK/buyback"] },
  { name: "a source bank does not get the catalyst it reports", text: "Goldman Sachs said Meituan will report earnings on Friday.", pairs: ["3690.HK/earnings"] },
  { name: "a broker's rating on the stock goes to the company before", text: "Pop Mart fell 8%. Morgan Stanley analysts kept their overweight rating on the stock.", pairs: ["9992.HK/analyst"] },
  { name: "a company in an appositive only describes the subject", text: "SK Hynix posted record profit. The South Korean chipmaker, a key supplier to Nvidia, said it expected demand to remain solid.", pairs: ["000660.KS/earnings", "000660.KS/guidance"] },
  { name: "a broker upgrading two companies", text: "Citi upgraded both Baidu and NetEase to buy.", pairs: ["BIDU/analyst", "NTES/analyst"] },
];

const chromeAndArticle: Case[] = [
  {
    name: "related headlines give no catalysts",
    text: "Lenovo said demand was steady.\n\nRelated topics:\n\nBond Yields Rise as Powell Signals Patience on Rate Cuts\n\nEneos Set to Launch Japan's Largest IPO in Seven Years",
    pairs: [],
    notArticle: ["macro_policy", "listing", "product"],
  },
  {
    name: "the RRR cut never goes to a ticker",
    text: "Economists expect the central bank to lower the reserve requirement ratio, which would help lenders such as China Construction Bank.",
    pairs: [],
    article: ["macro_policy"],
  },
  {
    name: "platform regulation signal",
    text: "Signs are emerging that Beijing may ease its crackdown on internet platforms.",
    pairs: [],
    article: ["regulation"],
  },
  {
    name: "ticker catalysts are article catalysts too",
    text: "Baidu announced a $2 billion buyback and Lenovo unveiled a new laptop.",
    pairs: ["0992.HK/product", "BIDU/buyback"],
    article: ["buyback", "product"],
  },
  {
    name: "company-only slugs with no company are not article catalysts",
    text: "Investors will watch earnings and dividends closely this season.",
    pairs: [],
    notArticle: ["earnings", "dividend"],
  },
];

describe("classify: catalysts", () => {
  const groups: Array<[string, Case[]]> = [
    ["one slug at a time", perSlug],
    ["negation", negation],
    ["speculation about unnamed or other firms", speculation],
    ["old background", background],
    ["price moves and look-alike words", priceMovesAndWords],
    ["attachment to the right company", attachment],
    ["page chrome and article-level catalysts", chromeAndArticle],
  ];
  describeCases(groups, run);

  it("covers every slug of the taxonomy with a positive case", () => {
    const covered = new Set<string>();
    for (const c of [...perSlug, ...chromeAndArticle]) {
      for (const p of c.pairs) covered.add(p.split("/")[1]!);
      for (const a of c.article ?? []) covered.add(a);
    }
    expect([...covered].sort()).toEqual([...CATALYST_SLUGS].sort());
  });

  it("gives each catalyst a confidence in [0, 1] and evidence that holds the cue", () => {
    const r = run("Alibaba's announcement yesterday of a $10 billion boost in its stock buyback plan lifted the shares.");
    const hit = r.tickers.find((t) => t.symbol === "BABA")?.catalysts.find((c) => c.type === "buyback");
    expect(hit).toBeDefined();
    expect(hit!.confidence).toBeGreaterThan(0.5);
    expect(hit!.confidence).toBeLessThanOrEqual(1);
    expect(hit!.evidence).toContain("buyback");
    expect(hit!.evidence.length).toBeLessThanOrEqual(220);
  });

  it("trims the evidence of a long clause to about 200 characters around the cue", () => {
    const filler = "with many details about the market and the weather and the mood of traders ".repeat(6);
    const r = run(`NetEase ${filler}announced a buyback of $1 billion ${filler}`);
    const hit = r.tickers.find((t) => t.symbol === "NTES")?.catalysts[0];
    expect(hit?.type).toBe("buyback");
    expect(hit!.evidence).toContain("buyback");
    expect(hit!.evidence.length).toBeLessThanOrEqual(220);
  });

  it("lowers the confidence of a hedged report", () => {
    const plain = run("Xiaomi will spin off its chip unit.").tickers[0]!.catalysts[0]!;
    const hedged = run("Xiaomi may reportedly spin off its chip unit.").tickers[0]!.catalysts[0]!;
    expect(hedged.type).toBe(plain.type);
    expect(hedged.confidence).toBeLessThan(plain.confidence);
  });

  it("judges an undated article against the latest year it names", () => {
    const text = "In 2025, NetEase announced a $5 billion buyback. Back in 2023 it had completed an acquisition.";
    const r = classify({ id: "u", text }, { now: new Date("2027-06-01T00:00:00Z") });
    expect(pairsOf(r)).toEqual(["NTES/buyback"]);
  });

  it("judges old background against the publication date", () => {
    const text = "NetEase completed its acquisition of the studio in 2024.";
    expect(pairsOf(run(text, undefined, "2024-11-01T00:00:00Z"))).toEqual(["NTES/m_and_a"]);
    expect(pairsOf(run(text, undefined, "2026-09-01T00:00:00Z"))).toEqual([]);
  });
});
