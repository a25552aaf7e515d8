// The Redis stores the pipeline writes: timeline, seen-set, stories, feeds and delivery records, on the real Redis.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createRedisConnection, closeRedis } from "../../src/adapters/redis/connection.ts";
import { createRedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import type { TimelineEntry } from "../../src/core/store.ts";

let redis: Redis;
let prefix: string;

beforeAll(() => {
  redis = createRedisConnection(inject("redisUrl"), { name: "test-stores" });
});
afterAll(async () => {
  await closeRedis(redis);
});
afterEach(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
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
    prefix = `t-${randomUUID()}`;
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
    prefix = `t-${randomUUID()}`;
    let now = Date.parse("2026-03-10T12:00:00Z");
    const store = createRedisTimelineStore({ redis, prefix, retentionDays: 2, now: () => now });
    await store.add(entry({ articleId: "a", at: new Date(now - 3_600_000).toISOString() }));
    await store.add(entry({ articleId: "too-old", at: new Date(now - 3 * 86_400_000).toISOString() }));
    expect((await store.recent("AAPL", new Date(0))).map((e) => e.articleId)).toEqual(["a"]);
    now += 3 * 86_400_000;
    expect(await store.recent("AAPL", new Date(0))).toEqual([]);
  });
});
