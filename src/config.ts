// The only reader of process.env: one zod schema, one error that lists every problem at once.
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

export const ConfigSchema = z.object({
  // Redis: when REDIS_URL is unset, `npm start` runs a private redis-server with data under DATA_DIR.
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("data"),
  QUEUE_PREFIX: z.string().min(1).default("catalyst"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  // Feeds and polling.
  FEEDS_FILE: z.string().default("config/feeds.json"),
  UNIVERSE_DIR: z.string().default("config/universe"),
  FEED_TIMEOUT_MS: int(1_000, 300_000).default(15_000),
  FEED_MAX_BYTES: int(10_000, 100_000_000).default(5_000_000),
  FEED_MAX_REDIRECTS: int(0, 10).default(5),
  FEED_MAX_FAILURES: int(1, 1_000).default(10),
  FEED_BACKOFF_MAX_MS: int(1_000, 86_400_000).default(3_600_000),
  /** Hosts or IPs (or CIDRs) that run-time feed URLs may resolve to although private/loopback. */
  FEED_ALLOW_PRIVATE: list.default([]),
  FEED_BACKFILL: bool.default(false),
  TIMELINE_RETENTION_DAYS: int(1, 3650).default(90),
  STORY_WINDOW_HOURS: int(1, 720).default(48),
  /** How long an item's link and guid are remembered for dedup. */
  SEEN_RETENTION_DAYS: int(1, 3650).default(30),

  // Pipeline workers (see docs/pipeline.md): jobs each process runs at once.
  POLL_CONCURRENCY: int(1, 1_000).default(20),
  CLASSIFY_CONCURRENCY: int(1, 100).default(4),
  DELIVER_CONCURRENCY: int(1, 1_000).default(10),
  /** Sends of one alert to one destination before it goes to the dead letters (`catalyst-bot deliveries`); waits for rate limits do not count. */
  DELIVERY_MAX_ATTEMPTS: int(1, 100).default(8),
  /** First wait before a failed send is retried; doubled each time (2 s: 2, 4, 8 ... 128 s, about 4 minutes in all). */
  DELIVERY_BACKOFF_MS: int(10, 3_600_000).default(2_000),
  /** Alerts on stdout: "auto" = only when no Slack or Discord credentials are set. */
  CONSOLE_ALERTS: z.enum(["auto", "true", "false"]).default("auto"),
  CONSOLE_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),

  // Slack (@slack/bolt). Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode on SLACK_PORT.
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_PORT: int(1, 65_535).default(3000),
  SLACK_API_URL: z.string().url().default("https://slack.com/api/"),
  /** Slack user ids (U...) that may change subscriptions; empty = every member of the channel. */
  SLACK_MANAGERS: list.default([]),

  // Discord (discord.js).
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z.string().optional(),
  DISCORD_GUILD_ID: z.string().optional(),
  DISCORD_API_URL: z.string().url().default("https://discord.com/api"),

  // Plain webhooks (Slack incoming webhooks, Discord webhooks): file of destinations.
  WEBHOOKS_FILE: z.string().default("config/webhooks.json"),

  // Operations.
  HTTP_PORT: int(0, 65_535).default(8080),
  /** Where the ops server (/healthz, /readyz, /metrics, /admin/queues) listens: loopback unless exposed on purpose (Docker: 0.0.0.0). */
  HTTP_HOST: z.string().min(1).default("127.0.0.1"),
  /** Password of user "admin" for the queue board at /admin/queues; unset = board off. */
  ADMIN_PASSWORD: z.string().min(12, "use at least 12 characters").optional(),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; empty strings count as unset. Throws one ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    // Secrets are never echoed: the error ends up in logs.
    const shown = (key: string) => (/PASSWORD|TOKEN|SECRET/.test(key) ? "(value hidden)" : `(got ${JSON.stringify(cleaned[key])})`);
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} ${shown(String(i.path[0]))}`);
    throw new ConfigError(`Invalid settings in the environment:\n${lines.join("\n")}\nSee README.md, "Settings".`);
  }
  return parsed.data;
}
