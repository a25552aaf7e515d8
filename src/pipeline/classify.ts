// Classify stage: classify one article, store it with its tags, update timelines and stories, and route the alerts.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { ArticleStore } from "../adapters/redis/articles.ts";
import type { DeliveryStore } from "../adapters/redis/deliveries.ts";
import type { StoryStore } from "../adapters/redis/stories.ts";
import type { RedisTimelineStore } from "../adapters/redis/timeline.ts";
import type { AlertDeliverJob, ArticleClassifyJob } from "../contracts/jobs.ts";
import { alertSubjects, DEFAULT_SUBJECT_OPTIONS, type SubjectOptions } from "../core/alerts.ts";
import { destinationKey, route, type StandingDestination } from "../core/route.ts";
import type { SubscriptionStore } from "../core/store.ts";
import { alertIdFor, decideStory } from "../core/story.ts";
import type { Alert, Classify } from "../core/types.ts";

export interface ClassifyDeps {
  classify: Classify;
  articles: ArticleStore;
  timeline: RedisTimelineStore;
  stories: StoryStore;
  subscriptions: Pick<SubscriptionStore, "forTicker">;
  deliveries: Pick<DeliveryStore, "markThreadPending">;
  /** Destinations that get every alert above their confidence without subscribing (the console). */
  standing: StandingDestination[];
  subjectOptions?: SubjectOptions;
  log: Logger;
  now?: () => number;
}

/** One delivery job per (alert, destination): its id is derived from both, so adding it twice queues it once. */
export function deliveryJobId(alertId: string, destination: AlertDeliverJob["destination"]): string {
  return `dlv-${createHash("sha256").update(`${alertId}\u0000${destinationKey(destination)}`).digest("hex").slice(0, 32)}`;
}

export async function classifyArticle(job: ArticleClassifyJob, deps: ClassifyDeps): Promise<{ alerts: Alert[]; next: AlertDeliverJob[] }> {
  const now = (deps.now ?? Date.now)();
  const a = job.article;
  const result = deps.classify({
    id: a.id,
    title: a.title,
    text: a.text,
    ...(a.published ? { published: a.published } : {}),
    ...(a.source ? { source: a.source } : {}),
    ...(a.url ? { url: a.url } : {}),
  });
  await deps.articles.put({
    id: a.id,
    feedId: job.feedId,
    title: a.title,
    ...(a.url ? { url: a.url } : {}),
    ...(a.source ? { source: a.source } : {}),
    ...(a.published ? { published: a.published } : {}),
    classifiedAt: new Date(now).toISOString(),
    result,
  });

  // A date in the future (a feed's clock or time zone error) counts as now.
  const published = a.published ? Date.parse(a.published) : NaN;
  const at = Number.isNaN(published) ? job.polledAt : Math.min(published, now);
  const atIso = new Date(at).toISOString();

  const alerts: Alert[] = [];
  const next: AlertDeliverJob[] = [];
  for (const subject of alertSubjects(result, deps.subjectOptions ?? DEFAULT_SUBJECT_OPTIONS)) {
    // Market-level news (no ticker) shares only a catalyst: two rate decisions in a day are two stories,
    // so such an article always opens its own.
    const decision = subject.ticker
      ? await deps.stories.attach({ ticker: subject.ticker, catalyst: subject.catalyst }, { articleId: a.id, at })
      : decideStory(undefined, { articleId: a.id, at }, { ticker: undefined, catalyst: subject.catalyst }, 0);
    const storyId = decision.record.storyId;
    const alert: Alert = {
      alertId: alertIdFor(storyId, a.id),
      storyId,
      ...(subject.ticker ? { ticker: subject.ticker } : {}),
      ...(subject.companyName ? { companyName: subject.companyName } : {}),
      catalyst: subject.catalyst,
      confidence: subject.confidence,
      evidence: subject.evidence || a.title,
      articleId: a.id,
      title: a.title,
      ...(a.url ? { url: a.url } : {}),
      ...(a.source ? { source: a.source } : {}),
      published: atIso,
      followUp: decision.kind === "join",
    };
    if (subject.ticker) {
      await deps.timeline.add({
        ticker: subject.ticker,
        catalyst: subject.catalyst,
        confidence: subject.confidence,
        evidence: alert.evidence,
        articleId: a.id,
        storyId,
        title: a.title,
        ...(a.url ? { url: a.url } : {}),
        ...(a.source ? { source: a.source } : {}),
        at: atIso,
      });
    }
    const destinations = route(alert, await deps.subscriptions.forTicker(subject.ticker), deps.standing);
    if (!alert.followUp) {
      // Before any follow-up can be routed: later sources wait for this post to thread under it.
      await Promise.all(destinations.map((d) => deps.deliveries.markThreadPending(storyId, d)));
    }
    alerts.push(alert);
    for (const destination of destinations) next.push({ alert, destination, polledAt: job.polledAt, deferrals: 0 });
  }
  deps.log.info(
    { articleId: a.id, title: a.title, tickers: result.tickers.map((t) => t.symbol), catalysts: result.catalysts, alerts: alerts.length, deliveries: next.length },
    "article classified",
  );
  return { alerts, next };
}
