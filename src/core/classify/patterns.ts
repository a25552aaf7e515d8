// Phrase patterns of the classifier's config, compiled once into a map keyed by their first word.
import { K_MONEY, K_NUM, K_PUNCT, tokenizePlain, type Token } from "./tokens.ts";

const E_WORDS = 0;
const E_GAP = 1;
const E_MONEY = 2;
const E_NOT_NEXT = 3;

type Element = { kind: typeof E_WORDS | typeof E_NOT_NEXT; forms: ReadonlySet<string> } | { kind: typeof E_GAP; max: number } | { kind: typeof E_MONEY };

export interface Compiled<T> {
  source: string;
  elements: Element[];
  /** Words the pattern names (gaps left out): between two matches of the same length, the more specific wins. */
  specificity: number;
  payload: T;
}

/** How many tokens a "!a|b" element looks ahead: "launches Rs 15,000 crore share sale" is no product launch. */
const NOT_NEXT_WINDOW = 4;

export const AMOUNT_WORDS: ReadonlySet<string> = new Set(["billion", "million", "trillion", "bn", "mln", "m", "b", "yuan", "dollars", "euros", "hk", "usd"]);

/** Regular inflections of a word, for patterns: buyback -> buybacks; acquire -> acquired, acquiring; cut -> cutting. */
export function inflections(word: string): string[] {
  const forms = [word, `${word}s`, `${word}es`, `${word}ed`, `${word}ing`];
  if (word.endsWith("e")) forms.push(`${word}d`, `${word.slice(0, -1)}ing`);
  if (/[^aeiou]y$/.test(word)) forms.push(`${word.slice(0, -1)}ies`, `${word.slice(0, -1)}ied`);
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(word) && word.length <= 6) {
    const last = word[word.length - 1];
    forms.push(`${word}${last}ed`, `${word}${last}ing`);
  }
  return forms;
}

/** The key a token would have for this written word ("U.S." -> "us", "People's" -> "people"). */
function keysOf(word: string): string[] {
  return tokenizePlain(word)
    .filter((t) => t.kind !== K_PUNCT || word.length === 1)
    .map((t) => t.key);
}

function compileWords(spec: string): Set<string> {
  const forms = new Set<string>();
  for (const alt of spec.split("|")) {
    if (!alt) continue;
    const exact = alt.startsWith("=");
    const word = exact ? alt.slice(1) : alt;
    const keys = keysOf(word);
    const key = keys.length === 1 ? keys[0]! : word.toLowerCase();
    if (exact || !/^[a-z][a-z-]*[a-z]$/.test(key) || key.length < 3) forms.add(key);
    else for (const f of inflections(key)) forms.add(f);
  }
  return forms;
}

/** Compiles one pattern (syntax: see CueConfigSchema in config.ts); throws with the pattern on a mistake. */
export function compilePattern<T>(source: string, payload: T): Compiled<T> {
  const elements: Element[] = [];
  const parts = source.trim().split(/\s+/);
  parts.forEach((part, index) => {
    if (part === "..") elements.push({ kind: E_GAP, max: 2 });
    else if (/^\.\.\d+$/.test(part)) elements.push({ kind: E_GAP, max: Number(part.slice(2)) });
    else if (part === "<money>") elements.push({ kind: E_MONEY });
    else if (part.startsWith("!")) {
      if (index !== parts.length - 1) throw new Error(`pattern "${source}": a "!" element must come last`);
      elements.push({ kind: E_NOT_NEXT, forms: compileWords(part.slice(1)) });
    } else {
      // A written word may tokenize into several ("s&p" is one, "people's" one, "u.s.-china" one).
      const words = part.split("|");
      const multi = words.length === 1 && !part.startsWith("=") ? keysOf(part) : [];
      if (multi.length > 1) for (const k of multi) elements.push({ kind: E_WORDS, forms: new Set([k]) });
      else elements.push({ kind: E_WORDS, forms: compileWords(part) });
    }
  });
  const first = elements[0];
  if (!first || first.kind !== E_WORDS) throw new Error(`pattern "${source}" must start with a word`);
  const last = elements[elements.length - 1]!;
  if (last.kind === E_GAP && elements.length > 1 && elements[elements.length - 2]!.kind !== E_WORDS) throw new Error(`pattern "${source}" ends badly`);
  const specificity = elements.filter((e) => e.kind === E_WORDS || e.kind === E_MONEY).length;
  return { source, elements, specificity, payload };
}

/** Patterns keyed by every form of their first word. */
export class PhraseIndex<T> {
  private readonly byFirst = new Map<string, Compiled<T>[]>();
  /** Every word form the patterns name: a token whose key is none of them matches no word element. */
  readonly words = new Set<string>();

  add(source: string, payload: T): void {
    const compiled = compilePattern(source, payload);
    for (const e of compiled.elements) if (e.kind === E_WORDS || e.kind === E_NOT_NEXT) for (const f of e.forms) this.words.add(f);
    const first = compiled.elements[0] as { forms: ReadonlySet<string> };
    for (const form of first.forms) {
      const list = this.byFirst.get(form);
      if (list) list.push(compiled);
      else this.byFirst.set(form, [compiled]);
    }
  }

  candidates(key: string): readonly Compiled<T>[] | undefined {
    return this.byFirst.get(key);
  }

  /** First-word form -> patterns. */
  entries(): IterableIterator<[string, Compiled<T>[]]> {
    return this.byFirst.entries();
  }

  /** The longest pattern matching at tokens[at] that ends by `limit`: [pattern, end] or undefined. */
  longest(tokens: readonly Token[], at: number, limit: number): { pattern: Compiled<T>; end: number } | undefined {
    const list = this.byFirst.get(tokens[at]!.key);
    return list ? longestOf(list, tokens, at, limit) : undefined;
  }
}

/** The longest of these patterns (all starting with tokens[at]'s word) that matches, or undefined. */
export function longestOf<T>(list: readonly Compiled<T>[], tokens: readonly Token[], at: number, limit: number): { pattern: Compiled<T>; end: number } | undefined {
  let best: Compiled<T> | undefined;
  let bestEnd = -1;
  for (const p of list) {
    const end = matchFrom(tokens, at + 1, limit, p.elements, 1);
    if (end > bestEnd || (end === bestEnd && end >= 0 && best !== undefined && p.specificity > best.specificity)) {
      best = p;
      bestEnd = end;
    }
  }
  return best ? { pattern: best, end: bestEnd } : undefined;
}

function isAmount(tokens: readonly Token[], at: number, limit: number): number {
  const t = tokens[at]!;
  if (t.kind === K_MONEY) return at + 1;
  if (t.kind === K_NUM && at + 1 < limit && tokens[at + 1]!.kid >= 0 && AMOUNT_WORDS.has(tokens[at + 1]!.key)) return at + 2;
  return -1;
}

/**
 * The tokens a match of this pattern at tokens[at] consumes, gaps left out: "warned that US tariffs
 * would weigh" consumes "warned", "that" and "weigh", so "tariffs" can still start a cue of its own.
 */
export function consumedBy<T>(pattern: Compiled<T>, tokens: readonly Token[], at: number, limit: number, out: number[]): void {
  out.length = 0;
  out.push(at);
  consume(tokens, at + 1, limit, pattern.elements, 1, out);
}

function consume(tokens: readonly Token[], at: number, limit: number, elements: readonly Element[], k: number, out: number[]): boolean {
  if (k === elements.length) return true;
  const e = elements[k]!;
  if (e.kind === E_GAP) {
    for (let skip = 0; skip <= e.max && at + skip <= limit; skip++) {
      if (matchFrom(tokens, at + skip, limit, elements, k + 1) >= 0) return consume(tokens, at + skip, limit, elements, k + 1, out);
    }
    return false;
  }
  if (e.kind === E_NOT_NEXT) return consume(tokens, at, limit, elements, k + 1, out);
  const end = e.kind === E_MONEY ? isAmount(tokens, at, limit) : at + 1;
  for (let j = at; j < end; j++) out.push(j);
  return consume(tokens, end, limit, elements, k + 1, out);
}

/** Matches elements[k..] from tokens[at]; returns the end (exclusive) or -1. */
export function matchFrom(tokens: readonly Token[], at: number, limit: number, elements: readonly Element[], k: number): number {
  if (k === elements.length) return at;
  const e = elements[k]!;
  switch (e.kind) {
    case E_GAP: {
      for (let skip = 0; skip <= e.max && at + skip <= limit; skip++) {
        const r = matchFrom(tokens, at + skip, limit, elements, k + 1);
        if (r >= 0) return r;
      }
      return -1;
    }
    case E_NOT_NEXT: {
      for (let j = at; j < at + NOT_NEXT_WINDOW && j < limit; j++) if (tokens[j]!.kid >= 0 && e.forms.has(tokens[j]!.key)) return -1;
      return matchFrom(tokens, at, limit, elements, k + 1);
    }
    case E_MONEY: {
      if (at >= limit) return -1;
      const end = isAmount(tokens, at, limit);
      return end < 0 ? -1 : matchFrom(tokens, end, limit, elements, k + 1);
    }
    default:
      // Tokens outside the vocabulary (which holds every form) skip the hashing of their key.
      if (at >= limit || tokens[at]!.kid < 0 || !e.forms.has(tokens[at]!.key)) return -1;
      return matchFrom(tokens, at + 1, limit, elements, k + 1);
  }
}
