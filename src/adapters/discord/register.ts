// Registers the slash commands with Discord by bulk overwrite: to one guild (instant, for development) or globally.
import { REST, Routes } from "discord.js";
import { discordCommandDefinitions } from "./commands.ts";

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl: string;
  /** Register to this guild only; undefined = globally. */
  guildId?: string;
  /** Remove every command in that scope instead (e.g. a development server's copies once global ones exist). */
  clear?: boolean;
}

export interface RegisterResult {
  scope: "guild" | "global";
  names: string[];
}

export async function registerDiscordCommands(options: RegisterOptions, rest?: REST): Promise<RegisterResult> {
  const client = rest ?? new REST({ api: options.apiUrl }).setToken(options.token);
  const body = options.clear ? [] : discordCommandDefinitions();
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const stored = (await client.put(route, { body })) as Array<{ name: string }>;
  return { scope: options.guildId ? "guild" : "global", names: stored.map((c) => c.name) };
}
