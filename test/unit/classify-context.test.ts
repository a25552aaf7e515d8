// How a cue's context decides who it concerns and whether it is news: old years, subjects that are people,
// sentences with no subject, relative clauses, corporate suffixes after a comma. Sentences written for these tests.
import { describe, expect, it } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import type { ClassifyResult } from "../../src/core/types.ts";
import { describeCases, type CatalystCase } from "../helpers/catalyst-cases.ts";

const classify = loadClassifier();
const PUBLISHED = "2026-05-20T08:00:00Z";

function run(text: string, title?: string): ClassifyResult {
  return classify({ id: "x", text, published: PUBLISHED, ...(title ? { title } : {}) });
}

// An old year dates the cues before it in its clause, and those after it unless a comma sets it apart.
const oldYears: CatalystCase[] = [
  { name: "a year after a comma only dates its own phrase", text: "Microsoft announced a $60 billion buyback on Tuesday, its first new authorization since 2021.", pairs: ["MSFT/buyback"] },
  { name: "a year opening the clause dates it", text: "In 2021, Microsoft announced a $60 billion buyback.", pairs: [] },
  { name: "a year right after the cue dates it", text: "Oracle cut its dividend in 2019 after a weak year.", pairs: [] },
  { name: "a trailing comparison with an old year", text: "Shell raised its dividend by 4% on Thursday, the biggest increase since 2014.", pairs: ["SHEL/dividend"] },
  { name: "an old year after an aside still dates the cue", text: "Infosys completed an Rs 18,000-crore repurchase, its biggest ever, in late 2024.", pairs: [] },
  { name: "an old year that modifies another noun does not", text: "Regulators proposed tougher capital rules for UBS on Friday, to prevent a repeat of the 2023 collapse of a rival.", pairs: ["UBS/regulation"] },
  { name: "a dateline place owns no pronoun", text: "TOKYO, Aug 5 (Reuters) - Nippon Steel said it would cut its interim dividend, as it reported a sharp drop in quarterly profit.", pairs: ["5401.T/dividend", "5401.T/earnings"] },
  { name: "'the Public Company ...' inside a name is no pronoun", text: "Xiaomi shares rose. Beijing will allow the Public Company Accounting Oversight Board to inspect audit papers.", pairs: [], article: ["listing"] },
  { name: "the current year with an old one keeps the cue", text: "Nike, which last cut jobs in 2020, said in 2026 it would buy back $5 billion of stock.", pairs: ["NKE/buyback"] },
];

// An ambiguous name needs a corporate cue; a suffix set off by a comma is one.
const suffixes: CatalystCase[] = [
  { name: "an ambiguous name with ', Inc.'", text: "Waste Management, Inc. raised its quarterly dividend by 10%.", pairs: ["WM/dividend"] },
  { name: "one corporate cue settles every mention of the name", text: "Orange said it had completed its purchase of the rest of a Spanish operator. Orange shares rose 1% in Paris.", pairs: ["ORA.PA/m_and_a"] },
  { name: "without any cue the colour stays a colour", text: "Orange said it had completed its purchase of the rest of a Spanish operator.", pairs: [] },
  { name: "the same name with no cue stays unresolved", text: "Waste management rules tightened, and the city raised its quarterly dividend to residents.", pairs: [] },
];

// A sentence that names nobody continues the one company named just before it, for company events only.
const carriedOver: CatalystCase[] = [
  { name: "figures after the results sentence", text: "Walmart posted results on Tuesday. The board also approved a new $20 billion share repurchase program.", pairs: ["WMT/buyback", "WMT/earnings"] },
  { name: "a figure sentence with a date in it", text: "Costco opened two warehouses. In March, net income rose 9% to $1.8 billion.", pairs: ["COST/earnings"] },
  { name: "a month range and a currency are no names", text: "Infosys raised its revenue guidance. Net profit for the July-September quarter rose 9% to Rs 7,960 crore.", pairs: ["INFY/earnings", "INFY/guidance"] },
  { name: "a capital after a colon opens a part of the sentence", text: "Novo Nordisk lowered its outlook on Tuesday.\n- Financial calendar: Interim results will be published on 6 May.", pairs: ["NVO/earnings", "NVO/guidance"] },
  { name: "two companies before: nobody", text: "Baidu and JD.com rose 3%. Net income rose at both, analysts said.", pairs: [] },
  { name: "an unknown name in the sentence keeps it", text: "Walmart posted results on Tuesday. Rival Acme Stores raised its dividend by 5%.", pairs: ["WMT/earnings"] },
  { name: "the month May is no hedge", text: "Apple said on 6 May it would raise its dividend by 4%.", pairs: ["AAPL/dividend"] },
  { name: "a hedged cue is not carried", text: "Walmart shares rose 2%. A buyback may follow later this year.", pairs: [] },
  { name: "never across a heading", text: "Walmart shares rose 2% on Tuesday.\nWhat comes next\nThe board approved a $5 billion share repurchase program.", pairs: [] },
  { name: "what analysts expect is not the company's news", text: "Novartis agreed to buy a heart-drug developer. Analysts expect annual sales of the drug to exceed $3 billion.", pairs: ["NVS/m_and_a"] },
  {
    name: "after a run of sentences without a name, the headline's company",
    title: "Walmart raises outlook",
    text: "Walmart shares rose 3% on Tuesday.\nSales grew in every region.\nStores were busier.\nOnline orders doubled.\nThe board also approved a $20 billion share repurchase program.",
    pairs: ["WMT/buyback", "WMT/earnings", "WMT/guidance"],
  },
  {
    name: "the stock, far from any name, is the headline's company",
    title: "Nike shares slide",
    text: "Nike shares fell 6% on Friday.\nDemand was weak.\nInventories rose.\nMargins shrank.\nJefferies downgraded the stock to hold.",
    pairs: ["NKE/analyst"],
  },
  { name: "no headline company, no guess", title: "A chipmaker soars in its debut", text: "Nvidia was the benchmark.\nDemand was strong.\nInvestors cheered.\nOrders doubled.\nThe company also approved a $2 billion share repurchase program.", pairs: [] },
  { name: "sector news is never carried", text: "Walmart shares rose 2% on Tuesday. Earnings season starts next week.", pairs: [], article: ["earnings"] },
  { name: "a regulation sentence stays unattached", text: "Walmart shares rose 2%. Regulators proposed new rules on grocery pricing.", pairs: [] },
];

// People speak for companies: their statements are the company's news, never absorbed as a private actor's.
const speakers: CatalystCase[] = [
  { name: "a chief executive's forecast", text: "JPMorgan Chase reported higher profit. Chief Executive Jamie Dimon said he expects net interest income to rise next year.", pairs: ["JPM/earnings", "JPM/guidance"] },
  { name: "a known person with the company as subject", text: "Tesla delivered fewer cars. Elon Musk said the company expects deliveries to grow next year.", pairs: ["TSLA/guidance"] },
  { name: "a private firm still owns its pronoun", text: "Alibaba shares rose, while ByteDance raised its revenue forecast.", pairs: [] },
];

const guidance: CatalystCase[] = [
  { name: "a forecast with three words before it", text: "C.H. Robinson cut its full-year profit forecast on Wednesday.", pairs: ["CHRW/guidance"] },
  { name: "an annual outlook is guidance, not results", text: "Kering's annual revenue outlook was unchanged, the company said.", pairs: ["KER.PA/guidance"] },
  { name: "a profit target is guidance, not results", text: "NIO targets fourth-quarter profit as deliveries climb.", pairs: ["NIO/guidance"] },
  { name: "expects to reach break-even", text: "Lucid Group said it expects to reach break-even in 2027.", pairs: ["LCID/guidance"] },
  { name: "reports on a weekday is a results date", text: "Toyota fell 2%, while Honda, which reports on Friday, rose 1%.", pairs: ["HMC/earnings"] },
  { name: "a broker's target on the ADRs", text: "Baidu shares rose 3% on Tuesday.\nMorgan Stanley analysts raised their price target on the ADRs to $150.", pairs: ["BIDU/analyst"] },
  { name: "a confirmed forecast", text: "Siemens Healthineers confirmed its forecast for the current fiscal year.", pairs: ["SHL.DE/guidance"] },
  { name: "a raised forecast with a long name in between", text: "Novartis raised its full-year core operating income forecast.", pairs: ["NVS/guidance"] },
  { name: "expects income", text: "Allstate expects net investment income to rise about 3% next year.", pairs: ["ALL/guidance"] },
];

// Phrasings of company events and trade curbs (config/catalyst-cues.json).
const phrasings: CatalystCase[] = [
  { name: "completed the sale of a division", text: "Unilever completed the sale of its tea division on Monday.", pairs: ["UL/m_and_a"] },
  { name: "closed its purchase of", text: "Roche closed its purchase of a vaccine maker for $11 billion.", pairs: ["ROG.SW/m_and_a"] },
  { name: "a sale of goods is no deal", text: "Unilever completed the sale of 2 million jars of mayonnaise in May.", pairs: [] },
  { name: "ruling out is no court ruling", text: "Nippon Steel's president said the company had no plan to issue new shares, ruling out an equity offering.", pairs: [] },
  { name: "appointing underwriters is no management change", text: "Seven & i said it had appointed underwriters for the listing of its US unit.", pairs: [] },
  { name: "an upgraded chip is no rating change", text: "MediaTek announced a chipset with an upgraded neural processing unit.", pairs: [], notArticle: ["analyst"] },
  { name: "a broker's upgrade still counts", text: "Jefferies upgraded MediaTek to buy from hold.", pairs: ["2454.TW/analyst"] },
  { name: "money added to a planned investment", text: "Hyundai Motor said it would add $5 billion to its planned investment in the United States.", pairs: ["005380.KS/capex"] },
  { name: "launching a share sale is no product launch", text: "Adani Enterprises launches Rs 15,000 crore share sale to fund airports.", pairs: ["ADANIENT.NS/capital_raise"], notArticle: ["product"] },
  { name: "holding a stake is no deal", text: "SK Square, its largest shareholder with a roughly 20% stake, jumped 7%.", pairs: [] },
  { name: "taking a company with a long name private", text: "Cisco plans to take Palo Alto Networks private.", pairs: ["CSCO/m_and_a", "PANW/m_and_a"] },
  { name: "a company inside an appositive is not the subject", text: "SK hynix, the biggest supplier of the memory used in Nvidia's AI processors, said its board had approved a plan to list ADRs in New York.", pairs: ["000660.KS/listing"] },
  { name: "a director not standing for re-election", text: "Tesla said a director would not stand for re-election at the annual meeting.", pairs: ["TSLA/management"] },
  { name: "a founder returning to the board", text: "Kakao said its founder would return to its board as a non-executive director.", pairs: ["035720.KS/management"] },
  { name: "standing for a vote is no departure", text: "Tesla said all directors would stand for re-election at the annual meeting.", pairs: [] },
  { name: "gains on a stake are no deal", text: "SoftBank Group reported a record profit, lifted by valuation gains on its stake in a private AI developer.", pairs: ["9984.T/earnings"] },
  { name: "paying for a stake", text: "Meta will invest about Rs 855 crore for a 30% stake in the venture.", pairs: ["META/m_and_a"] },
  { name: "tendering a stake into a buyout", text: "Denso said it would tender its 4.9% stake in the buyout.", pairs: ["6902.T/m_and_a"] },
  { name: "a stake sale", text: "Bayer completed a stake sale in its animal health arm.", pairs: ["BAYN.DE/m_and_a"] },
  { name: "what could have happened did not", text: "Kakao shares jumped; a conviction could have forced Kakao to cut its stake in the bank.", pairs: [] },
  { name: "paying from existing credit lines raises nothing", text: "Novartis will fund the deal from cash and existing credit lines.", pairs: [] },
  { name: "a new credit line still counts", text: "Novartis signed a new $5 billion credit facility with a group of banks.", pairs: ["NVS/capital_raise"] },
  { name: "appointing a compliance monitor is no management change", text: "Adani Green will pay a penalty and appoint an independent compliance monitor.", pairs: ["ADANIGREEN.NS/regulation"], notArticle: ["management"] },
  { name: "a buyback left unchanged is no buyback news", text: "Unilever tops estimates; buyback left unchanged.", pairs: ["UL/earnings"] },
  { name: "a dividend kept unchanged", text: "Unilever kept its quarterly dividend unchanged.", pairs: [] },
  { name: "convertible senior notes", text: "Rivian announced a proposed offering of $1.25 billion of green convertible senior notes.", pairs: ["RIVN/capital_raise"] },
  { name: "money invested in a named firm buys a stake", text: "Amazon will invest $4 billion in Anthropic, the startup said.", pairs: ["AMZN/m_and_a"] },
  { name: "money invested in plants is capex", text: "Amazon will invest $4 billion in new data centers in Ohio.", pairs: ["AMZN/capex"] },
  { name: "a concession's company is no list member", text: "Despite the buyback at Apple, Microsoft raised its dividend.", pairs: ["MSFT/dividend"] },
  { name: "a real list still shares the cue", text: "Apple, Microsoft and Alphabet raised their dividends.", pairs: ["AAPL/dividend", "GOOGL/dividend", "MSFT/dividend"] },
  { name: "banks listed as bookrunners are quoted", text: "Realty Income priced $1 billion of notes. The joint book-running managers for the notes offering are Wells Fargo Securities, BofA Securities, Citigroup and J.P. Morgan.", pairs: ["O/capital_raise"] },
  { name: "a history of raised outlooks is no new guidance", text: "Palantir has raised its full-year outlook in each of the past five quarters.", pairs: [] },
  { name: "profit above estimates is no rating change", text: "Delta Air Lines sees strong holiday quarter as premium demand lifts profit above estimates.", pairs: [], notArticle: ["analyst"] },
  { name: "a broker raising its estimates still counts", text: "Jefferies raised its estimates for Delta Air Lines on Monday.", pairs: ["DAL/analyst"] },
  { name: "a sector noun that describes the next cue", text: "US tightens AI chip export rules to China, hitting Nvidia and AMD.", pairs: ["AMD/geopolitics", "NVDA/geopolitics"], notArticle: ["product"] },
  { name: "a priced public offering of shares", text: "Late Tuesday Summit Therapeutics priced an underwritten public offering of 30 million shares at $25.00 apiece, raising gross proceeds of $750 million.", pairs: ["SMMT/capital_raise"] },
  { name: "priced equity units", text: "NextEra priced $2 billion of equity units late Tuesday.", pairs: ["NEE/capital_raise"] },
  { name: "an initial public offering stays a listing", text: "Arm Holdings jumped in its initial public offering.", pairs: ["ARM/listing"], notArticle: ["capital_raise"] },
  { name: "a company in a person's past is not the subject", text: "Intel on Wednesday named Mark Murphy, a former Micron Technology chief financial officer, as its new finance chief.", pairs: ["INTC/management"] },
  { name: "joining as finance chief", text: "Five Below said Stewart Glendinning will join as chief financial officer on Jan. 5.", pairs: ["FIVE/management"] },
  { name: "initial price guidance in a bond deal is no outlook", text: "Volkswagen priced the bonds about 37.5 basis points tighter than initial guidance.", pairs: ["VOW3.DE/capital_raise"], notArticle: ["guidance"] },
  { name: "a valuation multiple of expected earnings is no outlook", text: "Heineken now trades at about 14 times expected earnings.", pairs: [], notArticle: ["guidance"] },
  { name: "a revenue target is guidance", text: "AstraZeneca has set a target of $80 billion in annual revenue by 2030.", pairs: ["AZN/guidance"] },
  { name: "a customer named in the subject's appositive is not the subject", text: "Foxconn Industrial Internet, a key Apple assembler, passed its listing hearing in Hong Kong.", pairs: ["601138.SS/listing"] },
  { name: "a sector noun needs the company named with it", text: "ASML beat forecasts. Demand for AI chips lifted orders for its machines.", pairs: ["ASML/earnings"], notArticle: [] },
  { name: "a multiple of core earnings is no results", text: "Orange expects net debt to return to about two times core earnings by 2027.", pairs: [] },
  { name: "spending on capital projects", text: "BP said it would spend between $12bn and $13bn a year on capital projects through 2028.", pairs: ["BP/capex"] },
  { name: "an expected return on equity is guidance", text: "Citigroup said it still expects a return on tangible common equity of 10% to 11% in 2026.", pairs: ["C/guidance"] },
  { name: "a company reporting its numbers", text: "Peer Wipro reports its September-quarter numbers on Friday.", pairs: ["WIT/earnings"] },
  { name: "adjusted operating income", text: "Siemens said adjusted operating income came to 2.9 billion euros.", pairs: ["SIE.DE/earnings"] },
  { name: "swung to a profit", text: "Renault swung to a net profit in the second quarter.", pairs: ["RNO.PA/earnings"] },
  { name: "forecast a rise several words before the figure", text: "Danone forecast a low-single-digit rise in organic sales this year.", pairs: ["BN.PA/guidance"] },
  { name: "licences for exports of a company's tools", text: "The Dutch government will require licences for exports of ASML's immersion tools to China.", pairs: ["ASML/geopolitics"] },
];

// A relative clause's antecedent is its subject, even when another company follows the cue.
const relatives: CatalystCase[] = [
  { name: "the antecedent, not the company after the cue", text: "Danone, which will publish its annual results on Feb. 20, said Nestle would become a partner.", pairs: ["BN.PA/earnings"] },
  { name: "a list inside the relative clause stays in it", text: "Nvidia, which supplies Microsoft, Meta and Amazon, raised its revenue forecast.", pairs: ["NVDA/guidance"] },
  { name: "the relative clause ends before the main verb", text: "Pfizer, which agreed to buy a stake in Moderna last week, raised its dividend.", pairs: ["MRNA/m_and_a", "PFE/dividend", "PFE/m_and_a"] },
  { name: "a relative clause after a list concerns the whole list", text: "The two companies will replace Enphase Energy (ENPH.O) and Caesars Entertainment (CZR.O), which will move to the S&P SmallCap 600.", pairs: ["CZR/listing", "ENPH/listing"] },
  { name: "a relative clause about something else may still say it", text: "ASML Holding NV said the measures would not affect its outlook, which it will detail when it publishes fourth-quarter results on Jan. 28.", pairs: ["ASML/earnings"] },
  { name: "a two-party cue still takes its object", text: "Danone, which agreed to buy a stake in Nestle last week, reports results on Friday.", pairs: ["BN.PA/earnings", "BN.PA/m_and_a", "NESN.SW/m_and_a"] },
];

// A bank or broker is a quoted source when its verb follows it; when it does something itself, it is a ticker.
const banks: CatalystCase[] = [
  { name: "a bank topping estimates is its own news", text: "Citigroup tops estimates as costs fall.", pairs: ["C/earnings"] },
  { name: "a bank reiterating what it expects is its own news", text: "BBVA reiterated that it expects net interest income in Spain to grow this year.", pairs: ["BBVA/guidance"] },
  { name: "a broker upgrading on a weekday is a source", text: "Goldman Sachs on Tuesday upgraded Alibaba to buy.", pairs: ["BABA/analyst"] },
  { name: "analysts led by someone are a source, and their forecast no event", text: "JPMorgan analysts led by Alex Yao said Tencent would raise its dividend.", pairs: [] },
  { name: "analysts reporting what happened", text: "Analysts said Tencent raised its dividend by 20% on Wednesday.", pairs: ["0700.HK/dividend"] },
];

// Broker notes: "COMPANY (CODE MARKET) - news", with Bloomberg desk codes.
const brokerNotes: CatalystCase[] = [
  { name: "a London desk code", text: "TESCO (TSCO LN) - Q1 trading statement.", pairs: ["TSCO.L/earnings"] },
  { name: "a desk code with a slash, the label clause is the subject", text: "BAE SYSTEMS (BA/ LN) - We upgrade to BUY from Hold.", pairs: ["BA.L/analyst"] },
  { name: "a share class in the desk code", text: "NOVONESIS (NSIS B DC) - UPGRADE to BUY (from Hold).", pairs: ["NSIS-B.CO/analyst"] },
  { name: "a bank rated in a broker note is a ticker", text: "BARCLAYS (BARC LN) - Target price raised to 390p from 355p.", pairs: ["BCS/analyst"] },
  { name: "a results day after the label", text: "MAERSK (MAERSK B DC) - Reports Thursday before the open.", pairs: ["MAERSK-B.CO/earnings"] },
  { name: "a label needs nothing but names before the dash", text: "Shares of Tesco rose - analysts upgraded BAE Systems to buy.", pairs: ["BA.L/analyst"] },
];

describe("the month May and the verb may", () => {
  const confidence = (text: string): number | undefined =>
    run(text).tickers.find((t) => t.symbol === "AAPL")?.catalysts.find((c) => c.type === "dividend")?.confidence;
  it("a date leaves the confidence alone; the verb lowers it", () => {
    const dated = confidence("Apple said on 6 May it would raise its dividend by 4%.");
    const hedged = confidence("Apple may raise its dividend by 4%.");
    expect(dated).toBeDefined();
    expect(hedged).toBeDefined();
    expect(hedged!).toBeLessThan(dated!);
  });
});

describe("classifier context", () => {
  describeCases(
    [
      ["old years", oldYears],
      ["corporate suffixes", suffixes],
      ["sentences that name nobody", carriedOver],
      ["people as subjects", speakers],
      ["guidance phrasings", guidance],
      ["relative clauses", relatives],
      ["phrasings", phrasings],
      ["banks as sources or subjects", banks],
      ["broker notes", brokerNotes],
    ],
    run,
  );
});
