// The classifier: article in, article-level catalysts and per-ticker catalysts with evidence out (pure, no I/O).
//
// How an article is read (every word list lives in config/, compiled once by createClassifier):
// 1. tokens.ts cuts it into tokens, sentences and clauses in one pass, dropping page chrome and the tail
//    after "Related topics:"-like lines; the title (or a short first line) is the headline.
// 2. entities.ts finds company mentions (cashtags, exchange prefixes, quotes, listing codes, aliases, bare
//    symbols), longest name first, with private firms, people and indices as names that block a match;
//    it resolves ambiguous aliases from context and marks quoted sources ("analysts at X").
// 3. scan() matches catalyst cues and the markers that qualify them (negation, speculation, background,
//    concession, hedges, pronouns, price moves) with one map look-up per token.
// 4. Each cue that reports an event is tied to the companies it concerns by position: the actor before it
//    in its clause (with the list it belongs to), "by X"/"from X" after it, the object of a two-party cue,
//    a pronoun's or relative clause's antecedent, or the headline. A cue tied to nobody is article-level
//    when its slug (or the cue) covers sector news; macro_policy is never tied to a ticker.
// 5. rank() scores relevance from where and how often a company is named, its own move and catalysts.
import type { CatalystSlug } from "../catalysts.ts";
import { MARKET_LEVEL_CATALYSTS } from "../catalysts.ts";
import type { ArticleInput, CatalystHit, Classify, ClassifyResult, TickerResult } from "../types.ts";
import type { Company } from "../universe/schema.ts";
import type { Universe } from "../universe/index.ts";
import type { ClassifierConfig, SlugRules } from "./config.ts";
import { buildEntityIndex, findMentions, M_CUE, M_WEAK, type EntityIndex, type Mention } from "./entities.ts";
import { AMOUNT_WORDS, consumedBy, longestOf, PhraseIndex, type Compiled as Pattern } from "./patterns.ts";
import { F_CAP, F_HEAD, F_HYPH, F_NEG, F_UPPER, K_NUM, K_PUNCT, K_WORD, markTokenizerWords, signatureSet, tokenize, Vocab, type Token, type Tokenized, type TokenizerRules } from "./tokens.ts";

export type { ClassifierConfig } from "./config.ts";
export { ClassifierConfigSchema } from "./config.ts";

// Marker kinds of the cue config (negation, speculation, ...), matched in the same pass as the cues.
const NEG = 1;
const NOT_MARKER = 2;
const SPEC = 3;
const BG = 4;
const CONCESS = 5;
const HEDGE = 6;
const PRONOUN = 7;
const MOVE = 8;
const BG_SENTENCE = 9;
const BG_FOLLOWING = 10;
const DENIAL = 11;

interface CuePayload {
  /** null: a phrase that only looks like a cue ("forward earnings"). */
  slug: CatalystSlug | null;
  confidence: number;
  /** Counts as an article-level catalyst when it concerns no ticker. */
  sector: boolean;
  /** One of the slug's articleCues: news of a sector ("earnings season"), never of one company. */
  articleCue: boolean;
}

interface CueHit {
  slug: CatalystSlug;
  confidence: number;
  sector: boolean;
  articleCue: boolean;
  first: number;
  end: number;
}

interface Marker {
  kind: number;
  first: number;
  end: number;
  clause: number;
}

type PhraseEntry = [Pattern<CuePayload>[] | undefined, Pattern<number>[] | undefined];

interface Compiled {
  tokenizer: TokenizerRules;
  entities: EntityIndex;
  /** First word -> [cue patterns, marker patterns]: one look-up per token for both. */
  phrases: Map<string, PhraseEntry>;
  /** The same by the key's vocabulary id. */
  phraseByKid: Array<PhraseEntry | undefined>;
  negationWindow: number;
  backgroundMonths: number;
}

/** Catalysts that concern both sides of a sentence: "Goldman upgraded Alibaba", "X sued Y", "regulators fined Y". */
const TWO_PARTY: ReadonlySet<CatalystSlug> = new Set(["m_and_a", "legal", "analyst", "regulation"]);

const MONTHS = new Map<string, number>(
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].flatMap((m, i) => [[m, i + 1] as [string, number]]),
);
for (const [name, n] of [
  ["january", 1], ["february", 2], ["march", 3], ["april", 4], ["june", 6], ["july", 7], ["august", 8], ["september", 9], ["sept", 9], ["october", 10], ["november", 11], ["december", 12],
] as const) MONTHS.set(name, n);

const EVIDENCE_MAX = 200;

function combined(patterns: readonly string[]): RegExp | null {
  if (!patterns.length) return null;
  for (const p of patterns) {
    try {
      new RegExp(p, "i");
    } catch (err) {
      throw new Error(`config: the line pattern ${JSON.stringify(p)} is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  return new RegExp(patterns.map((p) => `(?:${p})`).join("|"), "i");
}

function compile(universe: Universe, config: ClassifierConfig): Compiled {
  const tokenizer: TokenizerRules = {
    chrome: combined(config.text.chromeLines),
    tail: combined(config.text.tailMarkers),
    block: combined(config.text.blockMarkers),
    abbreviations: new Set(config.text.abbreviations.map((a) => a.toLowerCase().replaceAll(".", ""))),
    clauseWords: new Set(config.text.clauseWords.map((w) => w.toLowerCase())),
    commaClauseWords: new Set(config.text.commaClauseWords.map((w) => w.toLowerCase())),
    exchanges: new Set(Object.keys(config.entities.exchanges).map((k) => k.toUpperCase())),
    clauseSignatures: signatureSet([...config.text.clauseWords, ...config.text.commaClauseWords].map((w) => w.toLowerCase())),
    vocab: new Vocab(),
  };
  markTokenizerWords(tokenizer);
  const cues = new PhraseIndex<CuePayload>();
  for (const [slug, rules] of Object.entries(config.cues.slugs) as Array<[CatalystSlug, SlugRules]>) {
    for (const [pattern, confidence] of Object.entries(rules.cues)) cues.add(pattern, { slug, confidence, sector: rules.unattached === "article", articleCue: false });
    for (const [pattern, confidence] of Object.entries(rules.articleCues)) cues.add(pattern, { slug, confidence, sector: true, articleCue: true });
  }
  for (const pattern of config.cues.not) cues.add(pattern, { slug: null, confidence: 0, sector: false, articleCue: false });
  const markers = new PhraseIndex<number>();
  const addAll = (list: readonly string[], kind: number): void => {
    for (const p of list) markers.add(p, kind);
  };
  addAll(config.cues.negation, NEG);
  addAll(config.cues.denial, DENIAL);
  addAll(config.cues.notMarkers, NOT_MARKER);
  addAll(config.cues.speculation, SPEC);
  addAll(config.cues.background, BG);
  addAll(config.cues.backgroundSentence, BG_SENTENCE);
  addAll(config.cues.backgroundFollowing, BG_FOLLOWING);
  addAll(config.cues.concessive, CONCESS);
  addAll(config.cues.hedge, HEDGE);
  addAll(config.cues.pronouns, PRONOUN);
  addAll(config.cues.priceMove, MOVE);
  const phrases: Compiled["phrases"] = new Map();
  for (const [word, list] of cues.entries()) phrases.set(word, [list, undefined]);
  for (const [word, list] of markers.entries()) {
    const entry = phrases.get(word);
    if (entry) entry[1] = list;
    else phrases.set(word, [undefined, list]);
  }
  const entities = buildEntityIndex(universe, config.entities);
  // Every key a token's key is matched against in patterns: matchFrom skips tokens outside the vocabulary.
  const vocab = tokenizer.vocab;
  vocab.addAll(phrases.keys());
  vocab.addAll(cues.words);
  vocab.addAll(markers.words);
  vocab.addAll(entities.corporatePrev.words);
  vocab.addAll(entities.sourceBefore.words);
  vocab.addAll(AMOUNT_WORDS);
  const phraseByKid: Array<PhraseEntry | undefined> = [];
  for (const [word, entry] of phrases) phraseByKid[vocab.idOf(word)] = entry;
  return {
    tokenizer,
    entities,
    phrases,
    phraseByKid,
    negationWindow: config.cues.negationWindow,
    backgroundMonths: config.cues.backgroundMonths,
  };
}

export function createClassifier(universe: Universe, config: ClassifierConfig): Classify {
  const c = compile(universe, config);
  return (article: ArticleInput, options?: { now?: Date }) => classifyOne(c, article, options?.now);
}

interface Published {
  year: number;
  month: number;
}

/**
 * The date old background is judged against: `published`, else the latest year the article itself names
 * (an undated story about 2025 is read as written late in 2025), else now.
 */
function publishedOf(article: ArticleInput, now: Date | undefined, tokens: readonly Token[]): Published {
  const t = article.published ? Date.parse(article.published) : NaN;
  if (Number.isFinite(t)) {
    const d = new Date(t);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
  }
  const today = now ?? new Date();
  const thisYear = today.getUTCFullYear();
  let latest = 0;
  for (const tok of tokens) {
    if (tok.kind !== K_NUM || tok.raw.length !== 4) continue;
    const y = Number(tok.raw);
    if (y >= 1980 && y <= thisYear && y > latest) latest = y;
  }
  if (latest && latest < thisYear) return { year: latest, month: 12 };
  return { year: thisYear, month: today.getUTCMonth() + 1 };
}

interface Scan {
  cues: CueHit[];
  markers: Marker[];
  /** Per clause: 1 = holds an old year, 2 = holds a current year (bit flags). */
  years: Uint8Array;
  /** Token indices of the old years (more than backgroundMonths before publication), in order. */
  oldYears: number[];
}

function scan(c: Compiled, tok: Tokenized, pub: Published): Scan {
  const { tokens, clauses } = tok;
  const cues: CueHit[] = [];
  const markers: Marker[] = [];
  const years = new Uint8Array(clauses.length);
  const oldYears: number[] = [];
  const consumed = new Uint8Array(tokens.length);
  const words: number[] = [];
  let markerFrom = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === K_PUNCT) continue;
    const limit = clauses[t.clause]!.end;
    if (t.flags & F_NEG) markers.push({ kind: NEG, first: i, end: i + 1, clause: t.clause });
    const entry = t.kid >= 0 ? c.phraseByKid[t.kid] : undefined;
    const mk = i >= markerFrom && entry?.[1] ? longestOf(entry[1], tokens, i, limit) : undefined;
    if (mk) {
      if (mk.pattern.payload === NOT_MARKER) markerFrom = mk.end;
      else if (!(mk.pattern.payload === HEDGE && theMonthMay(tokens, i))) markers.push({ kind: mk.pattern.payload, first: i, end: mk.end, clause: t.clause });
    }
    if (t.kind === K_NUM && t.raw.length === 4) {
      const year = Number(t.raw);
      if (year >= 1980 && year <= 2100) {
        const prev = tokens[i - 1];
        const month = prev && prev.kind === K_WORD ? MONTHS.get(prev.key) : undefined;
        const age = (pub.year - year) * 12 + pub.month - (month ?? 6);
        if (year >= pub.year) years[t.clause]! |= 2;
        else if (age > c.backgroundMonths) {
          years[t.clause]! |= 1;
          oldYears.push(i);
        }
      }
    }
    if (consumed[i] || !entry?.[0]) continue;
    const hit = longestOf(entry[0], tokens, i, limit);
    if (!hit) continue;
    // A cue may start in another's gap, but never reuse a word another cue stands on.
    consumedBy(hit.pattern, tokens, i, limit, words);
    if (words.some((w) => consumed[w])) continue;
    for (const w of words) consumed[w] = 1;
    const { slug, confidence, sector, articleCue } = hit.pattern.payload;
    if (slug) cues.push({ slug, confidence, sector, articleCue, first: i, end: hit.end });
  }
  return { cues, markers, years, oldYears };
}

/** "on 6 May", "May 20", "in May": the month, not the hedge. */
function theMonthMay(tokens: readonly Token[], at: number): boolean {
  const t = tokens[at]!;
  if (t.key !== "may") return false;
  const prev = tokens[at - 1];
  const next = tokens[at + 1];
  if (prev?.kind === K_NUM || next?.kind === K_NUM) return true;
  return t.raw === "May" && prev !== undefined && prev.sent === t.sent && (prev.key === "in" || prev.key === "since" || prev.key === "until" || prev.key === "by" || prev.key === "early" || prev.key === "late" || prev.key === "mid");
}

/** Tokens that may sit between the members of a list of companies: "Alibaba (NYSE:BABA), JD.com Inc., and SMIC". */
function isConnective(c: Compiled, t: Token): boolean {
  if (t.kind === K_PUNCT) return t.raw !== ";" && t.raw !== "--" && t.raw !== "—";
  if (t.kind === K_NUM) return true;
  if (t.kind !== K_WORD) return false;
  if (t.key === "and" || t.key === "or" || t.key === "plus") return true;
  if (t.flags & F_UPPER) return true;
  return c.entities.corporateNext.has(t.raw);
}

interface State {
  c: Compiled;
  tok: Tokenized;
  mentions: Mention[];
  markers: Marker[];
  /** The mentions of each clause and sentence, and the markers of each clause and sentence (runs of the arrays). */
  mClause: Runs;
  mSent: Runs;
  kClause: Runs;
  kSent: Runs;
  /** By token: the index of the mention starting there, or -1. */
  mentionAt: Int32Array;
}

/** Items [from[key], to[key]) of an array sorted by key: every look-up per cue stays within its clause or sentence. */
interface Runs {
  from: Int32Array;
  to: Int32Array;
}

function runsOf<T>(items: readonly T[], keyOf: (item: T) => number, keys: number): Runs {
  const from = new Int32Array(keys);
  const to = new Int32Array(keys);
  let i = 0;
  for (let k = 0; k < keys; k++) {
    from[k] = i;
    while (i < items.length && keyOf(items[i]!) === k) i++;
    to[k] = i;
  }
  if (i !== items.length) throw new Error("classifier: mentions and markers must come in token order");
  return { from, to };
}

/** The items of one run. */
function run<T>(items: readonly T[], runs: Runs, key: number): readonly T[] {
  return items.slice(runs.from[key]!, runs.to[key]!);
}

/** The list of companies a mention belongs to ("share buybacks by Xiaomi Corp. and Alibaba"). */
function groupOf(s: State, at: number): number[] {
  const { mentions } = s;
  let first = at;
  while (first > 0 && linked(s, mentions[first - 1]!, mentions[first]!)) first--;
  let end = at + 1;
  while (end < mentions.length && linked(s, mentions[end - 1]!, mentions[end]!)) end++;
  const out: number[] = [];
  for (let j = first; j < end; j++) out.push(j);
  return out;
}

function linked(s: State, a: Mention, b: Mention): boolean {
  const tokens = s.tok.tokens;
  if (a.sent !== b.sent) return false;
  for (let k = a.end; k < b.first; k++) if (!isConnective(s.c, tokens[k]!)) return false;
  // "Despite the buyback at Apple, Microsoft raised ...": the comma closes the concession, not a list.
  for (let k = s.kClause.from[a.clause]!; k < s.kClause.to[a.clause]!; k++) {
    const m = s.markers[k]!;
    if (m.kind === CONCESS && m.first < a.first && !commaBetween(tokens, m.end, a.first)) return false;
  }
  return true;
}

const usable = (m: Mention): boolean => !m.source && m.how !== M_WEAK;

interface Attachment {
  companies: Company[];
  /** How directly the cue names them: scales the confidence. */
  factor: number;
  /** A private firm or person is the actor: the cue concerns no listed company. */
  absorbed: boolean;
}

/** Adds the usable companies of the mention's list to result. */
function addGroup(s: State, cue: CueHit, result: Set<Company>, idx: number): void {
  for (const g of groupOf(s, idx)) {
    const m = s.mentions[g]!;
    if (m.company && usable(m) && !(cue.slug === "analyst" && s.c.entities.sources.has(m.company))) result.add(m.company);
  }
}

/** hedged: the cue's clause hedges it ("may"); a hedged cue is not carried over to an earlier sentence's company. */
function attach(s: State, cue: CueHit, hedged: boolean): Attachment {
  const { tok, mentions, c } = s;
  const tokens = tok.tokens;
  const clause = tokens[cue.first]!.clause;
  const sent = tokens[cue.first]!.sent;
  const result = new Set<Company>();
  let nearest = -1;
  let firstFollowing = -1;
  const clauseFrom = s.mClause.from[clause]!;
  const clauseTo = s.mClause.to[clause]!;
  for (let k = clauseFrom; k < clauseTo; k++) {
    const m = mentions[k]!;
    if (!usable(m)) continue;
    if (m.end <= cue.first) {
      // A broker before an analyst cue is the one giving the rating, not the rated.
      if (cue.slug === "analyst" && m.company && c.entities.sources.has(m.company)) {
        m.source = true;
        continue;
      }
      // "The chipmaker, a key supplier to Nvidia, said it expected ...": Nvidia only describes the subject.
      if (inAppositive(tokens, m)) continue;
      nearest = k;
    } else if (m.first >= cue.first && firstFollowing < 0 && m.company) firstFollowing = k;
  }
  let factor = 1;
  let absorbed = false;
  // "Chief Executive Jamie Dimon said he expects ...": a person speaks for a company, and does not absorb its news.
  let speaker = false;
  if (nearest >= 0) {
    const m = mentions[nearest]!;
    addGroup(s, cue, result, nearest);
    if (!m.company && result.size === 0) {
      // "Alibaba plans to spin off its unit Cainiao through a listing": a company before the private
      // name is the actor; a private name that opens the clause is ("DeepSeek's model").
      let earlier = -1;
      for (let k = nearest - 1; k >= 0 && mentions[k]!.clause === clause; k--) {
        const e = mentions[k]!;
        if (e.company && usable(e)) {
          earlier = k;
          break;
        }
      }
      if (earlier >= 0) {
        addGroup(s, cue, result, earlier);
        factor = 0.9;
      } else if (m.person) speaker = true;
      else absorbed = true;
    }
  }
  // "L'Oreal, which will publish its results on Feb. 12, said Kering ...": a relative clause's antecedent is
  // its subject, ahead of the companies that follow the cue.
  const relative = nearest < 0 ? relativeAntecedent(s, clause) : null;
  if (relative) {
    result.add(relative);
    addGroup(s, cue, result, relativeMention(s, clause)!);
    factor = 0.9;
  }
  // "VESTAS (VWS DC) - DOWNGRADE to SELL": a clause that only names a company labels the one after the dash.
  const label = nearest < 0 && !relative ? labelMention(s, clause) : -1;
  if (label >= 0) {
    // The labelled company is the one rated, even a bank ("BARCLAYS (BARC LN) - Target price raised").
    for (const g of groupOf(s, label)) {
      const m = s.mentions[g]!;
      if (m.company && usable(m)) result.add(m.company);
    }
    factor = 0.9;
  }
  // Companies after the cue: "buybacks by X", "chips from X", "upgraded X", or any when nobody comes before.
  for (let k = clauseFrom; k < clauseTo; k++) {
    const m = mentions[k]!;
    if (m.first < cue.first || !m.company || !usable(m)) continue;
    const before = tokens[m.first - 1]?.key;
    const before2 = tokens[m.first - 2]?.key;
    const byFrom = before === "by" || before === "from" || ((before === "the" || before === "its") && (before2 === "by" || before2 === "from"));
    const twoParty = TWO_PARTY.has(cue.slug) && m.first - cue.end <= 10 && k === firstFollowing;
    const firstWhenAlone = nearest < 0 && !relative && label < 0 && k === firstFollowing && m.first - cue.end <= 12;
    if (byFrom || twoParty || firstWhenAlone) {
      if (!byFrom) factor = Math.min(factor, 0.9);
      addGroup(s, cue, result, k);
    }
  }
  // "cut its price targets on both": the two companies named before the cue in the sentence.
  if (result.size > 0 && tokens[cue.end]?.key === "on" && tokens[cue.end + 1]?.key === "both") {
    const before = run(mentions, s.mSent, sent).filter((m) => m.first < cue.first && m.company && usable(m) && !(cue.slug === "analyst" && c.entities.sources.has(m.company)));
    const distinct = [...new Set(before.map((m) => m.company!))];
    for (const company of distinct.slice(-2)) result.add(company);
  }
  // "Xiaomi is raising its stake in the cloud provider": the other side of a two-party cue, named by a
  // definite description, is the sentence's other company.
  if (result.size > 0 && TWO_PARTY.has(cue.slug)) {
    const described = run(s.markers, s.kClause, clause).find((m) => m.kind === PRONOUN && m.first >= cue.end && m.first - cue.end <= 6 && tokens[m.first]!.key === "the");
    if (described) {
      const other = run(mentions, s.mSent, sent).find((m) => m.company && usable(m) && !result.has(m.company));
      if (other?.company) result.add(other.company);
    }
  }
  // A sector noun ("AI chips", "chatbot") is a company's news only when the company is named with it.
  if (result.size === 0 && !absorbed && (nearest < 0 || speaker) && !cue.articleCue) {
    const antecedent = resolvePronoun(s, clause, sent);
    if (antecedent) {
      result.add(antecedent);
      factor = 0.8;
    }
  }
  if (result.size === 0 && !absorbed && tokens[cue.first]!.flags & F_HEAD) {
    for (const m of run(mentions, s.mSent, sent)) if (m.company && usable(m)) result.add(m.company);
    factor = 0.9;
  }
  if (result.size === 0 && !absorbed && !hedged && (nearest < 0 || speaker) && CARRIED_OVER.has(cue.slug) && !cue.articleCue) {
    const subject = previousSubject(s, sent);
    if (subject) {
      result.add(subject);
      factor = 0.7;
    }
  }
  return { companies: [...result], factor, absorbed };
}

/** Company events that a sentence naming nobody reports of the company before it ("Revenue rose 8%."). */
const CARRIED_OVER: ReadonlySet<CatalystSlug> = new Set(["earnings", "guidance", "dividend", "buyback", "capital_raise", "management"]);
const OPENERS = new Set([":", "-", "--", "—", "–", "\"", "“", "(", "•"]);

/** Subjects that are not the company: a sentence opening with one reports what others do or think. */
const OTHERS = new Set([
  "analysts", "investors", "traders", "economists", "strategists", "bankers", "experts", "observers", "critics", "rivals", "competitors",
  "peers", "regulators", "officials", "lawmakers", "consumers", "customers", "shoppers", "some", "many", "others", "they", "we", "you", "i",
]);

/** A capitalised word that names nobody: a date, a title, a currency, or a range of them ("July-September"). */
function nameless(t: Token): boolean {
  if (NAMELESS_CAPITALS.has(t.key)) return true;
  if (!(t.flags & F_HYPH)) return false;
  for (const part of t.key.split("-")) if (!NAMELESS_CAPITALS.has(part)) return false;
  return true;
}

/** Capitalised words that name nobody: dates, job titles and currencies. */
const NAMELESS_CAPITALS = new Set([
  ...MONTHS.keys(), "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "chief", "executive", "officer", "financial", "finance", "operating", "president", "chairman", "chairwoman", "chair", "ceo", "cfo", "coo",
  "rs", "rmb", "yen", "yuan", "euro", "euros", "won", "rupees",
]);

const TITLES = new Set(["chief", "executive", "officer", "financial", "operating", "president", "chairman", "chairwoman", "chair", "ceo", "cfo", "coo"]);

/**
 * The subject a sentence that names nobody continues: "Walmart posted results. Revenue rose 8%." Only when
 * every capitalised word of the sentence is accounted for (its first word, acronyms, dates, titles, people),
 * so an unknown or unresolved name ("Rival Target said ...") never hands its news to the company before;
 * and only when that sentence names one company ("Baidu and JD.com rose. Buybacks are the reason." names none).
 */
function previousSubject(s: State, sent: number): Company | undefined {
  const { tok, mentions } = s;
  const tokens = tok.tokens;
  const span = tok.sentences[sent]!;
  if (sent === 0 || tokens[span.first]!.flags & F_HEAD) return undefined;
  const here = run(mentions, s.mSent, sent);
  for (const m of here) if (!m.person) return undefined;
  // "Analysts expect sales of the drug to ...": a sentence about what others think is not the company's news.
  if (OTHERS.has(tokens[span.first]!.key)) return undefined;
  // A name right after a title is a person's ("Chief Executive Jamie Dimon"): up to three words.
  let titleRun = 0;
  for (let k = span.first; k < span.end; k++) {
    const t = tokens[k]!;
    if (t.kind === K_WORD && TITLES.has(t.key)) {
      titleRun = 3;
      continue;
    }
    if (t.kind !== K_WORD || !(t.flags & F_CAP)) {
      titleRun = 0;
      continue;
    }
    // The first word of the sentence, or of a part after a colon, dash or quote ("- Financial calendar: Interim results ...").
    const opens = k === span.first || OPENERS.has(tokens[k - 1]!.raw);
    if (opens || t.flags & F_UPPER || nameless(t)) continue;
    if (titleRun > 0) {
      titleRun--;
      continue;
    }
    if (!here.some((m) => m.person && m.first <= k && k < m.end)) return undefined;
  }
  // The nearest of the three sentences before that names a company, when it names only one; never across a
  // heading ("Now what"), a line with no closing punctuation. When none of them names one, the sentences in
  // between continue the article's subject.
  for (let back = sent - 1; back >= Math.max(0, sent - 3); back--) {
    const last = tokens[tok.sentences[back]!.end - 1]!;
    if (last.kind !== K_PUNCT) return undefined;
    let only: Company | undefined;
    for (const m of run(mentions, s.mSent, back)) {
      if (!usable(m) || !m.company) continue;
      if (only && only !== m.company) return undefined;
      only = m.company;
    }
    if (only) return only;
  }
  return sent > 3 ? articleSubject(s) : undefined;
}

// "former": ", a former Micron Technology finance chief," describes a person's past, not the subject.
const RELATION_WORDS = new Set(["to", "of", "for", "with", "from", "like", "including", "in", "by", "former", "ex"]);
const APPOSITIVE_OPENERS = new Set(["a", "an", "the", "its", "which", "whose"]);

/**
 * ", a key supplier to Nvidia," : a company named inside an appositive after a relation word, or inside one
 * that describes the name just before it ("Luxshare Precision Industry, a key Apple assembler, passed ...").
 */
function inAppositive(tokens: readonly Token[], m: Mention): boolean {
  const before = tokens[m.first - 1];
  if (!before) return false;
  const related = RELATION_WORDS.has(before.key);
  let open = -1;
  for (let k = m.first - 2; k >= Math.max(0, m.first - 12); k--) {
    const t = tokens[k]!;
    if (t.sent !== m.sent) break;
    if (t.raw === ",") {
      open = k;
      break;
    }
  }
  if (open < 0 || !APPOSITIVE_OPENERS.has(tokens[open + 1]?.key ?? "")) return false;
  // Without a relation word, the appositive must follow a name ("Luxshare Precision Industry, a ...").
  if (!related && !(open > 0 && tokens[open - 1]!.kind === K_WORD && tokens[open - 1]!.flags & F_CAP)) return false;
  for (let k = m.end; k < Math.min(tokens.length, m.end + 3); k++) if (tokens[k]!.raw === ",") return true;
  return false;
}

/** "its", "the company": the company that is the subject of the sentence (or of the one before). */
function resolvePronoun(s: State, clause: number, sent: number): Company | undefined {
  const { tok, mentions, markers } = s;
  const tokens = tok.tokens;
  const clauseFirst = tok.clauses[clause]!.first;
  const relative = relativeAntecedent(s, clause);
  if (relative) return relative;
  // A relative clause about something else ("its outlook, which it will detail ...") may still say "it".
  const pronoun = run(markers, s.kClause, clause).find((m) => m.kind === PRONOUN) ?? (relative === undefined ? undefined : elidedSubject(tok, clause));
  if (!pronoun) return undefined;
  // A private firm as the clause's subject owns the pronoun ("while ByteDance launched its model"); a person
  // speaks for a company ("Jamie Dimon said the bank expects ...").
  for (const m of run(mentions, s.mClause, clause)) if (!m.company && !m.person && !m.other && m.first < pronoun.first && m.first - clauseFirst <= 2) return undefined;
  // Companies inside a relative clause ("The maker, which supplies Tesla, will ...") are not its subject.
  let inSentence = false;
  for (const m of run(mentions, s.mSent, sent)) {
    // A dateline place or an index owns no pronoun ("TOKYO, Aug 5 (Reuters) - Nippon Steel said ... as it ...").
    if (!usable(m) || isRelativeClause(tok, m.clause) || (!m.company && (m.person || m.other))) continue;
    inSentence = true;
    if (m.first < clauseFirst) return m.company;
  }
  // Back to the subject of the sentence before: at the start of a sentence ("It said ..."), in a sentence
  // that opens with one ("The battery maker, which ..., will build"), or a definite description anywhere
  // in a sentence that names no company ("cut their price target on the stock").
  const sentFirst = tok.sentences[sent]!.first;
  const definite = tokens[pronoun.first]!.key === "the";
  const opensWithPronoun = run(markers, s.kSent, sent).some((m) => m.kind === PRONOUN && m.first - sentFirst <= 1);
  if (sent > 0 && (pronoun.first - sentFirst <= 2 || opensWithPronoun || (definite && !inSentence))) {
    // The nearest of the three sentences before that names a company ("The company reported ..." in between).
    for (let back = sent - 1; back >= Math.max(0, sent - 3); back--) {
      for (const m of run(mentions, s.mSent, back)) if (usable(m) && m.company) return m.company;
    }
    // Further on, "the company" or "the stock" is the one the article is about.
    if (definite || opensWithPronoun) return articleSubject(s);
  }
  return undefined;
}

/**
 * The one company the headline names; undefined when it names several or none (a headline about an unknown
 * company must not hand "the company" to the first listed one the body names).
 */
function articleSubject(s: State): Company | undefined {
  let only: Company | undefined;
  // The headline's sentences come first.
  const headlineMentions = s.tok.firstBodySentence > 0 ? s.mSent.to[s.tok.firstBodySentence - 1]! : 0;
  for (let k = 0; k < headlineMentions; k++) {
    const m = s.mentions[k]!;
    if (!m.company || !usable(m) || !(s.tok.tokens[m.first]!.flags & F_HEAD)) continue;
    if (only && only !== m.company) return undefined;
    only = m.company;
  }
  return only;
}

/**
 * ", which reports earnings next week": the company just before the comma. null when the clause does not
 * open with a relative pronoun; undefined when it does but no company stands right before it.
 */
function relativeAntecedent(s: State, clause: number): Company | undefined | null {
  const k = relativeMention(s, clause);
  if (k === null || k === undefined) return k;
  const m = s.mentions[k]!;
  return m.company && usable(m) ? m.company : undefined;
}

/** relativeAntecedent's mention (its index), for the list it belongs to ("Enphase and Caesars, which will move ..."). */
function relativeMention(s: State, clause: number): number | undefined | null {
  const { tok, mentions } = s;
  const tokens = tok.tokens;
  const first = tok.clauses[clause]!.first;
  const word = tokens[first]?.key;
  if (word !== "which" && word !== "who" && word !== "whose") {
    // The main clause resumed after one: "Pfizer, which bought a stake in Moderna, raised its dividend".
    const before = tok.clauses[clause - 1];
    if (clause > 0 && before!.end === first && tokens[before!.first]!.sent === tokens[first]!.sent && isRelativeClause(tok, clause - 1)) {
      // "The battery maker, which supplies Tesla, will ...": no company before it, so the usual pronoun rules.
      const k = relativeMention(s, clause - 1);
      const m = k === null || k === undefined ? undefined : mentions[k]!;
      return m?.company && usable(m) ? k : null;
    }
    return null;
  }
  // Mentions from the clause's own on start at or after it.
  for (let k = s.mClause.from[clause]! - 1; k >= 0; k--) {
    const m = mentions[k]!;
    if (m.end > first) continue;
    if (first - m.end > 4 || m.sent !== tokens[first]!.sent) return undefined;
    for (let j = m.end; j < first; j++) if (tokens[j]!.kind !== K_PUNCT && !(tokens[j]!.flags & F_UPPER) && tokens[j]!.kind !== K_NUM) return undefined;
    return k;
  }
  return undefined;
}

function isRelativeClause(tok: Tokenized, clause: number): boolean {
  const w = tok.tokens[tok.clauses[clause]!.first]?.key;
  return w === "which" || w === "who" || w === "whose";
}

const CONJUNCTIONS = new Set(["and", "but", "or", "then", "yet", "while"]);
// After a comma, these open the rest of the main clause: "The maker, which supplies Tesla, will build ...".
const AUXILIARIES = new Set(["will", "would", "has", "have", "had", "is", "was", "are", "were", "plans", "said", "can", "could", "also", "should"]);
// Words that start a new subject after a conjunction ("and some firms ..."), unlike a verb ("and raised ...").
const SUBJECT_STARTERS = new Set([
  "the", "a", "an", "its", "their", "his", "her", "our", "some", "many", "most", "all", "other", "others", "these", "those", "this", "that",
  "it", "they", "he", "she", "we", "you", "i", "there", "investors", "analysts", "shares", "stocks", "traders", "which", "who", "as", "if",
]);

/** "X raised its outlook, and announced a buyback": after a conjunction, a verb shares the subject before it. */
function elidedSubject(tok: Tokenized, clause: number): Marker | undefined {
  const { tokens } = tok;
  const span = tok.clauses[clause]!;
  let k = span.first;
  if (tokens[k]?.raw === ",") k++;
  const conj = tokens[k];
  const next = tokens[k + 1];
  if (conj && AUXILIARIES.has(conj.key) && tokens[k - 1]?.raw === "," && tokens[k - 1]!.sent === conj.sent) return { kind: PRONOUN, first: k, end: k + 1, clause };
  if (!conj || !next || k + 1 >= span.end || !CONJUNCTIONS.has(conj.key)) return undefined;
  if (next.kind !== K_WORD || next.flags & F_CAP || SUBJECT_STARTERS.has(next.key)) return undefined;
  return { kind: PRONOUN, first: k, end: k + 1, clause };
}

function evidence(tok: Tokenized, cue: CueHit): string {
  const { tokens, text } = tok;
  const span = tok.clauses[tokens[cue.first]!.clause]!;
  let a = span.first;
  let b = span.end;
  while (a < cue.first && tokens[a]!.kind === K_PUNCT) a++;
  while (b > cue.end && tokens[b - 1]!.kind === K_PUNCT && tokens[b - 1]!.raw !== ")") b--;
  let from = tokens[a]!.start;
  let to = tokens[b - 1]!.end;
  if (to - from > EVIDENCE_MAX) {
    const cueFrom = tokens[cue.first]!.start;
    from = Math.max(from, cueFrom - 80);
    to = Math.min(to, from + EVIDENCE_MAX);
    while (a < cue.first && tokens[a]!.start < from) a++;
    from = tokens[a]!.start;
  }
  return text.slice(from, to).replace(/\s+/g, " ").trim();
}

function classifyOne(c: Compiled, article: ArticleInput, now: Date | undefined): ClassifyResult {
  const tok = tokenize(article.title, typeof article.text === "string" ? article.text : "", c.tokenizer);
  const tokens = tok.tokens;
  const mentions = findMentions(c.entities, tokens);
  const pub = publishedOf(article, now, tokens);
  const scanned = scan(c, tok, pub);
  const { cues, years, oldYears } = scanned;
  // "the Public Company Accounting Oversight Board" is a name, not "the company": no pronoun inside a mention.
  const named = new Uint8Array(tokens.length);
  for (const m of mentions) named.fill(1, m.first, m.end);
  const markers = scanned.markers.filter((m) => m.kind !== PRONOUN || !named[m.first] && !named[m.end - 1]);
  const mentionAt = new Int32Array(tokens.length).fill(-1);
  mentions.forEach((m, k) => {
    if (mentionAt[m.first] === -1) mentionAt[m.first] = k;
  });
  const s: State = {
    c,
    tok,
    mentions,
    markers,
    mClause: runsOf(mentions, (m) => m.clause, tok.clauses.length),
    mSent: runsOf(mentions, (m) => m.sent, tok.sentences.length),
    kClause: runsOf(markers, (m) => m.clause, tok.clauses.length),
    kSent: runsOf(markers, (m) => tokens[m.first]!.sent, tok.sentences.length),
    mentionAt,
  };

  // Markers come in token order: each clause's are one run of the array. Sentences that look back or
  // deny ("denied a report that it would sell its stake") report no event at all.
  const runStart = new Int32Array(tok.clauses.length).fill(-1);
  const runEnd = new Int32Array(tok.clauses.length);
  const lookingBack = new Uint8Array(tok.sentences.length);
  markers.forEach((m, k) => {
    if (runStart[m.clause] === -1) runStart[m.clause] = k;
    runEnd[m.clause] = k + 1;
    if (m.kind === BG_SENTENCE || m.kind === DENIAL) lookingBack[tokens[m.first]!.sent] = 1;
  });

  const perCompany = new Map<Company, Map<CatalystSlug, CatalystHit>>();
  const articleLevel = new Set<CatalystSlug>();

  // A question reports nothing ("Should you invest $1,000 in Nio right now?").
  const questions = new Uint8Array(tok.sentences.length);
  tok.sentences.forEach((span, k) => {
    const last = tokens[span.end - 1];
    if (last && (last.raw === "?" || last.raw === "？")) questions[k] = 1;
  });

  for (let q = 0; q < cues.length; q++) {
    const found = cues[q]!;
    // "US tightens AI chip export rules": a sector noun right before another cue only describes it.
    if (found.articleCue && cues[q + 1]?.first === found.end) continue;
    const cue = investsInFirm(s, found) ? { ...found, slug: "m_and_a" as const } : found;
    const clause = tokens[cue.first]!.clause;
    const sent = tokens[cue.first]!.sent;
    if (((years[clause]! & 3) === 1 && datedOld(tokens, cue, oldYears)) || lookingBack[sent] || questions[sent]) continue;
    if (cue.slug !== "analyst" && analystsPredict(tokens, tok.sentences[sent]!.first, cue)) continue;
    const verdict = judge(c, s, cue, runStart[clause]!, runEnd[clause]!);
    if (verdict < 0) continue;
    if (MARKET_LEVEL_CATALYSTS.has(cue.slug)) {
      articleLevel.add(cue.slug);
      continue;
    }
    const { companies, factor, absorbed } = attach(s, cue, verdict === 1);
    if (companies.length === 0) {
      // Sector news, or news of a private firm ("DeepSeek released a model"): the article reports it.
      if (cue.sector || absorbed) articleLevel.add(cue.slug);
      continue;
    }
    const hedged = verdict === 1 ? 0.85 : 1;
    const confidence = Math.round(Math.min(1, cue.confidence * factor * hedged) * 100) / 100;
    let words: string | undefined;
    for (const company of companies) {
      let hits = perCompany.get(company);
      if (!hits) perCompany.set(company, (hits = new Map()));
      const old = hits.get(cue.slug);
      if (!old || old.confidence < confidence) hits.set(cue.slug, { type: cue.slug, confidence, evidence: (words ??= evidence(tok, cue)) });
    }
  }

  const tickers = rank(s, perCompany);
  for (const t of tickers) if (t.relevance >= 0.5) for (const h of t.catalysts) articleLevel.add(h.type);
  return { id: String(article.id), catalysts: [...articleLevel], tickers };
}

/**
 * What the markers of the cue's clause (markers[from, to)) say about it: -1 it does not report an event
 * (negated, speculative, old background, a concession), 1 it does but hedged, 0 it does.
 */
function judge(c: Compiled, s: State, cue: CueHit, from: number, to: number): number {
  let hedged = 0;
  for (let k = from; k >= 0 && k < to; k++) {
    const m = s.markers[k]!;
    switch (m.kind) {
      case NEG:
        if (m.first < cue.first && m.first >= cue.first - c.negationWindow) return -1;
        break;
      case SPEC:
      case BG_FOLLOWING:
        if (m.first < cue.first) return -1;
        break;
      case BG:
        return -1;
      case CONCESS:
        if (m.first < cue.first && !commaBetween(s.tok.tokens, m.end, cue.first)) return -1;
        break;
      case HEDGE:
        hedged = 1;
        break;
    }
  }
  return hedged;
}

/**
 * An old year dates the cue when it stands before it in its clause ("In 2021, X announced a buyback") or
 * after it ("X announced a buyback in 2021", "a repurchase, its biggest ever, in late 2025"), except as the
 * term of a comparison ("its first new authorization since 2021") or a modifier ("to prevent a repeat of the
 * 2023 collapse").
 */
function datedOld(tokens: readonly Token[], cue: CueHit, oldYears: readonly number[]): boolean {
  const clause = tokens[cue.first]!.clause;
  for (const y of oldYears) {
    if (tokens[y]!.clause !== clause) continue;
    if (y < cue.first) return true;
    if (y >= cue.end && !COMPARED.has(tokens[y - 1]!.key) && !COMPARED.has(tokens[y - 2]?.key ?? "")) return true;
  }
  return false;
}

/** Words that make a year the term of a comparison ("since 2021") or a modifier ("the 2023 collapse"), not the event's date. */
const COMPARED = new Set(["since", "than", "versus", "vs", "the", "a", "its", "their", "his", "her", "this", "that"]);

/** "Amazon will invest $4 billion in Anthropic": money put into a named firm buys a stake in it (not capex). */
function investsInFirm(s: State, cue: CueHit): boolean {
  if (cue.slug !== "capex" || !s.tok.tokens[cue.first]!.key.startsWith("invest")) return false;
  const tokens = s.tok.tokens;
  let at = cue.end;
  while (at < tokens.length && AMOUNT_WORDS.has(tokens[at]!.key)) at++;
  if (tokens[at]?.key !== "in") return false;
  at++;
  if (tokens[at]?.key === "the") at++;
  const k = at < s.mentionAt.length ? s.mentionAt[at]! : -1;
  const m = k >= 0 ? s.mentions[k]! : undefined;
  return m !== undefined && !m.person && (m.company !== undefined || m.how !== M_CUE);
}

/**
 * The company a label clause names: the clause before, in the same sentence and ended by a dash or colon,
 * holds nothing but company names, codes and punctuation ("TESCO (TSCO LN) - Q1 trading statement"). -1: none.
 */
function labelMention(s: State, clause: number): number {
  const { tok, mentions } = s;
  const tokens = tok.tokens;
  if (clause === 0) return -1;
  const before = tok.clauses[clause - 1]!;
  const first = tok.clauses[clause]!.first;
  const sep = tokens[first - 1];
  if (before.end !== first || tokens[before.first]!.sent !== tokens[first]!.sent || !sep || !LABEL_SEPARATORS.has(sep.raw)) return -1;
  let found = -1;
  let k = s.mClause.from[clause - 1]!;
  for (let j = before.first; j < before.end - 1; j++) {
    while (k < s.mClause.to[clause - 1]! && mentions[k]!.end <= j) k++;
    const m = mentions[k];
    if (m && m.first <= j && j < m.end) {
      if (m.company && usable(m)) found = k;
      continue;
    }
    const t = tokens[j]!;
    if (t.kind !== K_PUNCT && !(t.flags & F_UPPER)) return -1;
  }
  return found;
}

const LABEL_SEPARATORS = new Set(["-", "--", "—", "–", ":"]);

/** "JPMorgan analysts said Tencent would raise its dividend": what analysts think a company will do is no event. */
function analystsPredict(tokens: readonly Token[], sentFirst: number, cue: CueHit): boolean {
  let analysts = false;
  for (let k = sentFirst; k < cue.first; k++) {
    const key = tokens[k]!.key;
    if (ANALYSTS.has(key)) analysts = true;
    else if (analysts && MODALS.has(key)) return true;
  }
  return false;
}

const ANALYSTS = new Set(["analyst", "analysts", "strategist", "strategists", "economist", "economists", "brokers", "brokerages"]);
const MODALS = new Set(["would", "could", "may", "might", "should", "will"]);

function commaBetween(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (tokens[k]!.raw === ",") return true;
  return false;
}

/** Relevance per company, and the output list (most relevant first). */
function rank(s: State, perCompany: Map<Company, Map<CatalystSlug, CatalystHit>>): TickerResult[] {
  const { mentions, tok, c, markers } = s;
  const tokens = tok.tokens;
  interface Tally {
    company: Company;
    count: number;
    strong: boolean;
    named: boolean;
    head: boolean;
    early: boolean;
    move: boolean;
    /** Opens a sentence as its subject without being quoted: "HSBC said it would cut jobs". */
    subject: boolean;
    order: number;
  }
  const tallies = new Map<Company, Tally>();
  // By token: a price-move word starts there.
  const moves = new Uint8Array(tokens.length);
  for (const m of markers) if (m.kind === MOVE) moves[m.first] = 1;
  mentions.forEach((m, order) => {
    if (!m.company || m.source) return;
    let t = tallies.get(m.company);
    if (!t) tallies.set(m.company, (t = { company: m.company, count: 0, strong: false, named: false, head: false, early: false, move: false, subject: false, order }));
    t.count++;
    if (m.how !== M_WEAK) t.named = true;
    if (m.how === M_CUE) t.strong = true;
    if (tokens[m.first]!.flags & F_HEAD) t.head = true;
    else if (m.sent <= tok.firstBodySentence + 1) t.early = true;
    if (!t.move && m.how !== M_WEAK) t.move = ownMove(tokens, m, moves);
    if (m.how !== M_WEAK && m.first - tok.sentences[m.sent]!.first <= 1) t.subject = true;
  });
  const out: Array<TickerResult & { order: number }> = [];
  for (const t of tallies.values()) {
    const hits = perCompany.get(t.company);
    const catalysts = hits ? [...hits.values()].sort((a, b) => b.confidence - a.confidence) : [];
    const ownNews = catalysts.length > 0 || t.move || t.head || t.subject;
    if (c.entities.sources.has(t.company) && !ownNews) continue;
    let r = t.named ? 0.55 : 0.3;
    if (t.head) r += 0.15;
    if (t.early) r += 0.1;
    if (t.strong) r += 0.1;
    if (t.move) r += 0.1;
    if (catalysts.length) r += 0.15;
    r += Math.min(0.12, 0.04 * (t.count - 1));
    const relevance = Math.round(Math.min(1, r) * 100) / 100;
    out.push({
      symbol: t.company.symbol,
      listings: [...t.company.listings],
      name: t.company.name,
      relevance,
      catalysts: t.named ? catalysts : [],
      order: t.order,
    });
  }
  out.sort((a, b) => b.relevance - a.relevance || a.order - b.order);
  return out.map(({ order: _order, ...rest }) => rest);
}

/** The company's own price move: a move word and a percentage close after the mention, in its sentence. */
function ownMove(tokens: readonly Token[], m: Mention, moves: Uint8Array): boolean {
  const limit = Math.min(tokens.length, m.end + 14);
  let pct = false;
  for (let k = m.end; k < limit; k++) {
    const t = tokens[k]!;
    if (t.sent !== m.sent) break;
    if ((t.raw === "%" || t.key === "percent" || t.key === "pct") && k > m.end) pct = true;
  }
  if (!pct) return false;
  for (let k = m.end; k < Math.min(tokens.length, m.end + 10); k++) if (moves[k] && tokens[k]!.sent === m.sent) return true;
  return false;
}

