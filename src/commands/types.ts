// The platform-neutral slash-command contract shared by the Slack and Discord adapters.
import type { SubscriptionStore, TimelineStore } from "../core/store.ts";
import type { Universe } from "../core/universe/index.ts";

export type CommandName = "subscribe" | "unsubscribe" | "subscriptions" | "catalysts" | "help";

export interface CommandContext {
  platform: "slack" | "discord";
  /** Slack team id / Discord guild id. */
  tenant: string;
  channel: string;
  userId: string;
  /** May change subscriptions: Slack: any member unless restricted by config; Discord: Manage Channels. */
  canManage: boolean;
}

export interface ReplySection {
  heading?: string;
  /**
   * Markdown-ish, rendered per platform by the formatter: **bold**, `code`, [text](url) links, and a
   * "\n> " inside a line starts a quote (the evidence under a /catalysts entry).
   */
  lines: string[];
}

export interface CommandReply {
  ok: boolean;
  ephemeral: boolean;
  title: string;
  sections: ReplySection[];
  suggestions?: string[];
}

export interface CommandDeps {
  subscriptions: SubscriptionStore;
  timeline: TimelineStore;
  universe: Universe;
  now?: () => Date;
}
