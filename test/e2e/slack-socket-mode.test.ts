// The Slack bot in Socket Mode (the self-hosting default): the real Bolt SocketModeReceiver opens its
// connection through SLACK_API_URL to a fake Slack, receives a slash command envelope, acks it and replies.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createSlackBot, type SlackBot } from "../../src/adapters/slack/app.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import { createRedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";
import { blockKitProblems, startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.ts";

const universe = buildUniverse([
  { name: "socket.json", data: UniverseFileSchema.parse({ companies: [{ symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"] }] }) },
]);

let fake: FakeSlackApi;
let redis: Redis;
let prefix: string;
let subscriptions: RedisSubscriptionStore;
let bot: SlackBot;

beforeAll(async () => {
  fake = await startFakeSlackApi();
  redis = createRedisConnection(inject("redisUrl"), { name: "test-slack-socket" });
  prefix = `test-slack-socket-${randomUUID()}`;
  subscriptions = createRedisSubscriptionStore(redis, prefix);
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  bot = createSlackBot({
    botToken: "xoxb-test-token",
    appToken: fake.appToken,
    apiUrl: fake.url,
    port: 0,
    managers: [],
    commands: { subscriptions, timeline: createRedisTimelineStore({ redis, prefix, retentionDays: 90 }), universe },
    logger: quiet,
  });
  await bot.start();
});
afterAll(async () => {
  await bot?.stop();
  await subscriptions?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
  await fake?.close();
});

describe("Socket Mode", () => {
  it("connects with the app-level token through SLACK_API_URL", async () => {
    expect(bot.mode).toBe("socket");
    await fake.waitForSocket();
    const [open] = await fake.waitFor("apps.connections.open");
    expect(open?.headers.authorization).toBe(`Bearer ${fake.appToken}`);
  });

  it("acks a slash command envelope and answers through response_url", async () => {
    await fake.waitForSocket();
    const id = randomUUID();
    const ack = await fake.sendEnvelope("slash_commands", {
      token: "deprecated",
      team_id: "T_SOCKET",
      team_domain: "socket",
      channel_id: "C_SOCKET",
      channel_name: "markets",
      user_id: "U_ANY",
      user_name: "someone",
      command: "/subscribe",
      text: "9988.HK buyback",
      api_app_id: "A_APP",
      is_enterprise_install: "false",
      response_url: fake.responseUrl(id),
      trigger_id: "1.2.3",
    });
    expect(ack.envelope_id).toMatch(/^env-/);
    const [reply] = await fake.waitFor(`response:${id}`);
    expect(reply?.body.response_type).toBe("in_channel");
    expect(blockKitProblems(reply?.body.blocks)).toEqual([]);
    expect(JSON.stringify(reply?.body.blocks)).toContain("*BABA* Alibaba Group Holding Ltd.: Buyback");
    expect(await subscriptions.list({ platform: "slack", tenant: "T_SOCKET", channel: "C_SOCKET" })).toMatchObject([
      { ticker: "BABA", catalysts: ["buyback"], createdBy: "U_ANY" },
    ]);
  });
});
