// A Notifier test double that records what would have been posted and can be told to fail the next sends.
import type { DeliveryError } from "../../src/core/delivery-errors.ts";
import type { Notifier } from "../../src/core/notifier.ts";
import type { Destination, Platform } from "../../src/core/store.ts";
import type { Alert, PostedMessage } from "../../src/core/types.ts";

export interface RecordedSend {
  destination: Destination;
  alert: Alert;
  thread?: PostedMessage;
  message: PostedMessage;
}

export interface RecordingNotifier extends Notifier {
  sent: RecordedSend[];
  /** Every call, failed ones included. */
  attempts: number;
  /** The next sends throw these errors, in order, instead of posting. */
  failNext(...errors: DeliveryError[]): void;
  /** Resolves once `count` alerts were posted; rejects after timeoutMs with what was posted so far. */
  waitForSent(count: number, timeoutMs?: number): Promise<RecordedSend[]>;
}

export function createRecordingNotifier(platform: Platform = "slack"): RecordingNotifier {
  const sent: RecordedSend[] = [];
  const failures: DeliveryError[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let seq = 0;
  const n: RecordingNotifier = {
    platform,
    sent,
    attempts: 0,
    async send(destination, alert, thread) {
      n.attempts++;
      const failure = failures.shift();
      if (failure) throw failure;
      const message = { messageId: `m${++seq}`, channel: destination.channel };
      sent.push({ destination, alert, ...(thread ? { thread } : {}), message });
      for (const w of waiters.filter((w) => sent.length >= w.count)) w.resolve();
      return message;
    },
    failNext(...errors) {
      failures.push(...errors);
    },
    waitForSent(count, timeoutMs = 10_000) {
      if (sent.length >= count) return Promise.resolve(sent);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`expected ${count} alerts within ${timeoutMs} ms, got ${sent.length}: ${sent.map((s) => s.alert.title).join(" | ")}`));
        }, timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(sent);
          },
        });
      });
    },
  };
  return n;
}
