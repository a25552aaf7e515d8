// One test file's share of the test Redis: a fresh key prefix for each test, its keys deleted after the test,
// and the file's connections closed after its last test. Replaces the same ten lines of hooks in every file.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, inject } from "vitest";
import { closeRedis, createRedisConnection, type RedisConnectionOptions } from "../../src/adapters/redis/connection.ts";

export interface RedisScope {
  readonly url: string;
  /** This test's key prefix, `<label>-<uuid>`: a new one before each test. */
  readonly prefix: string;
  /** The file's connection for its own commands: opened on first use, closed after the last test. */
  readonly redis: Redis;
  /** One more prefix for this test (a second app, a second run), cleaned up like `prefix`. */
  newPrefix(): string;
  /** Another connection (a second "process", or one for BullMQ with `forWorker`), closed after the last test. */
  connect(name: string, options?: Omit<RedisConnectionOptions, "name">): Redis;
}

/**
 * Registers beforeEach/afterEach/afterAll hooks. Call it at the top of the file, before the file's own hooks:
 * vitest runs after-hooks in reverse order, so the file's afterEach (stopping apps, closing stores) runs
 * before the scope deletes the keys.
 */
export function useRedisScope(label: string): RedisScope {
  const url = inject("redisUrl");
  const connections: Redis[] = [];
  let shared: Redis | undefined;
  let prefixes: string[] = [];
  let current = "";

  const connect = (name: string, options: Omit<RedisConnectionOptions, "name"> = {}) => {
    const c = createRedisConnection(url, { ...options, name });
    connections.push(c);
    return c;
  };
  const newPrefix = () => {
    const p = `${label}-${randomUUID()}`;
    prefixes.push(p);
    return p;
  };

  beforeEach(() => {
    current = newPrefix();
  });
  afterEach(async () => {
    const done = prefixes;
    prefixes = [];
    const redis = (shared ??= connect(`test-${label}`));
    for (const p of done) {
      const keys = await redis.keys(`${p}:*`);
      if (keys.length) await redis.del(...keys);
    }
  });
  afterAll(async () => {
    await Promise.all(connections.splice(0).map((c) => closeRedis(c)));
    shared = undefined;
  });

  return {
    url,
    get prefix() {
      return current;
    },
    get redis() {
      return (shared ??= connect(`test-${label}`));
    },
    newPrefix,
    connect,
  };
}
