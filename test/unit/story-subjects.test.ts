// From a classification to alert subjects: which (ticker, catalyst) pairs and market-level catalysts can alert.
import { describe, expect, it } from "vitest";
import { alertSubjects } from "../../src/core/alerts.ts";
import type { ClassifyResult, TickerResult } from "../../src/core/types.ts";

const ticker = (symbol: string, relevance: number, hits: Array<[TickerResult["catalysts"][number]["type"], number]>): TickerResult => ({
  symbol,
  listings: [],
  name: `${symbol} Inc.`,
  relevance,
  catalysts: hits.map(([type, confidence]) => ({ type, confidence, evidence: `${symbol} ${type} ${confidence}` })),
});
const options = { minRelevance: 0.5, articleLevelConfidence: 0.7 };

describe("alertSubjects", () => {
  const cases: Array<{ name: string; result: Omit<ClassifyResult, "id">; want: string[] }> = [
    { name: "one ticker, one catalyst", result: { catalysts: ["buyback"], tickers: [ticker("AAPL", 0.9, [["buyback", 0.9]])] }, want: ["AAPL/buyback/0.9"] },
    {
      name: "two hits of one catalyst keep the stronger",
      result: { catalysts: ["earnings"], tickers: [ticker("MSFT", 0.9, [["earnings", 0.6], ["earnings", 0.8]])] },
      want: ["MSFT/earnings/0.8"],
    },
    {
      name: "a merely mentioned ticker does not alert",
      result: { catalysts: ["buyback"], tickers: [ticker("AAPL", 0.9, [["buyback", 0.9]]), ticker("MSFT", 0.2, [["buyback", 0.7]])] },
      want: ["AAPL/buyback/0.9"],
    },
    {
      name: "a market-level catalyst no ticker carries alerts without a ticker",
      result: { catalysts: ["macro_policy", "earnings"], tickers: [ticker("JPM", 0.9, [["earnings", 0.85]])] },
      want: ["JPM/earnings/0.85", "-/macro_policy/0.7"],
    },
    { name: "nothing found, nothing to alert", result: { catalysts: [], tickers: [ticker("AAPL", 0.9, [])] }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = alertSubjects({ id: "x", ...c.result }, options).map((s) => `${s.ticker ?? "-"}/${s.catalyst}/${s.confidence}`);
      expect(got).toEqual(c.want);
    });
  }
});
