// Destinations disabled after a permanent failure, and the alerts that could not be delivered (dead letters), in Redis.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { AlertDeliverJob } from "../../contracts/jobs.ts";
import { destinationKey } from "../../core/route.ts";
import { disableKey, disableKeysOf, type DisableScope } from "../../core/delivery-failures.ts";
import type { Destination } from "../../core/store.ts";

export interface DisabledDestination {
  /** What `deliveries enable` takes: platform/tenant/channel, with "*" for a whole tenant or platform. */
  key: string;
  scope: Exclude<DisableScope, "alert">;
  /** The destination whose failure disabled it (for a tenant or platform: the first one that failed). */
  destination: Destination;
  reason: string;
  code?: string;
  firstAt: string;
  lastAt: string;
  /** Permanent failures seen for this key (later deliveries are skipped without a request, so usually 1). */
  count: number;
}

export interface DestinationStore {
  /** The disable that stops sends to this destination (channel, tenant or platform), if any. */
  disabledFor(destination: Destination): Promise<DisabledDestination | undefined>;
  /** Records a permanent failure; `created` is true when this key was not disabled before. */
  disable(destination: Destination, scope: Exclude<DisableScope, "alert">, reason: string, code?: string): Promise<{ record: DisabledDestination; created: boolean }>;
  listDisabled(): Promise<DisabledDestination[]>;
  /** Re-enables one key; returns the record removed, if there was one. */
  enable(key: string): Promise<DisabledDestination | undefined>;
}

/**
 * "failed": transient failures until the attempts ran out. "permanent": the platform refused it for good.
 * "skipped": not sent because its destination was disabled; it can be retried once it is enabled.
 */
export type DeadLetterKind = "failed" | "permanent" | "skipped";

export interface FailureNote {
  at: string;
  error: string;
  code?: string;
  attempt?: number;
}

export interface DeadLetter {
  id: string;
  kind: DeadLetterKind;
  alertId: string;
  destination: Destination;
  error: string;
  code?: string;
  /** Sends tried for this (alert, destination): 0 when it was skipped. */
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** The original job, re-queued as is by `deliveries retry`. */
  job: AlertDeliverJob;
}

export interface DeadLetterStore {
  record(job: AlertDeliverJob, entry: { kind: DeadLetterKind; error: string; code?: string; attempts: number }): Promise<DeadLetter>;
  /** Newest first. */
  list(): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  remove(id: string): Promise<boolean>;
  /** One failed attempt, kept (the last 20) so `deliveries explain` can tell the whole story. */
  noteFailure(alertId: string, destination: Destination, note: FailureNote): Promise<void>;
  failures(id: string): Promise<FailureNote[]>;
  clearFailures(id: string): Promise<void>;
}

/** A dead letter's id: short, stable per (alert, destination), so a retry keeps the same idempotency key. */
export function deadLetterId(alertId: string, destination: Destination): string {
  return `dl-${createHash("sha256").update(`${alertId}\u0000${destinationKey(destination)}`).digest("hex").slice(0, 12)}`;
}

// Upserts a disable atomically: several workers failing at once count up one record.
const DISABLE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local rec
if cur then
  rec = cjson.decode(cur)
  rec.lastAt = ARGV[3]
  rec.count = rec.count + 1
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(rec))
  return {0, cjson.encode(rec)}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1, ARGV[2]}
`;

export interface DestinationStoresDeps {
  redis: Redis;
  prefix: string;
  /** Dead letters kept at most; the oldest go first (a destination disabled for months must not fill Redis). */
  maxDeadLetters?: number;
  /** Skipped alerts kept per destination: a channel that stays gone must not push other destinations' dead letters out. */
  maxSkippedPerDestination?: number;
  failureHistoryDays?: number;
}

export function createRedisDestinationStore(deps: DestinationStoresDeps): DestinationStore {
  const key = `${deps.prefix}:destinations:disabled`;
  const parse = (raw: string | null | undefined) => (raw ? (JSON.parse(raw) as DisabledDestination) : undefined);
  return {
    async disabledFor(destination) {
      const found = await deps.redis.hmget(key, ...disableKeysOf(destination));
      for (const raw of found) if (raw) return parse(raw);
      return undefined;
    },
    async disable(destination, scope, reason, code) {
      const at = new Date().toISOString();
      const k = disableKey(destination, scope);
      const rec: DisabledDestination = { key: k, scope, destination, reason, ...(code ? { code } : {}), firstAt: at, lastAt: at, count: 1 };
      const [created, raw] = (await deps.redis.eval(DISABLE, 1, key, k, JSON.stringify(rec), at)) as [number, string];
      return { record: JSON.parse(raw) as DisabledDestination, created: created === 1 };
    },
    async listDisabled() {
      const all = await deps.redis.hvals(key);
      return all.map((raw) => JSON.parse(raw) as DisabledDestination).sort((a, b) => a.firstAt.localeCompare(b.firstAt));
    },
    async enable(k) {
      const raw = await deps.redis.hget(key, k);
      if (!raw) return undefined;
      await deps.redis.hdel(key, k);
      return parse(raw);
    },
  };
}

export function createRedisDeadLetterStore(deps: DestinationStoresDeps): DeadLetterStore {
  const hash = `${deps.prefix}:dead-letters`;
  const index = `${deps.prefix}:dead-letters:order`;
  const notes = (id: string) => `${deps.prefix}:delivery-failures:${id}`;
  const max = deps.maxDeadLetters ?? 10_000;
  const maxSkipped = deps.maxSkippedPerDestination ?? 1_000;
  const skippedIndex = (d: Destination) => `${deps.prefix}:dead-letters:skipped:${destinationKey(d)}`;
  const drop = async (ids: string[]) => {
    if (ids.length) await deps.redis.multi().hdel(hash, ...ids).zrem(index, ...ids).exec();
  };
  const notesTtl = (deps.failureHistoryDays ?? 30) * 86_400;
  return {
    async record(job, entry) {
      const id = deadLetterId(job.alert.alertId, job.destination);
      const prev = await deps.redis.hget(hash, id);
      const at = new Date().toISOString();
      const letter: DeadLetter = {
        id,
        kind: entry.kind,
        alertId: job.alert.alertId,
        destination: job.destination,
        error: entry.error,
        ...(entry.code ? { code: entry.code } : {}),
        attempts: entry.attempts,
        firstAt: prev ? (JSON.parse(prev) as DeadLetter).firstAt : at,
        lastAt: at,
        job: { ...job, deferrals: 0 },
      };
      const skipped = skippedIndex(job.destination);
      // A sequence, not the clock, orders them: many are recorded within one millisecond in a burst.
      const seq = await deps.redis.incr(`${index}:seq`);
      const write = deps.redis.multi().hset(hash, id, JSON.stringify(letter)).zadd(index, seq, id);
      await (entry.kind === "skipped" ? write.zadd(skipped, seq, id) : write.zrem(skipped, id)).exec();
      if (entry.kind === "skipped") {
        const over = (await deps.redis.zcard(skipped)) - maxSkipped;
        if (over > 0) await drop((await deps.redis.zpopmin(skipped, over)).filter((_, i) => i % 2 === 0));
      }
      const excess = (await deps.redis.zcard(index)) - max;
      if (excess > 0) {
        const oldest = await deps.redis.zpopmin(index, excess);
        const ids = oldest.filter((_, i) => i % 2 === 0);
        if (ids.length) await deps.redis.hdel(hash, ...ids);
      }
      return letter;
    },
    async list() {
      const ids = await deps.redis.zrevrange(index, 0, -1);
      if (ids.length === 0) return [];
      const raws = await deps.redis.hmget(hash, ...ids);
      return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as DeadLetter);
    },
    async get(id) {
      const raw = await deps.redis.hget(hash, id);
      return raw ? (JSON.parse(raw) as DeadLetter) : undefined;
    },
    async remove(id) {
      const raw = await deps.redis.hget(hash, id);
      if (!raw) return false;
      const letter = JSON.parse(raw) as DeadLetter;
      const [removed] = (await deps.redis.multi().hdel(hash, id).zrem(index, id).zrem(skippedIndex(letter.destination), id).exec()) ?? [];
      return removed?.[1] === 1;
    },
    async noteFailure(alertId, destination, note) {
      const k = notes(deadLetterId(alertId, destination));
      await deps.redis.multi().rpush(k, JSON.stringify(note)).ltrim(k, -20, -1).expire(k, notesTtl).exec();
    },
    async failures(id) {
      return (await deps.redis.lrange(notes(id), 0, -1)).map((r) => JSON.parse(r) as FailureNote);
    },
    async clearFailures(id) {
      await deps.redis.del(notes(id));
    },
  };
}
