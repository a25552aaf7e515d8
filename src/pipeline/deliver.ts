// Deliver stage: post one alert to one destination exactly once, threading follow-ups under the story's first post.
import type { Logger } from "pino";
import type { DeliveryStore } from "../adapters/redis/deliveries.ts";
import type { DeadLetterStore, DestinationStore } from "../adapters/redis/destinations.ts";
import type { AlertDeliverJob } from "../contracts/jobs.ts";
import { DeliveryError } from "../core/delivery-errors.ts";
import { permanentFailureInfo } from "../core/delivery-failures.ts";
import type { Notifier } from "../core/notifier.ts";
import type { Platform } from "../core/store.ts";
import type { PostedMessage } from "../core/types.ts";
import type { DeliveryPacing } from "./pace-job.ts";

export interface DeliverDeps {
  notifiers: ReadonlyMap<Platform, Notifier>;
  deliveries: DeliveryStore;
  /** Disabled destinations: a delivery to one is skipped without calling the platform. */
  destinations?: DestinationStore;
  /** Where alerts that were not delivered are kept for `catalyst-bot deliveries retry`. */
  deadLetters?: DeadLetterStore;
  log: Logger;
  /** Paces sends per destination across processes and pauses a destination after its 429 (docs/rate-limits.md). */
  pacing?: DeliveryPacing;
  /** How long a send may take before another worker may assume it crashed and try again. */
  leaseMs?: number;
  /** How long a follow-up waits between checks for its story's first post, and how many times. */
  threadWaitMs?: number;
  maxThreadWaits?: number;
  /** Called after a successful send (metrics, benchmarks). */
  onDelivered?: (job: AlertDeliverJob, message: PostedMessage) => void;
  now?: () => number;
}

export type DeliverOutcome =
  | { status: "sent"; message: PostedMessage; threaded: boolean }
  | { status: "already_done"; state: "sent" | "failed" }
  | { status: "permanent_failure"; error: string; code?: string; disabled?: string }
  /** Its destination is disabled: nothing was sent, the alert waits in the dead letters until it is enabled. */
  | { status: "skipped"; disabled: string; reason: string }
  /** Put the job back for delayMs without using up an attempt. */
  | { status: "defer"; kind: DeferKind; delayMs: number; reason: string };

/**
 * Why a delivery waits; metrics and logs key on this, `reason` is for people.
 * rate_limited: the platform answered 429 (wait its Retry-After). paced: our own pacing has no slot for it yet
 * (or the destination is paused after an earlier 429). thread_wait: a follow-up waits for its story's first
 * post. lease_held: another attempt holds the send.
 */
export type DeferKind = "rate_limited" | "paced" | "thread_wait" | "lease_held";

export class NoNotifierError extends Error {
  override name = "NoNotifierError";
}

export async function deliverAlert(job: AlertDeliverJob, deps: DeliverDeps): Promise<DeliverOutcome> {
  const { destination } = job;
  let alert = job.alert;
  const leaseMs = deps.leaseMs ?? 60_000;

  // First, before any wait or request: a destination disabled after a permanent failure costs the platform nothing.
  const disabled = await deps.destinations?.disabledFor(destination);
  if (disabled) {
    const done = await deps.deliveries.get(alert.alertId, destination);
    if (done?.state === "sent") return { status: "already_done", state: "sent" };
    const reason = `${disabled.key} is disabled since ${disabled.firstAt}: ${disabled.reason}`;
    await deps.deadLetters?.record(job, { kind: "skipped", error: reason, ...(disabled.code ? { code: disabled.code } : {}), attempts: 0 });
    // Follow-ups of this story must not wait for an opener that will not be posted.
    if (!alert.followUp) await deps.deliveries.clearThreadPending(alert.storyId, destination);
    deps.log.debug({ alertId: alert.alertId, destination, disabled: disabled.key }, "delivery skipped: destination disabled");
    return { status: "skipped", disabled: disabled.key, reason };
  }

  const notifier = deps.notifiers.get(destination.platform);
  if (!notifier) {
    // Not recorded as failed: once the operator adds the credentials, a retry of this job can still post.
    throw new NoNotifierError(
      `No ${destination.platform} notifier in this process: set the ${destination.platform} credentials (see README, "Settings") for the deliverer, or remove the subscriptions of ${destination.channel}.`,
    );
  }

  let thread: PostedMessage | undefined;
  if (alert.followUp) {
    const t = await deps.deliveries.thread(alert.storyId, destination);
    if (t.state === "posted") thread = t.message;
    else if (t.state === "pending" && job.deferrals < (deps.maxThreadWaits ?? 30)) {
      return { status: "defer", kind: "thread_wait", delayMs: deps.threadWaitMs ?? 500, reason: "waiting for the story's first alert to be posted" };
    } else if (t.state === "none") {
      // This channel never got the story's first alert (it subscribed later, or its threshold was higher):
      // this source opens the story here, and later ones thread under it.
      alert = { ...alert, followUp: false };
    }
  }

  // Books this delivery's slot (Slack 1/s per channel, Discord buckets, webhooks); if it is later, come back then.
  const paced = await deps.pacing?.beforeSend(alert.alertId, destination);
  if (paced) return paced;

  const claimedAtMs = (deps.now ?? Date.now)();
  const held = await deps.deliveries.claim(alert.alertId, destination, leaseMs);
  if (held?.state === "sent" || held?.state === "failed") return { status: "already_done", state: held.state };
  if (held?.state === "sending") {
    // A duplicate job, or our own earlier attempt that died mid-send: wait until its lease can have expired.
    return { status: "defer", kind: "lease_held", delayMs: leaseMs, reason: "another attempt holds the send" };
  }

  let message: PostedMessage;
  try {
    message = await notifier.send(destination, alert, thread);
  } catch (err) {
    if (err instanceof DeliveryError && err.kind === "permanent") {
      await deps.deliveries.recordFailed(alert.alertId, destination, err.message, err.code);
      if (!alert.followUp) await deps.deliveries.clearThreadPending(alert.storyId, destination);
      const letter = await deps.deadLetters?.record(job, { kind: "permanent", error: err.message, ...(err.code ? { code: err.code } : {}), attempts: 1 });
      const info = permanentFailureInfo(destination.platform, err.code);
      let disabledKey: string | undefined;
      if (info.scope !== "alert" && deps.destinations) {
        const { record, created } = await deps.destinations.disable(destination, info.scope, err.message, err.code);
        disabledKey = record.key;
        if (created) {
          deps.log.error(
            { alertId: alert.alertId, destination, code: err.code, disabled: record.key, scope: info.scope },
            `DISABLED ${record.key}: ${info.meaning}. Later alerts to it are kept, not sent. To fix: ${info.action}; ` +
              `then run 'catalyst-bot deliveries enable ${record.key}' and 'catalyst-bot deliveries retry --all'. (${err.message})`,
          );
        }
      } else {
        deps.log.error(
          { alertId: alert.alertId, destination, code: err.code, deadLetter: letter?.id },
          `delivery failed for good: ${err.message}. ${info.action}; 'catalyst-bot deliveries explain ${letter?.id ?? alert.alertId}' tells more.`,
        );
      }
      return { status: "permanent_failure", error: err.message, ...(err.code ? { code: err.code } : {}), ...(disabledKey ? { disabled: disabledKey } : {}) };
    }
    await deps.deliveries.release(alert.alertId, destination);
    if (err instanceof DeliveryError && err.kind === "rate_limited") {
      await deps.pacing?.rateLimited(destination, err);
      return { status: "defer", kind: "rate_limited", delayMs: Math.max(err.retryAfterMs ?? 1_000, 100), reason: `rate limited by ${destination.platform}` };
    }
    throw err; // transient: BullMQ retries with backoff
  }
  // The platform has the post: from here a failed write is the one duplicate window (the lease expires
  // and another attempt posts again). Keep trying the record while our lease still holds, so a Redis
  // blip shorter than the lease costs no duplicate.
  const claimedAt = claimedAtMs;
  await untilLeaseEnds(() => deps.deliveries.recordSent(alert.alertId, destination, message), claimedAt + leaseMs, deps);
  if (!alert.followUp) await untilLeaseEnds(() => deps.deliveries.setThread(alert.storyId, destination, message), claimedAt + leaseMs, deps);
  deps.onDelivered?.(job, message);
  return { status: "sent", message, threaded: thread !== undefined };
}

/** Retries a store write with backoff (0.1 s doubling to 2 s) until it succeeds or `deadline` is near. */
async function untilLeaseEnds(write: () => Promise<unknown>, deadline: number, deps: Pick<DeliverDeps, "log" | "now">): Promise<void> {
  const now = deps.now ?? Date.now;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      await write();
      return;
    } catch (err) {
      // Stop with a margin: past the lease, another attempt may already be posting again.
      if (now() + wait > deadline - 1_000) throw err;
      deps.log.warn({ err: (err as Error).message, retryInMs: wait }, "posted, but recording the delivery failed: retrying the record");
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
