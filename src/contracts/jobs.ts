// One zod schema per job payload: parsed when a job is added, safe-parsed again by the worker.
import { z } from "zod";
import { CatalystSlugSchema } from "../core/catalysts.ts";

export const FeedPollJobSchema = z.object({
  feedId: z.string().min(1),
});
export type FeedPollJob = z.infer<typeof FeedPollJobSchema>;

/** One new feed item, already deduplicated: the classifier's input plus where it came from. */
export const ArticleClassifyJobSchema = z.object({
  feedId: z.string().min(1),
  /** When the poll that saw the item started (ms since epoch): the start of poll-to-delivery latency. */
  polledAt: z.number().int().nonnegative(),
  article: z.object({
    id: z.string().min(1),
    title: z.string(),
    text: z.string(),
    url: z.string().optional(),
    guid: z.string().optional(),
    published: z.string().optional(),
    source: z.string().optional(),
  }),
});
export type ArticleClassifyJob = z.infer<typeof ArticleClassifyJobSchema>;

export const DestinationSchema = z.object({
  platform: z.enum(["slack", "discord", "webhook", "console"]),
  tenant: z.string().min(1),
  channel: z.string().min(1),
});

export const AlertSchema = z.object({
  alertId: z.string().min(1),
  storyId: z.string().min(1),
  ticker: z.string().optional(),
  companyName: z.string().optional(),
  catalyst: CatalystSlugSchema,
  confidence: z.number().min(0).max(1),
  evidence: z.string(),
  articleId: z.string().min(1),
  title: z.string(),
  url: z.string().optional(),
  source: z.string().optional(),
  published: z.string(),
  followUp: z.boolean(),
});

export const AlertDeliverJobSchema = z.object({
  alert: AlertSchema,
  destination: DestinationSchema,
  polledAt: z.number().int().nonnegative(),
  /** How many times the job was put back to wait (rate limit, or a follow-up waiting for its story's first post). */
  deferrals: z.number().int().nonnegative().default(0),
});
export type AlertDeliverJob = z.infer<typeof AlertDeliverJobSchema>;
