// Waits for a running app's delivery queue to drain: shared by the integration tests that send alerts.
import type { App } from "../../src/app.ts";

/** Resolves when the delivery queue has nothing waiting, running or delayed; throws after timeoutMs. */
export async function deliveriesSettled(app: App, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await app.queues.alertDeliver.getJobCounts("waiting", "active", "delayed", "prioritized");
    if (Object.values(c).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`deliveries still pending after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
