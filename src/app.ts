// Builds the running bot from settings: Redis stores, queues, the workers of each role, notifiers and bots.
// Platform adapters plug in here: one notifier factory per platform, and bot factories for slash commands.
import { existsSync, readFileSync } from "node:fs";
import type { Worker } from "bullmq";
import { pino, destination, type Logger } from "pino";
import type { Redis } from "ioredis";
import { createConsoleNotifier, CONSOLE_DESTINATION } from "./adapters/console/notifier.ts";
import { slackBotFactory, slackNotifierFactory } from "./adapters/slack/index.ts";
import { discordBotFactory, discordNotifierFactory } from "./adapters/discord/index.ts";
import { loadConfiguredWebhooks, routingWithWebhooks, webhookNotifierFactory } from "./adapters/webhook/index.ts";
import { fetchFeed } from "./adapters/feeds/fetch-feed.ts";
import { readFeedFile } from "./adapters/feeds/read-feed-file.ts";
import { createRedisArticleStore } from "./adapters/redis/articles.ts";
import { closeRedis, createRedisConnection } from "./adapters/redis/connection.ts";
import { createMetrics, type Metrics } from "./adapters/metrics.ts";
import { createRedisDeliveryStore, type DeliveryStore } from "./adapters/redis/deliveries.ts";
import { createRedisDeadLetterStore, createRedisDestinationStore, type DeadLetterStore, type DestinationStore } from "./adapters/redis/destinations.ts";
import { createRedisFeedStore, type FeedStore } from "./adapters/redis/feeds.ts";
import { createPacer } from "./adapters/redis/pacer.ts";
import { createRedisSeenStore } from "./adapters/redis/seen.ts";
import { createRedisStoryStore } from "./adapters/redis/stories.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "./adapters/redis/subscriptions.ts";
import { createRedisTimelineStore, type RedisTimelineStore } from "./adapters/redis/timeline.ts";
import { loadClassifier } from "./classifier.ts";
import type { Config } from "./config.ts";
import { feedIdFor, parseFeedsFile, type FeedDefinition } from "./contracts/feeds-file.ts";
import type { AlertDeliverJob } from "./contracts/jobs.ts";
import type { Notifier } from "./core/notifier.ts";
import type { StandingDestination } from "./core/route.ts";
import type { Platform } from "./core/store.ts";
import type { Classify, PostedMessage } from "./core/types.ts";
import { createDeliveryPacing } from "./pipeline/pace-job.ts";
import type { FetchResult, PollDeps } from "./pipeline/poll.ts";
import { createPipelineQueues, type PipelineQueues } from "./pipeline/queues.ts";
import { createClassifyWorker, createDeliverWorker, createPollWorker } from "./pipeline/workers.ts";

export type Role = "poller" | "classifier" | "deliverer" | "bot";
export const ALL_ROLES: readonly Role[] = ["poller", "classifier", "deliverer", "bot"];

export interface AdapterContext {
  config: Config;
  log: Logger;
  redis: Redis;
  subscriptions: RedisSubscriptionStore;
  timeline: RedisTimelineStore;
  feeds: FeedStore;
}

/** Returns the platform's notifier when its credentials are set, else undefined. */
export type NotifierFactory = (ctx: AdapterContext) => Notifier | undefined | Promise<Notifier | undefined>;

/** A running chat bot (slash commands); started by the "bot" role when its credentials are set. */
export interface RunningBot {
  name: string;
  stop(): Promise<void>;
}
export type BotFactory = (ctx: AdapterContext) => Promise<RunningBot | undefined>;

/** Console alerts: "auto" turns them on when no chat platform has credentials. */
export function consoleAlertsOn(config: Config): boolean {
  if (config.CONSOLE_ALERTS !== "auto") return config.CONSOLE_ALERTS === "true";
  return !config.SLACK_BOT_TOKEN && !config.DISCORD_TOKEN;
}

// The Slack, Discord and webhook adapters add their factories here.
export const NOTIFIER_FACTORIES: Record<Platform, NotifierFactory> = {
  console: ({ config }) => (consoleAlertsOn(config) ? createConsoleNotifier({ color: process.stdout.isTTY === true }) : undefined),
  slack: slackNotifierFactory,
  discord: discordNotifierFactory,
  webhook: webhookNotifierFactory,
};
export const BOT_FACTORIES: BotFactory[] = [slackBotFactory, discordBotFactory];

export interface AppOptions {
  config: Config;
  /** Redis to use (start.ts resolves REDIS_URL or a private server). */
  redisUrl: string;
  roles?: readonly Role[];
  classify?: Classify;
  log?: Logger;
  /** Replace notifiers by platform (tests pass a recording notifier). */
  notifiers?: Notifier[];
  fetchFeed?: PollDeps["fetchFeed"];
  onDelivered?: (job: AlertDeliverJob, message: PostedMessage) => void;
  /** Default: a fresh registry with the process metrics (docs/operations.md). */
  metrics?: Metrics;
}

export interface App {
  log: Logger;
  redis: Redis;
  queues: PipelineQueues;
  /** What /metrics shows: the workers count into it, queue depths are read from Redis at each scrape. */
  metrics: Metrics;
  feeds: FeedStore;
  deliveries: DeliveryStore;
  /** Destinations disabled after a permanent failure, and undelivered alerts (`catalyst-bot deliveries`). */
  destinations: DestinationStore;
  deadLetters: DeadLetterStore;
  timeline: RedisTimelineStore;
  subscriptions: RedisSubscriptionStore;
  notifiers: ReadonlyMap<Platform, Notifier>;
  /** Loads the feeds file into the store and makes the schedulers match the store (poller role). */
  syncFeeds(): Promise<{ scheduled: number; removed: number }>;
  /** For the health endpoint: Redis answers and every worker of this process is running. */
  health(): Promise<{ ok: boolean; redis: boolean; workers: number; workersRunning: number }>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createLogger(config: Pick<Config, "LOG_LEVEL">): Logger {
  // Logs go to stderr so stdout stays readable for console alerts.
  return pino({ level: config.LOG_LEVEL, base: undefined }, destination({ fd: 2, sync: true }));
}

export function loadFeedsFile(path: string, now = new Date()): FeedDefinition[] {
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); fix it or point FEEDS_FILE elsewhere.`);
  }
  return parseFeedsFile(json, path).map((f) => ({ ...f, id: feedIdFor(f.url), origin: "config" as const, addedAt: now.toISOString() }));
}


export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const roles = new Set(options.roles ?? ALL_ROLES);
  const log = options.log ?? createLogger(config);
  const prefix = config.QUEUE_PREFIX;
  const redis = createRedisConnection(options.redisUrl, { name: "store" });
  const bull = createRedisConnection(options.redisUrl, { name: "queues", forWorker: true });

  const feeds = createRedisFeedStore({ redis, prefix, maxFailures: config.FEED_MAX_FAILURES, backoffMaxMs: config.FEED_BACKOFF_MAX_MS });
  const timeline = createRedisTimelineStore({ redis, prefix, retentionDays: config.TIMELINE_RETENTION_DAYS });
  const deliveries = createRedisDeliveryStore({ redis, prefix, retentionDays: config.TIMELINE_RETENTION_DAYS });
  const subscriptions = createRedisSubscriptionStore(redis, prefix);
  const destinations = createRedisDestinationStore({ redis, prefix });
  const deadLetters = createRedisDeadLetterStore({ redis, prefix });
  const queues = createPipelineQueues(bull, prefix, { attempts: config.DELIVERY_MAX_ATTEMPTS, backoffMs: config.DELIVERY_BACKOFF_MS });
  const ctx: AdapterContext = { config, log, redis, subscriptions, timeline, feeds };

  const notifiers = new Map<Platform, Notifier>();
  if (roles.has("deliverer")) {
    for (const [platform, factory] of Object.entries(NOTIFIER_FACTORIES) as [Platform, NotifierFactory][]) {
      const n = await factory(ctx);
      if (n) notifiers.set(platform, n);
    }
  }
  for (const n of options.notifiers ?? []) notifiers.set(n.platform, n);
  // Only notifiers that talk to the real services are paced; one handed in by a test or benchmark is not.
  const pacedPlatforms = [...notifiers.keys()].filter((p) => !options.notifiers?.some((n) => n.platform === p));
  const standing: StandingDestination[] = consoleAlertsOn(config) ? [{ destination: CONSOLE_DESTINATION, minConfidence: config.CONSOLE_MIN_CONFIDENCE }] : [];

  const workers: Worker[] = [];
  const bots: RunningBot[] = [];
  const metrics = options.metrics ?? createMetrics();
  metrics.watchQueues([queues.feedPoll, queues.articleClassify, queues.alertDeliver]);
  const workerOpts = { connection: bull, prefix, log, metrics };

  async function syncFeeds(): Promise<{ scheduled: number; removed: number }> {
    const fromFile = loadFeedsFile(config.FEEDS_FILE);
    if (fromFile.length === 0) log.warn({ file: config.FEEDS_FILE }, "no feeds in the feeds file; add some there or with `catalyst-bot feeds add URL --name NAME`");
    await feeds.syncConfig(fromFile);
    const all = await feeds.list();
    const active = all.filter((f) => f.enabled);
    for (const f of active) await queues.scheduleFeed(f);
    const keep = new Set(active.map((f) => f.id));
    let removed = 0;
    for (const id of await queues.scheduledFeeds()) {
      if (!keep.has(id) && (await queues.unscheduleFeed(id))) removed++;
    }
    log.info({ feeds: active.length, unscheduled: removed }, "feed schedulers in place");
    return { scheduled: active.length, removed };
  }

  return {
    log,
    redis,
    queues,
    metrics,
    feeds,
    deliveries,
    destinations,
    deadLetters,
    timeline,
    subscriptions,
    notifiers,
    syncFeeds,
    async health() {
      const redisOk = await redis.ping().then(
        (r) => r === "PONG",
        () => false,
      );
      const running = workers.filter((w) => w.isRunning()).length;
      return { ok: redisOk && running === workers.length, redis: redisOk, workers: workers.length, workersRunning: running };
    },
    async start() {
      if (roles.has("classifier")) {
        const classify = options.classify ?? loadClassifier({ universeDir: config.UNIVERSE_DIR });
        workers.push(
          createClassifyWorker(
            {
              classify,
              articles: createRedisArticleStore({ redis, prefix, retentionDays: config.TIMELINE_RETENTION_DAYS }),
              timeline,
              stories: createRedisStoryStore({ redis, prefix, windowHours: config.STORY_WINDOW_HOURS }),
              // Webhooks of WEBHOOKS_FILE are routed like channels that subscribed.
              subscriptions: routingWithWebhooks(config, subscriptions),
              deliveries,
              standing,
              log,
            },
            queues,
            { ...workerOpts, concurrency: config.CLASSIFY_CONCURRENCY },
          ),
        );
      }
      if (roles.has("deliverer")) {
        if (notifiers.size === 0) log.warn("no notifier has credentials and console alerts are off: alerts will wait in the queue");
        workers.push(
          createDeliverWorker(
            {
              notifiers,
              deliveries,
              destinations,
              deadLetters,
              log,
              pacing: createDeliveryPacing({ pacer: createPacer({ redis, prefix }), webhooks: loadConfiguredWebhooks(config), platforms: pacedPlatforms, log }),
              ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
            },
            { ...workerOpts, concurrency: config.DELIVER_CONCURRENCY },
          ),
        );
        if (notifiers.has("console")) log.info({ minConfidence: config.CONSOLE_MIN_CONFIDENCE }, "console alerts on: alerts print on stdout");
      }
      if (roles.has("poller")) {
        await syncFeeds();
        workers.push(
          createPollWorker(
            {
              feeds,
              seen: createRedisSeenStore({ redis, prefix, retentionDays: config.SEEN_RETENTION_DAYS }),
              fetchFeed: options.fetchFeed ?? ((url, o) => fetchFeed(url, o) as Promise<FetchResult>),
              readFeedFile: (file, o) => readFeedFile(file, o) as Promise<FetchResult>,
              fetchOptions: {
                timeoutMs: config.FEED_TIMEOUT_MS,
                maxBytes: config.FEED_MAX_BYTES,
                maxRedirects: config.FEED_MAX_REDIRECTS,
                allowPrivate: config.FEED_ALLOW_PRIVATE,
              },
              backfill: config.FEED_BACKFILL,
              log,
            },
            queues,
            { ...workerOpts, concurrency: config.POLL_CONCURRENCY },
          ),
        );
      }
      if (roles.has("bot")) {
        for (const factory of BOT_FACTORIES) {
          const bot = await factory(ctx);
          if (bot) {
            bots.push(bot);
            log.info({ bot: bot.name }, "bot started");
          }
        }
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      log.info({ roles: [...roles], workers: workers.length, bots: bots.length, notifiers: [...notifiers.keys()] }, "catalyst-bot running");
    },
    async stop() {
      // Workers first: they finish their current jobs (or hand them back) before the connections close.
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled(bots.map((b) => b.stop()));
      await queues.close();
      await subscriptions.close();
      await Promise.all([closeRedis(redis), closeRedis(bull)]);
    },
  };
}
