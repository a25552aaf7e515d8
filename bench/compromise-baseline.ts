// The baseline the classifier is measured against: compromise's organisation extraction mapped onto the universe.
import nlp from "compromise";
import type { ArticleInput, ClassifyResult } from "../src/core/types.ts";
import type { Company } from "../src/core/universe/schema.ts";
import type { Universe } from "../src/core/universe/index.ts";

const SUFFIX = /(?:[\s,]+(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|plc|PLC|PLc|Group|Holdings?|N\.?V|S\.?A|AG|SE|SpA)\.?)+$/;

/** "Alibaba Group Holding Ltd." and "Alibaba's" both become "Alibaba": possessive and corporate suffixes off. */
export function normaliseOrganisation(text: string): string {
  let s = text.trim().replace(/[.,;:!?"“”)(]+$/g, "").replace(/^["“(]+/, "");
  s = s.replace(/['’]s$/, "");
  s = s.replace(SUFFIX, "");
  return s.trim();
}

/**
 * Exact look-up of a normalised organisation: names and distinctive aliases, and an ambiguous alias only
 * when a single company claims it (compromise gives no context to settle anything finer).
 */
export function buildOrganisationIndex(universe: Universe): Map<string, Company> {
  const index = new Map<string, Company>();
  const add = (key: string, company: Company) => {
    const k = normaliseOrganisation(key);
    if (k.length >= 2 && !index.has(k)) index.set(k, company);
  };
  for (const company of universe.companies) {
    for (const alias of company.aliases) add(alias, company);
    add(company.name, company);
  }
  for (const [alias, owners] of universe.byAmbiguousAlias) {
    const only = owners[0];
    if (owners.length === 1 && only) add(alias, only);
  }
  return index;
}

/** A classify-like function: tickers only, in the contract's shape, so the same scorer reads it. */
export function createCompromiseBaseline(universe: Universe): (article: ArticleInput) => ClassifyResult {
  const index = buildOrganisationIndex(universe);
  return (article) => {
    const text = article.title ? `${article.title}\n\n${article.text}` : article.text;
    const found = new Map<string, Company>();
    for (const org of nlp(text).organizations().out("array") as string[]) {
      const company = index.get(normaliseOrganisation(org));
      if (company) found.set(company.symbol, company);
    }
    return {
      id: article.id,
      catalysts: [],
      tickers: [...found.values()].map((c) => ({ symbol: c.symbol, listings: [...c.listings], name: c.name, relevance: 1, catalysts: [] })),
    };
  };
}
