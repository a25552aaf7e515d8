// Whole articles written for these tests (wire, brokerage-note, market-wrap and press styles), labelled by the
// taxonomy's rules: every labelled ticker and pair is found, nothing outside the labels and optional labels.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import type { ArticleInput } from "../../src/core/types.ts";

interface Labels {
  catalysts: string[];
  tickers: Record<string, string[]>;
}
type Labelled = ArticleInput & { gold: Labels; optional: Labels };

const classify = loadClassifier();
const articles = readFileSync(new URL("../fixtures/classify/articles.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Labelled);

describe("classify: labelled articles", () => {
  it.each(articles.map((a) => [a.id, a] as const))("%s", (_id, article) => {
    const r = classify(article);
    const counted = r.tickers.filter((t) => t.relevance >= 0.5);
    const allowedTickers = new Set([...Object.keys(article.gold.tickers), ...Object.keys(article.optional.tickers)]);
    const symbols = counted.map((t) => t.symbol);
    for (const s of Object.keys(article.gold.tickers)) expect(symbols, `ticker ${s}`).toContain(s);
    for (const s of symbols) expect([...allowedTickers], `unlabelled ticker ${s}`).toContain(s);
    for (const t of counted) {
      const allowed = [...(article.gold.tickers[t.symbol] ?? []), ...(article.optional.tickers[t.symbol] ?? [])];
      for (const c of t.catalysts) expect(allowed, `${t.symbol}/${c.type}: ${c.evidence}`).toContain(c.type);
      for (const want of article.gold.tickers[t.symbol] ?? []) expect(t.catalysts.map((c) => c.type), `${t.symbol}/${want}`).toContain(want);
    }
    for (const c of article.gold.catalysts) expect(r.catalysts, `article catalyst ${c}`).toContain(c);
    for (const c of r.catalysts) expect([...article.gold.catalysts, ...article.optional.catalysts], `unlabelled article catalyst ${c}`).toContain(c);
  });
});
