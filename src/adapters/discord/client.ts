// Builds and starts the discord.js Gateway client that answers slash commands (alerts go out through the notifier).
import { Client, Events, GatewayIntentBits } from "discord.js";
import { createInteractionHandler, type InteractionHandlerDeps } from "./interactions.ts";

export interface DiscordClientOptions {
  /** DISCORD_API_URL: the REST base; discord.js asks it (GET /gateway/bot) where the Gateway is. */
  apiUrl: string;
}

/** Guilds is the only intent needed: interactions arrive without any privileged intent. */
export function createDiscordClient(options: DiscordClientOptions): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: options.apiUrl },
    allowedMentions: { parse: [] },
  });
}

export interface StartDiscordDeps extends InteractionHandlerDeps {
  token: string;
  apiUrl: string;
  /** Give up logging in after this long (a wrong DISCORD_API_URL would otherwise hang start-up). */
  loginTimeoutMs?: number;
}

export interface DiscordBot {
  client: Client;
  stop(): Promise<void>;
}

/** Logs in, answers interactions until stopped, and resolves once the client is ready. */
export async function startDiscord(deps: StartDiscordDeps): Promise<DiscordBot> {
  const client = createDiscordClient({ apiUrl: deps.apiUrl });
  const handle = createInteractionHandler(deps);
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (err) => deps.log?.error({ err }, "discord client error"));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const limitMs = deps.loginTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Discord login did not finish within ${limitMs / 1000} s: check DISCORD_TOKEN and that ${deps.apiUrl} is reachable`)),
      limitMs,
    );
  });
  try {
    await Promise.race([client.login(deps.token).then(() => ready), timedOut]);
  } catch (err) {
    await client.destroy();
    if (err instanceof Error && /TokenInvalid|An invalid token was provided/i.test(`${err.name} ${err.message}`)) {
      throw new Error("Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot > Reset Token)");
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
  deps.log?.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "discord bot ready");
  return {
    client,
    async stop() {
      await client.destroy();
    },
  };
}
