// Redis connections: one factory so every client gets the same options and a readable name, and one way
// to report errors of anything that talks to Redis (our clients, their duplicates, BullMQ queues and workers).
import type { EventEmitter } from "node:events";
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

/** The default sink: one pino-shaped JSON line (level warn) on stderr, like the rest of the logs. */
export function writeErrorLine(message: string): void {
  process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: message })}\n`);
}

/**
 * Gives `emitter` an 'error' listener that reports each distinct error once until `readyFrom` (default: the
 * emitter itself) emits 'ready' again. An EventEmitter with no 'error' listener throws, and ioredis and BullMQ
 * turn that into a raw stack trace on stderr at every reconnection attempt; this keeps an outage to a line.
 */
export function reportDistinctErrors(
  emitter: EventEmitter,
  label: string,
  onError: (message: string) => void = writeErrorLine,
  readyFrom: EventEmitter = emitter,
): void {
  let last = "";
  emitter.on("error", (err: unknown) => {
    // ioredis repeats the same error on every reconnection attempt: report each distinct one once.
    const message = `${label}: ${err instanceof Error ? err.message : String(err)}`;
    if (message === last) return;
    last = message;
    onError(message);
  });
  readyFrom.on("ready", () => {
    last = "";
  });
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
  reportDistinctErrors(redis, `Redis connection ${opts.connectionName}`, options.onError);
  return redis;
}

/**
 * A second connection with the options of `redis` (for WATCH, which belongs to a connection). ioredis's own
 * duplicate() copies options but not listeners, so a bare duplicate prints stack traces during an outage.
 */
export function duplicateRedisConnection(redis: Redis, name: string, onError?: (message: string) => void): Redis {
  const connectionName = `${redis.options.connectionName ?? "catalyst-bot"}:${name}`;
  const copy = redis.duplicate({ connectionName });
  reportDistinctErrors(copy, `Redis connection ${connectionName}`, onError);
  return copy;
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
