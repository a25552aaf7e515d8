// Send pacing shared by every process through Redis: sliding-window slots booked in Redis time, and 429 pauses.
//
// Each pace key is a sorted set of the send times (ms, Redis TIME) booked on it. A reservation takes the
// earliest time that keeps every one of its limits at or under `limit` sends in any `windowMs`, that is
// after the key's pause, and that is not before the key's last booking (slots are handed out in order,
// so a backlog keeps its order). One Lua script decides and books for all the limits of a send at once,
// so Discord's channel bucket and its global bucket can never disagree and no two processes get the
// same slot. Nobody spins: a caller told to wait comes back after `waitMs` (the deliverer re-queues the
// job as delayed for that long).
//
// With a `holder` (one delivery, stable across its retries) a future slot is booked for it: when it
// comes back it is let through without queueing again, unless a pause arrived in between.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { PaceLimit } from "../../core/pacing.ts";

export type Reservation =
  /** Send now. `at` is the slot (Redis time, ms). */
  | { ok: true; waitMs: 0; at: number }
  /**
   * Come back in `waitMs`. With a holder the slot `at` is booked for it; without one nothing was
   * booked and `at` is only the earliest time worth trying again.
   */
  | { ok: false; waitMs: number; at: number };

export interface ReserveOptions {
  /** Books the slot for this holder (e.g. one delivery) so its return at `at` is let through. */
  holder?: string;
}

export interface Pacer {
  reserve(limits: readonly PaceLimit[], options?: ReserveOptions): Promise<Reservation>;
  /** Nothing on these keys is let through for `ms` (a platform's Retry-After); returns the pause's end (Redis time, ms). */
  pause(keys: readonly string[], ms: number): Promise<number>;
  /** Until when a key is paused (Redis time, ms), or undefined. */
  pausedUntil(key: string): Promise<number | undefined>;
}

export interface PacerDeps {
  redis: Redis;
  /** The deployment's key prefix (QUEUE_PREFIX); pacing keys go under `${prefix}:pace...`. */
  prefix: string;
  /**
   * How long a booked slot waits for its holder after its time before it is forgotten (a job that never
   * came back). A holder that comes back later books afresh.
   */
  holdGraceMs?: number;
}

// KEYS[1] = hold key (used only when ARGV[2] == "1"); then per limit: KEYS[2i] = slots, KEYS[2i+1] = pause.
// ARGV: [1] limit count, [2] has holder, [3] member id, [4] hold grace ms, then per limit: limit, windowMs.
// Returns { ok (1/0), waitMs, at }.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local holding = ARGV[2] == '1'

local paused = 0
for i = 1, n do
  local p = tonumber(redis.call('GET', KEYS[2 * i + 1]) or '0')
  if p > paused then paused = p end
end

if holding then
  local held = redis.call('GET', KEYS[1])
  if held then
    local slot = tonumber(held)
    if paused <= slot then
      if slot <= now then
        redis.call('DEL', KEYS[1])
        return { 1, 0, slot }
      end
      return { 0, slot - now, slot }
    end
    -- A 429 paused the key after this slot was booked: book again after the pause.
    redis.call('DEL', KEYS[1])
  end
end

local at = math.max(now, paused)
for i = 1, n do
  local slots = KEYS[2 * i]
  local limit = tonumber(ARGV[3 + 2 * i])
  local window = tonumber(ARGV[4 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now - window)
  local last = redis.call('ZRANGE', slots, -1, -1, 'WITHSCORES')
  if last[2] then at = math.max(at, tonumber(last[2])) end
  local count = redis.call('ZCARD', slots)
  if count >= limit then
    -- The limit-th most recent booking must have left the window before the new one.
    local nth = redis.call('ZRANGE', slots, count - limit, count - limit, 'WITHSCORES')
    at = math.max(at, tonumber(nth[2]) + window)
  end
end

if at > now and not holding then return { 0, at - now, at } end

for i = 1, n do
  local slots = KEYS[2 * i]
  local window = tonumber(ARGV[4 + 2 * i])
  redis.call('ZADD', slots, at, ARGV[3] .. '@' .. at)
  redis.call('PEXPIRE', slots, at - now + window)
end
if at == now then return { 1, 0, at } end
redis.call('SET', KEYS[1], at, 'PX', at - now + tonumber(ARGV[4]))
return { 0, at - now, at }
`;

// KEYS = pause keys; ARGV[1] = ms. Never shortens a longer pause already in place. Returns the pause's end.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
local untilMs = now + ms
local latest = untilMs
for i = 1, #KEYS do
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  if cur < untilMs then
    redis.call('SET', KEYS[i], untilMs, 'PX', ms)
  elseif cur > latest then
    latest = cur
  end
end
return latest
`;

export class PaceRuleError extends Error {
  override name = "PaceRuleError";
}

function checkLimits(limits: readonly PaceLimit[]): void {
  const seen = new Set<string>();
  for (const { key, rule } of limits) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
      throw new PaceRuleError(`pace rule of "${key}" must be a whole limit >= 1 per a whole windowMs >= 1, got ${rule.limit} per ${rule.windowMs} ms`);
    }
    // Two rules on one key would share one sorted set and count each send twice.
    if (seen.has(key)) throw new PaceRuleError(`pace key "${key}" appears twice in one reservation: give each rule its own key`);
    seen.add(key);
  }
}

export function createPacer(deps: PacerDeps): Pacer {
  const { redis, prefix } = deps;
  const holdGraceMs = deps.holdGraceMs ?? 10 * 60_000;
  const slotsKey = (key: string) => `${prefix}:pace:${key}`;
  const pauseKey = (key: string) => `${prefix}:pace-pause:${key}`;
  const holdKey = (holder: string) => `${prefix}:pace-hold:${holder}`;

  return {
    async reserve(limits, options = {}) {
      if (limits.length === 0) return { ok: true, waitMs: 0, at: Date.now() };
      checkLimits(limits);
      const { holder } = options;
      const keys = [holdKey(holder ?? "")];
      const args: (string | number)[] = [limits.length, holder ? "1" : "0", holder ?? randomUUID(), holdGraceMs];
      for (const { key, rule } of limits) {
        keys.push(slotsKey(key), pauseKey(key));
        args.push(rule.limit, rule.windowMs);
      }
      const [ok, waitMs, at] = (await redis.eval(RESERVE, keys.length, ...keys, ...args)) as [number, number, number];
      return ok === 1 ? { ok: true, waitMs: 0, at } : { ok: false, waitMs, at };
    },

    async pause(keys, ms) {
      if (keys.length === 0) return Date.now();
      const wait = Math.max(1, Math.ceil(ms));
      return (await redis.eval(PAUSE, keys.length, ...keys.map(pauseKey), wait)) as number;
    },

    async pausedUntil(key) {
      const v = await redis.get(pauseKey(key));
      return v === null ? undefined : Number(v);
    },
  };
}
