// Catalyst phrasings beyond the dev set (phrase families of config/catalyst-cues.json), with negatives that must stay quiet.
import { describe, expect, it } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import type { ClassifyResult } from "../../src/core/types.ts";
import { describeCases, type CatalystCase } from "../helpers/catalyst-cases.ts";

const classify = loadClassifier();
const PUBLISHED = "2025-06-10T08:00:00Z";

function run(text: string, title?: string): ClassifyResult {
  return classify({ id: "x", text, published: PUBLISHED, ...(title ? { title } : {}) });
}

type Case = CatalystCase;

// "launches"/"unveils" with a corporate action as its object: the object is the catalyst, never `product`.
const launchVerbs: Case[] = [
  { name: "unveils a buyback", text: "Barclays unveils £1 billion share buyback.", pairs: ["BCS/buyback"], notArticle: ["product"] },
  { name: "launches a buyback with its size in between", text: "Honda launches $2 billion buyback.", pairs: ["HMC/buyback"], notArticle: ["product"] },
  { name: "launches a takeover", text: "Siemens launches a hostile takeover of a smaller rival.", pairs: ["SIE.DE/m_and_a"], notArticle: ["product"] },
  { name: "launches a take-private", text: "Honda launches $10 billion take-private of its parts unit.", pairs: ["HMC/m_and_a"], notArticle: ["product"] },
  { name: "launches a bid for a company", text: "Unilever launched an unsolicited bid for a rival food group.", pairs: ["UL/m_and_a"], notArticle: ["product"] },
  { name: "an offer for customers is a service launch, not a takeover", text: "Sony launched an offer for new customers.", pairs: ["SONY/product"], notArticle: ["m_and_a"] },
  { name: "launches a plan is no product", text: "Ford launches plan to cut 4,000 jobs in Europe.", pairs: [], notArticle: ["product"] },
  { name: "a regulator launches an investigation", text: "The European Commission launched a formal investigation into Airbus.", pairs: ["AIR.PA/legal"], notArticle: ["product"] },
  { name: "a real product launch still counts", text: "Nike unveils new running shoe.", pairs: ["NKE/product"] },
];

const capitalRaise: Case[] = [
  { name: "raise up to an amount through stock and bond sales", text: "Intel said it may raise up to $10 billion through sales of shares and bonds.", pairs: ["INTC/capital_raise"] },
  { name: "raise via an issue of new shares", text: "Bayer plans to raise 3 billion euros via an issue of new shares.", pairs: ["BAYN.DE/capital_raise"] },
  { name: "sold an amount of bonds", text: "Pfizer sold $31 billion of bonds to fund the deal.", pairs: ["PFE/capital_raise"] },
  { name: "priced an amount of notes", text: "Shell priced $5 billion of notes on Monday.", pairs: ["SHEL/capital_raise"] },
  { name: "a shareholder will lend it money", text: "Adidas said its largest shareholder would lend it up to 500 million euros.", pairs: ["ADS.DE/capital_raise"] },
  { name: "got a loan", text: "Disney got a $5 billion loan from a group of lenders.", pairs: ["DIS/capital_raise"] },
  { name: "a bond offering launched is no product launch", text: "Adani Green scrapped a bond offering launched earlier in the day.", pairs: ["ADANIGREEN.NS/capital_raise"], notArticle: ["product"] },
  { name: "a share sale announced", text: "Nio said a share sale announced on Monday was fully covered.", pairs: ["NIO/capital_raise"], notArticle: ["product"] },
  { name: "sold an amount of senior notes", text: "Oracle sold $18 billion of senior notes on Wednesday.", pairs: ["ORCL/capital_raise"] },
  { name: "an investor selling another company's bonds raises no capital", text: "BlackRock sold $2 billion of Intel bonds.", pairs: [], notArticle: ["capital_raise"] },
  { name: "placement agents raise no capital themselves", text: "Morgan Stanley and Goldman Sachs were placement agents for the deal.", pairs: [], notArticle: ["capital_raise"] },
  { name: "selling cars is no bond sale", text: "Tesla sold 1.8 million vehicles last year.", pairs: [] },
];

const mAndA: Case[] = [
  { name: "units sold are products, not a business", text: "Sony sold 6.4 million units of its console in the quarter.", pairs: [], notArticle: ["m_and_a"] },
  { name: "a stake pledged as collateral is no deal", text: "The loan is secured against Unilever's stake in the unit.", pairs: [], notArticle: ["m_and_a"] },
  { name: "what a held stake is worth is no deal", text: "Alphabet's SpaceX stake is worth a lot more now.", pairs: [], notArticle: ["m_and_a"] },
  { name: "a stake valued by investors is no deal", text: "Sony's stake in the insurer was valued at $3 billion.", pairs: [], notArticle: ["m_and_a"] },
  { name: "buying a stake still is, whatever it is worth", text: "Alphabet bought a stake in SpaceX that is now worth $24 billion.", pairs: ["GOOGL/m_and_a"] },
  { name: "cutting a stake still is", text: "Tesla cut its stake in the venture.", pairs: ["TSLA/m_and_a"] },
  { name: "now holds a share of another company", text: "UniCredit now directly holds about 20% of Commerzbank.", pairs: ["CBK.DE/m_and_a", "UCG.MI/m_and_a"] },
  { name: "now owns a share after a swap", text: "Toyota now owns about 20% of Subaru after the share swap.", pairs: ["7270.T/m_and_a", "TM/m_and_a"] },
  { name: "a standing holding is no news", text: "UniCredit holds about 20% of Commerzbank.", pairs: [], notArticle: ["m_and_a"] },
  { name: "selling a unit still is", text: "Sony sold its chip unit to a rival.", pairs: ["SONY/m_and_a"] },
];

const guidance: Case[] = [
  { name: "guided to revenue", text: "Netflix guided to first-quarter revenue of $10.4 billion.", pairs: ["NFLX/guidance"] },
  { name: "cut its delivery target", text: "Volkswagen cut its 2025 delivery target to 9 million vehicles.", pairs: ["VOW3.DE/guidance"] },
  { name: "raised its profitability targets", text: "Siemens raised its profitability targets for 2026.", pairs: ["SIE.DE/guidance"] },
  { name: "targets a return on equity", text: "Barclays targets a return on tangible equity of above 12% in 2026.", pairs: ["BCS/guidance"] },
  { name: "analysts raising a sales target is an analyst catalyst, not guidance", text: "Analysts raised their sales target for Tesla.", pairs: ["TSLA/analyst"], notArticle: ["guidance"] },
  { name: "a price target is an analyst's, not guidance", text: "Morgan Stanley raised its price target on Tesla.", pairs: ["TSLA/analyst"], notArticle: ["guidance"] },
  { name: "results above guidance are no new guidance", text: "Nvidia's revenue rose 20%, above the company's own guidance.", pairs: ["NVDA/earnings"], notArticle: ["guidance"] },
  { name: "sales below its forecast are no new guidance", text: "Airbus reported sales that were below its forecast.", pairs: ["AIR.PA/earnings"], notArticle: ["guidance"] },
];

const earnings: Case[] = [
  { name: "reported orders", text: "Infosys reported stronger-than-expected orders for the quarter.", pairs: ["INFY/earnings"] },
  { name: "posted bookings", text: "Airbus posted record bookings for the first half.", pairs: ["AIR.PA/earnings"] },
  { name: "an insurer's premiums written", text: "Progressive Corp. reported that net premiums written grew 21%.", pairs: ["PGR/earnings"] },
  { name: "premiums earned", text: "Allstate said premiums earned rose 10% in the quarter.", pairs: ["ALL/earnings"] },
  { name: "the coffee chain reports results", text: "Starbucks declared a dividend. The coffee chain reports fiscal first-quarter results on Jan. 28.", pairs: ["SBUX/dividend", "SBUX/earnings"] },
  { name: "the planemaker reports results", text: "Boeing delivered 40 jets in May. The planemaker will report quarterly results on Wednesday.", pairs: ["BA/earnings"] },
  { name: "placed orders are no results", text: "Airlines placed orders for 200 jets with Airbus.", pairs: [], notArticle: ["earnings"] },
];

const listing: Case[] = [
  { name: "will join the S&P 500", text: "Oracle will join the S&P 500 index next week.", pairs: ["ORCL/listing"] },
  { name: "joins the FTSE 100", text: "Rolls-Royce joins the FTSE 100 after a strong year.", pairs: ["RR.L/listing"] },
  { name: "added to the S&P 500", text: "Netflix is being added to the S&P 500 on Monday.", pairs: ["NFLX/listing"] },
  { name: "removed from the S&P 500", text: "Intel will be removed from the S&P 500.", pairs: ["INTC/listing"] },
  { name: "replaces a company in the S&P 500", text: "Palantir will replace another company in the S&P 500 next week.", pairs: ["PLTR/listing"] },
  { name: "dropped from the FTSE 100", text: "Marks & Spencer was dropped from the FTSE 100.", pairs: [], article: ["listing"] },
  { name: "a price dropped from a high is no index change", text: "Intel shares dropped from the high of the day.", pairs: [], notArticle: ["listing"] },
  { name: "replacing a chief executive is no index change", text: "Tesla replaced its CFO.", pairs: ["TSLA/management"], notArticle: ["listing"] },
  { name: "joining S&P Global as an employee is no index inclusion", text: "Jane Doe joined S&P Global as chief economist.", pairs: [], notArticle: ["listing"] },
];

const capex: Case[] = [
  { name: "investing a total of an amount", text: "Samsung is investing a total of $44 billion in Texas.", pairs: ["005930.KS/capex"] },
  { name: "investing a total of US$ an amount", text: "Samsung is investing a total of US$44 billion in Texas.", pairs: ["005930.KS/capex"] },
  { name: "invest about an amount", text: "Honda will invest about $11 billion in Canada.", pairs: ["HMC/capex"] },
  { name: "an investment in a buyout vehicle is a deal, not capex", text: "Toyota Motor will invest 320 billion yen in the buyout vehicle.", pairs: ["TM/m_and_a"], notArticle: ["capex"] },
  { name: "an investment in a plant stays capex", text: "Honda will invest $2 billion in a new plant.", pairs: ["HMC/capex"] },
  { name: "demand for AI chips is no product launch", text: "Intel said demand for AI chips remained strong.", pairs: [], notArticle: ["product"] },
];

const regulation: Case[] = [
  { name: "government grants for a company", text: "The Commerce Department finalized $7.9 billion in government grants for Intel.", pairs: ["INTC/regulation"] },
  { name: "a CHIPS Act award", text: "Samsung won a CHIPS Act award for its Texas plant.", pairs: ["005930.KS/regulation"] },
  { name: "capital requirements", text: "UBS faces tougher capital requirements.", pairs: ["UBS/regulation"] },
  { name: "rules unveiled by a government are no product", text: "Barclays must hold more capital under rules unveiled by the government.", pairs: ["BCS/regulation"], notArticle: ["product"] },
  { name: "an executive order", text: "President Trump signed an executive order on chip tariffs.", pairs: [], article: ["regulation"] },
  { name: "executive orders on a sector", text: "The White House issued two executive orders on artificial intelligence.", pairs: [], article: ["regulation"] },
  { name: "an order from a customer is no regulation", text: "Airbus won an order for 50 jets from an airline.", pairs: [], notArticle: ["regulation"] },
  { name: "a government funding bill is no grant to a company", text: "Intel rose as Congress passed a government funding bill.", pairs: [], notArticle: ["regulation"] },
  { name: "federal subsidies for a sector", text: "Federal subsidies for electric cars will end in September.", pairs: [], article: ["regulation"] },
];

const management: Case[] = [
  { name: "dismissed its chief executive", text: "Disney dismissed its chief executive on Monday.", pairs: ["DIS/management"] },
  { name: "ousted the CEO", text: "The board of Nike ousted chief executive John Smith.", pairs: ["NKE/management"] },
  { name: "the ouster of the chairman", text: "The ouster of Barclays' chairman surprised investors.", pairs: ["BCS/management"] },
  { name: "fires its CFO", text: "Tesla fires its CFO.", pairs: ["TSLA/management"] },
  { name: "dismissing concerns of the chief executive is no dismissal", text: "Disney dismissed concerns raised by its chief executive.", pairs: [], notArticle: ["management"] },
  { name: "removing the chief obstacle is no dismissal", text: "Intel removed the chief obstacle to the deal.", pairs: [], notArticle: ["management"] },
  { name: "under fire from its CEO's critics is no firing", text: "Nike came under fire from its CEO's critics.", pairs: [], notArticle: ["management"] },
  { name: "dismissing a report is no dismissal", text: "Nike dismissed a media report about its chief executive.", pairs: [], notArticle: ["management"] },
];

// Cue words outside an event: comments on an event, a rating held, a route, a negated forecast.
const outsideEvents: Case[] = [
  { name: "a broker's view of the buyback is no buyback", text: "Analysts said the buyback would support the stock.", pairs: [], notArticle: ["buyback"] },
  { name: "the buyback will help a named peer is no buyback of it", text: "Wipro rose 2%. Brokers said the repurchase will help sentiment.", pairs: [], notArticle: ["buyback"] },
  { name: "the tender offer route of a buyback is no takeover", text: "Infosys will buy back shares through the tender offer route.", pairs: ["INFY/buyback"], notArticle: ["m_and_a"] },
  { name: "an analyst who rates a stock is no rating change", text: "Jane Roe, an analyst at Jefferies who rates Nike a buy, said demand was weak.", pairs: [], notArticle: ["analyst"] },
  { name: "a rating change still is", text: "Jefferies upgraded Google to buy.", pairs: ["GOOGL/analyst"] },
  { name: "no forecast for the impact of tariffs", text: "Sony gave no forecast for the likely impact of U.S. tariffs on its sales.", pairs: [], notArticle: ["geopolitics", "guidance"] },
  { name: "a forecast for the hit from tariffs is guidance", text: "Honda gave a forecast for the hit from tariffs of 500 billion yen.", pairs: ["HMC/guidance"] },
  { name: "a tariff hit without a forecast stays geopolitics", text: "Honda said the hit from tariffs would be 500 billion yen.", pairs: ["HMC/geopolitics"] },
  { name: "an upgraded AI model is a product, not a rating", text: "Google upgraded its Gemini AI model.", pairs: ["GOOGL/product"], notArticle: ["analyst"] },
];

// Lenders and poll-takers are named after "loans from", "polled by": they are not the news.
const sources: Case[] = [
  { name: "the lender of a bridge loan", text: "SoftBank will fund the deal with bridge loans from Mizuho.", pairs: ["9984.T/capital_raise"] },
  { name: "the data provider of a consensus", text: "Nike reported earnings of 56 cents, versus 88 cents expected by analysts polled by LSEG.", pairs: ["NKE/earnings"] },
  { name: "a listed lender of a loan is not the borrower", text: "Ford got a loan from Toyota.", pairs: ["F/capital_raise"] },
  { name: "financing by a bank", text: "Disney signed a credit facility with financing from Citigroup.", pairs: ["DIS/capital_raise"] },
];

// A "May" dateline is a month, not a hedge: the report keeps its full confidence.
describe("classify: May in a dateline", () => {
  const confidenceOf = (text: string): number | undefined => run(text).tickers.find((t) => t.symbol === "NIO")?.catalysts.find((c) => c.type === "capital_raise")?.confidence;
  it("does not hedge a report dated May 20", () => {
    const dated = confidenceOf("HONG KONG, May 20 (Reuters) - Nio raised $1 billion in a share sale.");
    const undated = confidenceOf("HONG KONG (Reuters) - Nio raised $1 billion in a share sale.");
    expect(undated).toBeDefined();
    expect(dated).toBe(undated);
  });
  it("does not hedge a report that names the month after a preposition", () => {
    expect(confidenceOf("Nio raised $1 billion in a share sale in May.")).toBe(confidenceOf("Nio raised $1 billion in a share sale."));
  });
  it("still hedges the verb may", () => {
    const plain = confidenceOf("Nio will raise $1 billion in a share sale.");
    for (const text of ["Nio may raise $1 billion in a share sale.", "Nio said this may raise $1 billion in a share sale."]) {
      const hedged = confidenceOf(text);
      expect(hedged, text).toBeDefined();
      expect(hedged!, text).toBeLessThan(plain!);
    }
  });
});

// Central-bank and fiscal policy concern the market: article-level, never a ticker's.
const macroPolicy: Case[] = [
  { name: "raised its key interest rate", text: "The Bank of England raised its key interest rate to 5.25%.", pairs: [], article: ["macro_policy"] },
  { name: "cut its repo rate", text: "The Reserve Bank of India cut its repo rate by 25 basis points.", pairs: [], article: ["macro_policy"] },
  { name: "scrapped negative rates after years of them", text: "The BOJ scrapped its negative rate policy after eight years of easing.", pairs: [], article: ["macro_policy"] },
  { name: "returned to negative rates", text: "The Swiss National Bank returned to negative rates.", pairs: [], article: ["macro_policy"] },
  { name: "the debt brake", text: "Parliament voted to loosen the debt brake for defence spending.", pairs: [], article: ["macro_policy"] },
  { name: "a tax increase", text: "The government announced a tax increase on large companies.", pairs: [], article: ["macro_policy"] },
  { name: "the government's budget", text: "The government's budget will raise taxes on banks.", pairs: [], article: ["macro_policy"] },
  { name: "a budget deficit", text: "France's budget deficit widened to 6% of GDP.", pairs: [], article: ["macro_policy"] },
  { name: "a company's marketing budget is no fiscal policy", text: "Nike cut its marketing budget.", pairs: [], notArticle: ["macro_policy"] },
  { name: "held rates steady", text: "The Fed held rates steady on Wednesday.", pairs: [], article: ["macro_policy"] },
  { name: "the ECB kept its deposit rate", text: "The ECB kept its deposit rate unchanged at 2%.", pairs: [], article: ["macro_policy"] },
  { name: "awaiting the ECB decision", text: "Investors awaited the ECB decision on Thursday.", pairs: [], article: ["macro_policy"] },
  { name: "a bank's own lending rates are no monetary policy", text: "Barclays kept its lending rates unchanged.", pairs: [], notArticle: ["macro_policy"] },
  { name: "a bank's own deposit rates are no monetary policy", text: "Barclays kept its deposit rates unchanged.", pairs: [], notArticle: ["macro_policy"] },
  { name: "a lender's mortgage rates are no monetary policy", text: "Barclays raised its mortgage rates for new customers.", pairs: [], notArticle: ["macro_policy"] },
];

const geopolitics: Case[] = [
  { name: "anti-dumping duties", text: "Adidas was hit by anti-dumping duties on shoes.", pairs: ["ADS.DE/geopolitics"] },
  { name: "countervailing duties", text: "Brussels imposed countervailing duties on Chinese electric cars.", pairs: [], article: ["geopolitics"] },
  { name: "restricted exports of chips", text: "Washington restricted exports of Nvidia's artificial intelligence chips to China.", pairs: ["NVDA/geopolitics"], notArticle: ["product"] },
  { name: "limits imposed on a company's chips", text: "AMD said new limits were imposed on its MI308 chips.", pairs: ["AMD/geopolitics"] },
  { name: "visa fees", text: "Wipro said US visa fees would raise its costs.", pairs: ["WIT/geopolitics"] },
  { name: "a fee on work visas", text: "Infosys said a new fee on H-1B visas would hurt hiring.", pairs: ["INFY/geopolitics"] },
  { name: "a fee of an amount on work visas", text: "Infosys faces a proposed US fee of $100,000 on new H-1B visas.", pairs: ["INFY/geopolitics"] },
  { name: "a travel visa is no trade policy", text: "Tourists can now get a visa on arrival in Thailand.", pairs: [], notArticle: ["geopolitics"] },
  { name: "an anti-dumping probe", text: "China opened an anti-dumping investigation into European pork.", pairs: [], article: ["geopolitics"] },
];

describe("classify: catalyst phrase families beyond the dev set", () => {
  const groups: Array<[string, Case[]]> = [
    ["launch verbs", launchVerbs],
    ["capital_raise", capitalRaise],
    ["m_and_a", mAndA],
    ["guidance", guidance],
    ["earnings", earnings],
    ["listing", listing],
    ["capex", capex],
    ["regulation", regulation],
    ["management", management],
    ["cue words outside an event", outsideEvents],
    ["lenders and data providers", sources],
    ["macro_policy", macroPolicy],
    ["geopolitics", geopolitics],
  ];
  describeCases(groups, run);
});
