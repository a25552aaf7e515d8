// Fault tests of processes and Redis: a deliverer stopped with SIGTERM mid-send, Redis stopped and restarted under load.
import { describe, expect, inject, it } from "vitest";
import { describeResult, redisRestart, sigterm } from "./scenarios.ts";

const redisUrl = inject("redisUrl");

describe("process and Redis faults", () => {
  it("SIGTERM with sends in flight: the deliverer exits 0 within SHUTDOWN_GRACE_MS and a new one delivers the rest exactly once", async () => {
    const r = await sigterm(redisUrl, { alerts: 12, graceMs: 8_000, latencyMs: 1_500, concurrency: 4 });
    console.log(describeResult(r));
    expect(r.figures.inFlightAtSigterm).toBeGreaterThan(0);
    expect(r.figures.exitCode).toBe(0);
    expect(r.figures.exitMs).toBeLessThanOrEqual(8_000);
    expect(r.tally).toEqual({ expected: 12, delivered: 12, duplicated: 0, lost: 0 });
    expect(r.unmet).toEqual([]);
  }, 120_000);

  // The 10 s outage runs in `npm run chaos`; 2 s here.
  it("Redis stopped for 2 s while a feed keeps publishing: after the restart every item is posted exactly once", async () => {
    const r = await redisRestart({ downMs: 2_000, feedMs: 3_000 });
    console.log(describeResult(r));
    expect(r.figures.itemsDuringOutage).toBeGreaterThan(0);
    expect(r.tally.lost).toBe(0);
    expect(r.figures.duplicatesOutsideWindow).toBe(0);
    expect(r.unmet).toEqual([]);
  }, 150_000);
});
