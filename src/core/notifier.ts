// What the delivery stage needs from a platform: post an alert, optionally as a reply in a story's thread.
import type { Destination, Platform } from "./store.ts";
import type { Alert, PostedMessage } from "./types.ts";

export interface Notifier {
  readonly platform: Platform;
  /**
   * Posts one alert to one destination. `thread` is the message that opened the story in that
   * channel, for a follow-up source (Slack thread_ts, Discord reply/thread). Throws a
   * DeliveryError (see src/core/delivery-errors.ts) so the deliverer can tell permanent from transient.
   */
  send(destination: Destination, alert: Alert, thread?: PostedMessage): Promise<PostedMessage>;
}
