// Routing: which destinations get an alert, given the subscriptions that could match it.
import type { Destination, Subscription } from "./store.ts";
import type { Alert } from "./types.ts";

/** A destination that gets every alert at or above a confidence, with no subscription (the console). */
export interface StandingDestination {
  destination: Destination;
  minConfidence: number;
}

export function destinationKey(d: Destination): string {
  return `${d.platform}/${d.tenant}/${d.channel}`;
}

export function subscriptionMatches(sub: Subscription, alert: Pick<Alert, "ticker" | "catalyst" | "confidence">): boolean {
  if (alert.confidence < sub.minConfidence) return false;
  if (sub.ticker !== undefined && sub.ticker.toUpperCase() !== alert.ticker?.toUpperCase()) return false;
  // An empty catalyst list means every catalyst (of that ticker, or of any ticker for a catalyst-only sub).
  return sub.catalysts.length === 0 || sub.catalysts.includes(alert.catalyst);
}

/** Each destination once, in the order first matched, even when several of its subscriptions match. */
export function route(
  alert: Pick<Alert, "ticker" | "catalyst" | "confidence">,
  subscriptions: readonly Subscription[],
  standing: readonly StandingDestination[] = [],
): Destination[] {
  const out = new Map<string, Destination>();
  for (const s of standing) {
    if (alert.confidence >= s.minConfidence) out.set(destinationKey(s.destination), s.destination);
  }
  for (const sub of subscriptions) {
    const key = destinationKey(sub.destination);
    if (!out.has(key) && subscriptionMatches(sub, alert)) out.set(key, sub.destination);
  }
  return [...out.values()];
}
