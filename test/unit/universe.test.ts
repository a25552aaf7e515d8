// The universe loader and `universe check`: what an operator sees when a universe file is wrong.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadUniverse } from "../../src/adapters/universe/load.ts";
import { UniverseError } from "../../src/core/universe/index.ts";
import { run } from "../../src/cli/universe.ts";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function universeDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "universe-test-"));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof data === "string" ? data : JSON.stringify(data));
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadUniverse(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(UniverseError);
    return (err as UniverseError).problems;
  }
  throw new Error("the universe loaded but problems were expected");
}

/** Runs the command and returns its exit code with everything it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const alibaba = { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"], aliases: ["Alibaba"] };
const tencent = { symbol: "0700.HK", name: "Tencent Holdings Ltd.", listings: ["TCEHY"], aliases: ["Tencent"] };

describe("loading the universe", () => {
  it("builds look-ups by symbol, listing, former symbol, alias and index name", () => {
    const dir = universeDir({
      "a.json": { companies: [alibaba, { symbol: "META", name: "Meta Platforms, Inc.", former: ["FB"], aliases: ["Meta"] }] },
      "b.json": { companies: [tencent], indices: [{ symbol: "^HSTECH", name: "Hang Seng Tech Index", aliases: ["Hang Seng Tech"] }] },
    });
    const u = loadUniverse(dir);
    expect(u.bySymbol.get("9988.HK")?.symbol).toBe("BABA");
    expect(u.bySymbol.get("TCEHY")?.symbol).toBe("0700.HK");
    expect(u.bySymbol.get("FB")?.symbol).toBe("META");
    expect(u.byAlias.get("Alibaba")?.symbol).toBe("BABA");
    expect(u.indexByName.get("Hang Seng Tech Index")?.symbol).toBe("^HSTECH");
  });

  it("rejects a lower-case symbol and names the file, the company and the field", () => {
    const dir = universeDir({ "asia.json": { companies: [alibaba, { ...tencent, symbol: "0700.hk" }] } });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("asia.json");
    expect(problems[0]).toContain("companies[1] (0700.hk).symbol");
    expect(problems[0]).toMatch(/upper case/);
  });

  it("rejects an unknown field, naming it", () => {
    const dir = universeDir({ "asia.json": { companies: [{ ...alibaba, ticker: "BABA" }] } });
    const [problem, ...rest] = problemsOf(dir);
    expect(rest).toEqual([]);
    expect(problem).toContain("companies[0] (BABA)");
    expect(problem).toContain('"ticker"');
  });

  it("rejects a file that is not JSON", () => {
    const problems = problemsOf(universeDir({ "broken.json": '{"companies": [' }));
    expect(problems[0]).toMatch(/broken\.json: not valid JSON/);
  });

  it("lists every problem of every file at once", () => {
    const dir = universeDir({
      "a.json": { companies: [{ ...alibaba, symbol: "baba" }] },
      "b.json": { companies: [{ ...tencent, extra: 1 }] },
    });
    const problems = problemsOf(dir);
    expect(problems.some((p) => p.includes("a.json"))).toBe(true);
    expect(problems.some((p) => p.includes("b.json"))).toBe(true);
  });

  it("rejects a distinctive alias claimed in two files and tells how to fix it", () => {
    const dir = universeDir({
      "us.json": { companies: [{ symbol: "TME", name: "Tencent Music Entertainment Group", aliases: ["Tencent"] }] },
      "hk.json": { companies: [tencent] },
    });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('alias "Tencent"');
    expect(problems[0]).toContain("hk.json: 0700.HK");
    expect(problems[0]).toContain("us.json: TME");
    expect(problems[0]).toContain('to "ambiguous" in both');
  });

  it("allows an alias shared as ambiguous by every company that uses it", () => {
    const dir = universeDir({
      "a.json": { companies: [{ symbol: "XYZ", name: "Block, Inc.", former: ["SQ"], ambiguous: ["Block"] }] },
      "b.json": { companies: [{ symbol: "HRB", name: "H&R Block, Inc.", aliases: ["H&R Block"], ambiguous: ["Block"] }] },
    });
    const u = loadUniverse(dir);
    expect(u.byAmbiguousAlias.get("Block")?.map((c) => c.symbol)).toEqual(["XYZ", "HRB"]);
    expect(u.byAlias.has("Block")).toBe(false);
  });

  it("rejects an alias that is ambiguous for one company but distinctive for another", () => {
    const dir = universeDir({
      "a.json": { companies: [{ symbol: "XYZ", name: "Block, Inc.", ambiguous: ["Block"] }] },
      "b.json": { companies: [{ symbol: "HRB", name: "H&R Block, Inc.", aliases: ["Block"] }] },
    });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("ambiguous for a.json: XYZ but distinctive for b.json: HRB");
    expect(problems[0]).toContain('move it to "ambiguous" there too');
  });

  it("rejects a symbol defined by two companies", () => {
    const dir = universeDir({
      "us.json": { companies: [alibaba] },
      "hk.json": { companies: [{ symbol: "9988.HK", name: "Alibaba Group Holding Ltd." }] },
    });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    // Files load in name order: hk.json first.
    expect(problems[0]).toContain("symbol 9988.HK is claimed by both hk.json: 9988.HK and us.json: BABA");
    expect(problems[0]).toContain('"listings"');
  });

  it("rejects a company alias that is also an index name", () => {
    const dir = universeDir({
      "a.json": {
        companies: [{ symbol: "0011.HK", name: "Hang Seng Bank Ltd.", aliases: ["Hang Seng"] }],
        indices: [{ symbol: "^HSI", name: "Hang Seng Index", aliases: ["Hang Seng"] }],
      },
    });
    expect(problemsOf(dir)[0]).toContain('alias "Hang Seng" of a.json: 0011.HK is also the name of index a.json: ^HSI');
  });
});

describe("universe check", () => {
  it("prints the size of a valid universe and the members of each index", async () => {
    const dir = universeDir({
      "a.json": {
        companies: [
          { ...alibaba, indices: ["^HSTECH"] },
          { ...tencent, indices: ["^HSTECH", "^HSI"] },
        ],
        indices: [
          { symbol: "^HSI", name: "Hang Seng Index" },
          { symbol: "^HSTECH", name: "Hang Seng Tech Index" },
        ],
      },
    });
    const { code, out } = await cli(["check", "--dir", dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/companies\s+2\b/);
    expect(out).toMatch(/listings\s+2\b/);
    expect(out).toMatch(/aliases\s+2 distinctive, 0 ambiguous/);
    expect(out).toMatch(/\^HSTECH\s+2 members/);
    expect(out).toMatch(/\^HSI\s+1 members/);
  });

  it("exits 1 and lists every problem", async () => {
    const dir = universeDir({
      "a.json": { companies: [{ ...alibaba, symbol: "baba" }, { ...tencent, nickname: "Tencent" }] },
    });
    const { code, err } = await cli(["check", "--dir", dir]);
    expect(code).toBe(1);
    expect(err).toContain("2 problem(s)");
    expect(err).toContain("(baba).symbol");
    expect(err).toContain('"nickname"');
  });

  it("reports a membership of an index that no file defines", async () => {
    const dir = universeDir({ "a.json": { companies: [{ ...alibaba, indices: ["^HSTEC"] }] } });
    const { code, err } = await cli(["check", "--dir", dir]);
    expect(code).toBe(1);
    expect(err).toContain('index ^HSTEC is named in "indices" of BABA, but no universe file defines it');
  });

  it("says what to do when the folder does not exist", async () => {
    const { code, err } = await cli(["check", "--dir", join(tmpdir(), "no-such-universe-folder")]);
    expect(code).toBe(1);
    expect(err).toContain("cannot read the universe folder");
  });

  it("prints usage for --help and for an unknown command", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("universe <command>");
    const bad = await cli(["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown command 'frobnicate'");
  });
});
