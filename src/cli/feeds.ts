// `catalyst-bot feeds list|add|remove|enable`: manage the polled feeds at run time and show their health.
import { createRedisConnection, closeRedis } from "../adapters/redis/connection.ts";
import { createRedisFeedStore, type FeedHealth, type FeedStore } from "../adapters/redis/feeds.ts";
import { RedisServerMissingError } from "../adapters/redis/private-server.ts";
import { fetchFeed } from "../adapters/feeds/fetch-feed.ts";
import { isFeedError } from "../adapters/feeds/errors.ts";
import { loadConfig, type Config } from "../config.ts";
import { FeedEntrySchema, feedIdFor, type FeedDefinition } from "../contracts/feeds-file.ts";
import { createPipelineQueues, type PipelineQueues } from "../pipeline/queues.ts";
import { openBotRedis } from "./bot-redis.ts";

const USAGE = `usage: catalyst-bot feeds <command> [options]

commands:
  list                              every feed with its health (last success, failures, backoff, disabled reason)
  add URL --name NAME [--interval SECONDS] [--header "Name: value"]... [--no-check]
                                    add a feed at run time; it is fetched once first (SSRF-checked, see
                                    FEED_ALLOW_PRIVATE) and refused when it cannot work
  remove URL|ID                     stop polling a feed and forget its health
  enable URL|ID                     clear the failures of a disabled feed so it is polled again

The running bot picks changes up at once (feeds are polled by per-feed schedulers in Redis).
Without REDIS_URL this uses the private redis-server of 'catalyst-bot start' (DATA_DIR/redis).`;


interface Ctx {
  config: Config;
  feeds: FeedStore;
  queues: PipelineQueues;
}

async function withStore<T>(config: Config, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const target = await openBotRedis(config);
  const url = target.url;
  const redis = createRedisConnection(url, { name: "cli" });
  const queueConn = createRedisConnection(url, { name: "cli-queues", forWorker: true });
  const queues = createPipelineQueues(queueConn, config.QUEUE_PREFIX);
  try {
    const feeds = createRedisFeedStore({ redis, prefix: config.QUEUE_PREFIX, maxFailures: config.FEED_MAX_FAILURES, backoffMaxMs: config.FEED_BACKOFF_MAX_MS });
    return await fn({ config, feeds, queues });
  } finally {
    await queues.close();
    await Promise.all([closeRedis(redis), closeRedis(queueConn)]);
    await target.release();
  }
}

export function describeHealth(h: FeedHealth, now = Date.now()): string {
  if (h.disabledAt) return `DISABLED since ${h.disabledAt}: ${h.disabledReason ?? "unknown reason"} (fix it, then 'catalyst-bot feeds enable')`;
  if (h.consecutiveFailures > 0) {
    const until = h.backoffUntil && Date.parse(h.backoffUntil) > now ? `, next try after ${h.backoffUntil}` : "";
    return `FAILING ${h.consecutiveFailures}x: ${h.lastErrorCode ?? ""} ${h.lastError ?? ""}${until}`;
  }
  if (h.lastSuccessAt) return `ok, last success ${h.lastSuccessAt}, ${h.itemsSeen} items seen`;
  return "not polled yet";
}

async function findFeed(feeds: FeedStore, ref: string): Promise<FeedDefinition | undefined> {
  return (await feeds.get(ref)) ?? (await feeds.get(feedIdFor(ref)));
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
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
      case "list":
        return await withStore(config, async ({ feeds }) => {
          const all = await feeds.list();
          if (all.length === 0) console.log(`No feeds. Add some to ${config.FEEDS_FILE} (read at start) or with 'catalyst-bot feeds add URL --name NAME'.`);
          for (const f of all) {
            const h = await feeds.health(f.id);
            console.log(`${f.name}  [${f.id}, ${f.origin}, every ${f.intervalSeconds}s${f.enabled ? "" : ", off in the feeds file"}]\n  ${f.url}\n  ${describeHealth(h)}`);
          }
          return 0;
        });
      case "add":
        return await add(config, rest);
      case "remove":
      case "enable": {
        const ref = rest[0];
        if (!ref) {
          console.error(`catalyst-bot feeds ${command}: give the feed's URL or id (see 'catalyst-bot feeds list').`);
          return 2;
        }
        return await withStore(config, async ({ feeds, queues }) => {
          const feed = await findFeed(feeds, ref);
          if (!feed) {
            console.error(`No feed ${ref}. 'catalyst-bot feeds list' shows the feeds and their ids.`);
            return 1;
          }
          if (command === "enable") {
            await feeds.reset(feed.id);
            console.log(`Enabled ${feed.name}: it is polled again at its next scheduled run.`);
            return 0;
          }
          await feeds.remove(feed.id);
          await queues.unscheduleFeed(feed.id);
          console.log(`Removed ${feed.name} (${feed.url}).`);
          if (feed.origin === "config") console.log(`It is listed in ${config.FEEDS_FILE}: delete it there too, or it comes back at the next start.`);
          return 0;
        });
      }
      default:
        console.error(`catalyst-bot feeds: unknown command '${command}'.\n\n${USAGE}`);
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

async function add(config: Config, args: string[]): Promise<number> {
  const url = args[0];
  const headers: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a !== "--header") return;
    const [name, ...value] = (args[i + 1] ?? "").split(":");
    if (name?.trim() && value.length) headers[name.trim()] = value.join(":").trim();
  });
  const parsed = FeedEntrySchema.safeParse({
    url,
    name: option(args, "--name"),
    ...(option(args, "--interval") ? { intervalSeconds: Number(option(args, "--interval")) } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  });
  if (!url || !parsed.success) {
    const problems = parsed.success ? "a URL is required" : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    // A feed file on this machine is the operator's choice, made in the feeds file, never through a command.
    const fileHint = url && !/^https?:\/\//i.test(url) ? `\nA feed file on this machine can only be listed in ${config.FEEDS_FILE} ("file": "path/to/feed.xml"); see docs/pipeline.md.` : "";
    console.error(`catalyst-bot feeds add: ${problems}${fileHint}\nusage: catalyst-bot feeds add URL --name NAME [--interval SECONDS]`);
    return 2;
  }
  if (!args.includes("--no-check")) {
    try {
      const res = await fetchFeed(parsed.data.url, {
        timeoutMs: config.FEED_TIMEOUT_MS,
        maxBytes: config.FEED_MAX_BYTES,
        maxRedirects: config.FEED_MAX_REDIRECTS,
        allowPrivate: config.FEED_ALLOW_PRIVATE,
        ...(parsed.data.headers ? { headers: parsed.data.headers } : {}),
      });
      console.log(res.status === "ok" ? `Fetched ${parsed.data.url}: ${res.items.length} items.` : `Fetched ${parsed.data.url}: not modified.`);
    } catch (err) {
      if (isFeedError(err) && !err.transient) {
        console.error(`Not added: ${err.code}: ${err.message}`);
        return 1;
      }
      console.error(`Warning: ${err instanceof Error ? err.message : String(err)}\nAdded anyway: the error may be temporary; 'catalyst-bot feeds list' shows how polling goes.`);
    }
  }
  return withStore(config, async ({ feeds, queues }) => {
    const id = feedIdFor(parsed.data.url);
    const prev = await feeds.get(id);
    const feed: FeedDefinition = { ...parsed.data, id, origin: prev?.origin ?? "runtime", addedAt: prev?.addedAt ?? new Date().toISOString() };
    await feeds.upsert(feed);
    await feeds.reset(id);
    await queues.scheduleFeed(feed);
    console.log(`${prev ? "Updated" : "Added"} ${feed.name} [${id}], polled every ${feed.intervalSeconds}s.`);
    return 0;
  });
}
