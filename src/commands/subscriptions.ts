// /subscriptions: what this channel is subscribed to.
import { describeSubscription, destinationOf, sortSubscriptions } from "./reply.ts";
import type { CommandContext, CommandDeps, CommandReply } from "./types.ts";

export async function subscriptions(_args: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  const subs = sortSubscriptions(await deps.subscriptions.list(destinationOf(ctx)));
  if (subs.length === 0) {
    return {
      ok: true,
      ephemeral: true,
      title: "This channel has no subscriptions",
      sections: [{ lines: ["Start with `/subscribe BABA` (every catalyst of a ticker) or `/subscribe buyback` (buybacks of any ticker)."] }],
    };
  }
  return {
    ok: true,
    ephemeral: true,
    title: `This channel has ${subs.length} subscription${subs.length === 1 ? "" : "s"}`,
    sections: [{ lines: subs.map((s) => describeSubscription(s, deps.universe)) }],
  };
}
