// Fault tests of pacing and rate limits: a Slack 429 on one channel, a Discord global 429, a burst to one channel.
import { describe, expect, inject, it } from "vitest";
import { burst, describeResult, discordGlobal429, slack429 } from "./scenarios.ts";

const redisUrl = inject("redisUrl");

describe("rate limits", () => {
  it("a Slack 429 with Retry-After 3 pauses that channel for 3 s while other channels keep posting", async () => {
    const r = await slack429(redisUrl, { retryAfterS: 3 });
    console.log(describeResult(r));
    expect(r.figures.limitedRequestsDuringPause).toBe(0);
    expect(r.figures.othersLastAfterMs).toBeLessThan(3_000);
    expect(r.tally).toMatchObject({ lost: 0, duplicated: 0 });
    expect(r.unmet).toEqual([]);
  }, 60_000);

  it("a Discord global 429 pauses every Discord send of both deliverers for its retry_after while Slack posts go on", async () => {
    const r = await discordGlobal429(redisUrl, { retryAfterS: 3 });
    console.log(describeResult(r));
    expect(r.figures.discordRequestsDuringPause).toBe(0);
    expect(r.figures.slackLastAfterMs).toBeLessThan(3_000);
    expect(r.tally).toMatchObject({ lost: 0, duplicated: 0 });
    expect(r.unmet).toEqual([]);
  }, 60_000);

  it("a burst of 20 alerts to one Slack channel posts each once, at most one per second", async () => {
    const r = await burst(redisUrl, { alerts: 20 });
    console.log(describeResult(r));
    expect(r.tally).toEqual({ expected: 20, delivered: 20, duplicated: 0, lost: 0 });
    expect(r.figures.paceViolations).toBe(0);
    expect(r.unmet).toEqual([]);
  }, 90_000);
});
