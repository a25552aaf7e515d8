// `catalyst-bot deliveries list|explain|retry|enable`: undelivered alerts and disabled destinations, and how to get them going again.
import { closeRedis, createRedisConnection } from "../adapters/redis/connection.ts";
import { createRedisDeliveryStore, type DeliveryStore } from "../adapters/redis/deliveries.ts";
import {
  createRedisDeadLetterStore,
  createRedisDestinationStore,
  type DeadLetter,
  type DeadLetterStore,
  type DestinationStore,
  type DisabledDestination,
} from "../adapters/redis/destinations.ts";
import { RedisServerMissingError } from "../adapters/redis/private-server.ts";
import { loadConfig, type Config } from "../config.ts";
import { disableKeysOf, permanentFailureInfo, transientFailureInfo } from "../core/delivery-failures.ts";
import { destinationKey } from "../core/route.ts";
import { deliveryJobId } from "../pipeline/classify.ts";
import { createPipelineQueues, type PipelineQueues } from "../pipeline/queues.ts";
import { openBotRedis } from "./bot-redis.ts";

const USAGE = `usage: catalyst-bot deliveries <command>

commands:
  list [--limit N]        undelivered alerts (dead letters, newest N, default 50; 0 = all) and
                          disabled destinations
  explain ID|DESTINATION  the whole story of one dead letter or disabled destination: each error,
                          what it means, what to do
  retry ID... | --all     send dead letters again; an alert that did get through is never posted twice
  enable DESTINATION      re-enable a destination (as 'list' shows it, e.g. slack/T0123/C0456,
                          or slack/T0123/* for a workspace) after fixing the cause; then 'retry --all'
                          sends the alerts that were kept for it

Without REDIS_URL this uses the private redis-server of 'catalyst-bot start' (DATA_DIR/redis).`;

interface Ctx {
  config: Config;
  deliveries: DeliveryStore;
  destinations: DestinationStore;
  deadLetters: DeadLetterStore;
  /** Opened on first use: only `retry` queues anything. */
  queues(): Promise<PipelineQueues>;
}

async function withStores<T>(config: Config, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const target = await openBotRedis(config);
  const url = target.url;
  const redis = createRedisConnection(url, { name: "cli" });
  const prefix = config.QUEUE_PREFIX;
  let opened: { conn: ReturnType<typeof createRedisConnection>; queues: PipelineQueues } | undefined;
  const queues = async () => {
    if (!opened) {
      const conn = createRedisConnection(url, { name: "cli-queues", forWorker: true });
      opened = { conn, queues: createPipelineQueues(conn, prefix, { attempts: config.DELIVERY_MAX_ATTEMPTS, backoffMs: config.DELIVERY_BACKOFF_MS }) };
      await opened.queues.alertDeliver.waitUntilReady();
    }
    return opened.queues;
  };
  try {
    return await fn({
      config,
      deliveries: createRedisDeliveryStore({ redis, prefix, retentionDays: config.TIMELINE_RETENTION_DAYS }),
      destinations: createRedisDestinationStore({ redis, prefix }),
      deadLetters: createRedisDeadLetterStore({ redis, prefix }),
      queues,
    });
  } finally {
    if (opened) {
      // Every queue must have finished connecting before its connection goes, or its setup fails unobserved.
      await Promise.all([opened.queues.feedPoll, opened.queues.articleClassify, opened.queues.alertDeliver].map((q) => q.waitUntilReady().catch(() => undefined)));
      await opened.queues.close();
      await closeRedis(opened.conn);
    }
    await closeRedis(redis);
    await target.release();
  }
}

const when = (iso: string) => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** A plain-text table: columns as wide as their widest cell (after `cut`), two spaces apart. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

function alertLabel(l: DeadLetter): string {
  const a = l.job.alert;
  return `${a.ticker ? `${a.ticker} ` : ""}${a.catalyst}: ${a.title}`;
}

const STATE: Record<DeadLetter["kind"], string> = { failed: "gave up", permanent: "refused", skipped: "skipped" };

function meaningOf(platform: DeadLetter["destination"]["platform"], kind: "permanent" | "transient", code: string | undefined) {
  return kind === "permanent" ? permanentFailureInfo(platform, code) : transientFailureInfo(platform, code);
}

async function list(ctx: Ctx, limit: number): Promise<number> {
  const disabled = await ctx.destinations.listDisabled();
  const letters = await ctx.deadLetters.list();
  if (disabled.length === 0 && letters.length === 0) {
    console.log("Every alert was delivered and no destination is disabled.");
    return 0;
  }
  if (disabled.length) {
    console.log(`Disabled destinations (${disabled.length}): nothing is sent to them until enabled.\n`);
    const rows = disabled.map((d) => [d.key, d.scope, d.code ?? "", when(d.firstAt), String(d.count), permanentFailureInfo(d.destination.platform, d.code).action]);
    console.log(table(["DESTINATION", "SCOPE", "CODE", "SINCE", "FAILURES", "TO FIX"], rows));
    console.log(`\nAfter fixing: 'catalyst-bot deliveries enable DESTINATION', then 'catalyst-bot deliveries retry --all'.\n`);
  }
  if (letters.length) {
    console.log(`Undelivered alerts (${letters.length}):\n`);
    const shown = limit > 0 ? letters.slice(0, limit) : letters;
    const rows = shown.map((l) => [
      l.id,
      STATE[l.kind],
      destinationKey(l.destination),
      cut(alertLabel(l), 48),
      cut(l.kind === "skipped" ? `not sent: destination disabled${l.code ? ` (${l.code})` : ""}` : `${l.code ? `${l.code}: ` : ""}${l.error}`, 70),
      String(l.attempts),
      when(l.lastAt),
    ]);
    console.log(table(["ID", "STATE", "DESTINATION", "ALERT", "ERROR", "ATTEMPTS", "LAST"], rows));
    if (shown.length < letters.length) console.log(`… and ${letters.length - shown.length} older ('--limit 0' lists all; 'retry --all' retries all).`);
    console.log(`\n'catalyst-bot deliveries explain ID' tells one's story; 'catalyst-bot deliveries retry ID|--all' sends them again (never twice).`);
  }
  return 0;
}

function findDisabled(all: DisabledDestination[], ref: string): DisabledDestination | undefined {
  const norm = ref.replaceAll(":", "/");
  const exact = all.find((d) => d.key === ref || d.key === norm);
  if (exact) return exact;
  // A bare channel id or webhook name, when it names one disabled channel only.
  const byChannel = all.filter((d) => d.scope === "channel" && d.destination.channel === ref);
  return byChannel.length === 1 ? byChannel[0] : undefined;
}

async function explain(ctx: Ctx, ref: string): Promise<number> {
  const letter = await ctx.deadLetters.get(ref);
  const disabledAll = await ctx.destinations.listDisabled();
  if (!letter) {
    const d = findDisabled(disabledAll, ref);
    if (!d) {
      console.error(`No dead letter or disabled destination '${ref}'. 'catalyst-bot deliveries list' shows both.`);
      return 1;
    }
    const info = permanentFailureInfo(d.destination.platform, d.code);
    const kept = (await ctx.deadLetters.list()).filter((l) => disableKeysOf(l.destination).includes(d.key));
    console.log(`${d.key} is DISABLED (${d.scope === "channel" ? "this channel" : d.scope === "tenant" ? "every channel of this workspace/server" : `every ${d.destination.platform} destination`}).`);
    console.log(`  since ${when(d.firstAt)}, last failure ${when(d.lastAt)}, ${d.count} permanent failure(s)`);
    console.log(`  first failing destination: ${destinationKey(d.destination)}`);
    console.log(`  error: ${d.code ? `[${d.code}] ` : ""}${d.reason}`);
    console.log(`  means: ${info.meaning}`);
    console.log(`  to fix: ${info.action}`);
    console.log(`  then: catalyst-bot deliveries enable ${d.key}`);
    console.log(`        catalyst-bot deliveries retry --all   (${kept.length} alert(s) kept for it)`);
    return 0;
  }
  const a = letter.job.alert;
  const dkey = destinationKey(letter.destination);
  console.log(`Dead letter ${letter.id}: ${alertLabel(letter)}`);
  console.log(`  alert ${a.alertId} (story ${a.storyId}${a.followUp ? ", a follow-up" : ""}), published ${a.published}${a.url ? `, ${a.url}` : ""}`);
  console.log(`  destination: ${dkey}`);
  const summary =
    letter.kind === "failed" ? `gave up after ${letter.attempts} attempt(s)` : letter.kind === "permanent" ? "refused for good by the platform" : "skipped: its destination was disabled";
  console.log(`  state: ${summary}; first ${when(letter.firstAt)}, last ${when(letter.lastAt)}`);
  const record = await ctx.deliveries.get(a.alertId, letter.destination);
  if (record?.state === "sent") console.log(`  NOTE: it was delivered after all (${when(record.at)}): 'retry' only removes this entry.`);

  console.log("\nWhat happened:");
  const notes = await ctx.deadLetters.failures(letter.id);
  const history = notes.length ? notes : [{ at: letter.lastAt, error: letter.error, ...(letter.code ? { code: letter.code } : {}) }];
  const kindOfNote = letter.kind === "failed" ? "transient" : "permanent";
  history.forEach((n, i) => {
    const info = meaningOf(letter.destination.platform, kindOfNote, n.code);
    console.log(`  ${i + 1}. ${when(n.at)}${"attempt" in n && n.attempt ? ` attempt ${n.attempt}` : ""}: ${n.code ? `[${n.code}] ` : ""}${n.error}`);
    console.log(`     means: ${info.meaning}`);
  });
  if (letter.kind === "skipped" && notes.length === 0) console.log("     no request was sent: the destination was disabled before this alert came");

  const disabled = disabledAll.find((d) => disableKeysOf(letter.destination).includes(d.key));
  console.log("\nWhat to do:");
  if (disabled) {
    const info = permanentFailureInfo(disabled.destination.platform, disabled.code);
    console.log(`  ${disabled.key} is disabled (${disabled.code ?? "no code"}): ${info.action}`);
    console.log(`  then: catalyst-bot deliveries enable ${disabled.key}`);
    console.log(`        catalyst-bot deliveries retry ${letter.id}`);
  } else {
    const last = history.at(-1);
    console.log(`  ${meaningOf(letter.destination.platform, kindOfNote, last?.code).action}`);
    console.log(`  then: catalyst-bot deliveries retry ${letter.id}`);
  }
  return 0;
}

type RetryResult = "queued" | "already_delivered" | "already_queued" | "still_disabled";

async function retryOne(ctx: Ctx, letter: DeadLetter): Promise<RetryResult> {
  const { alert } = letter.job;
  const dkey = destinationKey(letter.destination);
  const disabled = await ctx.destinations.disabledFor(letter.destination);
  if (disabled) {
    console.log(`${letter.id}: not sent, ${disabled.key} is still disabled (${disabled.code ?? "no code"}): fix it, then 'catalyst-bot deliveries enable ${disabled.key}'.`);
    return "still_disabled";
  }
  const record = await ctx.deliveries.get(alert.alertId, letter.destination);
  if (record?.state === "sent") {
    await ctx.deadLetters.remove(letter.id);
    await ctx.deadLetters.clearFailures(letter.id);
    console.log(`${letter.id}: already delivered to ${dkey} (${when(record.at)}); nothing sent again.`);
    return "already_delivered";
  }
  // The same job id and delivery record as the first try: the deliverer's claim keeps it to one post.
  if (record?.state === "failed") await ctx.deliveries.reopenFailed(alert.alertId, letter.destination);
  const jobId = deliveryJobId(alert.alertId, letter.destination);
  const queues = await ctx.queues();
  await queues.alertDeliver.remove(jobId);
  const pending = await queues.alertDeliver.getJob(jobId);
  if (pending) {
    await ctx.deadLetters.remove(letter.id);
    console.log(`${letter.id}: already queued for ${dkey}.`);
    return "already_queued";
  }
  // Out of the dead letters first: the new attempt may land there again at once (still failing).
  await ctx.deadLetters.remove(letter.id);
  await ctx.deadLetters.clearFailures(letter.id);
  try {
    await queues.addDeliveries([{ ...letter.job, deferrals: 0 }]);
  } catch (err) {
    await ctx.deadLetters.record(letter.job, { kind: letter.kind, error: letter.error, ...(letter.code ? { code: letter.code } : {}), attempts: letter.attempts });
    throw err;
  }
  console.log(`${letter.id}: queued again for ${dkey} (${cut(alertLabel(letter), 60)}).`);
  return "queued";
}

async function retry(ctx: Ctx, refs: string[]): Promise<number> {
  const all = refs.includes("--all");
  const letters: DeadLetter[] = [];
  let missing = 0;
  if (all) letters.push(...(await ctx.deadLetters.list()).reverse());
  else {
    for (const id of refs) {
      const l = await ctx.deadLetters.get(id);
      if (l) letters.push(l);
      else {
        missing++;
        console.error(`${id}: no such dead letter (already retried or delivered?). 'catalyst-bot deliveries list' shows what is left.`);
      }
    }
  }
  if (all && letters.length === 0) {
    console.log("Nothing to retry: every alert was delivered.");
    return 0;
  }
  const counts: Record<RetryResult, number> = { queued: 0, already_delivered: 0, already_queued: 0, still_disabled: 0 };
  for (const l of letters) counts[await retryOne(ctx, l)]++;
  if (letters.length > 1) {
    console.log(`\n${counts.queued} queued, ${counts.already_delivered} already delivered, ${counts.already_queued} already queued, ${counts.still_disabled} held (destination disabled).`);
  }
  if (counts.queued) console.log("The running bot delivers them now; 'catalyst-bot deliveries list' shows any that fail again.");
  return missing > 0 || (!all && counts.still_disabled > 0) ? 1 : 0;
}

async function enable(ctx: Ctx, ref: string): Promise<number> {
  const all = await ctx.destinations.listDisabled();
  const found = findDisabled(all, ref);
  if (!found) {
    // A channel stopped by its workspace's or platform's disable: say which one to enable.
    const [platform, tenant, channel] = ref.replaceAll(":", "/").split("/");
    const covering = platform && tenant && channel ? all.find((d) => d.key === `${platform}/${tenant}/*` || d.key === `${platform}/*/*`) : undefined;
    if (covering) {
      console.error(`${ref} is stopped by ${covering.key} (${covering.code ?? "no code"}): fix that, then 'catalyst-bot deliveries enable ${covering.key}'.`);
      return 1;
    }
    console.error(`'${ref}' is not disabled. 'catalyst-bot deliveries list' shows the disabled destinations as platform/tenant/channel.`);
    return 1;
  }
  await ctx.destinations.enable(found.key);
  const kept = (await ctx.deadLetters.list()).filter((l) => disableKeysOf(l.destination).includes(found.key));
  console.log(`Enabled ${found.key}: new alerts are sent to it again.`);
  if (kept.length) console.log(`${kept.length} alert(s) were kept for it: 'catalyst-bot deliveries retry --all' sends them (each at most once).`);
  return 0;
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
      case "list": {
        const i = rest.indexOf("--limit");
        const limit = i === -1 ? 50 : Number(rest[i + 1]);
        if (!Number.isInteger(limit) || limit < 0) {
          console.error("catalyst-bot deliveries list: --limit takes a whole number (0 = all).");
          return 2;
        }
        return await withStores(config, (ctx) => list(ctx, limit));
      }
      case "explain":
      case "enable": {
        const ref = rest[0];
        if (!ref) {
          console.error(`catalyst-bot deliveries ${command}: give a ${command === "enable" ? "destination" : "dead letter id or destination"} (see 'catalyst-bot deliveries list').`);
          return 2;
        }
        return await withStores(config, (ctx) => (command === "enable" ? enable(ctx, ref) : explain(ctx, ref)));
      }
      case "retry":
        if (rest.length === 0) {
          console.error("catalyst-bot deliveries retry: give dead letter ids or --all (see 'catalyst-bot deliveries list').");
          return 2;
        }
        return await withStores(config, (ctx) => retry(ctx, rest));
      default:
        console.error(`catalyst-bot deliveries: unknown command '${command}'.\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof RedisServerMissingError) {
      console.error(`catalyst-bot: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
