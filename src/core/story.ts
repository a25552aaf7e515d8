// Stories: articles about the same ticker and catalyst within a time window are one story; the first one alerts.
import { createHash } from "node:crypto";
import type { CatalystSlug } from "./catalysts.ts";

/** What the store keeps per (ticker, catalyst): the story currently open. */
export interface StoryRecord {
  storyId: string;
  /** ms since epoch: the time of the article that opened the story. */
  openedAt: number;
  firstArticleId: string;
}

export type StoryDecision =
  /** This article opens a story (or is the same opener seen again): it makes the alert. */
  | { kind: "open"; record: StoryRecord }
  /** This article is a further source of an open story: a follow-up. */
  | { kind: "join"; record: StoryRecord };

function shortHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 20);
}

export function storyIdFor(ticker: string | undefined, catalyst: CatalystSlug, firstArticleId: string): string {
  return `st-${shortHash(ticker ?? "", catalyst, firstArticleId)}`;
}

/**
 * Decides whether an article at time `at` opens a story or joins the open one. The window counts from
 * the story's first article, so a story that keeps getting sources still ends and a new one can alert.
 */
export function decideStory(
  existing: StoryRecord | undefined,
  article: { articleId: string; at: number },
  subject: { ticker: string | undefined; catalyst: CatalystSlug },
  windowMs: number,
): StoryDecision {
  if (existing) {
    // A retried job for the article that opened the story must decide the same way again.
    if (existing.firstArticleId === article.articleId) return { kind: "open", record: existing };
    if (Math.abs(article.at - existing.openedAt) <= windowMs) return { kind: "join", record: existing };
  }
  return {
    kind: "open",
    record: {
      storyId: storyIdFor(subject.ticker, subject.catalyst, article.articleId),
      openedAt: article.at,
      firstArticleId: article.articleId,
    },
  };
}

/** One alert id per (story, article, subject): deliveries derive their idempotency keys from it. */
export function alertIdFor(storyId: string, articleId: string): string {
  return `al-${shortHash(storyId, articleId)}`;
}
