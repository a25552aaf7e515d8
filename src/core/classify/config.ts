// The classifier's editable rules (config/catalyst-cues.json, config/entities.json, config/classify-text.json), validated by zod.
import { z } from "zod";
import { CATALYST_SLUGS } from "../catalysts.ts";

/**
 * A phrase pattern, matched against lower-cased tokens (dots removed, so "U.S.-China" is "us-china"):
 * - words separated by spaces; "a|b" means either word;
 * - every word also matches its regular inflections (buyback -> buybacks, acquire -> acquired, acquiring);
 *   a leading "=" turns that off ("=results" does not match "result");
 * - ".." skips up to 2 tokens, "..N" up to N tokens (never across a clause);
 * - "<money>" matches an amount ($3.2, US$5, 9 billion);
 * - "!a|b" (last element only) requires that none of the next 4 tokens is a or b.
 * Where several cues could start at a word, the longest match wins, then the one naming more words; a
 * word a cue matched (not one it skipped in a gap) cannot be part of another cue.
 */
const Pattern = z.string().min(1);
const Confidence = z.number().min(0).max(1);

export const SlugRulesSchema = z
  .object({
    /**
     * What a cue of this slug that concerns no ticker means for the article: "article" counts it as an
     * article-level catalyst (sector and market news), "drop" ignores it (a company event with no company).
     */
    unattached: z.enum(["article", "drop"]),
    /** Pattern -> confidence that a match reports this catalyst. */
    cues: z.record(Pattern, Confidence),
    /** Cues that report sector news even when they concern no ticker ("AI model", "earnings season"). */
    articleCues: z.record(Pattern, Confidence).default({}),
  })
  .strict();

/** A note for whoever edits the file (JSON has no comments). */
const Comment = z.string().optional();

export const CueConfigSchema = z
  .object({
    $comment: Comment,
    slugs: z.record(z.enum(CATALYST_SLUGS), SlugRulesSchema),
    /** Phrases that look like cues but are not ("forward earnings", "at stake"): they consume their words. */
    not: z.array(Pattern).default([]),
    /** Words before a cue (same clause, within negationWindow tokens) that negate it. */
    negation: z.array(Pattern),
    /** Phrases that neutralise the markers inside them: "not only" is no negation, "from last year" no background. */
    notMarkers: z.array(Pattern).default([]),
    negationWindow: z.number().int().min(1).max(20).default(6),
    /** Anywhere in the sentence: the company denies the report ("denied a media report that it would sell"). */
    denial: z.array(Pattern).default([]),
    /** Earlier in the same clause: the cue is about unnamed or hypothetical firms ("other tech firms", "if"). */
    speculation: z.array(Pattern),
    /** Anywhere in the clause: the cue is old background ("a year ago", "at the time"); old years are found too. */
    background: z.array(Pattern),
    /** Anywhere in the sentence: the whole sentence looks back ("as reported at the time", "a year ago"). */
    backgroundSentence: z.array(Pattern).default([]),
    /** Before a cue in its clause: what follows is old background ("after years of crackdowns"). */
    backgroundFollowing: z.array(Pattern).default([]),
    /** From the phrase to the next comma: a concession, not the news ("despite US restrictions on chips"). */
    concessive: z.array(Pattern),
    /** In the clause: the report is hedged; confidence is lowered, the catalyst kept. */
    hedge: z.array(Pattern),
    /** Words that stand for the company named just before ("its", "the company"). */
    pronouns: z.array(Pattern),
    /** Price-move words: a company's own move raises its relevance but is never a catalyst. */
    priceMove: z.array(Pattern),
    /** Month after which a bare year counts as more than about a year old (months between the two). */
    backgroundMonths: z.number().int().min(1).max(60).default(12),
  })
  .strict();

export const EntityConfigSchema = z
  .object({
    $comment: Comment,
    /** Names that are not listed companies; they win over a company alias of the same or shorter length. */
    notCompanies: z
      .object({
        private: z.array(z.string().min(2)),
        people: z.array(z.string().min(2)),
        /** Markets, exchanges, indices, agencies, media: "Nasdaq 100", "Dow Jones", "Securities Times". */
        other: z.array(z.string().min(2)),
      })
      .strict(),
    /**
     * Listed companies that are usually quoted rather than reported on (banks, brokers, rating and news
     * agencies): they are tickers only with news of their own (a catalyst or their own price move).
     */
    sources: z.array(z.string().min(1)),
    /** Upper-case words that are never tickers without a ticker cue ($, exchange prefix, parenthesised quote). */
    bareSymbolStopwords: z.array(z.string().min(1)),
    /** Exchange prefix (upper case) -> Yahoo Finance suffix ("" for US exchanges). */
    exchanges: z.record(z.string().min(1), z.string()),
    /** Words next to an ambiguous alias that show it names the company ("Target Corp.", "Block shares"). */
    corporateNext: z.array(z.string().min(1)),
    corporatePrev: z.array(Pattern),
    /** Words around a mention that make it a quoted source ("analysts at X", "X's strategist wrote"). */
    sourceBefore: z.array(Pattern),
    sourceAfter: z.array(Pattern),
    /** Only for the companies in `sources`: verbs and nouns that make a mention a quote ("X said", "in a note"). */
    sourceListAfter: z.array(Pattern),
    /** Job titles: "<title> <Name> at X" makes X a source. */
    roleWords: z.array(z.string().min(1)),
  })
  .strict();

export const TextConfigSchema = z
  .object({
    $comment: Comment,
    /** Regular expressions (case-insensitive) for whole lines that are page chrome, never content. */
    chromeLines: z.array(z.string().min(1)),
    /** Lines after which the rest of the page is chrome ("Related topics:", "You may also like"). */
    tailMarkers: z.array(z.string().min(1)),
    /** Lines after which other stories' headlines follow, up to the next paragraph ("Most Read from Bloomberg"). */
    blockMarkers: z.array(z.string().min(1)).default([]),
    /** Words followed by a period that does not end a sentence (lower case, without the period). */
    abbreviations: z.array(z.string().min(1)),
    /** Words that always start a new clause ("while", "but"). */
    clauseWords: z.array(z.string().min(1)),
    /** Words that start a new clause after a comma (", which", ", as", ", following"). */
    commaClauseWords: z.array(z.string().min(1)),
  })
  .strict();

export const ClassifierConfigSchema = z
  .object({
    cues: CueConfigSchema,
    entities: EntityConfigSchema,
    text: TextConfigSchema,
  })
  .strict();

export type SlugRules = z.infer<typeof SlugRulesSchema>;
export type CueConfig = z.infer<typeof CueConfigSchema>;
export type EntityConfig = z.infer<typeof EntityConfigSchema>;
export type TextConfig = z.infer<typeof TextConfigSchema>;
export type ClassifierConfig = z.infer<typeof ClassifierConfigSchema>;
