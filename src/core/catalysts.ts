// The catalyst slugs of ../shared/spec/taxonomy.md: stable identifiers, never renamed.
import { z } from "zod";

export const CATALYST_SLUGS = [
  "buyback",
  "earnings",
  "guidance",
  "dividend",
  "m_and_a",
  "capital_raise",
  "listing",
  "regulation",
  "macro_policy",
  "geopolitics",
  "product",
  "capex",
  "analyst",
  "management",
  "legal",
] as const;

export type CatalystSlug = (typeof CATALYST_SLUGS)[number];
export const CatalystSlugSchema = z.enum(CATALYST_SLUGS);

export function isCatalystSlug(value: string): value is CatalystSlug {
  return (CATALYST_SLUGS as readonly string[]).includes(value);
}

/** Catalysts that concern a whole market or sector: article-level, never attached to one ticker. */
export const MARKET_LEVEL_CATALYSTS: ReadonlySet<CatalystSlug> = new Set(["macro_policy"]);

/** How a catalyst is named to people (alerts, command replies). */
export const CATALYST_LABELS: Readonly<Record<CatalystSlug, string>> = {
  buyback: "Buyback",
  earnings: "Earnings",
  guidance: "Guidance",
  dividend: "Dividend",
  m_and_a: "M&A",
  capital_raise: "Capital raise",
  listing: "Listing",
  regulation: "Regulation",
  macro_policy: "Macro policy",
  geopolitics: "Geopolitics",
  product: "Product",
  capex: "Capex",
  analyst: "Analyst",
  management: "Management",
  legal: "Legal",
};
