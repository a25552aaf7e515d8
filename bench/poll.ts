// `npm run bench:poll`: one polling cycle of --feeds feeds (default 1000) on a loopback server, 90% answering 304.
//
// A first cycle fetches every feed once (so each has an ETag); then 10% of the feeds change and the timed
// cycle polls all of them through the feed-poll queue and worker, as the schedulers would. The last line is one JSON object.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { QueueEvents } from "bullmq";
import { createApp } from "../src/app.ts";
import { closeRedis, createRedisConnection } from "../src/adapters/redis/connection.ts";
import { startPrivateRedis, type PrivateRedis } from "../src/adapters/redis/private-server.ts";
import { loadConfig } from "../src/config.ts";
import { feedIdFor, type FeedDefinition } from "../src/contracts/feeds-file.ts";
import { QUEUES } from "../src/contracts/queues.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

const FEEDS = option("--feeds", 1000);
const CONCURRENCY = option("--concurrency", 100);
const ITEMS = 20;

interface FeedState {
  version: number;
}

function feedBody(index: number, version: number): string {
  const items = Array.from({ length: ITEMS }, (_, k) => {
    const n = version * ITEMS + k;
    return `<item><title>Feed ${index} item ${n}</title><link>http://bench.test/${index}/${n}</link><guid>http://bench.test/${index}/${n}</guid><pubDate>${new Date(1_700_000_000_000 + n * 60_000).toUTCString()}</pubDate><description>Item ${n} of feed ${index}.</description></item>`;
  }).join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${index}</title><link>http://bench.test/</link><description>b</description>${items}</channel></rss>`;
}

async function main(): Promise<void> {
  let priv: PrivateRedis | undefined;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    priv = await startPrivateRedis({ persistent: false });
    redisUrl = priv.url;
  }
  const prefix = `bench-${randomUUID()}`;
  const states: FeedState[] = Array.from({ length: FEEDS }, () => ({ version: 0 }));
  let requests = 0;
  let notModified = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const m = /^\/feed-(\d+)\.xml$/.exec(req.url ?? "");
    const index = Number(m?.[1] ?? -1);
    const state = states[index];
    if (!state) return void res.writeHead(404).end();
    const etag = `"${index}-${state.version}"`;
    if (req.headers["if-none-match"] === etag) {
      notModified++;
      return void res.writeHead(304, { etag }).end();
    }
    res.writeHead(200, { "content-type": "application/rss+xml", etag }).end(feedBody(index, state.version));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config = loadConfig({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    FEEDS_FILE: join(REPO, "bench", "no-feeds-file.json"),
    FEED_ALLOW_PRIVATE: "127.0.0.1",
    LOG_LEVEL: "warn",
    POLL_CONCURRENCY: String(CONCURRENCY),
  });
  // The poller alone: new items queue up for a classifier that is not running here.
  const app = await createApp({ config, redisUrl, roles: ["poller"] });
  await app.start();
  const feeds: FeedDefinition[] = [];
  for (let i = 0; i < FEEDS; i++) {
    const url = `${base}/feed-${i}.xml`;
    const def: FeedDefinition = { id: feedIdFor(url), url, name: `Bench feed ${i}`, intervalSeconds: 3600, enabled: true, origin: "runtime", addedAt: new Date().toISOString() };
    feeds.push(def);
    await app.feeds.upsert(def);
  }
  const events = new QueueEvents(QUEUES.feedPoll, { connection: { url: redisUrl }, prefix });
  // Each waiting job listens for the queue closing; thousands wait at once here.
  app.queues.feedPoll.setMaxListeners(0);
  await events.waitUntilReady();
  const outcomes = new Map<string, number>();
  const cycle = async () => {
    const jobs = await app.queues.feedPoll.addBulk(feeds.map((f) => ({ name: "poll", data: { feedId: f.id }, opts: { jobId: `bench-${randomUUID()}` } })));
    const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 120_000) as Promise<string>));
    outcomes.clear();
    for (const r of results) outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
  };

  await cycle(); // every feed fetched once: ETags recorded, items primed
  for (let i = 0; i < FEEDS; i += 10) (states[i] as FeedState).version++;
  requests = 0;
  notModified = 0;
  const t0 = performance.now();
  await cycle();
  const seconds = (performance.now() - t0) / 1000;
  const queued = await app.queues.articleClassify.getWaitingCount();

  const row = (label: string, value: string) => console.log(`${label.padEnd(36)} ${value}`);
  console.log("poll benchmark (loopback server, real Redis, feed-poll worker)");
  row("feeds in the cycle", String(FEEDS));
  row("worker concurrency", String(CONCURRENCY));
  row("requests (304 / 200)", `${requests} (${notModified} / ${requests - notModified})`);
  row("outcomes", [...outcomes].map(([k, v]) => `${k} ${v}`).join(", "));
  row("new articles queued", String(queued));
  row("cycle wall time (s)", seconds.toFixed(2));
  row("requests/s", (requests / seconds).toFixed(0));

  await events.close();
  await Promise.all([app.queues.feedPoll, app.queues.articleClassify, app.queues.alertDeliver].map((q) => q.obliterate({ force: true })));
  await app.stop();
  const redis = createRedisConnection(redisUrl, { name: "bench-cleanup" });
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  await closeRedis(redis);
  await new Promise((r) => server.close(r));
  await priv?.stop();
  console.log(JSON.stringify({ feeds: FEEDS, cycle_s: Number(seconds.toFixed(3)), requests_per_s: Math.round(requests / seconds) }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
