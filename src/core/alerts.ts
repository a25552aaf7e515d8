// From a classification to alert subjects: one per (ticker, catalyst), plus article-level catalysts no ticker carries.
import type { CatalystSlug } from "./catalysts.ts";
import type { ClassifyResult } from "./types.ts";

export interface AlertSubject {
  ticker?: string;
  companyName?: string;
  catalyst: CatalystSlug;
  confidence: number;
  evidence: string;
}

export interface SubjectOptions {
  /** Tickers merely mentioned (below this relevance) do not alert on their own. */
  minRelevance: number;
  /**
   * The classifier gives article-level catalysts (e.g. macro_policy) no score of their own; they
   * alert with this confidence, or with the best score a ticker got for the same catalyst.
   */
  articleLevelConfidence: number;
}

export const DEFAULT_SUBJECT_OPTIONS: SubjectOptions = { minRelevance: 0.5, articleLevelConfidence: 0.7 };

export function alertSubjects(result: ClassifyResult, options: SubjectOptions = DEFAULT_SUBJECT_OPTIONS): AlertSubject[] {
  const subjects: AlertSubject[] = [];
  const carried = new Set<CatalystSlug>();
  for (const t of result.tickers) {
    for (const hit of t.catalysts) carried.add(hit.type);
    if (t.relevance < options.minRelevance) continue;
    const best = new Map<CatalystSlug, AlertSubject>();
    for (const hit of t.catalysts) {
      const prev = best.get(hit.type);
      if (!prev || hit.confidence > prev.confidence) {
        best.set(hit.type, { ticker: t.symbol, companyName: t.name, catalyst: hit.type, confidence: hit.confidence, evidence: hit.evidence });
      }
    }
    subjects.push(...best.values());
  }
  for (const c of result.catalysts) {
    if (carried.has(c)) continue;
    subjects.push({ catalyst: c, confidence: options.articleLevelConfidence, evidence: "" });
  }
  return subjects;
}
