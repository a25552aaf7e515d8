// Redis connections: one factory so every client gets the same options and a readable name.
import { Redis, type RedisOptions } from "ioredis";

export interface RedisConnectionOptions {
  /** BullMQ workers block on Redis and must never give up a command: maxRetriesPerRequest null. */
  forWorker?: boolean;
  name?: string;
  /**
   * Where connection errors go while ioredis reconnects. Without a listener ioredis prints
   * "Unhandled error event" stack traces; with one, an outage is one readable line per change of state.
   */
  onError?: (message: string) => void;
}

export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const opts: RedisOptions = {
    connectionName: options.name ? `catalyst-bot:${options.name}` : "catalyst-bot",
    // Fail fast for plain store calls (a caller reports the error); block-forever for workers.
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  };
  const redis = new Redis(url, opts);
  let last = "";
  redis.on("error", (err: Error) => {
    // ioredis repeats the same error on every reconnection attempt: report each distinct one once.
    const message = `Redis connection ${opts.connectionName}: ${err.message}`;
    if (message === last) return;
    last = message;
    (options.onError ?? ((m: string) => process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: m })}\n`)))(message);
  });
  redis.on("ready", () => {
    last = "";
  });
  return redis;
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
