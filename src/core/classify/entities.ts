// Finds company mentions in tokens: cashtags, exchange prefixes, quotes, listing codes, aliases and bare symbols.
import type { Company } from "../universe/schema.ts";
import type { Universe } from "../universe/index.ts";
import type { EntityConfig } from "./config.ts";
import { PhraseIndex } from "./patterns.ts";
import { F_CAP, F_CAPSLINE, F_DOT, F_HYPH, F_POSS, F_UPPER, K_CASHTAG, K_CJK, K_NUM, K_PUNCT, K_WORD, signature, signatureSet, tokenizePlain, type Token } from "./tokens.ts";

/** How a mention was written, strongest first. */
export const M_CUE = 1; // $BABA, NYSE:BABA, (BABA 0.64%), 9988.HK
export const M_ALIAS = 2; // Alibaba, Alibaba Group Holding Ltd.
export const M_AMBIGUOUS = 3; // Target, with context
export const M_BARE = 4; // NVDA
export const M_WEAK = 5; // Alibaba-backed

export interface Mention {
  /** undefined: a name that is not a listed company (private firm, person, index, agency). */
  company: Company | undefined;
  /** Candidates of an ambiguous alias before context picks one. */
  candidates: readonly Company[] | undefined;
  how: number;
  /** Token range [first, end). */
  first: number;
  end: number;
  sent: number;
  clause: number;
  /** A quoted source ("analysts at X", "according to X"), never an actor. */
  source: boolean;
  /** A person's name (config notCompanies.people): speaks for a company, does not absorb its news. */
  person: boolean;
  /** An index, exchange, agency, medium or place (notCompanies.other, the universe's indices): owns no pronoun. */
  other: boolean;
}

/**
 * block: a name that is no listed company. "private" firms act (and own their pronouns), "person"s speak for
 * companies, "other" names (indices, exchanges, agencies, media, places) do neither.
 */
type Target = { company: Company } | { candidates: readonly Company[] } | { block: "private" | "person" | "other" };

interface AliasEntry {
  words: string[];
  /** Which words carry a possessive in the name itself ("People's Bank of China"). */
  possessive: boolean[];
  target: Target;
  /** The name in capitals ("ALIBABA"): only read on lines written in capitals. */
  capsOnly: boolean;
}

export interface EntityIndex {
  aliases: Map<string, AliasEntry[]>;
  /** Signatures of the first words of aliases: most words are not one. */
  aliasSignatures: Uint8Array;
  bySymbol: ReadonlyMap<string, Company>;
  exchanges: ReadonlyMap<string, string>;
  stopwords: ReadonlySet<string>;
  sources: ReadonlySet<Company>;
  corporateNext: ReadonlySet<string>;
  corporatePrev: PhraseIndex<true>;
  sourceBefore: PhraseIndex<true>;
  sourceAfter: ReadonlySet<string>;
  sourceListAfter: ReadonlySet<string>;
  roleWords: ReadonlySet<string>;
}

const PRIORITY = (t: Target): number => ("block" in t ? 3 : "company" in t ? 2 : 1);

export function buildEntityIndex(universe: Universe, config: EntityConfig): EntityIndex {
  const byKey = new Map<string, AliasEntry>();
  const add = (name: string, target: Target): void => {
    const toks = tokenizePlain(name);
    while (toks.length > 1 && /^[.,;:]$/.test(toks[toks.length - 1]!.raw)) toks.pop();
    if (!toks.length) return;
    const words = toks.map((t) => t.raw);
    const possessive = toks.map((t) => (t.flags & F_POSS) !== 0);
    const key = toks.map((t) => (t.flags & F_POSS ? `${t.raw}'s` : t.raw)).join("\u0000");
    const existing = byKey.get(key);
    if (!existing || PRIORITY(target) > PRIORITY(existing.target) || (existing.capsOnly && !caps)) {
      byKey.set(key, { words, possessive, target, capsOnly: caps });
    }
  };
  let caps = false;
  for (const [alias, company] of universe.byAlias) add(alias, { company });
  for (const [alias, companies] of universe.byAmbiguousAlias) {
    if (companies.length) add(alias, { candidates: companies });
  }
  for (const index of universe.indices) for (const n of [index.name, ...index.aliases]) add(n, { block: "other" });
  const { private: privates, people, other } = config.notCompanies;
  for (const n of privates) add(n, { block: "private" });
  for (const n of other) add(n, { block: "other" });
  for (const n of people) add(n, { block: "person" });
  // Headlines in capitals: "ALIBABA SOARS ON BUYBACK". Names of four letters or more only.
  caps = true;
  for (const entry of [...byKey.values()]) {
    const upper = entry.words.map((w) => w.toUpperCase());
    if (entry.capsOnly || upper.every((w, k) => w === entry.words[k]) || upper.join("").replace(/[^A-Z]/g, "").length < 4) continue;
    add(entry.words.map((w, k) => (entry.possessive[k] ? `${w.toUpperCase()}'S` : w.toUpperCase())).join(" "), entry.target);
  }
  caps = false;

  const aliases = new Map<string, AliasEntry[]>();
  for (const entry of byKey.values()) {
    const first = entry.words[0]!;
    const list = aliases.get(first);
    if (list) list.push(entry);
    else aliases.set(first, [entry]);
  }
  for (const list of aliases.values()) list.sort((a, b) => b.words.length - a.words.length);
  const aliasSignatures = signatureSet(aliases.keys());
  const sources = new Set<Company>();
  for (const s of config.sources) {
    const c = universe.bySymbol.get(s.toUpperCase());
    if (c) sources.add(c);
  }
  const phrases = (list: readonly string[]): PhraseIndex<true> => {
    const idx = new PhraseIndex<true>();
    for (const p of list) idx.add(p, true);
    return idx;
  };
  return {
    aliases,
    aliasSignatures,
    bySymbol: universe.bySymbol,
    exchanges: new Map(Object.entries(config.exchanges).map(([k, v]) => [k.toUpperCase(), v])),
    stopwords: new Set(config.bareSymbolStopwords.map((s) => s.toUpperCase())),
    sources,
    corporateNext: new Set(config.corporateNext.map((s) => s.replace(/\.$/, ""))),
    corporatePrev: phrases(config.corporatePrev),
    sourceBefore: phrases(config.sourceBefore),
    sourceAfter: new Set(config.sourceAfter.map((s) => s.toLowerCase())),
    sourceListAfter: new Set(config.sourceListAfter.flatMap((s) => s.toLowerCase().split(/\s+/)).filter((w) => w.length > 2)),
    roleWords: new Set(config.roleWords.map((s) => s.toLowerCase())),
  };
}

/** "700" on HKEX is 0700.HK; other exchanges keep the code as written. */
export function symbolFor(code: string, suffix: string): string {
  const upper = code.toUpperCase();
  if (suffix === ".HK" && /^\d{1,5}$/.test(upper)) return `${upper.replace(/^0+(?=\d{4})/, "").padStart(4, "0")}.HK`;
  return suffix && !upper.includes(".") ? `${upper}${suffix}` : upper;
}

const OWN_NEWS_PRONOUNS = new Set(["it", "its", "it's", "they", "their"]);
/** A bank's verb followed by "it": "HSBC said it would cut jobs", "BBVA reiterated that it expects ...". */
const OWN_NEWS_VERBS = new Set(["said", "says", "reiterated", "noted", "warned", "told", "expects", "expected", "confirmed", "announced"]);
/** Lower-case words that may stand between a quoted bank or broker and its verb ("X on Tuesday upgraded", "X analysts led by Y said"). */
const BETWEEN_SOURCE_AND_VERB = new Set(["on", "also", "now", "last", "this", "earlier", "previously", "recently", "has", "have", "had", "led", "by", "and", "in", "a"]);

const LISTING_CODE = /^[0-9A-Z][0-9A-Z-]*\.[A-Z]{1,3}$/;

function lookupCode(index: EntityIndex, raw: string): Company | undefined {
  const upper = raw.toUpperCase();
  const direct = index.bySymbol.get(upper);
  if (direct) return direct;
  const m = /^(\d{1,5})\.HK$/.exec(upper);
  if (m) return index.bySymbol.get(symbolFor(m[1]!, ".HK"));
  // Reuters codes of US listings (BABA.N, AAPL.O) and "BABA.US".
  const us = /^([A-Z][A-Z0-9-]*)\.(US|N|O|OQ|K|A|P)$/.exec(upper);
  return us ? index.bySymbol.get(us[1]!) : undefined;
}

/** Bloomberg-style codes in parentheses: "(9988 HK)", "(600519 CH)", "(7203 JP)", "(BABA US)". */
/** Bloomberg market codes of exchanges whose Yahoo Finance symbols are the code plus a suffix. */
const BLOOMBERG_SUFFIX: ReadonlyMap<string, string> = new Map([
  ["LN", ".L"], ["DC", ".CO"], ["GY", ".DE"], ["GR", ".DE"], ["FP", ".PA"], ["NA", ".AS"], ["SM", ".MC"], ["IM", ".MI"],
  ["SW", ".SW"], ["SE", ".SW"], ["SS", ".ST"], ["NO", ".OL"], ["FH", ".HE"], ["BB", ".BR"], ["ID", ".IR"], ["PL", ".LS"],
  ["AU", ".AX"], ["AT", ".AX"], ["SP", ".SI"], ["KS", ".KS"], ["TT", ".TW"], ["IN", ".NS"], ["IB", ".NS"],
]);

/** "(TSCO LN)", "(BA/ LN)", "(NSIS B DC)": a code, an optional share class, and a Bloomberg market. */
function bloombergDesk(index: EntityIndex, code: string, shareClass: string | undefined, market: string): Company | undefined {
  const suffix = BLOOMBERG_SUFFIX.get(market);
  if (suffix === undefined) return undefined;
  const base = code.toUpperCase();
  const symbol = shareClass ? `${base}-${shareClass}${suffix}` : `${base}${suffix}`;
  return index.bySymbol.get(symbol) ?? (suffix === ".KS" || suffix === ".TW" ? undefined : index.bySymbol.get(`${base}${shareClass ?? ""}${suffix}`));
}

function bloombergCode(index: EntityIndex, code: Token, market: Token): Company | undefined {
  const m = market.raw;
  if (m === "US") return code.kind === K_WORD ? index.bySymbol.get(code.raw.toUpperCase()) : undefined;
  if (BLOOMBERG_SUFFIX.has(m) && code.flags & F_UPPER) return bloombergDesk(index, code.raw, undefined, m);
  if (code.kind !== K_NUM) return undefined;
  if (m === "HK") return index.bySymbol.get(symbolFor(code.raw, ".HK"));
  if (m === "JP" || m === "JT") return index.bySymbol.get(`${code.raw}.T`);
  if (m === "CH" || m === "C1" || m === "C2") return index.bySymbol.get(`${code.raw}${code.raw.startsWith("6") ? ".SS" : ".SZ"}`);
  return undefined;
}

function aliasAt(index: EntityIndex, tokens: readonly Token[], at: number): AliasEntry | undefined {
  const list = index.aliases.get(tokens[at]!.raw);
  if (!list) return undefined;
  const sent = tokens[at]!.sent;
  outer: for (const entry of list) {
    const n = entry.words.length;
    if (at + n > tokens.length || (entry.capsOnly && !(tokens[at]!.flags & F_CAPSLINE))) continue;
    for (let k = 1; k < n; k++) {
      const t = tokens[at + k]!;
      // A possessive ends a name ("Alibaba's Group" is not "Alibaba Group") unless the name has it.
      const poss = (tokens[at + k - 1]!.flags & F_POSS) !== 0;
      if (t.sent !== sent || t.raw !== entry.words[k] || poss !== entry.possessive[k - 1]) continue outer;
    }
    return entry;
  }
  return undefined;
}

// A module function, not a closure: one is made per call otherwise (and named, under tsx).
function pushMention(found: Mention[], tokens: readonly Token[], company: Company | undefined, how: number, first: number, end: number, candidates?: readonly Company[], block?: string): void {
  const t = tokens[first]!;
  found.push({ company, candidates, how, first, end, sent: t.sent, clause: t.clause, source: false, person: block === "person", other: block === "other" });
}

/** Every mention in the tokens, in order; ambiguous ones are resolved or dropped, sources marked. */
export function findMentions(index: EntityIndex, tokens: readonly Token[]): Mention[] {
  const found: Mention[] = [];
  const n = tokens.length;
  let i = 0;
  while (i < n) {
    const t = tokens[i]!;
    if (t.kind === K_CASHTAG) {
      const c = lookupCode(index, t.raw);
      if (c) pushMention(found, tokens, c, M_CUE, i, i + 1);
      i++;
      continue;
    }
    if (t.kind === K_PUNCT) {
      if (t.raw === "(" && i + 2 < n) {
        // (BABA 0.64%), (BABA), (BABA, 9988.HK): a quote only when the symbol is not a common word,
        // or a price follows, or the same company was named just before ("Allstate (ALL)").
        const q = tokens[i + 1]!;
        const after = tokens[i + 2]!;
        if (i + 3 < n && tokens[i + 3]!.raw === ")" && after.kind === K_WORD) {
          const c = bloombergCode(index, q, after);
          if (c) {
            pushMention(found, tokens, c, M_CUE, i + 1, i + 3);
            i += 3;
            continue;
          }
        }
        // (BA/ LN): a slash after the code; (NSIS B DC): a share class between code and market.
        if (i + 4 < n && tokens[i + 4]!.raw === ")" && q.kind === K_WORD && q.flags & F_UPPER && tokens[i + 3]!.kind === K_WORD) {
          const middle = after.raw;
          const shareClass = middle === "/" ? undefined : /^[A-C]$/.test(middle) ? middle : null;
          const c = shareClass === null ? undefined : bloombergDesk(index, q.raw, shareClass, tokens[i + 3]!.raw);
          if (c) {
            pushMention(found, tokens, c, M_CUE, i + 1, i + 4);
            i += 4;
            continue;
          }
        }
        if ((q.kind === K_WORD || q.kind === K_NUM) && (after.raw === ")" || after.raw === "," || after.raw === ";" || after.kind === K_NUM)) {
          const c = lookupCode(index, q.raw);
          if (c) {
            const prev = found[found.length - 1];
            const justBefore = prev !== undefined && prev.end === i && prev.company === c;
            if (after.kind === K_NUM || justBefore || (!index.stopwords.has(q.raw.toUpperCase()) && (q.flags & F_UPPER || q.raw.includes(".")))) {
              pushMention(found, tokens, c, M_CUE, i + 1, i + 2);
              i += 2;
              continue;
            }
          }
        }
      }
      i++;
      continue;
    }
    if (t.kind === K_WORD || t.kind === K_NUM) {
      // NYSE:BABA, NASDAQ: JD, HK:9988, HKEX: 700
      if (t.kind === K_WORD && i + 2 < n && tokens[i + 1]!.raw === ":") {
        const suffix = index.exchanges.get(t.raw.toUpperCase());
        const code = tokens[i + 2]!;
        if (suffix !== undefined && (code.kind === K_WORD || code.kind === K_NUM)) {
          const c = index.bySymbol.get(symbolFor(code.raw, suffix)) ?? lookupCode(index, code.raw);
          if (c) pushMention(found, tokens, c, M_CUE, i, i + 3);
          i += 3;
          continue;
        }
      }
      if (t.flags & F_DOT && LISTING_CODE.test(t.raw)) {
        const c = lookupCode(index, t.raw);
        if (c) {
          pushMention(found, tokens, c, M_CUE, i, i + 1);
          i++;
          continue;
        }
      }
    }
    if (t.kind === K_WORD || t.kind === K_CJK) {
      const entry = index.aliasSignatures[signature(t.raw)] ? aliasAt(index, tokens, i) : undefined;
      if (entry) {
        const end = i + entry.words.length;
        const target = entry.target;
        if ("company" in target) pushMention(found, tokens, target.company, M_ALIAS, i, end);
        else if ("candidates" in target) pushMention(found, tokens, undefined, M_AMBIGUOUS, i, end, target.candidates);
        else pushMention(found, tokens, undefined, M_ALIAS, i, end, undefined, target.block);
        i = end;
        continue;
      }
      if (t.flags & F_HYPH) {
        // "Alibaba-backed", "Tencent-owned": the company is named, but as someone else's backer.
        const head = t.raw.slice(0, t.raw.search(/[-\u2011]/));
        const list = index.aliases.get(head);
        const single = list?.find((e) => e.words.length === 1);
        if (single && "company" in single.target) pushMention(found, tokens, single.target.company, M_WEAK, i, i + 1);
        i++;
        continue;
      }
      // Bare symbols: only upper-case words that are not English words or acronyms (config
      // bareSymbolStopwords), never on an all-capitals line, never a single letter. "NVDA rose" counts;
      // "ALL", "IT", "ON" never do without a ticker cue. Two-letter ones need the company named elsewhere
      // (checked below), since most two-letter capitals in news are abbreviations.
      if (t.kind === K_WORD && t.flags & F_UPPER && !(t.flags & F_CAPSLINE) && !index.stopwords.has(t.raw)) {
        const c = index.bySymbol.get(t.raw);
        if (c) pushMention(found, tokens, c, M_BARE, i, i + 1);
      }
    }
    i++;
  }
  return resolve(index, tokens, found);
}

function resolve(index: EntityIndex, tokens: readonly Token[], found: Mention[]): Mention[] {
  const named = new Set<Company>();
  for (const m of found) if (m.company && m.how !== M_BARE && m.how !== M_WEAK) named.add(m.company);
  // "Orange shares rose" settles every other "Orange" of the article too.
  for (const m of found) {
    const cands = m.candidates;
    if (m.how === M_AMBIGUOUS && cands?.length === 1 && !named.has(cands[0]!) && hasCorporateCue(index, tokens, m)) named.add(cands[0]!);
  }
  const out: Mention[] = [];
  for (const m of found) {
    if (m.how === M_AMBIGUOUS) {
      const pick = (m.candidates ?? []).find((c) => named.has(c));
      if (!pick) continue;
      m.company = pick;
    } else if (m.how === M_BARE && m.company && tokens[m.first]!.raw.length === 2 && !named.has(m.company)) {
      continue;
    }
    if (m.company) m.source = isSource(index, tokens, m);
    // "The bookrunners are Wells Fargo Securities, BofA Securities and Citigroup": a bank listed right after a
    // quoted bank is quoted too.
    const prev = out[out.length - 1];
    if (!m.source && m.company && index.sources.has(m.company) && prev?.source && prev.company && index.sources.has(prev.company) && listedAfter(tokens, prev, m)) m.source = true;
    out.push(m);
  }
  return out;
}

/** Only a comma, "and", "&" or capitalised words ("Wells Fargo Securities, BofA") between two mentions of one sentence. */
function listedAfter(tokens: readonly Token[], a: Mention, b: Mention): boolean {
  if (a.sent !== b.sent || b.first - a.end > 4) return false;
  for (let k = a.end; k < b.first; k++) {
    const t = tokens[k]!;
    if (t.key !== "," && t.key !== "and" && t.key !== "&" && !(t.kind === K_WORD && t.flags & F_CAP)) return false;
  }
  return true;
}

function hasCorporateCue(index: EntityIndex, tokens: readonly Token[], m: Mention): boolean {
  const next = tokens[m.end];
  if (next && next.sent === m.sent && index.corporateNext.has(next.raw)) return true;
  // "Waste Management, Inc.", "Block, Inc.": the suffix after a comma.
  const after = tokens[m.end + 1];
  if (next?.raw === "," && after && after.sent === m.sent && after.flags & F_CAP && index.corporateNext.has(after.raw)) return true;
  for (let j = Math.max(0, m.first - 3); j < m.first; j++) {
    const hit = index.corporatePrev.longest(tokens, j, m.first);
    if (hit && hit.end === m.first) return true;
  }
  return false;
}

/** A mention that only quotes the company: "citing a report by X", "analysts at X", "X analyst Y", "X's Y wrote". */
function isSource(index: EntityIndex, tokens: readonly Token[], m: Mention): boolean {
  // Every look-back below reaches at most 11 tokens before the mention: a long sentence costs nothing more.
  const sentFirst = firstOfSentence(tokens, m.first, 12);
  // Phrases ending just before the mention (at most two words between: "according to a Reuters report").
  for (let j = Math.max(sentFirst, m.first - 6); j < m.first; j++) {
    const hit = index.sourceBefore.longest(tokens, j, m.first);
    if (hit && m.first - hit.end <= 2 && hit.end > j) {
      let ok = true;
      for (let k = hit.end; k < m.first; k++) if (tokens[k]!.kind === K_PUNCT && tokens[k]!.raw !== "(") ok = false;
      if (ok) return true;
    }
  }
  // "<role> <Name> at X": strategist Nenad Dinic at X, analysts at X, head of research at X.
  for (let p = m.first - 1; p >= Math.max(sentFirst, m.first - 3); p--) {
    const w = tokens[p]!.key;
    if (w === "at" || w === "from" || w === "with") {
      for (let r = p - 1; r >= Math.max(sentFirst, p - 8); r--) if (index.roleWords.has(tokens[r]!.key)) return true;
      break;
    }
    if (!(tokens[p]!.flags & F_CAP)) break;
  }
  // "X analyst Y", "X's strategists", "X Intelligence".
  const next = tokens[m.end];
  if (next && next.sent === m.sent && index.sourceAfter.has(next.key)) return true;
  // Banks, brokers and agencies: "X said", "X's Edison Yu wrote in a note", "X upgraded".
  if (m.company && index.sources.has(m.company)) {
    for (let j = m.end; j < Math.min(tokens.length, m.end + 5); j++) {
      const t = tokens[j]!;
      if (t.sent !== m.sent) break;
      // "HSBC said (on Wednesday) it would cut jobs" is the bank's own news, not a quote.
      if (OWN_NEWS_VERBS.has(t.key)) {
        for (let k = j + 1; k < Math.min(tokens.length, j + 5) && tokens[k]!.sent === m.sent; k++) if (OWN_NEWS_PRONOUNS.has(tokens[k]!.key)) return false;
      }
      if (index.sourceListAfter.has(t.key) || index.sourceAfter.has(t.key)) return true;
      // Only names, dates and "analysts led by" stand between a source and its verb: in "Citigroup tops
      // estimates" the bank is the subject of its own news.
      if (t.kind === K_WORD && !(t.flags & F_CAP) && !BETWEEN_SOURCE_AND_VERB.has(t.key)) break;
    }
    if (m.first > 0) {
      const prev = tokens[m.first - 1]!;
      if (prev.sent === m.sent && (prev.key === "wrote" || prev.key === "said" || prev.key === "says")) return true;
    }
  }
  return false;
}

/** The first token of the mention's sentence, at most `reach` tokens back (every look-back here is shorter). */
function firstOfSentence(tokens: readonly Token[], at: number, reach: number): number {
  const sent = tokens[at]!.sent;
  let j = at;
  while (j > 0 && at - j < reach && tokens[j - 1]!.sent === sent) j--;
  return j;
}

