// The Discord application commands: their registered definitions, options -> command text, and autocomplete.
import {
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { CATALYST_LABELS, CATALYST_SLUGS } from "../../core/catalysts.ts";
import type { Universe } from "../../core/universe/index.ts";
import { suggestTickers } from "../../commands/index.ts";
import type { CommandName } from "../../commands/types.ts";

/** Longest period /catalysts offers on Discord (the option's max_value). */
export const MAX_CATALYST_DAYS = 90;
/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const CHOICE_MAX = 100;

/** The definitions sent to PUT /applications/{id}[/guilds/{id}]/commands. */
export function discordCommandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const manage = PermissionFlagsBits.ManageChannels;
  // Guild only: subscriptions belong to a server's channels, so the commands are not offered in DMs at all.
  const base = (name: CommandName, description: string) =>
    new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);

  const subscribe = base("subscribe", "Send this channel alerts for tickers and/or catalysts")
    // Hidden from members who cannot manage channels; server admins can change this per command.
    .setDefaultMemberPermissions(manage)
    .addStringOption((o) =>
      o.setName("tickers").setDescription("Tickers or company names, e.g. BABA, 9988.HK, tencent (empty: any ticker)").setAutocomplete(true).setMaxLength(200),
    )
    .addStringOption((o) =>
      o.setName("catalysts").setDescription("Catalysts, e.g. buyback, earnings (empty: every catalyst)").setAutocomplete(true).setMaxLength(200),
    )
    .addNumberOption((o) =>
      o.setName("min_confidence").setDescription("Only alerts the classifier is at least this sure of, 0 to 1 (e.g. 0.7)").setMinValue(0).setMaxValue(1),
    );

  const unsubscribe = base("unsubscribe", "Stop alerts in this channel for tickers and/or catalysts")
    .setDefaultMemberPermissions(manage)
    .addStringOption((o) => o.setName("tickers").setDescription("Tickers to stop, e.g. BABA").setAutocomplete(true).setMaxLength(200))
    .addStringOption((o) => o.setName("catalysts").setDescription("Catalysts to stop, e.g. buyback").setAutocomplete(true).setMaxLength(200))
    .addBooleanOption((o) => o.setName("all").setDescription("Remove every subscription of this channel"));

  const subscriptions = base("subscriptions", "List what this channel is subscribed to");

  const catalysts = base("catalysts", "Recent catalysts of one ticker")
    .addStringOption((o) => o.setName("ticker").setDescription("Ticker or company name, e.g. BABA").setAutocomplete(true).setRequired(true).setMaxLength(100))
    .addIntegerOption((o) => o.setName("days").setDescription(`How many days back (1 to ${MAX_CATALYST_DAYS}, default 7)`).setMinValue(1).setMaxValue(MAX_CATALYST_DAYS));

  const help = base("help", "How to use the catalyst bot");

  return [subscribe, unsubscribe, subscriptions, catalysts, help].map((b) => b.toJSON());
}

/** What an interaction's options hold, read through discord.js's typed getters. */
export interface CommandOptions {
  getString(name: string): string | null;
  getNumber(name: string): number | null;
  getInteger(name: string): number | null;
  getBoolean(name: string): boolean | null;
}

/** Multi-word names are quoted so the shared parser keeps them together. */
function quoteIfSpaced(value: string): string {
  const v = value.trim().replace(/["“”]/g, "");
  return /\s/.test(v) ? `"${v}"` : v;
}

/** Turns typed Discord options into the argument text the platform-neutral commands parse (as Slack users type it). */
export function commandArgs(name: CommandName, options: CommandOptions): string {
  const parts: string[] = [];
  switch (name) {
    case "subscribe":
    case "unsubscribe": {
      if (name === "unsubscribe" && options.getBoolean("all")) parts.push("all");
      const tickers = options.getString("tickers");
      const catalysts = options.getString("catalysts");
      if (tickers) parts.push(tickers.trim());
      if (catalysts) parts.push(catalysts.trim());
      const min = name === "subscribe" ? options.getNumber("min_confidence") : null;
      if (min !== null) parts.push(`min=${min}`);
      break;
    }
    case "catalysts": {
      const ticker = options.getString("ticker");
      if (ticker) parts.push(quoteIfSpaced(ticker));
      const days = options.getInteger("days");
      if (days !== null) parts.push(String(days));
      break;
    }
    case "subscriptions":
    case "help":
      break;
  }
  return parts.join(" ");
}

export interface Choice {
  name: string;
  value: string;
}

function clip(text: string): string {
  return text.length <= CHOICE_MAX ? text : `${text.slice(0, CHOICE_MAX - 1)}…`;
}

/** What the user typed before the item being completed ("BABA, JD, te" -> "BABA, JD, " and "te"). */
function splitLast(typed: string): { head: string; last: string } {
  const m = /^(.*[\s,;])?([^\s,;]*)$/s.exec(typed);
  return { head: m?.[1] ?? "", last: m?.[2] ?? typed };
}

/**
 * Ways to read a typed list as "items kept" + "item being typed", most likely first: everything after the last
 * comma, then its last 3, 2 and 1 words ("BABA tencent m": "tencent m" before "m").
 */
function listTails(typed: string): Array<{ head: string; last: string }> {
  const comma = /^(.*[,;]\s*)([^,;]*)$/s.exec(typed);
  const head = comma ? (comma[1] ?? "") : "";
  const rest = comma ? (comma[2] ?? "") : typed;
  // After a trailing space the user has started the next item: never offer to replace the one before.
  const out = /\s$/.test(rest) ? [] : [{ head, last: rest }];
  const words = rest.split(/(\s+)/); // keeps the separators, so the head is rebuilt exactly as typed
  const count = Math.ceil(words.length / 2);
  for (let k = Math.min(3, count - 1); k >= 1; k--) {
    const cut = words.length - (2 * k - 1);
    out.push({ head: head + words.slice(0, cut).join(""), last: words.slice(cut).join("") });
  }
  return out;
}

/**
 * Ticker suggestions for a focused option. For a list option the earlier items are kept and only the last is
 * completed, so "BABA, tencent m" offers "BABA, TME".
 */
export function tickerChoices(typed: string, universe: Universe, list: boolean): Choice[] {
  const tails = list ? listTails(typed) : [{ head: "", last: typed }];
  for (const { head, last } of tails) {
    const out: Choice[] = [];
    for (const s of suggestTickers(last, universe, MAX_CHOICES)) {
      const value = `${head}${s.symbol}`;
      if (value.length <= CHOICE_MAX) out.push({ name: clip(`${value} · ${s.name}`), value });
    }
    if (out.length) return out;
  }
  return [];
}

/** Catalyst suggestions: slugs whose slug or label starts with (or contains) what was typed last. */
export function catalystChoices(typed: string): Choice[] {
  const { head, last } = splitLast(typed);
  const q = last.toLowerCase();
  const taken = new Set(head.toLowerCase().split(/[\s,;]+/).filter(Boolean));
  const score = (slug: (typeof CATALYST_SLUGS)[number]) => {
    const label = CATALYST_LABELS[slug].toLowerCase();
    if (!q) return 1;
    if (slug.startsWith(q) || label.startsWith(q)) return 0;
    if (slug.includes(q) || label.includes(q)) return 1;
    return -1;
  };
  return CATALYST_SLUGS.filter((s) => !taken.has(s) && score(s) >= 0)
    .sort((a, b) => score(a) - score(b))
    .slice(0, MAX_CHOICES)
    .map((s) => ({ name: clip(`${head}${s} · ${CATALYST_LABELS[s]}`), value: `${head}${s}` }))
    .filter((c) => c.value.length <= CHOICE_MAX);
}
