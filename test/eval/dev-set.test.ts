// Runs the classify command on the team's labelled dev set and scores it with the shared scorer.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EVAL = join(ROOT, "..", "shared", "eval");
const DEV = join(EVAL, "dev.jsonl");
const SCORER = join(EVAL, "score.mjs");
const present = existsSync(DEV) && existsSync(SCORER);

if (!present) console.warn(`dev-set.test.ts: skipped, ../shared/eval (dev.jsonl and score.mjs) is not next to this checkout (${EVAL})`);

interface Score {
  precision: number;
  recall: number;
  f1: number;
}

describe.skipIf(!present)("dev set (../shared/eval)", () => {
  it("scores ticker F1 >= 0.95 and ticker/catalyst pair F1 >= 0.85", () => {
    const dir = mkdtempSync(join(tmpdir(), "dev-set-"));
    try {
      const results = join(dir, "results.jsonl");
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "classify"], {
        cwd: ROOT,
        input: readFileSync(DEV),
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(run.status, run.stderr.toString()).toBe(0);
      writeFileSync(results, run.stdout);
      const score = spawnSync(process.execPath, [SCORER, DEV, results, "--json"], { encoding: "utf8" });
      expect(score.status, score.stderr).toBe(0);
      const report = JSON.parse(score.stdout.trim().split("\n").pop()!) as {
        missing: number;
        errors: number;
        tickers: Score;
        ticker_catalyst_pairs: Score;
        article_catalysts: Score;
      };
      expect(report.missing).toBe(0);
      expect(report.errors).toBe(0);
      expect(report.tickers.f1).toBeGreaterThanOrEqual(0.95);
      expect(report.ticker_catalyst_pairs.f1).toBeGreaterThanOrEqual(0.85);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
