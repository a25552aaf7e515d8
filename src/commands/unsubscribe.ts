// /unsubscribe: removes tickers, catalysts, or some catalysts of a ticker from this channel; `all` clears it.
import { CATALYST_SLUGS, MARKET_LEVEL_CATALYSTS } from "../core/catalysts.ts";
import { parseTargets } from "./parse.ts";
import { catalystList, describeSubscription, destinationOf, errorReply, permissionDenied } from "./reply.ts";
import type { CommandContext, CommandDeps, CommandReply } from "./types.ts";

const USAGE = [
  "Usage: `/unsubscribe TICKER… [CATALYST,…]` or `/unsubscribe all`",
  "`/unsubscribe JD` stops JD · `/unsubscribe BABA buyback` stops BABA buybacks only · `/unsubscribe buyback` stops buybacks of any ticker",
];

export async function unsubscribe(args: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  if (!ctx.canManage) return permissionDenied(ctx);
  const parsed = parseTargets(args, deps.universe);
  if (parsed.problems.length) return errorReply("Nothing was unsubscribed", [...parsed.problems, ...USAGE], parsed.suggestions);
  const destination = destinationOf(ctx);

  if (parsed.all) {
    if (parsed.companies.length || parsed.catalysts.length) {
      return errorReply("Nothing was unsubscribed", ["`all` removes every subscription of this channel: use it on its own.", ...USAGE]);
    }
    const removed = await deps.subscriptions.remove(destination, {});
    return {
      ok: true,
      ephemeral: removed === 0,
      title: removed ? `Removed all ${removed} subscription${removed === 1 ? "" : "s"} of this channel` : "This channel had no subscriptions",
      sections: removed ? [{ lines: ["This channel gets no more alerts. `/subscribe` starts again."] }] : [],
    };
  }
  if (parsed.companies.length === 0 && parsed.catalysts.length === 0) return errorReply("Tell me what to unsubscribe from", USAGE);

  const existing = await deps.subscriptions.list(destination);
  const done: string[] = [];
  const missing: string[] = [];
  const targets: Array<string | undefined> = parsed.companies.length ? parsed.companies.map((c) => c.symbol) : [undefined];
  for (const ticker of targets) {
    const old = existing.find((s) => s.ticker === ticker);
    const label = ticker ?? "catalysts of any ticker";
    if (!old) {
      missing.push(`**${label}**: this channel is not subscribed${ticker ? ` to ${ticker}` : " to any catalyst on its own"}.`);
      continue;
    }
    const drop = parsed.catalysts;
    // Without catalysts the targets are tickers (a catalyst-only target always names catalysts).
    if (drop.length === 0 && ticker) {
      await deps.subscriptions.remove(destination, { ticker });
      done.push(`**${label}**: no more alerts`);
      continue;
    }
    if (old.catalysts.length === 0) {
      const tickerLevel = drop.filter((c) => !MARKET_LEVEL_CATALYSTS.has(c));
      if (tickerLevel.length === 0) {
        missing.push(`**${label}**: ${catalystList(drop)} concerns whole markets and is never part of a ticker's alerts.`);
        continue;
      }
      // "Every catalyst but buyback": spell out the rest, since an empty list would mean every catalyst again.
      const rest = CATALYST_SLUGS.filter((s) => !drop.includes(s) && !MARKET_LEVEL_CATALYSTS.has(s));
      if (rest.length === 0) {
        await deps.subscriptions.remove(destination, { ticker });
        done.push(`**${label}**: no more alerts`);
      } else {
        await deps.subscriptions.add({ ...old, catalysts: rest });
        done.push(`**${label}**: every catalyst except ${catalystList(tickerLevel)}`);
      }
      continue;
    }
    const notThere = drop.filter((c) => !old.catalysts.includes(c));
    if (notThere.length === drop.length) {
      missing.push(`${describeSubscription(old, deps.universe)}: ${catalystList(notThere)} was not part of it.`);
      continue;
    }
    await deps.subscriptions.remove(destination, { ...(ticker ? { ticker } : {}), catalysts: drop });
    const left = old.catalysts.filter((c) => !drop.includes(c));
    done.push(left.length ? `**${label}**: now only ${catalystList(left)}` : `**${label}**: no more alerts`);
  }
  const sections = [];
  if (done.length) sections.push({ heading: "Unsubscribed", lines: done });
  if (missing.length) sections.push({ heading: "Not subscribed", lines: [...missing, "See what this channel has with `/subscriptions`."] });
  return {
    ok: done.length > 0,
    ephemeral: done.length === 0,
    title: done.length ? "Subscriptions updated" : "Nothing was unsubscribed",
    sections,
  };
}
