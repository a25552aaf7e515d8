// What the deliver worker counts into /metrics on the real Redis: each delivery outcome by platform, and the poll-to-delivery latency.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.ts";
import { createMetrics, type Metrics } from "../../src/adapters/metrics.ts";
import { loadConfig } from "../../src/config.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import { PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../src/core/delivery-errors.ts";
import { deliveryJobId } from "../../src/pipeline/classify.ts";
import { createRecordingNotifier, type RecordingNotifier } from "../helpers/recording-notifier.ts";
import { useRedisScope } from "../helpers/redis-scope.ts";
import { deliveriesSettled } from "../helpers/deliveries-settled.ts";

const scope = useRedisScope("t-metrics");
const redisUrl = scope.url;
const runs: App[] = [];

async function start(): Promise<{ app: App; metrics: Metrics; notifier: RecordingNotifier }> {
  const prefix = scope.newPrefix();
  const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, CONSOLE_ALERTS: "false", DELIVERY_MAX_ATTEMPTS: "2", DELIVERY_BACKOFF_MS: "20" });
  const notifier = createRecordingNotifier("discord");
  const metrics = createMetrics({ defaultMetrics: false });
  const app = await createApp({ config, redisUrl, roles: ["deliverer"], log: pino({ level: "silent" }), notifiers: [notifier], metrics });
  await app.start();
  runs.push(app);
  return { app, metrics, notifier };
}

afterEach(async () => {
  for (const app of runs.splice(0)) {
    await app.queues.alertDeliver.obliterate({ force: true });
    await app.stop();
  }
});

function job(n: number, polledAt = Date.now()): AlertDeliverJob {
  return {
    alert: {
      alertId: `al-${n}-${randomUUID().slice(0, 8)}`,
      storyId: `st-${n}-${randomUUID().slice(0, 8)}`,
      ticker: "AAPL",
      catalyst: "buyback",
      confidence: 0.9,
      evidence: "authorized a new share repurchase program",
      articleId: `a-${n}`,
      title: `Apple expands buyback #${n}`,
      published: "2026-11-21T12:00:00.000Z",
      followUp: false,
    },
    destination: { platform: "discord", tenant: "G1", channel: `C${n}` },
    polledAt,
    deferrals: 0,
  };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
const outcome = (text: string, o: string) => sample(text, `catalyst_deliveries_total{outcome="${o}",platform="discord"}`);

describe("delivery metrics", () => {
  it("counts sent, rate-limited, transient, permanent, duplicate and dead-lettered deliveries, and the latency of sent ones", async () => {
    const { app, metrics, notifier } = await start();

    // A 429, then a send: one rate_limited, one sent, observed 30 s after its poll.
    notifier.failNext(new RateLimitedError("slow down", 50));
    const first = job(1, Date.now() - 30_000);
    await app.queues.addDeliveries([first]);
    await deliveriesSettled(app);
    let text = await metrics.render();
    expect(outcome(text, "rate_limited")).toBe(1);
    expect(outcome(text, "sent")).toBe(1);
    expect(sample(text, 'catalyst_poll_to_delivery_seconds_bucket{le="20",platform="discord"}')).toBe(0);
    expect(sample(text, 'catalyst_poll_to_delivery_seconds_bucket{le="60",platform="discord"}')).toBe(1);

    // The same delivery again under another job id: already sent, skipped.
    await app.queues.alertDeliver.add("deliver", first, { jobId: `dup-${randomUUID()}` });
    // A transient failure, then success on the retry.
    notifier.failNext(new TransientDeliveryError("502 from the platform"));
    await app.queues.addDeliveries([job(2)]);
    await deliveriesSettled(app);
    text = await metrics.render();
    expect(outcome(text, "duplicate_skipped")).toBe(1);
    expect(outcome(text, "transient_failure")).toBe(1);
    expect(outcome(text, "sent")).toBe(2);
    expect(outcome(text, "dead_lettered")).toBe(0);

    // Two transient failures use up DELIVERY_MAX_ATTEMPTS=2: dead-lettered. Then a permanent failure.
    notifier.failNext(new TransientDeliveryError("502"), new TransientDeliveryError("502"));
    await app.queues.addDeliveries([job(3)]);
    await deliveriesSettled(app);
    notifier.failNext(new PermanentDeliveryError("unknown channel", "10003"));
    await app.queues.addDeliveries([job(4)]);
    await deliveriesSettled(app);
    text = await metrics.render();
    expect(outcome(text, "transient_failure")).toBe(3);
    expect(outcome(text, "dead_lettered")).toBe(1);
    expect(outcome(text, "permanent_failure")).toBe(1);
    expect(outcome(text, "sent")).toBe(2);
    expect(notifier.sent).toHaveLength(2);
    // Queue depths come from the app's own queues.
    expect(sample(text, 'catalyst_queue_jobs{queue="alert-deliver",state="waiting"}')).toBe(0);
    expect(sample(text, 'catalyst_queue_jobs{queue="alert-deliver",state="failed"}')).toBe(2);
  });

  it("counts a 429 as rate_limited, and a follow-up waiting for its story's first post not at all", async () => {
    const { app, metrics, notifier } = await start();
    const opener = job(5);
    const followUp: AlertDeliverJob = { ...job(6), destination: opener.destination, alert: { ...job(6).alert, storyId: opener.alert.storyId, followUp: true } };
    // The classify stage marks the opener as on its way; the follow-up then waits (defers) until it is posted.
    await app.deliveries.markThreadPending(opener.alert.storyId, opener.destination);
    await app.queues.addDeliveries([followUp]);
    const followUpId = deliveryJobId(followUp.alert.alertId, followUp.destination);
    const deadline = Date.now() + 10_000;
    while (((await app.queues.alertDeliver.getJob(followUpId))?.data.deferrals ?? 0) < 2) {
      if (Date.now() > deadline) throw new Error("the follow-up never waited for its opener");
      await new Promise((r) => setTimeout(r, 20));
    }

    notifier.failNext(new RateLimitedError("slow down", 50));
    await app.queues.addDeliveries([opener]);
    await notifier.waitForSent(2);
    await deliveriesSettled(app);
    const text = await metrics.render();
    expect(outcome(text, "rate_limited")).toBe(1);
    expect(outcome(text, "sent")).toBe(2);
    expect(notifier.sent.map((s) => [s.alert.alertId, s.thread?.messageId])).toEqual([
      [opener.alert.alertId, undefined],
      [followUp.alert.alertId, notifier.sent[0]?.message.messageId],
    ]);
  });
});
