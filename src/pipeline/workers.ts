// BullMQ workers around the three stage handlers: payload checks, next-stage jobs, deferral and failure handling.
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Logger } from "pino";
import { QUEUES } from "../contracts/queues.ts";
import { AlertDeliverJobSchema, ArticleClassifyJobSchema, FeedPollJobSchema } from "../contracts/jobs.ts";
import { parsePayload } from "../contracts/validate.ts";
import type { AlertDeliverJob } from "../contracts/jobs.ts";
import { DeliveryError } from "../core/delivery-errors.ts";
import { classifyArticle, type ClassifyDeps } from "./classify.ts";
import { deliverAlert, NoNotifierError, type DeliverDeps } from "./deliver.ts";
import { deadLetterId } from "../adapters/redis/destinations.ts";
import { reportDistinctErrors } from "../adapters/redis/connection.ts";
import { pollFeed, type PollDeps } from "./poll.ts";
import type { PipelineQueues } from "./queues.ts";
import type { Metrics } from "../adapters/metrics.ts";

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  log: Logger;
  /** Counters and the latency histogram of /metrics (docs/operations.md). */
  metrics?: Metrics;
}

// A job put back more often than this (an endless rate limit) fails, so it shows up instead of looping.
const MAX_DEFERRALS = 60;

function logFailures(worker: Worker, log: Logger, queue: string): Worker {
  worker.on("failed", (job, err) => {
    if (!job) return;
    log.warn({ queue, jobId: job.id, attemptsMade: job.attemptsMade, err: err.message }, "job failed");
  });
  // Its own blocking connection (a duplicate BullMQ makes) repeats a Redis outage at every retry: once is enough.
  reportDistinctErrors(worker, `worker ${queue}`, (message) => log.error({ queue }, message));
  return worker;
}

export function createPollWorker(deps: PollDeps, queues: PipelineQueues, opts: WorkerOptions): Worker {
  const worker = new Worker(
    QUEUES.feedPoll,
    async (job: Job) => {
      const payload = parsePayload(FeedPollJobSchema, QUEUES.feedPoll, job, opts.log);
      // Jobs are queued inside pollFeed, before the items are recorded as seen: a crash in between loses nothing.
      const { outcome, feed } = await pollFeed(payload, deps, (next) => queues.addArticles(next));
      if (outcome.status === "ok" || outcome.status === "not_modified") opts.metrics?.pollDone(outcome.status);
      else if (outcome.status === "failed") {
        opts.metrics?.pollDone("error");
        opts.metrics?.fetchError(outcome.code);
      }
      // A scheduler left behind by an instance that missed the removal: drop it.
      if (!feed) await queues.unscheduleFeed(payload.feedId);
      return outcome.status;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 20 },
  );
  return logFailures(worker, opts.log, QUEUES.feedPoll);
}

export function createClassifyWorker(deps: ClassifyDeps, queues: PipelineQueues, opts: WorkerOptions): Worker {
  const worker = new Worker(
    QUEUES.articleClassify,
    async (job: Job) => {
      const payload = parsePayload(ArticleClassifyJobSchema, QUEUES.articleClassify, job, opts.log);
      const { alerts, next } = await classifyArticle(payload, deps);
      opts.metrics?.articleClassified();
      for (const a of alerts) opts.metrics?.alertRaised(a.catalyst);
      await queues.addDeliveries(next);
      return next.length;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 4 },
  );
  return logFailures(worker, opts.log, QUEUES.articleClassify);
}

/**
 * A send that failed in a way that may pass: noted for `deliveries explain`, and on the last attempt
 * (BullMQ's attempts, DELIVERY_MAX_ATTEMPTS) kept as a dead letter with its job, for `deliveries retry`.
 */
async function failedAttempt(job: Job, payload: AlertDeliverJob, err: unknown, deps: DeliverDeps, log: Logger, last = false): Promise<void> {
  if (!deps.deadLetters) return;
  const attempt = job.attemptsMade + 1;
  const error = err instanceof Error ? err.message : String(err);
  const code = err instanceof DeliveryError ? err.code : err instanceof NoNotifierError ? "no_notifier" : undefined;
  const detail = { error, ...(code ? { code } : {}) };
  try {
    await deps.deadLetters.noteFailure(payload.alert.alertId, payload.destination, { at: new Date().toISOString(), attempt, ...detail });
    if (!last && attempt < (job.opts.attempts ?? 1)) return;
    const letter = await deps.deadLetters.record(payload, { kind: "failed", attempts: attempt, ...detail });
    // Follow-ups of this story stop waiting for an opener that is not coming.
    if (!payload.alert.followUp) await deps.deliveries.clearThreadPending(payload.alert.storyId, payload.destination);
    log.error(
      { jobId: job.id, alertId: payload.alert.alertId, destination: payload.destination, deadLetter: letter.id, attempts: attempt },
      `delivery gave up after ${attempt} attempts: ${error}. Kept as ${letter.id}: when the cause is gone, run 'catalyst-bot deliveries retry ${letter.id}'.`,
    );
  } catch (storeErr) {
    log.error({ jobId: job.id, err: storeErr instanceof Error ? storeErr.message : String(storeErr) }, "could not record a failed delivery attempt");
  }
}

export function createDeliverWorker(deps: DeliverDeps, opts: WorkerOptions): Worker {
  const worker = new Worker(
    QUEUES.alertDeliver,
    async (job: Job, token?: string) => {
      const payload = parsePayload(AlertDeliverJobSchema, QUEUES.alertDeliver, job, opts.log);
      const platform = payload.destination.platform;
      let outcome;
      try {
        outcome = await deliverAlert(payload, deps);
      } catch (err) {
        if (err instanceof NoNotifierError) opts.log.error({ jobId: job.id, destination: payload.destination }, err.message);
        await failedAttempt(job, payload, err, deps, opts.log);
        opts.metrics?.delivery("transient_failure", platform);
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) opts.metrics?.delivery("dead_lettered", platform);
        throw err;
      }
      if (outcome.status === "sent") opts.metrics?.delivered(platform, payload.polledAt);
      else if (outcome.status === "already_done") opts.metrics?.delivery("duplicate_skipped", platform);
      else if (outcome.status === "skipped") opts.metrics?.delivery("dead_lettered", platform);
      else if (outcome.status === "permanent_failure") opts.metrics?.delivery("permanent_failure", platform);
      else if (outcome.kind === "rate_limited") opts.metrics?.delivery("rate_limited", platform);
      if (outcome.status === "defer") {
        if (payload.deferrals >= MAX_DEFERRALS) {
          const err = new UnrecoverableError(`gave up waiting after ${MAX_DEFERRALS} deferrals: ${outcome.reason}`);
          await failedAttempt(job, payload, err, deps, opts.log, true);
          opts.metrics?.delivery("dead_lettered", platform);
          throw err;
        }
        opts.log.info({ jobId: job.id, kind: outcome.kind, delayMs: outcome.delayMs, reason: outcome.reason }, "delivery deferred");
        await job.updateData({ ...payload, deferrals: payload.deferrals + 1 });
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      }
      if (outcome.status === "permanent_failure") throw new UnrecoverableError(outcome.error);
      if (outcome.status === "sent" && job.attemptsMade > 0) await deps.deadLetters?.clearFailures(deadLetterId(payload.alert.alertId, payload.destination));
      return outcome.status;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 10 },
  );
  return logFailures(worker, opts.log, QUEUES.alertDeliver);
}
