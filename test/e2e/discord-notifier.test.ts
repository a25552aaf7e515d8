// Alert delivery to Discord channels through the real @discordjs/rest client against the fake Discord API.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordNotifier } from "../../src/adapters/discord/notifier.ts";
import { DeliveryError } from "../../src/core/delivery-errors.ts";
import type { Destination } from "../../src/core/store.ts";
import type { Alert } from "../../src/core/types.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";

let fake: FakeDiscordApi;
const channel = snowflake();
const destination: Destination = { platform: "discord", tenant: snowflake(), channel };

beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function alert(over: Partial<Alert> = {}): Alert {
  return {
    alertId: `alert-${snowflake()}`,
    storyId: "story-1",
    ticker: "BABA",
    companyName: "Alibaba Group Holding Ltd.",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "boost in its stock buyback plan -- to $25 billion",
    articleId: "a1",
    title: "Alibaba boosts buyback to $25 billion",
    url: "https://news.example.com/a1",
    source: "Example Wire",
    published: "2026-11-21T08:00:00.000Z",
    followUp: false,
    ...over,
  };
}

/** Discord's limits restated from its docs, independent of the formatter. */
function expectWithinLimits(body: { content?: string; embeds: Array<Record<string, unknown>> }): void {
  expect(body.embeds.length).toBeLessThanOrEqual(10);
  expect((body.content ?? "").length).toBeLessThanOrEqual(2000);
  let total = 0;
  for (const e of body.embeds as Array<{ title?: string; description?: string; author?: { name: string }; footer?: { text: string }; fields?: Array<{ name: string; value: string }> }>) {
    expect((e.title ?? "").length).toBeLessThanOrEqual(256);
    expect((e.description ?? "").length).toBeLessThanOrEqual(4096);
    expect((e.author?.name ?? "").length).toBeLessThanOrEqual(256);
    expect((e.footer?.text ?? "").length).toBeLessThanOrEqual(2048);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      total += f.name.length + f.value.length;
    }
    total += (e.title ?? "").length + (e.description ?? "").length + (e.author?.name ?? "").length + (e.footer?.text ?? "").length;
  }
  expect(total).toBeLessThanOrEqual(6000);
}

async function failureOf(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe("Discord notifier", () => {
  it("posts an alert embed with the bot token and no mentions allowed", async () => {
    const notifier = createDiscordNotifier({ token: "bot-token", apiUrl: fake.apiUrl });
    const posted = await notifier.send(destination, alert());
    const [req] = fake.requestsTo("POST", new RegExp(`^/channels/${channel}/messages$`));
    expect(req?.headers.authorization).toBe("Bot bot-token");
    const body = req?.body as { embeds: Array<{ title: string; url: string; color: number }>; allowed_mentions: unknown; message_reference?: unknown };
    expect(body.embeds[0]?.title).toBe("Alibaba boosts buyback to $25 billion");
    expect(body.embeds[0]?.url).toBe("https://news.example.com/a1");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.message_reference).toBeUndefined();
    expect(posted.channel).toBe(channel);
    expect(posted.messageId).toMatch(/^\d+$/);
  });

  it("keeps an oversized article within Discord's limits", async () => {
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    await notifier.send(destination, alert({ title: "T".repeat(5_000), evidence: "e ".repeat(50_000), companyName: "C".repeat(900), source: "S".repeat(3_000) }));
    const [req] = fake.requestsTo("POST", /\/messages$/);
    expectWithinLimits(req?.body as { embeds: Array<Record<string, unknown>> });
  });

  it("posts a story's second source as a reply to the story's first message", async () => {
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const first = await notifier.send(destination, alert());
    await notifier.send(destination, alert({ followUp: true, title: "More on the buyback", source: "Other Paper" }), first);
    const reqs = fake.requestsTo("POST", new RegExp(`^/channels/${channel}/messages$`));
    expect(reqs).toHaveLength(2);
    const reply = reqs[1]?.body as { message_reference: { message_id: string; channel_id: string }; embeds: Array<{ description: string; fields?: unknown }> };
    expect(reply.message_reference.message_id).toBe(first.messageId);
    expect(reply.message_reference.channel_id).toBe(channel);
    expect(reply.embeds[0]?.description).toContain("More on the buyback");
    expect(reply.embeds[0]?.fields).toBeUndefined();
  });

  it.each([
    ["Missing Permissions", 403, 50013],
    ["Missing Access", 403, 50001],
    ["Unknown Channel", 404, 10003],
    ["a plain 404", 404, 0],
  ])("stops for good on %s (%i)", async (_name, status, code) => {
    fake.respond("POST", /\/messages$/, { status, body: { message: "nope", code } });
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const err = await failureOf(notifier.send(destination, alert()));
    expect(err.kind).toBe("permanent");
    expect(err.code).toBe(String(code));
    expect(err.message).toContain(channel);
  });

  it("hands a long rate limit back to the queue with Discord's retry_after", async () => {
    fake.respond("POST", /\/messages$/, {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: 7.5, global: false },
      headers: { "retry-after": "7.5", "x-ratelimit-scope": "user" },
    });
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const err = await failureOf(notifier.send(destination, alert()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(7_500);
    expect(err.retryAfterMs).toBeLessThan(9_000);
    expect(fake.requestsTo("POST", /\/messages$/)).toHaveLength(1);
  });

  it("waits out a short rate limit itself and posts", async () => {
    fake.respond("POST", /\/messages$/, {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: 0.05, global: false },
      headers: { "retry-after": "0.05", "x-ratelimit-scope": "user" },
    });
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const posted = await notifier.send(destination, alert());
    expect(posted.messageId).toMatch(/^\d+$/);
    expect(fake.requestsTo("POST", /\/messages$/)).toHaveLength(2);
  });

  it("treats a 5xx as transient, without retrying inside the client", async () => {
    fake.respond("POST", /\/messages$/, { status: 502, body: { message: "bad gateway" } });
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const err = await failureOf(notifier.send(destination, alert()));
    expect(err.kind).toBe("transient");
    expect(fake.requestsTo("POST", /\/messages$/)).toHaveLength(1);
  });

  it("treats an unreachable Discord as transient", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const notifier = createDiscordNotifier({ token: "t", apiUrl: `http://127.0.0.1:${port}/api` });
    const err = await failureOf(notifier.send(destination, alert()));
    expect(err.kind).toBe("transient");
  });

  it("reports a revoked token as permanent", async () => {
    fake.respond("POST", /\/messages$/, { status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const notifier = createDiscordNotifier({ token: "t", apiUrl: fake.apiUrl });
    const err = await failureOf(notifier.send(destination, alert()));
    expect(err.kind).toBe("permanent");
    expect(err.message).toContain("DISCORD_TOKEN");
    // The client forgets a refused token: later alerts must not be retried as if Discord were down.
    const again = await failureOf(notifier.send(destination, alert()));
    expect(again.kind).toBe("permanent");
    expect(again.message).toContain("DISCORD_TOKEN");
  });
});
