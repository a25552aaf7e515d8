// How fast each destination may be posted to: the pacing keys and limits of a Destination (see docs/rate-limits.md).
import { createHash } from "node:crypto";
import type { DeliveryError } from "./delivery-errors.ts";
import type { Destination } from "./store.ts";

/** At most `limit` sends in any `windowMs` interval (a sliding window, not a fixed one). */
export interface PaceRule {
  limit: number;
  windowMs: number;
}

/** One limit that a send must fit: every send to any destination mapped to the same key counts against it. */
export interface PaceLimit {
  key: string;
  rule: PaceRule;
}

/** What the pacer must know of a webhook destination beyond its name: the URL is only ever hashed. */
export interface WebhookTarget {
  kind: "slack" | "discord";
  url: string;
}

// Sources and reasoning for every number: docs/rate-limits.md. The margins on Discord's windows absorb
// network jitter between our clock and Discord's bucket resets; Slack tolerates short bursts, so none there.
export const PACE_RULES = {
  /** chat.postMessage: "1 message per second per channel", bursts tolerated but not guaranteed. */
  slackChannel: { limit: 1, windowMs: 1_000 },
  /** POST /channels/{id}/messages: the bucket Discord commonly reports is 5 per 5 s per channel. */
  discordChannel: { limit: 5, windowMs: 5_250 },
  /** Discord's global limit is 50 requests/s per bot; 45 leaves room for slash-command replies and registration. */
  discordGlobal: { limit: 45, windowMs: 1_000 },
  /** Slack incoming webhooks: 1 per second. */
  slackWebhook: { limit: 1, windowMs: 1_000 },
  /** Discord webhooks: 5 per 2 s per webhook ... */
  discordWebhookBurst: { limit: 5, windowMs: 2_100 },
  /** ... and about 30 per minute, which is the stricter one for a sustained stream. */
  discordWebhookMinute: { limit: 30, windowMs: 60_000 },
} as const satisfies Record<string, PaceRule>;

export const DISCORD_GLOBAL_KEY = "discord:global";

/** A key part that cannot be confused with a separator, whatever a channel id contains. */
function part(s: string): string {
  return encodeURIComponent(s);
}

/** Webhook URLs carry their own credential: Redis keys and logs get a hash, never the URL. */
export function webhookKeyOf(url: string): string {
  return `webhook:${createHash("sha256").update(url).digest("hex").slice(0, 32)}`;
}

/**
 * The limits one send to `destination` must fit, all reserved together. `webhook` is the destination's
 * entry of WEBHOOKS_FILE; without it (a webhook removed from the file) the strictest webhook rule applies
 * per name. Console output is not paced.
 */
export function paceLimitsFor(destination: Destination, webhook?: WebhookTarget): PaceLimit[] {
  switch (destination.platform) {
    case "slack":
      return [{ key: `slack:${part(destination.tenant)}:${part(destination.channel)}`, rule: PACE_RULES.slackChannel }];
    case "discord":
      // Channel ids are unique across guilds, so the guild is not part of the key.
      return [
        { key: `discord:channel:${part(destination.channel)}`, rule: PACE_RULES.discordChannel },
        { key: DISCORD_GLOBAL_KEY, rule: PACE_RULES.discordGlobal },
      ];
    case "webhook": {
      if (!webhook) return [{ key: `webhook:name:${part(destination.channel)}`, rule: PACE_RULES.slackWebhook }];
      const key = webhookKeyOf(webhook.url);
      if (webhook.kind === "slack") return [{ key, rule: PACE_RULES.slackWebhook }];
      // Both Discord webhook rules live on the same URL; distinct keys keep their windows apart.
      return [
        { key: `${key}:burst`, rule: PACE_RULES.discordWebhookBurst },
        { key: `${key}:minute`, rule: PACE_RULES.discordWebhookMinute },
      ];
    }
    case "console":
      return [];
  }
}

/**
 * The keys a 429 pauses: only the destination's own limits, or Discord's global key when Discord said the
 * limit was global (the adapter marks that with the code "global"). The global key is never paused by a
 * channel's 429, so other channels keep flowing.
 */
export function pauseKeysFor(limits: readonly PaceLimit[], err: Pick<DeliveryError, "code">): string[] {
  if (err.code === "global" && limits.some((l) => l.key === DISCORD_GLOBAL_KEY)) return [DISCORD_GLOBAL_KEY];
  return limits.filter((l) => l.key !== DISCORD_GLOBAL_KEY).map((l) => l.key);
}

/** One delivery's claim on its slot: the same alert to the same destination is one holder across retries. */
export function paceHolderOf(alertId: string, destination: Destination): string {
  return [destination.platform, destination.tenant, destination.channel, alertId].map(part).join(":");
}
