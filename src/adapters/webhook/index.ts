// Wires the webhooks file into the running bot: the notifier (deliverer) and the routing of alerts to webhooks (classifier).
import type { NotifierFactory } from "../../app.ts";
import type { Config } from "../../config.ts";
import type { SubscriptionStore } from "../../core/store.ts";
import { loadUniverse } from "../universe/load.ts";
import { loadWebhooks, withWebhookSubscriptions, type Webhook } from "./config.ts";
import { createWebhookNotifier } from "./notifier.ts";

export { loadWebhooks, parseWebhooks, redactUrl, webhookSubscriptions, withWebhookSubscriptions, WebhookConfigError, type Webhook } from "./config.ts";
export { createWebhookNotifier } from "./notifier.ts";

/** WEBHOOKS_FILE, with tickers made canonical through the universe (only read when some webhook names tickers). */
export function loadConfiguredWebhooks(config: Pick<Config, "WEBHOOKS_FILE" | "UNIVERSE_DIR">): Webhook[] {
  const raw = loadWebhooks(config.WEBHOOKS_FILE);
  if (!raw.some((h) => h.tickers?.length)) return raw;
  return loadWebhooks(config.WEBHOOKS_FILE, loadUniverse(config.UNIVERSE_DIR));
}

export const webhookNotifierFactory: NotifierFactory = ({ config, log }) => {
  const hooks = loadConfiguredWebhooks(config);
  if (hooks.length === 0) return undefined;
  // Names only: the URLs are the webhooks' credentials.
  log.info({ webhooks: hooks.map((h) => `${h.name} (${h.kind})`) }, "webhook destinations loaded");
  return createWebhookNotifier({ hooks });
};

/** The subscription look-up routing uses, plus the webhooks of WEBHOOKS_FILE. */
export function routingWithWebhooks(config: Pick<Config, "WEBHOOKS_FILE" | "UNIVERSE_DIR">, store: Pick<SubscriptionStore, "forTicker">): Pick<SubscriptionStore, "forTicker"> {
  const hooks = loadConfiguredWebhooks(config);
  return hooks.length ? withWebhookSubscriptions(store, hooks) : store;
}
