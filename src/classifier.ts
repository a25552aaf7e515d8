// Builds the classifier from files: the ticker universe and the rules under config/ (the only reader of them).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadUniverse } from "./adapters/universe/load.ts";
import { ClassifierConfigSchema, createClassifier, type ClassifierConfig } from "./core/classify/index.ts";
import type { Classify } from "./core/types.ts";

/** config/ of this checkout, wherever the process was started from. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL("../config", import.meta.url));

/** The files of the classifier's rules, inside the config folder. */
export const CLASSIFIER_CONFIG_FILES = {
  cues: "catalyst-cues.json",
  entities: "entities.json",
  text: "classify-text.json",
} as const;

export class ClassifierConfigError extends Error {
  override name = "ClassifierConfigError";
}

function readJson(path: string): unknown {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    throw new ClassifierConfigError(`cannot read ${path}: ${(err as Error).message} (pass the folder that holds the classifier's rules as configDir)`);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new ClassifierConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads and validates the classifier's rules; the error lists every problem with its file and field. */
export function loadClassifierConfig(configDir: string = DEFAULT_CONFIG_DIR): ClassifierConfig {
  const dir = resolve(configDir);
  const raw: Record<string, unknown> = {};
  for (const [part, file] of Object.entries(CLASSIFIER_CONFIG_FILES)) raw[part] = readJson(join(dir, file));
  const parsed = ClassifierConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((issue) => {
      const [part, ...rest] = issue.path.map(String);
      const file = CLASSIFIER_CONFIG_FILES[part as keyof typeof CLASSIFIER_CONFIG_FILES] ?? part;
      return `  - ${join(dir, file ?? "")}: ${rest.join(".") || "(top level)"}: ${issue.message}`;
    });
    throw new ClassifierConfigError(`The classifier's rules have problems:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** The classifier with the universe of universeDir (default config/universe) and the rules of configDir (default config/). */
export function loadClassifier(options: { universeDir?: string; configDir?: string } = {}): Classify {
  const universe = loadUniverse(options.universeDir);
  const config = loadClassifierConfig(options.configDir);
  try {
    return createClassifier(universe, config);
  } catch (err) {
    throw new ClassifierConfigError(`The classifier's rules in ${resolve(options.configDir ?? DEFAULT_CONFIG_DIR)} cannot be compiled: ${(err as Error).message}`);
  }
}
