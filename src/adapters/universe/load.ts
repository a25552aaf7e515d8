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
      for (const issue of parsed.error.issues.slice(0, 20)) problems.push(`${path}: ${issue.path.join(".")}: ${issue.message}`);
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
