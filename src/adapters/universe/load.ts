// Reads every *.json file of the universe folder, validates each with zod, and builds the look-up tables.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UniverseFileSchema, type UniverseFile } from "../../core/universe/schema.ts";
import { buildUniverse, UniverseError, type Universe } from "../../core/universe/index.ts";

/** config/universe of this checkout, wherever the process was started from. */
export const DEFAULT_UNIVERSE_DIR = fileURLToPath(new URL("../../../config/universe", import.meta.url));

export function readUniverseFiles(dir: string = DEFAULT_UNIVERSE_DIR): Array<{ name: string; data: UniverseFile }> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs).filter((n) => n.endsWith(".json")).sort();
  } catch (err) {
    throw new UniverseError([`cannot read the universe folder ${abs}: ${(err as Error).message} (set UNIVERSE_DIR to the folder of universe JSON files)`]);
  }
  const problems: string[] = [];
  const files: Array<{ name: string; data: UniverseFile }> = [];
  for (const name of names) {
    const path = join(abs, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      problems.push(`${path}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = UniverseFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 20)) problems.push(`${path}: ${describeIssuePath(raw, issue.path)}: ${issue.message}`);
      if (parsed.error.issues.length > 20) problems.push(`${path}: ... and ${parsed.error.issues.length - 20} more problem(s)`);
      continue;
    }
    files.push({ name, data: parsed.data });
  }
  if (problems.length) throw new UniverseError(problems);
  return files;
}

export function loadUniverse(dir: string = DEFAULT_UNIVERSE_DIR): Universe {
  return buildUniverse(readUniverseFiles(dir));
}

/** "companies[12] (BABA).aliases[0]": names the company by its symbol so the operator can find it in the file. */
function describeIssuePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(top level)";
  let out = "";
  let node: unknown = raw;
  for (const key of path) {
    const child = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === "number") {
      out += `[${key}]`;
      const symbol = child !== null && typeof child === "object" ? (child as { symbol?: unknown }).symbol : undefined;
      if (typeof symbol === "string") out += ` (${symbol})`;
    } else {
      out += (out ? "." : "") + String(key);
    }
    node = child;
  }
  return out;
}
