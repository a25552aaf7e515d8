// The slash commands as a user meets them: replies, errors with fixes, permissions and tenancy, on the real Redis stores.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import { createRedisTimelineStore, type RedisTimelineStore } from "../../src/adapters/redis/timeline.ts";
import { runCommand, suggestTickers } from "../../src/commands/index.ts";
import type { CommandContext, CommandDeps, CommandReply } from "../../src/commands/types.ts";
import type { TimelineEntry } from "../../src/core/store.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";

const universe = buildUniverse([
  {
    name: "test.json",
    data: UniverseFileSchema.parse({
      companies: [
        { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK", "89988.HK"], aliases: ["Alibaba"] },
        { symbol: "JD", name: "JD.com Inc.", listings: ["9618.HK"], aliases: ["JD.com"] },
        { symbol: "META", name: "Meta Platforms Inc.", former: ["FB"], aliases: ["Facebook"] },
        { symbol: "0700.HK", name: "Tencent Holdings Ltd.", listings: ["TCEHY"], aliases: ["Tencent"] },
        { symbol: "TME", name: "Tencent Music Entertainment Group", aliases: ["Tencent Music"] },
        { symbol: "XYZ", name: "Block Inc.", former: ["SQ"], ambiguous: ["Block"] },
        { symbol: "HRB", name: "H&R Block Inc.", ambiguous: ["Block"] },
        { symbol: "ALL", name: "The Allstate Corporation", aliases: ["Allstate"] },
      ],
      indices: [{ symbol: "^HSTECH", name: "Hang Seng Tech Index", aliases: ["Hang Seng Tech"] }],
    }),
  },
]);

const NOW = new Date("2026-11-22T12:00:00.000Z");
const withX1 = buildUniverse([{ name: "x1.json", data: UniverseFileSchema.parse({ companies: [{ symbol: "X1", name: "Example One Inc." }] }) }]);
let redis: Redis;
let prefix: string;
let subscriptions: RedisSubscriptionStore;
let timeline: RedisTimelineStore;
let deps: CommandDeps;

beforeAll(() => {
  redis = createRedisConnection(inject("redisUrl"), { name: "test-commands" });
});
afterAll(async () => {
  await closeRedis(redis);
});
beforeEach(() => {
  prefix = `test-commands-${randomUUID()}`;
  subscriptions = createRedisSubscriptionStore(redis, prefix);
  timeline = createRedisTimelineStore({ redis, prefix, retentionDays: 90, now: () => NOW.getTime() });
  deps = { subscriptions, timeline, universe, now: () => NOW };
});
afterEach(async () => {
  await subscriptions.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
});

const admin: CommandContext = { platform: "slack", tenant: "T1", channel: "C1", userId: "U1", canManage: true };
const member: CommandContext = { ...admin, userId: "U2", canManage: false };
const otherTeam: CommandContext = { ...admin, tenant: "T2", userId: "U9" };

/** Everything a user reads in a reply, as one string. */
const text = (r: CommandReply) => [r.title, ...r.sections.flatMap((s) => [s.heading ?? "", ...s.lines])].join("\n");

describe("/subscribe", () => {
  it("subscribes tickers limited to catalysts with a minimum confidence, and /subscriptions shows it", async () => {
    const r = await runCommand("subscribe", "BABA JD buyback,earnings min=0.7", admin, deps);
    expect(r.ok).toBe(true);
    expect(r.ephemeral).toBe(false);
    expect(text(r)).toContain("**BABA** Alibaba Group Holding Ltd.: Buyback, Earnings (confidence ≥ 0.7)");
    expect(text(r)).toContain("**JD** JD.com Inc.: Buyback, Earnings (confidence ≥ 0.7)");
    const list = await runCommand("subscriptions", "", member, deps);
    expect(list.sections[0]?.lines).toEqual([
      "**BABA** Alibaba Group Holding Ltd.: Buyback, Earnings (confidence ≥ 0.7)",
      "**JD** JD.com Inc.: Buyback, Earnings (confidence ≥ 0.7)",
    ]);
  });

  it.each([
    ["9988.HK", "BABA"],
    ["hk:9988", "BABA"],
    ["700.HK", "0700.HK"],
    ["FB", "META"],
    ["$jd", "JD"],
    ["NYSE:BABA", "BABA"],
    ["alibaba", "BABA"],
    ["facebook", "META"],
    ["tencent music", "TME"],
    ['"Alibaba Group Holding"', "BABA"],
    ["tencent", "0700.HK"],
    ["$ALL", "ALL"],
  ])("resolves %s to %s", async (input, symbol) => {
    const r = await runCommand("subscribe", input, admin, deps);
    expect(r.ok, text(r)).toBe(true);
    const subs = await subscriptions.list({ platform: "slack", tenant: "T1", channel: "C1" });
    expect(subs.map((s) => s.ticker)).toEqual([symbol]);
  });

  it.each([
    ["buybacks", "buyback"],
    ["m&a", "m_and_a"],
    ["M-and-A", "m_and_a"],
    ["results", "earnings"],
    ["capital-raise", "capital_raise"],
    ["macro_policy", "macro_policy"],
  ])("accepts the catalyst word %s as %s (a catalyst-only subscription)", async (word, slug) => {
    const r = await runCommand("subscribe", word, admin, deps);
    expect(r.ok, text(r)).toBe(true);
    const subs = await subscriptions.list({ platform: "slack", tenant: "T1", channel: "C1" });
    expect(subs).toMatchObject([{ catalysts: [slug] }]);
    expect(subs[0]?.ticker).toBeUndefined();
  });

  it("merges with what the channel has, and says so when nothing changes", async () => {
    await runCommand("subscribe", "BABA buyback", admin, deps);
    await runCommand("subscribe", "BABA earnings", admin, deps);
    const again = await runCommand("subscribe", "BABA earnings", admin, deps);
    expect(again.title).toBe("Nothing changed");
    expect(again.ephemeral).toBe(true);
    expect(text(again)).toContain("already subscribed");
    const subs = await subscriptions.list({ platform: "slack", tenant: "T1", channel: "C1" });
    expect(subs).toMatchObject([{ ticker: "BABA", catalysts: ["buyback", "earnings"] }]);
    // Subscribing to a ticker's every catalyst widens it; naming one catalyst afterwards does not narrow it.
    await runCommand("subscribe", "BABA", admin, deps);
    const narrower = await runCommand("subscribe", "BABA legal", admin, deps);
    expect(text(narrower)).toContain("already gets every catalyst. To keep only some, `/unsubscribe BABA` first.");
  });

  it("suggests the symbol for a typo and changes nothing", async () => {
    const r = await runCommand("subscribe", "BABAA", admin, deps);
    expect(r.ok).toBe(false);
    expect(r.ephemeral).toBe(true);
    expect(text(r)).toContain("`BABAA` is neither a ticker we follow nor a catalyst. Did you mean BABA (Alibaba Group Holding Ltd.)?");
    expect(r.suggestions).toEqual(["BABA"]);
    const named = await runCommand("subscribe", "tencnet", admin, deps);
    expect(named.suggestions).toContain("0700.HK");
    expect(await subscriptions.list({ platform: "slack", tenant: "T1" })).toEqual([]);
  });

  it("rejects the whole command when one word is wrong, so a typo never half-applies", async () => {
    const r = await runCommand("subscribe", "BABA JDD buyback", admin, deps);
    expect(text(r)).toContain("Did you mean JD (JD.com Inc.)?");
    expect(await subscriptions.list({ platform: "slack", tenant: "T1" })).toEqual([]);
  });

  it("asks which company an ambiguous name means", async () => {
    const r = await runCommand("subscribe", "block", admin, deps);
    expect(r.ok).toBe(false);
    expect(text(r)).toContain("`block` could mean XYZ (Block Inc.), HRB (H&R Block Inc.): use the symbol instead.");
    expect(r.suggestions).toEqual(["XYZ", "HRB"]);
  });

  it.each([
    ["min=2", "`min=2` is not a confidence: use a number from 0 to 1 (or a percentage), e.g. `min=0.7` or `min=70%`"],
    ["", "Tell me what to subscribe to"],
    ["^HSTECH", "is the index ^HSTECH (Hang Seng Tech Index), not a company"],
    ["BABA macro_policy", "Subscribe to it on its own: `/subscribe macro_policy`"],
    ["all", "`all` only works with `/unsubscribe`: name the tickers or catalysts to subscribe to. For The Allstate Corporation, type `$ALL`."],
  ])("explains how to fix %j", async (args, expected) => {
    const r = await runCommand("subscribe", args, admin, deps);
    expect(r.ok).toBe(false);
    expect(text(r)).toContain(expected);
  });

  it("caps the subscriptions of one channel", async () => {
    const { MAX_SUBSCRIPTIONS_PER_CHANNEL } = await import("../../src/commands/subscribe.ts");
    const destination = { platform: "slack" as const, tenant: "T1", channel: "C1" };
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CHANNEL; i++) {
      await subscriptions.add({ destination, ticker: `X${i}`, catalysts: [], minConfidence: 0, createdAt: NOW.toISOString() });
    }
    const r = await runCommand("subscribe", "BABA", admin, deps);
    expect(r.ok).toBe(false);
    expect(text(r)).toContain(`This channel has ${MAX_SUBSCRIPTIONS_PER_CHANNEL} subscriptions and may have at most ${MAX_SUBSCRIPTIONS_PER_CHANNEL}.`);
    // Changing an existing subscription is still allowed.
    expect((await runCommand("subscribe", "X1 buyback", { ...admin }, { ...deps, universe: withX1 })).ok).toBe(true);
  });

  it("accepts a percentage as the minimum confidence", async () => {
    await runCommand("subscribe", "JD min=70%", admin, deps);
    expect(await subscriptions.list({ platform: "slack", tenant: "T1" })).toMatchObject([{ ticker: "JD", minConfidence: 0.7 }]);
  });

  it("refuses members who may not manage the channel, and tells them what they can do", async () => {
    for (const name of ["subscribe", "unsubscribe"] as const) {
      const r = await runCommand(name, "BABA", member, deps);
      expect(r.ok).toBe(false);
      expect(r.ephemeral).toBe(true);
      expect(text(r)).toContain("You can't change this channel's subscriptions");
      expect(text(r)).toContain("`/subscriptions` and `/catalysts` which are open to everyone");
    }
    expect(await subscriptions.list({ platform: "slack", tenant: "T1" })).toEqual([]);
    const discord = await runCommand("subscribe", "BABA", { ...member, platform: "discord" }, deps);
    expect(text(discord)).toContain("Manage Channels");
  });
});

describe("/unsubscribe", () => {
  beforeEach(async () => {
    await runCommand("subscribe", "BABA JD buyback,earnings", admin, deps);
    await runCommand("subscribe", "META", admin, deps);
    await runCommand("subscribe", "dividend", admin, deps);
  });
  const lines = async (ctx = admin) => (await runCommand("subscriptions", "", ctx, deps)).sections.flatMap((s) => s.lines);

  it("drops one catalyst of a ticker, a whole ticker, and a catalyst-only subscription", async () => {
    expect(text(await runCommand("unsubscribe", "BABA buyback", admin, deps))).toContain("**BABA**: now only Earnings");
    expect(text(await runCommand("unsubscribe", "jd", admin, deps))).toContain("**JD**: no more alerts");
    await runCommand("unsubscribe", "dividends", admin, deps);
    expect(await lines()).toEqual(["**BABA** Alibaba Group Holding Ltd.: Earnings", "**META** Meta Platforms Inc.: every catalyst"]);
  });

  it("turns 'every catalyst but one' into the explicit list of the others", async () => {
    const r = await runCommand("unsubscribe", "FB legal", admin, deps);
    expect(text(r)).toContain("**META**: every catalyst except Legal");
    const [meta] = (await subscriptions.list({ platform: "slack", tenant: "T1" })).filter((s) => s.ticker === "META");
    expect(meta?.catalysts).toHaveLength(13); // 15 slugs minus legal minus the market-level macro_policy
    expect(meta?.catalysts).not.toContain("legal");
  });

  it("dropping every catalyst of an every-catalyst ticker removes it instead of subscribing it to everything again", async () => {
    expect(text(await runCommand("unsubscribe", "META macro_policy", admin, deps))).toContain("concerns whole markets and is never part of a ticker's alerts");
    const all = "buyback earnings guidance dividend m_and_a capital_raise listing regulation geopolitics product capex analyst management legal";
    const r = await runCommand("unsubscribe", `META ${all}`, admin, deps);
    expect(text(r)).toContain("**META**: no more alerts");
    const subs = await subscriptions.list({ platform: "slack", tenant: "T1", channel: "C1" });
    expect(subs.map((s) => s.ticker ?? "*")).toEqual(["*", "BABA", "JD"]);
    const macro = await runCommand("unsubscribe", "BABA macro_policy", admin, deps);
    expect(text(macro)).toContain("Macro policy was not part of it");
  });

  it("says what was not subscribed and where to look", async () => {
    const r = await runCommand("unsubscribe", "0700.HK", admin, deps);
    expect(r.ok).toBe(false);
    expect(text(r)).toContain("this channel is not subscribed to 0700.HK");
    expect(text(r)).toContain("`/subscriptions`");
    const r2 = await runCommand("unsubscribe", "BABA legal", admin, deps);
    expect(text(r2)).toContain("Legal was not part of it");
  });

  it("`all` clears only this channel of this workspace", async () => {
    await runCommand("subscribe", "BABA", { ...admin, channel: "C2" }, deps);
    await runCommand("subscribe", "BABA", otherTeam, deps);
    const r = await runCommand("unsubscribe", "all", admin, deps);
    expect(r.title).toBe("Removed all 4 subscriptions of this channel");
    expect((await runCommand("subscriptions", "", admin, deps)).title).toBe("This channel has no subscriptions");
    expect((await runCommand("subscriptions", "", { ...admin, channel: "C2" }, deps)).sections[0]?.lines).toHaveLength(1);
    expect((await runCommand("subscriptions", "", otherTeam, deps)).sections[0]?.lines).toHaveLength(1);
    expect(text(await runCommand("unsubscribe", "all", admin, deps))).toContain("This channel had no subscriptions");
  });
});

describe("tenancy", () => {
  it("another workspace with the same channel id neither sees nor changes this one's subscriptions", async () => {
    await runCommand("subscribe", "BABA JD", admin, deps);
    const seen = await runCommand("subscriptions", "", otherTeam, deps);
    expect(seen.title).toBe("This channel has no subscriptions");
    const r = await runCommand("unsubscribe", "BABA", otherTeam, deps);
    expect(r.ok).toBe(false);
    expect(await runCommand("unsubscribe", "all", otherTeam, deps)).toMatchObject({ title: "This channel had no subscriptions" });
    expect((await runCommand("subscriptions", "", admin, deps)).title).toBe("This channel has 2 subscriptions");
  });
});

describe("/catalysts", () => {
  const entry = (over: Partial<TimelineEntry>): TimelineEntry => ({
    ticker: "BABA",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "Alibaba boosted its buyback plan to $25 billion",
    articleId: randomUUID(),
    storyId: "s1",
    title: "Alibaba boosts buyback",
    url: "https://news.example/a?x=1&y=2",
    source: "Reuters",
    at: "2026-11-21T08:30:00.000Z",
    ...over,
  });

  it("groups the ticker's catalysts by kind, newest kind first, with date, source, link and evidence", async () => {
    await timeline.add(entry({}));
    await timeline.add(entry({ catalyst: "earnings", title: "Alibaba results beat", evidence: "quarterly revenue rose 5%", at: "2026-11-22T07:00:00.000Z", source: "Bloomberg" }));
    await timeline.add(entry({ title: "Older buyback news", at: "2026-11-18T10:00:00.000Z", url: undefined }));
    await timeline.add(entry({ title: "Too old for 7 days", at: "2026-11-10T10:00:00.000Z" }));
    const r = await runCommand("catalysts", "9988.hk", member, deps);
    expect(r.ok).toBe(true);
    expect(r.title).toBe("BABA Alibaba Group Holding Ltd.: catalysts in the last 7 days");
    expect(r.sections.map((s) => s.heading)).toEqual(["Earnings (1)", "Buyback (2)"]);
    expect(r.sections[0]?.lines).toEqual([
      "2026-11-22 07:00 UTC · Bloomberg · [Alibaba results beat](https://news.example/a?x=1&y=2)\n> quarterly revenue rose 5%",
    ]);
    expect(r.sections[1]?.lines[1]).toBe("2026-11-18 10:00 UTC · Reuters · Older buyback news\n> Alibaba boosted its buyback plan to $25 billion");
    const month = await runCommand("catalysts", "alibaba 30", member, deps);
    expect(month.sections.find((s) => s.heading?.startsWith("Buyback"))?.heading).toBe("Buyback (3)");
  });

  it("says when there is nothing and how far back it looked", async () => {
    const r = await runCommand("catalysts", "JD", member, deps);
    expect(text(r)).toContain("No catalysts for JD since 2026-11-15 12:00 UTC (looked back 7 days).");
    expect(text(r)).toContain("`/catalysts JD 28`");
  });

  it("keeps article text from forging reply links", async () => {
    await timeline.add(entry({ title: "[click](https://evil.example) **now**" }));
    const r = await runCommand("catalysts", "BABA", member, deps);
    expect(r.sections[0]?.lines[0]).toContain("[(click)(https://evil.example) *now*](https://news.example/a?x=1&y=2)");
  });

  it.each([
    ["", "Which ticker?"],
    ["BABA 0", "give a number of days from 1 to 365"],
    ["BABA JD", "One ticker at a time"],
    ["BAB", "Did you mean BABA (Alibaba Group Holding Ltd.)?"],
  ])("explains how to fix %j", async (args, expected) => {
    const r = await runCommand("catalysts", args, member, deps);
    expect(r.ok).toBe(false);
    expect(text(r)).toContain(expected);
  });
});

describe("/help and autocomplete", () => {
  it("lists every command and the catalyst words", async () => {
    const r = await runCommand("help", "", member, deps);
    for (const word of ["/subscribe", "/unsubscribe", "/subscriptions", "/catalysts", "`m_and_a` M&A (also:", "m&a"]) {
      expect(text(r)).toContain(word);
    }
  });

  it("shows each platform's syntax: free text on Slack, named options on Discord", async () => {
    const slack = text(await runCommand("help", "", member, deps));
    const discord = text(await runCommand("help", "", { ...member, platform: "discord" }, deps));
    expect(slack).toContain("`/subscribe BABA buyback,earnings min=0.7`");
    expect(slack).not.toContain("tickers:");
    expect(discord).toContain("`/subscribe tickers:BABA catalysts:buyback,earnings min_confidence:0.7`");
    expect(discord).toContain("`/catalysts ticker:9988.HK days:30`");
    expect(discord).not.toContain("min=0.7");
  });

  it("suggests tickers by symbol prefix, then by name", () => {
    expect(suggestTickers("JD", universe).map((s) => s.symbol)).toEqual(["JD"]);
    expect(suggestTickers("tenc", universe).map((s) => s.symbol).sort()).toEqual(["0700.HK", "TME"]);
    expect(suggestTickers("99", universe).map((s) => s.symbol)).toEqual(["BABA"]);
    expect(suggestTickers("", universe, 3)).toHaveLength(3);
  });
});

describe("the Slack app manifest and the command reference", () => {
  it("register and document exactly the commands the bot answers", async () => {
    const { readFile } = await import("node:fs/promises");
    const { COMMAND_NAMES } = await import("../../src/commands/index.ts");
    const manifest = await readFile(new URL("../../config/slack-app-manifest.yaml", import.meta.url), "utf8");
    const registered = [...manifest.matchAll(/^\s*- command: \/([a-z-]+)$/gm)].map((m) => m[1]);
    expect(registered.sort()).toEqual([...COMMAND_NAMES].sort());
    expect(manifest).toMatch(/socket_mode_enabled: true/);
    const reference = await readFile(new URL("../../docs/commands.md", import.meta.url), "utf8");
    for (const name of COMMAND_NAMES) expect(reference).toContain(`## /${name}`);
  });
});
