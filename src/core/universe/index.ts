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

  for (const { name: file, data } of files) {
    for (const company of data.companies) {
      const where = `${file}: ${company.symbol}`;
      for (const sym of [company.symbol, ...company.listings, ...company.former]) {
        const key = sym.toUpperCase();
        const owner = symbolOwner.get(key);
        if (owner && owner !== where) {
          problems.push(`symbol ${sym} is claimed by both ${owner} and ${where}`);
          continue;
        }
        symbolOwner.set(key, where);
        bySymbol.set(key, company);
      }
      companies.push(company);
    }
    for (const index of data.indices) {
      for (const n of [index.symbol, index.name, ...index.aliases]) indexByName.set(n, index);
      indices.push(index);
    }
  }

  // Aliases: distinctive ones must be unique; ambiguous ones may be shared but not also distinctive elsewhere.
  for (const company of companies) {
    for (const alias of company.aliases) {
      const owner = aliasOwner.get(alias);
      if (owner && owner !== company.symbol) {
        problems.push(
          `alias "${alias}" is claimed by both ${owner} and ${company.symbol}: mark it ambiguous in both (field "ambiguous") or keep it for one`,
        );
        continue;
      }
      aliasOwner.set(alias, company.symbol);
      byAlias.set(alias, company);
    }
  }
  for (const company of companies) {
    for (const alias of company.ambiguous) {
      const distinct = aliasOwner.get(alias);
      if (distinct && distinct !== company.symbol) {
        problems.push(`alias "${alias}" is ambiguous for ${company.symbol} but distinctive for ${distinct}: mark it ambiguous in both`);
      }
      const list = byAmbiguousAlias.get(alias) ?? [];
      if (!list.includes(company)) list.push(company);
      byAmbiguousAlias.set(alias, list);
    }
  }

  if (problems.length) throw new UniverseError(problems);
  return { companies, indices, bySymbol, byAlias, byAmbiguousAlias, indexByName };
}
