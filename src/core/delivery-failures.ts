// What a permanent delivery failure says about its destination: how far to stop sending, what it means, what the operator does.
import type { Destination, Platform } from "./store.ts";

/**
 * How much stops after a permanent failure: the one channel, every channel of the tenant (a Slack
 * workspace token, a Discord server the bot left), or the whole platform (the one Discord bot token).
 * "alert": only this alert is bad (a malformed message); the destination keeps receiving.
 */
export type DisableScope = "channel" | "tenant" | "platform" | "alert";

interface CodeInfo {
  scope: DisableScope;
  meaning: string;
  action: string;
}

const SLACK_TOKEN_ACTION = "fix SLACK_BOT_TOKEN (reinstall the app and copy the Bot User OAuth Token again), restart the bot, then enable the workspace";
const DISCORD_TOKEN_ACTION = "set a valid DISCORD_TOKEN (Developer Portal, Bot, Reset Token), restart the bot, then enable discord";
const SLACK_BUG_ACTION = "a bug in catalyst-bot: report it with the log line; the channel keeps receiving other alerts";

const SLACK: Readonly<Record<string, CodeInfo>> = {
  channel_not_found: { scope: "channel", meaning: "the channel does not exist (deleted) or the bot cannot see it (private)", action: "invite the bot to the private channel, or unsubscribe the channel" },
  not_in_channel: { scope: "channel", meaning: "the bot was removed from the channel (or never joined it)", action: "/invite the bot in that channel (or add the chat:write.public scope)" },
  is_archived: { scope: "channel", meaning: "the channel is archived", action: "unarchive the channel, or unsubscribe it" },
  channel_is_archived: { scope: "channel", meaning: "the channel is archived", action: "unarchive the channel, or unsubscribe it" },
  no_permission: { scope: "channel", meaning: "the workspace does not let the bot post in this channel", action: "ask a workspace admin to allow the app there, or unsubscribe the channel" },
  restricted_action: { scope: "channel", meaning: "the workspace restricts posting in this channel", action: "ask a workspace admin to allow the app there, or unsubscribe the channel" },
  restricted_action_read_only_channel: { scope: "channel", meaning: "the channel is read-only", action: "let the app post there, or unsubscribe the channel" },
  invalid_auth: { scope: "tenant", meaning: "Slack does not accept the bot token", action: SLACK_TOKEN_ACTION },
  not_authed: { scope: "tenant", meaning: "no bot token was sent", action: SLACK_TOKEN_ACTION },
  account_inactive: { scope: "tenant", meaning: "the token belongs to a deleted or deactivated app or user", action: SLACK_TOKEN_ACTION },
  token_revoked: { scope: "tenant", meaning: "the token was revoked (the app was uninstalled)", action: SLACK_TOKEN_ACTION },
  token_expired: { scope: "tenant", meaning: "the token expired", action: SLACK_TOKEN_ACTION },
  team_access_not_granted: { scope: "tenant", meaning: "the token has no access to this workspace", action: SLACK_TOKEN_ACTION },
  ekm_access_denied: { scope: "tenant", meaning: "the workspace's key management denied access", action: "ask the workspace admin; then enable the workspace" },
  missing_scope: { scope: "tenant", meaning: "the app lacks an OAuth scope it needs to post", action: "add the scopes of config/slack-app-manifest.yaml, reinstall the app, then enable the workspace" },
  // HTTP statuses from Slack's API itself: a wrong SLACK_API_URL or token, so every channel fails alike.
  "401": { scope: "tenant", meaning: "Slack's API answered HTTP 401", action: "check SLACK_BOT_TOKEN and SLACK_API_URL, restart, then enable the workspace" },
  "403": { scope: "tenant", meaning: "Slack's API answered HTTP 403", action: "check SLACK_BOT_TOKEN and SLACK_API_URL, restart, then enable the workspace" },
  "404": { scope: "tenant", meaning: "Slack's API answered HTTP 404 (wrong API address)", action: "check SLACK_API_URL, restart, then enable the workspace" },
  "410": { scope: "tenant", meaning: "Slack's API answered HTTP 410", action: "check SLACK_API_URL, restart, then enable the workspace" },
  invalid_blocks: { scope: "alert", meaning: "Slack rejected the message layout", action: SLACK_BUG_ACTION },
  invalid_blocks_format: { scope: "alert", meaning: "Slack rejected the message layout", action: SLACK_BUG_ACTION },
  msg_too_long: { scope: "alert", meaning: "the message was too long", action: SLACK_BUG_ACTION },
  invalid_arguments: { scope: "alert", meaning: "Slack rejected the request's arguments", action: SLACK_BUG_ACTION },
};

const DISCORD: Readonly<Record<string, CodeInfo>> = {
  "10003": { scope: "channel", meaning: "the channel no longer exists (Unknown Channel)", action: "nothing can be posted there any more: leave it disabled (or a server admin restores the channel, then enable it)" },
  "50001": { scope: "channel", meaning: "the bot cannot see the channel (Missing Access)", action: "give the bot View Channel in that channel, then enable it" },
  "50013": { scope: "channel", meaning: "the bot lacks a permission in the channel (Missing Permissions)", action: "give the bot Send Messages, Embed Links and Read Message History there, then enable it" },
  "50008": { scope: "channel", meaning: "the channel does not take messages (not a text channel)", action: "subscribe a text channel instead" },
  "10004": { scope: "tenant", meaning: "the bot is no longer in that server (Unknown Guild)", action: "invite the bot to the server again, then enable the server" },
  "401": { scope: "platform", meaning: "Discord refused the bot token (401 Unauthorized)", action: DISCORD_TOKEN_ACTION },
  "50035": { scope: "alert", meaning: "Discord rejected the message as malformed (Invalid Form Body)", action: "a bug in catalyst-bot: report it with the log line; the channel keeps receiving other alerts" },
};

// Webhook errors are about the URL (deleted, revoked, channel gone), except a rejected message body.
const WEBHOOK_MESSAGE_CODES = new Set(["400", "invalid_payload", "invalid_blocks", "50035", "msg_too_long"]);
const WEBHOOK_GONE: CodeInfo = {
  scope: "channel",
  meaning: "the webhook URL no longer works (deleted, revoked, or its channel archived), or it is no longer in WEBHOOKS_FILE",
  action: "create a new webhook, put its URL in WEBHOOKS_FILE under the same name, restart, then enable it",
};

/** What a permanent failure with this code means for this platform. Unknown codes stop only the alert. */
export function permanentFailureInfo(platform: Platform, code: string | undefined): CodeInfo {
  const c = code ?? "";
  if (platform === "slack") return SLACK[c] ?? { scope: "alert", meaning: `Slack refused this message (${c || "no code"})`, action: "read the error; if it names the channel, fix it there" };
  if (platform === "discord") {
    return DISCORD[c] ?? { scope: "alert", meaning: `Discord refused this message (code ${c || "none"})`, action: "read the error; check the bot's permissions in the channel" };
  }
  if (platform === "webhook") {
    if (WEBHOOK_MESSAGE_CODES.has(c)) return { scope: "alert", meaning: "the service rejected the message body", action: "a bug in catalyst-bot: report it with the log line" };
    return WEBHOOK_GONE;
  }
  return { scope: "alert", meaning: "the console refused the alert", action: "check the bot's stdout" };
}

/** What a failure that may pass (a 5xx, a timeout, the network) means, for the dead-letter explanation. */
export function transientFailureInfo(platform: Platform, code: string | undefined): { meaning: string; action: string } {
  const c = code ?? "";
  if (c === "no_notifier") return { meaning: `the deliverer had no ${platform} credentials`, action: `set the ${platform} settings (README, "Settings") for every deliverer process and restart it` };
  if (c === "network") return { meaning: `${platform} could not be reached (DNS, refused, reset or timeout)`, action: "check the bot host's network (DNS, firewall, proxy) and the platform's status page" };
  if (/^5\d\d$/.test(c)) return { meaning: `${platform} answered HTTP ${c} (a server error on their side)`, action: "check the platform's status page: it was failing on its side" };
  return { meaning: `a failure that may pass (${c || "no code"})`, action: "read the error above and remove its cause" };
}

/** The key under which a disable is recorded: the one channel, the tenant ("*" channel) or the platform ("*" tenant and channel). */
export function disableKey(destination: Destination, scope: Exclude<DisableScope, "alert">): string {
  if (scope === "platform") return `${destination.platform}/*/*`;
  if (scope === "tenant") return `${destination.platform}/${destination.tenant}/*`;
  return `${destination.platform}/${destination.tenant}/${destination.channel}`;
}

/** Every key whose disable stops sends to this destination, narrowest first. */
export function disableKeysOf(destination: Destination): string[] {
  return [disableKey(destination, "channel"), disableKey(destination, "tenant"), disableKey(destination, "platform")];
}
