// The three BullMQ queues, with payload validation on the way in and deterministic job ids.
import type { EventEmitter } from "node:events";
import { Queue, type ConnectionOptions } from "bullmq";
import { reportDistinctErrors } from "../adapters/redis/connection.ts";
import { JOB_DEFAULTS, QUEUES } from "../contracts/queues.ts";
import {
  AlertDeliverJobSchema,
  ArticleClassifyJobSchema,
  FeedPollJobSchema,
  type AlertDeliverJob,
  type ArticleClassifyJob,
  type FeedPollJob,
} from "../contracts/jobs.ts";
import type { FeedDefinition } from "../contracts/feeds-file.ts";
import { deliveryJobId } from "./classify.ts";

export interface PipelineQueues {
  feedPoll: Queue<FeedPollJob>;
  articleClassify: Queue<ArticleClassifyJob>;
  alertDeliver: Queue<AlertDeliverJob>;
  addArticles(jobs: ArticleClassifyJob[]): Promise<void>;
  addDeliveries(jobs: AlertDeliverJob[]): Promise<void>;
  /** One Job Scheduler per feed: several instances upserting the same id still poll the feed once per interval. */
  scheduleFeed(feed: FeedDefinition): Promise<void>;
  unscheduleFeed(feedId: string): Promise<boolean>;
  /** Feed ids that have a scheduler. */
  scheduledFeeds(): Promise<string[]>;
  close(): Promise<void>;
}

export const schedulerIdFor = (feedId: string) => `poll-${feedId}`;

/** Overrides of the delivery jobs' retry policy (DELIVERY_MAX_ATTEMPTS, DELIVERY_BACKOFF_MS). */
export interface DeliveryRetryOptions {
  attempts: number;
  backoffMs: number;
}

/**
 * `onError` gets each distinct error of a queue once (default: a JSON line on stderr). A Queue with no 'error'
 * listener has BullMQ print the raw error with its stack, once per reconnection attempt while Redis is down.
 */
export function createPipelineQueues(
  connection: ConnectionOptions,
  prefix: string,
  deliveryRetry?: DeliveryRetryOptions,
  onError?: (message: string) => void,
): PipelineQueues {
  const deliverDefaults = deliveryRetry
    ? { ...JOB_DEFAULTS["alert-deliver"], attempts: deliveryRetry.attempts, backoff: { type: "exponential", delay: deliveryRetry.backoffMs } }
    : JOB_DEFAULTS["alert-deliver"];
  const feedPoll = new Queue<FeedPollJob>(QUEUES.feedPoll, { connection, prefix, defaultJobOptions: JOB_DEFAULTS["feed-poll"] });
  const articleClassify = new Queue<ArticleClassifyJob>(QUEUES.articleClassify, {
    connection,
    prefix,
    defaultJobOptions: JOB_DEFAULTS["article-classify"],
  });
  const alertDeliver = new Queue<AlertDeliverJob>(QUEUES.alertDeliver, { connection, prefix, defaultJobOptions: deliverDefaults });
  // A shared ioredis client says when Redis is back; BullMQ's Queue itself emits no 'ready'.
  const shared = typeof (connection as Partial<EventEmitter>).on === "function" ? (connection as EventEmitter) : undefined;
  for (const q of [feedPoll, articleClassify, alertDeliver]) reportDistinctErrors(q, `queue ${q.name}`, onError, shared);
  return {
    feedPoll,
    articleClassify,
    alertDeliver,
    async addArticles(jobs) {
      if (jobs.length === 0) return;
      await articleClassify.addBulk(
        jobs.map((j) => {
          const data = ArticleClassifyJobSchema.parse(j);
          return { name: "classify", data, opts: { jobId: `art-${data.article.id}` } };
        }),
      );
    },
    async addDeliveries(jobs) {
      if (jobs.length === 0) return;
      await alertDeliver.addBulk(
        jobs.map((j) => {
          const data = AlertDeliverJobSchema.parse(j);
          return { name: "deliver", data, opts: { jobId: deliveryJobId(data.alert.alertId, data.destination) } };
        }),
      );
    },
    async scheduleFeed(feed) {
      const data = FeedPollJobSchema.parse({ feedId: feed.id });
      await feedPoll.upsertJobScheduler(schedulerIdFor(feed.id), { every: feed.intervalSeconds * 1_000 }, { name: "poll", data });
    },
    async unscheduleFeed(feedId) {
      return feedPoll.removeJobScheduler(schedulerIdFor(feedId));
    },
    async scheduledFeeds() {
      const all = await feedPoll.getJobSchedulers(0, -1);
      return all.map((s) => s.key).filter((k) => k.startsWith("poll-")).map((k) => k.slice("poll-".length));
    },
    async close() {
      await Promise.all([feedPoll.close(), articleClassify.close(), alertDeliver.close()]);
    },
  };
}
