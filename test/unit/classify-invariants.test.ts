// Properties every classifier answer keeps, on odd and generated input: it never throws and stays within the contract.
import { describe, expect, it } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import { isCatalystSlug } from "../../src/core/catalysts.ts";
import type { ClassifyResult } from "../../src/core/types.ts";

const classify = loadClassifier();

function checkContract(r: ClassifyResult): void {
  expect(new Set(r.catalysts).size).toBe(r.catalysts.length);
  for (const c of r.catalysts) expect(isCatalystSlug(c)).toBe(true);
  const symbols = new Set<string>();
  for (const t of r.tickers) {
    expect(symbols.has(t.symbol)).toBe(false);
    symbols.add(t.symbol);
    expect(t.relevance).toBeGreaterThanOrEqual(0);
    expect(t.relevance).toBeLessThanOrEqual(1);
    expect(Array.isArray(t.listings)).toBe(true);
    expect(t.name.length).toBeGreaterThan(0);
    for (const c of t.catalysts) {
      expect(isCatalystSlug(c.type)).toBe(true);
      expect(c.type).not.toBe("macro_policy");
      expect(c.confidence).toBeGreaterThan(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
      expect(c.evidence.trim().length).toBeGreaterThan(0);
      // Every catalyst of a counted ticker is also an article-level catalyst.
      if (t.relevance >= 0.5) expect(r.catalysts).toContain(c.type);
    }
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  "Alibaba", "Tencent Music", "(BABA 1.2%)", "$NVDA", "NYSE:", "HK:9988", "9988.HK", "buyback", "not", "a year ago", "in 2019",
  "announced", "shares rose 5%", ",", ".", "?", "\n", "Related topics:", "©", "which", "its", "the company", "upgraded", "to buy",
  "Goldman Sachs", "analysts at", "DeepSeek", "Xi Jinping", "central bank", "tariffs", "—", "--", "(", ")", "’s", "'", "U.S.", "阿里巴巴",
  "ALL", "AI", "IT", "Target", "shares", "of", "and", "while", "despite", "if", "other firms", "may", "$3.2 billion", "convertible notes",
];

describe("classify: invariants", () => {
  it.each([
    ["empty text", { id: "1", text: "" }],
    ["whitespace only", { id: "2", text: " \n\t \n " }],
    ["title only", { id: "3", title: "Alibaba announces $25 billion buyback", text: "" }],
    ["punctuation only", { id: "4", text: "(((,,,...---)))$$$%%% ’’ “” ……" }],
    ["a broken date", { id: "5", text: "Meituan is set to report on Friday.", published: "not a date" }],
    ["unbalanced parentheses and prefixes", { id: "6", text: "(NYSE: (HK: 9988 (BABA NASDAQ: $" }],
    ["a long repeated article", { id: "7", text: "Alibaba (NYSE:BABA) announced a buyback. ".repeat(3000) }],
    ["control characters", { id: "8", text: "Tencent\u0000 said\u0007 its\u001b results rose\r\n" }],
    ["emoji and other scripts", { id: "9", text: "🚀 Xiaomi 小米 рост 急騰 한국 shares rose 🚀" }],
  ])("%s", (_name, article) => {
    const r = classify(article);
    expect(r.id).toBe(article.id);
    checkContract(r);
  });

  it("keeps the contract on 300 generated articles", () => {
    const next = generator(20251122);
    for (let n = 0; n < 300; n++) {
      const parts: string[] = [];
      const len = 5 + Math.floor(next() * 80);
      for (let k = 0; k < len; k++) parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
      const text = parts.join(next() < 0.5 ? " " : "");
      const r = classify({ id: `g${n}`, text, published: "2025-06-01T00:00:00Z" });
      checkContract(r);
    }
  });

  it("gives the same answer twice (no state leaks between articles)", () => {
    const a = { id: "x", text: "Tencent Music has not announced a buyback, while JD.com announced one.", published: "2025-06-01T00:00:00Z" };
    const first = classify(a);
    classify({ id: "y", text: "Alibaba ".repeat(500) });
    expect(classify(a)).toEqual(first);
  });
});
