// Ticker timelines in Redis: one sorted set per ticker, scored by the entry's time, trimmed to the retention.
import type { Redis } from "ioredis";
import type { TimelineEntry, TimelineStore } from "../../core/store.ts";
import { keyspace } from "./keys.ts";

export interface RedisTimelineStore extends TimelineStore {
  /** Idempotent: adding the same entry twice (a retried job) keeps one copy. */
  add(entry: TimelineEntry): Promise<void>;
}

export interface TimelineStoreDeps {
  redis: Redis;
  prefix: string;
  retentionDays: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

// The member is the entry itself with fields in a fixed order, so a retried add finds the same member.
function member(e: TimelineEntry): string {
  return JSON.stringify({
    ticker: e.ticker,
    catalyst: e.catalyst,
    confidence: e.confidence,
    evidence: e.evidence,
    articleId: e.articleId,
    storyId: e.storyId,
    title: e.title,
    url: e.url,
    source: e.source,
    at: e.at,
  });
}

export function createRedisTimelineStore(deps: TimelineStoreDeps): RedisTimelineStore {
  const keys = keyspace(deps.prefix);
  const now = deps.now ?? Date.now;
  const retentionMs = deps.retentionDays * DAY_MS;
  return {
    async add(entry) {
      const at = Date.parse(entry.at);
      if (Number.isNaN(at)) throw new Error(`timeline entry for ${entry.ticker} has an invalid time: ${entry.at}`);
      const oldest = now() - retentionMs;
      if (at < oldest) return; // already past retention: nothing a reader could see
      const key = keys.timeline(entry.ticker);
      await deps.redis
        .multi()
        .zadd(key, at, member(entry))
        .zremrangebyscore(key, "-inf", `(${oldest}`)
        // The whole set goes when its newest entry ages out, so quiet tickers leave no keys behind.
        .pexpire(key, retentionMs)
        .exec();
    },
    async recent(ticker, since, limit = 50) {
      const from = Math.max(since.getTime(), now() - retentionMs);
      const raw = await deps.redis.zrevrangebyscore(keys.timeline(ticker), "+inf", from, "LIMIT", 0, limit);
      return raw.map((m) => JSON.parse(m) as TimelineEntry);
    },
  };
}
