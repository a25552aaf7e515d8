// `npm run eval`: the classifier's scores on every labelled set in the checkout, one table row per set.
//
// Each set is classified in-process through the `classify` command's line handler and scored by the
// shared scorer (../shared/eval/score.mjs --json). The last line printed is one JSON object:
// {"<set>": {"tickers_f1", "pairs_f1", "articles_f1"}, ...}.
// Options: --verbose (lists every miss of each set under its row).
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadClassifier } from "../src/classifier.ts";
import { SCORER, scoreSet, type Score } from "./score-set.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const jsonlIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .sort()
        .map((f) => join(dir, f))
    : [];

function labelledSets(): string[] {
  const sets = [
    ...jsonlIn(join(REPO, "test/fixtures/heldout")),
    ...jsonlIn(join(REPO, "test/fixtures/heldout2")),
    join(REPO, "test/fixtures/classify/articles.jsonl"),
    resolve(REPO, "../shared/eval/dev.jsonl"),
  ];
  return sets.filter((f) => existsSync(f));
}

/** The set's name in the table: its path from the checkout ("../shared/eval/dev.jsonl" for the shared one). */
const nameOf = (file: string): string => relative(REPO, file);

const prf = (s: Score): string => `${s.precision.toFixed(3)} ${s.recall.toFixed(3)} ${s.f1.toFixed(3)}`;

function main(): number {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--verbose");
  if (unknown.length) {
    console.error(`eval: unknown option ${unknown.join(" ")}\nusage: npm run eval [-- --verbose]`);
    return 2;
  }
  const verbose = args.includes("--verbose");
  if (!existsSync(SCORER)) {
    console.log(`eval: nothing scored. The shared scorer is needed at ${SCORER} (../shared/eval/score.mjs next to this checkout).`);
    return 0;
  }
  const classify = loadClassifier();
  const sets = labelledSets();
  const width = Math.max(3, ...sets.map((f) => nameOf(f).length));
  const col = (title: string): string => title.padEnd(17);
  const header = `${"set".padEnd(width)}  articles  ${col("tickers P/R/F1")}  ${col("pairs P/R/F1")}  article catalysts P/R/F1`;
  console.log(header);
  console.log("-".repeat(header.length));
  const summary: Record<string, { tickers_f1: number; pairs_f1: number; articles_f1: number }> = {};
  for (const file of sets) {
    const name = nameOf(file);
    const { report, misses } = scoreSet(classify, file, verbose);
    const problems = report.missing || report.errors ? `  (${report.missing} without a result, ${report.errors} with an error)` : "";
    console.log(
      `${name.padEnd(width)}  ${String(report.articles).padStart(8)}  ${prf(report.tickers)}  ${prf(report.ticker_catalyst_pairs)}  ${prf(report.article_catalysts)}${problems}`,
    );
    if (verbose) {
      console.log(`  misses (${misses.length}):`);
      for (const m of misses) console.log(`    ${m}`);
    }
    summary[name] = { tickers_f1: report.tickers.f1, pairs_f1: report.ticker_catalyst_pairs.f1, articles_f1: report.article_catalysts.f1 };
  }
  console.log(JSON.stringify(summary));
  return 0;
}

// `npm run eval | head` closes stdout early: that ends the output, it is not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(0);
});
process.exitCode = main();
