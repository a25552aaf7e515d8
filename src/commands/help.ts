// /help: every command with an example, and the catalyst words the commands accept.
import { CATALYST_SLUGS } from "../core/catalysts.ts";
import { catalystLabel, catalystSynonyms } from "./catalyst-words.ts";
import { DEFAULT_DAYS } from "./catalysts.ts";
import type { CommandContext, CommandDeps, CommandReply } from "./types.ts";

/** The examples as each platform's users type them: Slack takes free text, Discord named options. */
const EXAMPLES = {
  slack: {
    subscribe: [
      "`/subscribe BABA JD`: every catalyst of BABA and JD",
      "`/subscribe BABA buyback,earnings min=0.7`: only those catalysts, only when the classifier is at least 70% sure",
      "`/subscribe buyback`: buybacks of any ticker",
      "`/unsubscribe BABA` · `/unsubscribe BABA buyback` · `/unsubscribe buyback` · `/unsubscribe all`",
      "`/subscriptions`: what this channel gets",
    ],
    lookup: `\`/catalysts BABA\`: BABA's catalysts of the last ${DEFAULT_DAYS} days · \`/catalysts 9988.HK 30\`: the last 30 days`,
  },
  discord: {
    subscribe: [
      "`/subscribe tickers:BABA JD`: every catalyst of BABA and JD",
      "`/subscribe tickers:BABA catalysts:buyback,earnings min_confidence:0.7`: only those catalysts, only when the classifier is at least 70% sure",
      "`/subscribe catalysts:buyback`: buybacks of any ticker",
      "`/unsubscribe tickers:BABA` · `/unsubscribe tickers:BABA catalysts:buyback` · `/unsubscribe catalysts:buyback` · `/unsubscribe all:True`",
      "`/subscriptions`: what this channel gets (changing subscriptions needs the Manage Channels permission)",
    ],
    lookup: `\`/catalysts ticker:BABA\`: BABA's catalysts of the last ${DEFAULT_DAYS} days · \`/catalysts ticker:9988.HK days:30\`: the last 30 days`,
  },
} as const;

export async function help(_args: string, ctx: CommandContext, _deps: CommandDeps): Promise<CommandReply> {
  const synonyms = catalystSynonyms();
  const examples = EXAMPLES[ctx.platform];
  return {
    ok: true,
    ephemeral: true,
    title: "Catalyst bot commands",
    sections: [
      {
        heading: "Subscriptions of this channel",
        lines: [...examples.subscribe],
      },
      {
        heading: "Looking things up",
        lines: [examples.lookup],
      },
      {
        heading: "Tickers",
        lines: ["A symbol (BABA), another listing (9988.HK, HK:9988), a former symbol (FB) or a company name (alibaba, \"tencent music\")."],
      },
      {
        heading: "Catalysts",
        lines: CATALYST_SLUGS.map((s) => {
          const words = synonyms.get(s) ?? [];
          return `\`${s}\` ${catalystLabel(s)}${words.length ? ` (also: ${words.join(", ")})` : ""}`;
        }),
      },
    ],
  };
}
