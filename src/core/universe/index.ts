// Builds the look-up tables of the ticker universe and reports every conflict between its files.
import type { Company, MarketIndex, UniverseFile } from "./schema.ts";

export interface Universe {
  companies: readonly Company[];
  indices: readonly MarketIndex[];
  /** Canonical symbol, other listing or former symbol (upper case) -> company. */
  bySymbol: ReadonlyMap<string, Company>;
  /** Distinctive alias (exact case) -> company. */
  byAlias: ReadonlyMap<string, Company>;
  /** Ambiguous alias (exact case) -> every company that claims it; context decides. */
  byAmbiguousAlias: ReadonlyMap<string, readonly Company[]>;
  /** Index caret symbol or name -> index. */
  indexByName: ReadonlyMap<string, MarketIndex>;
}

export class UniverseError extends Error {
  override name = "UniverseError";
  constructor(public readonly problems: string[]) {
    super(`The ticker universe has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Merges universe files (later files may not redefine a company: each symbol is defined once). */
export function buildUniverse(files: ReadonlyArray<{ name: string; data: UniverseFile }>): Universe {
  const problems: string[] = [];
  const companies: Company[] = [];
  const indices: MarketIndex[] = [];
  const bySymbol = new Map<string, Company>();
  const symbolOwner = new Map<string, string>();
  const byAlias = new Map<string, Company>();
  const aliasOwner = new Map<string, string>();
  const byAmbiguousAlias = new Map<string, Company[]>();
  const indexByName = new Map<string, MarketIndex>();

  // "file: SYMBOL" of each company, so every problem says where to look.
  const whereOf = new Map<Company, string>();
  const indexOwner = new Map<string, string>();

  for (const { name: file, data } of files) {
    for (const company of data.companies) {
      const where = `${file}: ${company.symbol}`;
      whereOf.set(company, where);
      for (const sym of [company.symbol, ...company.listings, ...company.former]) {
        const key = sym.toUpperCase();
        const owner = symbolOwner.get(key);
        if (owner && owner !== where) {
          problems.push(`symbol ${sym} is claimed by both ${owner} and ${where}: a symbol belongs to one company (move it to that company's "listings" or "former")`);
          continue;
        }
        symbolOwner.set(key, where);
        bySymbol.set(key, company);
      }
      companies.push(company);
    }
    for (const index of data.indices) {
      const where = `${file}: ${index.symbol}`;
      for (const n of [index.symbol, index.name, ...index.aliases]) {
        const owner = indexOwner.get(n);
        if (owner && owner !== where) {
          problems.push(`index name "${n}" is claimed by both ${owner} and ${where}: keep it for one index`);
          continue;
        }
        indexOwner.set(n, where);
        indexByName.set(n, index);
      }
      indices.push(index);
    }
  }

  // Aliases: distinctive ones must be unique; ambiguous ones may be shared but not also distinctive elsewhere.
  for (const company of companies) {
    const where = whereOf.get(company) ?? company.symbol;
    for (const alias of company.aliases) {
      const owner = aliasOwner.get(alias);
      if (owner && owner !== where) {
        problems.push(
          `alias "${alias}" is claimed by both ${owner} and ${where}: move it from "aliases" to "ambiguous" in both companies, or keep it for one`,
        );
        continue;
      }
      const index = indexOwner.get(alias);
      if (index) {
        problems.push(`alias "${alias}" of ${where} is also the name of index ${index}: remove it from the company`);
        continue;
      }
      aliasOwner.set(alias, where);
      byAlias.set(alias, company);
    }
  }
  for (const company of companies) {
    const where = whereOf.get(company) ?? company.symbol;
    for (const alias of company.ambiguous) {
      const distinct = aliasOwner.get(alias);
      if (distinct === where) {
        problems.push(`alias "${alias}" of ${where} is in both "aliases" and "ambiguous": keep it in one`);
      } else if (distinct) {
        problems.push(
          `alias "${alias}" is ambiguous for ${where} but distinctive for ${distinct}: move it to "ambiguous" there too (every company that uses a shared alias marks it ambiguous)`,
        );
      }
      const list = byAmbiguousAlias.get(alias) ?? [];
      if (!list.includes(company)) list.push(company);
      byAmbiguousAlias.set(alias, list);
    }
  }

  if (problems.length) throw new UniverseError(problems);
  return { companies, indices, bySymbol, byAlias, byAmbiguousAlias, indexByName };
}

/** Index memberships that name an index no universe file defines (a typo such as "^HSTEC"), one line per index. */
export function undefinedIndexReferences(universe: Universe): string[] {
  const known = new Set(universe.indices.map((i) => i.symbol));
  const unknown = new Map<string, string[]>();
  for (const company of universe.companies) {
    for (const idx of company.indices) if (!known.has(idx)) unknown.set(idx, [...(unknown.get(idx) ?? []), company.symbol]);
  }
  return [...unknown].map(([idx, members]) => {
    const shown = members.length > 5 ? `${members.slice(0, 5).join(", ")} and ${members.length - 5} more` : members.join(", ");
    return `index ${idx} is named in "indices" of ${shown}, but no universe file defines it: add it to the "indices" of a file or fix the symbol`;
  });
}

/** Members of each index, by caret symbol, in universe order. */
export function indexMembers(universe: Universe): Map<string, Company[]> {
  const members = new Map<string, Company[]>(universe.indices.map((i) => [i.symbol, []]));
  for (const company of universe.companies) {
    for (const idx of company.indices) {
      const list = members.get(idx) ?? [];
      list.push(company);
      members.set(idx, list);
    }
  }
  return members;
}
