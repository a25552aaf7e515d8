// Which pacing keys and limits each destination gets, and which keys a 429 pauses.
import { describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/core/delivery-errors.ts";
import { DISCORD_GLOBAL_KEY, PACE_RULES, paceHolderOf, paceLimitsFor, pauseKeysFor, webhookKeyOf } from "../../src/core/pacing.ts";
import type { Destination } from "../../src/core/store.ts";

const SLACK_URL = "https://hooks.slack.com/services/T000/B000/secretsecretsecret";
const DISCORD_URL = "https://discord.com/api/webhooks/123456/token-that-is-secret";

describe("paceLimitsFor", () => {
  it("paces a Slack channel at 1 message per second, per workspace and channel", () => {
    const limits = paceLimitsFor({ platform: "slack", tenant: "T1", channel: "C1" });
    expect(limits).toEqual([{ key: "slack:T1:C1", rule: { limit: 1, windowMs: 1_000 } }]);
    // The same channel id in another workspace is another channel.
    expect(paceLimitsFor({ platform: "slack", tenant: "T2", channel: "C1" })[0]?.key).toBe("slack:T2:C1");
  });

  it("paces a Discord channel by its own bucket plus the bot-wide global bucket", () => {
    const limits = paceLimitsFor({ platform: "discord", tenant: "G1", channel: "111" });
    expect(limits.map((l) => l.key)).toEqual(["discord:channel:111", DISCORD_GLOBAL_KEY]);
    expect(limits[0]?.rule).toEqual({ limit: 5, windowMs: 5_250 });
    expect(limits[1]?.rule.limit).toBeLessThanOrEqual(50);
    expect(limits[1]?.rule.windowMs).toBe(1_000);
    // Discord channel ids are global: the guild does not split the bucket.
    expect(paceLimitsFor({ platform: "discord", tenant: "G2", channel: "111" })[0]?.key).toBe("discord:channel:111");
  });

  it("paces webhooks by a hash of their URL, never the URL, with the rule of their kind", () => {
    const slackHook: Destination = { platform: "webhook", tenant: "webhook", channel: "markets" };
    const slack = paceLimitsFor(slackHook, { kind: "slack", url: SLACK_URL });
    expect(slack).toEqual([{ key: webhookKeyOf(SLACK_URL), rule: PACE_RULES.slackWebhook }]);
    expect(slack[0]?.rule).toEqual({ limit: 1, windowMs: 1_000 });

    const discord = paceLimitsFor({ ...slackHook, channel: "desk" }, { kind: "discord", url: DISCORD_URL });
    expect(discord.map((l) => l.rule)).toEqual([
      { limit: 5, windowMs: 2_100 },
      { limit: 30, windowMs: 60_000 },
    ]);
    for (const l of [...slack, ...discord]) {
      expect(l.key).not.toContain("secret");
      expect(l.key).not.toContain("hooks.slack.com");
      expect(l.key).not.toContain("123456");
    }
  });

  it("gives two webhook names with the same URL one key, and different URLs different keys", () => {
    const a = paceLimitsFor({ platform: "webhook", tenant: "webhook", channel: "a" }, { kind: "slack", url: SLACK_URL });
    const b = paceLimitsFor({ platform: "webhook", tenant: "webhook", channel: "b" }, { kind: "slack", url: SLACK_URL });
    const c = paceLimitsFor({ platform: "webhook", tenant: "webhook", channel: "a" }, { kind: "slack", url: `${SLACK_URL}x` });
    expect(a[0]?.key).toBe(b[0]?.key);
    expect(c[0]?.key).not.toBe(a[0]?.key);
  });

  it("paces a webhook missing from the file by its name at the strictest webhook rate", () => {
    expect(paceLimitsFor({ platform: "webhook", tenant: "webhook", channel: "gone" })).toEqual([
      { key: "webhook:name:gone", rule: { limit: 1, windowMs: 1_000 } },
    ]);
  });

  it("does not pace console output", () => {
    expect(paceLimitsFor({ platform: "console", tenant: "console", channel: "stdout" })).toEqual([]);
  });

  it("keeps a channel id with a colon from colliding with another key", () => {
    const odd = paceLimitsFor({ platform: "slack", tenant: "T1:C1", channel: "x" })[0]?.key;
    const plain = paceLimitsFor({ platform: "slack", tenant: "T1", channel: "C1:x" })[0]?.key;
    expect(odd).not.toBe(plain);
  });
});

describe("pauseKeysFor", () => {
  const discord = paceLimitsFor({ platform: "discord", tenant: "G1", channel: "111" });

  it("pauses only the channel's bucket on a route 429, so other Discord channels keep flowing", () => {
    expect(pauseKeysFor(discord, new RateLimitedError("slow down", 2_000, "429"))).toEqual(["discord:channel:111"]);
  });

  it("pauses the global bucket when Discord said the limit is global", () => {
    expect(pauseKeysFor(discord, new RateLimitedError("global", 2_000, "global"))).toEqual([DISCORD_GLOBAL_KEY]);
  });

  it("pauses both keys of a Discord webhook, and a Slack channel's own key", () => {
    const hook = paceLimitsFor({ platform: "webhook", tenant: "webhook", channel: "desk" }, { kind: "discord", url: DISCORD_URL });
    expect(pauseKeysFor(hook, new RateLimitedError("slow", 1_000))).toEqual(hook.map((l) => l.key));
    const slack = paceLimitsFor({ platform: "slack", tenant: "T1", channel: "C1" });
    // "global" means nothing for Slack: still just the channel.
    expect(pauseKeysFor(slack, new RateLimitedError("slow", 1_000, "global"))).toEqual(["slack:T1:C1"]);
  });
});

describe("paceHolderOf", () => {
  it("is the same for one delivery and differs across destinations and alerts", () => {
    const d: Destination = { platform: "slack", tenant: "T1", channel: "C1" };
    expect(paceHolderOf("a1", d)).toBe(paceHolderOf("a1", { ...d }));
    expect(paceHolderOf("a1", d)).not.toBe(paceHolderOf("a2", d));
    expect(paceHolderOf("a1", d)).not.toBe(paceHolderOf("a1", { ...d, channel: "C2" }));
  });
});
