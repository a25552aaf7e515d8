// `universe import`: adding companies from SEC's company_tickers.json without breaking the universe.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadUniverse } from "../../src/adapters/universe/load.ts";
import { run, shortName } from "../../src/cli/universe.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/universe/", import.meta.url));
const SEC = join(FIXTURES, "sec-company-tickers.json");

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A universe folder holding the fixture base: companies.json and the operator's local.json (Tencent). */
function baseUniverse(): string {
  const dir = mkdtempSync(join(tmpdir(), "universe-import-"));
  dirs.push(dir);
  for (const name of ["companies.json", "local.json"]) copyFileSync(join(FIXTURES, "base", name), join(dir, name));
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("universe import", () => {
  it("adds the new SEC companies to local.json, keeping what the operator wrote, and the result loads", async () => {
    const dir = baseUniverse();
    const before = JSON.parse(readFileSync(join(dir, "local.json"), "utf8"));
    const { code, out } = await cli(["import", SEC, "--dir", dir]);
    expect(code).toBe(0);

    const after = JSON.parse(readFileSync(join(dir, "local.json"), "utf8"));
    // The operator's Tencent entry is kept verbatim, first.
    expect(after.companies[0]).toEqual(before.companies[0]);

    const u = loadUniverse(dir);
    // Share classes of one CIK become one company, with SEC's dash turned into a dot.
    expect(u.bySymbol.get("BRK.B")?.symbol).toBe("BRK.B");
    expect(u.bySymbol.get("BRK.A")?.symbol).toBe("BRK.B");
    expect(u.bySymbol.get("GOOG")?.symbol).toBe("GOOGL");
    expect(u.bySymbol.get("BHP")?.name).toBe("BHP Group Ltd");
    // Capitals recased for alerts; the short name becomes a distinctive alias when it is free.
    expect(u.bySymbol.get("NVDA")?.name).toBe("Nvidia Corp");
    expect(u.byAlias.get("Nvidia")?.symbol).toBe("NVDA");
    expect(u.byAlias.get("Meta Platforms")?.symbol).toBe("META");
    expect(u.byAlias.get("AT&T")?.symbol).toBe("T");
    // Everyday words and names shared with others become ambiguous; owned names are not touched.
    expect(u.byAmbiguousAlias.get("Target")?.map((c) => c.symbol)).toEqual(["TGT"]);
    expect(u.byAmbiguousAlias.get("Block")?.map((c) => c.symbol)).toEqual(["XYZ", "BLKX"]);
    expect(u.byAmbiguousAlias.get("Northwind")?.map((c) => c.symbol)).toEqual(["NWND", "NWDL"]);
    expect(u.byAlias.get("Apple")?.symbol).toBe("AAPL");
    expect(u.byAlias.get("Alibaba")?.symbol).toBe("BABA");
    expect(u.bySymbol.get("NWND")?.name).toBe("Northwind Corp");
    // Existing companies are not added twice, and the bad ticker is left out.
    expect(u.companies.filter((c) => c.symbol === "AAPL")).toHaveLength(1);
    expect(u.bySymbol.has("BAD$")).toBe(false);

    expect(out).toMatch(/added\s+12\b/);
    expect(out).toMatch(/skipped as existing\s+3\b/);
    expect(out).toMatch(/skipped as invalid\s+1\b/);
    expect(out).toMatch(/aliases dropped\s+3\b/);
    expect(out).toContain('"Apple" for APCX: already a distinctive alias of AAPL');
    expect(out).toContain('"S&P" for SPXC: the name of index ^GSPC');
    expect(out).toContain('"Block" for BLKX: shared with XYZ');
    // No temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(["companies.json", "local.json"]);
  });

  it("adds nothing the second time", async () => {
    const dir = baseUniverse();
    expect((await cli(["import", SEC, "--dir", dir])).code).toBe(0);
    const once = readFileSync(join(dir, "local.json"), "utf8");
    const again = await cli(["import", SEC, "--dir", dir]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/added\s+0\b/);
    expect(again.out).toContain("nothing to add");
    expect(readFileSync(join(dir, "local.json"), "utf8")).toBe(once);
  });

  it("writes nothing with --dry-run but says what it would do", async () => {
    const dir = baseUniverse();
    const before = readFileSync(join(dir, "local.json"), "utf8");
    const { code, out } = await cli(["import", SEC, "--dir", dir, "--dry-run"]);
    expect(code).toBe(0);
    expect(out).toContain("dry run: would import");
    expect(out).toMatch(/added\s+12\b/);
    expect(out).toContain("nothing written");
    expect(readFileSync(join(dir, "local.json"), "utf8")).toBe(before);
  });

  it("creates --out when it does not exist and counts an existing --out outside the folder", async () => {
    const dir = baseUniverse();
    const outDir = mkdtempSync(join(tmpdir(), "universe-out-"));
    dirs.push(outDir);
    const out = join(outDir, "extra.json");
    expect((await cli(["import", SEC, "--dir", dir, "--out", out])).code).toBe(0);
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.companies.map((c: { symbol: string }) => c.symbol)).toContain("NVDA");
    // A second run sees extra.json and adds nothing more.
    const again = await cli(["import", SEC, "--dir", dir, "--out", out]);
    expect(again.out).toMatch(/added\s+0\b/);
  });

  it("refuses an out file that is not a valid universe file, leaving it alone", async () => {
    const dir = baseUniverse();
    writeFileSync(join(dir, "local.json"), '{"companies": [{"symbol": "bad"}]}');
    const { code, err } = await cli(["import", SEC, "--dir", dir]);
    expect(code).toBe(1);
    expect(err).toContain("local.json");
    expect(readFileSync(join(dir, "local.json"), "utf8")).toBe('{"companies": [{"symbol": "bad"}]}');
  });

  it.each([
    ["not JSON", "{oops", /not JSON/],
    ["an array", "[]", /expected an object of numbered entries.*got an array/],
    ["an entry without a ticker", '{"0": {"cik_str": 1, "ticker": "AA", "title": "A"}, "1": {"cik_str": 2, "title": "B"}}', /entry 1 is missing "ticker"/],
    ["an entry that is not an object", '{"0": 5}', /entry 0 is not an object/],
    ["a non-numeric CIK", '{"0": {"cik_str": "abc", "ticker": "AA", "title": "A"}}', /entry 0 has a "cik_str" that is not a number/],
  ])("explains a file that is %s", async (_what, text, message) => {
    const dir = baseUniverse();
    const file = join(dir, "sec.txt");
    writeFileSync(file, text);
    const before = readFileSync(join(dir, "local.json"), "utf8");
    const { code, err } = await cli(["import", file, "--dir", dir]);
    expect(code).toBe(1);
    expect(err).toContain(file);
    expect(err).toMatch(message);
    expect(readFileSync(join(dir, "local.json"), "utf8")).toBe(before);
  });

  it("says so when the file is missing or not given", async () => {
    const dir = baseUniverse();
    const missing = await cli(["import", join(dir, "nope.json"), "--dir", dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("cannot read it");
    const none = await cli(["import", "--dir", dir]);
    expect(none.code).toBe(2);
    expect(none.err).toContain("import needs the path");
    expect(existsSync(join(dir, "nope.json"))).toBe(false);
  });
});

describe("short names from SEC titles", () => {
  it.each([
    ["Apple Inc.", "Apple"],
    ["Meta Platforms, Inc.", "Meta Platforms"],
    ["NVIDIA CORP", "Nvidia"],
    ["BERKSHIRE HATHAWAY INC", "Berkshire Hathaway"],
    ["JPMORGAN CHASE & CO", "Jpmorgan Chase"],
    ["AT&T INC.", "AT&T"],
    ["Alibaba Group Holding Ltd", "Alibaba"],
    ["NEWS CORP /DE/", "News"],
    ["Coca-Cola Co", "Coca-Cola"],
  ])("%s -> %s", (title, short) => {
    expect(shortName(title)).toBe(short);
  });
});
