// The shipped ticker universe (config/universe): big enough for the indices users follow, and right where it matters.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadUniverse } from "../../src/adapters/universe/load.ts";
import { indexMembers, undefinedIndexReferences, type Universe } from "../../src/core/universe/index.ts";

let universe: Universe;
beforeAll(() => {
  universe = loadUniverse();
});

const canonical = (symbol: string) => universe.bySymbol.get(symbol.toUpperCase())?.symbol;

describe("the shipped universe", () => {
  it("loads with no problems and defines every index its companies name", () => {
    expect(undefinedIndexReferences(universe)).toEqual([]);
  });

  it("has at least 800 companies", () => {
    expect(universe.companies.length).toBeGreaterThanOrEqual(800);
  });

  it.each([
    ["^GSPC", 500],
    ["^NDX", 100],
    ["^HSI", 80],
    ["^HSTECH", 30],
    ["^STOXX50E", 50],
    ["^STOXX50", 50],
  ])("%s has at least %i members", (index, min) => {
    expect(indexMembers(universe).get(index)?.length ?? 0).toBeGreaterThanOrEqual(min);
  });

  it.each([
    ["9988.HK", "BABA"],
    ["TCEHY", "0700.HK"],
    ["FB", "META"],
    ["BRK.A", "BRK.B"],
    ["GOOG", "GOOGL"],
    ["9618.HK", "JD"],
    ["BABA", "BABA"],
  ])("symbol %s answers for %s", (symbol, expected) => {
    expect(canonical(symbol)).toBe(expected);
  });

  it.each([
    ["Alibaba", "BABA"],
    ["Tencent Music", "TME"],
    ["Tencent", "0700.HK"],
    ["Xiaomi", "1810.HK"],
  ])("name %s answers for %s", (alias, expected) => {
    expect(universe.byAlias.get(alias)?.symbol).toBe(expected);
  });

  it.each([
    ["Hang Seng Tech Index", "^HSTECH"],
    ["Hang Seng Index", "^HSI"],
    ["S&P 500", "^GSPC"],
  ])("index name %s answers for %s", (name, expected) => {
    expect(universe.indexByName.get(name)?.symbol).toBe(expected);
  });
});

const DEV = fileURLToPath(new URL("../../../shared/eval/dev.jsonl", import.meta.url));

describe.skipIf(!existsSync(DEV))("the labelled dev set (skipped: ../shared/eval not found)", () => {
  it("labels only tickers the universe knows as canonical symbols", () => {
    const labelled = readFileSync(DEV, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .flatMap((l) => {
        const g = JSON.parse(l) as { gold?: { tickers?: Record<string, string[]> }; optional?: { tickers?: Record<string, string[]> } };
        return [...Object.keys(g.gold?.tickers ?? {}), ...Object.keys(g.optional?.tickers ?? {})];
      });
    expect(labelled.length).toBeGreaterThan(0);
    const unknown = labelled.filter((s) => canonical(s) !== s);
    expect(unknown).toEqual([]);
  });
});
