// One error class per delivery failure kind, so the deliverer decides: stop, retry later, or wait.

export type DeliveryFailureKind = "permanent" | "transient" | "rate_limited";

export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    public readonly kind: DeliveryFailureKind,
    /** The platform's own code, e.g. Slack's "channel_not_found" or Discord's 10003. */
    public readonly code?: string,
    /** For rate_limited: how long the platform asked us to wait. */
    public readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class PermanentDeliveryError extends DeliveryError {
  override name = "PermanentDeliveryError";
  constructor(message: string, code?: string) {
    super(message, "permanent", code);
  }
}

export class TransientDeliveryError extends DeliveryError {
  override name = "TransientDeliveryError";
  constructor(message: string, code?: string) {
    super(message, "transient", code);
  }
}

export class RateLimitedError extends DeliveryError {
  override name = "RateLimitedError";
  constructor(message: string, retryAfterMs: number, code?: string) {
    super(message, "rate_limited", code, retryAfterMs);
  }
}
