// Table-driven catalyst cases shared by the classifier's test files: one sentence, the exact pairs it gives.
import { describe, expect, it } from "vitest";
import type { ClassifyResult } from "../../src/core/types.ts";

export interface CatalystCase {
  name: string;
  text: string;
  title?: string;
  /** Exactly these ticker/catalyst pairs ("SYMBOL/slug"). */
  pairs: string[];
  /** The article-level catalysts must include these... */
  article?: string[];
  /** ...and must not include these. */
  notArticle?: string[];
}

/** "SYMBOL/slug" for every catalyst of every ticker the scorer would count (relevance >= 0.5). */
export function pairsOf(result: ClassifyResult): string[] {
  return result.tickers
    .filter((t) => t.relevance >= 0.5)
    .flatMap((t) => t.catalysts.map((c) => `${t.symbol}/${c.type}`))
    .sort();
}

/** One describe per group, one test per case. */
export function describeCases(groups: ReadonlyArray<[string, CatalystCase[]]>, run: (text: string, title?: string) => ClassifyResult): void {
  for (const [group, cases] of groups) {
    describe(group, () => {
      it.each(cases)("$name", ({ text, title, pairs, article, notArticle }) => {
        const result = run(text, title);
        expect(pairsOf(result)).toEqual([...pairs].sort());
        for (const slug of article ?? []) expect(result.catalysts).toContain(slug);
        for (const slug of notArticle ?? []) expect(result.catalysts).not.toContain(slug);
      });
    });
  }
}
