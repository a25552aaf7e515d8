// Redis connections: one factory so every client gets the same options and a readable name.
import { Redis, type RedisOptions } from "ioredis";

export interface RedisConnectionOptions {
  /** BullMQ workers block on Redis and must never give up a command: maxRetriesPerRequest null. */
  forWorker?: boolean;
  name?: string;
}

export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const opts: RedisOptions = {
    connectionName: options.name ? `catalyst-bot:${options.name}` : "catalyst-bot",
    // Fail fast for plain store calls (a caller reports the error); block-forever for workers.
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  };
  return new Redis(url, opts);
}

/** Closes a connection, tolerating one that is already closed. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
