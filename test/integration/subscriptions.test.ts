// The Redis subscription store on the real Redis: tenancy, merging rules, the ticker indexes and atomic updates.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import type { CatalystSlug } from "../../src/core/catalysts.ts";
import type { Destination, Subscription } from "../../src/core/store.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";

const scope = useRedisScope("test-subs");
let store: RedisSubscriptionStore;

beforeEach(() => {
  store = createRedisSubscriptionStore(scope.redis, scope.prefix);
});
afterEach(async () => {
  await store.close();
});

const teamA: Destination = { platform: "slack", tenant: "T_A", channel: "C1" };
const teamA2: Destination = { platform: "slack", tenant: "T_A", channel: "C2" };
const teamB: Destination = { platform: "slack", tenant: "T_B", channel: "C1" };
const guild: Destination = { platform: "discord", tenant: "T_A", channel: "C1" };

function sub(destination: Destination, ticker: string | undefined, catalysts: CatalystSlug[] = [], minConfidence = 0): Subscription {
  return { destination, ...(ticker ? { ticker } : {}), catalysts, minConfidence, createdAt: "2026-11-22T00:00:00.000Z" };
}

const summary = (subs: Subscription[]) =>
  subs.map((s) => `${s.destination.platform}/${s.destination.tenant}/${s.destination.channel}:${s.ticker ?? "*"}:${s.catalysts.join(",")}`).sort();

describe("redis subscription store", () => {
  it("adds, reports an identical re-add as not added, and lists one channel or a whole tenant", async () => {
    expect(await store.add(sub(teamA, "BABA", ["buyback"]))).toEqual({ added: true });
    expect(await store.add(sub(teamA, "BABA", ["buyback"]))).toEqual({ added: false });
    expect(await store.add(sub(teamA, "BABA", ["buyback"], 0.7))).toEqual({ added: true });
    await store.add(sub(teamA2, "JD"));
    expect(summary(await store.list({ platform: "slack", tenant: "T_A", channel: "C1" }))).toEqual(["slack/T_A/C1:BABA:buyback"]);
    expect(summary(await store.list({ platform: "slack", tenant: "T_A" }))).toEqual(["slack/T_A/C1:BABA:buyback", "slack/T_A/C2:JD:"]);
    const [only] = await store.list({ platform: "slack", tenant: "T_A", channel: "C1" });
    expect(only?.minConfidence).toBe(0.7);
  });

  it("keeps tenants and platforms apart: the same channel id in another workspace is another channel", async () => {
    await store.add(sub(teamA, "BABA"));
    await store.add(sub(teamB, "JD"));
    await store.add(sub(guild, "META"));
    expect(summary(await store.list({ platform: "slack", tenant: "T_B" }))).toEqual(["slack/T_B/C1:JD:"]);
    expect(summary(await store.list({ platform: "discord", tenant: "T_A" }))).toEqual(["discord/T_A/C1:META:"]);
    // Removing everything of team B's C1 leaves team A's C1 (same channel id) alone.
    expect(await store.remove(teamB, {})).toBe(1);
    expect(await store.remove(teamB, { ticker: "BABA" })).toBe(0);
    expect(summary(await store.list({ platform: "slack", tenant: "T_A" }))).toEqual(["slack/T_A/C1:BABA:"]);
    expect(summary(await store.forTicker("BABA"))).toEqual(["slack/T_A/C1:BABA:"]);
  });

  it("forTicker returns the ticker's subscribers plus every catalyst-only subscription, and only those", async () => {
    await store.add(sub(teamA, "BABA", ["earnings"]));
    await store.add(sub(teamB, "baba"));
    await store.add(sub(teamA2, "JD"));
    await store.add(sub(guild, undefined, ["buyback", "macro_policy"]));
    expect(summary(await store.forTicker("BABA"))).toEqual([
      "discord/T_A/C1:*:buyback,macro_policy",
      "slack/T_A/C1:BABA:earnings",
      "slack/T_B/C1:BABA:",
    ]);
    expect(summary(await store.forTicker("TSLA"))).toEqual(["discord/T_A/C1:*:buyback,macro_policy"]);
    expect(summary(await store.forTicker(undefined))).toEqual(["discord/T_A/C1:*:buyback,macro_policy"]);
  });

  it("removes catalysts from a subscription, and the subscription itself when none are left", async () => {
    await store.add(sub(teamA, "BABA", ["buyback", "earnings"]));
    await store.add(sub(teamA, undefined, ["dividend", "buyback"]));
    expect(await store.remove(teamA, { ticker: "BABA", catalysts: ["buyback"] })).toBe(1);
    expect(await store.remove(teamA, { ticker: "BABA", catalysts: ["legal"] })).toBe(0);
    expect(await store.remove(teamA, { catalysts: ["buyback"] })).toBe(1);
    expect(summary(await store.list({ platform: "slack", tenant: "T_A" }))).toEqual(["slack/T_A/C1:*:dividend", "slack/T_A/C1:BABA:earnings"]);
    expect(await store.remove(teamA, { ticker: "BABA", catalysts: ["earnings"] })).toBe(1);
    expect(summary(await store.forTicker("BABA"))).toEqual(["slack/T_A/C1:*:dividend"]);
    expect(await store.remove(teamA, { catalysts: ["dividend"] })).toBe(1);
    expect(await store.forTicker("BABA")).toEqual([]);
    // Nothing is left behind in the index sets.
    expect(await scope.redis.keys(`${scope.prefix}:*`)).toEqual([]);
  });

  it("leaves an every-catalyst subscription alone when asked to drop single catalysts (the caller spells out the rest)", async () => {
    await store.add(sub(teamA, "BABA"));
    expect(await store.remove(teamA, { ticker: "BABA", catalysts: ["buyback"] })).toBe(0);
    expect(await store.remove(teamA, { ticker: "BABA" })).toBe(1);
    expect(await store.list({ platform: "slack", tenant: "T_A" })).toEqual([]);
  });

  it("stays consistent under concurrent adds and removes of the same tenant", async () => {
    const tickers = Array.from({ length: 30 }, (_, i) => `T${i}`);
    await Promise.all(tickers.map((t) => store.add(sub(teamA, t, ["buyback", "earnings"]))));
    // Concurrent partial removals race on the same hash: WATCH makes each one re-read and apply in full.
    const removals = await Promise.all([
      ...tickers.map((t) => store.remove(teamA, { ticker: t, catalysts: ["buyback"] })),
      ...tickers.map((t) => store.add(sub(teamA2, t))),
    ]);
    expect(removals.slice(0, tickers.length).every((n) => n === 1)).toBe(true);
    const subs = await store.list({ platform: "slack", tenant: "T_A", channel: "C1" });
    expect(subs).toHaveLength(30);
    expect(subs.every((s) => s.catalysts.join() === "earnings")).toBe(true);
    expect(summary(await store.forTicker("T7"))).toEqual(["slack/T_A/C1:T7:earnings", "slack/T_A/C2:T7:"]);
  });
});
