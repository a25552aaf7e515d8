// Poll stage: fetch one feed (conditional GET), drop items already seen, and hand back one article job per new item.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { articleKeys, type FeedItem } from "../core/article.ts";
import type { FeedHealth, FeedStore } from "../adapters/redis/feeds.ts";
import type { SeenStore } from "../adapters/redis/seen.ts";
import type { ArticleClassifyJob, FeedPollJob } from "../contracts/jobs.ts";
import type { FeedDefinition } from "../contracts/feeds-file.ts";

export type FetchResult =
  | { status: "not_modified" }
  | { status: "ok"; etag?: string; lastModified?: string; title?: string; items: FeedItem[] };

export interface FetchOptions {
  etag?: string;
  lastModified?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  allowPrivate?: string[];
}

export interface PollDeps {
  feeds: FeedStore;
  seen: SeenStore;
  fetchFeed: (url: string, options: FetchOptions) => Promise<FetchResult>;
  /** Reads a "file" feed of the feeds file; without it such feeds fail with FEED_FILE. */
  readFeedFile?: (file: string, options: Pick<FetchOptions, "etag" | "maxBytes">) => Promise<FetchResult>;
  fetchOptions: Pick<FetchOptions, "timeoutMs" | "maxBytes" | "maxRedirects" | "allowPrivate">;
  /** Alert on the items a feed already has when it is first polled (else they are only recorded); a feed's own `backfill` wins. */
  backfill: boolean;
  log: Logger;
  now?: () => number;
}

export type PollOutcome =
  | { status: "skipped"; reason: string }
  | { status: "not_modified" }
  | { status: "ok"; items: number; fresh: number; primedNow: boolean }
  | { status: "failed"; code: string; message: string; health: FeedHealth };

/** The article id: a hash of the item's strongest identity, so every poller names an item the same way. */
export function articleIdFor(identity: string): string {
  return `a-${createHash("sha256").update(identity).digest("hex").slice(0, 24)}`;
}

/**
 * Identities recorded in the seen-set: the normalised link (global: the same article in two feeds) and the
 * guid (scoped to the feed). The title key is used only when an item has neither, because two different
 * articles of one feed may share a headline.
 */
export function seenKeysFor(item: FeedItem, feedId: string): string[] {
  const keys = articleKeys(item, { scope: feedId });
  const strong = keys.filter((k) => k.startsWith("link:") || k.startsWith("guid:"));
  return strong.length > 0 ? strong : keys;
}

function errorFields(err: unknown): { code: string; message: string; transient: boolean; retryAfterSeconds?: number } {
  if (err && typeof err === "object" && "code" in err && typeof (err as { code: unknown }).code === "string" && err instanceof Error) {
    const e = err as Error & { code: string; transient?: boolean; retryAfterSeconds?: number };
    return { code: e.code, message: e.message, transient: e.transient ?? true, ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}) };
  }
  return { code: "FEED_UNEXPECTED", message: err instanceof Error ? err.message : String(err), transient: true };
}

/** A file feed is read from disk, and only when the operator's feeds file lists it (a run-time feed is always fetched). */
function readOrFetch(feed: FeedDefinition, health: FeedHealth, deps: PollDeps): Promise<FetchResult> {
  const validators = {
    ...(health.etag ? { etag: health.etag } : {}),
    ...(health.lastModified ? { lastModified: health.lastModified } : {}),
  };
  if (feed.file === undefined) return deps.fetchFeed(feed.url, { ...deps.fetchOptions, ...validators, ...(feed.headers ? { headers: feed.headers } : {}) });
  const problem =
    feed.origin !== "config" ? "Only the feeds file may list a file feed" : !deps.readFeedFile ? "This poller cannot read feed files" : undefined;
  if (problem || !deps.readFeedFile) {
    return Promise.reject(Object.assign(new Error(`${problem ?? ""} (${feed.url}); list it as "file" in the feeds file and restart`), { code: "FEED_FILE", transient: false }));
  }
  return deps.readFeedFile(feed.file, { ...(health.etag ? { etag: health.etag } : {}), ...(deps.fetchOptions.maxBytes ? { maxBytes: deps.fetchOptions.maxBytes } : {}) });
}

/**
 * Polls one feed. With `enqueue`, the new items' jobs are handed to it BEFORE anything is recorded (the
 * seen-set, the ETag, the feed being primed): a poller that dies in between leaves the items unseen, so
 * the next poll queues them again under the same job ids (classify and delivery are idempotent per
 * article), instead of losing them. Without `enqueue` (tests of the stage alone) it records at once.
 */
export async function pollFeed(
  job: FeedPollJob,
  deps: PollDeps,
  enqueue?: (next: ArticleClassifyJob[]) => Promise<void>,
): Promise<{ outcome: PollOutcome; next: ArticleClassifyJob[]; feed?: FeedDefinition }> {
  const now = deps.now ?? Date.now;
  const feed = await deps.feeds.get(job.feedId);
  if (!feed) return { outcome: { status: "skipped", reason: "feed removed" }, next: [] };
  if (!feed.enabled) return { outcome: { status: "skipped", reason: "feed disabled in its definition" }, next: [], feed };
  const health = await deps.feeds.health(feed.id);
  if (health.disabledAt) return { outcome: { status: "skipped", reason: `disabled: ${health.disabledReason ?? ""}` }, next: [], feed };
  if (health.backoffUntil && Date.parse(health.backoffUntil) > now()) {
    return { outcome: { status: "skipped", reason: `backing off until ${health.backoffUntil}` }, next: [], feed };
  }

  const polledAt = now();
  let result: FetchResult;
  try {
    result = await readOrFetch(feed, health, deps);
  } catch (err) {
    const failure = errorFields(err);
    const after = await deps.feeds.recordFailure(feed.id, failure, feed.intervalSeconds);
    const log = { feedId: feed.id, feed: feed.name, url: feed.url, code: failure.code, failures: after.consecutiveFailures, backoffUntil: after.backoffUntil };
    if (after.disabledAt && !health.disabledAt) deps.log.error({ ...log, reason: after.disabledReason }, `feed disabled: ${failure.message}`);
    else deps.log.warn(log, `feed poll failed: ${failure.message}`);
    return { outcome: { status: "failed", code: failure.code, message: failure.message, health: after }, next: [], feed };
  }

  if (result.status === "not_modified") {
    await deps.feeds.recordSuccess(feed.id, { newItems: 0 });
    deps.log.debug({ feedId: feed.id, feed: feed.name }, "feed not modified");
    return { outcome: { status: "not_modified" }, next: [], feed };
  }

  const itemKeys = result.items.map((item) => seenKeysFor(item, feed.id));
  const fresh = await deps.seen.check(itemKeys);
  const newItems = result.items.filter((_, i) => fresh[i]);
  // The first poll of a feed records what it already holds: alerting on its whole back catalogue would flood channels.
  const primedNow = !health.primed;
  const backfill = feed.backfill ?? deps.backfill;
  const alerting = primedNow && !backfill ? [] : newItems;
  const next: ArticleClassifyJob[] = alerting.map((item) => {
    const identity = seenKeysFor(item, feed.id)[0] ?? item.title;
    return {
      feedId: feed.id,
      polledAt,
      article: {
        id: articleIdFor(identity),
        title: item.title,
        text: item.text,
        ...(item.link ? { url: item.link } : {}),
        ...(item.guid ? { guid: item.guid } : {}),
        ...(item.published ? { published: item.published } : {}),
        source: feed.name,
      },
    };
  });
  if (enqueue) await enqueue(next);
  // Recorded only now that the jobs are queued (see above). claim() is atomic per item, so of two pollers
  // racing on one item both may queue it, under the same job id: BullMQ keeps one.
  await deps.seen.claim(itemKeys);
  await deps.feeds.recordSuccess(feed.id, {
    ...(result.etag ? { etag: result.etag } : {}),
    ...(result.lastModified ? { lastModified: result.lastModified } : {}),
    newItems: newItems.length,
    primed: true,
  });
  deps.log.info(
    { feedId: feed.id, feed: feed.name, items: result.items.length, fresh: newItems.length, queued: next.length, firstPoll: primedNow },
    primedNow && !backfill ? "first poll: recorded the feed's existing items without alerting" : "feed polled",
  );
  return { outcome: { status: "ok", items: result.items.length, fresh: newItems.length, primedNow }, next, feed };
}
