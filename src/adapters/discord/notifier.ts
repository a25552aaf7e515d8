// Posts alerts to Discord channels over REST (no Gateway needed), replying to a story's first message for follow-ups.
//
// Rate limits: @discordjs/rest tracks Discord's buckets and, by default, waits out a 429 itself, holding the
// delivery worker for as long as Discord says. We let it wait only for short limits (up to
// `maxInlineRateLimitWaitMs`, default 1 s: cheaper than a round trip through the queue) and otherwise make it
// reject (`rejectOnRateLimit`), so the deliverer gets a RateLimitedError with Discord's retry_after and puts the
// job back in the queue for that long without using up one of its attempts. @discordjs/rest's own retries of
// 5xx and timeouts are turned off (`retries: 0`): they are immediate, and the queue retries with backoff instead.
import { REST, Routes } from "discord.js";
import type { Notifier } from "../../core/notifier.ts";
import type { Destination } from "../../core/store.ts";
import type { Alert, PostedMessage } from "../../core/types.ts";
import { formatAlertMessage } from "../../core/format/discord.ts";
import { toDeliveryError } from "./errors.ts";

export interface DiscordNotifierOptions {
  token: string;
  /** DISCORD_API_URL: https://discord.com/api, or a proxy in front of it. */
  apiUrl: string;
  maxInlineRateLimitWaitMs?: number;
  /** Per request; a timed-out post is retried by the queue. */
  timeoutMs?: number;
}

export interface DiscordNotifier extends Notifier {
  readonly rest: REST;
}

export function createDiscordRest(options: DiscordNotifierOptions): REST {
  const maxWait = options.maxInlineRateLimitWaitMs ?? 1_000;
  return new REST({
    api: options.apiUrl,
    retries: 0,
    timeout: options.timeoutMs ?? 15_000,
    rejectOnRateLimit: (data) => Math.max(data.retryAfter, data.timeToReset) > maxWait,
  }).setToken(options.token);
}

export function createDiscordNotifier(options: DiscordNotifierOptions): DiscordNotifier {
  const rest = createDiscordRest(options);
  return {
    platform: "discord",
    rest,
    async send(destination: Destination, alert: Alert, thread?: PostedMessage): Promise<PostedMessage> {
      const body: Record<string, unknown> = { ...formatAlertMessage(alert) };
      if (thread) {
        // A reply, not a thread: threads need Create Public Threads and clutter the channel list.
        // fail_if_not_exists=false: if someone deleted the first message, the follow-up still posts.
        body.message_reference = { message_id: thread.messageId, channel_id: thread.channel, fail_if_not_exists: false };
      }
      let posted: { id: string; channel_id?: string };
      try {
        posted = (await rest.post(Routes.channelMessages(destination.channel), { body })) as { id: string; channel_id?: string };
      } catch (err) {
        throw toDeliveryError(err, `posting alert ${alert.alertId} to Discord channel ${destination.channel} (server ${destination.tenant})`);
      }
      return { messageId: posted.id, channel: posted.channel_id ?? destination.channel };
    },
  };
}
