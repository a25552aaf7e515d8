// How the operator commands (feeds, deliveries, subscriptions) find the bot's Redis.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import { startPrivateRedis } from "../adapters/redis/private-server.ts";

/** The file in which `start` publishes the URL of its private redis-server, for these commands. */
export const privateRedisUrlFile = (config: Pick<Config, "DATA_DIR">) => join(config.DATA_DIR, "redis", "redis.url");

export interface BotRedis {
  url: string;
  /** Says which Redis this is, for messages. */
  where: string;
  /** Stops the private server this command started, if any. */
  release(): Promise<void>;
}

/**
 * REDIS_URL when set; else the private redis-server of a running `catalyst-bot start` (its published
 * URL); else, the bot being stopped, its data opened with a private server for the time of the command.
 */
export async function openBotRedis(config: Pick<Config, "REDIS_URL" | "DATA_DIR">): Promise<BotRedis> {
  if (config.REDIS_URL) return { url: config.REDIS_URL, where: "REDIS_URL", release: async () => {} };
  const published = privateRedisUrlFile(config);
  if (existsSync(published)) {
    return { url: readFileSync(published, "utf8").trim(), where: `the running bot's private Redis (${published})`, release: async () => {} };
  }
  const dataDir = join(config.DATA_DIR, "redis");
  const server = await startPrivateRedis({ persistent: true, dataDir });
  return {
    url: server.url,
    where: `the bot's data in ${dataDir} (no REDIS_URL, bot not running; set REDIS_URL to use another Redis)`,
    release: () => server.stop(),
  };
}
