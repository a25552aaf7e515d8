// Discord's typed slash-command options -> the command text the shared parser reads, and autocomplete choices.
import { describe, expect, it } from "vitest";
import { catalystChoices, commandArgs, discordCommandDefinitions, tickerChoices, type CommandOptions } from "../../src/adapters/discord/commands.ts";
import { runCommand } from "../../src/commands/index.ts";
import type { CommandName } from "../../src/commands/types.ts";
import { buildUniverse } from "../../src/core/universe/index.ts";
import { UniverseFileSchema } from "../../src/core/universe/schema.ts";

const universe = buildUniverse([
  {
    name: "t.json",
    data: UniverseFileSchema.parse({
      companies: [
        { symbol: "BABA", name: "Alibaba Group Holding Ltd.", listings: ["9988.HK"], aliases: ["Alibaba"] },
        { symbol: "0700.HK", name: "Tencent Holdings Ltd.", listings: ["TCEHY"], aliases: ["Tencent"] },
        { symbol: "TME", name: "Tencent Music Entertainment Group", aliases: ["Tencent Music"] },
      ],
    }),
  },
]);

/** Options as discord.js exposes them: typed getters, null when the user left an option out. */
function options(values: Record<string, string | number | boolean>): CommandOptions {
  const get = <T>(name: string, type: string) => (typeof values[name] === type ? (values[name] as T) : null);
  return {
    getString: (n) => get<string>(n, "string"),
    getNumber: (n) => get<number>(n, "number"),
    getInteger: (n) => get<number>(n, "number"),
    getBoolean: (n) => get<boolean>(n, "boolean"),
  };
}

describe("options -> command text", () => {
  it.each<[CommandName, Record<string, string | number | boolean>, string]>([
    ["subscribe", { tickers: "BABA, JD", catalysts: "buyback,earnings", min_confidence: 0.7 }, "BABA, JD buyback,earnings min=0.7"],
    ["subscribe", { catalysts: "buyback" }, "buyback"],
    ["unsubscribe", { all: true }, "all"],
    ["unsubscribe", { all: false, tickers: "JD" }, "JD"],
    ["catalysts", { ticker: "tencent music", days: 30 }, '"tencent music" 30'],
    ["catalysts", { ticker: "BABA" }, "BABA"],
    ["help", {}, ""],
  ])("/%s %o -> %s", (name, values, expected) => {
    expect(commandArgs(name, options(values))).toBe(expected);
  });

  it("a multi-word company name given to /catalysts reaches the right company", async () => {
    const none = { forTicker: async () => [], add: async () => ({ added: false }), remove: async () => 0, list: async () => [] };
    const reply = await runCommand(
      "catalysts",
      commandArgs("catalysts", options({ ticker: "tencent music", days: 30 })),
      { platform: "discord", tenant: "G", channel: "C", userId: "U", canManage: false },
      { subscriptions: none, timeline: { recent: async () => [] }, universe },
    );
    expect(reply.title).toContain("TME");
    expect(reply.title).toContain("30 days");
  });
});

describe("autocomplete choices", () => {
  it.each<[string, boolean, string[]]>([
    ["alib", false, ["BABA"]],
    ["9988", false, ["BABA"]],
    ["BABA, tencent m", true, ["BABA, TME"]],
    ["BABA tencent m", true, ["BABA TME"]],
    ["BABA ", true, ["BABA TME", "BABA 0700.HK"]],
  ])("tickers for %j (list: %s)", (typed, list, expected) => {
    const values = tickerChoices(typed, universe, list).map((c) => c.value);
    for (const e of expected) expect(values).toContain(e);
    for (const c of tickerChoices(typed, universe, list)) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
  });

  it.each<[string, string[]]>([
    ["buy", ["buyback"]],
    ["m&", ["m_and_a"]],
    ["earnings, gui", ["earnings, guidance"]],
    ["capital", ["capital_raise"]],
  ])("catalysts for %j", (typed, expected) => {
    expect(catalystChoices(typed).map((c) => c.value)).toEqual(expected);
  });

  it("does not offer a catalyst already in the list", () => {
    expect(catalystChoices("buyback, ").map((c) => c.value)).not.toContain("buyback, buyback");
    expect(catalystChoices("").length).toBeLessThanOrEqual(25);
  });
});

describe("command definitions", () => {
  it("stay within Discord's limits for names, descriptions and options", () => {
    for (const cmd of discordCommandDefinitions()) {
      expect(cmd.name).toMatch(/^[a-z_-]{1,32}$/);
      expect(cmd.description.length).toBeLessThanOrEqual(100);
      expect(cmd.options?.length ?? 0).toBeLessThanOrEqual(25);
      for (const o of cmd.options ?? []) {
        expect(o.name).toMatch(/^[a-z_-]{1,32}$/);
        expect(o.description.length).toBeLessThanOrEqual(100);
      }
    }
  });
});
