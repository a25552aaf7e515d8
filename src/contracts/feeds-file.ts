// The feeds file (config/feeds.json) and the feed definition the store keeps: one schema for both.
import { createHash } from "node:crypto";
import { z } from "zod";

const HttpUrlSchema = z.string().url().refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL");

const FEED_SETTINGS = {
  name: z.string().min(1),
  intervalSeconds: z.number().int().min(5).max(86_400).default(300),
  headers: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean().default(true),
};

/**
 * A feed added at run time (`feeds add`): only an http(s) URL. A local file is never accepted here: whoever
 * can reach the bot's commands must not make it read the server's files.
 */
export const FeedEntrySchema = z.strictObject({ url: HttpUrlSchema, ...FEED_SETTINGS });

export interface FeedEntry {
  /** An http(s) URL, or for a file feed `file:<path>` (see fileFeedUrl). */
  url: string;
  /** A feed file on this machine (only from the feeds file); relative paths start at the catalyst-bot folder. */
  file?: string;
  /** Overrides FEED_BACKFILL: alert on the feed's existing items at its first poll. */
  backfill?: boolean;
  name: string;
  intervalSeconds: number;
  headers?: Record<string, string>;
  enabled: boolean;
}

/** The `url` standing for a file feed: it names the feed in logs and `feeds list`, and its id derives from it. */
export const fileFeedUrl = (file: string) => `file:${file}`;

/**
 * An entry of the operator's feeds file: an http(s) `url`, or a `file` (an RSS/Atom file on this machine, e.g.
 * the embedded demo feed), never both. `backfill` overrides FEED_BACKFILL for this feed.
 */
export const FeedsFileEntrySchema = z
  .object({
    url: HttpUrlSchema.optional(),
    file: z.string().trim().min(1).optional(),
    backfill: z.boolean().optional(),
    ...FEED_SETTINGS,
  })
  .superRefine((e, ctx) => {
    if ((e.url === undefined) === (e.file === undefined)) {
      ctx.addIssue({ code: "custom", path: [e.url === undefined ? "url" : "file"], message: 'give exactly one of "url" (an http(s) feed) and "file" (a feed file on this machine)' });
    }
    if (e.file !== undefined && e.headers !== undefined) ctx.addIssue({ code: "custom", path: ["headers"], message: 'headers are sent only to a "url" feed; remove them from this "file" feed' });
  })
  .transform(({ url, file, ...rest }): FeedEntry => (file === undefined ? { url: url ?? "", ...rest } : { url: fileFeedUrl(file), file, ...rest }));

export const FeedsFileSchema = z.object({
  feeds: z.array(FeedsFileEntrySchema),
});

export interface FeedDefinition extends FeedEntry {
  id: string;
  /** "config": from the feeds file (removed when it leaves the file); "runtime": added with `feeds add`. */
  origin: "config" | "runtime";
  addedAt: string;
}

/** A feed's id is derived from its URL, so the file and `feeds add` agree on which feed is which. */
export function feedIdFor(url: string): string {
  return `f-${createHash("sha256").update(url.trim()).digest("hex").slice(0, 12)}`;
}

/** Parses the feeds file's JSON; the error names each bad entry and field. */
export function parseFeedsFile(json: unknown, fileName: string): FeedEntry[] {
  const parsed = FeedsFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${fileName} is not a valid feeds file:\n${lines.join("\n")}\nEach feed needs "name" and either "url" or "file"; see docs/pipeline.md.`);
  }
  const seen = new Set<string>();
  for (const f of parsed.data.feeds) {
    if (seen.has(f.url)) throw new Error(`${fileName} lists ${f.file ?? f.url} twice; keep one entry per ${f.file === undefined ? "URL" : "file"}.`);
    seen.add(f.url);
  }
  return parsed.data.feeds;
}
