// Small builders for CommandReply, so every command words errors, permissions and lists the same way.
import type { CatalystSlug } from "../core/catalysts.ts";
import type { Destination, Subscription } from "../core/store.ts";
import type { Universe } from "../core/universe/index.ts";
import { catalystLabel } from "./catalyst-words.ts";
import type { CommandContext, CommandReply } from "./types.ts";

export function errorReply(title: string, lines: string[], suggestions?: string[]): CommandReply {
  return { ok: false, ephemeral: true, title, sections: [{ lines }], ...(suggestions?.length ? { suggestions } : {}) };
}

export function permissionDenied(ctx: CommandContext): CommandReply {
  const who =
    ctx.platform === "discord"
      ? "members with the Manage Channels permission"
      : "the members this workspace's bot operator allowed (SLACK_MANAGERS)";
  return errorReply("You can't change this channel's subscriptions", [
    `Only ${who} can subscribe or unsubscribe a channel.`,
    "Ask one of them, or use `/subscriptions` and `/catalysts` which are open to everyone.",
  ]);
}

export function destinationOf(ctx: CommandContext): Destination {
  return { platform: ctx.platform, tenant: ctx.tenant, channel: ctx.channel };
}

/** Neutralises the reply markup in text we did not write (titles, evidence), so it cannot fake links. */
export function plain(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\*\*/g, "*").replace(/\[/g, "(").replace(/\]/g, ")").trim();
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function catalystList(catalysts: readonly CatalystSlug[]): string {
  return catalysts.length ? catalysts.map(catalystLabel).join(", ") : "every catalyst";
}

export function describeSubscription(sub: Subscription, universe: Universe): string {
  const min = sub.minConfidence > 0 ? ` (confidence ≥ ${sub.minConfidence})` : "";
  if (!sub.ticker) return `**any ticker**: ${catalystList(sub.catalysts)}${min}`;
  const name = universe.bySymbol.get(sub.ticker)?.name;
  return `**${sub.ticker}**${name ? ` ${plain(name)}` : ""}: ${catalystList(sub.catalysts)}${min}`;
}

/** Catalyst-only subscriptions first, then tickers alphabetically. */
export function sortSubscriptions(subs: Subscription[]): Subscription[] {
  return [...subs].sort((a, b) => (a.ticker ?? "").localeCompare(b.ticker ?? ""));
}
