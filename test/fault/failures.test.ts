// Fault tests of failed deliveries: a deleted webhook, a refused token on every request, a malformed job.
import { describe, expect, inject, it } from "vitest";
import { authStorm, describeResult, malformedJob, webhook404 } from "./scenarios.ts";

const redisUrl = inject("redisUrl");

describe("delivery failures", () => {
  it("a webhook answering 404 is disabled after its first 404; the other destinations get every alert and nothing retries forever", async () => {
    const r = await webhook404(redisUrl, { alerts: 5 });
    console.log(describeResult(r));
    expect(r.tally).toEqual({ expected: 10, delivered: 10, duplicated: 0, lost: 0 });
    expect(r.figures.requestsToDeadWebhook).toBe(1);
    expect(r.figures.disabled).toBe("webhook/webhook/dead");
    expect(r.figures.deadLetters).toBe(5);
    expect(r.figures.drained).toBe(true);
    expect(r.unmet).toEqual([]);
  }, 90_000);

  it("a Discord 401 on every request: 500 alerts cost a handful of requests, not 500", async () => {
    const r = await authStorm(redisUrl, { platform: "discord", alerts: 500 });
    console.log(describeResult(r));
    expect(r.figures.requests).toBeGreaterThan(0);
    expect(r.figures.requests).toBeLessThanOrEqual(20);
    expect(r.figures.settled).toBe(true);
    expect(r.figures.disabled).toBe("discord/*/*");
    expect(r.figures.deadLetters).toBe(500);
    expect(r.unmet).toEqual([]);
  }, 60_000);

  it("Slack's invalid_auth on every request: 500 alerts cost a handful of requests, not 500", async () => {
    const r = await authStorm(redisUrl, { platform: "slack", alerts: 500 });
    console.log(describeResult(r));
    expect(r.figures.requests).toBeGreaterThan(0);
    expect(r.figures.requests).toBeLessThanOrEqual(20);
    expect(r.figures.settled).toBe(true);
    expect(r.figures.disabled).toBe("slack/T_FAULT/*");
    expect(r.figures.deadLetters).toBe(500);
    expect(r.unmet).toEqual([]);
  }, 60_000);

  it("a malformed job fails once as unrecoverable, is logged, and the alerts around it are delivered", async () => {
    const r = await malformedJob(redisUrl);
    console.log(describeResult(r));
    expect(r.figures).toMatchObject({ state: "failed", attemptsMade: 1, logged: true, strayRequests: 0 });
    expect(r.figures.failedReason).toMatch(/invalid alert-deliver payload/);
    expect(r.tally).toEqual({ expected: 3, delivered: 3, duplicated: 0, lost: 0 });
  }, 60_000);
});
