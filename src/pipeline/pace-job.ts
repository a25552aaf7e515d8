// The deliver stage's pacing: before a send, book the destination's slot or say how long to put the job back; after a 429, pause that destination.
import type { Logger } from "pino";
import type { Pacer } from "../adapters/redis/pacer.ts";
import type { DeliveryError } from "../core/delivery-errors.ts";
import { DISCORD_GLOBAL_KEY, paceHolderOf, paceLimitsFor, pauseKeysFor, type PaceLimit, type WebhookTarget } from "../core/pacing.ts";
import type { Destination, Platform } from "../core/store.ts";

/** The same shape as the deliver stage's "defer" outcome, so the stage can return it as is. */
export interface PaceDefer {
  status: "defer";
  kind: "paced";
  delayMs: number;
  reason: string;
}

export interface DeliveryPacing {
  /**
   * Call right before posting `alertId` to `destination`. Undefined: post now. A PaceDefer: a slot is
   * booked for this delivery `delayMs` from now; put the job back as delayed for that long (the deliver
   * worker does `job.moveToDelayed` + `DelayedError`), and the next attempt goes straight through.
   */
  beforeSend(alertId: string, destination: Destination): Promise<PaceDefer | undefined>;
  /** Call when a send failed with a RateLimitedError: pauses the keys that got the 429 for its Retry-After. */
  rateLimited(destination: Destination, err: DeliveryError): Promise<void>;
}

export interface DeliveryPacingDeps {
  pacer: Pacer;
  /** WEBHOOKS_FILE entries, so a webhook destination (named) is paced per URL and per kind. */
  webhooks?: readonly (WebhookTarget & { name: string })[];
  /**
   * Pace only destinations of these platforms; absent = all. The app passes the platforms whose notifier
   * talks to the real service, so a notifier handed in by a test or a benchmark is not held to Slack's pace.
   */
  platforms?: readonly Platform[];
  log?: Logger;
}

// A 429 without a usable Retry-After still pauses for this long.
const DEFAULT_PAUSE_MS = 1_000;

export function createDeliveryPacing(deps: DeliveryPacingDeps): DeliveryPacing {
  const hooks = new Map((deps.webhooks ?? []).map((h) => [h.name, { kind: h.kind, url: h.url }]));
  const paced = deps.platforms ? new Set(deps.platforms) : undefined;
  const limitsOf = (d: Destination): PaceLimit[] =>
    paced && !paced.has(d.platform) ? [] : paceLimitsFor(d, d.platform === "webhook" ? hooks.get(d.channel) : undefined);

  return {
    async beforeSend(alertId, destination) {
      const limits = limitsOf(destination);
      if (limits.length === 0) return undefined;
      const r = await deps.pacer.reserve(limits, { holder: paceHolderOf(alertId, destination) });
      if (r.ok) return undefined;
      return { status: "defer", kind: "paced", delayMs: r.waitMs, reason: `pacing sends to ${destination.platform} ${destination.channel}` };
    },

    async rateLimited(destination, err) {
      const keys = pauseKeysFor(limitsOf(destination), err);
      const ms = err.retryAfterMs !== undefined && err.retryAfterMs > 0 ? err.retryAfterMs : DEFAULT_PAUSE_MS;
      const until = await deps.pacer.pause(keys, ms);
      // Webhook keys are hashes of secret URLs: log the destination's name, not the key.
      deps.log?.warn({ destination, pausedMs: ms, until: new Date(until).toISOString(), global: keys.includes(DISCORD_GLOBAL_KEY) }, "rate limited: pausing this destination");
    },
  };
}
