// Splits command arguments into tickers, catalysts and options, collecting every problem with its fix.
import type { CatalystSlug } from "../core/catalysts.ts";
import type { Company } from "../core/universe/schema.ts";
import type { Universe } from "../core/universe/index.ts";
import { catalystFromWord } from "./catalyst-words.ts";
import { resolveTicker } from "./tickers.ts";

export interface ParsedTargets {
  companies: Company[];
  catalysts: CatalystSlug[];
  minConfidence?: number;
  /** The bare word "all" (for /unsubscribe all). */
  all: boolean;
  problems: string[];
  suggestions: string[];
  /** Tokens in order, for commands that take positional arguments. */
  tokens: string[];
}

/** Most words a command takes: a guard against pasting an article into the command box. */
export const MAX_TOKENS = 50;
/** Longest multi-word company name tried as one name ("alibaba group holding"). */
const MAX_NAME_WORDS = 4;

export function tokenize(args: string): string[] {
  const out: string[] = [];
  // Quoted names keep their spaces; chat apps turn straight quotes into curly ones, so accept both.
  for (const m of args.matchAll(/["“”]([^"“”]+)["“”]|[^\s,;]+/g)) {
    const token = (m[1] ?? m[0]).trim();
    if (token) out.push(token);
  }
  return out;
}

function parseMin(token: string): number | string {
  const raw = token.replace(/^(min|min_confidence|confidence)\s*[=:]\s*/i, "");
  const percent = raw.endsWith("%");
  const n = Number(percent ? raw.slice(0, -1) : raw);
  const value = percent ? n / 100 : n;
  if (raw === "" || !Number.isFinite(value) || value < 0 || value > 1) {
    return `\`${token}\` is not a confidence: use a number from 0 to 1 (or a percentage), e.g. \`min=0.7\` or \`min=70%\``;
  }
  return value;
}

export function parseTargets(args: string, universe: Universe): ParsedTargets {
  const tokens = tokenize(args);
  const result: ParsedTargets = { companies: [], catalysts: [], all: false, problems: [], suggestions: [], tokens };
  if (tokens.length > MAX_TOKENS) {
    result.problems.push(`That is ${tokens.length} words; a command takes at most ${MAX_TOKENS}. Split it into several commands.`);
    return result;
  }
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] ?? "";
    if (/^(min|min_confidence|confidence)\s*[=:]/i.test(token)) {
      const min = parseMin(token);
      if (typeof min === "string") result.problems.push(min);
      else result.minConfidence = min;
      i++;
      continue;
    }
    if (token.toLowerCase() === "all") {
      result.all = true;
      i++;
      continue;
    }
    // "$" marks a ticker, so a symbol that is also a keyword or catalyst word ($ALL) can still be named.
    const catalyst = token.startsWith("$") ? undefined : catalystFromWord(token);
    if (catalyst) {
      if (!result.catalysts.includes(catalyst)) result.catalysts.push(catalyst);
      i++;
      continue;
    }
    // Longest run of words that names one company wins, so "tencent music" is not read as Tencent + "music".
    let consumed = 0;
    for (let n = Math.min(MAX_NAME_WORDS, tokens.length - i); n >= 2; n--) {
      const phrase = tokens.slice(i, i + n).join(" ");
      const r = resolveTicker(phrase, universe);
      if (r.kind === "found") {
        if (!result.companies.includes(r.company)) result.companies.push(r.company);
        consumed = n;
        break;
      }
    }
    if (consumed) {
      i += consumed;
      continue;
    }
    const r = resolveTicker(token, universe);
    if (r.kind === "found") {
      if (!result.companies.includes(r.company)) result.companies.push(r.company);
    } else if (r.kind === "ambiguous") {
      const options = r.candidates.map((c) => `${c.symbol} (${c.name})`).join(", ");
      result.problems.push(`\`${token}\` could mean ${options}: use the symbol instead.`);
      for (const c of r.candidates) result.suggestions.push(c.symbol);
    } else if (r.kind === "index") {
      result.problems.push(
        `\`${token}\` is the index ${r.symbol} (${r.name}), not a company: subscribe to its member companies, or to a catalyst such as \`macro_policy\`.`,
      );
    } else {
      const hint = r.suggestions.length ? ` Did you mean ${r.suggestions.map((c) => `${c.symbol} (${c.name})`).join(" or ")}?` : "";
      result.problems.push(
        `\`${token}\` is neither a ticker we follow nor a catalyst.${hint} Use a symbol such as BABA or 9988.HK, a company name, or a catalyst (see \`/help\`).`,
      );
      for (const c of r.suggestions) result.suggestions.push(c.symbol);
    }
    i++;
  }
  result.suggestions = [...new Set(result.suggestions)];
  return result;
}
