// Store interfaces shared by the pipeline (writer) and the slash commands (reader); Redis implements them.
import type { CatalystSlug } from "./catalysts.ts";

/** "console" prints alerts on stdout: what a newcomer sees with no Slack or Discord credentials. */
export type Platform = "slack" | "discord" | "webhook" | "console";

/** Where alerts go. `tenant` is the Slack workspace (team) id or the Discord guild id; webhooks use "webhook". */
export interface Destination {
  platform: Platform;
  tenant: string;
  channel: string;
}

/**
 * One subscription of one channel. `ticker` undefined = any ticker (a catalyst-only subscription);
 * `catalysts` empty = every catalyst of that ticker.
 */
export interface Subscription {
  destination: Destination;
  ticker?: string;
  catalysts: CatalystSlug[];
  minConfidence: number;
  createdAt: string;
  createdBy?: string;
}

/** One catalyst of one ticker, as stored on the ticker's timeline. */
export interface TimelineEntry {
  ticker: string;
  catalyst: CatalystSlug;
  confidence: number;
  evidence: string;
  articleId: string;
  storyId: string;
  title: string;
  url?: string;
  source?: string;
  /** ISO 8601: the article's published time, else when it was seen. */
  at: string;
}

export interface SubscriptionStore {
  add(sub: Subscription): Promise<{ added: boolean }>;
  /** Removes matching subscriptions of that destination; returns how many were removed. */
  remove(destination: Destination, match: { ticker?: string; catalysts?: CatalystSlug[] }): Promise<number>;
  /** Subscriptions of one channel, or of every channel of one tenant when channel is omitted. */
  list(scope: { platform: Platform; tenant: string; channel?: string }): Promise<Subscription[]>;
  /**
   * Every subscription that could match an alert: the subscriptions to this ticker plus every
   * catalyst-only subscription (ticker undefined = an article-level alert: catalyst-only subs only).
   */
  forTicker(ticker: string | undefined): Promise<Subscription[]>;
}

export interface TimelineStore {
  /** Newest first, entries since `since`. */
  recent(ticker: string, since: Date, limit?: number): Promise<TimelineEntry[]>;
}
