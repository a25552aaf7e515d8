// The feeds file (config/feeds.json) and the feed definition the store keeps: one schema for both.
import { createHash } from "node:crypto";
import { z } from "zod";

export const FeedEntrySchema = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL"),
  name: z.string().min(1),
  intervalSeconds: z.number().int().min(5).max(86_400).default(300),
  headers: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean().default(true),
});
export type FeedEntry = z.output<typeof FeedEntrySchema>;

export const FeedsFileSchema = z.object({
  feeds: z.array(FeedEntrySchema),
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
    throw new Error(`${fileName} is not a valid feeds file:\n${lines.join("\n")}\nEach feed needs "url" and "name"; see docs/pipeline.md.`);
  }
  const seen = new Set<string>();
  for (const f of parsed.data.feeds) {
    if (seen.has(f.url)) throw new Error(`${fileName} lists ${f.url} twice; keep one entry per URL.`);
    seen.add(f.url);
  }
  return parsed.data.feeds;
}
