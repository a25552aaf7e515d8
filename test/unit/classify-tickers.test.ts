// Which companies the classifier takes as tickers of an article, with the real universe and rules of config/.
import { describe, expect, it } from "vitest";
import { loadUniverse } from "../../src/adapters/universe/load.ts";
import { loadClassifier, loadClassifierConfig } from "../../src/classifier.ts";
import type { ClassifyResult } from "../../src/core/types.ts";

const classify = loadClassifier();
const PUBLISHED = "2025-06-10T08:00:00Z";

function run(text: string, title?: string): ClassifyResult {
  return classify({ id: "t", text, published: PUBLISHED, ...(title ? { title } : {}) });
}

/** Tickers the scorer would count: relevance >= 0.5, indices left out. */
function tickersOf(result: ClassifyResult): string[] {
  return result.tickers
    .filter((t) => t.relevance >= 0.5 && !t.symbol.startsWith("^"))
    .map((t) => t.symbol)
    .sort();
}

interface Case {
  name: string;
  text: string;
  tickers: string[];
}

const cashtagsAndPrefixes: Case[] = [
  { name: "cashtag", text: "$BABA opened higher on Tuesday after the holiday.", tickers: ["BABA"] },
  { name: "two cashtags", text: "Traders swapped $NVDA for $AMD in the afternoon session.", tickers: ["AMD", "NVDA"] },
  { name: "cashtag of a stop word symbol", text: "$ALL slipped after the storm season update.", tickers: ["ALL"] },
  { name: "cashtag of a secondary listing maps to the canonical symbol", text: "$TCEHY traded in a tight range on Monday.", tickers: ["0700.HK"] },
  { name: "NYSE prefix without space", text: "Shares of the retailer (NYSE:WMT) edged up before the open.", tickers: ["WMT"] },
  { name: "NASDAQ prefix with space", text: "The online retailer, listed as NASDAQ: JD, extended its gains.", tickers: ["JD"] },
  { name: "HK prefix with a four-digit code", text: "The group, HK:9988, was the most traded stock in the city.", tickers: ["BABA"] },
  { name: "HKEX prefix with an unpadded code", text: "Its parent, HKEX: 700, said trading would resume on Friday.", tickers: ["0700.HK"] },
  { name: "HKG prefix in parentheses", text: "The carmaker (HKG: 1211) sold more plug-in hybrids in May.", tickers: ["1211.HK"] },
  { name: "Tokyo prefix", text: "The automaker (TYO: 7203) lifted its output target.", tickers: ["TM"] },
  { name: "exchange prefix of a former symbol", text: "The payments company (NYSE: SQ) rolled out a new card reader.", tickers: ["XYZ"] },
  { name: "the exchange name is not the exchange operator", text: "The shares (NASDAQ:NTES) rose 3% after the game launch.", tickers: ["NTES"] },
];

const quotesAndCodes: Case[] = [
  { name: "parenthesised quote with a percentage", text: "Pinduoduo owner PDD Holdings (PDD 2.10%) climbed after the report.", tickers: ["PDD"] },
  { name: "parenthesised quote of a stop-word symbol with a price move", text: "Allstate (ALL -1.2%) fell as storm claims mounted.", tickers: ["ALL"] },
  { name: "parenthesised symbol right after the company's name", text: "Insurer Allstate (ALL) said claims from the hail storm were manageable.", tickers: ["ALL"] },
  { name: "an acronym in parentheses is not a quote", text: "Spending on artificial intelligence (AI) keeps rising across the industry.", tickers: [] },
  { name: "IPO in parentheses is not a quote", text: "The initial public offering (IPO) market reopened in the spring.", tickers: [] },
  { name: "HK code", text: "9988.HK and 3690.HK led the gains in the afternoon.", tickers: ["3690.HK", "BABA"] },
  { name: "HK code without the leading zero", text: "700.HK rebounded after three days of losses.", tickers: ["0700.HK"] },
  { name: "Tokyo code maps to the US listing", text: "Shares of 7203.T rose 2% in Tokyo trading.", tickers: ["TM"] },
  { name: "Shanghai code of a dual-listed bank", text: "601398.SS was little changed in Shanghai.", tickers: ["1398.HK"] },
  { name: "Shenzhen code", text: "The battery maker, 300750.SZ, rose to a record.", tickers: ["3750.HK"] },
  { name: "quote with exchange prefix in parentheses", text: "Baidu Inc. (NASDAQ:BIDU) said its robotaxi fleet passed a milestone.", tickers: ["BIDU"] },
  { name: "Reuters code of a US listing", text: "Shares of the company (BABA.N) rose in New York.", tickers: ["BABA"] },
  { name: "Bloomberg code of a Hong Kong listing", text: "The carmaker (1211 HK) cut prices again.", tickers: ["1211.HK"] },
  { name: "Bloomberg code of a Shanghai listing", text: "The liquor maker's rival (600519 CH) fell.", tickers: ["600519.SS"] },
  { name: "a number and a word in parentheses that are no code", text: "The deal (500 MW) was signed on Monday.", tickers: [] },
];

const names: Case[] = [
  { name: "short name", text: "Alibaba said its cloud revenue grew faster than expected.", tickers: ["BABA"] },
  { name: "possessive with a straight apostrophe", text: "Alibaba's cloud arm signed a deal with a carmaker.", tickers: ["BABA"] },
  { name: "possessive with a curly apostrophe", text: "Alibaba’s logistics unit expanded to ten more countries.", tickers: ["BABA"] },
  { name: "full legal name", text: "Alibaba Group Holding Ltd. reported steady growth in its international commerce division.", tickers: ["BABA"] },
  { name: "longest alias: Tencent Music is not Tencent", text: "Tencent Music Entertainment signed a licensing pact with a record label.", tickers: ["TME"] },
  { name: "longest alias: Tencent Music possessive", text: "Tencent Music’s paying users rose to a new high.", tickers: ["TME"] },
  { name: "Tencent alone is Tencent", text: "Tencent said its games business grew in the quarter.", tickers: ["0700.HK"] },
  { name: "Alibaba Cloud is Alibaba", text: "Alibaba Cloud cut prices for its large language models.", tickers: ["BABA"] },
  { name: "Alibaba Health is not Alibaba", text: "Alibaba Health widened its online pharmacy network.", tickers: ["0241.HK"] },
  { name: "JD Health is not JD.com", text: "JD Health expanded same-day delivery of prescription drugs.", tickers: ["6618.HK"] },
  { name: "JD.com with a dot", text: "JD.com opened three new warehouses in Europe.", tickers: ["JD"] },
  { name: "names and codes that end a sentence", text: "Europe's warehouses now belong to JD.com. The seller was 9988.HK.", tickers: ["BABA", "JD"] },
  { name: "Chinese name", text: "阿里巴巴今日宣布新的回购计划。", tickers: ["BABA"] },
  { name: "Japanese name maps to the US listing", text: "トヨタ announced new hybrid models for the domestic market.", tickers: ["TM"] },
  { name: "company names in a list", text: "Xiaomi, Lenovo and ZTE all shipped more handsets in the second quarter.", tickers: ["0763.HK", "0992.HK", "1810.HK"] },
  { name: "a name split by a possessive is not the longer alias", text: "Tencent's Music chief spoke at the conference.", tickers: ["0700.HK"] },
  { name: "brand names that stand for the company", text: "Temu drew more shoppers in Europe in May.", tickers: ["PDD"] },
  { name: "Google is Alphabet", text: "Google released a new version of its assistant.", tickers: ["GOOGL"] },
  { name: "a backer in a compound word is weak", text: "Alibaba-backed Xpeng delivered a record number of cars.", tickers: ["XPEV"] },
];

const bareWordsAndSymbols: Case[] = [
  { name: "bare symbol that is not a word", text: "NVDA rose 4% in premarket trading.", tickers: ["NVDA"] },
  { name: "bare ALL is a word", text: "ALL of the big banks passed the stress test.", tickers: [] },
  { name: "bare AI is an acronym", text: "AI spending lifted chip stocks again.", tickers: [] },
  { name: "bare IT is an acronym", text: "IT budgets are growing at the fastest pace in years.", tickers: [] },
  { name: "bare ON is a word", text: "ON the other hand, demand in Europe was weak.", tickers: [] },
  { name: "bare NOW is a word", text: "NOW is the time for investors to rebalance, the adviser said.", tickers: [] },
  { name: "bare A is a letter", text: "A rally in tech stocks lifted the index.", tickers: [] },
  { name: "bare CEO is a title", text: "The CEO told staff the plan would take years.", tickers: [] },
  { name: "bare US is a country", text: "US regulators opened a comment period.", tickers: [] },
  { name: "bare IPO, GDP and EV are acronyms", text: "IPO activity, GDP growth and EV sales all improved.", tickers: [] },
  { name: "time zone ET is not Energy Transfer", text: "Trading resumes at 9:30 a.m. ET on Monday.", tickers: [] },
  { name: "a two-letter symbol alone is not enough", text: "GS and MS were mentioned as possible advisers.", tickers: [] },
  { name: "a two-letter symbol with the company named elsewhere", text: "Ford said it would build a new plant. F shares rose 2% on the news.", tickers: ["F"] },
  { name: "a company named in an all-capitals headline", text: "ALIBABA AND TENCENT MUSIC SOAR AFTER BUYBACK NEWS\nInvestors cheered.", tickers: ["BABA", "TME"] },
  { name: "a name in capitals inside ordinary text is not read", text: "The ALIBABA brand was printed on the boxes in the warehouse.", tickers: [] },
  { name: "an all-capitals headline line does not make tickers of its words", text: "BIG TECH RALLY LIFTS NASDAQ AS RATE FEARS EASE\nInvestors bought growth stocks.", tickers: [] },
];

const ambiguous: Case[] = [
  { name: "ambiguous alias alone is not a company", text: "Target dates for the project were pushed back.", tickers: [] },
  { name: "ambiguous alias with a corporate suffix", text: "Target Corp. cut prices on thousands of items.", tickers: ["TGT"] },
  { name: "ambiguous alias followed by shares", text: "Target shares fell 3% after the retailer cut its forecast.", tickers: ["TGT"] },
  { name: "ambiguous alias with the symbol elsewhere", text: "Target lowered its outlook. TGT fell in premarket trade.", tickers: ["TGT"] },
  { name: "ambiguous alias with a distinctive alias elsewhere", text: "Target Corporation reported results. Target said traffic fell.", tickers: ["TGT"] },
  { name: "an ordinary word that is an alias", text: "Each block of shares was sold at a discount.", tickers: [] },
  { name: "Block with a cashtag is the company", text: "Block rolled out a new lending product. $XYZ rose 3%.", tickers: ["XYZ"] },
  { name: "Delta without context is ambiguous", text: "The Delta variant spread quickly last winter.", tickers: [] },
  { name: "Delta with its airline name", text: "Delta Air Lines added flights to Asia.", tickers: ["DAL"] },
  { name: "Visa with Inc.", text: "Visa Inc. said cross-border volumes grew 12%.", tickers: ["V"] },
];

const sources: Case[] = [
  { name: "citing a report by a bank", text: "Citing a report by Morgan Stanley, the newspaper said Meituan would raise prices.", tickers: ["3690.HK"] },
  { name: "according to a bank", text: "According to JPMorgan, Xiaomi is gaining share in Europe.", tickers: ["1810.HK"] },
  { name: "analysts at a broker", text: "Analysts at Citigroup expect NetEase to keep growing.", tickers: ["NTES"] },
  { name: "a bank's analyst wrote in a note", text: "“Demand looks durable,” UBS Group’s Jane Doe wrote in a note about Lenovo.", tickers: ["0992.HK"] },
  { name: "a research arm as a source", text: "Bloomberg Intelligence analyst John Smith said BYD could gain share.", tickers: ["1211.HK"] },
  { name: "a bank upgrading a company", text: "Goldman Sachs upgraded Kuaishou to buy from neutral.", tickers: ["1024.HK"] },
  { name: "a news agency as a source", text: "Baidu is in talks to buy a streaming app, according to a Reuters report.", tickers: ["BIDU"] },
  { name: "a strategist at a bank", text: "Equity strategist Ann Lee at HSBC said Chinese banks look cheap.", tickers: [] },
  { name: "a bank with news of its own is a ticker", text: "HSBC said it would cut 500 jobs in its investment bank.", tickers: ["HSBC"] },
  { name: "a bank's own results", text: "JPMorgan reported record quarterly profit on Tuesday.", tickers: ["JPM"] },
  { name: "a bank's own price move", text: "Deutsche Bank shares fell 4% in Frankfurt.", tickers: ["DB"] },
  { name: "a data provider as a source", text: "Data compiled by S&P Global showed PetroChina raised output.", tickers: ["0857.HK"] },
];

const privateAndPeople: Case[] = [
  { name: "private AI start-up", text: "DeepSeek released a new reasoning model on Monday.", tickers: [] },
  { name: "ByteDance and TikTok are private", text: "ByteDance said TikTok Shop sales doubled in the US.", tickers: [] },
  { name: "Ant Group is private even next to Alibaba", text: "Ant Group, an Alibaba affiliate, cut fees for merchants.", tickers: ["BABA"] },
  { name: "a founder is a person", text: "Jack Ma returned to China after a year abroad.", tickers: [] },
  { name: "a leader's name is a person", text: "Xi Jinping met foreign business leaders in Beijing.", tickers: [] },
  { name: "a person named like a company", text: "Michael Dell spoke about the future of computing.", tickers: [] },
  { name: "Li Qiang is not Li Auto", text: "Premier Li Qiang promised more support for consumption.", tickers: [] },
  { name: "Huawei is private", text: "Huawei unveiled a new foldable phone.", tickers: [] },
  { name: "a private firm next to a listed one", text: "Huawei and Xiaomi both launched new phones this week.", tickers: ["1810.HK"] },
];

const indicesAndMarkets: Case[] = [
  { name: "the People's Bank of China is not Bank of China", text: "The People's Bank of China kept its lending rates unchanged.", tickers: [] },
  { name: "an index is not a company", text: "The Hang Seng Index rose 1.5% on Monday.", tickers: [] },
  { name: "the Hang Seng Tech Index", text: "The Hang Seng Tech Index extended its rally.", tickers: [] },
  { name: "the Nasdaq as a market is not Nasdaq Inc", text: "The Nasdaq closed at a record high.", tickers: [] },
  { name: "the Nasdaq 100", text: "Chip stocks led the Nasdaq 100 higher.", tickers: [] },
  { name: "the Dow Jones is not Dow Inc", text: "The Dow Jones Industrial Average slipped 0.3%.", tickers: [] },
  { name: "the Hong Kong exchange operator by name", text: "Hong Kong Exchanges and Clearing posted record trading fees.", tickers: ["0388.HK"] },
];

const chrome: Case[] = [
  {
    name: "related headlines after a tail marker",
    text: "Kuaishou said its AI video tool gained users.\n\nRelated topics:\n\nNvidia Shares Slide as Export Rules Tighten\n\nTesla Cuts Prices in China",
    tickers: ["1024.HK"],
  },
  {
    name: "you may also like",
    text: "Meituan expanded its drone deliveries.\nYou may also like\nApple Unveils New iPhone Lineup",
    tickers: ["3690.HK"],
  },
  { name: "image credit line", text: "Lenovo shipped more PCs in the quarter.\nImage source: Getty Images.", tickers: ["0992.HK"] },
  { name: "advertisement lines", text: "Advertisements\nBYD cut prices on two models.\nAdvertisements", tickers: ["1211.HK"] },
  { name: "copyright line", text: "Trip.com bookings rose.\n© 2025 Microsoft News Network. All rights reserved.", tickers: ["TCOM"] },
  {
    name: "disclosure line",
    text: "NetEase shares rose 3% on the game launch.\nJohn Doe has no position in any of the stocks mentioned. The Motley Fool has positions in and recommends Apple and Amazon.",
    tickers: ["NTES"],
  },
  {
    name: "a press release's boilerplate after its About section",
    text: "Kingsoft (HKG: 3888) today announced a new office suite.\nAbout Kingsoft\nKingsoft competes with Microsoft and Google.\nForward-Looking Statements\nApple and Amazon may differ materially.",
    tickers: ["3888.HK"],
  },
  {
    name: "a blog page's share buttons, previous/next links and popular posts",
    text: "Home » Stocks » Lenovo Ships More PCs\nPosted by Editor | May 20, 2025\nLenovo shipped more PCs in the quarter.\nShare this:\nFacebook Twitter LinkedIn\nPrevious article: Tencent Music Raises Buyback\nNext article: Baidu Launches Ernie 5\nPopular Posts\nApple Unveils New MacBook Air",
    tickers: ["0992.HK"],
  },
  {
    name: "an investing newsletter's promotion",
    text: "Nio delivered more cars in May.\nShould you invest $1,000 in Nio right now?\nBefore you buy stock in Nio, consider this: The Motley Fool Stock Advisor analyst team just identified what they believe are the 10 best stocks to buy now.\nConsider when Nvidia made this list on April 15, 2005... if you invested $1,000, you'd have $600,000!\nSee the 10 stocks »",
    tickers: ["NIO"],
  },
  {
    name: "other stories' headlines after 'Most Read from Bloomberg', then the article",
    text: "Most Read from Bloomberg\nApple Plans Foldable iPhone Launch\nTesla Shares Slide on Delivery Miss\nMeituan said on Tuesday it would expand drone deliveries to Dubai.\nThe company's shares rose 2%.",
    tickers: ["3690.HK"],
  },
  { name: "a wire's SOURCE line", text: "Lenovo (HKG: 0992) said it opened a plant.\nSOURCE Tencent Holdings", tickers: ["0992.HK"] },
];

describe("classify: tickers", () => {
  const groups: Array<[string, Case[]]> = [
    ["cashtags and exchange prefixes", cashtagsAndPrefixes],
    ["quotes and listing codes", quotesAndCodes],
    ["names and aliases", names],
    ["bare words and symbols", bareWordsAndSymbols],
    ["ambiguous aliases", ambiguous],
    ["quoted sources", sources],
    ["private companies and people", privateAndPeople],
    ["indices and markets", indicesAndMarkets],
    ["page chrome", chrome],
  ];
  for (const [group, cases] of groups) {
    describe(group, () => {
      it.each(cases)("$name", ({ text, tickers }) => {
        expect(tickersOf(run(text))).toEqual([...tickers].sort());
      });
    });
  }

  it("never lets a private firm, person or market name hide a listed company's own name", () => {
    const universe = loadUniverse();
    const { notCompanies } = loadClassifierConfig().entities;
    const hidden = [...notCompanies.private, ...notCompanies.people, ...notCompanies.other].filter((n) => universe.byAlias.has(n));
    expect(hidden).toEqual([]);
  });

  it("reports other listings with the canonical symbol", () => {
    const baba = run("9988.HK rose 2% in Hong Kong.").tickers.find((t) => t.symbol === "BABA");
    expect(baba?.listings).toContain("9988.HK");
    expect(baba?.name).toMatch(/Alibaba/);
  });

  it("ranks the headline company above one named in passing", () => {
    const r = run("The company also said it expects strong demand. Rival Lenovo was quiet.", "Xiaomi raises its annual shipment target");
    const xiaomi = r.tickers.find((t) => t.symbol === "1810.HK")!;
    const lenovo = r.tickers.find((t) => t.symbol === "0992.HK")!;
    expect(xiaomi.relevance).toBeGreaterThan(lenovo.relevance);
    expect(r.tickers[0]?.symbol).toBe("1810.HK");
  });

  it("keeps relevance within [0, 1] for a company named many times", () => {
    const r = run(Array.from({ length: 30 }, () => "Alibaba (NYSE:BABA) shares rose 3% after Alibaba's buyback.").join(" "), "Alibaba soars");
    for (const t of r.tickers) {
      expect(t.relevance).toBeGreaterThanOrEqual(0);
      expect(t.relevance).toBeLessThanOrEqual(1);
    }
    expect(r.tickers.find((t) => t.symbol === "BABA")?.relevance).toBeGreaterThan(0.9);
  });

  it("gives a company named only as someone's backer a relevance below 0.5", () => {
    const r = run("Alibaba-backed Xpeng delivered a record number of cars.");
    const baba = r.tickers.find((t) => t.symbol === "BABA");
    expect(baba === undefined || baba.relevance < 0.5).toBe(true);
  });

  it("answers an empty article with no tickers and no catalysts", () => {
    expect(classify({ id: "e", text: "" })).toEqual({ id: "e", catalysts: [], tickers: [] });
  });
});
