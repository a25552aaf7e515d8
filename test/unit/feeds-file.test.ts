// The feeds file's entries: a feed is an http(s) URL or a file on this machine, never both; `feeds add` never takes a file.
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadFeedsFile } from "../../src/app.ts";
import { run } from "../../src/cli/feeds.ts";
import { FeedEntrySchema, feedIdFor, parseFeedsFile } from "../../src/contracts/feeds-file.ts";

const ROOT = join(import.meta.dirname, "..", "..");

function problems(json: unknown): string {
  try {
    parseFeedsFile(json, "feeds.json");
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return "";
}

afterEach(() => vi.restoreAllMocks());

describe("feeds file entries", () => {
  it("accepts a file feed, names it file:<path>, keeps its backfill, and gives it an id of its own", () => {
    const [url, file] = parseFeedsFile(
      {
        feeds: [
          { name: "Wire", url: "https://wire.example/rss" },
          { name: "Demo", file: "config/demo/feed.xml", backfill: true, intervalSeconds: 60 },
        ],
      },
      "feeds.json",
    );
    expect(url).toEqual({ name: "Wire", url: "https://wire.example/rss", intervalSeconds: 300, enabled: true });
    expect(file).toEqual({ name: "Demo", url: "file:config/demo/feed.xml", file: "config/demo/feed.xml", backfill: true, intervalSeconds: 60, enabled: true });
    expect(feedIdFor(file!.url)).not.toBe(feedIdFor(url!.url));
  });

  it("refuses an entry with both url and file, or with neither, naming the entry", () => {
    expect(problems({ feeds: [{ name: "Both", url: "https://wire.example/rss", file: "config/demo/feed.xml" }] })).toMatch(/feeds\.0\.file: give exactly one of "url"/);
    expect(problems({ feeds: [{ name: "Ok", url: "https://wire.example/rss" }, { name: "Neither" }] })).toMatch(/feeds\.1\.url: give exactly one of "url"/);
    expect(problems({ feeds: [{ name: "Empty", file: " " }] })).toMatch(/feeds\.0\.file/);
  });

  it("refuses request headers on a file feed, a non-boolean backfill, and the same file listed twice", () => {
    expect(problems({ feeds: [{ name: "F", file: "a.xml", headers: { Authorization: "x" } }] })).toMatch(/feeds\.0\.headers: headers are sent only to a "url" feed/);
    expect(problems({ feeds: [{ name: "F", file: "a.xml", backfill: "yes" }] })).toMatch(/feeds\.0\.backfill/);
    expect(problems({ feeds: [{ name: "A", file: "a.xml" }, { name: "B", file: "a.xml" }] })).toMatch(/lists a\.xml twice; keep one entry per file/);
  });

  it("still refuses a url that is not http(s), such as file://", () => {
    expect(problems({ feeds: [{ name: "F", url: "file:///etc/passwd" }] })).toMatch(/feeds\.0\.url: must be an http:\/\/ or https:\/\/ URL/);
  });

  it("the shipped config/feeds.json lists the demo feed first, as a backfilled file feed", () => {
    const feeds = loadFeedsFile(join(ROOT, "config", "feeds.json"));
    expect(feeds[0]).toMatchObject({ name: "catalyst-bot demo (edit config/feeds.json to remove)", file: "config/demo/feed.xml", backfill: true, origin: "config" });
    expect(feeds.slice(1).every((f) => f.file === undefined && /^https:\/\//.test(f.url) && f.backfill === undefined)).toBe(true);
  });
});

describe("run-time feeds (feeds add)", () => {
  it("the run-time schema refuses a file and any url that is not http(s)", () => {
    expect(FeedEntrySchema.safeParse({ name: "F", file: "config/demo/feed.xml" }).success).toBe(false);
    expect(FeedEntrySchema.safeParse({ name: "F", url: "https://wire.example/rss", file: "config/demo/feed.xml" }).success).toBe(false);
    expect(FeedEntrySchema.safeParse({ name: "F", url: "file:config/demo/feed.xml" }).success).toBe(false);
    expect(FeedEntrySchema.safeParse({ name: "F", url: "https://wire.example/rss" }).success).toBe(true);
  });

  it.each([["config/demo/feed.xml"], ["file:config/demo/feed.xml"], [`file://${join(ROOT, "config", "demo", "feed.xml")}`]])(
    "`feeds add %s` exits 2 and says a file feed belongs in the feeds file",
    async (ref) => {
      const err: string[] = [];
      vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
      vi.spyOn(console, "log").mockImplementation(() => undefined);
      // No REDIS_URL: the command must refuse before it opens any store.
      const code = await run(["add", ref, "--name", "Demo"], { FEEDS_FILE: "my-feeds.json", LOG_LEVEL: "silent", DATA_DIR: join(ROOT, "no-such-data-dir") });
      expect(code).toBe(2);
      expect(err.join("\n")).toMatch(/url: [\s\S]*can only be listed in my-feeds\.json \("file": "path\/to\/feed\.xml"\)/);
    },
  );
});
