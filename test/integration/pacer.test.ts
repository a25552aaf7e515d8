// The Redis pacer on the real Redis: slots in Redis time, shared by several connections ("processes"), and 429 pauses per key.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it, inject, vi } from "vitest";
import { createPacer, PaceRuleError, type Pacer, type Reservation } from "../../src/adapters/redis/pacer.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import { RateLimitedError } from "../../src/core/delivery-errors.ts";
import { PACE_RULES, paceLimitsFor, type PaceLimit, type PaceRule } from "../../src/core/pacing.ts";
import type { Destination } from "../../src/core/store.ts";
import { createDeliveryPacing } from "../../src/pipeline/pace-job.ts";
import { startFakeSlackApi } from "../fakes/fake-slack-api.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";

const scope = useRedisScope("test-pacer");
let redis: Redis;
let prefix: string;
let pacer: Pacer;

/** Another connection, as another process would have. */
const connect = (name: string): Redis => scope.connect(name);

async function redisNow(): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** True when no `rule.windowMs` interval holds more than `rule.limit` of these send times. */
function fitsRule(times: readonly number[], rule: PaceRule): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = rule.limit; i < sorted.length; i++) {
    if (sorted[i]! - sorted[i - rule.limit]! < rule.windowMs) return false;
  }
  return true;
}

const slack = (channel: string): Destination => ({ platform: "slack", tenant: "T1", channel });
const discord = (channel: string): Destination => ({ platform: "discord", tenant: "G1", channel });

beforeEach(() => {
  redis = scope.redis;
  prefix = scope.prefix;
  pacer = createPacer({ redis, prefix });
});

describe("a Slack channel", () => {
  it("spreads 20 queued alerts at least 1 s apart in Redis time, in the order they asked", async () => {
    const limits = paceLimitsFor(slack("C1"));
    const before = await redisNow();
    const got: Reservation[] = [];
    for (let i = 0; i < 20; i++) got.push(await pacer.reserve(limits, { holder: `alert-${i}` }));

    expect(got[0]).toMatchObject({ ok: true, waitMs: 0 });
    expect(got[0]!.at).toBeGreaterThanOrEqual(before);
    for (let i = 1; i < 20; i++) {
      expect(got[i]!.ok).toBe(false);
      expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
      // Each later alert is told to wait longer: the waits follow the booked schedule.
      expect(got[i]!.waitMs).toBeGreaterThan(got[i - 1]!.waitMs);
    }
    expect(got[19]!.at - got[0]!.at).toBeGreaterThanOrEqual(19_000);
  });

  it("does not slow down a second channel", async () => {
    for (let i = 0; i < 20; i++) await pacer.reserve(paceLimitsFor(slack("C1")), { holder: `a-${i}` });
    const other = await pacer.reserve(paceLimitsFor(slack("C2")), { holder: "b-0" });
    expect(other).toMatchObject({ ok: true, waitMs: 0 });
  });

  it("keeps one booking per delivery: asking again early returns the same slot and takes no other", async () => {
    const limits = paceLimitsFor(slack("C1"));
    await pacer.reserve(limits, { holder: "first" });
    const booked = await pacer.reserve(limits, { holder: "second" });
    const again = await pacer.reserve(limits, { holder: "second" });
    expect(again.ok).toBe(false);
    expect(again.at).toBe(booked.at);
    expect(again.waitMs).toBeLessThanOrEqual(booked.waitMs);
    const third = await pacer.reserve(limits, { holder: "third" });
    expect(third.at - booked.at).toBe(1_000);
  });

  it("lets a delivery through when it comes back at its booked slot", async () => {
    const limits: PaceLimit[] = [{ key: "short", rule: { limit: 1, windowMs: 300 } }];
    await pacer.reserve(limits, { holder: "x" });
    const booked = await pacer.reserve(limits, { holder: "y" });
    expect(booked.ok).toBe(false);
    // Asking early is harmless (same slot); once Redis time reaches the slot it goes through.
    await vi.waitFor(
      async () => {
        const r = await pacer.reserve(limits, { holder: "y" });
        expect(r).toMatchObject({ ok: true, at: booked.at });
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(await redisNow()).toBeGreaterThanOrEqual(booked.at);
  });

  it("without a holder books nothing when it must wait, so a caller that gives up wastes no slot", async () => {
    const limits = paceLimitsFor(slack("C1"));
    expect((await pacer.reserve(limits)).ok).toBe(true);
    const a = await pacer.reserve(limits);
    const b = await pacer.reserve(limits);
    expect(a.ok).toBe(false);
    expect(b.at).toBe(a.at);
  });
});

describe("a 429 pause", () => {
  it("holds back only the paused channel, for the Retry-After given", async () => {
    const until = await pacer.pause(["slack:T1:C1"], 30_000);
    expect(until).toBeGreaterThanOrEqual((await redisNow()) + 29_000);

    const paused = await pacer.reserve(paceLimitsFor(slack("C1")), { holder: "p" });
    expect(paused.ok).toBe(false);
    expect(paused.at).toBeGreaterThanOrEqual(until);
    expect(paused.waitMs).toBeGreaterThan(29_000);

    expect(await pacer.reserve(paceLimitsFor(slack("C2")), { holder: "q" })).toMatchObject({ ok: true });
  });

  it("moves a slot booked before the pause to after it", async () => {
    const limits = paceLimitsFor(slack("C1"));
    await pacer.reserve(limits, { holder: "first" });
    const booked = await pacer.reserve(limits, { holder: "second" });
    const until = await pacer.pause(["slack:T1:C1"], 10_000);
    expect(booked.at).toBeLessThan(until);
    const back = await pacer.reserve(limits, { holder: "second" });
    expect(back.ok).toBe(false);
    expect(back.at).toBeGreaterThanOrEqual(until);
  });

  it("is never shortened by a shorter Retry-After", async () => {
    const long = await pacer.pause(["k"], 20_000);
    const short = await pacer.pause(["k"], 1_000);
    expect(short).toBe(long);
    expect(await pacer.pausedUntil("k")).toBe(long);
  });

  it("on Discord's global bucket stops every Discord channel but no Slack channel", async () => {
    const until = await pacer.pause(["discord:global"], 5_000);
    const d = await pacer.reserve(paceLimitsFor(discord("222")), { holder: "d" });
    expect(d.ok).toBe(false);
    expect(d.at).toBeGreaterThanOrEqual(until);
    expect((await pacer.reserve(paceLimitsFor(slack("C1")), { holder: "s" })).ok).toBe(true);
  });
});

describe("several processes", () => {
  it("share Discord's global bucket: two pacers on separate connections never exceed it together", async () => {
    const one = createPacer({ redis: connect("test-pacer-one"), prefix });
    const two = createPacer({ redis: connect("test-pacer-two"), prefix });
    const global = PACE_RULES.discordGlobal;

    // Process one fills the global bucket, each alert to its own channel so only the global limit binds.
    const first: Reservation[] = [];
    for (let i = 0; i < global.limit; i++) first.push(await one.reserve(paceLimitsFor(discord(`one-${i}`)), { holder: `one-${i}` }));
    const firstAt = Math.min(...first.map((r) => r.at));

    // Process two, on other channels, must wait for the window that process one used.
    const second: Reservation[] = [];
    for (let i = 0; i < 20; i++) second.push(await two.reserve(paceLimitsFor(discord(`two-${i}`)), { holder: `two-${i}` }));
    expect(second[0]!.ok).toBe(false);
    expect(second[0]!.at).toBeGreaterThanOrEqual(firstAt + global.windowMs);
    expect(fitsRule([...first, ...second].map((r) => r.at), global)).toBe(true);
  });

  it("reserving at the same time from four connections never admits more than the rule", async () => {
    const rule: PaceRule = { limit: 5, windowMs: 60_000 };
    const limits: PaceLimit[] = [{ key: "contended", rule }];
    const pacers = [0, 1, 2, 3].map((i) => createPacer({ redis: connect(`test-pacer-c${i}`), prefix }));
    const results = await Promise.all(pacers.flatMap((p) => Array.from({ length: 20 }, () => p.reserve(limits))));
    // All 80 calls fall well inside one 60 s window: exactly the limit got through.
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it("book concurrent deliveries into a schedule that fits the rule, each exactly once", async () => {
    const rule: PaceRule = { limit: 5, windowMs: 5_000 };
    const limits: PaceLimit[] = [{ key: "bucket", rule }];
    const pacers = [0, 1, 2, 3].map((i) => createPacer({ redis: connect(`test-pacer-b${i}`), prefix }));
    const results = await Promise.all(pacers.flatMap((p, i) => Array.from({ length: 10 }, (_, j) => p.reserve(limits, { holder: `h-${i}-${j}` }))));
    const times = results.map((r) => r.at);
    expect(fitsRule(times, rule)).toBe(true);
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(rule.limit);
    // 40 deliveries in bursts of 5: the last one is 7 windows after the first, not later.
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted[39]! - sorted[0]!).toBeGreaterThanOrEqual(7 * rule.windowMs);
    expect(await redis.zcard(`${prefix}:pace:bucket`)).toBe(40);
  });
});

describe("rules", () => {
  it("refuses a rule that could never admit anything, naming the key", async () => {
    await expect(pacer.reserve([{ key: "bad", rule: { limit: 0, windowMs: 1_000 } }])).rejects.toThrow(PaceRuleError);
    await expect(pacer.reserve([{ key: "bad", rule: { limit: 1, windowMs: 1_000 } }, { key: "bad", rule: { limit: 2, windowMs: 1_000 } }])).rejects.toThrow(/appears twice/);
  });
});

describe("the deliver stage's pacing", () => {
  const SECRET_URL = "https://discord.com/api/webhooks/987/very-secret-token";

  it("defers the second alert to a Slack channel until its slot, and lets it through when it returns", async () => {
    const pacing = createDeliveryPacing({ pacer });
    expect(await pacing.beforeSend("a1", slack("C1"))).toBeUndefined();
    const defer = await pacing.beforeSend("a2", slack("C1"));
    expect(defer).toMatchObject({ status: "defer" });
    expect(defer!.delayMs).toBeGreaterThan(0);
    expect(defer!.delayMs).toBeLessThanOrEqual(1_000);
    await vi.waitFor(async () => expect(await pacing.beforeSend("a2", slack("C1"))).toBeUndefined(), { timeout: 5_000, interval: 100 });
  });

  it("pauses the channel that got a 429 for its Retry-After, and only that channel", async () => {
    const pacing = createDeliveryPacing({ pacer });
    await pacing.rateLimited(slack("C1"), new RateLimitedError("slow down", 20_000, "ratelimited"));
    const defer = await pacing.beforeSend("a1", slack("C1"));
    expect(defer?.delayMs).toBeGreaterThan(19_000);
    expect(await pacing.beforeSend("a1", slack("C2"))).toBeUndefined();
    expect(await pacing.beforeSend("a1", discord("333"))).toBeUndefined();
  });

  it("on a global Discord 429 holds back every Discord channel", async () => {
    const pacing = createDeliveryPacing({ pacer });
    await pacing.rateLimited(discord("111"), new RateLimitedError("global", 3_000, "global"));
    expect((await pacing.beforeSend("a1", discord("444")))?.delayMs).toBeGreaterThan(2_000);
    expect(await pacing.beforeSend("a1", slack("C1"))).toBeUndefined();
  });

  it("paces two webhook names with one URL together, and keeps the URL out of Redis", async () => {
    const pacing = createDeliveryPacing({
      pacer,
      webhooks: [
        { name: "desk", kind: "discord", url: SECRET_URL },
        { name: "desk-copy", kind: "discord", url: SECRET_URL },
      ],
    });
    const hook = (name: string): Destination => ({ platform: "webhook", tenant: "webhook", channel: name });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await pacing.beforeSend(`a${i}`, hook(i % 2 ? "desk" : "desk-copy")));
    // 5 per 2 s per webhook URL: the sixth waits, whichever name it came through.
    expect(results.slice(0, 5).every((r) => r === undefined)).toBe(true);
    expect(results[5]?.delayMs).toBeGreaterThan(0);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(" ")).not.toMatch(/secret|987|discord\.com/);
  });

  it("paces only the platforms it is given, so an in-process test notifier is not held to Slack's pace", async () => {
    const pacing = createDeliveryPacing({ pacer, platforms: ["discord"] });
    for (let i = 0; i < 3; i++) expect(await pacing.beforeSend(`s${i}`, slack("C1"))).toBeUndefined();
    await pacing.rateLimited(slack("C1"), new RateLimitedError("slow", 5_000));
    expect(await pacing.beforeSend("s9", slack("C1"))).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(await pacing.beforeSend(`d${i}`, discord("555"))).toBeUndefined();
    expect(await pacing.beforeSend("d5", discord("555"))).toMatchObject({ status: "defer" });
  });
});

describe("the running deliverer", () => {
  function deliverJob(n: number, destination: Destination): AlertDeliverJob {
    return {
      alert: {
        alertId: `pace-${n}-${randomUUID().slice(0, 8)}`,
        storyId: `story-${n}-${randomUUID().slice(0, 8)}`,
        ticker: "AAPL",
        companyName: "Apple Inc.",
        catalyst: "buyback",
        confidence: 0.9,
        evidence: "authorized a new share repurchase program",
        articleId: `article-${n}`,
        title: `Apple buyback #${n}`,
        url: `https://news.example/${n}`,
        source: "Wire",
        published: "2026-11-21T12:00:00.000Z",
        followUp: false,
      },
      destination,
      polledAt: Date.now(),
      deferrals: 0,
    };
  }

  it("posts a backlog to one Slack channel in booked 1 s slots via delayed jobs, while another channel posts at once", async () => {
    const slackApi = await startFakeSlackApi();
    const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: inject("redisUrl"), LOG_LEVEL: "silent", CONSOLE_ALERTS: "false", SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: slackApi.url });
    const app = await createApp({ config, redisUrl: inject("redisUrl"), roles: ["deliverer"] });
    try {
      await app.start();
      const backlog = [1, 2, 3, 4].map((n) => deliverJob(n, slack("C1")));
      await app.queues.addDeliveries(backlog);
      // Queued after the backlog, to another channel: it must not wait behind it.
      await app.queues.addDeliveries([deliverJob(5, slack("C2"))]);
      const calls = await slackApi.waitFor("chat.postMessage", 5, 20_000);

      const channels = calls.map((c) => c.body.channel);
      expect(channels.filter((c) => c === "C1")).toHaveLength(4);
      expect(channels.indexOf("C2")).toBeLessThan(4);
      // The slots handed out for C1, in Redis time: one per second.
      const slots = (await redis.zrange(`${prefix}:pace:slack:T1:C1`, 0, -1, "WITHSCORES")).filter((_, i) => i % 2 === 1).map(Number);
      expect(slots).toHaveLength(4);
      expect(fitsRule(slots, PACE_RULES.slackChannel)).toBe(true);
      // Waiting went through the delayed set (a deferral each), not a sleeping worker, and cost no attempt.
      for (const j of backlog) {
        expect((await app.deliveries.get(j.alert.alertId, j.destination))?.state).toBe("sent");
      }
      const done = await app.queues.alertDeliver.getJobs(["completed"]);
      const deferred = done.filter((j) => (j.data as AlertDeliverJob).destination.channel === "C1" && (j.data as AlertDeliverJob).deferrals > 0);
      expect(deferred).toHaveLength(3);
      expect(done.every((j) => j.attemptsMade <= 1)).toBe(true);
    } finally {
      await app.queues.alertDeliver.obliterate({ force: true });
      await app.stop();
      await slackApi.close();
    }
  });
});
