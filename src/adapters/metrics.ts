// Prometheus metrics of the bot: one registry per process, fed through small typed calls so the pipeline never touches prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { CATALYST_SLUGS, type CatalystSlug } from "../core/catalysts.ts";
import type { Platform } from "../core/store.ts";
import { FEED_ERROR_CODES, type FeedErrorCode } from "./feeds/errors.ts";

export const POLL_OUTCOMES = ["ok", "not_modified", "error"] as const;
export type PollMetricOutcome = (typeof POLL_OUTCOMES)[number];

export const DELIVERY_OUTCOMES = [
  "sent",
  "duplicate_skipped",
  "permanent_failure",
  "transient_failure",
  "rate_limited",
  "dead_lettered",
] as const;
export type DeliveryMetricOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const PLATFORMS: readonly Platform[] = ["slack", "discord", "webhook", "console"];

/** Queue states reported by catalyst_queue_jobs. "waiting" includes paused and prioritized jobs. */
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;

/** The fetch-error label for an error that is not a FeedError (a bug, or Redis failing mid-poll). */
export const OTHER_FETCH_ERROR = "OTHER";

/** Seconds from the poll that saw an article to the alert's delivery: 50 ms (a hot path) up to a minute (retries, rate limits). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

/** What the queue-depth gauge needs of a BullMQ Queue. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  /** Queues whose depths are read on each scrape (a process without queues reports none). */
  queues?: readonly CountableQueue[];
  /** A scrape never waits longer than this for Redis: a slow Redis must not hang Prometheus. */
  queueCountTimeoutMs?: number;
  /** Process metrics (CPU, memory, event loop lag, GC): on by default. */
  defaultMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** One feed poll finished. */
  pollDone(outcome: PollMetricOutcome): void;
  /** A feed fetch failed with this FeedError code (any other code is counted as OTHER). */
  fetchError(code: string): void;
  articleClassified(): void;
  /** One alert produced by the classifier (before routing to destinations). */
  alertRaised(catalyst: CatalystSlug): void;
  delivery(outcome: DeliveryMetricOutcome, platform: Platform): void;
  /** An alert reached its destination (counts as outcome "sent": do not also call delivery("sent")). polledAt is the job's poll start, ms since epoch. */
  delivered(platform: Platform, polledAt: number, now?: number): void;
  /** Adds queues whose depth is read on each scrape. */
  watchQueues(queues: readonly CountableQueue[]): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const queues: CountableQueue[] = [...(options.queues ?? [])];
  const countTimeoutMs = options.queueCountTimeoutMs ?? 2_000;
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const polls = new Counter({
    name: "catalyst_polls_total",
    help: "Feed polls by outcome: ok (new content fetched), not_modified (HTTP 304), error (the fetch failed).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const fetchErrors = new Counter({
    name: "catalyst_feed_fetch_errors_total",
    help: "Failed feed fetches by error code (see docs/operations.md and the README's feed error codes).",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const classified = new Counter({
    name: "catalyst_articles_classified_total",
    help: "Articles the classifier processed.",
    registers: [registry],
  });
  const alerts = new Counter({
    name: "catalyst_alerts_total",
    help: "Alerts the classifier raised, by catalyst (one per story and catalyst, before routing to channels).",
    labelNames: ["catalyst"] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "catalyst_deliveries_total",
    help: "Delivery attempts by outcome and platform.",
    labelNames: ["outcome", "platform"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "catalyst_poll_to_delivery_seconds",
    help: "Seconds from the start of the poll that saw an article to the delivery of its alert.",
    labelNames: ["platform"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const queueScrapeErrors = new Counter({
    name: "catalyst_queue_scrape_errors_total",
    help: "Scrapes in which a queue's job counts could not be read from Redis in time.",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const queueJobs = new Gauge({
    name: "catalyst_queue_jobs",
    help: "Jobs in each pipeline queue by state, read from Redis at scrape time.",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
  });

  // Read before rendering (not in a collect hook), so the scrape-error counter of the same scrape is up to date.
  async function readQueueDepths(): Promise<void> {
    queueJobs.reset();
    await Promise.all(
      queues.map(async (q) => {
        try {
          const c = await timeout(q.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"), countTimeoutMs, `counting jobs of ${q.name}`);
          const n = (k: string) => c[k] ?? 0;
          queueJobs.set({ queue: q.name, state: "waiting" }, n("waiting") + n("paused") + n("prioritized"));
          for (const state of ["active", "delayed", "failed"] as const) queueJobs.set({ queue: q.name, state }, n(state));
        } catch {
          // Redis is down or slow: leave this queue out of the scrape (absent, not a misleading 0); /readyz says why.
          queueScrapeErrors.inc({ queue: q.name });
        }
      }),
    );
  }

  // Every known label value starts at 0, so rate() and alerts work before the first event.
  for (const outcome of POLL_OUTCOMES) polls.inc({ outcome }, 0);
  for (const code of [...Object.keys(FEED_ERROR_CODES), OTHER_FETCH_ERROR]) fetchErrors.inc({ code }, 0);
  for (const catalyst of CATALYST_SLUGS) alerts.inc({ catalyst }, 0);
  for (const outcome of DELIVERY_OUTCOMES) for (const platform of PLATFORMS) deliveries.inc({ outcome, platform }, 0);

  const knownCodes = new Set<string>(Object.keys(FEED_ERROR_CODES) satisfies string[]);

  return {
    registry,
    contentType: registry.contentType,
    pollDone: (outcome) => polls.inc({ outcome }),
    fetchError: (code) => fetchErrors.inc({ code: knownCodes.has(code) ? (code as FeedErrorCode) : OTHER_FETCH_ERROR }),
    articleClassified: () => classified.inc(),
    alertRaised: (catalyst) => alerts.inc({ catalyst }),
    delivery: (outcome, platform) => deliveries.inc({ outcome, platform }),
    delivered(platform, polledAt, now = Date.now()) {
      deliveries.inc({ outcome: "sent", platform });
      latency.observe({ platform }, Math.max(0, (now - polledAt) / 1_000));
    },
    watchQueues(more) {
      for (const q of more) if (!queues.includes(q)) queues.push(q);
    },
    async render() {
      await readQueueDepths();
      return registry.metrics();
    },
  };
}
