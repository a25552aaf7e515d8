// The Discord bot end to end: the real discord.js client logs in to a fake Gateway and answers crafted interactions.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { startDiscord, type DiscordBot } from "../../src/adapters/discord/client.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import { createRedisTimelineStore, type RedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import type { SubscriptionStore } from "../../src/core/store.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi, type FakeMember } from "../fakes/fake-discord-api.ts";

const universe = buildUniverse([
  {
    name: "test.json",
    data: UniverseFileSchema.parse({
      companies: [
        { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"], aliases: ["Alibaba"] },
        { symbol: "JD", name: "JD.com Inc.", listings: ["9618.HK"], aliases: ["JD.com"] },
        { symbol: "0700.HK", name: "Tencent Holdings Ltd.", listings: ["TCEHY"], aliases: ["Tencent"] },
        { symbol: "TME", name: "Tencent Music Entertainment Group", aliases: ["Tencent Music"] },
        { symbol: "XYZ", name: "Block Inc.", former: ["SQ"], ambiguous: ["Block"] },
        { symbol: "HRB", name: "H&R Block Inc.", ambiguous: ["Block"] },
      ],
      indices: [],
    }),
  },
]);

const MANAGE_CHANNELS = 1n << 4n;
const SEND_MESSAGES = 1n << 11n;
const NOW = new Date("2026-11-22T12:00:00.000Z");

const guildA = { id: snowflake(), name: "Guild A", channels: [{ id: snowflake(), name: "alerts" }] };
const guildB = { id: snowflake(), name: "Guild B", channels: [{ id: snowflake(), name: "alerts" }] };
const channelA = guildA.channels[0]!.id;
const channelB = guildB.channels[0]!.id;
const adminA: FakeMember = { userId: snowflake(), permissions: MANAGE_CHANNELS | SEND_MESSAGES };
const memberA: FakeMember = { userId: snowflake(), permissions: SEND_MESSAGES };
const adminB: FakeMember = { userId: snowflake(), permissions: MANAGE_CHANNELS | SEND_MESSAGES };

let fake: FakeDiscordApi;
let bot: DiscordBot;
let redis: Redis;
let prefix: string;
let store: RedisSubscriptionStore;
let timeline: RedisTimelineStore;
/** Lets one test hold subscription writes back, to make a command slower than the deferral threshold. */
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  redis = createRedisConnection(inject("redisUrl"), { name: "test-discord-bot" });
  fake = await startFakeDiscord({ guilds: [guildA, guildB], heartbeatIntervalMs: 300 });
  const subscriptions: SubscriptionStore = {
    add: async (s) => {
      await gate;
      return store.add(s);
    },
    remove: (d, m) => store.remove(d, m),
    list: (s) => store.list(s),
    forTicker: (t) => store.forTicker(t),
  };
  const timelineProxy = { recent: (t: string, since: Date, limit?: number) => timeline.recent(t, since, limit) };
  bot = await startDiscord({ token: "test-bot-token", apiUrl: fake.apiUrl, subscriptions, timeline: timelineProxy, universe, now: () => NOW, loginTimeoutMs: 15_000 });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await closeRedis(redis);
});

beforeEach(() => {
  prefix = `test-discord-bot-${randomUUID()}`;
  store = createRedisSubscriptionStore(redis, prefix);
  timeline = createRedisTimelineStore({ redis, prefix, retentionDays: 90, now: () => NOW.getTime() });
});

afterEach(async () => {
  gate = Promise.resolve();
  await store.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
});

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const embedsOf = (data: Record<string, unknown>) => (data.embeds ?? []) as Embed[];
/** What a reader sees: every text of every embed, with Discord's markdown escapes removed as Discord renders them. */
const textOf = (data: Record<string, unknown>) =>
  embedsOf(data)
    .flatMap((e) => [e.title ?? "", e.description ?? "", ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])
    .join("\n")
    .replace(/\\(.)/g, "$1");

function command(name: string, opts: { guild?: typeof guildA; channel?: string; member?: FakeMember; options?: Array<{ name: string; type: number; value: string | number | boolean; focused?: boolean }> }) {
  const guild = opts.guild ?? guildA;
  return fake.interact({
    type: 2,
    command: name,
    guildId: guild.id,
    channelId: opts.channel ?? guild.channels[0]!.id,
    member: opts.member ?? adminA,
    options: opts.options ?? [],
  });
}

describe("Gateway session", () => {
  it("identifies with the bot token and only the Guilds intent, and keeps heartbeating", async () => {
    const identify = fake.gatewayReceived.find((p) => p.op === 2)?.d as { token: string; intents: number };
    expect(identify.token).toBe("test-bot-token");
    expect(identify.intents).toBe(1);
    await fake.waitFor(() => fake.gatewayReceived.filter((p) => p.op === 1).length >= 2, "two heartbeats");
    expect(bot.client.guilds.cache.has(guildA.id)).toBe(true);
    const gateway = fake.requests.find((r) => r.path === "/gateway/bot");
    expect(gateway?.headers.authorization).toBe("Bot test-bot-token");
  });

  it("resumes after Discord asks it to reconnect, and keeps answering commands", async () => {
    const identifies = fake.gatewayReceived.filter((p) => p.op === 2).length;
    fake.requestReconnect();
    await fake.waitFor(() => fake.gatewayReceived.some((p) => p.op === 6), "a RESUME (op 6)");
    const resume = fake.gatewayReceived.find((p) => p.op === 6)?.d as { token: string; session_id: string; seq: number };
    expect(resume.token).toBe("test-bot-token");
    expect(resume.session_id).toMatch(/^session-/);
    // Resumed, not re-identified: the session (and its guilds) carried over.
    expect(fake.gatewayReceived.filter((p) => p.op === 2).length).toBe(identifies);
    await fake.waitFor(() => fake.connections === 1, "one open Gateway connection");
    const reply = await fake.finalReplyOf(command("help", { member: memberA }));
    expect(embedsOf(reply.data)[0]?.title).toBe("Catalyst bot commands");
  });
});

describe("start-up", () => {
  it("says what to do when Discord refuses the token", async () => {
    fake.respond("GET", /^\/gateway\/bot$/, { status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const none = { forTicker: async () => [], add: async () => ({ added: false }), remove: async () => 0, list: async () => [] };
    const started = startDiscord({ token: "revoked-token", apiUrl: fake.apiUrl, subscriptions: none, timeline: { recent: async () => [] }, universe, loginTimeoutMs: 10_000 });
    await expect(started).rejects.toThrow(/Discord refused DISCORD_TOKEN.*Reset Token/);
  });
});

describe("slash commands", () => {
  it("/help answers privately with the command list, and can ping no one", async () => {
    const reply = await fake.finalReplyOf(command("help", { member: memberA }));
    expect(reply.deferred).toBe(false);
    expect(reply.ephemeral).toBe(true);
    expect(embedsOf(reply.data)[0]?.title).toBe("Catalyst bot commands");
    expect(textOf(reply.data)).toContain("/subscribe tickers:BABA JD");
    expect(reply.data.allowed_mentions).toEqual({ parse: [] });
  });

  it("/subscribe by a member who can manage channels announces it in the channel, and anyone can list it", async () => {
    const sub = await fake.finalReplyOf(
      command("subscribe", {
        options: [
          { name: "tickers", type: 3, value: "BABA, JD" },
          { name: "catalysts", type: 3, value: "buyback,earnings" },
          { name: "min_confidence", type: 10, value: 0.7 },
        ],
      }),
    );
    expect(sub.ephemeral).toBe(false);
    expect(textOf(sub.data)).toContain("**BABA** Alibaba Group Holding Ltd.: Buyback, Earnings (confidence ≥ 0.7)");
    const stored = await store.list({ platform: "discord", tenant: guildA.id, channel: channelA });
    expect(stored.map((s) => [s.ticker, s.catalysts, s.minConfidence, s.createdBy])).toEqual([
      ["BABA", ["buyback", "earnings"], 0.7, adminA.userId],
      ["JD", ["buyback", "earnings"], 0.7, adminA.userId],
    ]);

    const list = await fake.finalReplyOf(command("subscriptions", { member: memberA }));
    expect(list.ephemeral).toBe(true);
    expect(textOf(list.data)).toContain("**JD** JD.com Inc.: Buyback, Earnings (confidence ≥ 0.7)");
  });

  it("refuses /subscribe and /unsubscribe from a member without Manage Channels", async () => {
    await store.add({ destination: { platform: "discord", tenant: guildA.id, channel: channelA }, ticker: "BABA", catalysts: [], minConfidence: 0, createdAt: NOW.toISOString() });
    const sub = await fake.finalReplyOf(command("subscribe", { member: memberA, options: [{ name: "tickers", type: 3, value: "JD" }] }));
    expect(sub.ephemeral).toBe(true);
    expect(embedsOf(sub.data)[0]?.title).toBe("You can't change this channel's subscriptions");
    expect(textOf(sub.data)).toContain("Manage Channels");
    const unsub = await fake.finalReplyOf(command("unsubscribe", { member: memberA, options: [{ name: "all", type: 5, value: true }] }));
    expect(embedsOf(unsub.data)[0]?.title).toBe("You can't change this channel's subscriptions");
    const stored = await store.list({ platform: "discord", tenant: guildA.id });
    expect(stored.map((s) => s.ticker)).toEqual(["BABA"]);
  });

  it("keeps guilds apart: guild B can neither see nor remove guild A's subscriptions, even naming A's channel", async () => {
    await fake.finalReplyOf(command("subscribe", { options: [{ name: "tickers", type: 3, value: "JD" }] }));
    for (const channel of [channelB, channelA]) {
      const list = await fake.finalReplyOf(command("subscriptions", { guild: guildB, channel, member: adminB }));
      expect(embedsOf(list.data)[0]?.title).toBe("This channel has no subscriptions");
      expect(textOf(list.data)).not.toContain("JD");
      const unsub = await fake.finalReplyOf(command("unsubscribe", { guild: guildB, channel, member: adminB, options: [{ name: "all", type: 5, value: true }] }));
      expect(embedsOf(unsub.data)[0]?.title).toBe("This channel had no subscriptions");
    }
    const stored = await store.list({ platform: "discord", tenant: guildA.id });
    expect(stored.map((s) => s.ticker)).toEqual(["JD"]);
  });

  it("explains an unknown ticker and offers the candidates of an ambiguous name", async () => {
    const unknown = await fake.finalReplyOf(command("subscribe", { options: [{ name: "tickers", type: 3, value: "BABX" }] }));
    expect(unknown.ephemeral).toBe(true);
    expect(textOf(unknown.data)).toContain("is neither a ticker we follow nor a catalyst");
    expect(textOf(unknown.data)).toContain("BABA");

    const ambiguous = await fake.finalReplyOf(command("subscribe", { options: [{ name: "tickers", type: 3, value: "Block" }] }));
    const fields = embedsOf(ambiguous.data).flatMap((e) => e.fields ?? []);
    expect(fields.find((f) => f.name === "Did you mean")?.value).toMatch(/XYZ.*HRB|HRB.*XYZ/);
    expect(await store.list({ platform: "discord", tenant: guildA.id })).toEqual([]);
  });

  it("/unsubscribe removes a ticker and says so publicly", async () => {
    await fake.finalReplyOf(command("subscribe", { options: [{ name: "tickers", type: 3, value: "BABA JD" }] }));
    const unsub = await fake.finalReplyOf(command("unsubscribe", { options: [{ name: "tickers", type: 3, value: "JD" }] }));
    expect(unsub.ephemeral).toBe(false);
    expect(textOf(unsub.data)).toContain("**JD**: no more alerts");
    const stored = await store.list({ platform: "discord", tenant: guildA.id });
    expect(stored.map((s) => s.ticker)).toEqual(["BABA"]);
  });

  it("/catalysts always defers, then edits the reply with the ticker's timeline", async () => {
    await timeline.add({
      ticker: "BABA",
      catalyst: "buyback",
      confidence: 0.9,
      evidence: "boost in its stock buyback plan -- to $25 billion",
      articleId: "a1",
      storyId: "s1",
      title: "Alibaba boosts buyback @everyone",
      url: "https://news.example.com/a1",
      source: "Example Wire",
      at: "2026-11-21T08:00:00.000Z",
    });
    const reply = await fake.finalReplyOf(
      command("catalysts", { member: memberA, options: [{ name: "ticker", type: 3, value: "alibaba" }, { name: "days", type: 4, value: 30 }] }),
    );
    expect(reply.deferred).toBe(true);
    expect(reply.ephemeral).toBe(true);
    expect(embedsOf(reply.data)[0]?.title).toContain("BABA");
    expect(textOf(reply.data)).toContain("[Alibaba boosts buyback @\u200beveryone](https://news.example.com/a1)");
    expect(textOf(reply.data)).toContain("Buyback (1)");
  });

  it("defers a command slower than the threshold and still shows a public result to the channel", async () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const interaction = command("subscribe", { options: [{ name: "tickers", type: 3, value: "TME" }] });
    const callback = await fake.callbackOf(interaction);
    expect(callback.type).toBe(5);
    release();
    await fake.waitForRequest("DELETE", new RegExp(`^/webhooks/${fake.applicationId}/${interaction.token}/messages/@original$`));
    const followUp = await fake.waitForRequest("POST", new RegExp(`^/webhooks/${fake.applicationId}/${interaction.token}$`));
    const body = followUp.body as Record<string, unknown>;
    expect(textOf(body)).toContain("**TME**");
    expect(Number(body.flags ?? 0) & 64).toBe(0);
  });

  it("answers in a DM that the commands only work in a server", async () => {
    const interaction = fake.interact({ type: 2, command: "subscriptions", channelId: snowflake(), userId: snowflake() });
    const reply = await fake.finalReplyOf(interaction);
    expect(embedsOf(reply.data)[0]?.title).toBe("These commands only work in a server");
    expect(reply.ephemeral).toBe(true);
  });
});

describe("autocomplete", () => {
  function autocomplete(command: string, options: Array<{ name: string; type: number; value: string; focused?: boolean }>) {
    return fake.interact({ type: 4, command, guildId: guildA.id, channelId: channelA, member: memberA, options });
  }

  it("completes a ticker from a company name", async () => {
    const cb = await fake.callbackOf(autocomplete("catalysts", [{ name: "ticker", type: 3, value: "alib", focused: true }]));
    expect(cb.type).toBe(8);
    const choices = cb.data?.choices as Array<{ name: string; value: string }>;
    expect(choices[0]).toEqual({ name: "BABA · Alibaba Group Holding Ltd.", value: "BABA" });
  });

  it("completes the last ticker of a list and keeps the ones before it", async () => {
    const cb = await fake.callbackOf(autocomplete("subscribe", [{ name: "tickers", type: 3, value: "BABA, tencent m", focused: true }]));
    const values = (cb.data?.choices as Array<{ value: string }>).map((c) => c.value);
    expect(values).toContain("BABA, TME");
    for (const v of values) expect(v.startsWith("BABA, ")).toBe(true);
  });

  it("completes catalysts by slug or label", async () => {
    const cb = await fake.callbackOf(autocomplete("subscribe", [{ name: "catalysts", type: 3, value: "buyback, m&", focused: true }]));
    const choices = cb.data?.choices as Array<{ name: string; value: string }>;
    expect(choices.map((c) => c.value)).toEqual(["buyback, m_and_a"]);
    expect(choices[0]?.name).toContain("M&A");
  });
});
