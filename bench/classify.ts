// `npm run bench:classify`: speed, tail latency, memory and dev-set F1 of the classifier against a compromise baseline.
//
// Single-threaded, one process. The last line printed is one JSON object with the headline figures.
// Options: --count N (corpus size, default 2000), --seconds S (minimum timed run per system, default 2),
//          --skip-compromise (classifier only).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadUniverse } from "../src/adapters/universe/load.ts";
import { loadClassifier } from "../src/classifier.ts";
import type { ArticleInput, ClassifyResult } from "../src/core/types.ts";
import { generateCorpus, type CorpusArticle } from "./corpus.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const EVAL_DIR = resolve(REPO, "../shared/eval");

interface Timing {
  articles: number;
  passes: number;
  seconds: number;
  articlesPerS: number;
  /** Articles per second of CPU time used by the process: less sensitive to other load on the machine. */
  articlesPerCpuS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of the companies each corpus article was written about that the system found. */
  mentionRecall: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Warms up, then runs the whole corpus pass after pass until at least `minSeconds` have gone by,
 * timing every article on its own with hrtime.
 */
function measure(run: (a: ArticleInput) => ClassifyResult, corpus: readonly CorpusArticle[], minSeconds: number, warmup: number): Timing {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += run(corpus[i % corpus.length] as CorpusArticle).tickers.length;

  let found = 0;
  let wanted = 0;
  const perArticle: number[] = [];
  const minNs = BigInt(Math.round(minSeconds * 1e9));
  let passes = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    const first = passes === 0;
    for (const article of corpus) {
      const t0 = process.hrtime.bigint();
      const result = run(article);
      const t1 = process.hrtime.bigint();
      perArticle.push(Number(t1 - t0));
      sink += result.tickers.length;
      if (first) {
        const got = new Set(result.tickers.flatMap((t) => [t.symbol, ...t.listings]));
        wanted += article.mentions.length;
        for (const m of article.mentions) if (got.has(m)) found++;
      }
    }
    passes++;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < minNs);
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink); // keeps the results alive

  const sorted = Float64Array.from(perArticle).sort();
  const seconds = Number(elapsed) / 1e9;
  return {
    articles: perArticle.length,
    passes,
    seconds,
    articlesPerS: perArticle.length / seconds,
    articlesPerCpuS: perArticle.length / ((cpu.user + cpu.system) / 1e6),
    p50Ms: quantile(sorted, 0.5) / 1e6,
    p99Ms: quantile(sorted, 0.99) / 1e6,
    maxMs: (sorted[sorted.length - 1] ?? Number.NaN) / 1e6,
    mentionRecall: wanted ? found / wanted : Number.NaN,
  };
}

/** Runs `run` over the dev set and scores it with the shared scorer; null when ../shared/eval is absent. */
function devF1(run: (a: ArticleInput) => ClassifyResult, label: string): number | null {
  const gold = join(EVAL_DIR, "dev.jsonl");
  const scorer = join(EVAL_DIR, "score.mjs");
  if (!existsSync(gold) || !existsSync(scorer)) return null;
  const lines = readFileSync(gold, "utf8").split("\n").filter((l) => l.trim());
  const out = lines.map((line) => {
    const a = JSON.parse(line) as ArticleInput;
    return JSON.stringify(run({ id: String(a.id), title: a.title, text: a.text ?? "", published: a.published, source: a.source }));
  });
  const dir = mkdtempSync(join(tmpdir(), "bench-classify-"));
  try {
    const results = join(dir, `${label}.jsonl`);
    writeFileSync(results, `${out.join("\n")}\n`);
    const scored = spawnSync(process.execPath, [scorer, gold, results, "--json"], { encoding: "utf8" });
    if (scored.status !== 0) throw new Error(`score.mjs failed for ${label}: ${scored.stderr}`);
    const report = JSON.parse(scored.stdout.trim().split("\n").pop() ?? "{}") as { tickers?: { f1?: number } };
    return report.tickers?.f1 ?? null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? "n/a" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const round = (n: number | null | undefined, digits: number) => (n === null || n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

async function main(): Promise<number> {
  const count = option("--count", 2000);
  const seconds = option("--seconds", 2);
  const skipCompromise = process.argv.includes("--skip-compromise");
  const hasEval = existsSync(join(EVAL_DIR, "dev.jsonl")) && existsSync(join(EVAL_DIR, "score.mjs"));

  const universe = loadUniverse();
  const corpus = generateCorpus(universe, { count });
  const bytes = corpus.reduce((n, a) => n + Buffer.byteLength(a.text) + Buffer.byteLength(a.title ?? ""), 0);
  console.log(`corpus: ${corpus.length} articles, ${fmt(bytes / corpus.length)} bytes each on average, ${universe.companies.length} companies in the universe`);
  console.log(`node ${process.version}, one thread, minimum ${seconds} s per system\n`);

  // The classifier first, so the peak RSS below is its own and not compromise's.
  const t0 = process.hrtime.bigint();
  const classify = loadClassifier();
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const classifier = measure((a) => classify(a), corpus, seconds, Math.min(corpus.length, 500));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const classifierF1 = devF1((a) => classify(a), "classifier");

  let baseline: Timing | undefined;
  let baselineF1: number | null = null;
  if (!skipCompromise) {
    const { createCompromiseBaseline } = await import("./compromise-baseline.ts");
    const compromise = createCompromiseBaseline(universe);
    baseline = measure(compromise, corpus, seconds, 50);
    baselineF1 = devF1(compromise, "compromise");
  }

  const row = (name: string, t: Timing | undefined, f1: number | null) =>
    `${name.padEnd(12)}${fmt(t?.articlesPerS).padStart(12)}${fmt(t?.articlesPerCpuS).padStart(14)}${fmt(t?.p50Ms, 3).padStart(10)}${fmt(t?.p99Ms, 3).padStart(10)}${fmt(t?.maxMs, 2).padStart(10)}${(t ? `${t.articles}/${t.passes}` : "n/a").padStart(14)}${fmt(t ? t.mentionRecall * 100 : undefined, 1).padStart(10)}${(hasEval ? fmt(f1, 3) : "n/a").padStart(10)}`;
  console.log(`${"system".padEnd(12)}${"articles/s".padStart(12)}${"per CPU-s".padStart(14)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}${"max ms".padStart(10)}${"timed/passes".padStart(14)}${"recall %".padStart(10)}${"dev F1".padStart(10)}`);
  console.log(row("classifier", classifier, classifierF1));
  console.log(row("compromise", baseline, baselineF1));
  console.log("");
  console.log(`classifier load: ${fmt(loadMs, 1)} ms; peak RSS after the classifier run: ${fmt(peakRssMb, 1)} MB`);
  console.log("articles/s is wall-clock time; per CPU-s divides by the CPU time the process used (other load on the machine inflates the first).");
  console.log("recall % = share of the companies each synthetic article names that the system found (corpus check, not the eval).");
  if (!hasEval) console.log("dev F1: n/a (../shared/eval not found)");
  else console.log("dev F1 = tickers F1 of ../shared/eval/score.mjs on ../shared/eval/dev.jsonl.");

  const speedup = baseline ? classifier.articlesPerS / baseline.articlesPerS : undefined;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "met" : "NOT met");
  console.log("\ntargets:");
  console.log(`  >= 20,000 articles/s          ${verdict(classifier.articlesPerS >= 20_000)} (${fmt(classifier.articlesPerS)})`);
  console.log(`  >= 10x compromise             ${verdict(speedup === undefined ? undefined : speedup >= 10)} (${speedup === undefined ? "n/a" : `${fmt(speedup, 1)}x`})`);
  console.log(
    `  higher dev F1 than compromise ${verdict(classifierF1 !== null && baselineF1 !== null ? classifierF1 > baselineF1 : undefined)} (${hasEval ? `${fmt(classifierF1, 3)} vs ${fmt(baselineF1, 3)}` : "n/a (../shared/eval not found)"})`,
  );

  console.log(
    JSON.stringify({
      articles_per_s: round(classifier.articlesPerS, 0),
      p99_ms: round(classifier.p99Ms, 4),
      peak_rss_mb: round(peakRssMb, 1),
      compromise_articles_per_s: round(baseline?.articlesPerS, 1),
      f1_tickers: classifierF1,
      compromise_f1_tickers: baselineF1,
    }),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench:classify: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
