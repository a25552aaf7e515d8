// A poller that dies between fetching a feed and queueing its new items must lose nothing: items are
// recorded as seen (and the ETag kept) only after their jobs are queued.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, inject, it } from "vitest";
import { readFeedFile } from "../../src/adapters/feeds/read-feed-file.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisFeedStore } from "../../src/adapters/redis/feeds.ts";
import { createRedisSeenStore } from "../../src/adapters/redis/seen.ts";
import { feedIdFor, fileFeedUrl, type FeedDefinition } from "../../src/contracts/feeds-file.ts";
import type { ArticleClassifyJob } from "../../src/contracts/jobs.ts";
import { pollFeed, type FetchResult, type PollDeps } from "../../src/pipeline/poll.ts";

const redisUrl = inject("redisUrl");
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

function rss(titles: string[]): string {
  const items = titles.map((t) => `<item><title>${t}</title><link>https://wire.example/${encodeURIComponent(t)}</link><description>${t}.</description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><link>https://wire.example/</link><description>d</description>${items.join("")}</channel></rss>`;
}

async function setup() {
  const prefix = `t-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), "catalyst-pollcrash-"));
  const redis = createRedisConnection(redisUrl, { name: "test-pollcrash" });
  cleanup.push(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await closeRedis(redis);
    rmSync(dir, { recursive: true, force: true });
  });
  const feeds = createRedisFeedStore({ redis, prefix, maxFailures: 5, backoffMaxMs: 3_600_000 });
  const deps: PollDeps = {
    feeds,
    seen: createRedisSeenStore({ redis, prefix, retentionDays: 30 }),
    fetchFeed: () => Promise.reject(new Error("a file feed is never fetched")),
    readFeedFile: (file, o) => readFeedFile(file, { ...o, baseDir: dir }) as Promise<FetchResult>,
    fetchOptions: { maxBytes: 5_000_000 },
    backfill: false,
    log: pino({ level: "silent" }),
  };
  const file = join(dir, "feed.xml");
  const url = fileFeedUrl(file);
  const feed: FeedDefinition = { name: "Wire", url, file, intervalSeconds: 60, enabled: true, id: feedIdFor(url), origin: "config", addedAt: new Date().toISOString() };
  await feeds.upsert(feed);
  return { deps, feed, write: (titles: string[]) => writeFileSync(file, rss(titles)) };
}

const crash = () => Promise.reject(new Error("poller killed while queueing"));

describe("poll stage and crashes", () => {
  it("queues a new item again on the next poll when the poller died before its job was queued", async () => {
    const { deps, feed, write } = await setup();
    write(["Old story"]);
    await pollFeed({ feedId: feed.id }, deps, async () => {}); // first poll: primes the feed
    write(["Acme announces $5 billion buyback", "Old story"]);

    await expect(pollFeed({ feedId: feed.id }, deps, crash)).rejects.toThrow(/killed/);

    const queued: ArticleClassifyJob[] = [];
    await pollFeed({ feedId: feed.id }, deps, async (next) => void queued.push(...next));
    expect(queued.map((j) => j.article.title)).toEqual(["Acme announces $5 billion buyback"]);

    // Once queued, it is recorded: a third poll queues nothing.
    const again: ArticleClassifyJob[] = [];
    await pollFeed({ feedId: feed.id }, deps, async (next) => void again.push(...next));
    expect(again).toEqual([]);
  });

  it("a crash during the very first poll does not turn the feed's back catalogue into alerts later", async () => {
    const { deps, feed, write } = await setup();
    write(["Archive one", "Archive two"]);
    await expect(pollFeed({ feedId: feed.id }, deps, crash)).rejects.toThrow(/killed/);
    const queued: ArticleClassifyJob[] = [];
    await pollFeed({ feedId: feed.id }, deps, async (next) => void queued.push(...next));
    expect(queued).toEqual([]); // still the first (priming) poll
  });

  it("a re-queued item keeps its article id, so the queue's job-id dedup and the idempotent stages see one article", async () => {
    const { deps, feed, write } = await setup();
    write(["Old"]);
    await pollFeed({ feedId: feed.id }, deps, async () => {});
    write(["Globex raises its dividend", "Old"]);
    const first: ArticleClassifyJob[] = [];
    // Queued, then the poller died before recording.
    await expect(
      pollFeed({ feedId: feed.id }, deps, async (next) => {
        first.push(...next);
        throw new Error("poller killed after queueing");
      }),
    ).rejects.toThrow(/killed/);
    const second: ArticleClassifyJob[] = [];
    await pollFeed({ feedId: feed.id }, deps, async (next) => void second.push(...next));
    expect(second.map((j) => j.article.id)).toEqual(first.map((j) => j.article.id));
    expect(first).toHaveLength(1);
  });
});
