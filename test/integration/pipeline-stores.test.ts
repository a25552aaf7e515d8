// The Redis stores the pipeline writes: timeline, seen-set, stories, feeds and delivery records, on the real Redis.
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { createRedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import { createRedisSeenStore } from "../../src/adapters/redis/seen.ts";
import { createRedisStoryStore } from "../../src/adapters/redis/stories.ts";
import { createRedisFeedStore } from "../../src/adapters/redis/feeds.ts";
import { createRedisDeliveryStore } from "../../src/adapters/redis/deliveries.ts";
import { feedIdFor } from "../../src/contracts/feeds-file.ts";
import type { TimelineEntry } from "../../src/core/store.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";

const scope = useRedisScope("t-stores");
let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = scope.redis;
  prefix = scope.prefix;
});

function entry(over: Partial<TimelineEntry>): TimelineEntry {
  return {
    ticker: "AAPL",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "a $90 billion buyback",
    articleId: "a1",
    storyId: "s1",
    title: "Apple expands buyback",
    at: new Date().toISOString(),
    ...over,
  };
}

describe("timeline store", () => {
  it("returns a ticker's entries newest first, since a date, without duplicates from a retried add", async () => {
    const now = Date.parse("2026-03-10T12:00:00Z");
    const store = createRedisTimelineStore({ redis, prefix, retentionDays: 30, now: () => now });
    const hours = (h: number) => new Date(now - h * 3_600_000).toISOString();
    await store.add(entry({ articleId: "old", at: hours(72) }));
    await store.add(entry({ articleId: "mid", catalyst: "earnings", at: hours(10) }));
    await store.add(entry({ articleId: "new", at: hours(1) }));
    await store.add(entry({ articleId: "new", at: hours(1) }));
    await store.add(entry({ ticker: "MSFT", articleId: "other", at: hours(2) }));

    const lastTwoDays = await store.recent("AAPL", new Date(now - 48 * 3_600_000));
    expect(lastTwoDays.map((e) => e.articleId)).toEqual(["new", "mid"]);
    expect((await store.recent("aapl", new Date(0))).map((e) => e.articleId)).toEqual(["new", "mid", "old"]);
    expect(await store.recent("AAPL", new Date(0), 1)).toHaveLength(1);
  });

  it("forgets entries older than the retention", async () => {
    let now = Date.parse("2026-03-10T12:00:00Z");
    const store = createRedisTimelineStore({ redis, prefix, retentionDays: 2, now: () => now });
    await store.add(entry({ articleId: "a", at: new Date(now - 3_600_000).toISOString() }));
    await store.add(entry({ articleId: "too-old", at: new Date(now - 3 * 86_400_000).toISOString() }));
    expect((await store.recent("AAPL", new Date(0))).map((e) => e.articleId)).toEqual(["a"]);
    now += 3 * 86_400_000;
    expect(await store.recent("AAPL", new Date(0))).toEqual([]);
  });
});

describe("seen store", () => {
  it("lets an item through once, by link or by guid, and remembers it for a new store on the same Redis", async () => {
    const seen = createRedisSeenStore({ redis, prefix, retentionDays: 30 });
    expect(await seen.claim([["link:a", "guid:f1:1"], ["link:b"]])).toEqual([true, true]);
    // Same link, another feed's guid (the same article in two feeds); same guid, rewritten link.
    expect(await seen.claim([["link:a", "guid:f2:9"], ["link:c", "guid:f1:1"], ["link:d"]])).toEqual([false, false, true]);
    const afterRestart = createRedisSeenStore({ redis, prefix, retentionDays: 30 });
    expect(await afterRestart.claim([["link:d"], ["guid:f2:9"], ["link:c"]])).toEqual([false, false, false]);
  });

  it("lets exactly one of two concurrent claims of the same item through", async () => {
    const seen = createRedisSeenStore({ redis, prefix, retentionDays: 30 });
    const results = await Promise.all(Array.from({ length: 10 }, () => seen.claim([["link:x", "guid:g"]])));
    expect(results.flat().filter(Boolean)).toHaveLength(1);
  });
});

describe("story store", () => {
  it("opens a story with the first article; later ones in the window join; a retried opener stays the opener", async () => {
    const stories = createRedisStoryStore({ redis, prefix, windowHours: 48 });
    const t0 = Date.now();
    const subject = { ticker: "AAPL", catalyst: "buyback" as const };
    const first = await stories.attach(subject, { articleId: "a1", at: t0 });
    const second = await stories.attach(subject, { articleId: "a2", at: t0 + 3_600_000 });
    const retried = await stories.attach(subject, { articleId: "a1", at: t0 });
    const other = await stories.attach({ ticker: "AAPL", catalyst: "earnings" }, { articleId: "a2", at: t0 });
    const later = await stories.attach(subject, { articleId: "a9", at: t0 + 49 * 3_600_000 });
    expect([first.kind, second.kind, retried.kind, other.kind, later.kind]).toEqual(["open", "join", "open", "open", "open"]);
    expect(second.record.storyId).toBe(first.record.storyId);
    expect(retried.record.storyId).toBe(first.record.storyId);
    expect(later.record.storyId).not.toBe(first.record.storyId);
    expect((await stories.sources(first.record.storyId)).sort()).toEqual(["a1", "a2"]);
  });

  it("concurrent first articles open exactly one story", async () => {
    const stories = createRedisStoryStore({ redis, prefix, windowHours: 48 });
    const t0 = Date.now();
    const ds = await Promise.all(Array.from({ length: 8 }, (_, i) => stories.attach({ ticker: "NVDA", catalyst: "earnings" }, { articleId: `n${i}`, at: t0 })));
    expect(ds.filter((d) => d.kind === "open")).toHaveLength(1);
    expect(new Set(ds.map((d) => d.record.storyId)).size).toBe(1);
  });
});

describe("feed store", () => {
  it("keeps run-time feeds through a config sync, backs off doubling to a cap, disables after the limit, keeps validators on 304", async () => {
    let now = Date.parse("2026-03-10T12:00:00Z");
    const store = createRedisFeedStore({ redis, prefix, maxFailures: 3, backoffMaxMs: 250_000, now: () => now });
    const def = (url: string, origin: "config" | "runtime") => ({ id: feedIdFor(url), url, name: url, intervalSeconds: 60, enabled: true, origin, addedAt: new Date(now).toISOString() });
    await store.syncConfig([def("http://a.test/rss", "config"), def("http://b.test/rss", "config")]);
    await store.upsert(def("http://c.test/rss", "runtime"));
    const { removed } = await store.syncConfig([def("http://a.test/rss", "config")]);
    expect(removed).toEqual([feedIdFor("http://b.test/rss")]);
    expect((await store.list()).map((f) => f.url).sort()).toEqual(["http://a.test/rss", "http://c.test/rss"]);

    const id = feedIdFor("http://a.test/rss");
    await store.recordSuccess(id, { etag: '"v1"', lastModified: "Tue, 10 Mar 2026 11:00:00 GMT", newItems: 2, primed: true });
    const afterNotModified = await store.recordSuccess(id, { newItems: 0 });
    expect(afterNotModified).toMatchObject({ etag: '"v1"', primed: true, itemsSeen: 2, consecutiveFailures: 0 });

    const fail = { code: "FEED_PARSE", message: "not a feed", transient: false };
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = await store.recordFailure(id, fail, 60);
      waits.push(Date.parse(h.backoffUntil ?? "") - now);
    }
    expect(waits).toEqual([120_000, 240_000, 250_000]);
    const h = await store.health(id);
    expect(h.disabledReason).toContain("FEED_PARSE");
    expect(h.etag).toBe('"v1"');
    await store.reset(id);
    const cleared = await store.health(id);
    expect([cleared.consecutiveFailures, cleared.disabledAt, cleared.backoffUntil]).toEqual([0, undefined, undefined]);
    now += 1;
    expect(await store.remove(id)).toBe(true);
    expect(await store.get(id)).toBeUndefined();
  });
});

describe("delivery store", () => {
  it("claims a delivery once, refuses a second claim after sending, and tracks a story's thread per destination", async () => {
    const store = createRedisDeliveryStore({ redis, prefix, retentionDays: 7 });
    const dest = { platform: "slack" as const, tenant: "T1", channel: "C1" };
    const other = { ...dest, channel: "C2" };
    expect(await store.claim("al1", dest, 60_000)).toBeUndefined();
    expect((await store.claim("al1", dest, 60_000))?.state).toBe("sending");
    expect(await store.claim("al1", other, 60_000)).toBeUndefined();
    await store.release("al1", other);
    expect(await store.claim("al1", other, 60_000)).toBeUndefined();
    await store.recordSent("al1", dest, { messageId: "m1", channel: "C1" });
    expect(await store.claim("al1", dest, 60_000)).toMatchObject({ state: "sent", message: { messageId: "m1" } });
    await store.release("al1", dest);
    expect((await store.get("al1", dest))?.state).toBe("sent");

    expect(await store.thread("s1", dest)).toEqual({ state: "none" });
    await store.markThreadPending("s1", dest);
    expect(await store.thread("s1", dest)).toEqual({ state: "pending" });
    await store.setThread("s1", dest, { messageId: "m1", channel: "C1" });
    await store.markThreadPending("s1", dest);
    await store.clearThreadPending("s1", dest);
    expect(await store.thread("s1", dest)).toEqual({ state: "posted", message: { messageId: "m1", channel: "C1" } });
  });
});
