// The Slack bot end to end: signed slash commands into the Bolt HTTP receiver on loopback, replies and alerts
// through the real @slack/bolt and @slack/web-api clients to a fake Slack Web API, stores on the real Redis.
import { createHmac, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from "vitest";
import { createSlackBot, SlackSetupError, type SlackBot } from "../../src/adapters/slack/app.ts";
import { slackBotFactory } from "../../src/adapters/slack/index.ts";
import { loadConfig } from "../../src/config.ts";
import { createSlackNotifier } from "../../src/adapters/slack/notifier.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import { createRedisTimelineStore, type RedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../src/core/delivery-errors.ts";
import type { Destination } from "../../src/core/store.ts";
import type { Alert } from "../../src/core/types.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";
import { blockKitProblems, startFakeSlackApi, type FakeSlackApi, type RecordedCall } from "../fakes/fake-slack-api.ts";

const SECRET = "test-signing-secret";
const TOKEN = "xoxb-test-token";

const universe = buildUniverse([
  {
    name: "e2e.json",
    data: UniverseFileSchema.parse({
      companies: [
        { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"], aliases: ["Alibaba"] },
        { symbol: "JD", name: "JD.com Inc.", listings: ["9618.HK"] },
        { symbol: "XYZ", name: "Block Inc.", former: ["SQ"], ambiguous: ["Block"] },
        { symbol: "HRB", name: "H&R Block Inc.", ambiguous: ["Block"] },
      ],
    }),
  },
]);

let fake: FakeSlackApi;
let redis: Redis;
let prefix: string;
let subscriptions: RedisSubscriptionStore;
let timeline: RedisTimelineStore;
let bot: SlackBot;
let base: string;

beforeAll(async () => {
  fake = await startFakeSlackApi();
  redis = createRedisConnection(inject("redisUrl"), { name: "test-slack-e2e" });
  prefix = `test-slack-${randomUUID()}`;
  subscriptions = createRedisSubscriptionStore(redis, prefix);
  timeline = createRedisTimelineStore({ redis, prefix, retentionDays: 90 });
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  bot = createSlackBot({
    botToken: TOKEN,
    signingSecret: SECRET,
    apiUrl: fake.url,
    port: 0,
    host: "127.0.0.1",
    managers: ["U_ADMIN", "U_ADMIN2"],
    commands: { subscriptions, timeline, universe },
    logger: quiet,
  });
  const { port } = await bot.start();
  base = `http://127.0.0.1:${port}`;
  // The bot token was checked against Slack before listening.
  const [check] = await fake.waitFor("auth.test");
  expect(check?.body.token ?? check?.headers.authorization).toMatch(/xoxb-test-token/);
});
afterAll(async () => {
  await bot?.stop();
  await subscriptions?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
  await fake?.close();
});

interface Who {
  team?: string;
  user?: string;
  channel?: string;
  channelName?: string;
}

/** Sends a slash command the way Slack does: form-encoded, signed with the signing secret (v0 HMAC-SHA256). */
async function slash(command: string, text: string, who: Who = {}, tamper: { signature?: string; timestamp?: number } = {}) {
  const id = randomUUID();
  const body = new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: who.team ?? "T_ONE",
    team_domain: "one",
    channel_id: who.channel ?? "C_NEWS",
    channel_name: who.channelName ?? "news",
    user_id: who.user ?? "U_ADMIN",
    user_name: "someone",
    command,
    text,
    api_app_id: "A_APP",
    is_enterprise_install: "false",
    response_url: fake.responseUrl(id),
    trigger_id: "1.2.3",
  }).toString();
  const ts = tamper.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = tamper.signature ?? `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  const res = await fetch(`${base}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(ts), "x-slack-signature": signature },
    body,
  });
  return { status: res.status, id, ackBody: await res.text() };
}

/** The reply Slack would show: what the bot posted to this command's response_url. */
async function reply(id: string): Promise<{ body: Record<string, unknown>; text: string }> {
  const [call] = await fake.waitFor(`response:${id}`);
  const body = (call as RecordedCall).body;
  expect(blockKitProblems(body.blocks)).toEqual([]);
  return { body, text: JSON.stringify(body.blocks) };
}

async function run(command: string, text: string, who: Who = {}) {
  const sent = await slash(command, text, who);
  expect(sent.status).toBe(200);
  return reply(sent.id);
}

describe("slash commands over HTTP", () => {
  it("acks at once and answers through response_url, visible in the channel when it changed something", async () => {
    const sent = await slash("/subscribe", "BABA buyback,earnings min=0.7");
    expect(sent.status).toBe(200);
    expect(sent.ackBody).toBe("");
    const { body, text } = await reply(sent.id);
    expect(body.response_type).toBe("in_channel");
    expect(text).toContain("*BABA* Alibaba Group Holding Ltd.: Buyback, Earnings (confidence ≥ 0.7)");
    expect(String(body.text)).toContain("This channel will get alerts for 1 subscription");
    const list = await run("/subscriptions", "", { user: "U_MEMBER" });
    expect(list.body.response_type).toBe("ephemeral");
    expect(list.text).toContain("*BABA* Alibaba Group Holding Ltd.: Buyback, Earnings");
  });

  it("rejects a bad signature and a stale timestamp without running the command", async () => {
    const bad = await slash("/subscribe", "JD", {}, { signature: "v0=" + "0".repeat(64) });
    const stale = await slash("/subscribe", "JD", {}, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(bad.status).toBe(401);
    expect(stale.status).toBe(401);
    // A later good command is answered, the rejected ones never were.
    await run("/help", "");
    expect(fake.calls.some((c) => c.method === `response:${bad.id}` || c.method === `response:${stale.id}`)).toBe(false);
    const subs = await subscriptions.list({ platform: "slack", tenant: "T_ONE" });
    expect(subs.map((s) => s.ticker)).not.toContain("JD");
  });

  it("suggests the ticker for a typo, privately", async () => {
    const { body, text } = await run("/subscribe", "JDD");
    expect(body.response_type).toBe("ephemeral");
    expect(text).toContain("Did you mean JD (JD.com Inc.)?");
    expect(text).toContain('"Did you mean: `JD`?"');
  });

  it("asks which company an ambiguous name means (Slack's escaped & arrives unescaped)", async () => {
    const { text } = await run("/subscribe", "block");
    // Slack escapes the company name's & again when showing it: H&amp;R.
    expect(text).toContain("`block` could mean XYZ (Block Inc.), HRB (H&amp;R Block Inc.): use the symbol instead.");
    const mna = await run("/subscribe", "m&amp;a", { channel: "C_DEALS" });
    expect(mna.text).toContain("*any ticker*: M&amp;A");
  });

  it("refuses subscription changes to members who are not managers, and lets them query", async () => {
    const { body, text } = await run("/unsubscribe", "all", { user: "U_MEMBER" });
    expect(body.response_type).toBe("ephemeral");
    expect(text).toContain("You can't change this channel's subscriptions");
    expect((await subscriptions.list({ platform: "slack", tenant: "T_ONE", channel: "C_NEWS" })).length).toBeGreaterThan(0);
  });

  it("keeps workspaces apart: another team with the same channel id can neither see nor remove these subscriptions", async () => {
    const before = await subscriptions.list({ platform: "slack", tenant: "T_ONE", channel: "C_NEWS" });
    expect(before.length).toBeGreaterThan(0);
    const seen = await run("/subscriptions", "", { team: "T_TWO", user: "U_ADMIN" });
    expect(seen.text).toContain("This channel has no subscriptions");
    const removed = await run("/unsubscribe", "all", { team: "T_TWO", user: "U_ADMIN" });
    expect(removed.text).toContain("This channel had no subscriptions");
    const gone = await run("/unsubscribe", "BABA", { team: "T_TWO", user: "U_ADMIN" });
    expect(gone.text).toContain("this channel is not subscribed to BABA");
    expect(await subscriptions.list({ platform: "slack", tenant: "T_ONE", channel: "C_NEWS" })).toEqual(before);
  });

  it("/catalysts lists the timeline with escaped article text", async () => {
    await timeline.add({
      ticker: "BABA",
      catalyst: "buyback",
      confidence: 0.9,
      evidence: "<!channel> Alibaba lifted its buyback to $25 billion",
      articleId: "a1",
      storyId: "s1",
      title: "Alibaba boosts buyback <@U123>",
      url: "https://news.example/a?x=1&y=2",
      source: "Reuters",
      at: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const { text } = await run("/catalysts", "9988.HK", { user: "U_MEMBER" });
    expect(text).toContain("*Buyback (1)*");
    expect(text).toContain("<https://news.example/a?x=1&amp;y=2|Alibaba boosts buyback &lt;@U123&gt;>");
    expect(text).toContain("> &lt;!channel&gt; Alibaba lifted its buyback");
    expect(text).not.toContain("<!channel>");
    const empty = await run("/catalysts", "JD 3", { user: "U_MEMBER" });
    expect(empty.text).toContain("No catalysts for JD since");
    expect(empty.text).toContain("looked back 3 days");
  });

  it("reminds to invite the bot when subscribing a private channel", async () => {
    const priv = await run("/subscribe", "JD", { channel: "G_PRIVATE", channelName: "privategroup" });
    expect(priv.text).toContain("invite the bot (`/invite @catalyst-bot`)");
    const pub = await run("/subscribe", "JD", { channel: "C_PUBLIC" });
    expect(pub.text).not.toContain("/invite");
  });

  it("serves a health check for the reverse proxy", async () => {
    const res = await fetch(`${base}/slack/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("answers a command it does not know with a pointer to /help", async () => {
    const { body, text } = await run("/catalyst-bot", "hello");
    expect(body.response_type).toBe("ephemeral");
    expect(text).toContain("Unknown command /catalyst-bot");
    expect(text).toContain("`/help`");
  });

  it("keeps a reply to a huge command within Block Kit limits", async () => {
    const words = Array.from({ length: 60 }, (_, i) => `NOPE${i}`).join(" ");
    const { text } = await run("/subscribe", words);
    expect(text).toContain("a command takes at most 50");
  });
});

describe("when things go wrong on our side", () => {
  it("answers privately that something went wrong when the store fails, and still acks", async () => {
    const failing = {
      ...subscriptions,
      list: () => Promise.reject(new Error("Redis is down")),
    };
    const errors: unknown[] = [];
    const broken = createSlackBot({
      botToken: TOKEN,
      signingSecret: SECRET,
      apiUrl: fake.url,
      port: 0,
      host: "127.0.0.1",
      managers: [],
      commands: { subscriptions: failing, timeline, universe },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (...m: unknown[]) => errors.push(m) },
    });
    const { port } = await broken.start();
    const saved = base;
    base = `http://127.0.0.1:${port}`;
    try {
      const { body, text } = await run("/subscriptions", "");
      expect(body.response_type).toBe("ephemeral");
      expect(text).toContain("Something went wrong on our side");
      expect(String(errors.flat().join(" "))).toContain("Redis is down");
    } finally {
      base = saved;
      await broken.stop();
    }
  });

  it("stops at start-up when Slack rejects the bot token, saying what to do", async () => {
    const wrong = createSlackBot({
      botToken: "xoxb-wrong",
      signingSecret: SECRET,
      apiUrl: fake.url,
      port: 0,
      host: "127.0.0.1",
      managers: [],
      commands: { subscriptions, timeline, universe },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await expect(wrong.start()).rejects.toThrow(/Slack rejected SLACK_BOT_TOKEN \(invalid_auth\): copy the Bot User OAuth Token/);
    await wrong.stop().catch(() => undefined);
  });

  it("refuses to start the commands with a bot token but neither an app token nor a signing secret", async () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.url });
    const ctx = { config, subscriptions, timeline } as unknown as Parameters<typeof slackBotFactory>[0];
    await expect(slackBotFactory(ctx)).rejects.toThrow(SlackSetupError);
    await expect(slackBotFactory(ctx)).rejects.toThrow(/SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET \(HTTP mode\)/);
    expect(loadConfig({ SLACK_MANAGERS: "U1, U2," }).SLACK_MANAGERS).toEqual(["U1", "U2"]);
    const off = loadConfig({});
    expect(await slackBotFactory({ ...ctx, config: off } as typeof ctx)).toBeUndefined();
  });
});

describe("Slack notifier", () => {
  const destination: Destination = { platform: "slack", tenant: "T_ONE", channel: "C_ALERTS" };
  const alert: Alert = {
    alertId: "al1",
    storyId: "st1",
    ticker: "BABA",
    companyName: "Alibaba Group Holding Ltd.",
    catalyst: "buyback",
    confidence: 0.92,
    evidence: "Alibaba boosted its buyback plan to $25 billion",
    articleId: "art1",
    title: "Alibaba boosts buyback",
    url: "https://news.example/1",
    source: "Reuters",
    published: "2026-11-21T08:30:00.000Z",
    followUp: false,
  };
  const notifier = () => createSlackNotifier({ token: TOKEN, apiUrl: fake.url });
  const posts = () => fake.calls.filter((c) => c.method === "chat.postMessage");
  afterEach(() => {
    fake.calls.length = 0;
  });

  it("posts an alert, then threads the story's second source under it", async () => {
    const n = notifier();
    const first = await n.send(destination, alert);
    expect(first.channel).toBe("C_ALERTS");
    const second = await n.send(destination, { ...alert, followUp: true, articleId: "art2", source: "Bloomberg", title: "Alibaba lifts buyback" }, first);
    const [p1, p2] = posts();
    expect(p1?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(p1?.body).toMatchObject({ channel: "C_ALERTS", unfurl_links: "false" });
    expect(p1?.body.thread_ts).toBeUndefined();
    expect(JSON.stringify(p1?.body.blocks)).toContain('"BABA · Buyback · Alibaba Group Holding Ltd."');
    expect(p2?.body.thread_ts).toBe(first.messageId);
    expect(JSON.stringify(p2?.body.blocks)).toContain("*Bloomberg*: <https://news.example/1|Alibaba lifts buyback>");
    expect(second.messageId).not.toBe(first.messageId);
  });

  it("posts an oversized, hostile article within Block Kit limits (the fake rejects invalid_blocks like Slack)", async () => {
    const huge = "<!channel> Alibaba & Tencent <news> ".repeat(3_000);
    await notifier().send(destination, { ...alert, title: huge, evidence: huge, source: huge, companyName: huge });
    const [p] = posts();
    expect(blockKitProblems(p?.body.blocks)).toEqual([]);
    // mrkdwn and the fallback text are where Slack parses mentions; plain_text (the header) is shown literally.
    const parsed = [String(p?.body.text), ...JSON.stringify(p?.body.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g)!];
    expect(parsed.join("\n")).not.toContain("<!channel>");
    expect(parsed.join("\n")).toContain("&lt;!channel&gt;");
    expect(String(p?.body.text).length).toBeLessThanOrEqual(3_000);
  });

  it.each(["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "invalid_auth", "token_revoked"])(
    "turns Slack's %s into a PermanentDeliveryError that says what to do",
    async (code) => {
      fake.failNext("chat.postMessage", { kind: "error", error: code });
      const err = await notifier().send(destination, alert).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err).toMatchObject({ kind: "permanent", code });
      expect(String((err as Error).message)).toContain("C_ALERTS");
    },
  );

  it("a wrong token is permanent too", async () => {
    const err = await createSlackNotifier({ token: "xoxb-wrong", apiUrl: fake.url })
      .send(destination, alert)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "permanent", code: "invalid_auth" });
    expect(String((err as Error).message)).toContain("SLACK_BOT_TOKEN");
  });

  it("reports a 429 as RateLimitedError with Slack's Retry-After, without retrying on its own", async () => {
    fake.failNext("chat.postMessage", { kind: "ratelimited", retryAfterSeconds: 7 });
    const err = await notifier().send(destination, alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ kind: "rate_limited", retryAfterMs: 7_000 });
    expect(posts()).toHaveLength(1);
  });

  it("treats 5xx and Slack's internal_error as transient", async () => {
    fake.failNext("chat.postMessage", { kind: "http", status: 503 });
    const http = await notifier().send(destination, alert).catch((e: unknown) => e);
    expect(http).toBeInstanceOf(TransientDeliveryError);
    expect(http).toMatchObject({ code: "503" });
    fake.failNext("chat.postMessage", { kind: "error", error: "internal_error" });
    expect(await notifier().send(destination, alert).catch((e: unknown) => e)).toMatchObject({ kind: "transient", code: "internal_error" });
  });

  it("treats an unreachable Slack as transient", async () => {
    const closed = await startFakeSlackApi();
    const url = closed.url;
    await closed.close();
    const err = await createSlackNotifier({ token: TOKEN, apiUrl: url, timeoutMs: 2_000 }).send(destination, alert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientDeliveryError);
    expect(String((err as Error).message)).toContain("Could not reach Slack");
  });
});
