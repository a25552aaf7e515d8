// Wires Discord into the running bot: the alert notifier (REST only) and the slash-command bot (Gateway).
import type { BotFactory, NotifierFactory } from "../../app.ts";
import { loadUniverse } from "../universe/load.ts";
import { startDiscord } from "./client.ts";
import { createDiscordNotifier } from "./notifier.ts";

export { createDiscordClient, startDiscord, type DiscordBot } from "./client.ts";
export { createDiscordNotifier } from "./notifier.ts";
export { registerDiscordCommands } from "./register.ts";
export { discordCommandDefinitions } from "./commands.ts";

export const discordNotifierFactory: NotifierFactory = ({ config }) =>
  config.DISCORD_TOKEN ? createDiscordNotifier({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL }) : undefined;

export const discordBotFactory: BotFactory = async ({ config, log, subscriptions, timeline }) => {
  if (!config.DISCORD_TOKEN) return undefined;
  const bot = await startDiscord({
    token: config.DISCORD_TOKEN,
    apiUrl: config.DISCORD_API_URL,
    subscriptions,
    timeline,
    universe: loadUniverse(config.UNIVERSE_DIR),
    log: log.child({ component: "discord" }),
  });
  log.info(
    { guilds: bot.client.guilds.cache.size },
    "Discord bot connected; if its slash commands do not show up, run `npm run discord:register` (see docs/discord.md)",
  );
  return { name: "discord", stop: () => bot.stop() };
};
