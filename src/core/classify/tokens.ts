// One pass over an article: drops page chrome, and cuts the rest into tokens, sentences and clauses.

export const K_WORD = 1;
export const K_NUM = 2;
export const K_PUNCT = 3;
export const K_CASHTAG = 4;
export const K_MONEY = 5;
export const K_CJK = 6;

/** The word ended in 's / ’s (stripped from raw). */
export const F_POSS = 1;
/** Starts with an upper-case letter. */
export const F_CAP = 2;
/** Every letter is upper case (and there are at least two). */
export const F_UPPER = 4;
/** Ends in n't. */
export const F_NEG = 8;
/** Contains a hyphen between letters ("Alibaba-backed"). */
export const F_HYPH = 16;
/** Part of the headline (the title, or the first short line when there is no title). */
export const F_HEAD = 32;
/** On a line written mostly in capitals: bare symbols mean nothing there. */
export const F_CAPSLINE = 64;
/** Contains a period between characters ("JD.com", "9988.HK", "U.S"). */
export const F_DOT = 128;

/**
 * A cheap signature of a string (first two characters and length): a set of signatures says for sure
 * that a word is NOT in a vocabulary without hashing the whole string into a Map.
 */
export function signature(word: string): number {
  const n = word.length;
  return (((word.charCodeAt(0) & 0xff) << 8) ^ ((n > 1 ? word.charCodeAt(1) & 0xff : 0) << 3) ^ (n < 8 ? n : 7)) & 0xffff;
}

export function signatureSet(words: Iterable<string>): Uint8Array {
  const set = new Uint8Array(65536);
  for (const w of words) if (w.length) set[signature(w)] = 1;
  return set;
}

export interface Token {
  /** Text as written, without a trailing possessive; the cashtag's symbol without "$". */
  raw: string;
  /** Lower case without dots: what phrase patterns match ("U.S.-China" -> "us-china"). */
  key: string;
  kind: number;
  flags: number;
  /** Character offsets in the classified text. */
  start: number;
  end: number;
  sent: number;
  clause: number;
  /** The key's id in the tokenizer's vocabulary, -1 when the key is not in it. */
  kid: number;
}

export interface Span {
  /** Token range [first, end). */
  first: number;
  end: number;
}

export interface Tokenized {
  text: string;
  tokens: Token[];
  /** By sentence id. */
  sentences: Span[];
  /** By clause id. */
  clauses: Span[];
  /** Sentence id of the first sentence after the headline. */
  firstBodySentence: number;
}

export interface TokenizerRules {
  chrome: RegExp | null;
  tail: RegExp | null;
  abbreviations: ReadonlySet<string>;
  clauseWords: ReadonlySet<string>;
  commaClauseWords: ReadonlySet<string>;
  /** Lines after which the short headline-like lines that follow are chrome ("Most Read from Bloomberg"). */
  block: RegExp | null;
  /** Exchange prefixes (upper case): "NASDAQ: JD" keeps its colon inside the clause. */
  exchanges: ReadonlySet<string>;
  /** Signatures of clauseWords and commaClauseWords. */
  clauseSignatures: Uint8Array;
  /** Every key the classifier ever compares a token's key with: a token's kid says which it is. */
  vocab: Vocab;
}

/** Vocabulary bits: what a key means to markLine. */
export const W_CLAUSE = 1;
export const W_COMMA_CLAUSE = 2;
export const W_SENTENCE_END = 4;
export const W_CLAUSE_BREAK = 8;
export const W_ABBREVIATION = 16;
/** which, who, whose: a clause they open ends at a comma before a verb ("X, which bought Y last week, raised ..."). */
export const W_RELATIVE = 32;

// FNV-1a over char codes: the hash of a word's characters, read from the text without slicing it.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEEN_SLOTS = 1 << 14;
const KEY_CACHE_MAX = 20_000;
const MAX_KEPT_BUFFER = 1 << 20;

/**
 * The keys the classifier compares tokens' keys with, by id; and a cache of the words of the articles
 * read so far, by their characters: a word seen before becomes a token with no slice, no lower-casing
 * and no hashing of a fresh string, and its key (shared by every occurrence) keeps its hash in V8 for
 * every Map and Set look-up after.
 */
export class Vocab {
  readonly words: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly keys = new Map<string, string>();
  /** By id: W_ bits. */
  readonly bits: number[] = [];
  private seenUsed = false;
  private buf = new Uint16Array(8192);
  // Direct-mapped (a collision replaces the older word): bounded memory, nothing to clear.
  private readonly seenHash = new Int32Array(SEEN_SLOTS);
  private readonly seenKid = new Int32Array(SEEN_SLOTS);
  private readonly seenRaw: Array<string | undefined> = new Array<string | undefined>(SEEN_SLOTS).fill(undefined);
  private readonly seenKey: string[] = new Array<string>(SEEN_SLOTS).fill("");

  add(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.ids.set(word, id);
      this.bits.push(0);
      // Cached tokens carry ids: a new word may be one of theirs.
      if (this.seenUsed) {
        this.seenRaw.fill(undefined);
        this.seenUsed = false;
      }
    }
    return id;
  }

  /** Adds the word with the given W_ bits (what the tokenizer makes of it: a clause word, ...). */
  mark(word: string, bits: number): void {
    const id = this.add(word);
    this.bits[id]! |= bits;
  }

  addAll(words: Iterable<string>): void {
    for (const w of words) this.add(w);
  }

  idOf(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /**
   * keyOf with a cache: lower-casing a slice of a two-byte string (any text with a curly quote) is a slow
   * runtime call in V8, and news repeats its capitalised words. Only short words are kept: V8 copies
   * them out of the article, where a longer slice would keep the whole article alive in the cache.
   */
  keyOf(raw: string, dotted: boolean): string {
    let key = this.keys.get(raw);
    if (key === undefined) {
      key = keyOf(raw, dotted);
      if (raw.length <= MAX_CACHED_WORD) {
        if (this.keys.size >= KEY_CACHE_MAX) this.keys.clear();
        this.keys.set(raw, key);
      }
    }
    return key;
  }

  /** A copy of the article's characters: V8 reads a typed array faster than a string's charCodeAt. */
  chars(text: string): Uint16Array {
    const n = text.length;
    let buf = this.buf;
    if (buf.length < n) {
      buf = new Uint16Array(Math.max(n, buf.length * 2));
      // A one-off giant article does not keep its buffer.
      if (n <= MAX_KEPT_BUFFER) this.buf = buf;
    }
    for (let k = 0; k < n; k++) buf[k] = text.charCodeAt(k);
    return buf;
  }

  /** The token of text[start, end) (buf holds its characters), whose key depends on its characters only (not for cashtags). */
  token(text: string, buf: Uint16Array, kind: number, flags: number, start: number, end: number, dotted: boolean, mixed: boolean): Token {
    const n = end - start;
    // Only short words: V8 copies them out of the article, where a longer slice would keep the whole
    // article text alive for as long as the cache holds it.
    if (n > MAX_CACHED_WORD) return makeToken(text.slice(start, end), kind, flags, start, end, this, dotted, mixed);
    let h = FNV_OFFSET;
    for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, FNV_PRIME);
    const slot = (h ^ (h >>> 16)) & (SEEN_SLOTS - 1);
    const seen = this.seenRaw[slot];
    if (seen !== undefined && this.seenHash[slot] === h && seen.length === n) {
      let k = 0;
      while (k < n && seen.charCodeAt(k) === buf[start + k]!) k++;
      if (k === n) return { raw: seen, key: this.seenKey[slot]!, kind, flags, start, end, sent: 0, clause: 0, kid: this.seenKid[slot]! };
    }
    const t = makeToken(text.slice(start, end), kind, flags, start, end, this, dotted, mixed);
    this.seenRaw[slot] = t.raw;
    this.seenKey[slot] = t.key;
    this.seenKid[slot] = t.kid;
    this.seenHash[slot] = h;
    this.seenUsed = true;
    return t;
  }
}

// Character classes in one table: one load per character in the hot loop.
const C_SPACE = 1;
const C_DIGIT = 2;
const C_LETTER = 4;
const C_UPPER = 8;
const C_CJK = 16;
const CLASS = new Uint8Array(65536);
for (const c of [32, 9, 10, 11, 12, 13, 160, 0x3000, 0x2028, 0x2029, 0xfeff]) CLASS[c] = C_SPACE;
for (let c = 0x2000; c <= 0x200b; c++) CLASS[c] = C_SPACE;
for (let c = 48; c <= 57; c++) CLASS[c] = C_DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = C_LETTER | C_UPPER;
for (let c = 97; c <= 122; c++) CLASS[c] = C_LETTER;
// Latin-1 letters, Greek, Cyrillic and the like; general punctuation starts at U+2000.
for (let c = 0xc0; c < 0x2000; c++) if (c !== 0xd7 && c !== 0xf7) CLASS[c] = C_LETTER;
for (let c = 0x3400; c <= 0x9fff; c++) CLASS[c] = C_CJK;
for (let c = 0xf900; c <= 0xfaff; c++) CLASS[c] = C_CJK;
// Kana and Hangul too: names in them are matched character by character, like Chinese ones.
for (let c = 0x3040; c <= 0x30ff; c++) CLASS[c] = C_CJK;
for (let c = 0x31f0; c <= 0x31ff; c++) CLASS[c] = C_CJK;
for (let c = 0xac00; c <= 0xd7af; c++) CLASS[c] = C_CJK;
for (let c = 0xff66; c <= 0xff9f; c++) CLASS[c] = C_CJK;

const isSpace = (c: number): boolean => (CLASS[c]! & C_SPACE) !== 0;
const isDigit = (c: number): boolean => (CLASS[c]! & C_DIGIT) !== 0;
const isUpperAscii = (c: number): boolean => (CLASS[c]! & C_UPPER) !== 0;
const isCjk = (c: number): boolean => (CLASS[c]! & C_CJK) !== 0;
const isLetter = (c: number): boolean => (CLASS[c]! & C_LETTER) !== 0;
const isAlnum = (c: number): boolean => (CLASS[c]! & (C_LETTER | C_DIGIT)) !== 0;
const isApos = (c: number): boolean => c === 39 || c === 0x2019;

const MAX_CACHED_WORD = 12;

/** The key of a written word: lower case, without dots ("U.S." -> "us"). */
function keyOf(raw: string, dotted: boolean): string {
  const key = raw.toLowerCase();
  return dotted ? key.replaceAll(".", "") : key;
}

/**
 * mixed: the word has an upper-case or non-ASCII letter, so its key differs from raw. With a vocabulary,
 * the key comes from its cache and the token gets the key's id; without one (config words), neither.
 */
function makeToken(raw: string, kind: number, flags: number, start: number, end: number, vocab: Vocab | null, dotted = false, mixed = true): Token {
  let key = raw;
  if (kind === K_WORD || kind === K_CASHTAG) {
    if (mixed || dotted) key = vocab ? vocab.keyOf(raw, dotted) : keyOf(raw, dotted);
  }
  return { raw, key, kind, flags, start, end, sent: 0, clause: 0, kid: vocab ? vocab.idOf(key) : -1 };
}

/** Tokenizes one string with no chrome, sentence or clause logic: for aliases and patterns. */
export function tokenizePlain(text: string): Token[] {
  const out: Token[] = [];
  const buf = new Uint16Array(text.length);
  for (let k = 0; k < text.length; k++) buf[k] = text.charCodeAt(k);
  scanRange(text, buf, 0, text.length, out, null);
  return out;
}

/** Cuts [from, to) of text into tokens appended to out. */
function scanRange(text: string, buf: Uint16Array, from: number, to: number, out: Token[], vocab: Vocab | null): void {
  let i = from;
  while (i < to) {
    const c = buf[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isAlnum(c)) {
      const start = i;
      let flags = 0;
      let allDigits = isDigit(c);
      let letters = 0;
      let uppers = 0;
      let dotted = false;
      let mixed = false;
      let j = i;
      let end = -1;
      while (j < to) {
        const d = buf[j]!;
        if (isAlnum(d)) {
          if (isLetter(d)) {
            letters++;
            if (isUpperAscii(d)) uppers++;
            else if (d >= 128) mixed = true;
            allDigits = false;
          }
          j++;
          continue;
        }
        const next = j + 1 < to ? buf[j + 1]! : 0;
        if (isApos(d)) {
          const after = j + 2 < to ? buf[j + 2]! : 0;
          if ((next === 115 || next === 83) && !isAlnum(after)) {
            flags |= F_POSS;
            end = j;
            j += 2;
            break;
          }
          if (next === 116 && buf[j - 1]! === 110) {
            flags |= F_NEG;
            j += 2;
            continue;
          }
          if (isLetter(next)) {
            j++;
            continue;
          }
          break;
        }
        if ((d === 46 || d === 45 || d === 38 || d === 0x2011) && isAlnum(next)) {
          if (d === 45 || d === 0x2011) flags |= F_HYPH;
          else if (d === 46) {
            dotted = true;
            flags |= F_DOT;
          }
          allDigits = allDigits && d === 46 && isDigit(next);
          j++;
          continue;
        }
        if (d === 44 && allDigits && isDigit(next)) {
          j++;
          continue;
        }
        break;
      }
      if (end < 0) {
        end = j;
        // "U.S.", "p.m.": the closing period of a dotted abbreviation belongs to it, so "U.S. and China"
        // reads as three words to the patterns.
        if (dotted && j < to && buf[j]! === 46 && !isAlnum(j + 1 < to ? buf[j + 1]! : 0) && INITIALS.test(text.slice(start, j))) {
          j++;
          end = j;
        }
      }
      if (isUpperAscii(c) || (c >= 0xc0 && c < 0x2000 && text[start] !== text[start]!.toLowerCase())) flags |= F_CAP;
      if (letters >= 2 && uppers === letters) flags |= F_UPPER;
      const kind = allDigits ? K_NUM : K_WORD;
      if (vocab !== null) out.push(vocab.token(text, buf, kind, flags, start, end, dotted, mixed || uppers > 0));
      else out.push(makeToken(text.slice(start, end), kind, flags, start, end, null, dotted, mixed || uppers > 0));
      i = j;
      continue;
    }
    if (c === 36 && i + 1 < to) {
      const next = buf[i + 1]!;
      if (isLetter(next) || isDigit(next)) {
        let j = i + 1;
        const money = isDigit(next);
        while (j < to) {
          const d = buf[j]!;
          const n2 = j + 1 < to ? buf[j + 1]! : 0;
          if (isAlnum(d)) j++;
          else if ((d === 46 || (money && d === 44) || (!money && d === 45)) && isAlnum(n2)) j++;
          else break;
        }
        out.push(makeToken(text.slice(i + 1, j), money ? K_MONEY : K_CASHTAG, 0, i, j, vocab));
        i = j;
        continue;
      }
    }
    if (isCjk(c)) {
      out.push(vocab !== null ? vocab.token(text, buf, K_CJK, 0, i, i + 1, false, true) : makeToken(text[i]!, K_CJK, 0, i, i + 1, null));
      i++;
      continue;
    }
    // "Inc.’s": the possessive belongs to the word before the period.
    if (c === 46 && out.length && i + 2 < to && isApos(buf[i + 1]!) && (buf[i + 2]! | 32) === 115) {
      out[out.length - 1]!.flags |= F_POSS;
      i += 3;
      continue;
    }
    if (c === 45 && i + 1 < to && buf[i + 1]! === 45) {
      let j = i;
      while (j < to && buf[j]! === 45) j++;
      out.push(makeToken("--", K_PUNCT, 0, i, j, vocab));
      i = j;
      continue;
    }
    out.push(vocab !== null ? vocab.token(text, buf, K_PUNCT, 0, i, i + 1, false, true) : makeToken(text[i]!, K_PUNCT, 0, i, i + 1, null));
    i++;
  }
}

const MAX_CHROME_LINE = 400;
const MAX_HEADLINE = 160;
/** . ! ? and closing quotes: a line ending so is a paragraph, not a headline. */
const LINE_END = new Set([46, 33, 63, 34, 0x201d, 0x3002, 58]);
/** Dotted abbreviations made of initials: U.S, p.m, e.g, N.V (not JD.com or 9988.HK). */
const INITIALS = /^(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}$/;
const SENTENCE_END = new Set([".", "!", "?", "。", "！", "？"]);
const CLAUSE_BREAK = new Set([";", "--", "—", "–", "-", "…", "；"]);

/** Marks the words and marks the tokenizer reads in the vocabulary: call once the rules are built. */
export function markTokenizerWords(rules: TokenizerRules): void {
  const v = rules.vocab;
  for (const w of rules.clauseWords) v.mark(w, W_CLAUSE);
  for (const w of rules.commaClauseWords) v.mark(w, W_COMMA_CLAUSE);
  for (const w of rules.abbreviations) v.mark(w, W_ABBREVIATION);
  for (const w of SENTENCE_END) v.mark(w, W_SENTENCE_END);
  for (const w of CLAUSE_BREAK) v.mark(w, W_CLAUSE_BREAK);
  for (const w of ["which", "who", "whose"]) v.mark(w, W_RELATIVE);
}

/**
 * Tokenizes an article. Lines that are page chrome are skipped, and everything after a tail marker
 * ("Related topics:") is ignored. A line break always ends a sentence.
 */
export function tokenize(title: string | undefined, body: string, rules: TokenizerRules): Tokenized {
  const hasTitle = !!title && title.trim().length > 0;
  // join() gives a flat string: a concatenation would stay a cons string, slower on every charCodeAt.
  const text = hasTitle ? [title, body].join("\n") : body;
  const tokens: Token[] = [];
  const sentences: Span[] = [];
  const clauses: Span[] = [];
  let headlineDone = false;
  let inBlock = false;
  let firstBodySentence = 0;
  let pos = 0;
  let lineNo = 0;
  const len = text.length;
  const buf = rules.vocab.chars(text);

  while (pos <= len) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = len;
    let a = pos;
    let b = nl;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    const isTitleLine = hasTitle && lineNo === 0;
    if (b > a) {
      // Chrome and tail lines are short; a paragraph is content.
      const line = b - a <= MAX_CHROME_LINE ? text.slice(a, b) : undefined;
      if (!isTitleLine && line !== undefined && rules.tail?.test(line)) break;
      // After "Most Read from Bloomberg" come other stories' headlines: short lines with no closing
      // punctuation, up to the first paragraph.
      if (inBlock && !isTitleLine && b - a <= MAX_HEADLINE && !LINE_END.has(text.charCodeAt(b - 1))) {
        lineNo++;
        pos = nl + 1;
        continue;
      }
      inBlock = !isTitleLine && line !== undefined && rules.block !== null && rules.block.test(line);
      if (!inBlock && (isTitleLine || line === undefined || !rules.chrome?.test(line))) {
        const firstTok = tokens.length;
        scanRange(text, buf, a, b, tokens, rules.vocab);
        let headline = false;
        if (!headlineDone) {
          headline = isTitleLine || (!hasTitle && b - a <= 160 && !SENTENCE_END.has(text[b - 1]!) && tokens.length - firstTok >= 3);
          headlineDone = true;
        }
        markLine(tokens, firstTok, headline, rules, sentences, clauses);
        if (headline) firstBodySentence = sentences.length;
      }
    }
    lineNo++;
    pos = nl + 1;
  }
  return { text, tokens, sentences, clauses, firstBodySentence };
}

/** Assigns sentence and clause ids to the tokens of one line, and its headline and capitals flags. */
function markLine(tokens: Token[], first: number, headline: boolean, rules: TokenizerRules, sentences: Span[], clauses: Span[]): void {
  let words = 0;
  let upper = 0;
  for (let i = first; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === K_WORD && t.raw.length > 1) {
      words++;
      if (t.flags & F_UPPER) upper++;
    }
  }
  const capsLine = words >= 3 && upper / words > 0.6;
  const wordBits = rules.vocab.bits;
  let newSentence = true;
  let newClause = true;
  let relative = false;
  for (let i = first; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (headline) t.flags |= F_HEAD;
    if (capsLine) t.flags |= F_CAPSLINE;
    // Every clause word, comma clause word, abbreviation and sentence or clause break is in the vocabulary.
    const bits = t.kid >= 0 ? wordBits[t.kid]! : 0;
    if (!newSentence && !newClause && t.kind === K_WORD && bits & (W_CLAUSE | W_COMMA_CLAUSE)) {
      const prev = tokens[i - 1]!;
      if (bits & W_CLAUSE || (prev.raw === "," && bits & W_COMMA_CLAUSE)) newClause = true;
    }
    if (newSentence) {
      sentences.push({ first: i, end: i });
      newSentence = false;
      newClause = true;
    }
    if (newClause) {
      clauses.push({ first: i, end: i });
      newClause = false;
      relative = (bits & W_RELATIVE) !== 0;
    }
    t.sent = sentences.length - 1;
    t.clause = clauses.length - 1;
    sentences[t.sent]!.end = i + 1;
    clauses[t.clause]!.end = i + 1;
    if (t.kind !== K_PUNCT) continue;
    // "..., which supplies Tesla, BMW and Volkswagen, will use ...": the comma before a lower-case word
    // other than and/or ends the relative clause; one inside a list of names does not.
    if (relative && t.raw === ",") {
      const next = tokens[i + 1];
      if (next !== undefined && next.kind === K_WORD && !(next.flags & F_CAP) && next.key !== "and" && next.key !== "or") newClause = true;
    }
    if (bits & W_SENTENCE_END) {
      const prev = i > first ? tokens[i - 1]! : undefined;
      const next = tokens[i + 1];
      const abbreviation =
        t.raw === "." &&
        prev !== undefined &&
        prev.kind === K_WORD &&
        ((prev.kid >= 0 && (wordBits[prev.kid]! & W_ABBREVIATION) !== 0) || (prev.raw.length === 1 && (prev.flags & F_CAP) !== 0));
      const continues = next !== undefined && next.start - t.end <= 1 && next.kind === K_WORD && !(next.flags & F_CAP);
      if (!abbreviation && !continues) newSentence = true;
    } else if (bits & W_CLAUSE_BREAK) {
      newClause = true;
    } else if (t.raw === ":" || t.raw === "：") {
      const prev = i > first ? tokens[i - 1]! : undefined;
      if (!prev || !rules.exchanges.has(prev.raw.toUpperCase())) newClause = true;
    }
  }
}
