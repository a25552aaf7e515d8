// `npm run bench:pipeline`: articles through poll -> classify -> deliver on loopback, with the real classifier and Redis.
//
// Phase 1 (paced): new items appear at --rate articles/s (default 100) for --seconds (default 20); each poll
// runs right after its feed changed; latency = from the start of the poll that saw an item to its delivery.
// Phase 2 (burst): --burst articles (default 5000) appear at once in 50 feeds; throughput = articles / time
// from the first poll to the last delivery. One process, like `npm start`. The last line is one JSON object.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { QueueEvents } from "bullmq";
import { createApp, type App } from "../src/app.ts";
import { closeRedis, createRedisConnection } from "../src/adapters/redis/connection.ts";
import { startPrivateRedis, type PrivateRedis } from "../src/adapters/redis/private-server.ts";
import { loadConfig } from "../src/config.ts";
import { feedIdFor, type FeedDefinition } from "../src/contracts/feeds-file.ts";
import { QUEUES } from "../src/contracts/queues.ts";
import { loadClassifier } from "../src/classifier.ts";
import type { Notifier } from "../src/core/notifier.ts";
import type { Classify } from "../src/core/types.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

const RATE = option("--rate", 100);
const SECONDS = option("--seconds", 20);
const BURST = option("--burst", 5000);
// --classify-repeat K runs the classifier K times per article: how much end-to-end throughput depends on the
// classifier's speed (K = 4 is a classifier four times slower).
const CLASSIFY_REPEAT = option("--classify-repeat", 1);
const FEEDS = 50;
const FEED_KEEPS = 50; // items a feed lists at once, newest first, as real feeds do

// Companies of the US universe files, named the way news copy names them.
function companies(): Array<{ name: string }> {
  const dir = join(REPO, "config", "universe");
  const out: Array<{ name: string }> = [];
  for (const f of readdirSync(dir).filter((f) => /^us-\d+\.json$/.test(f))) {
    const data = JSON.parse(readFileSync(join(dir, f), "utf8")) as { companies: Array<{ name: string; aliases?: string[] }> };
    for (const c of data.companies) out.push({ name: c.aliases?.[0] ?? c.name });
  }
  if (out.length === 0) throw new Error("no companies found under config/universe/us-*.json");
  return out;
}

const TEMPLATES = [
  (n: string, i: number) => [`${n} announces $${(i % 40) + 2} billion share buyback`, `${n} said its board authorized a new $${(i % 40) + 2} billion share repurchase program.`],
  (n: string, i: number) => [`${n} raises quarterly dividend by ${(i % 9) + 2}%`, `${n} increased its quarterly dividend to $0.${(i % 80) + 10} per share.`],
  (n: string, i: number) => [`${n} beats estimates as quarterly earnings rise ${(i % 30) + 3}%`, `${n} reported quarterly earnings per share above analyst estimates; revenue grew.`],
];

interface FeedState {
  items: string[];
  etag: string;
}

function startServer(feeds: Map<string, FeedState>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const f = feeds.get(req.url ?? "");
    if (!f) return void res.writeHead(404).end();
    if (req.headers["if-none-match"] === f.etag) return void res.writeHead(304, { etag: f.etag }).end();
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title><link>http://bench.test/</link><description>b</description>${f.items.join("")}</channel></rss>`;
    res.writeHead(200, { "content-type": "application/rss+xml", etag: f.etag }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  let priv: PrivateRedis | undefined;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    priv = await startPrivateRedis({ persistent: false });
    redisUrl = priv.url;
  }
  const prefix = `bench-${randomUUID()}`;
  const feedStates = new Map<string, FeedState>();
  const server = await startServer(feedStates);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const names = companies();

  const config = loadConfig({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    FEEDS_FILE: join(REPO, "bench", "no-feeds-file.json"),
    FEED_ALLOW_PRIVATE: "127.0.0.1",
    LOG_LEVEL: "warn",
    CONSOLE_ALERTS: "true",
    CONSOLE_MIN_CONFIDENCE: "0",
    POLL_CONCURRENCY: "50",
    CLASSIFY_CONCURRENCY: "8",
    DELIVER_CONCURRENCY: "50",
  });

  let latencies: number[] = [];
  let lastDelivery = 0;
  const articlesDelivered = new Set<string>();
  // The recording notifier: posts nowhere, so the figures are the pipeline's own.
  const recorder: Notifier = { platform: "console", send: async (d, alert) => ({ messageId: alert.alertId, channel: d.channel }) };
  const real = loadClassifier({ universeDir: config.UNIVERSE_DIR });
  const classify: Classify = (article, opts) => {
    let result = real(article, opts);
    for (let k = 1; k < CLASSIFY_REPEAT; k++) result = real(article, opts);
    return result;
  };
  const app: App = await createApp({
    config,
    redisUrl,
    classify,
    notifiers: [recorder],
    onDelivered: (job) => {
      lastDelivery = Date.now();
      if (!job.alert.followUp || !articlesDelivered.has(job.alert.articleId)) latencies.push(lastDelivery - job.polledAt);
      articlesDelivered.add(job.alert.articleId);
    },
  });
  await app.start();
  const events = new QueueEvents(QUEUES.articleClassify, { connection: { url: redisUrl }, prefix });
  let classified = 0;
  events.on("completed", () => classified++);
  await events.waitUntilReady();

  const feeds: FeedDefinition[] = [];
  for (let i = 0; i < FEEDS; i++) {
    const url = `${base}/feed-${i}.xml`;
    feedStates.set(`/feed-${i}.xml`, { items: [], etag: `"0"` });
    const def: FeedDefinition = { id: feedIdFor(url), url, name: `Bench feed ${i}`, intervalSeconds: 3600, enabled: true, origin: "runtime", addedAt: new Date().toISOString() };
    feeds.push(def);
    await app.feeds.upsert(def);
  }
  const pollEvents = new QueueEvents(QUEUES.feedPoll, { connection: { url: redisUrl }, prefix });
  // Each waiting job listens for the queue closing; thousands wait at once here.
  app.queues.feedPoll.setMaxListeners(0);
  await pollEvents.waitUntilReady();
  const poll = async (feed: FeedDefinition) => {
    const job = await app.queues.feedPoll.add("poll", { feedId: feed.id }, { jobId: `bench-${randomUUID()}` });
    return job.waitUntilFinished(pollEvents, 60_000);
  };
  await Promise.all(feeds.map(poll)); // first polls record the (empty) feeds

  let seq = 0;
  const publish = (feedIndex: number, count: number) => {
    const f = feedStates.get(`/feed-${feedIndex}.xml`);
    if (!f) throw new Error("no feed");
    for (let k = 0; k < count; k++) {
      const i = seq++;
      const name = names[(i * 7919) % names.length]?.name ?? "Apple";
      const [title = "", text = ""] = (TEMPLATES[i % TEMPLATES.length] ?? TEMPLATES[0]!)(name, i);
      f.items.unshift(`<item><title>${xml(title)}</title><link>http://bench.test/a/${i}</link><guid>http://bench.test/a/${i}</guid><pubDate>${new Date().toUTCString()}</pubDate><description>${xml(text)}</description></item>`);
    }
    f.items.length = Math.min(f.items.length, Math.max(FEED_KEEPS, count));
    f.etag = `"${seq}"`;
  };
  const idle = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await Promise.all([app.queues.articleClassify, app.queues.alertDeliver].map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      if (Date.now() > deadline) throw new Error(`pipeline still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // Phase 1: paced.
  const perTick = Math.max(1, Math.round(RATE / 10));
  const ticks = Math.round((SECONDS * RATE) / perTick);
  const pacedStart = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let t = 0; t < ticks; t++) {
    const due = pacedStart + t * (perTick / RATE) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const feed = feeds[t % FEEDS];
    if (!feed) continue;
    publish(t % FEEDS, perTick);
    pending.push(poll(feed));
  }
  await Promise.all(pending);
  await idle(120_000);
  const pacedArticles = seq;
  const paced = [...latencies].sort((a, b) => a - b);
  const pacedClassified = classified;
  const pacedDelivered = articlesDelivered.size;

  // Phase 2: burst.
  latencies = [];
  articlesDelivered.clear();
  classified = 0;
  const perFeed = Math.ceil(BURST / FEEDS);
  for (let i = 0; i < FEEDS; i++) publish(i, perFeed);
  const burstStart = Date.now();
  await Promise.all(feeds.map(poll));
  await idle(600_000);
  const burstSeconds = (lastDelivery - burstStart) / 1000;
  const burstArticles = perFeed * FEEDS;
  const burst = [...latencies].sort((a, b) => a - b);
  const articlesPerS = burstArticles / burstSeconds;

  const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
  console.log("pipeline benchmark (loopback feeds, real classifier, real Redis, recording notifier)");
  row("classifier runs per article", `${CLASSIFY_REPEAT}`);
  row("paced: rate offered", `${RATE} articles/s for ${SECONDS} s`);
  row("paced: articles published / classified", `${pacedArticles} / ${pacedClassified}`);
  row("paced: articles with an alert delivered", `${pacedDelivered}`);
  row("paced: poll->delivery p50 / p99 / max (ms)", `${quantile(paced, 0.5).toFixed(0)} / ${quantile(paced, 0.99).toFixed(0)} / ${(paced.at(-1) ?? NaN).toFixed(0)}`);
  row("burst: articles", `${burstArticles} (${classified} classified, ${articlesDelivered.size} with an alert)`);
  row("burst: first poll -> last delivery (s)", burstSeconds.toFixed(2));
  row("burst: throughput (articles/s)", articlesPerS.toFixed(0));
  row("burst: poll->delivery p50 / p99 (ms)", `${quantile(burst, 0.5).toFixed(0)} / ${quantile(burst, 0.99).toFixed(0)}`);

  await events.close();
  await pollEvents.close();
  await Promise.all([app.queues.feedPoll, app.queues.articleClassify, app.queues.alertDeliver].map((q) => q.obliterate({ force: true })));
  await app.stop();
  const redis = createRedisConnection(redisUrl, { name: "bench-cleanup" });
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  await closeRedis(redis);
  await new Promise((r) => server.close(r));
  await priv?.stop();
  console.log(JSON.stringify({ articles_per_s: Math.round(articlesPerS), p50_ms: Math.round(quantile(paced, 0.5)), p99_ms: Math.round(quantile(paced, 0.99)) }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
