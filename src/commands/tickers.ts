// Turns what a user typed ("baba", "$JD", "9988.HK", "HK:700", "alibaba", "FB") into a company of the universe.
import type { Company } from "../core/universe/schema.ts";
import type { Universe } from "../core/universe/index.ts";

export type TickerResolution =
  | { kind: "found"; company: Company; via: "symbol" | "name" }
  | { kind: "ambiguous"; input: string; candidates: Company[] }
  | { kind: "index"; input: string; symbol: string; name: string }
  | { kind: "unknown"; input: string; suggestions: Company[] };

interface NameIndex {
  /** Lower-cased name or alias -> every company it can mean. */
  byName: Map<string, Company[]>;
  /** Lower-cased index names -> caret symbol and name. */
  indices: Map<string, { symbol: string; name: string }>;
}

// The universe is immutable once built, so its lower-case look-ups are built once per universe.
const cache = new WeakMap<Universe, NameIndex>();

function nameIndex(universe: Universe): NameIndex {
  const hit = cache.get(universe);
  if (hit) return hit;
  const byName = new Map<string, Company[]>();
  const add = (name: string, company: Company) => {
    const key = normaliseName(name);
    if (!key) return;
    const list = byName.get(key) ?? [];
    if (!list.includes(company)) list.push(company);
    byName.set(key, list);
  };
  for (const company of universe.companies) {
    add(company.name, company);
    add(stripSuffix(company.name), company);
    for (const a of company.aliases) add(a, company);
    for (const a of company.ambiguous) add(a, company);
  }
  const indices = new Map<string, { symbol: string; name: string }>();
  for (const [n, index] of universe.indexByName) indices.set(normaliseName(n), { symbol: index.symbol, name: index.name });
  const built = { byName, indices };
  cache.set(universe, built);
  return built;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[’']s\b/g, "").replace(/[.,]/g, "").replace(/\s+/g, " ").trim();
}

// "Alibaba Group Holding Ltd." is typed as "alibaba group holding".
function stripSuffix(name: string): string {
  return name.replace(/[,.]?\s+(inc|ltd|limited|corp|corporation|co|plc|ag|se|sa|nv|holdings?|group|company)\.?$/i, "").trim();
}

/** Symbol spellings people paste: $BABA, NYSE:BABA, HK:9988, 700.HK (Hong Kong codes have four digits). */
function normaliseSymbol(input: string): string {
  let s = input.trim().toUpperCase().replace(/^\$/, "");
  const hk = /^(?:HK|HKEX|SEHK)\s*:\s*(\d{1,5})$/.exec(s);
  if (hk?.[1]) s = `${hk[1]}.HK`;
  else s = s.replace(/^(?:NYSE|NASDAQ|AMEX|NYSEARCA|OTC|OTCMKTS)\s*:\s*/, "");
  const code = /^(\d{1,3})\.HK$/.exec(s);
  if (code?.[1]) s = `${code[1].padStart(4, "0")}.HK`;
  return s;
}

export function resolveTicker(input: string, universe: Universe): TickerResolution {
  const symbol = normaliseSymbol(input);
  const bySymbol = universe.bySymbol.get(symbol);
  if (bySymbol) return { kind: "found", company: bySymbol, via: "symbol" };
  const exactAlias = universe.byAlias.get(input.trim());
  if (exactAlias) return { kind: "found", company: exactAlias, via: "name" };
  const { byName, indices } = nameIndex(universe);
  const name = normaliseName(input);
  const index = indices.get(name) ?? indices.get(normaliseName(symbol));
  if (index) return { kind: "index", input, ...index };
  const named = byName.get(name) ?? [];
  const [only] = named;
  if (named.length === 1 && only) return { kind: "found", company: only, via: "name" };
  if (named.length > 1) return { kind: "ambiguous", input, candidates: named };
  return { kind: "unknown", input, suggestions: nearMisses(input, universe, 3) };
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit ("tencnet"), bounded:
 * returns max+1 as soon as the distance must exceed max.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (before[j - 2] ?? 0) + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** Companies whose symbol or name is a typo away from the input, closest first. */
export function nearMisses(input: string, universe: Universe, limit: number): Company[] {
  const sym = normaliseSymbol(input);
  const name = normaliseName(input);
  // Short symbols tolerate one typo; names one per four letters, so "alibab" and "tencnet" still match.
  const symMax = sym.length <= 5 ? 1 : 2;
  const nameMax = Math.max(1, Math.floor(name.length / 4));
  const scored = new Map<Company, number>();
  const offer = (company: Company, score: number) => {
    const prev = scored.get(company);
    if (prev === undefined || score < prev) scored.set(company, score);
  };
  for (const [key, company] of universe.bySymbol) {
    const d = editDistance(sym, key, symMax);
    if (d <= symMax) offer(company, d);
  }
  if (name.length >= 3) {
    for (const [key, companies] of nameIndex(universe).byName) {
      // A name that starts with what was typed is nearly as good as an exact match ("tencent mus").
      const d = key.startsWith(name) ? 0.5 : editDistance(name, key, nameMax);
      if (d <= nameMax) for (const c of companies) offer(c, d);
    }
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].symbol.localeCompare(b[0].symbol))
    .slice(0, limit)
    .map(([c]) => c);
}

/** For autocomplete: symbols that start with the prefix first, then names that start with it. */
export function suggestTickers(prefix: string, universe: Universe, limit = 25): Array<{ symbol: string; name: string }> {
  const p = prefix.trim();
  if (!p) return universe.companies.slice(0, limit).map((c) => ({ symbol: c.symbol, name: c.name }));
  const sym = normaliseSymbol(p);
  const name = normaliseName(p);
  const out: Company[] = [];
  const push = (c: Company) => {
    if (out.length < limit && !out.includes(c)) out.push(c);
  };
  const exact = universe.bySymbol.get(sym);
  if (exact) push(exact);
  for (const c of universe.companies) if (c.symbol.startsWith(sym)) push(c);
  for (const [key, c] of universe.bySymbol) if (key.startsWith(sym)) push(c);
  for (const [key, cs] of nameIndex(universe).byName) if (key.startsWith(name) || key.includes(` ${name}`)) cs.forEach(push);
  if (out.length === 0) nearMisses(p, universe, limit).forEach(push);
  return out.map((c) => ({ symbol: c.symbol, name: c.name }));
}
