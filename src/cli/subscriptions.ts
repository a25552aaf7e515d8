// `catalyst-bot subscriptions export|import`: back up every tenant's channel subscriptions as JSON, and restore them.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { closeRedis, createRedisConnection } from "../adapters/redis/connection.ts";
import { RedisServerMissingError } from "../adapters/redis/private-server.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../adapters/redis/subscriptions.ts";
import { loadConfig, type Config } from "../config.ts";
import { CatalystSlugSchema } from "../core/catalysts.ts";
import type { Subscription } from "../core/store.ts";
import { openBotRedis } from "./bot-redis.ts";

const USAGE = `usage: catalyst-bot subscriptions <command> [options]

commands:
  export [--out FILE]           write every workspace's and server's subscriptions as JSON (stdout by default)
  import FILE [--replace]       restore subscriptions from an export (FILE '-' reads stdin). Importing the same
                                file twice changes nothing. --replace also removes subscriptions that are not
                                in the file, so the bot ends up with exactly the file's subscriptions.

Uses REDIS_URL and QUEUE_PREFIX. Without REDIS_URL it uses the private redis-server of a running
'catalyst-bot start' (found through DATA_DIR/redis/redis.url), or opens DATA_DIR/redis itself when the bot
is stopped. To reach the Redis of a bot running elsewhere (e.g. in Docker), set REDIS_URL to it.`;

export const BACKUP_FORMAT = "catalyst-bot/subscriptions";
export const BACKUP_VERSION = 1;

const SubscriptionSchema = z.object({
  destination: z.object({
    platform: z.enum(["slack", "discord", "webhook", "console"]),
    tenant: z.string().min(1),
    channel: z.string().min(1),
  }),
  ticker: z.string().min(1).max(32).optional(),
  catalysts: z.array(CatalystSlugSchema),
  minConfidence: z.number().min(0).max(1),
  createdAt: z.string().min(1),
  createdBy: z.string().optional(),
});

export const BackupSchema = z.object({
  format: z.literal(BACKUP_FORMAT, { error: `not a catalyst-bot subscriptions export (its "format" must be "${BACKUP_FORMAT}")` }),
  version: z.number().int().refine((v) => v === BACKUP_VERSION, {
    error: (issue) =>
      typeof issue.input === "number" && issue.input > BACKUP_VERSION
        ? `format version ${issue.input} was written by a newer catalyst-bot; upgrade this one to import it`
        : `unknown format version (this catalyst-bot reads version ${BACKUP_VERSION})`,
  }),
  exportedAt: z.string(),
  subscriptions: z.array(SubscriptionSchema),
});
export type SubscriptionsBackup = z.infer<typeof BackupSchema>;

export class BackupFileError extends Error {
  override name = "BackupFileError";
}

/** Identity of a subscription in the store: one per channel and ticker (or "*" for catalyst-only). */
const identity = (s: Subscription) => JSON.stringify([s.destination.platform, s.destination.tenant, s.destination.channel, s.ticker?.toUpperCase() ?? "*"]);

export async function exportSubscriptions(store: RedisSubscriptionStore, now = new Date()): Promise<SubscriptionsBackup> {
  const subscriptions: Subscription[] = [];
  for (const scope of await store.tenants()) subscriptions.push(...(await store.list(scope)));
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: now.toISOString(), subscriptions };
}

/** Parses an export's text; throws BackupFileError naming each problem with where it is (e.g. subscriptions[3].catalysts[0]). */
export function parseBackup(text: string, source: string): SubscriptionsBackup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BackupFileError(`${source} is not valid JSON (${err instanceof Error ? err.message : String(err)}). Is it a file written by 'catalyst-bot subscriptions export'?`);
  }
  const parsed = BackupSchema.safeParse(json);
  if (!parsed.success) {
    const where = (path: PropertyKey[]) =>
      path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "(top level)";
    const lines = parsed.error.issues.slice(0, 20).map((i) => `  ${where(i.path)}: ${i.message}`);
    const more = parsed.error.issues.length > 20 ? `\n  ... and ${parsed.error.issues.length - 20} more problems` : "";
    throw new BackupFileError(`${source} cannot be imported; nothing was changed:\n${lines.join("\n")}${more}`);
  }
  const seen = new Map<string, number>();
  parsed.data.subscriptions.forEach((s, i) => {
    const first = seen.get(identity(s));
    if (first !== undefined) {
      throw new BackupFileError(
        `${source} cannot be imported; nothing was changed:\n  subscriptions[${i}]: the same channel and ticker as subscriptions[${first}] (${s.destination.platform} ${s.destination.tenant} ${s.destination.channel} ${s.ticker ?? "any ticker"}); keep one of them`,
      );
    }
    seen.set(identity(s), i);
  });
  return parsed.data;
}

export interface ImportResult {
  /** New subscriptions, or ones whose rule (catalysts, confidence) changed. */
  added: number;
  unchanged: number;
  /** Subscriptions not in the file, removed by --replace. */
  removed: number;
}

export async function importSubscriptions(store: RedisSubscriptionStore, backup: SubscriptionsBackup, options: { replace?: boolean } = {}): Promise<ImportResult> {
  let removed = 0;
  if (options.replace) {
    const wanted = new Set(backup.subscriptions.map(identity));
    const current = await exportSubscriptions(store);
    for (const s of current.subscriptions) {
      if (wanted.has(identity(s))) continue;
      // Ticker subscriptions are removed one by one; a catalyst-only one by its catalysts. A catalyst-only one for
      // every catalyst can only be removed with the whole channel: the adds below put the file's back.
      const match = s.ticker !== undefined ? { ticker: s.ticker } : s.catalysts.length ? { catalysts: s.catalysts } : {};
      await store.remove(s.destination, match);
      removed++;
    }
  }
  let added = 0;
  for (const s of backup.subscriptions) {
    const sub: Subscription = { ...s, catalysts: [...s.catalysts] };
    if ((await store.add(sub)).added) added++;
  }
  return { added, unchanged: backup.subscriptions.length - added, removed };
}

/** Opens the bot's Redis the way 'catalyst-bot feeds' does. */
async function withStore<T>(config: Config, fn: (store: RedisSubscriptionStore, where: string) => Promise<T>): Promise<T> {
  const { url, where, release } = await openBotRedis(config);
  const redis = createRedisConnection(url, { name: "cli-subscriptions" });
  const store = createRedisSubscriptionStore(redis, config.QUEUE_PREFIX);
  try {
    return await fn(store, where);
  } finally {
    await store.close();
    await closeRedis(redis);
    await release();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

function countTenants(subs: readonly Subscription[]): number {
  return new Set(subs.map((s) => `${s.destination.platform}/${s.destination.tenant}`)).size;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(env);
  try {
    switch (command) {
      case "export": {
        const out = option(rest, "--out");
        if (rest.includes("--out") && !out) {
          console.error("catalyst-bot subscriptions export: --out needs a file name.");
          return 2;
        }
        return await withStore(config, async (store, where) => {
          const backup = await exportSubscriptions(store);
          const text = `${JSON.stringify(backup, null, 2)}\n`;
          if (out) {
            // Write then rename, so an interrupted export never leaves half a backup under the real name.
            const tmp = `${out}.tmp-${process.pid}`;
            writeFileSync(tmp, text);
            renameSync(tmp, out);
          } else {
            process.stdout.write(text);
          }
          console.error(
            `Exported ${backup.subscriptions.length} subscriptions of ${countTenants(backup.subscriptions)} workspaces/servers from ${where} (prefix ${config.QUEUE_PREFIX})${out ? ` to ${out}` : ""}.`,
          );
          return 0;
        });
      }
      case "import": {
        const file = rest.find((a) => !a.startsWith("--") || a === "-");
        const unknown = rest.filter((a) => a.startsWith("--") && a !== "--replace");
        if (!file || unknown.length) {
          console.error(`catalyst-bot subscriptions import: ${file ? `unknown option ${unknown.join(", ")}` : "give the export file to import"}.\n\n${USAGE}`);
          return 2;
        }
        let text: string;
        try {
          text = readFileSync(file === "-" ? 0 : file, "utf8");
        } catch (err) {
          console.error(`catalyst-bot subscriptions import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
          return 1;
        }
        const backup = parseBackup(text, file === "-" ? "stdin" : file);
        const replace = rest.includes("--replace");
        return await withStore(config, async (store, where) => {
          const r = await importSubscriptions(store, backup, { replace });
          console.log(
            `Imported ${backup.subscriptions.length} subscriptions into ${where} (prefix ${config.QUEUE_PREFIX}): ${r.added} added or changed, ${r.unchanged} already there` +
              (replace ? `, ${r.removed} not in the file removed.` : "."),
          );
          return 0;
        });
      }
      default:
        console.error(`catalyst-bot subscriptions: unknown command '${command}'.\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof BackupFileError || err instanceof RedisServerMissingError) {
      console.error(`catalyst-bot: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
