// What users may type for a catalyst: the slug itself, its label, or a common synonym ("buybacks", "m&a", "results").
import { CATALYST_LABELS, CATALYST_SLUGS, type CatalystSlug } from "../core/catalysts.ts";

// Synonyms are words people use for the whole category, not cues the classifier looks for: "rates" would
// be too loose ("rates" is also a verb), so only unambiguous nouns are here.
const SYNONYMS: Readonly<Record<string, CatalystSlug>> = {
  buybacks: "buyback",
  repurchase: "buyback",
  repurchases: "buyback",
  earning: "earnings",
  results: "earnings",
  outlook: "guidance",
  forecast: "guidance",
  dividends: "dividend",
  payout: "dividend",
  "m&a": "m_and_a",
  mna: "m_and_a",
  merger: "m_and_a",
  mergers: "m_and_a",
  acquisition: "m_and_a",
  acquisitions: "m_and_a",
  takeover: "m_and_a",
  offering: "capital_raise",
  fundraising: "capital_raise",
  ipo: "listing",
  listings: "listing",
  delisting: "listing",
  regulatory: "regulation",
  regulations: "regulation",
  macro: "macro_policy",
  geopolitical: "geopolitics",
  tariffs: "geopolitics",
  sanctions: "geopolitics",
  products: "product",
  "capital-expenditure": "capex",
  analysts: "analyst",
  ratings: "analyst",
  executives: "management",
  lawsuit: "legal",
  lawsuits: "legal",
  litigation: "legal",
};

const BY_WORD = new Map<string, CatalystSlug>();
for (const slug of CATALYST_SLUGS) {
  BY_WORD.set(slug, slug);
  BY_WORD.set(slug.replaceAll("_", "-"), slug);
  BY_WORD.set(slug.replaceAll("_", ""), slug);
  BY_WORD.set(CATALYST_LABELS[slug].toLowerCase().replaceAll(" ", "-"), slug);
}
for (const [word, slug] of Object.entries(SYNONYMS)) BY_WORD.set(word, slug);

/** The catalyst a word names, or undefined. Case-insensitive; "m-and-a", "M&A" and "capital_raise" all work. */
export function catalystFromWord(word: string): CatalystSlug | undefined {
  return BY_WORD.get(word.trim().toLowerCase());
}

/** Every accepted word per catalyst, for /help and the docs. */
export function catalystSynonyms(): Map<CatalystSlug, string[]> {
  const out = new Map<CatalystSlug, string[]>(CATALYST_SLUGS.map((s) => [s, []]));
  for (const [word, slug] of Object.entries(SYNONYMS)) out.get(slug)?.push(word);
  return out;
}

export function catalystLabel(slug: CatalystSlug): string {
  return CATALYST_LABELS[slug];
}
