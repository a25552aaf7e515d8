// Builds a deterministic synthetic news corpus (about 2 KB an article) from the real universe, for timing classifiers.
import type { ArticleInput } from "../src/core/types.ts";
import type { Company } from "../src/core/universe/schema.ts";
import type { Universe } from "../src/core/universe/index.ts";

export interface CorpusArticle extends ArticleInput {
  /** Canonical symbols of the companies the article was written about (by name, alias or ticker). */
  mentions: string[];
}

export interface CorpusOptions {
  count?: number;
  seed?: number;
  /** Approximate length of each article's text, in characters. */
  size?: number;
}

/** mulberry32: small, fast and the same on every machine, so the corpus is too. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const chance = (rng: Rng, p: number) => rng() < p;
const pct = (rng: Rng) => (rng() * 9 + 0.1).toFixed(rng() < 0.5 ? 1 : 2);
const billions = (rng: Rng) => pick(rng, ["$1.2 billion", "$500 million", "$3 billion", "$25 billion", "HK$10 billion", "$750 million", "€2 billion", "$4.5 billion", "¥300 billion"]);

const SOURCES = ["Reuters", "Bloomberg", "the Financial Times", "the South China Morning Post", "Dow Jones Newswires", "Caixin", "the Wall Street Journal", "Nikkei Asia", "CNBC", "Barron's"];
const BROKERS = ["Goldman Sachs", "Morgan Stanley", "JPMorgan analysts", "Jefferies", "Citi", "UBS", "Bernstein", "CICC", "Nomura", "Macquarie", "HSBC Global Research", "Daiwa"];
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const QUARTERS = ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter", "full-year", "half-year"];
const PEOPLE = ["Wang Zheng", "Sarah Lin", "David Chen", "Maria Rossi", "Kenji Sato", "Laura Meyer", "Tom Baker", "Priya Nair", "Jonas Berg"];
const PRODUCTS = ["AI model", "chatbot", "electric SUV", "cloud platform", "payments app", "smartphone", "data-centre chip", "streaming service", "self-driving system", "robotaxi fleet"];

/** One sentence per template; {co} is the company as the sentence names it, {tk} a ticker form. */
const CATALYST_SENTENCES: Record<string, readonly string[]> = {
  buyback: [
    "{co}'s board authorised a further {amt} of buybacks {tk}.",
    "{co} said it would boost its share buyback plan by {amt}, the largest repurchase in its history.",
    "{co} {tk} announced a new {amt} stock repurchase programme running through 2027.",
    "The board of {co} approved the buyback of up to 10% of its issued shares.",
  ],
  earnings: [
    "{co} {tk} reported {q} revenue of {amt}, ahead of the consensus estimate, while net profit rose {pct}%.",
    "{co} is set to report {q} results on {day}, with analysts expecting earnings per share to climb.",
    "Quarterly profit at {co} fell {pct}% as costs rose faster than sales, the company said.",
  ],
  guidance: [
    "{co} raised its full-year outlook and now expects revenue growth of about {pct}%.",
    "{co} {tk} cut its guidance for the coming quarter, citing softer demand in China.",
    "Management at {co} withdrew its forecast for the year, saying visibility had worsened.",
  ],
  dividend: [
    "{co} declared a special dividend of 50 cents a share on top of its regular payout.",
    "{co} {tk} raised its quarterly dividend by {pct}%, its tenth increase in a row.",
    "The board of {co} proposed a final dividend, lifting the total payout for the year.",
  ],
  m_and_a: [
    "{co} agreed to acquire {co2} for {amt} in cash, the companies said in a joint statement.",
    "{co} {tk} is selling its stake in a logistics unit to a group of investors for {amt}.",
    "{co} plans to spin off its cloud division into a separately listed company.",
  ],
  capital_raise: [
    "{co} raised {amt} through an offering of convertible notes due 2030.",
    "{co} {tk} priced a bond offering of {amt}, according to a term sheet seen by {src}.",
    "{co} launched a top-up share placement to raise {amt} for expansion.",
  ],
  listing: [
    "{co} filed for a secondary listing in Hong Kong, seeking to raise up to {amt}.",
    "{co} {tk} will be added to the benchmark index from next month, the index compiler said.",
    "Regulators confirmed that auditors of {co} can now be inspected by the PCAOB, easing delisting fears.",
  ],
  regulation: [
    "Beijing's market regulator fined {co} {amt} after an antitrust investigation.",
    "{co} {tk} received regulatory approval to launch its service nationwide.",
    "Officials signalled an end to the crackdown on platform companies such as {co}.",
  ],
  macro_policy: [
    "The People's Bank of China cut the reserve requirement ratio by 25 basis points.",
    "The Federal Reserve held rates steady but signalled two cuts later this year.",
    "Beijing unveiled a stimulus package aimed at reviving consumer spending.",
  ],
  geopolitics: [
    "Washington tightened export controls on advanced chips, a blow to suppliers including {co}.",
    "New tariffs on Chinese goods weighed on {co} {tk}, which sells heavily into the US.",
    "Sanctions talk resurfaced ahead of the summit, and {co} was among the names most exposed.",
  ],
  product: [
    "{co} launched a new {product} on {day}, aiming to catch up with rivals.",
    "{co} {tk} rolled out its latest {product}, integrating it into its core apps.",
    "{co} unveiled a {product} that it says cuts costs by {pct}%.",
  ],
  capex: [
    "{co} said it would spend {amt} on data centres over the next three years.",
    "{co} {tk} lifted its capital expenditure plan to {amt} to build out AI infrastructure.",
  ],
  analyst: [
    "{broker} upgraded {co} to buy and raised its price target by {pct}%.",
    "{broker} downgraded {co} {tk}, saying the valuation already reflects the recovery.",
    "Analysts at {broker} lifted their estimates for {co} after the results.",
  ],
  management: [
    "{co} appointed {person} as chief executive, effective next month.",
    "The chief financial officer of {co} {tk} stepped down for personal reasons.",
    "Founder {person} sold shares of {co} worth {amt}, a filing showed.",
  ],
  legal: [
    "{co} was sued by shareholders who allege it misled investors.",
    "{co} {tk} agreed to pay {amt} to settle a patent lawsuit.",
    "A court ruled against {co} in a long-running dispute over licensing fees.",
  ],
};

/** Negated, speculative or old-background versions: the company is named but the catalyst did not happen to it. */
const NEGATED_SENTENCES: readonly string[] = [
  "{co}, by the way, has not announced a buyback increase.",
  "{co} denied a report that it was in talks to buy a rival.",
  "There is no sign yet that {co} will raise its dividend.",
  "Investors hope that firms like {co} may follow suit, though none has said so.",
  "Back in 2020, regulators halted an IPO linked to {co}, a memory that still weighs on sentiment.",
  "{co} declined to comment on whether it would cut prices.",
];

const PRICE_SENTENCES: readonly string[] = [
  "{co}'s shares {tk} climbed {pct}% after the announcement.",
  "{co}'s stock slid {pct}% in Hong Kong and New York.",
  "Shares of {co} {tk} rose {pct}% in early trading.",
  "{co} stock fell {pct}% by the close, its worst day in a month.",
  "{co} {tk} gained {pct}% as of midday, extending a two-day rally.",
  "The stock of {co} was little changed, down {pct}%, after swinging between gains and losses.",
];

const QUOTE_SENTENCES: readonly string[] = [
  "\"We think the worst is behind us,\" said {person}, a fund manager, in an interview with {src}.",
  "According to {src}, the decision was made at a board meeting late on {day}.",
  "Citing a report by {broker}, {src} noted that companies have \"never had so much cash.\"",
  "\"This is a signal that stocks have bottomed out,\" {person} told {src}.",
  "{broker} wrote in a note that the sector still trades at a discount to its history.",
];

const FILLER: readonly string[] = [
  "The broader market was mixed, with the Hang Seng Index up slightly and the S&P 500 flat.",
  "Trading volumes were thin ahead of a long weekend in several markets.",
  "Investors are watching for the next set of GDP figures due later this month.",
  "The CEO of a rival said in an interview that the AI boom is only beginning.",
  "Bond yields edged higher as traders pared bets on rate cuts.",
  "It is not the first time the sector has rallied on hopes of policy support.",
  "Valuations remain well below their 2021 peak, and many funds are still underweight.",
  "The US dollar weakened against most currencies, helping exporters.",
  "Some strategists say the rebound has further to run, while others urge caution.",
  "EV makers were among the most active names on the mainland exchanges.",
  "Retail investors have returned to the market in large numbers, brokers said.",
  "All eyes are now on the earnings season, which starts in earnest next week.",
  "The IT sector led gains in Europe, while energy stocks lagged.",
  "Oil prices slipped as traders weighed supply risks against weak demand.",
  "Hedge funds have been adding to positions in Asian technology shares, data showed.",
  "Market breadth improved, with advancing stocks outnumbering decliners two to one.",
  "A stronger yuan also helped sentiment toward Chinese assets.",
  "Now what? The answer depends on whether the policy support continues.",
  "Image source: Getty Images.",
  "The story has been updated with comments from analysts.",
];

const TITLES: readonly string[] = [
  "{co} shares jump after {what}",
  "Why {co} stock is moving today",
  "{co} {what}, shares react",
  "{co}: {what}",
  "Markets wrap: {co} leads as {what}",
];

const WHAT: Record<string, string> = {
  buyback: "buyback boost",
  earnings: "quarterly results",
  guidance: "outlook update",
  dividend: "dividend news",
  m_and_a: "deal talk",
  capital_raise: "bond sale",
  listing: "listing plans",
  regulation: "regulator decision",
  macro_policy: "policy support",
  geopolitics: "export curbs",
  product: "product launch",
  capex: "spending plan",
  analyst: "broker upgrade",
  management: "management change",
  legal: "court ruling",
};

/** How a newsroom names the company in running text: the full name first, then a short name. */
function nameForm(c: Company, first: boolean): string {
  const short = c.aliases.find((a) => /^[A-Za-z]/.test(a) && a.length <= 24);
  return first || !short ? c.name : short;
}

/** A ticker cue in one of the shapes of the wild: exchange prefix, cashtag, parenthesised quote, HK code. */
function tickerForm(rng: Rng, c: Company): string {
  const sym = c.symbol;
  if (sym.endsWith(".HK")) return pick(rng, [`(${sym})`, `(HK:${sym.slice(0, -3).replace(/^0+/, "")})`, `(${sym.slice(0, -3)}.HK)`]);
  if (/\.[A-Z]+$/.test(sym) && !/^[A-Z]+\.[A-Z]$/.test(sym)) return `(${sym})`;
  const hk = c.listings.find((l) => l.endsWith(".HK") && /^\d/.test(l));
  return pick(rng, [
    `(NYSE: ${sym})`,
    `(NASDAQ: ${sym})`,
    `$${sym}`,
    `(${sym} ${pct(rng)}%)`,
    hk ? `(${sym}, ${hk})` : `(${sym} -${pct(rng)}%)`,
  ]);
}

function fill(rng: Rng, template: string, co: string, tk: string, co2: string): string {
  return template
    .replaceAll("{co}", co)
    .replaceAll("{co2}", co2)
    .replaceAll("{tk}", tk)
    .replaceAll("{amt}", billions(rng))
    .replaceAll("{pct}", pct(rng))
    .replaceAll("{q}", pick(rng, QUARTERS))
    .replaceAll("{day}", pick(rng, WEEKDAYS))
    .replaceAll("{src}", pick(rng, SOURCES))
    .replaceAll("{broker}", pick(rng, BROKERS))
    .replaceAll("{person}", pick(rng, PEOPLE))
    .replaceAll("{product}", pick(rng, PRODUCTS))
    .replace(/\s+([.,])/g, "$1")
    .replace(/ {2,}/g, " ");
}

/** Builds `count` articles, the same ones for the same seed and universe. */
export function generateCorpus(universe: Universe, options: CorpusOptions = {}): CorpusArticle[] {
  const { count = 2000, seed = 20260101, size = 2048 } = options;
  const rng = createRng(seed);
  const companies = universe.companies.filter((c) => !c.symbol.startsWith("^"));
  if (companies.length < 5) throw new Error(`the universe has ${companies.length} companies; the corpus needs at least 5`);
  const slugs = Object.keys(CATALYST_SENTENCES);
  const articles: CorpusArticle[] = [];
  const start = Date.UTC(2025, 0, 6);

  for (let n = 0; n < count; n++) {
    const main = pick(rng, companies);
    const others = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, companies)).filter((c) => c !== main);
    const cast = [main, ...others];
    const mentioned = new Set<Company>();
    const named = new Map<Company, number>();
    const say = (c: Company, withTicker: boolean) => {
      const times = named.get(c) ?? 0;
      named.set(c, times + 1);
      mentioned.add(c);
      return { co: nameForm(c, times === 0), tk: withTicker || times === 0 ? tickerForm(rng, c) : "" };
    };

    const slug = pick(rng, slugs);
    const sentences: string[] = [];
    const lead = say(main, true);
    const partner = others[0] ?? pick(rng, companies);
    sentences.push(fill(rng, pick(rng, CATALYST_SENTENCES[slug] as readonly string[]), lead.co, lead.tk, partner.name));
    if (slug === "m_and_a") mentioned.add(partner);
    const p = say(main, false);
    sentences.push(fill(rng, pick(rng, PRICE_SENTENCES), p.co, p.tk, ""));
    sentences.push(fill(rng, pick(rng, QUOTE_SENTENCES), "", "", ""));

    for (const other of others) {
      const o = say(other, chance(rng, 0.5));
      const kind = rng();
      const template =
        kind < 0.4
          ? pick(rng, CATALYST_SENTENCES[pick(rng, slugs)] as readonly string[])
          : kind < 0.7
            ? pick(rng, NEGATED_SENTENCES)
            : pick(rng, PRICE_SENTENCES);
      sentences.push(fill(rng, template, o.co, o.tk, main.name));
    }

    // Filler, more quotes and repeated mentions until the article reaches its size.
    let length = sentences.reduce((l, s) => l + s.length + 1, 0);
    while (length < size) {
      const r = rng();
      let s: string;
      if (r < 0.55) s = pick(rng, FILLER);
      else if (r < 0.7) s = fill(rng, pick(rng, QUOTE_SENTENCES), "", "", "");
      else {
        const c = pick(rng, cast);
        const m = say(c, false);
        s = fill(rng, pick(rng, r < 0.85 ? PRICE_SENTENCES : CATALYST_SENTENCES[pick(rng, slugs)] as readonly string[]), m.co, m.tk, main.name);
      }
      sentences.push(s);
      length += s.length + 1;
    }

    // Paragraphs of two to four sentences, as feeds deliver them.
    const paragraphs: string[] = [];
    for (let i = 0; i < sentences.length; ) {
      const k = 2 + Math.floor(rng() * 3);
      paragraphs.push(sentences.slice(i, i + k).join(" "));
      i += k;
    }
    const short = main.aliases.find((a) => /^[A-Za-z]/.test(a)) ?? main.name;
    articles.push({
      id: `bench-${String(n).padStart(5, "0")}`,
      title: pick(rng, TITLES).replaceAll("{co}", short).replaceAll("{what}", WHAT[slug] ?? slug),
      text: paragraphs.join("\n\n"),
      published: new Date(start + n * 37 * 60_000).toISOString(),
      source: pick(rng, ["reuters.com", "bloomberg.com", "fool.com", "scmp.com", "cnbc.com", "ft.com"]),
      mentions: [...mentioned].map((c) => c.symbol),
    });
  }
  return articles;
}
