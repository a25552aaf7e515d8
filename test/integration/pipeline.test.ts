// The pipeline end to end on the real Redis: feeds on a local server -> poll -> classify -> deliver to a recording notifier.
import { randomUUID } from "node:crypto";
import { QueueEvents } from "bullmq";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { loadConfig } from "../../src/config.ts";
import { feedIdFor, type FeedDefinition } from "../../src/contracts/feeds-file.ts";
import { QUEUES } from "../../src/contracts/queues.ts";
import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../src/core/delivery-errors.ts";
import type { Classify, ClassifyResult } from "../../src/core/types.ts";
import { startFeedServer, type FeedServer } from "../helpers/feed-server.ts";
import { createRecordingNotifier, type RecordingNotifier } from "../helpers/recording-notifier.ts";

const redisUrl = inject("redisUrl");

// Stands in for the classifier so these tests depend on the pipeline only: "$TICKER ... buyback|earnings".
const COMPANIES: Record<string, string> = { AAPL: "Apple Inc.", MSFT: "Microsoft Corp.", NVDA: "NVIDIA Corp." };
const keywordClassify: Classify = (article) => {
  const text = `${article.title ?? ""} ${article.text}`;
  const catalysts = (["buyback", "earnings"] as const).filter((c) => text.toLowerCase().includes(c));
  const articleLevel = /rate decision/i.test(text) ? (["macro_policy"] as const) : [];
  const tickers = Object.keys(COMPANIES)
    .filter((t) => new RegExp(`\\b${t}\\b`).test(text))
    .map((symbol) => ({
      symbol,
      listings: [],
      name: COMPANIES[symbol] ?? symbol,
      relevance: 0.9,
      catalysts: catalysts.map((type) => ({ type, confidence: 0.9, evidence: `${symbol} ${type}` })),
    }));
  const result: ClassifyResult = { id: article.id, catalysts: [...catalysts, ...articleLevel], tickers };
  return result;
};

interface Item {
  title: string;
  link: string;
  guid?: string;
  pubDate?: string;
}
function rss(title: string, items: Item[]): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>${i.link}</link>${i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ""}` +
        `<pubDate>${i.pubDate ?? new Date().toUTCString()}</pubDate><description>${i.title}</description></item>`,
    )
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>http://example.test/</link><description>x</description>${body}</channel></rss>`;
}

interface Harness {
  prefix: string;
  server: FeedServer;
  notifier: RecordingNotifier;
  apps: App[];
  env: Record<string, string>;
  startApp(options?: { roles?: Parameters<typeof createApp>[0]["roles"]; notifier?: RecordingNotifier }): Promise<App>;
  addFeed(path: string, name: string): Promise<FeedDefinition>;
  poll(feedId: string): Promise<string>;
  idle(): Promise<void>;
}

let h: Harness | undefined;

async function harness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const prefix = `t-${randomUUID()}`;
  const server = await startFeedServer();
  const notifier = createRecordingNotifier("slack");
  const env = {
    QUEUE_PREFIX: prefix,
    REDIS_URL: redisUrl,
    FEEDS_FILE: `/nonexistent/${prefix}.json`,
    FEED_ALLOW_PRIVATE: "127.0.0.1",
    FEED_TIMEOUT_MS: "1500",
    LOG_LEVEL: "silent",
    CONSOLE_ALERTS: "false",
    ...extraEnv,
  };
  const config = loadConfig(env);
  const apps: App[] = [];
  let events: QueueEvents | undefined;
  const self: Harness = {
    prefix,
    server,
    notifier,
    apps,
    env,
    async startApp(options = {}) {
      const app = await createApp({ config, redisUrl, classify: keywordClassify, notifiers: [options.notifier ?? notifier], ...(options.roles ? { roles: options.roles } : {}) });
      apps.push(app);
      await app.start();
      // Every channel of the test workspace subscribes to AAPL and MSFT; routing is covered by unit tests.
      for (const ticker of ["AAPL", "MSFT"]) {
        await app.subscriptions.add({ destination: { platform: "slack", tenant: "T1", channel: "C1" }, ticker, catalysts: [], minConfidence: 0.5, createdAt: new Date().toISOString() });
      }
      return app;
    },
    async addFeed(path, name) {
      const app = apps.at(-1);
      if (!app) throw new Error("start an app first");
      const url = server.urlFor(path);
      const feed: FeedDefinition = { id: feedIdFor(url), url, name, intervalSeconds: 3600, enabled: true, origin: "runtime", addedAt: new Date().toISOString() };
      await app.feeds.upsert(feed);
      return feed;
    },
    async poll(feedId) {
      const app = apps.at(-1);
      if (!app) throw new Error("start an app first");
      events ??= new QueueEvents(QUEUES.feedPoll, { connection: { url: redisUrl }, prefix });
      await events.waitUntilReady();
      const job = await app.queues.feedPoll.add("poll", { feedId }, { jobId: `manual-${randomUUID()}` });
      return (await job.waitUntilFinished(events, 10_000)) as string;
    },
    async idle() {
      const app = apps.at(-1);
      if (!app) throw new Error("start an app first");
      const deadline = Date.now() + 10_000;
      for (;;) {
        const counts = await Promise.all([app.queues.articleClassify, app.queues.alertDeliver].map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")));
        if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
        if (Date.now() > deadline) throw new Error(`pipeline still busy after 10 s: ${JSON.stringify(counts)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  const close = async () => {
    await events?.close();
  };
  (self as Harness & { closeEvents: () => Promise<void> }).closeEvents = close;
  h = self;
  return self;
}

afterEach(async () => {
  if (!h) return;
  const { apps, server, prefix } = h;
  await (h as Harness & { closeEvents: () => Promise<void> }).closeEvents();
  const last = apps.at(-1);
  if (last) await Promise.all([last.queues.feedPoll, last.queues.articleClassify, last.queues.alertDeliver].map((q) => q.obliterate({ force: true })));
  for (const app of apps) await app.stop();
  await server.close();
  const redis = createRedisConnection(redisUrl, { name: "test-cleanup" });
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
  h = undefined;
});

const A1: Item = { title: "AAPL expands buyback to $110 billion", link: "http://news.test/a1?utm_source=rss", guid: "a1" };
const OLD: Item = { title: "MSFT quarterly earnings beat", link: "http://news.test/old", guid: "old" };

describe("pipeline", () => {
  it("records a feed's existing items on the first poll, alerts once on a new item, and sends nothing on a 304", async () => {
    const t = await harness();
    await t.startApp();
    t.server.setFeed("/a.xml", rss("Feed A", [OLD]));
    const feed = await t.addFeed("/a.xml", "Feed A");
    expect(await t.poll(feed.id)).toBe("ok");
    await t.idle();
    expect(t.notifier.sent).toHaveLength(0);

    t.server.setFeed("/a.xml", rss("Feed A", [A1, OLD]));
    expect(await t.poll(feed.id)).toBe("ok");
    const [sent] = await t.notifier.waitForSent(1);
    expect(sent?.alert).toMatchObject({ ticker: "AAPL", catalyst: "buyback", title: A1.title, followUp: false, source: "Feed A" });
    expect(sent?.destination).toEqual({ platform: "slack", tenant: "T1", channel: "C1" });

    expect(await t.poll(feed.id)).toBe("not_modified");
    const conditional = t.server.requests.at(-1);
    expect(conditional?.headers["if-none-match"]).toBeTruthy();
    await t.idle();
    expect(t.notifier.sent).toHaveLength(1);
    const app = t.apps[0];
    expect((await app?.timeline.recent("AAPL", new Date(0)))?.map((e) => e.title)).toEqual([A1.title]);
    expect(await app?.feeds.health(feed.id)).toMatchObject({ consecutiveFailures: 0, primed: true });
  });

  it("alerts on a first poll's items when backfill is on", async () => {
    const t = await harness({ FEED_BACKFILL: "true" });
    await t.startApp();
    t.server.setFeed("/a.xml", rss("Feed A", [A1, OLD]));
    const feed = await t.addFeed("/a.xml", "Feed A");
    await t.poll(feed.id);
    await t.notifier.waitForSent(2);
    await t.idle();
    expect(t.notifier.sent.map((s) => s.alert.ticker).sort()).toEqual(["AAPL", "MSFT"]);
  });

  it("a rewritten pubDate, a changed tracking parameter or the same link in a second feed make no second alert", async () => {
    const t = await harness();
    await t.startApp();
    t.server.setFeed("/a.xml", rss("Feed A", []));
    t.server.setFeed("/b.xml", rss("Feed B", []));
    const a = await t.addFeed("/a.xml", "Feed A");
    const b = await t.addFeed("/b.xml", "Feed B");
    await t.poll(a.id);
    await t.poll(b.id);
    t.server.setFeed("/a.xml", rss("Feed A", [A1]));
    await t.poll(a.id);
    await t.notifier.waitForSent(1);
    t.server.setFeed("/a.xml", rss("Feed A", [{ ...A1, pubDate: "Mon, 01 Jan 2024 00:00:00 GMT" }]));
    t.server.setFeed("/b.xml", rss("Feed B", [{ ...A1, guid: "other-guid", link: "http://news.test/a1?utm_medium=email" }]));
    await t.poll(a.id);
    await t.poll(b.id);
    await t.idle();
    expect(t.notifier.sent).toHaveLength(1);
  });

  it("the same story in two feeds gives one alert and one follow-up threaded under it", async () => {
    const t = await harness();
    await t.startApp();
    t.server.setFeed("/a.xml", rss("Feed A", []));
    t.server.setFeed("/b.xml", rss("Feed B", []));
    const a = await t.addFeed("/a.xml", "Feed A");
    const b = await t.addFeed("/b.xml", "Feed B");
    await t.poll(a.id);
    await t.poll(b.id);
    t.server.setFeed("/a.xml", rss("Feed A", [A1]));
    t.server.setFeed("/b.xml", rss("Feed B", [{ title: "Apple (AAPL) lifts its buyback again", link: "http://other.test/story", guid: "b1" }]));
    await t.poll(a.id);
    await t.poll(b.id);
    const sent = await t.notifier.waitForSent(2);
    await t.idle();
    expect(sent).toHaveLength(2);
    const [first, second] = sent;
    expect(first?.alert.followUp).toBe(false);
    expect(second?.alert).toMatchObject({ followUp: true, source: "Feed B", storyId: first?.alert.storyId });
    expect(second?.thread).toEqual(first?.message);
  });

  it("two market-level articles with the same catalyst are two alerts, not one story", async () => {
    const t = await harness();
    const app = await t.startApp();
    await app.subscriptions.add({ destination: { platform: "slack", tenant: "T1", channel: "C-macro" }, catalysts: ["macro_policy"], minConfidence: 0.5, createdAt: new Date().toISOString() });
    t.server.setFeed("/a.xml", rss("Feed A", []));
    const feed = await t.addFeed("/a.xml", "Feed A");
    await t.poll(feed.id);
    t.server.setFeed("/a.xml", rss("Feed A", [
      { title: "Fed holds rates in its rate decision", link: "http://news.test/fed" },
      { title: "ECB cuts rates at its rate decision", link: "http://news.test/ecb" },
    ]));
    await t.poll(feed.id);
    const sent = await t.notifier.waitForSent(2);
    await t.idle();
    expect(sent.map((s) => [s.alert.ticker, s.alert.catalyst, s.alert.followUp])).toEqual([
      [undefined, "macro_policy", false],
      [undefined, "macro_policy", false],
    ]);
    expect(sent[0]?.alert.storyId).not.toBe(sent[1]?.alert.storyId);
  });

  it("a restart between poll and delivery loses nothing and duplicates nothing", async () => {
    const t = await harness();
    const pollerOnly = await t.startApp({ roles: ["poller"] });
    t.server.setFeed("/a.xml", rss("Feed A", []));
    const feed = await t.addFeed("/a.xml", "Feed A");
    await t.poll(feed.id);
    const A2: Item = { title: "MSFT announces buyback", link: "http://news.test/a2", guid: "a2" };
    t.server.setFeed("/a.xml", rss("Feed A", [A1, A2]));
    await t.poll(feed.id);
    expect(await pollerOnly.queues.articleClassify.getWaitingCount()).toBe(2);
    const etagBefore = (await pollerOnly.feeds.health(feed.id)).etag;
    await pollerOnly.stop();
    t.apps.splice(0);

    // A new process on the same Redis: the queued articles are processed; re-polling (new ETag) adds nothing.
    // (Its feed scheduler also polls once at start, so the manual poll may find the new version already seen.)
    const app = await t.startApp();
    await t.notifier.waitForSent(2);
    t.server.setFeed("/a.xml", rss("Feed A", [A2, A1]));
    expect(["ok", "not_modified"]).toContain(await t.poll(feed.id));
    expect((await app.feeds.health(feed.id)).etag).not.toBe(etagBefore);
    await t.idle();
    expect(t.notifier.sent.map((s) => s.alert.title).sort()).toEqual([A1.title, A2.title].sort());
  });

  it("a broken, huge, trickling or redirected-to-a-refused-address feed shows a clear error in feed health while other feeds go on", async () => {
    const t = await harness();
    await t.startApp();
    t.server.setFeed("/good.xml", rss("Good", []));
    t.server.setFeed("/broken.xml", "<rss><channel><item><title>oops</item></rss");
    t.server.setHuge("/huge.xml", 50_000_000);
    t.server.setTrickle("/slow.xml", 200);
    t.server.redirect("/redirect.xml", "http://169.254.169.254/latest/meta-data/");
    const good = await t.addFeed("/good.xml", "Good");
    const bad = {
      FEED_PARSE: await t.addFeed("/broken.xml", "Broken"),
      FEED_TOO_LARGE: await t.addFeed("/huge.xml", "Huge"),
      FEED_TIMEOUT: await t.addFeed("/slow.xml", "Slow"),
      FEED_BLOCKED_ADDRESS: await t.addFeed("/redirect.xml", "Redirect"),
    };
    await t.poll(good.id);
    const outcomes = await Promise.all(Object.values(bad).map((f) => t.poll(f.id)));
    expect(outcomes).toEqual(["failed", "failed", "failed", "failed"]);
    t.server.setFeed("/good.xml", rss("Good", [A1]));
    await t.poll(good.id);
    await t.notifier.waitForSent(1);

    const app = t.apps[0];
    for (const [code, feed] of Object.entries(bad)) {
      const health = await app?.feeds.health(feed.id);
      expect(health?.lastErrorCode, feed.name).toBe(code);
      expect(health?.consecutiveFailures).toBe(1);
      expect(Date.parse(health?.backoffUntil ?? "")).toBeGreaterThan(Date.now());
    }
    // A feed in backoff is skipped rather than fetched again.
    expect(await t.poll(bad.FEED_PARSE.id)).toBe("skipped");
  });
});

describe("delivery", () => {
  async function oneAlert(t: Harness): Promise<void> {
    t.server.setFeed("/a.xml", rss("Feed A", []));
    const feed = await t.addFeed("/a.xml", "Feed A");
    await t.poll(feed.id);
    t.server.setFeed("/a.xml", rss("Feed A", [A1]));
    await t.poll(feed.id);
  }

  it("retries a transient failure and waits out a rate limit, posting once", async () => {
    const t = await harness();
    await t.startApp();
    t.notifier.failNext(new TransientDeliveryError("503 from the platform"), new RateLimitedError("slow down", 300));
    await oneAlert(t);
    await t.notifier.waitForSent(1, 15_000);
    await t.idle();
    expect(t.notifier.sent).toHaveLength(1);
    expect(t.notifier.attempts).toBe(3);
  });

  it("a permanent failure is recorded and never retried", async () => {
    const t = await harness();
    const app = await t.startApp();
    t.notifier.failNext(new PermanentDeliveryError("channel is gone", "channel_not_found"));
    await oneAlert(t);
    const events = new QueueEvents(QUEUES.alertDeliver, { connection: { url: redisUrl }, prefix: t.prefix });
    try {
      await events.waitUntilReady();
      const deadline = Date.now() + 10_000;
      while ((await app.queues.alertDeliver.getFailedCount()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await events.close();
    }
    const [failed] = await app.queues.alertDeliver.getFailed();
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain("channel is gone");
    const record = await app.deliveries.get(failed?.data.alert.alertId ?? "", failed?.data.destination ?? { platform: "slack", tenant: "", channel: "" });
    expect(record).toMatchObject({ state: "failed", code: "channel_not_found" });
    expect(t.notifier.sent).toHaveLength(0);
  });

  it("a delivery job added again under another id does not post twice", async () => {
    const t = await harness();
    const app = await t.startApp();
    await oneAlert(t);
    const [first] = await t.notifier.waitForSent(1);
    if (!first) throw new Error("no alert");
    await app.queues.alertDeliver.add("deliver", { alert: first.alert, destination: first.destination, polledAt: Date.now(), deferrals: 0 }, { jobId: `again-${randomUUID()}` });
    await t.idle();
    expect(t.notifier.sent).toHaveLength(1);
  });

  it("a follow-up for a channel that never got the story's first alert is posted there as a new alert", async () => {
    const t = await harness();
    const app = await t.startApp();
    await oneAlert(t);
    const [first] = await t.notifier.waitForSent(1);
    if (!first) throw new Error("no alert");
    const elsewhere = { platform: "slack" as const, tenant: "T1", channel: "C-late" };
    const followUp = { ...first.alert, alertId: "al-late", articleId: "a-late", followUp: true };
    await app.queues.addDeliveries([{ alert: followUp, destination: elsewhere, polledAt: Date.now(), deferrals: 0 }]);
    const sent = await t.notifier.waitForSent(2);
    expect(sent[1]).toMatchObject({ destination: elsewhere, alert: { alertId: "al-late", followUp: false } });
    expect(sent[1]?.thread).toBeUndefined();
    await t.idle();
    expect(await app.deliveries.thread(first.alert.storyId, elsewhere)).toEqual({ state: "posted", message: sent[1]?.message });
  });

  it("a job with an invalid payload fails once, unrecoverable", async () => {
    const t = await harness();
    const app = await t.startApp();
    await app.queues.articleClassify.add("classify", { feedId: "", polledAt: -1 } as never, { jobId: "bad-payload", attempts: 5 });
    const deadline = Date.now() + 10_000;
    while ((await app.queues.articleClassify.getFailedCount()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const [failed] = await app.queues.articleClassify.getFailed();
    expect(failed?.id).toBe("bad-payload");
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid article-classify payload/);
  });
});

describe("feed schedulers", () => {
  it("two instances upserting the same feeds keep one scheduler per feed; a removed feed loses its scheduler", async () => {
    const t = await harness();
    const one = await t.startApp({ roles: ["poller"] });
    t.server.setFeed("/a.xml", rss("Feed A", []));
    t.server.setFeed("/b.xml", rss("Feed B", []));
    const a = await t.addFeed("/a.xml", "Feed A");
    const b = await t.addFeed("/b.xml", "Feed B");
    await one.syncFeeds();
    const two = await t.startApp({ roles: ["poller"] });
    await two.syncFeeds();
    expect((await one.queues.scheduledFeeds()).sort()).toEqual([a.id, b.id].sort());
    expect(await one.queues.feedPoll.getJobSchedulersCount()).toBe(2);

    await two.feeds.remove(b.id);
    await two.syncFeeds();
    expect(await one.queues.scheduledFeeds()).toEqual([a.id]);

    // A scheduler whose feed is gone (removed behind this instance's back) removes itself at its next run.
    await one.feeds.remove(a.id);
    expect(await t.poll(a.id)).toBe("skipped");
    expect(await one.queues.scheduledFeeds()).toEqual([]);
  });
});
