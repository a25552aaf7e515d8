// Feeds and their health in Redis: the feeds file's entries plus feeds added at run time, with backoff and disabling.
import type { Redis } from "ioredis";
import type { FeedDefinition } from "../../contracts/feeds-file.ts";
import { keyspace } from "./keys.ts";

export interface FeedHealth {
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  consecutiveFailures: number;
  lastError?: string;
  lastErrorCode?: string;
  /** ISO 8601: polls before this are skipped. */
  backoffUntil?: string;
  disabledAt?: string;
  disabledReason?: string;
  etag?: string;
  lastModified?: string;
  /** False until the first successful poll recorded the feed's existing items. */
  primed: boolean;
  itemsSeen: number;
}

export interface FeedFailure {
  code: string;
  message: string;
  transient: boolean;
  retryAfterSeconds?: number;
}

export interface FeedStore {
  list(): Promise<FeedDefinition[]>;
  get(id: string): Promise<FeedDefinition | undefined>;
  upsert(feed: FeedDefinition): Promise<void>;
  /** Removes the feed and its health; false when there was no such feed. */
  remove(id: string): Promise<boolean>;
  /** Makes the stored config feeds equal the file's; run-time feeds stay. Returns the ids removed. */
  syncConfig(feeds: FeedDefinition[]): Promise<{ removed: string[] }>;
  health(id: string): Promise<FeedHealth>;
  recordSuccess(id: string, result: { etag?: string; lastModified?: string; newItems: number; primed?: boolean }): Promise<FeedHealth>;
  recordFailure(id: string, failure: FeedFailure, intervalSeconds: number): Promise<FeedHealth>;
  /** Clears failures, backoff and the disabled state (after the operator fixed the cause). */
  reset(id: string): Promise<void>;
}

export interface FeedStoreDeps {
  redis: Redis;
  prefix: string;
  maxFailures: number;
  backoffMaxMs: number;
  now?: () => number;
}

const EMPTY: FeedHealth = { consecutiveFailures: 0, primed: false, itemsSeen: 0 };

/** Waiting time after the n-th failure in a row: the interval doubled n times, capped, and never shorter than Retry-After. */
export function backoffMs(failures: number, intervalSeconds: number, capMs: number, retryAfterSeconds?: number): number {
  const doubled = intervalSeconds * 1_000 * 2 ** Math.min(failures, 30);
  return Math.max(Math.min(doubled, capMs), (retryAfterSeconds ?? 0) * 1_000);
}

export function createRedisFeedStore(deps: FeedStoreDeps): FeedStore {
  const keys = keyspace(deps.prefix);
  const now = deps.now ?? Date.now;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function health(id: string): Promise<FeedHealth> {
    const raw = await deps.redis.get(keys.feedHealth(id));
    return raw ? { ...EMPTY, ...(JSON.parse(raw) as Partial<FeedHealth>) } : { ...EMPTY };
  }
  async function saveHealth(id: string, h: FeedHealth): Promise<FeedHealth> {
    await deps.redis.set(keys.feedHealth(id), JSON.stringify(h));
    return h;
  }

  async function list(): Promise<FeedDefinition[]> {
    const all = await deps.redis.hvals(keys.feeds());
    return all.map((v) => JSON.parse(v) as FeedDefinition).sort((a, b) => a.name.localeCompare(b.name));
  }

  return {
    list,
    async get(id) {
      const raw = await deps.redis.hget(keys.feeds(), id);
      return raw ? (JSON.parse(raw) as FeedDefinition) : undefined;
    },
    async upsert(feed) {
      await deps.redis.hset(keys.feeds(), feed.id, JSON.stringify(feed));
    },
    async remove(id) {
      const [[, n] = []] = (await deps.redis.multi().hdel(keys.feeds(), id).del(keys.feedHealth(id)).exec()) ?? [];
      return n === 1;
    },
    async syncConfig(feeds) {
      const wanted = new Set(feeds.map((f) => f.id));
      const stored = await list();
      const removed = stored.filter((f) => f.origin === "config" && !wanted.has(f.id)).map((f) => f.id);
      const multi = deps.redis.multi();
      for (const f of feeds) {
        const prev = stored.find((s) => s.id === f.id);
        // A feed the operator added at run time and later put in the file becomes a config feed.
        multi.hset(keys.feeds(), f.id, JSON.stringify({ ...f, addedAt: prev?.addedAt ?? f.addedAt }));
      }
      for (const id of removed) multi.hdel(keys.feeds(), id).del(keys.feedHealth(id));
      await multi.exec();
      return { removed };
    },
    health,
    async recordSuccess(id, result) {
      const h = await health(id);
      const t = now();
      return saveHealth(id, {
        ...h,
        lastAttemptAt: iso(t),
        lastSuccessAt: iso(t),
        consecutiveFailures: 0,
        lastError: undefined,
        lastErrorCode: undefined,
        backoffUntil: undefined,
        // A 304 carries no validators: keep the ones we have.
        etag: result.etag ?? h.etag,
        lastModified: result.lastModified ?? h.lastModified,
        primed: h.primed || result.primed === true,
        itemsSeen: h.itemsSeen + result.newItems,
      });
    },
    async recordFailure(id, failure, intervalSeconds) {
      const h = await health(id);
      const t = now();
      const failures = h.consecutiveFailures + 1;
      const next: FeedHealth = {
        ...h,
        lastAttemptAt: iso(t),
        consecutiveFailures: failures,
        lastError: failure.message,
        lastErrorCode: failure.code,
        backoffUntil: iso(t + backoffMs(failures, intervalSeconds, deps.backoffMaxMs, failure.retryAfterSeconds)),
      };
      if (failures >= deps.maxFailures && !h.disabledAt) {
        next.disabledAt = iso(t);
        next.disabledReason = `${failures} failures in a row (FEED_MAX_FAILURES=${deps.maxFailures}); last: ${failure.code}: ${failure.message}`;
      }
      return saveHealth(id, next);
    },
    async reset(id) {
      const h = await health(id);
      await saveHealth(id, { ...h, consecutiveFailures: 0, backoffUntil: undefined, disabledAt: undefined, disabledReason: undefined });
    },
  };
}
