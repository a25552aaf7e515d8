// The seen-set for dedup: every item is remembered by its normalised link and its guid, across restarts and feeds.
import type { Redis } from "ioredis";
import { keyspace } from "./keys.ts";

export interface SeenStore {
  /**
   * For each item (its identity keys: link, guid, ...), records all keys and says whether the item is
   * new: true only when none of its keys was seen before. Atomic per item, so two pollers racing on
   * the same article let exactly one through.
   */
  claim(items: readonly (readonly string[])[]): Promise<boolean[]>;
  /** Like claim, but records nothing: whether each item is new now. */
  check(items: readonly (readonly string[])[]): Promise<boolean[]>;
}

export interface SeenStoreDeps {
  redis: Redis;
  prefix: string;
  retentionDays: number;
  now?: () => number;
}

// KEYS[1] the seen zset; ARGV[1] now; ARGV[2] forget-before; ARGV[3..] the item's keys.
const CLAIM = `
local fresh = 1
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then fresh = 0 end
end
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
return fresh
`;

export function createRedisSeenStore(deps: SeenStoreDeps): SeenStore {
  const key = keyspace(deps.prefix).seen();
  const now = deps.now ?? Date.now;
  const retentionMs = deps.retentionDays * 86_400_000;
  return {
    async claim(items) {
      if (items.length === 0) return [];
      const t = now();
      const pipe = deps.redis.pipeline();
      for (const keys of items) {
        if (keys.length === 0) throw new Error("an item needs at least one identity key to be deduplicated");
        pipe.eval(CLAIM, 1, key, t, t - retentionMs, ...keys);
      }
      const results = (await pipe.exec()) ?? [];
      return results.map(([err, fresh]) => {
        if (err) throw err;
        return fresh === 1;
      });
    },
    async check(items) {
      if (items.length === 0) return [];
      const pipe = deps.redis.pipeline();
      for (const keys of items) pipe.zmscore(key, ...keys);
      const results = (await pipe.exec()) ?? [];
      return results.map(([err, scores]) => {
        if (err) throw err;
        return (scores as Array<string | null>).every((score) => score === null);
      });
    },
  };
}
