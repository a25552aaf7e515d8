// `npm start`'s app with Discord credentials, end to end: /subscribe over the fake Gateway, a feed item, the
// alert posted to that channel and to a Discord webhook, and a story's second source as a reply.
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { loadConfig } from "../../src/config.ts";
import { feedIdFor, type FeedDefinition } from "../../src/contracts/feeds-file.ts";
import { QUEUES } from "../../src/contracts/queues.ts";
import type { Classify } from "../../src/core/types.ts";
import { startFeedServer, type FeedServer } from "../helpers/feed-server.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";

const redisUrl = inject("redisUrl");
const guild = { id: snowflake(), name: "Guild", channels: [{ id: snowflake(), name: "alerts" }] };
const channel = guild.channels[0]!.id;
const admin = { userId: snowflake(), permissions: (1n << 4n) | (1n << 11n) };

// Stands in for the classifier, so this test is about the Discord wiring: "AAPL ... buyback" -> AAPL buyback.
const classify: Classify = (article) => {
  const text = `${article.title ?? ""} ${article.text}`;
  const hit = /\bAAPL\b/.test(text) && /buyback/i.test(text);
  return {
    id: article.id,
    catalysts: hit ? ["buyback"] : [],
    tickers: hit ? [{ symbol: "AAPL", listings: [], name: "Apple Inc.", relevance: 0.9, catalysts: [{ type: "buyback", confidence: 0.9, evidence: "expands buyback" }] }] : [],
  };
};

function rss(title: string, items: Array<{ title: string; link: string; guid: string }>): string {
  const body = items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>${new Date().toUTCString()}</pubDate><description>${i.title}</description></item>`)
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>http://example.test/</link><description>x</description>${body}</channel></rss>`;
}

let fake: FakeDiscordApi;
let feeds: FeedServer;
let app: App;
let events: QueueEvents;
const prefix = `t-discord-app-${randomUUID()}`;
const hookPath = `/webhooks/${snowflake()}/hook-secret-token`;

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [guild] });
  feeds = await startFeedServer();
  const dir = mkdtempSync(join(tmpdir(), "discord-app-"));
  const webhooksFile = join(dir, "webhooks.json");
  writeFileSync(webhooksFile, JSON.stringify([{ name: "buybacks-hook", kind: "discord", url: `${fake.apiUrl}${hookPath}`, catalysts: ["buyback"] }]));
  const config = loadConfig({
    QUEUE_PREFIX: prefix,
    REDIS_URL: redisUrl,
    FEEDS_FILE: join(dir, "no-feeds.json"),
    FEED_ALLOW_PRIVATE: "127.0.0.1",
    LOG_LEVEL: "silent",
    CONSOLE_ALERTS: "false",
    HTTP_PORT: "0",
    DISCORD_TOKEN: "app-bot-token",
    DISCORD_API_URL: fake.apiUrl,
    WEBHOOKS_FILE: webhooksFile,
  });
  app = await createApp({ config, redisUrl, classify });
  await app.start();
  events = new QueueEvents(QUEUES.feedPoll, { connection: { url: redisUrl }, prefix });
  await events.waitUntilReady();
});

afterAll(async () => {
  await events?.close();
  if (app) {
    await Promise.all([app.queues.feedPoll, app.queues.articleClassify, app.queues.alertDeliver].map((q) => q.obliterate({ force: true })));
    await app.stop();
  }
  await feeds?.close();
  await fake?.close();
  const redis = createRedisConnection(redisUrl, { name: "test-cleanup" });
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
});

async function addFeed(path: string, name: string): Promise<FeedDefinition> {
  const url = feeds.urlFor(path);
  const feed: FeedDefinition = { id: feedIdFor(url), url, name, intervalSeconds: 3600, enabled: true, origin: "runtime", addedAt: new Date().toISOString() };
  await app.feeds.upsert(feed);
  return feed;
}

async function poll(feed: FeedDefinition): Promise<void> {
  const job = await app.queues.feedPoll.add("poll", { feedId: feed.id }, { jobId: `manual-${randomUUID()}` });
  await job.waitUntilFinished(events, 10_000);
}

describe("npm start with Discord credentials", () => {
  it("registers the Discord notifier and the webhook notifier, and logs the bot in with the Guilds intent", () => {
    expect([...app.notifiers.keys()].sort()).toEqual(["discord", "webhook"]);
    expect((fake.gatewayReceived.find((p) => p.op === 2)?.d as { intents: number }).intents).toBe(1);
  });

  it("delivers an alert to a channel subscribed with /subscribe, to the webhook, and the second source as a reply", async () => {
    const sub = fake.interact({ type: 2, command: "subscribe", guildId: guild.id, channelId: channel, member: admin, options: [{ name: "tickers", type: 3, value: "AAPL" }] });
    const reply = await fake.finalReplyOf(sub);
    expect(JSON.stringify(reply.data)).toContain("AAPL");

    feeds.setFeed("/a.xml", rss("Feed A", []));
    feeds.setFeed("/b.xml", rss("Feed B", []));
    const a = await addFeed("/a.xml", "Feed A");
    const b = await addFeed("/b.xml", "Feed B");
    await poll(a);
    await poll(b);

    feeds.setFeed("/a.xml", rss("Feed A", [{ title: "AAPL expands buyback to $110 billion", link: "http://news.test/a1", guid: "a1" }]));
    await poll(a);
    const messages = new RegExp(`^/channels/${channel}/messages$`);
    await fake.waitFor(() => fake.requestsTo("POST", messages).length === 1, "the alert in the subscribed channel");
    const first = fake.requestsTo("POST", messages)[0]!;
    const firstBody = first.body as { embeds: Array<{ title: string; color: number; author: { name: string } }>; message_reference?: unknown };
    expect(first.headers.authorization).toBe("Bot app-bot-token");
    expect(firstBody.embeds[0]?.title).toBe("AAPL expands buyback to $110 billion");
    expect(firstBody.embeds[0]?.author.name).toContain("AAPL");
    expect(firstBody.message_reference).toBeUndefined();
    const hookPosts = async () => {
      await fake.waitFor(() => fake.requestsTo("POST", new RegExp(`^${hookPath}$`)).length >= 1, "the webhook post");
      return fake.requestsTo("POST", new RegExp(`^${hookPath}$`));
    };
    expect((await hookPosts())[0]?.headers.authorization).toBeUndefined();

    feeds.setFeed("/b.xml", rss("Feed B", [{ title: "Apple (AAPL) lifts its buyback again", link: "http://other.test/b1", guid: "b1" }]));
    await poll(b);
    await fake.waitFor(() => fake.requestsTo("POST", messages).length === 2, "the second source in the channel");
    const second = fake.requestsTo("POST", messages)[1]!;
    const firstId = (first.response as { id: string }).id;
    expect((second.body as { message_reference: { message_id: string } }).message_reference.message_id).toBe(firstId);
    expect(JSON.stringify(second.body)).toContain("Apple (AAPL) lifts its buyback again");
  });
});
