// `catalyst-bot discord register [--guild ID | --global]`: sends the slash-command definitions to Discord.
import { ConfigError, loadConfig } from "../config.ts";
import { registerDiscordCommands } from "../adapters/discord/register.ts";

const USAGE = `usage: catalyst-bot discord register [--guild ID | --global] [--clear]

Registers the bot's slash commands (/subscribe, /unsubscribe, /subscriptions, /catalysts, /help)
with Discord, replacing the ones registered before.

  --guild ID   register to one server only: changes show at once (for development)
  --global     register for every server the bot is in (for production)
  --clear      remove the bot's commands from that scope instead (e.g. a development server's
               copies, which show next to the global ones)

Without an option: the server DISCORD_GUILD_ID when it is set, else globally.
Needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal > your application).`;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== "register") {
    console.error(`catalyst-bot discord: unknown command '${command}'.\n\n${USAGE}`);
    return 2;
  }

  let guildId: string | undefined;
  let global = false;
  let clear = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--global") global = true;
    else if (arg === "--clear") clear = true;
    else if (arg === "--guild") {
      guildId = rest[++i];
      if (!guildId || !/^\d{5,25}$/.test(guildId)) {
        console.error(`catalyst-bot discord register: --guild needs a server id (a number; Discord: Settings > Advanced > Developer Mode, then right-click the server > Copy Server ID).`);
        return 2;
      }
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      return 0;
    } else {
      console.error(`catalyst-bot discord register: unknown option '${arg}'.\n\n${USAGE}`);
      return 2;
    }
  }
  if (global && guildId) {
    console.error("catalyst-bot discord register: choose --guild ID or --global, not both.");
    return 2;
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const missing = [
    config.DISCORD_TOKEN ? undefined : "DISCORD_TOKEN (Developer Portal > your application > Bot > Reset Token)",
    config.DISCORD_APPLICATION_ID ? undefined : "DISCORD_APPLICATION_ID (Developer Portal > your application > General Information > Application ID)",
  ].filter((m): m is string => m !== undefined);
  if (missing.length || !config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    console.error(`catalyst-bot discord register: set ${missing.join(" and ")} in the environment first. See docs/discord.md.`);
    return 1;
  }
  if (!global && !guildId) guildId = config.DISCORD_GUILD_ID;

  try {
    const result = await registerDiscordCommands({
      token: config.DISCORD_TOKEN,
      applicationId: config.DISCORD_APPLICATION_ID,
      apiUrl: config.DISCORD_API_URL,
      guildId,
      clear,
    });
    const where = result.scope === "guild" ? `server ${guildId}` : "every server the bot is in (global)";
    if (clear) console.log(`Removed the bot's commands from ${where}.`);
    else console.log(`Registered ${result.names.length} commands (${result.names.map((n) => `/${n}`).join(", ")}) for ${where}.`);
    return 0;
  } catch (err) {
    const e = err as { status?: number; message?: string };
    const hint =
      e.status === 401
        ? "Discord refused DISCORD_TOKEN: copy the bot token again (Bot > Reset Token)."
        : e.status === 403 || e.status === 404
          ? `Check DISCORD_APPLICATION_ID${guildId ? ` and that the bot was invited to server ${guildId} with the applications.commands scope` : ""}.`
          : `Check that ${config.DISCORD_API_URL} is reachable.`;
    console.error(`catalyst-bot discord register: registration failed: ${e.message ?? String(err)}. ${hint}`);
    return 1;
  }
}
