// File feeds: the embedded demo feed and other feed files are read from disk, parsed like fetched feeds, and polled with dedup and backfill.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, inject, it } from "vitest";
import { FeedError } from "../../src/adapters/feeds/errors.ts";
import { readFeedFile } from "../../src/adapters/feeds/read-feed-file.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisFeedStore } from "../../src/adapters/redis/feeds.ts";
import { createRedisSeenStore } from "../../src/adapters/redis/seen.ts";
import { feedIdFor, fileFeedUrl, type FeedDefinition } from "../../src/contracts/feeds-file.ts";
import { pollFeed, type FetchResult, type PollDeps } from "../../src/pipeline/poll.ts";

const redisUrl = inject("redisUrl");
const DEMO = "config/demo/feed.xml";

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "catalyst-feedfile-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function errorOf(p: Promise<unknown>): Promise<FeedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FeedError);
  return err as FeedError;
}

function rss(items: Array<{ title: string; link: string }>): string {
  const body = items.map((i) => `<item><title>${i.title}</title><link>${i.link}</link><description>${i.title}.</description></item>`).join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link><description>d</description>${body}</channel></rss>`;
}

describe("readFeedFile", () => {
  it("reads the embedded demo feed from the project folder: eight dated articles with links", async () => {
    const res = await readFeedFile(DEMO);
    if (res.status !== "ok") throw new Error("expected items");
    expect(res.items).toHaveLength(8);
    expect(res.title).toBe("catalyst-bot demo feed (invented articles)");
    expect(res.items.map((i) => i.title)).toContain("Alphabet authorizes additional $70 billion share buyback");
    for (const item of res.items) {
      expect(item.link).toMatch(/^https:\/\/example\.com\/catalyst-bot-demo\//);
      expect(item.published).toMatch(/^2026-11-1\dT/);
      expect(item.text.length).toBeGreaterThan(80);
    }
    // Unchanged since the last read: not parsed again.
    expect(await readFeedFile(DEMO, { ...(res.etag ? { etag: res.etag } : {}) })).toMatchObject({ status: "not_modified" });
    expect(res.etag).toBeTruthy();
  });

  it("resolves a relative path against baseDir and reads a changed file again", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "f.xml"), rss([{ title: "One", link: "https://t.example/1" }]));
    const first = await readFeedFile("f.xml", { baseDir: dir });
    if (first.status !== "ok") throw new Error("expected items");
    writeFileSync(join(dir, "f.xml"), rss([{ title: "Two", link: "https://t.example/2" }, { title: "One", link: "https://t.example/1" }]));
    const second = await readFeedFile("f.xml", { baseDir: dir, ...(first.etag ? { etag: first.etag } : {}) });
    expect(second.status === "ok" && second.items.map((i) => i.title)).toEqual(["Two", "One"]);
  });

  it("says what is wrong with a missing file, a folder, an oversized file and a file that is not a feed", async () => {
    const dir = tempDir();
    const missing = await errorOf(readFeedFile(join(dir, "nope.xml")));
    expect(missing.code).toBe("FEED_FILE");
    expect(missing.message).toContain(`There is no file ${join(dir, "nope.xml")}`);
    expect(missing.message).toMatch(/relative path starts at the catalyst-bot folder/);

    mkdirSync(join(dir, "folder"));
    expect((await errorOf(readFeedFile(join(dir, "folder")))).code).toBe("FEED_FILE");

    const big = await errorOf(readFeedFile(DEMO, { maxBytes: 1_000 }));
    expect(big.code).toBe("FEED_TOO_LARGE");

    writeFileSync(join(dir, "page.html"), "<html><body>not a feed</body></html>");
    expect((await errorOf(readFeedFile(join(dir, "page.html")))).code).toBe("FEED_PARSE");
  });
});

describe("polling a file feed", () => {
  async function setup() {
    const prefix = `t-${randomUUID()}`;
    const redis = createRedisConnection(redisUrl, { name: "test-feedfile" });
    cleanup.push(async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await closeRedis(redis);
    });
    const feeds = createRedisFeedStore({ redis, prefix, maxFailures: 5, backoffMaxMs: 3_600_000 });
    const fetched: string[] = [];
    const deps: PollDeps = {
      feeds,
      seen: createRedisSeenStore({ redis, prefix, retentionDays: 30 }),
      // A file feed must never go to the network.
      fetchFeed: (url) => {
        fetched.push(url);
        return Promise.reject(new Error("fetched"));
      },
      readFeedFile: (file, o) => readFeedFile(file, o) as Promise<FetchResult>,
      fetchOptions: { maxBytes: 5_000_000 },
      backfill: false,
      log: pino({ level: "silent" }),
    };
    const define = async (file: string, extra: Partial<FeedDefinition> = {}): Promise<FeedDefinition> => {
      const url = fileFeedUrl(file);
      const feed: FeedDefinition = { name: "File", url, file, intervalSeconds: 300, enabled: true, id: feedIdFor(url), origin: "config", addedAt: new Date().toISOString(), ...extra };
      await feeds.upsert(feed);
      return feed;
    };
    return { deps, define, fetched };
  }

  it("with backfill: true, queues every demo article on the first poll (overriding FEED_BACKFILL=false) and nothing afterwards", async () => {
    const { deps, define, fetched } = await setup();
    const feed = await define(DEMO, { backfill: true });
    const first = await pollFeed({ feedId: feed.id }, deps);
    expect(first.outcome).toMatchObject({ status: "ok", items: 8, fresh: 8, primedNow: true });
    expect(first.next.map((j) => j.article.title)).toContain("Netflix says it has no plans for a share buyback this year");
    expect(first.next.every((j) => j.article.source === "File" && j.article.published !== undefined)).toBe(true);
    const again = await pollFeed({ feedId: feed.id }, deps);
    expect(again.outcome).toEqual({ status: "not_modified" });
    expect(again.next).toEqual([]);
    expect(fetched).toEqual([]);
  });

  it("without backfill, records the file's items first; an item added later is the only one queued", async () => {
    const { deps, define } = await setup();
    const dir = tempDir();
    const path = join(dir, "wire.xml");
    writeFileSync(path, rss([{ title: "Old one", link: "https://t.example/1" }]));
    const feed = await define(path);
    expect((await pollFeed({ feedId: feed.id }, deps)).next).toEqual([]);
    writeFileSync(path, rss([{ title: "New one", link: "https://t.example/2" }, { title: "Old one", link: "https://t.example/1" }]));
    const second = await pollFeed({ feedId: feed.id }, deps);
    expect(second.next.map((j) => j.article.title)).toEqual(["New one"]);
  });

  it("refuses a file feed that did not come from the feeds file (its items are never queued)", async () => {
    const { deps, define, fetched } = await setup();
    const dir = tempDir();
    const path = join(dir, "secret.xml");
    writeFileSync(path, rss([{ title: "Secret", link: "https://t.example/s" }]));
    const feed = await define(path, { origin: "runtime", backfill: true });
    const res = await pollFeed({ feedId: feed.id }, deps);
    expect(res.outcome).toMatchObject({ status: "failed", code: "FEED_FILE" });
    expect(res.outcome.status === "failed" && res.outcome.message).toMatch(/Only the feeds file may list a file feed/);
    expect(res.next).toEqual([]);
    expect(fetched).toEqual([]);
  });
});
