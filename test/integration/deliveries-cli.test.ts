// `catalyst-bot deliveries list|explain|retry|enable` against the real Redis, a running deliverer and the fake Slack API.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { run } from "../../src/cli/deliveries.ts";
import { loadConfig } from "../../src/config.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import type { Destination } from "../../src/core/store.ts";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";
import { deliveriesSettled } from "../helpers/deliveries-settled.ts";

const scope = useRedisScope("t-dlvcli");
const redisUrl = scope.url;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let app: App | undefined;
let slack: FakeSlackApi | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  if (app) {
    await app.queues.alertDeliver.obliterate({ force: true });
    await app.stop();
  }
  await slack?.close();
  app = undefined;
  slack = undefined;
});

async function startBot(extra: Record<string, string> = {}): Promise<{ app: App; fake: FakeSlackApi; env: Record<string, string> }> {
  const prefix = scope.prefix;
  const fake = await startFakeSlackApi();
  const env = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: "silent",
    CONSOLE_ALERTS: "false",
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_API_URL: fake.url,
    DELIVERY_BACKOFF_MS: "20",
    ...extra,
  };
  const a = await createApp({ config: loadConfig(env), redisUrl, roles: ["deliverer"] });
  await a.start();
  app = a;
  slack = fake;
  return { app: a, fake, env };
}

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

const dest = (channel: string): Destination => ({ platform: "slack", tenant: "T1", channel });

function job(n: number, destination: Destination): AlertDeliverJob {
  return {
    alert: {
      alertId: `al-${n}-${randomUUID().slice(0, 8)}`,
      storyId: `st-${n}-${randomUUID().slice(0, 8)}`,
      ticker: "AAPL",
      companyName: "Apple Inc.",
      catalyst: "buyback",
      confidence: 0.9,
      evidence: "authorized a new share repurchase program",
      articleId: `a-${n}`,
      title: `Apple expands buyback #${n}`,
      source: "Wire",
      published: "2026-11-21T12:00:00.000Z",
      followUp: false,
    },
    destination,
    polledAt: Date.now(),
    deferrals: 0,
  };
}

/** Successful posts of each alert title to a channel (what the channel's members actually see). */
function postedTitles(fake: FakeSlackApi, channel: string, failedFirst: number): string[] {
  return fake.calls
    .filter((c) => c.method === "chat.postMessage" && c.body.channel === channel)
    .slice(failedFirst)
    .map((c) => /Apple expands buyback #\d+/.exec(String(c.body.text))?.[0] ?? "?");
}

describe("deliveries command", () => {
  it("a dead letter after repeated 503s: list and explain name the destination and the fix; retry posts it once, a second retry does nothing", async () => {
    const { app: a, fake, env } = await startBot({ DELIVERY_MAX_ATTEMPTS: "2" });
    fake.failNext("chat.postMessage", { kind: "http", status: 503 }, 2);
    await a.queues.addDeliveries([job(1, dest("C-news"))]);
    await deliveriesSettled(a);
    const [letter] = await a.deadLetters.list();
    if (!letter) throw new Error("no dead letter");

    const listed = await cli(["list"], env);
    expect(listed.code).toBe(0);
    const row = listed.out.split("\n").find((l) => l.startsWith(letter.id)) ?? "";
    expect(row).toContain("gave up");
    expect(row).toContain("slack/T1/C-news");
    expect(row).toContain("AAPL buyback: Apple expands buyback #1");
    expect(row).toContain("503");
    expect(row).toMatch(/\s2\s/);

    const explained = await cli(["explain", letter.id], env);
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(/attempt 1: \[503\].*HTTP 503/);
    expect(explained.out).toMatch(/attempt 2: \[503\]/);
    expect(explained.out).toContain("server error on their side");
    expect(explained.out).toContain(`catalyst-bot deliveries retry ${letter.id}`);

    const retried = await cli(["retry", letter.id], env);
    expect(retried.code).toBe(0);
    expect(retried.out).toContain("queued again for slack/T1/C-news");
    await deliveriesSettled(a);
    expect(postedTitles(fake, "C-news", 2)).toEqual(["Apple expands buyback #1"]);

    const again = await cli(["retry", letter.id], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain("no such dead letter");
    expect((await cli(["retry", "--all"], env)).out).toContain("Nothing to retry");
    await deliveriesSettled(a);
    expect(postedTitles(fake, "C-news", 2)).toEqual(["Apple expands buyback #1"]);
    expect((await cli(["list"], env)).out).toContain("Every alert was delivered");
  });

  it("a gone channel: list shows it disabled with the fix; retry waits for enable; enable + retry --all posts the kept alerts once each", async () => {
    const { app: a, fake, env } = await startBot();
    fake.failNext("chat.postMessage", { kind: "error", error: "channel_not_found" });
    await a.queues.addDeliveries([job(1, dest("C-gone"))]);
    await deliveriesSettled(a);
    await a.queues.addDeliveries([job(2, dest("C-gone"))]);
    await deliveriesSettled(a);

    const listed = await cli(["list"], env);
    const disabledRow = listed.out.split("\n").find((l) => l.startsWith("slack/T1/C-gone")) ?? "";
    expect(disabledRow).toContain("channel_not_found");
    expect(disabledRow).toContain("invite the bot");
    expect(listed.out).toContain("catalyst-bot deliveries enable DESTINATION");
    expect(listed.out.split("\n").filter((l) => l.startsWith("dl-")).map((l) => l.split(/\s+/)[1]).sort()).toEqual(["refused", "skipped"]);

    const explained = await cli(["explain", "slack/T1/C-gone"], env);
    expect(explained.out).toContain("slack/T1/C-gone is DISABLED (this channel)");
    expect(explained.out).toContain("catalyst-bot deliveries enable slack/T1/C-gone");
    expect(explained.out).toContain("2 alert(s) kept for it");

    const held = await cli(["retry", "--all"], env);
    expect(held.out).toContain("slack/T1/C-gone is still disabled");
    await deliveriesSettled(a);
    expect(fake.calls.filter((c) => c.method === "chat.postMessage")).toHaveLength(1);

    const enabled = await cli(["enable", "slack/T1/C-gone"], env);
    expect(enabled.code).toBe(0);
    expect(enabled.out).toContain("2 alert(s) were kept for it");
    const retried = await cli(["retry", "--all"], env);
    expect(retried.out).toContain("2 queued");
    await deliveriesSettled(a);
    expect(postedTitles(fake, "C-gone", 1).sort()).toEqual(["Apple expands buyback #1", "Apple expands buyback #2"]);
    expect((await cli(["list"], env)).out).toContain("Every alert was delivered and no destination is disabled.");
  });

  it("a retry never posts an alert that did get through, even two retries at once", async () => {
    const { app: a, fake, env } = await startBot();
    const delivered = job(1, dest("C1"));
    await a.queues.addDeliveries([delivered]);
    await deliveriesSettled(a);
    // The one window: the platform took the post but the worker died before its job finished, and the job was dead-lettered.
    const stale = await a.deadLetters.record(delivered, { kind: "failed", error: "worker lost its lock", attempts: 8 });
    const retried = await cli(["retry", stale.id], env);
    expect(retried.out).toContain("already delivered to slack/T1/C1");
    await deliveriesSettled(a);
    expect(postedTitles(fake, "C1", 0)).toEqual(["Apple expands buyback #1"]);

    fake.failNext("chat.postMessage", { kind: "http", status: 500 }, 1);
    const failing = job(2, dest("C2"));
    const letter = await a.deadLetters.record(failing, { kind: "failed", error: "HTTP 500", code: "500", attempts: 8 });
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    // Both may find the dead letter and queue it: under one job id and one delivery record, so one post.
    await Promise.all([run(["retry", letter.id], env), run(["retry", letter.id], env)]).finally(() => {
      log.mockRestore();
      error.mockRestore();
    });
    await deliveriesSettled(a);
    expect(postedTitles(fake, "C2", 1)).toEqual(["Apple expands buyback #2"]);
  });

  it("a revoked token: the workspace is disabled with the token fix; after a restart with a good token, enable + retry --all delivers everything once", async () => {
    const { app: a, fake, env } = await startBot({ SLACK_BOT_TOKEN: "xoxb-revoked" });
    const jobs = [1, 2, 3, 4].map((n) => job(n, dest(`C${n}`)));
    await a.queues.addDeliveries(jobs.slice(0, 1));
    await deliveriesSettled(a);
    await a.queues.addDeliveries(jobs.slice(1));
    await deliveriesSettled(a);
    expect(fake.calls.filter((c) => c.method === "chat.postMessage")).toHaveLength(1);

    const listed = await cli(["list"], env);
    const row = listed.out.split("\n").find((l) => l.startsWith("slack/T1/*")) ?? "";
    expect(row).toContain("invalid_auth");
    expect(row).toContain("SLACK_BOT_TOKEN");
    const limited = await cli(["list", "--limit", "2"], env);
    expect(limited.out.split("\n").filter((l) => l.startsWith("dl-"))).toHaveLength(2);
    expect(limited.out).toContain("and 2 older");
    const wrong = await cli(["enable", "slack/T1/C2"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("stopped by slack/T1/*");

    // The operator fixes the token and restarts the bot.
    await a.stop();
    app = undefined;
    const goodEnv = { ...env, SLACK_BOT_TOKEN: "xoxb-test-token" };
    const restarted = await createApp({ config: loadConfig(goodEnv), redisUrl, roles: ["deliverer"] });
    await restarted.start();
    app = restarted;
    expect((await cli(["enable", "slack/T1/*"], goodEnv)).out).toContain("4 alert(s) were kept for it");
    expect((await cli(["retry", "--all"], goodEnv)).out).toContain("4 queued");
    await deliveriesSettled(restarted);
    const delivered = fake.calls.filter((c) => c.method === "chat.postMessage").slice(1);
    expect(delivered.map((c) => c.body.channel).sort()).toEqual(["C1", "C2", "C3", "C4"]);
  });

  it("runs as `catalyst-bot deliveries` and says what to do with an unknown id", async () => {
    const prefix = scope.prefix;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli.ts", "deliveries", "list"], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" },
      timeout: 60_000,
    });
    expect(stdout).toContain("Every alert was delivered");
    const unknown = await cli(["explain", "dl-000000000000"], { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("'catalyst-bot deliveries list' shows both");
  });
});
