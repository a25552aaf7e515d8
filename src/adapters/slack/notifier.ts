// Posts alerts to Slack channels with chat.postMessage; later sources of a story go into its thread.
import { webApi } from "@slack/bolt";
import { formatSlackAlert } from "../../core/format/slack.ts";
import type { Notifier } from "../../core/notifier.ts";
import { toDeliveryError } from "./errors.ts";

export interface SlackNotifierDeps {
  token: string;
  /** Slack Web API base, e.g. https://slack.com/api/ (GovSlack: https://slack-gov.com/api/). */
  apiUrl: string;
  /** Per-request timeout; the delivery queue retries, so one slow call must not hold a worker. */
  timeoutMs?: number;
}

/** The WebClient a notifier uses: no retries of its own and rate limits reported, since the delivery queue owns both. */
export function createDeliveryWebClient(deps: SlackNotifierDeps): webApi.WebClient {
  return new webApi.WebClient(deps.token, {
    slackApiUrl: deps.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: deps.timeoutMs ?? 15_000,
    logLevel: webApi.LogLevel.ERROR,
  });
}

export function createSlackNotifier(deps: SlackNotifierDeps & { client?: webApi.WebClient }): Notifier {
  const client = deps.client ?? createDeliveryWebClient(deps);
  return {
    platform: "slack",
    async send(destination, alert, thread) {
      // A follow-up without a thread (the channel missed the first source) is shown as a full alert.
      const message = formatSlackAlert({ ...alert, followUp: thread !== undefined });
      const where = `channel ${destination.channel} of workspace ${destination.tenant}`;
      let res: webApi.ChatPostMessageResponse;
      try {
        res = await client.chat.postMessage({
          channel: destination.channel,
          text: message.text,
          blocks: message.blocks,
          // Our own header says what the link is; Slack's preview would double the message's height.
          unfurl_links: false,
          unfurl_media: false,
          ...(thread ? { thread_ts: thread.messageId } : {}),
        });
      } catch (err) {
        throw toDeliveryError(err, where);
      }
      if (!res.ts) throw toDeliveryError(new Error("Slack accepted the message but returned no ts"), where);
      return { messageId: res.ts, channel: res.channel ?? destination.channel };
    },
  };
}
