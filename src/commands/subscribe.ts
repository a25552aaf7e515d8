// /subscribe: adds tickers, catalysts, or tickers limited to catalysts to this channel, merging with what it has.
import { CATALYST_SLUGS, MARKET_LEVEL_CATALYSTS, type CatalystSlug } from "../core/catalysts.ts";
import type { Subscription } from "../core/store.ts";
import { parseTargets } from "./parse.ts";
import { catalystList, describeSubscription, destinationOf, errorReply, permissionDenied } from "./reply.ts";
import type { CommandContext, CommandDeps, CommandReply } from "./types.ts";

/** Keeps one channel from growing without bound (each subscription is read when routing its ticker). */
export const MAX_SUBSCRIPTIONS_PER_CHANNEL = 500;

const USAGE = [
  "Usage: `/subscribe TICKER… [CATALYST,…] [min=0.7]`",
  "`/subscribe BABA JD` every catalyst of BABA and JD · `/subscribe BABA buyback,earnings` only those · `/subscribe buyback` buybacks of any ticker",
];

// Union of catalyst lists where an empty list means "every catalyst", which absorbs any other list.
function mergeCatalysts(old: readonly CatalystSlug[], add: readonly CatalystSlug[]): CatalystSlug[] {
  if (old.length === 0 || add.length === 0) return [];
  return CATALYST_SLUGS.filter((s) => old.includes(s) || add.includes(s));
}

export async function subscribe(args: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  if (!ctx.canManage) return permissionDenied(ctx);
  const parsed = parseTargets(args, deps.universe);
  if (parsed.all) {
    const ticker = deps.universe.bySymbol.get("ALL");
    parsed.problems.push(
      `\`all\` only works with \`/unsubscribe\`: name the tickers or catalysts to subscribe to.${ticker ? ` For ${ticker.name}, type \`$ALL\`.` : ""}`,
    );
  }
  if (parsed.problems.length) return errorReply("Nothing was subscribed", [...parsed.problems, ...USAGE], parsed.suggestions);
  if (parsed.companies.length === 0 && parsed.catalysts.length === 0) {
    return errorReply("Tell me what to subscribe to", USAGE);
  }
  const marketLevel = parsed.catalysts.filter((c) => MARKET_LEVEL_CATALYSTS.has(c));
  if (parsed.companies.length && marketLevel.length) {
    return errorReply("Nothing was subscribed", [
      `${catalystList(marketLevel)} concerns whole markets and is never attached to one ticker, so a ticker subscription would never fire.`,
      `Subscribe to it on its own: \`/subscribe ${marketLevel.join(" ")}\`, and to the tickers in a second command.`,
    ]);
  }

  const destination = destinationOf(ctx);
  const existing = await deps.subscriptions.list(destination);
  const now = (deps.now ?? (() => new Date()))();
  const targets: Array<string | undefined> = parsed.companies.length ? parsed.companies.map((c) => c.symbol) : [undefined];
  const fresh = targets.filter((t) => !existing.some((s) => s.ticker === t)).length;
  if (existing.length + fresh > MAX_SUBSCRIPTIONS_PER_CHANNEL) {
    return errorReply("Nothing was subscribed", [
      `This channel has ${existing.length} subscriptions and may have at most ${MAX_SUBSCRIPTIONS_PER_CHANNEL}. Remove some with \`/unsubscribe\`, or subscribe to a catalyst of any ticker instead (\`/subscribe buyback\`).`,
    ]);
  }
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const ticker of targets) {
    const old = existing.find((s) => s.ticker === ticker);
    const sub: Subscription = {
      destination,
      ...(ticker ? { ticker } : {}),
      catalysts: old ? mergeCatalysts(old.catalysts, parsed.catalysts) : [...parsed.catalysts],
      minConfidence: parsed.minConfidence ?? old?.minConfidence ?? 0,
      createdAt: old?.createdAt ?? now.toISOString(),
      createdBy: old?.createdBy ?? ctx.userId,
    };
    const { added: changed } = await deps.subscriptions.add(sub);
    const line = describeSubscription(sub, deps.universe);
    if (changed) added.push(line);
    else {
      const narrower = old && old.catalysts.length === 0 && parsed.catalysts.length > 0;
      unchanged.push(
        narrower
          ? `${line}: already gets every catalyst. To keep only some, \`/unsubscribe ${ticker ?? ""}\` first.`
          : `${line}: already subscribed`,
      );
    }
  }
  const sections = [];
  if (added.length) sections.push({ heading: "Now subscribed", lines: added });
  if (unchanged.length) sections.push({ heading: "No change", lines: unchanged });
  return {
    ok: true,
    ephemeral: added.length === 0,
    title: added.length ? `This channel will get alerts for ${added.length === 1 ? "1 subscription" : `${added.length} subscriptions`}` : "Nothing changed",
    sections,
  };
}
