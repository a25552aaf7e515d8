// Entry point of the platform-neutral slash commands: one handler per command, chosen by name.
import { catalysts } from "./catalysts.ts";
import { help } from "./help.ts";
import { subscribe } from "./subscribe.ts";
import { subscriptions } from "./subscriptions.ts";
import type { CommandContext, CommandDeps, CommandName, CommandReply } from "./types.ts";
import { unsubscribe } from "./unsubscribe.ts";

export { suggestTickers } from "./tickers.ts";
export type * from "./types.ts";

export const COMMAND_NAMES: readonly CommandName[] = ["subscribe", "unsubscribe", "subscriptions", "catalysts", "help"];

const HANDLERS: Record<CommandName, (args: string, ctx: CommandContext, deps: CommandDeps) => Promise<CommandReply>> = {
  subscribe,
  unsubscribe,
  subscriptions,
  catalysts,
  help,
};

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

export async function runCommand(name: CommandName, args: string, ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  return HANDLERS[name](args.trim(), ctx, deps);
}
