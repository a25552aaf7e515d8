// Webhook destinations: the file, routing alerts to them, and delivery to a fake Slack incoming webhook and a fake Discord webhook.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisDeliveryStore } from "../../src/adapters/redis/deliveries.ts";
import { loadWebhooks, parseWebhooks, WebhookConfigError, withWebhookSubscriptions, type Webhook } from "../../src/adapters/webhook/config.ts";
import { createWebhookNotifier } from "../../src/adapters/webhook/notifier.ts";
import { DeliveryError } from "../../src/core/delivery-errors.ts";
import { route } from "../../src/core/route.ts";
import type { Destination, Subscription } from "../../src/core/store.ts";
import type { Alert } from "../../src/core/types.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";
import { deliverAlert } from "../../src/pipeline/deliver.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";

/** A fake Slack incoming webhook: answers "ok" like Slack, or a canned error; records each body. */
class FakeSlackWebhook {
  readonly bodies: unknown[] = [];
  next: Array<{ status: number; body: string; headers?: Record<string, string> }> = [];
  private server: Server = createServer((req, res) => void this.handle(req, res));
  url = "";
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T0001/B0001/s3cr3tSlackToken`;
    return this;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || !req.url?.startsWith("/services/T0001/B0001/s3cr3tSlackToken")) {
      res.writeHead(404).end("no_service");
      return;
    }
    this.bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    const canned = this.next.shift();
    res.writeHead(canned?.status ?? 200, { "content-type": "text/plain", ...(canned?.headers ?? {}) }).end(canned?.body ?? "ok");
  }
}

const universe = buildUniverse([
  {
    name: "t.json",
    data: UniverseFileSchema.parse({
      companies: [
        { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"] },
        { symbol: "JD", name: "JD.com Inc." },
      ],
    }),
  },
]);

let slack: FakeSlackWebhook;
let discord: FakeDiscordApi;
let redis: Redis;
const DISCORD_SECRET = "d1sc0rdWebhookSecretToken";
let discordHookUrl: string;

beforeAll(async () => {
  slack = await new FakeSlackWebhook().start();
  discord = await startFakeDiscord();
  discordHookUrl = `${discord.apiUrl}/webhooks/${snowflake()}/${DISCORD_SECRET}`;
  redis = createRedisConnection(inject("redisUrl"), { name: "test-webhooks" });
});
afterAll(async () => {
  await slack.close();
  await discord.close();
  await closeRedis(redis);
});
beforeEach(() => {
  slack.bodies.length = 0;
  slack.next = [];
  discord.requests.length = 0;
});

function alert(over: Partial<Alert> = {}): Alert {
  return {
    alertId: `alert-${randomUUID()}`,
    storyId: "story-1",
    ticker: "BABA",
    companyName: "Alibaba Group Holding Ltd.",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "boost in its stock buyback plan -- to $25 billion",
    articleId: "a1",
    title: "Alibaba boosts buyback to $25 billion <!channel> @everyone",
    url: "https://news.example.com/a1",
    source: "Example Wire",
    published: "2026-11-21T08:00:00.000Z",
    followUp: false,
    ...over,
  };
}

const hooks = (): Webhook[] => [
  { name: "team-slack", kind: "slack", url: slack.url },
  { name: "team-discord", kind: "discord", url: discordHookUrl, tickers: ["BABA"], catalysts: ["buyback"], minConfidence: 0.8 },
];
const dest = (name: string): Destination => ({ platform: "webhook", tenant: "webhook", channel: name });

async function failureOf(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe("webhook delivery", () => {
  it("posts Block Kit to a Slack incoming webhook, with article text escaped", async () => {
    const notifier = createWebhookNotifier({ hooks: hooks() });
    expect(notifier.platform).toBe("webhook");
    const posted = await notifier.send(dest("team-slack"), alert());
    expect(slack.bodies).toHaveLength(1);
    const body = slack.bodies[0] as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(body.blocks[0]?.type).toBe("header");
    const all = JSON.stringify(body);
    expect(all).toContain("Alibaba boosts buyback");
    expect(all).not.toContain("<!channel>");
    expect(posted.channel).toBe("team-slack");
  });

  it("posts embeds to a Discord webhook and gets the message id back", async () => {
    const notifier = createWebhookNotifier({ hooks: hooks() });
    const posted = await notifier.send(dest("team-discord"), alert({ title: "T".repeat(3_000), evidence: "e".repeat(20_000) }));
    const [req] = discord.requestsTo("POST", /^\/webhooks\/\d+\/d1sc0rdWebhookSecretToken$/);
    expect(req?.query.get("wait")).toBe("true");
    const body = req?.body as { embeds: Array<{ title: string; description: string; color: number }>; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]?.title.length).toBeLessThanOrEqual(256);
    expect(body.embeds[0]?.description.length).toBeLessThanOrEqual(4096);
    expect(posted.messageId).toMatch(/^\d+$/);
  });

  it("posts a story's later source as the short follow-up (webhooks cannot thread)", async () => {
    const notifier = createWebhookNotifier({ hooks: hooks() });
    await notifier.send(dest("team-discord"), alert({ followUp: true, title: "Second source" }), { messageId: "1", channel: "team-discord" });
    const body = discord.requestsTo("POST", /^\/webhooks\//)[0]?.body as { embeds: Array<{ description: string; fields?: unknown }>; message_reference?: unknown };
    expect(body.embeds[0]?.description).toContain("Second source");
    expect(body.embeds[0]?.fields).toBeUndefined();
    expect(body.message_reference).toBeUndefined();
  });

  it.each([
    ["Slack", "team-slack", () => slack.next.push({ status: 404, body: "no_service" })],
    ["Discord", "team-discord", () => discord.respond("POST", /^\/webhooks\//, { status: 404, body: { message: "Unknown Webhook", code: 10015 } })],
  ])("stops for good when the %s webhook is gone (404), without printing its URL", async (_kind, name, arrange) => {
    arrange();
    const err = await failureOf(createWebhookNotifier({ hooks: hooks() }).send(dest(name), alert()));
    expect(err.kind).toBe("permanent");
    expect(err.message).toContain(name);
    expect(err.message).not.toContain("s3cr3tSlackToken");
    expect(err.message).not.toContain(DISCORD_SECRET);
  });

  it("waits as long as a rate-limited webhook asks", async () => {
    slack.next.push({ status: 429, body: "rate_limited", headers: { "retry-after": "30" } });
    const err = await failureOf(createWebhookNotifier({ hooks: hooks() }).send(dest("team-slack"), alert()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(30_000);

    discord.respond("POST", /^\/webhooks\//, { status: 429, body: { message: "You are being rate limited.", retry_after: 2.5, global: false } });
    const err2 = await failureOf(createWebhookNotifier({ hooks: hooks() }).send(dest("team-discord"), alert()));
    expect(err2.kind).toBe("rate_limited");
    expect(err2.retryAfterMs).toBe(2_500);
  });

  it("retries later on a 5xx or when the webhook cannot be reached", async () => {
    slack.next.push({ status: 503, body: "service unavailable" });
    expect((await failureOf(createWebhookNotifier({ hooks: hooks() }).send(dest("team-slack"), alert()))).kind).toBe("transient");
    const unreachable: Webhook = { name: "down", kind: "slack", url: "http://127.0.0.1:1/services/x/y/topsecret" };
    const err = await failureOf(createWebhookNotifier({ hooks: [unreachable] }).send(dest("down"), alert()));
    expect(err.kind).toBe("transient");
    expect(err.message).not.toContain("topsecret");
  });

  it("fails for good for a webhook no longer in the file", async () => {
    const err = await failureOf(createWebhookNotifier({ hooks: hooks() }).send(dest("removed-hook"), alert()));
    expect(err.kind).toBe("permanent");
    expect(err.message).toContain("removed-hook");
  });

  it("through the deliverer: a deleted webhook is recorded as failed, a working one as sent", async () => {
    const prefix = `test-webhooks-${randomUUID()}`;
    const deliveries = createRedisDeliveryStore({ redis, prefix, retentionDays: 1 });
    const deps = { notifiers: new Map([["webhook" as const, createWebhookNotifier({ hooks: hooks() })]]), deliveries, log: pino({ level: "silent" }) };
    try {
      const ok = await deliverAlert({ alert: alert(), destination: dest("team-slack"), polledAt: 0, deferrals: 0 }, deps);
      expect(ok.status).toBe("sent");
      slack.next.push({ status: 404, body: "no_service" });
      const gone = alert();
      const failed = await deliverAlert({ alert: gone, destination: dest("team-slack"), polledAt: 0, deferrals: 0 }, deps);
      expect(failed.status).toBe("permanent_failure");
      expect((await deliveries.get(gone.alertId, dest("team-slack")))?.state).toBe("failed");
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
  });
});

describe("webhooks file", () => {
  const dir = mkdtempSync(join(tmpdir(), "webhooks-"));

  it("treats a missing file as no webhooks", () => {
    expect(loadWebhooks(join(dir, "absent.json"))).toEqual([]);
  });

  it("accepts the shipped example", () => {
    const example = JSON.parse(readFileSync(new URL("../../config/webhooks.example.json", import.meta.url), "utf8")) as unknown;
    const parsed = parseWebhooks(example, "config/webhooks.example.json");
    expect(parsed.map((h) => h.kind).sort()).toEqual(["discord", "slack"]);
  });

  it("lists every problem by webhook name and never echoes a URL", () => {
    const file = join(dir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify([
        { name: "a", kind: "teams", url: "https://hooks.example.com/secretA" },
        { name: "b", kind: "slack", url: "ftp://files.example.com/secretB", minConfidence: 2 },
        { name: "a", kind: "discord", url: "https://discord.com/api/webhooks/1/secretC", catalysts: ["buybacks"] },
      ]),
    );
    let message = "";
    try {
      loadWebhooks(file);
    } catch (err) {
      expect(err).toBeInstanceOf(WebhookConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('webhook 1 ("a") kind');
    expect(message).toContain('webhook 2 ("b") url');
    expect(message).toContain('webhook 2 ("b") minConfidence');
    expect(message).toContain('webhook 3 ("a") catalysts');
    expect(message).toContain("used twice");
    expect(message).not.toMatch(/secret[ABC]/);
  });

  it("does not quote a URL from a file that is not JSON", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '[{"name": "x", "url": "https://hooks.slack.com/services/T/B/topsecret" ');
    expect(() => loadWebhooks(file)).toThrow(WebhookConfigError);
    try {
      loadWebhooks(file);
    } catch (err) {
      expect((err as Error).message).not.toContain("topsecret");
    }
  });

  it("makes tickers canonical and rejects unknown ones", () => {
    const [hook] = parseWebhooks([{ name: "h", kind: "slack", url: "https://hooks.slack.com/x", tickers: ["9988.hk", "BABA", "JD"] }], "f", universe);
    expect(hook?.tickers).toEqual(["BABA", "JD"]);
    expect(() => parseWebhooks([{ name: "h", kind: "slack", url: "https://hooks.slack.com/x", tickers: ["NOPE"] }], "f", universe)).toThrow(/NOPE is not in the ticker universe/);
  });
});

describe("routing alerts to webhooks", () => {
  const none = { forTicker: async (): Promise<Subscription[]> => [] };
  const routed = async (a: Partial<Alert>) => {
    const full = alert(a);
    const subs = await withWebhookSubscriptions(none, hooks()).forTicker(full.ticker);
    return route(full, subs).map((d) => d.channel).sort();
  };

  it.each<[string, Partial<Alert>, string[]]>([
    ["a matching ticker, catalyst and confidence reaches both", { ticker: "BABA", catalyst: "buyback", confidence: 0.9 }, ["team-discord", "team-slack"]],
    ["another ticker reaches only the unfiltered hook", { ticker: "JD" }, ["team-slack"]],
    ["another catalyst reaches only the unfiltered hook", { catalyst: "earnings" }, ["team-slack"]],
    ["below the hook's minimum confidence", { confidence: 0.5 }, ["team-slack"]],
    ["an article-level alert (no ticker) skips ticker-filtered hooks", { ticker: undefined, catalyst: "macro_policy" }, ["team-slack"]],
  ])("%s", async (_name, a, expected) => {
    expect(await routed(a)).toEqual(expected);
  });

  it("keeps the store's own subscriptions", async () => {
    const channelSub: Subscription = { destination: { platform: "discord", tenant: "G", channel: "C" }, ticker: "JD", catalysts: [], minConfidence: 0, createdAt: "x" };
    const store = { forTicker: async (t: string | undefined) => (t === "JD" ? [channelSub] : []) };
    const subs = await withWebhookSubscriptions(store, hooks()).forTicker("JD");
    expect(route(alert({ ticker: "JD" }), subs).map((d) => `${d.platform}/${d.channel}`)).toEqual(["discord/C", "webhook/team-slack"]);
  });
});
