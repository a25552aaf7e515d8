// `npm run bench:classify-hostile`: time to classify oversized and pathological articles. The classifier's
// work must grow linearly with the text: these would take minutes with any per-cue scan of the whole article.
// The pipeline caps an item's text at 100,000 characters (src/core/article.ts); the `classify` command does not.
import { loadClassifier } from "../src/classifier.ts";
import type { ArticleInput } from "../src/core/types.ts";

const classify = loadClassifier();

const cases: Array<[string, ArticleInput]> = [
  [
    "10,000 dense sentences (1.5 MB)",
    {
      id: "dense",
      text: Array.from({ length: 10_000 }, (_, i) => `Alibaba, which said on Tuesday that revenue rose ${i % 9}%, while Nvidia, Apple and Microsoft fell; the company, whose shares rose, announced a buyback.`).join(" "),
    },
  ],
  ["one 2.6 MB line without a full stop", { id: "line", text: "word ".repeat(400_000) + ", which " + "x, ".repeat(200_000) }],
  ["a list of 100,000 company names in one sentence", { id: "list", text: "Alibaba, ".repeat(100_000) + "announced a buyback." }],
  ["20,000 one-line paragraphs that name nobody", { id: "lines", title: "Apple beats estimates", text: Array.from({ length: 20_000 }, () => "Revenue rose 8%.").join("\n") }],
  ["200,000 opening parentheses", { id: "parens", text: "(".repeat(200_000) + "Apple announced a buyback." }],
];

const results: Record<string, number> = {};
console.log(`${"input".padEnd(52)} ${"chars".padStart(10)} ${"ms".padStart(8)}`);
for (const [name, article] of cases) {
  const t0 = performance.now();
  classify(article);
  const ms = performance.now() - t0;
  results[article.id as string] = Math.round(ms);
  console.log(`${name.padEnd(52)} ${String(article.text.length).padStart(10)} ${ms.toFixed(0).padStart(8)}`);
}
console.log(JSON.stringify(results));
