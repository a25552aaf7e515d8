// Scores one labelled set with the shared scorer: the classifier runs in-process through the `classify`
// command's line handler, so the output is what the command prints. Used by `npm run eval` and the held-out test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { answerLine } from "../src/cli/classify.ts";
import type { Classify } from "../src/core/types.ts";

/** ../shared/eval/score.mjs next to this checkout: shared with the team, not copied into the repo. */
export const SCORER = resolve(fileURLToPath(new URL("..", import.meta.url)), "../shared/eval/score.mjs");

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Report {
  articles: number;
  missing: number;
  errors: number;
  tickers: Score;
  ticker_catalyst_pairs: Score;
  article_catalysts: Score;
}

/** The scorer's report on `file` (JSON Lines with gold labels) and, with verbose, its list of misses. */
export function scoreSet(classify: Classify, file: string, verbose: boolean): { report: Report; misses: string[] } {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim());
  const results = lines.map((line) => answerLine(classify, line));
  const dir = mkdtempSync(join(tmpdir(), "catalyst-eval-"));
  try {
    const resultsPath = join(dir, "results.jsonl");
    writeFileSync(resultsPath, results.join("\n") + "\n");
    const args = [SCORER, file, resultsPath, "--json", ...(verbose ? ["--verbose"] : [])];
    const run = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`the scorer failed on ${file} (exit ${run.status}): ${run.stderr.trim()}`);
    const out = run.stdout.trim().split("\n");
    const report = JSON.parse(out.pop()!) as Report;
    return { report, misses: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
