// Delivery failures on the real Redis through the real Slack/Discord clients and fake APIs: gone channels and
// revoked tokens disable their destinations (no more requests), transient failures retry then dead-letter.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { createDiscordNotifier } from "../../src/adapters/discord/notifier.ts";
import { createRedisDeadLetterStore, deadLetterId } from "../../src/adapters/redis/destinations.ts";
import { loadConfig } from "../../src/config.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import { PermanentDeliveryError } from "../../src/core/delivery-errors.ts";
import type { Notifier } from "../../src/core/notifier.ts";
import type { Destination } from "../../src/core/store.ts";
import { startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.ts";
import { createRecordingNotifier } from "../helpers/recording-notifier.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";
import { deliveriesSettled } from "../helpers/deliveries-settled.ts";

const scope = useRedisScope("t-dlvfail");
const redisUrl = scope.url;

interface Run {
  app: App;
  logs: string[];
}
const runs: Run[] = [];
let slack: FakeSlackApi | undefined;
let discord: FakeDiscordApi | undefined;

async function start(env: Record<string, string> = {}, notifiers: Notifier[] = []): Promise<Run> {
  const prefix = scope.newPrefix();
  const logs: string[] = [];
  const log = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) }));
  const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, LOG_LEVEL: "info", CONSOLE_ALERTS: "false", DELIVERY_BACKOFF_MS: "20", ...env });
  const app = await createApp({ config, redisUrl, roles: ["deliverer"], log, notifiers });
  await app.start();
  const run = { app, logs };
  runs.push(run);
  return run;
}

afterEach(async () => {
  for (const { app } of runs.splice(0)) {
    await app.queues.alertDeliver.obliterate({ force: true });
    await app.stop();
  }
  await slack?.close();
  await discord?.close();
  slack = undefined;
  discord = undefined;
});

const dest = (channel: string, tenant = "T1", platform: Destination["platform"] = "slack"): Destination => ({ platform, tenant, channel });

function job(n: number, destination: Destination): AlertDeliverJob {
  return {
    alert: {
      alertId: `al-${n}-${randomUUID().slice(0, 8)}`,
      storyId: `st-${n}-${randomUUID().slice(0, 8)}`,
      ticker: "AAPL",
      companyName: "Apple Inc.",
      catalyst: "buyback",
      confidence: 0.9,
      evidence: "authorized a new $110 billion share repurchase program",
      articleId: `a-${n}`,
      title: `Apple expands buyback #${n}`,
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

const posts = (fake: FakeSlackApi, channel?: string) => fake.calls.filter((c) => c.method === "chat.postMessage" && (channel === undefined || c.body.channel === channel));

describe("permanent failures disable the destination", () => {
  it("channel_not_found disables that channel: its next alert makes no request, another channel still gets its alert", async () => {
    slack = await startFakeSlackApi();
    const { app, logs } = await start({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: slack.url });
    slack.failNext("chat.postMessage", { kind: "error", error: "channel_not_found" });
    const first = job(1, dest("C-gone"));
    await app.queues.addDeliveries([first]);
    await deliveriesSettled(app);
    expect(await app.destinations.disabledFor(dest("C-gone"))).toMatchObject({ key: "slack/T1/C-gone", scope: "channel", code: "channel_not_found", count: 1 });

    const second = job(2, dest("C-gone"));
    const elsewhere = job(3, dest("C-ok"));
    await app.queues.addDeliveries([second, elsewhere]);
    await deliveriesSettled(app);
    expect(posts(slack, "C-gone")).toHaveLength(1);
    expect(posts(slack, "C-ok")).toHaveLength(1);
    expect((await app.deliveries.get(elsewhere.alert.alertId, elsewhere.destination))?.state).toBe("sent");

    // Nothing lost: the refused alert and the skipped one are both kept, with why.
    const letters = await app.deadLetters.list();
    expect(letters.map((l) => [l.alertId, l.kind, l.code]).sort()).toEqual(
      [
        [first.alert.alertId, "permanent", "channel_not_found"],
        [second.alert.alertId, "skipped", "channel_not_found"],
      ].sort(),
    );
    // The operator is told what broke and how to get going again, once.
    const disabledLogs = logs.filter((l) => l.includes("DISABLED slack/T1/C-gone"));
    expect(disabledLogs).toHaveLength(1);
    expect(disabledLogs[0]).toContain("catalyst-bot deliveries enable slack/T1/C-gone");
    expect(JSON.parse(disabledLogs[0] ?? "{}")).toMatchObject({ level: 50 });
  });

  it("invalid_auth disables the whole workspace: 1 request for 100 alerts, and a burst stays within the worker concurrency", async () => {
    slack = await startFakeSlackApi();
    const { app } = await start({ SLACK_BOT_TOKEN: "xoxb-revoked-token", SLACK_API_URL: slack.url, DELIVER_CONCURRENCY: "5" });
    await app.queues.addDeliveries([job(0, dest("C0"))]);
    await deliveriesSettled(app);
    expect(posts(slack)).toHaveLength(1);
    await app.queues.addDeliveries(Array.from({ length: 99 }, (_, i) => job(i + 1, dest(`C${(i + 1) % 20}`))));
    await deliveriesSettled(app);
    expect(posts(slack)).toHaveLength(1);
    expect(await app.destinations.listDisabled()).toMatchObject([{ key: "slack/T1/*", scope: "tenant", code: "invalid_auth" }]);
    const letters = await app.deadLetters.list();
    expect(letters).toHaveLength(100);
    expect(letters.filter((l) => l.kind === "skipped")).toHaveLength(99);

    // 100 alerts at once to another workspace: only those already in flight when the first answer came back were sent.
    await app.queues.addDeliveries(Array.from({ length: 100 }, (_, i) => job(200 + i, dest(`D${i % 20}`, "T2"))));
    await deliveriesSettled(app);
    const toT2 = posts(slack).length - 1;
    expect(toT2).toBeGreaterThanOrEqual(1);
    expect(toT2).toBeLessThanOrEqual(5);
    expect((await app.destinations.listDisabled()).map((d) => d.key).sort()).toEqual(["slack/T1/*", "slack/T2/*"]);
  });

  it("a Discord 401 disables every Discord destination (the one bot token)", async () => {
    discord = await startFakeDiscord();
    discord.respond("POST", /\/messages$/, { status: 401, body: { message: "401: Unauthorized", code: 0 } }, 100);
    const notifier = createDiscordNotifier({ token: "revoked", apiUrl: discord.apiUrl });
    const { app } = await start({}, [notifier]);
    await app.queues.addDeliveries([job(1, dest("111", "G1", "discord"))]);
    await deliveriesSettled(app);
    await app.queues.addDeliveries(Array.from({ length: 20 }, (_, i) => job(10 + i, dest(`2${i}`, `G${i % 3}`, "discord"))));
    await deliveriesSettled(app);
    expect(discord.requestsTo("POST", /\/messages$/)).toHaveLength(1);
    expect(await app.destinations.listDisabled()).toMatchObject([{ key: "discord/*/*", scope: "platform", code: "401" }]);
  });

  it("a deleted webhook disables that webhook only; a malformed-message refusal disables nothing", async () => {
    const hooks = createRecordingNotifier("webhook");
    const { app } = await start({}, [hooks]);
    hooks.failNext(new PermanentDeliveryError('posting to webhook "team-a": HTTP 404 no_service', "no_service"));
    await app.queues.addDeliveries([job(1, dest("team-a", "webhook", "webhook"))]);
    await deliveriesSettled(app);
    hooks.failNext(new PermanentDeliveryError('posting to webhook "team-b": HTTP 400 invalid_payload', "invalid_payload"));
    await app.queues.addDeliveries([job(2, dest("team-b", "webhook", "webhook"))]);
    await deliveriesSettled(app);
    await app.queues.addDeliveries([job(3, dest("team-a", "webhook", "webhook")), job(4, dest("team-b", "webhook", "webhook"))]);
    await deliveriesSettled(app);
    expect(hooks.attempts).toBe(3);
    expect(hooks.sent.map((s) => s.destination.channel)).toEqual(["team-b"]);
    expect((await app.destinations.listDisabled()).map((d) => d.key)).toEqual(["webhook/webhook/team-a"]);
  });
});

describe("transient failures", () => {
  it("a 500 is retried and the alert is posted exactly once", async () => {
    slack = await startFakeSlackApi();
    const { app } = await start({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: slack.url });
    slack.failNext("chat.postMessage", { kind: "http", status: 500 });
    const j = job(1, dest("C1"));
    await app.queues.addDeliveries([j]);
    await deliveriesSettled(app);
    expect(posts(slack, "C1")).toHaveLength(2);
    expect((await app.deliveries.get(j.alert.alertId, j.destination))?.state).toBe("sent");
    expect(await app.deadLetters.list()).toEqual([]);
    expect(await app.deadLetters.failures(deadLetterId(j.alert.alertId, j.destination))).toEqual([]);
  });

  it("after DELIVERY_MAX_ATTEMPTS failures the alert lands in the dead letters with each error", async () => {
    slack = await startFakeSlackApi();
    const { app, logs } = await start({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: slack.url, DELIVERY_MAX_ATTEMPTS: "3" });
    slack.failNext("chat.postMessage", { kind: "http", status: 503 }, 3);
    const j = job(1, dest("C1"));
    await app.queues.addDeliveries([j]);
    await deliveriesSettled(app);
    expect(posts(slack, "C1")).toHaveLength(3);
    const [letter] = await app.deadLetters.list();
    expect(letter).toMatchObject({ kind: "failed", alertId: j.alert.alertId, destination: j.destination, code: "503", attempts: 3, job: j });
    expect(letter?.error).toContain("HTTP 503");
    expect((await app.deadLetters.failures(letter?.id ?? "")).map((f) => [f.attempt, f.code])).toEqual([
      [1, "503"],
      [2, "503"],
      [3, "503"],
    ]);
    expect(logs.some((l) => l.includes(`catalyst-bot deliveries retry ${letter?.id}`))).toBe(true);
    // Only transient: the channel is not disabled.
    expect(await app.destinations.listDisabled()).toEqual([]);
  });

  it("waiting out rate limits uses up no attempt", async () => {
    slack = await startFakeSlackApi();
    const { app } = await start({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: slack.url, DELIVERY_MAX_ATTEMPTS: "1" });
    slack.failNext("chat.postMessage", { kind: "ratelimited", retryAfterSeconds: 0 }, 3);
    const j = job(1, dest("C1"));
    await app.queues.addDeliveries([j]);
    await deliveriesSettled(app);
    expect(posts(slack, "C1")).toHaveLength(4);
    expect((await app.deliveries.get(j.alert.alertId, j.destination))?.state).toBe("sent");
    expect(await app.deadLetters.list()).toEqual([]);
  });
});

describe("dead letters", () => {
  it("a destination that stays disabled keeps its newest skipped alerts only, and never pushes out other destinations' dead letters", async () => {
    const store = createRedisDeadLetterStore({ redis: scope.redis, prefix: scope.prefix, maxDeadLetters: 8, maxSkippedPerDestination: 3 });
    const gaveUp = job(0, dest("C-flaky"));
    await store.record(gaveUp, { kind: "failed", error: "HTTP 503", code: "503", attempts: 8 });
    const skipped = Array.from({ length: 10 }, (_, i) => job(i + 1, dest("C-gone")));
    for (const j of skipped) await store.record(j, { kind: "skipped", error: "disabled", attempts: 0 });
    const left = await store.list();
    expect(left.map((l) => l.alertId)).toEqual([...skipped.slice(-3).reverse(), gaveUp].map((j) => j.alert.alertId));
    // Once retried (removed), a skipped alert no longer counts against its destination's share.
    expect(await store.remove(deadLetterId(skipped[9]?.alert.alertId ?? "", dest("C-gone")))).toBe(true);
    await store.record(job(20, dest("C-gone")), { kind: "skipped", error: "disabled", attempts: 0 });
    expect((await store.list()).filter((l) => l.destination.channel === "C-gone")).toHaveLength(3);
  });
});
