// The pipeline's deliver stage posting through the Slack notifier to the fake Slack Web API: a story's
// second source lands in the first alert's thread, a gone channel fails for good, a 429 waits.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisDeliveryStore } from "../../src/adapters/redis/deliveries.ts";
import { createSlackNotifier } from "../../src/adapters/slack/notifier.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import type { Alert } from "../../src/core/types.ts";
import { deliverAlert, type DeliverDeps } from "../../src/pipeline/deliver.ts";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.ts";

let fake: FakeSlackApi;
let redis: Redis;
let prefix: string;
let deps: DeliverDeps;

beforeAll(async () => {
  fake = await startFakeSlackApi();
  redis = createRedisConnection(inject("redisUrl"), { name: "test-slack-deliver" });
});
afterAll(async () => {
  await closeRedis(redis);
  await fake.close();
});
beforeEach(() => {
  prefix = `test-slack-deliver-${randomUUID()}`;
  deps = {
    notifiers: new Map([["slack", createSlackNotifier({ token: "xoxb-test-token", apiUrl: fake.url })]]),
    deliveries: createRedisDeliveryStore({ redis, prefix, retentionDays: 7 }),
    log: pino({ level: "silent" }),
  };
});
afterEach(async () => {
  fake.calls.length = 0;
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
});

const destination = { platform: "slack" as const, tenant: "T_ONE", channel: "C_ALERTS" };
function job(over: Partial<Alert> = {}): AlertDeliverJob {
  const alert: Alert = {
    alertId: `alert-${randomUUID()}`,
    storyId: "story-1",
    ticker: "BABA",
    companyName: "Alibaba Group Holding Ltd.",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "Alibaba boosted its buyback plan to $25 billion",
    articleId: "a1",
    title: "Alibaba boosts buyback",
    url: "https://news.example/1",
    source: "Reuters",
    published: "2026-11-21T08:30:00.000Z",
    followUp: false,
    ...over,
  };
  return { alert, destination, polledAt: Date.now(), deferrals: 0 };
}

describe("deliver stage through Slack", () => {
  it("keeps retrying the delivery record after Slack accepted the post (a Redis blip), so a retry never posts again", async () => {
    const real = deps.deliveries;
    let failures = 2;
    deps.deliveries = {
      ...real,
      recordSent: (...args) => (failures-- > 0 ? Promise.reject(new Error("Reached the max retries per request limit")) : real.recordSent(...args)),
    };
    const one = job();
    expect(await deliverAlert(one, deps)).toMatchObject({ status: "sent" });
    expect(failures).toBeLessThan(0);
    // The job's retry (or a duplicate job) finds the record and posts nothing.
    expect(await deliverAlert(one, { ...deps, deliveries: real })).toMatchObject({ status: "already_done", state: "sent" });
    expect(fake.calls.filter((c) => c.method === "chat.postMessage")).toHaveLength(1);
  });

  it("posts a story's first source as an alert and its second source as a reply in that thread", async () => {
    const first = await deliverAlert(job(), deps);
    expect(first).toMatchObject({ status: "sent", threaded: false });
    const second = await deliverAlert(job({ followUp: true, articleId: "a2", source: "Bloomberg", title: "Alibaba lifts buyback" }), deps);
    expect(second).toMatchObject({ status: "sent", threaded: true });
    const posts = await fake.waitFor("chat.postMessage", 2);
    expect(posts[0]?.body.thread_ts).toBeUndefined();
    if (first.status !== "sent") throw new Error(`the first alert was not sent: ${first.status}`);
    expect(posts[1]?.body.thread_ts).toBe(first.message.messageId);
    expect(JSON.stringify(posts[1]?.body.blocks)).toContain("*Bloomberg*: <https://news.example/1|Alibaba lifts buyback>");
  });

  it("records a gone channel as a permanent failure and does not post again", async () => {
    fake.failNext("chat.postMessage", { kind: "error", error: "channel_not_found" });
    const j = job();
    expect(await deliverAlert(j, deps)).toMatchObject({ status: "permanent_failure", code: "channel_not_found" });
    expect(await deliverAlert(j, deps)).toEqual({ status: "already_done", state: "failed" });
    expect(fake.calls.filter((c) => c.method === "chat.postMessage")).toHaveLength(1);
  });

  it("waits the Retry-After Slack gave, then posts", async () => {
    fake.failNext("chat.postMessage", { kind: "ratelimited", retryAfterSeconds: 7 });
    const j = job();
    expect(await deliverAlert(j, deps)).toMatchObject({ status: "defer", delayMs: 7_000 });
    expect(await deliverAlert({ ...j, deferrals: 1 }, deps)).toMatchObject({ status: "sent" });
  });
});
