// Maps @slack/web-api failures to delivery errors: stop (permanent), retry later (transient) or wait (rate limited).
import { webApi } from "@slack/bolt";
import { DeliveryError, PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../core/delivery-errors.ts";

/** Slack error codes that no retry can fix, with what the operator should do. */
const PERMANENT: Readonly<Record<string, string>> = {
  channel_not_found: "the channel does not exist or the bot cannot see it: unsubscribe it, or invite the bot if it is private",
  not_in_channel: "the bot is not a member of the channel: /invite the bot there (or add the chat:write.public scope)",
  is_archived: "the channel is archived: unarchive it or unsubscribe it",
  invalid_auth: "SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token again from the app's OAuth & Permissions page",
  not_authed: "no token was sent: set SLACK_BOT_TOKEN",
  account_inactive: "the token belongs to a deleted or deactivated app or user: reinstall the app and update SLACK_BOT_TOKEN",
  token_revoked: "the token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
  token_expired: "the token expired: reinstall the app and update SLACK_BOT_TOKEN",
  missing_scope: "the app lacks a scope: add it from config/slack-app-manifest.yaml and reinstall the app",
  no_permission: "the workspace does not allow the bot to post there",
  restricted_action: "the workspace restricts posting in this channel",
  restricted_action_read_only_channel: "the channel is read-only",
  team_access_not_granted: "the token has no access to this workspace",
  ekm_access_denied: "the workspace's key management denied access",
  invalid_blocks: "Slack rejected the message layout (a bug in catalyst-bot: please report it with the log line)",
  invalid_blocks_format: "Slack rejected the message layout (a bug in catalyst-bot: please report it with the log line)",
  msg_too_long: "the message was too long (a bug in catalyst-bot: please report it)",
  invalid_arguments: "Slack rejected the request arguments (a bug in catalyst-bot: please report it)",
  channel_is_archived: "the channel is archived: unarchive it or unsubscribe it",
};

/** When Slack says "ratelimited" without a Retry-After, wait this long. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

interface CodedError {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  retryAfter?: unknown;
  message?: unknown;
}

export function toDeliveryError(err: unknown, where: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as CodedError;
  const code = e.code;
  if (code === webApi.ErrorCode.RateLimitedError) {
    const seconds = typeof e.retryAfter === "number" ? e.retryAfter : DEFAULT_RETRY_AFTER_MS / 1000;
    return new RateLimitedError(`Slack rate-limited posting to ${where}; retry after ${seconds} s`, seconds * 1000, "ratelimited");
  }
  if (code === webApi.ErrorCode.PlatformError) {
    const slackCode = typeof e.data?.error === "string" ? e.data.error : "unknown_error";
    if (slackCode === "ratelimited") {
      return new RateLimitedError(`Slack rate-limited posting to ${where}`, DEFAULT_RETRY_AFTER_MS, slackCode);
    }
    const hint = PERMANENT[slackCode];
    if (hint) return new PermanentDeliveryError(`Slack refused the message for ${where} (${slackCode}): ${hint}`, slackCode);
    // Unknown codes (internal_error, fatal_error, service_unavailable...) are retried a bounded number of times.
    return new TransientDeliveryError(`Slack failed to post to ${where} (${slackCode}); will retry`, slackCode);
  }
  if (code === webApi.ErrorCode.HTTPError) {
    const status = typeof e.statusCode === "number" ? e.statusCode : 0;
    if (status === 429) return new RateLimitedError(`Slack rate-limited posting to ${where}`, DEFAULT_RETRY_AFTER_MS, "429");
    if (status === 401 || status === 403 || status === 404 || status === 410) {
      return new PermanentDeliveryError(`Slack answered HTTP ${status} for ${where}: check SLACK_API_URL and SLACK_BOT_TOKEN`, String(status));
    }
    return new TransientDeliveryError(`Slack answered HTTP ${status} for ${where}; will retry`, String(status));
  }
  // Request errors (DNS, refused, reset, timeout) and anything unexpected: the network, so retry.
  const message = typeof e.message === "string" ? e.message : String(err);
  return new TransientDeliveryError(`Could not reach Slack for ${where}: ${message}; will retry`, typeof code === "string" ? code : undefined);
}
