// `catalyst-bot universe check|import`: validates the ticker universe and adds companies from SEC's ticker list.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { DEFAULT_UNIVERSE_DIR, readUniverseFiles } from "../adapters/universe/load.ts";
import { buildUniverse, indexMembers, undefinedIndexReferences, UniverseError, type Universe } from "../core/universe/index.ts";
import { SymbolSchema, UniverseFileSchema, type Company } from "../core/universe/schema.ts";

const USAGE = `usage: catalyst-bot universe <command> [options]

commands:
  check [--dir DIR]          validate every *.json file of the universe folder and print its size;
                             exits 1 and lists every problem when something is wrong
  import FILE [--out PATH] [--dir DIR] [--dry-run]
                             add the companies of SEC's company_tickers.json (FILE) whose symbol is not
                             yet in the universe to PATH (default: DIR/local.json), keeping what PATH holds

options:
  --dir DIR    the universe folder (default: config/universe of this checkout)
  --out PATH   the file import writes (default: DIR/local.json, the operator's own file)
  --dry-run    print what import would do and write nothing
  --help       this text`;

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let opts: ParsedArgs;
  try {
    opts = parseArgs(rest);
  } catch (err) {
    console.error(`catalyst-bot universe: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case "check":
      if (opts.positional.length) return usageError(`check takes no file argument (got '${opts.positional[0]}'); use --dir DIR`);
      return check(opts.dir);
    case "import": {
      const [file, extra] = opts.positional;
      if (!file) return usageError("import needs the path of SEC's company_tickers.json");
      if (extra) return usageError(`import takes one file (got '${extra}' too)`);
      return importCommand(file, opts);
    }
    default:
      return usageError(`unknown command '${command}'`);
  }
}

interface ParsedArgs {
  dir: string;
  out?: string;
  dryRun: boolean;
  help: boolean;
  positional: string[];
}

function parseArgs(args: string[]): ParsedArgs {
  const parsed: ParsedArgs = { dir: DEFAULT_UNIVERSE_DIR, dryRun: false, help: false, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--dir") parsed.dir = value();
    else if (arg.startsWith("--dir=")) parsed.dir = arg.slice(6);
    else if (arg === "--out") parsed.out = value();
    else if (arg.startsWith("--out=")) parsed.out = arg.slice(6);
    else if (arg === "--dry-run") parsed.dryRun = true;
    else if (arg === "--help" || arg === "-h") parsed.help = true;
    else if (arg.startsWith("-")) throw new Error(`unknown option '${arg}'`);
    else parsed.positional.push(arg);
  }
  return parsed;
}

function usageError(message: string): number {
  console.error(`catalyst-bot universe: ${message}\n\n${USAGE}`);
  return 2;
}

// ---------------------------------------------------------------------------------------------------
// check

function check(dir: string): number {
  let universe: Universe;
  let fileCount: number;
  try {
    const files = readUniverseFiles(dir);
    fileCount = files.length;
    universe = buildUniverse(files);
  } catch (err) {
    if (err instanceof UniverseError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const problems = undefinedIndexReferences(universe);
  if (problems.length) {
    console.error(new UniverseError(problems).message);
    return 1;
  }
  const count = (pick: (c: Company) => readonly string[]) => universe.companies.reduce((n, c) => n + pick(c).length, 0);
  console.log(`universe ${resolve(dir)}: ${fileCount} file(s), no problems`);
  console.log(`  companies          ${universe.companies.length}`);
  console.log(`  listings           ${count((c) => c.listings)}`);
  console.log(`  former symbols     ${count((c) => c.former)}`);
  console.log(`  aliases            ${universe.byAlias.size} distinctive, ${universe.byAmbiguousAlias.size} ambiguous`);
  console.log(`  indices            ${universe.indices.length}`);
  for (const [symbol, members] of indexMembers(universe)) {
    const name = universe.indices.find((i) => i.symbol === symbol)?.name ?? "";
    console.log(`    ${symbol.padEnd(12)} ${String(members.length).padStart(5)} members  ${name}`);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// import: the pure part

/** One company of SEC's list: every ticker that shares a CIK, in the order the file gives them. */
export interface SecCompany {
  cik: number;
  title: string;
  tickers: string[];
}

export class SecFormatError extends Error {
  override name = "SecFormatError";
}

/**
 * Reads SEC's company_tickers.json: {"0": {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."}, ...}.
 * Tickers of one CIK (GOOGL and GOOG, BRK-B and BRK-A) become one company, the first one listed leading.
 */
export function parseSecTickers(text: string): SecCompany[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SecFormatError(`not JSON (${(err as Error).message}); expected SEC's company_tickers.json`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new SecFormatError(
      `expected an object of numbered entries like {"0": {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."}}, got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`,
    );
  }
  const byCik = new Map<number, SecCompany>();
  // SEC numbers the entries by rank; sort numerically so the larger listing of a CIK leads.
  const keys = Object.keys(raw).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  for (const key of keys) {
    const entry = (raw as Record<string, unknown>)[key];
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw new SecFormatError(`entry ${key} is not an object`);
    const e = entry as Record<string, unknown>;
    for (const field of ["cik_str", "ticker", "title"]) {
      if (!(field in e)) throw new SecFormatError(`entry ${key} is missing "${field}"`);
    }
    const cik = typeof e.cik_str === "string" ? Number(e.cik_str) : e.cik_str;
    if (typeof cik !== "number" || !Number.isInteger(cik)) throw new SecFormatError(`entry ${key} has a "cik_str" that is not a number`);
    if (typeof e.ticker !== "string" || !e.ticker.trim()) throw new SecFormatError(`entry ${key} has an empty or non-text "ticker"`);
    if (typeof e.title !== "string" || !e.title.trim()) throw new SecFormatError(`entry ${key} has an empty or non-text "title"`);
    const company = byCik.get(cik) ?? { cik, title: e.title.trim(), tickers: [] };
    company.tickers.push(e.ticker.trim());
    byCik.set(cik, company);
  }
  return [...byCik.values()];
}

/** SEC writes share classes with a dash (BRK-B); the universe uses Yahoo's dot (BRK.B). */
export function secToSymbol(ticker: string): string {
  return ticker.toUpperCase().replace(/^([A-Z0-9]+)-([A-Z])$/, "$1.$2");
}

const SUFFIXES = new Set(
  [
    "inc", "incorporated", "corp", "corporation", "co", "company", "companies", "ltd", "limited", "plc", "llc", "lp", "l.p",
    "n.v", "nv", "s.a", "sa", "ag", "se", "spa", "s.p.a", "holdings", "holding", "group", "de", "md", "new", "trust",
  ].map((s) => s.replace(/\.$/, "")),
);

/** Titles SEC writes in capitals ("NVIDIA CORP") read better as "Nvidia Corp" in an alert. */
export function recase(title: string): string {
  if (/[a-z]/.test(title)) return title;
  return title.replace(/[A-Z][A-Z'.&]*/g, (w) => {
    const suffix = SUFFIXES.has(w.toLowerCase().replace(/\.$/, ""));
    // Short words and "AT&T" or "U.S." are usually initials: left in capitals.
    if (!suffix && (w.length <= 3 || /[&.]./.test(w))) return w;
    return w[0] + w.slice(1).toLowerCase();
  });
}

/** SEC's title as an alert shows it: recased, without the state of incorporation ("/DE/"). */
export function displayName(title: string): string {
  return recase(title).replace(/\s*[/\\][A-Z]{2,3}[/\\]?\s*$/i, "").trim();
}

/** The name a newsroom would use: "Apple Inc." -> "Apple", "Meta Platforms, Inc." -> "Meta Platforms". */
export function shortName(title: string): string {
  let words = displayName(title)
    .replace(/\s*\([^)]*\)\s*/g, " ")
    .split(/[\s,]+/)
    .filter(Boolean);
  while (words.length > 1) {
    const last = (words[words.length - 1] as string).toLowerCase().replace(/\.+$/, "");
    if (SUFFIXES.has(last) || last === "&" || last === "and") words = words.slice(0, -1);
    else break;
  }
  return words.join(" ").replace(/[.,]+$/, "");
}

/**
 * Short names that are also everyday words: alone they would match ordinary prose, so they go to
 * "ambiguous" (counted only with a cue for the company), as the universe schema asks.
 */
const ORDINARY_WORDS = new Set([
  "Target", "Block", "Visa", "Match", "Gap", "Ball", "Best", "Global", "General", "United", "American", "National", "First",
  "Progressive", "Southern", "Public", "Carrier", "Crown", "Gates", "Snap", "Square", "Shift", "Open", "Lemonade", "Root",
  "Compass", "Energy", "Oil", "Capital", "Financial", "Bank", "Health", "Digital", "Pioneer", "Liberty", "Frontier", "Summit",
  "Sun", "Star", "Apex", "Vista", "Genesis", "Unity", "Harmony", "Alpha", "Beta", "Delta", "Atlas", "Titan", "Eagle", "Phoenix",
  "Fox", "Equity", "Realty", "Resources", "Industries", "Partners", "Solutions", "Systems", "Technologies", "Therapeutics",
  "Pharmaceuticals", "Bancorp", "Acquisition", "Coherent", "Insight", "Progress", "Guess", "Hope", "Wave", "Core", "Edge",
  "News", "Trade", "Data", "Strategy", "Genuine", "Dollar", "Chase", "Caterpillar", "Amazon", "Oracle", "Shell",
]);

export interface ImportPlan {
  /** The new companies, in SEC order. */
  added: Company[];
  /** SEC companies one of whose tickers is already a symbol, listing or former symbol of the universe. */
  skippedExisting: Array<{ ticker: string; existing: string }>;
  /** Tickers that cannot be a universe symbol (lower-case letters are upper-cased first). */
  skippedInvalid: Array<{ ticker: string; reason: string }>;
  /** Short names added as ambiguous aliases: shared with another company or an everyday word. */
  aliasesAmbiguous: Array<{ symbol: string; alias: string; why: string }>;
  /** Short names left out because another company or index owns them. */
  aliasesDropped: Array<{ symbol: string; alias: string; why: string }>;
}

/**
 * Plans an import without touching anything: never creates a conflict with the universe, so the
 * result always loads (buildUniverse is run on it by the caller to make sure).
 */
export function planImport(universe: Universe, sec: readonly SecCompany[]): ImportPlan {
  const plan: ImportPlan = { added: [], skippedExisting: [], skippedInvalid: [], aliasesAmbiguous: [], aliasesDropped: [] };
  const drafts: Array<{ company: Company; alias?: string }> = [];
  const taken = new Set<string>();

  for (const sec1 of sec) {
    const symbols: string[] = [];
    let existing: { ticker: string; existing: string } | undefined;
    let invalid: { ticker: string; reason: string } | undefined;
    for (const ticker of sec1.tickers) {
      const symbol = secToSymbol(ticker);
      const ok = SymbolSchema.safeParse(symbol);
      if (!ok.success || symbol.startsWith("^")) {
        invalid ??= { ticker, reason: ok.success ? "starts with '^' (index symbols are not companies)" : (ok.error.issues[0]?.message ?? "not a symbol") };
        continue;
      }
      const owner = universe.bySymbol.get(symbol);
      if (owner) existing ??= { ticker, existing: owner.symbol };
      if (taken.has(symbol)) existing ??= { ticker, existing: `another SEC entry (${symbol})` };
      if (!symbols.includes(symbol)) symbols.push(symbol);
    }
    if (existing) {
      plan.skippedExisting.push(existing);
      continue;
    }
    const [symbol, ...listings] = symbols;
    if (!symbol) {
      plan.skippedInvalid.push(invalid ?? { ticker: sec1.tickers.join(", "), reason: "no ticker" });
      continue;
    }
    for (const s of symbols) taken.add(s);
    const company: Company = {
      symbol,
      name: displayName(sec1.title),
      listings,
      former: [],
      aliases: [],
      ambiguous: [],
      indices: [],
    };
    const alias = shortName(sec1.title);
    const usable = alias.length >= 2 && alias.toUpperCase() !== symbol && /[A-Za-z]/.test(alias) && !SUFFIXES.has(alias.toLowerCase());
    drafts.push(usable ? { company, alias } : { company });
  }

  // A short name two new companies share is ambiguous for both; one already in the universe decides by its kind.
  const names = new Map(universe.companies.map((c) => [c.name, c.symbol]));
  const newUses = new Map<string, number>();
  for (const d of drafts) if (d.alias) newUses.set(d.alias, (newUses.get(d.alias) ?? 0) + 1);
  for (const { company, alias } of drafts) {
    plan.added.push(company);
    if (!alias) continue;
    const owner = universe.byAlias.get(alias);
    const index = universe.indexByName.get(alias);
    const sharedWith = universe.byAmbiguousAlias.get(alias);
    if (owner) {
      plan.aliasesDropped.push({ symbol: company.symbol, alias, why: `already a distinctive alias of ${owner.symbol}` });
    } else if (names.has(alias)) {
      plan.aliasesDropped.push({ symbol: company.symbol, alias, why: `the name of ${names.get(alias)}` });
    } else if (index) {
      plan.aliasesDropped.push({ symbol: company.symbol, alias, why: `the name of index ${index.symbol}` });
    } else if (sharedWith) {
      company.ambiguous.push(alias);
      plan.aliasesAmbiguous.push({ symbol: company.symbol, alias, why: `shared with ${sharedWith.map((c) => c.symbol).join(", ")}` });
    } else if ((newUses.get(alias) ?? 0) > 1) {
      company.ambiguous.push(alias);
      plan.aliasesAmbiguous.push({ symbol: company.symbol, alias, why: "shared with another imported company" });
    } else if (ORDINARY_WORDS.has(alias)) {
      company.ambiguous.push(alias);
      plan.aliasesAmbiguous.push({ symbol: company.symbol, alias, why: "an everyday word" });
    } else {
      company.aliases.push(alias);
    }
  }
  return plan;
}

/** The company as written to the file: empty lists left out, as an operator would write it. */
function compact(company: Company): Record<string, unknown> {
  const out: Record<string, unknown> = { symbol: company.symbol, name: company.name };
  for (const key of ["listings", "aliases", "ambiguous"] as const) if (company[key].length) out[key] = company[key];
  return out;
}

// ---------------------------------------------------------------------------------------------------
// import: files

function importCommand(file: string, opts: ParsedArgs): number {
  const dir = resolve(opts.dir);
  const out = resolve(opts.out ?? join(dir, "local.json"));

  let sec: SecCompany[];
  try {
    sec = parseSecTickers(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = err instanceof SecFormatError ? err.message : `cannot read it: ${(err as Error).message}`;
    console.error(`catalyst-bot universe import: ${file}: ${reason}`);
    return 1;
  }

  // The out file as the operator wrote it: its objects are kept verbatim, only new companies are appended.
  let outRaw: { companies?: unknown[]; indices?: unknown[]; [k: string]: unknown } = { companies: [], indices: [] };
  if (existsSync(out)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(out, "utf8"));
      UniverseFileSchema.parse(parsed);
      outRaw = parsed as typeof outRaw;
    } catch (err) {
      console.error(`catalyst-bot universe import: ${out} is not a valid universe file (${(err as Error).message}); fix it or choose another --out`);
      return 1;
    }
  }

  let universe: Universe;
  try {
    const files = readUniverseFiles(dir);
    // An --out outside the folder still counts: its companies must not be added twice.
    if (dirname(out) !== dir && existsSync(out)) files.push({ name: basename(out), data: UniverseFileSchema.parse(outRaw) });
    universe = buildUniverse(files);
  } catch (err) {
    if (err instanceof UniverseError) {
      console.error(`catalyst-bot universe import: fix the universe first (run 'catalyst-bot universe check').\n${err.message}`);
      return 1;
    }
    throw err;
  }

  const plan = planImport(universe, sec);
  const next = { ...outRaw, companies: [...(outRaw.companies ?? []), ...plan.added.map(compact)], indices: outRaw.indices ?? [] };

  // The plan is built to be conflict-free; prove it before writing anything.
  try {
    const files = readUniverseFiles(dir).filter((f) => join(dir, f.name) !== out);
    files.push({ name: basename(out), data: UniverseFileSchema.parse(next) });
    buildUniverse(files);
  } catch (err) {
    console.error(`catalyst-bot universe import: the result would not load, nothing written (please report this):\n${(err as Error).message}`);
    return 1;
  }

  printSummary(plan, sec.length, out, opts.dryRun);
  if (opts.dryRun || plan.added.length === 0) return 0;

  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, out);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    console.error(`catalyst-bot universe import: cannot write ${out}: ${(err as Error).message}`);
    return 1;
  }
  return 0;
}

function printSummary(plan: ImportPlan, secCount: number, out: string, dryRun: boolean): void {
  const show = <T>(items: T[], line: (item: T) => string, max = 10) => {
    for (const item of items.slice(0, max)) console.log(`    ${line(item)}`);
    if (items.length > max) console.log(`    ... and ${items.length - max} more`);
  };
  console.log(`${dryRun ? "dry run: would import" : "imported"} from ${secCount} SEC companies into ${out}:`);
  console.log(`  added                ${plan.added.length}`);
  show(plan.added, (c) => `${c.symbol} ${c.name}${c.aliases.length ? ` (alias "${c.aliases[0]}")` : ""}`);
  console.log(`  skipped as existing  ${plan.skippedExisting.length}`);
  show(plan.skippedExisting, (s) => `${s.ticker}: already ${s.existing}`, 5);
  if (plan.skippedInvalid.length) {
    console.log(`  skipped as invalid   ${plan.skippedInvalid.length}`);
    show(plan.skippedInvalid, (s) => `${s.ticker}: ${s.reason}`, 5);
  }
  console.log(`  aliases made ambiguous ${plan.aliasesAmbiguous.length} (they count only with a cue for the company)`);
  show(plan.aliasesAmbiguous, (a) => `"${a.alias}" for ${a.symbol}: ${a.why}`);
  console.log(`  aliases dropped      ${plan.aliasesDropped.length}`);
  show(plan.aliasesDropped, (a) => `"${a.alias}" for ${a.symbol}: ${a.why}`);
  if (dryRun) console.log("nothing written (--dry-run)");
  else if (plan.added.length === 0) console.log("nothing to add: file left as it was");
}
