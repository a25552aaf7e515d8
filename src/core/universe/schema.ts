// The ticker universe file format (config/universe/*.json), validated by zod when loaded.
import { z } from "zod";

/** Yahoo-Finance-style symbol: BABA, BRK.B, 0700.HK, 600519.SS, 7203.T, SAP.DE, ^HSTECH. */
export const SymbolSchema = z
  .string()
  .min(1)
  .max(20)
  .regex(/^\^?[A-Z0-9][A-Z0-9.\-&]*$/, "symbols are upper case: letters, digits, '.', '-' or '&' (e.g. BABA, BRK.B, 0700.HK)");

export const CompanySchema = z
  .object({
    /** Canonical symbol: the primary US listing where one exists, else the home listing (taxonomy.md). */
    symbol: SymbolSchema,
    /** Official name, e.g. "Alibaba Group Holding Ltd." */
    name: z.string().min(1),
    /** Every other listing: secondary listings (9988.HK), OTC ADR codes (TCEHY), other share classes. */
    listings: z.array(SymbolSchema).default([]),
    /** Symbols the company traded under before (FB for META). */
    former: z.array(SymbolSchema).default([]),
    /**
     * Names newsrooms use: short names, former names, brand names that stand for the company,
     * common Chinese names. Matched case-sensitively as whole words; possessives ("Alibaba's") match too.
     * Each alias belongs to exactly one company across the whole universe.
     */
    aliases: z.array(z.string().min(2)).default([]),
    /**
     * Aliases that are shared with another company or that are ordinary words ("Apple" is fine, "Target",
     * "Block", "Visa" are not): they only count when the article also gives a cue for this company
     * (its symbol, a distinctive alias, or a corporate suffix such as "Inc." or "shares").
     */
    ambiguous: z.array(z.string().min(2)).default([]),
    /** ISO 3166 alpha-2 country of the headquarters. */
    country: z.string().length(2).optional(),
    /** Index memberships, by caret symbol (^GSPC, ^NDX, ^HSI, ^HSTECH, ^STOXX50E, ^STOXX50). */
    indices: z.array(SymbolSchema).default([]),
  })
  .strict();

export const IndexSchema = z
  .object({
    symbol: SymbolSchema.refine((s) => s.startsWith("^"), "index symbols start with a caret, e.g. ^HSTECH"),
    name: z.string().min(1),
    aliases: z.array(z.string().min(2)).default([]),
  })
  .strict();

export const UniverseFileSchema = z
  .object({
    companies: z.array(CompanySchema).default([]),
    indices: z.array(IndexSchema).default([]),
  })
  .strict();

export type Company = z.infer<typeof CompanySchema>;
export type MarketIndex = z.infer<typeof IndexSchema>;
export type UniverseFile = z.infer<typeof UniverseFileSchema>;
