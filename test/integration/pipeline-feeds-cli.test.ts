// `catalyst-bot feeds add|list|remove|enable` against the real Redis and a local feed server.
import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/feeds.ts";
import { createRedisFeedStore } from "../../src/adapters/redis/feeds.ts";
import { feedIdFor } from "../../src/contracts/feeds-file.ts";
import { createPipelineQueues } from "../../src/pipeline/queues.ts";
import { startFeedServer, type FeedServer } from "../helpers/feed-server.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";

const scope = useRedisScope("t-feedscli");
const redisUrl = scope.url;
const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://t.test/</link><description>d</description><item><title>One</title><link>http://t.test/1</link></item></channel></rss>`;

let server: FeedServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  try {
    const code = await run(args, env);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("feeds command", () => {
  it("adds a feed with a scheduler, lists it with its health, refuses a private address unless allowed, and removes it", async () => {
    server = await startFeedServer();
    server.setFeed("/rss.xml", RSS);
    const prefix = scope.prefix;
    const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" };
    const url = server.urlFor("/rss.xml");

    const refused = await cli(["add", url, "--name", "Local"], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/FEED_BLOCKED_ADDRESS[\s\S]*FEED_ALLOW_PRIVATE/);

    const allowed = { ...env, FEED_ALLOW_PRIVATE: "127.0.0.1" };
    const added = await cli(["add", url, "--name", "Local", "--interval", "60"], allowed);
    expect(added.code).toBe(0);
    expect(added.out).toContain("1 items");

    const redis = scope.redis;
    const queueConn = scope.connect("test-q", { forWorker: true });
    const queues = createPipelineQueues(queueConn, prefix);
    const store = createRedisFeedStore({ redis, prefix, maxFailures: 10, backoffMaxMs: 3_600_000 });
    try {
      expect(await queues.scheduledFeeds()).toEqual([feedIdFor(url)]);
      await store.recordFailure(feedIdFor(url), { code: "FEED_PARSE", message: "not a feed", transient: false }, 60);
      const listed = await cli(["list"], env);
      expect(listed.out).toMatch(/Local[\s\S]*FAILING 1x: FEED_PARSE not a feed/);

      expect((await cli(["enable", url], env)).code).toBe(0);
      expect((await store.health(feedIdFor(url))).consecutiveFailures).toBe(0);

      const removed = await cli(["remove", feedIdFor(url)], env);
      expect(removed.code).toBe(0);
      expect(await queues.scheduledFeeds()).toEqual([]);
      expect(await store.get(feedIdFor(url))).toBeUndefined();
      expect((await cli(["remove", url], env)).code).toBe(1);
    } finally {
      await queues.close();
    }
  });
});
