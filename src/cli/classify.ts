// `catalyst-bot classify`: JSON Lines articles on stdin -> one JSON line of results per input line on stdout.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { loadClassifier } from "../classifier.ts";
import type { ArticleInput, Classify } from "../core/types.ts";

const USAGE = `usage: catalyst-bot classify [--universe DIR] [--config DIR] < articles.jsonl > results.jsonl

Reads one JSON article per line on stdin: {"id", "title"?, "text", "published"?, "source"?}
and writes one JSON line per input line, in the same order, on stdout:
  {"id", "catalysts": [...], "tickers": [{"symbol", "listings", "name", "relevance", "catalysts": [...]}]}
A line that is not JSON, is not an object or has no "id" gets {"id": <id or null>, "error": "<reason>"};
a blank line gets {"id": null, "error": "blank line"}, so output line N always answers input line N.
Nothing but results goes to stdout; messages go to stderr. Needs no Redis, Slack or Discord.

options:
  --universe DIR   the ticker universe folder (default: config/universe of this checkout)
  --config DIR     the folder of catalyst-cues.json, entities.json and classify-text.json (default: config/)
  --help           this text

Exit status: 0 when every line was answered (errors included), 1 when the classifier cannot be
built (a broken universe or rules file), 2 on a usage mistake.`;

interface Options {
  universeDir?: string;
  configDir?: string;
  help: boolean;
}

function parseArgs(args: string[]): Options {
  const opts: Options = { help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--help" || a === "-h") opts.help = true;
    else if (a === "--universe" || a === "--config") {
      const v = args[++i];
      if (!v) throw new Error(`${a} needs a folder`);
      if (a === "--universe") opts.universeDir = v;
      else opts.configDir = v;
    } else throw new Error(`unknown option '${a}'`);
  }
  return opts;
}

/** The answer for one input line: a result or an error line, as JSON text. */
export function answerLine(classify: Classify, line: string): string {
  if (!line.trim()) return JSON.stringify({ id: null, error: "blank line" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return JSON.stringify({ id: null, error: `not valid JSON: ${(err as Error).message}` });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return JSON.stringify({ id: null, error: "not a JSON object" });
  }
  const obj = parsed as Record<string, unknown>;
  const id = obj.id;
  if (typeof id !== "string" && typeof id !== "number") {
    return JSON.stringify({ id: null, error: id === undefined || id === null ? 'no "id"' : '"id" must be a string or a number' });
  }
  if (obj.text !== undefined && obj.text !== null && typeof obj.text !== "string") {
    return JSON.stringify({ id, error: '"text" must be a string' });
  }
  const article: ArticleInput = {
    id: String(id),
    text: typeof obj.text === "string" ? obj.text : "",
  };
  if (typeof obj.title === "string") article.title = obj.title;
  if (typeof obj.published === "string") article.published = obj.published;
  if (typeof obj.source === "string") article.source = obj.source;
  try {
    const result = classify(article);
    return JSON.stringify(typeof id === "number" ? { ...result, id } : result);
  } catch (err) {
    // A bug must not take the other lines down with it.
    return JSON.stringify({ id, error: `classifier failed: ${(err as Error).message}` });
  }
}

/**
 * Streams lines from input to answers on output; resolves when input ends, or early when the reader of
 * output goes away (`... | head`), which is not an error.
 */
export async function classifyStream(classify: Classify, input: Readable, output: Writable): Promise<number> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== "EPIPE") throw err;
    closed = true;
    rl.close();
  };
  output.on("error", onError);
  try {
    for await (const line of rl) {
      if (closed) break;
      count++;
      if (!output.write(`${answerLine(classify, line)}\n`)) {
        await new Promise<void>((r) => {
          output.once("drain", r);
          output.once("close", r);
        });
      }
    }
  } finally {
    output.off("error", onError);
  }
  return count;
}

export async function run(args: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(args);
  } catch (err) {
    console.error(`catalyst-bot classify: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  let classify: Classify;
  try {
    classify = loadClassifier({ universeDir: opts.universeDir, configDir: opts.configDir });
  } catch (err) {
    console.error(`catalyst-bot classify: cannot start.\n${(err as Error).message}`);
    return 1;
  }
  const count = await classifyStream(classify, process.stdin, process.stdout);
  console.error(`catalyst-bot classify: ${count} line(s) answered`);
  return 0;
}
