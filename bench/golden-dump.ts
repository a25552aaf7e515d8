// Dumps the classifier's output on every article we have (fixtures, held-out sets, the dev set and two
// seeded bench corpora) as JSON Lines: diff two dumps to prove a refactor changed no output.
// Usage: tsx bench/golden-dump.ts > before.jsonl
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadUniverse } from "../src/adapters/universe/load.ts";
import { loadClassifier } from "../src/classifier.ts";
import type { ArticleInput } from "../src/core/types.ts";
import { generateCorpus } from "./corpus.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const files = [join(REPO, "test/fixtures/classify/articles.jsonl"), resolve(REPO, "../shared/eval/dev.jsonl")];
for (const dir of ["test/fixtures/heldout", "test/fixtures/heldout2"]) {
  const d = join(REPO, dir);
  if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith(".jsonl")) files.push(join(d, f));
}
const articles: ArticleInput[] = [];
for (const f of files) {
  if (!existsSync(f)) continue;
  for (const line of readFileSync(f, "utf8").split("\n")) if (line.trim()) articles.push(JSON.parse(line) as ArticleInput);
}
const universe = loadUniverse();
articles.push(...generateCorpus(universe, { count: 2000 }), ...generateCorpus(universe, { count: 500, seed: 7, size: 6000 }));
const classify = loadClassifier();
const now = new Date("2026-06-01T00:00:00Z");
const out: string[] = [];
for (const a of articles) out.push(JSON.stringify(classify(a, { now })));
process.stdout.write(out.join("\n") + "\n");
process.stderr.write(`${articles.length} articles\n`);
