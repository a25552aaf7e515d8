// Queue names and default job options of the three pipeline stages (feed-poll -> article-classify -> alert-deliver).
import type { JobsOptions } from "bullmq";

export const QUEUES = {
  feedPoll: "feed-poll",
  articleClassify: "article-classify",
  alertDeliver: "alert-deliver",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

// Completed jobs are dropped quickly (the stores keep what matters); failed ones stay a while for the operator.
const keep = { removeOnComplete: { age: 3_600, count: 1_000 }, removeOnFail: { age: 7 * 86_400, count: 5_000 } } as const;

export const JOB_DEFAULTS: Record<QueueName, JobsOptions> = {
  // A failed poll is recorded in feed health and retried by the next scheduled run, never by BullMQ.
  "feed-poll": { ...keep, attempts: 1 },
  "article-classify": { ...keep, attempts: 5, backoff: { type: "exponential", delay: 1_000 } },
  "alert-deliver": { ...keep, attempts: 8, backoff: { type: "exponential", delay: 2_000 } },
};
