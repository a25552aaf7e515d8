// The webhook destinations file (WEBHOOKS_FILE): validated by zod; its URLs are secrets and never printed in full.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { CatalystSlugSchema } from "../../core/catalysts.ts";
import type { Destination, Subscription, SubscriptionStore } from "../../core/store.ts";
import type { Universe } from "../../core/universe/index.ts";

export const WebhookSchema = z
  .object({
    /** Shown in logs and errors instead of the URL. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "use 1 to 64 letters, digits, '_', '.' or '-', e.g. \"team-markets\""),
    url: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "must be an http(s) URL: paste the webhook URL that Slack or Discord gave you"),
    kind: z.enum(["slack", "discord"]),
    /** Only these tickers; absent or empty = any ticker. */
    tickers: z.array(z.string().min(1)).optional(),
    /** Only these catalysts; absent or empty = every catalyst. */
    catalysts: z.array(CatalystSlugSchema).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();

export const WebhooksFileSchema = z.array(WebhookSchema);

export type Webhook = z.infer<typeof WebhookSchema>;

export class WebhookConfigError extends Error {
  override name = "WebhookConfigError";
}

/** "https://hooks.slack.com/…": enough to tell which service, without the secret path. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "(not a URL)";
  }
}

/** Every destination the webhooks file names, as the deliverer addresses them. */
export function webhookDestination(hook: Pick<Webhook, "name">): Destination {
  return { platform: "webhook", tenant: "webhook", channel: hook.name };
}

/**
 * Parses the file's JSON. With a universe, tickers are checked and turned into canonical symbols (9988.HK ->
 * BABA), so they match alerts. Problems name the webhook by index and name, never by URL.
 */
export function parseWebhooks(json: unknown, source: string, universe?: Universe): Webhook[] {
  const parsed = WebhooksFileSchema.safeParse(json);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [index, ...rest] = issue.path;
      const name = typeof index === "number" && Array.isArray(json) ? (json[index] as { name?: unknown } | undefined)?.name : undefined;
      const where = typeof index === "number" ? `webhook ${index + 1}${typeof name === "string" ? ` ("${name}")` : ""}` : "the file";
      problems.push(`${where}${rest.length ? ` ${rest.join(".")}` : ""}: ${issue.message}`);
    }
  }
  // Checked on the raw entries, so a duplicate is reported together with every other problem.
  if (Array.isArray(json)) {
    const seen = new Set<unknown>();
    json.forEach((entry, i) => {
      const name = (entry as { name?: unknown } | null)?.name;
      if (typeof name === "string" && seen.has(name)) problems.push(`webhook ${i + 1} ("${name}") name: "${name}" is used twice: names must be unique`);
      seen.add(name);
    });
  }
  const hooks = parsed.success ? parsed.data : [];
  const out: Webhook[] = [];
  for (const hook of hooks) {
    if (!hook.tickers?.length || !universe) {
      out.push(hook.tickers ? { ...hook, tickers: hook.tickers.map((t) => t.toUpperCase()) } : hook);
      continue;
    }
    const tickers: string[] = [];
    for (const t of hook.tickers) {
      const company = universe.bySymbol.get(t.trim().toUpperCase());
      if (company) tickers.push(company.symbol);
      else problems.push(`webhook "${hook.name}" tickers: ${t} is not in the ticker universe (use a symbol such as BABA or 9988.HK)`);
    }
    out.push({ ...hook, tickers: [...new Set(tickers)] });
  }
  if (problems.length) {
    throw new WebhookConfigError(`${source} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee docs/webhooks.md.`);
  }
  return out;
}

/** Reads WEBHOOKS_FILE; a missing file means no webhooks. */
export function loadWebhooks(path: string, universe?: Universe): Webhook[] {
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    // JSON.parse's message can quote the text around the error, which may be a URL: keep only the position.
    const at = /position \d+/.exec(err instanceof Error ? err.message : "")?.[0];
    throw new WebhookConfigError(`${path} is not valid JSON${at ? ` (${at})` : ""}: fix it (see config/webhooks.example.json) or point WEBHOOKS_FILE elsewhere.`);
  }
  return parseWebhooks(json, path, universe);
}

/** The webhooks as subscriptions, so routing treats them like channels that subscribed. */
export function webhookSubscriptions(hooks: readonly Webhook[]): Subscription[] {
  return hooks.flatMap((hook) => {
    const base = { destination: webhookDestination(hook), catalysts: hook.catalysts ?? [], minConfidence: hook.minConfidence ?? 0, createdAt: "1970-01-01T00:00:00.000Z", createdBy: "webhooks file" };
    return hook.tickers?.length ? hook.tickers.map((ticker) => ({ ...base, ticker })) : [base];
  });
}

/** Adds the webhooks to what routing reads, with SubscriptionStore.forTicker's meaning. */
export function withWebhookSubscriptions(store: Pick<SubscriptionStore, "forTicker">, hooks: readonly Webhook[]): Pick<SubscriptionStore, "forTicker"> {
  const subs = webhookSubscriptions(hooks);
  return {
    async forTicker(ticker) {
      const stored = await store.forTicker(ticker);
      const mine = subs.filter((s) => s.ticker === undefined || (ticker !== undefined && s.ticker === ticker.toUpperCase()));
      return [...stored, ...mine];
    },
  };
}
