// Posts alerts to Slack incoming webhooks and Discord webhooks named in WEBHOOKS_FILE (platform "webhook").
//
// Neither kind of webhook can thread: a Slack incoming webhook returns no message ts and a Discord webhook
// cannot set message_reference. A story's later sources are therefore posted as the short follow-up format
// on their own. The URL is the webhook's only credential: errors name the webhook, never its URL.
import { formatAlertMessage } from "../../core/format/discord.ts";
import { formatSlackAlert } from "../../core/format/slack.ts";
import { DeliveryError, PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../core/delivery-errors.ts";
import type { Notifier } from "../../core/notifier.ts";
import type { Destination } from "../../core/store.ts";
import type { Alert, PostedMessage } from "../../core/types.ts";
import { redactUrl, type Webhook } from "./config.ts";

export interface WebhookNotifierOptions {
  hooks: readonly Webhook[];
  timeoutMs?: number;
  /** Injected for proxies or tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Seconds (Retry-After header, or Discord's retry_after body field) -> ms; at least 1 s when absent. */
function retryAfterMs(res: Response, body: unknown): number {
  const header = Number(res.headers.get("retry-after"));
  if (Number.isFinite(header) && header > 0) return Math.ceil(header * 1000);
  const field = (body as { retry_after?: unknown } | undefined)?.retry_after;
  if (typeof field === "number" && field > 0) return Math.ceil(field * 1000);
  return 1_000;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Slack answers errors as plain text ("no_service", "channel_is_archived"); Discord as JSON with a code. */
function codeOf(body: unknown): string | undefined {
  if (typeof body === "string") return /^[a-z_]{2,60}$/.test(body.trim()) ? body.trim() : undefined;
  const code = (body as { code?: unknown } | undefined)?.code;
  return code === undefined ? undefined : String(code);
}

export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const byName = new Map(options.hooks.map((h) => [h.name, h]));
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function post(hook: Webhook, url: string, body: unknown): Promise<{ res: Response; parsed: unknown }> {
    const what = `posting to webhook "${hook.name}" (${hook.kind}, ${redactUrl(hook.url)})`;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        // A webhook that redirects is not one we were given: do not send the alert elsewhere.
        redirect: "error",
      });
    } catch (err) {
      // Only the error's kind: undici's messages and causes can carry the URL.
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      const kind = typeof cause === "string" ? cause : err instanceof Error ? err.name : "error";
      throw new TransientDeliveryError(`${what}: could not reach it (${kind})`, "network");
    }
    const parsed = await readBody(res);
    if (res.ok) return { res, parsed };
    const code = codeOf(parsed);
    const detail = `HTTP ${res.status}${code ? ` ${code}` : ""}`;
    if (res.status === 429) {
      const wait = retryAfterMs(res, parsed);
      throw new RateLimitedError(`${what}: rate limited, wait ${Math.ceil(wait / 1000)} s`, wait, code ?? "429");
    }
    if (res.status >= 500) throw new TransientDeliveryError(`${what}: ${detail}`, code ?? String(res.status));
    if (res.status === 404 || res.status === 410) {
      throw new PermanentDeliveryError(`${what}: ${detail}: the webhook was deleted or its channel archived; replace its URL in WEBHOOKS_FILE or remove it`, code ?? String(res.status));
    }
    if (res.status === 401 || res.status === 403) {
      throw new PermanentDeliveryError(`${what}: ${detail}: the webhook URL is no longer valid or not allowed to post; create a new one`, code ?? String(res.status));
    }
    throw new PermanentDeliveryError(`${what}: ${detail}: the service rejected the message`, code ?? String(res.status));
  }

  return {
    platform: "webhook",
    async send(destination: Destination, alert: Alert, _thread?: PostedMessage): Promise<PostedMessage> {
      const hook = byName.get(destination.channel);
      if (!hook) {
        throw new PermanentDeliveryError(`no webhook named "${destination.channel}" in WEBHOOKS_FILE (it was removed or renamed): nothing to post to`, "unknown_webhook");
      }
      try {
        if (hook.kind === "slack") {
          await post(hook, hook.url, formatSlackAlert(alert));
          // Incoming webhooks return only "ok": there is no message id to thread under.
          return { messageId: `webhook:${alert.alertId}`, channel: hook.name };
        }
        const url = new URL(hook.url);
        url.searchParams.set("wait", "true"); // so Discord answers with the created message
        const { parsed } = await post(hook, url.toString(), formatAlertMessage(alert));
        const id = (parsed as { id?: unknown } | undefined)?.id;
        return { messageId: typeof id === "string" ? id : `webhook:${alert.alertId}`, channel: hook.name };
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        throw new TransientDeliveryError(`posting to webhook "${hook.name}": ${err instanceof Error ? err.name : "error"}`);
      }
    },
  };
}
