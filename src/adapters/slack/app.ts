// The Slack bot: a Bolt app that answers the slash commands, in Socket Mode or over HTTP.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  webApi,
  type AuthorizeResult,
  type Logger as BoltLogger,
  type SlashCommand,
} from "@slack/bolt";
import { isCommandName, runCommand } from "../../commands/index.ts";
import type { CommandContext, CommandDeps } from "../../commands/types.ts";
import { formatSlackReply } from "../../core/format/slack.ts";

export interface SlackAppOptions {
  botToken: string;
  /** Socket Mode when set (xapp-...): no public URL needed. */
  appToken?: string;
  /** HTTP mode: Bolt's receiver verifies every request's signature with it. */
  signingSecret?: string;
  apiUrl: string;
  /** HTTP mode: where to listen (0 = any free port). */
  port: number;
  host?: string;
  /** User ids that may change subscriptions; empty = every member of the channel. */
  managers: readonly string[];
  commands: CommandDeps;
  logger?: Pick<Console, "debug" | "info" | "warn" | "error">;
}

export interface SlackBot {
  app: App;
  mode: "socket" | "http";
  /** Starts listening (HTTP) or connecting (Socket Mode); in HTTP mode returns the bound port. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export class SlackSetupError extends Error {
  override name = "SlackSetupError";
}

/** Slack escapes &, < and > in command text; commands want what the user typed. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function boltLogger(log: SlackAppOptions["logger"]): BoltLogger {
  const target = log ?? console;
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => target.debug(...m),
    info: (...m: unknown[]) => target.info(...m),
    warn: (...m: unknown[]) => target.warn(...m),
    error: (...m: unknown[]) => target.error(...m),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function commandContext(command: SlashCommand, managers: readonly string[]): CommandContext {
  return {
    platform: "slack",
    // Subscriptions belong to the workspace the command came from, never to the token's workspace.
    tenant: command.team_id,
    channel: command.channel_id,
    userId: command.user_id,
    canManage: managers.length === 0 || managers.includes(command.user_id),
  };
}

// Slack names private channels "privategroup" and direct messages "directmessage" / "mpdm-…" in command payloads.
function isPrivateConversation(command: SlashCommand): boolean {
  const name = command.channel_name ?? "";
  return name === "privategroup" || name === "directmessage" || name.startsWith("mpdm-") || command.channel_id.startsWith("D");
}

export function createSlackBot(options: SlackAppOptions): SlackBot {
  const logger = boltLogger(options.logger);
  const clientOptions = { slackApiUrl: options.apiUrl };
  let receiver: HTTPReceiver | SocketModeReceiver;
  let mode: SlackBot["mode"];
  if (options.appToken) {
    mode = "socket";
    receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      // apps.connections.open goes through the same API base as everything else (GovSlack, proxies).
      installerOptions: { clientOptions },
    });
  } else if (options.signingSecret) {
    mode = "http";
    receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: "/slack/events",
      logger,
      // Ack answers the HTTP request at once; the reply follows through response_url.
      processBeforeResponse: false,
      customRoutes: [
        {
          path: "/slack/healthz",
          method: ["GET"],
          handler: (_req, res) => {
            res.writeHead(200, { "content-type": "text/plain" });
            res.end("ok");
          },
        },
      ],
    });
  } else {
    throw new SlackSetupError(
      "Slack needs SLACK_APP_TOKEN (Socket Mode, recommended: Basic Information > App-Level Tokens, scope connections:write) " +
        "or SLACK_SIGNING_SECRET (HTTP mode: Basic Information > App Credentials). See docs/slack.md.",
    );
  }
  // The token is checked once at start-up, so a wrong one stops the bot with a fix instead of failing
  // every command later; the result then authorizes every request (one bot token, one workspace).
  const authClient = new webApi.WebClient(undefined, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 1 },
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
  let auth: Promise<AuthorizeResult> | undefined;
  const authorize = (): Promise<AuthorizeResult> =>
    (auth ??= authClient.auth.test({ token: options.botToken }).then(
      (r) => ({
        botToken: options.botToken,
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
      }),
      (err: unknown) => {
        auth = undefined; // a network failure is retried by the next request
        throw err;
      },
    ));
  const app = new App({ authorize, receiver, clientOptions, logger });

  app.command(/^\/[a-z-]+$/, async ({ command, ack, respond }) => {
    // Slack gives up after 3 s: acknowledge first, answer through response_url afterwards.
    await ack();
    const name = command.command.replace(/^\//, "");
    if (!isCommandName(name)) {
      // The manifest only registers known commands; this is an app configured by hand with extra ones.
      const message = formatSlackReply({
        ok: false,
        ephemeral: true,
        title: `Unknown command ${command.command}`,
        sections: [{ lines: ["This bot answers `/subscribe`, `/unsubscribe`, `/subscriptions`, `/catalysts` and `/help`."] }],
      });
      await respond({ response_type: "ephemeral", ...message });
      return;
    }
    const ctx = commandContext(command, options.managers);
    try {
      const reply = await runCommand(name, unescapeSlack(command.text ?? ""), ctx, options.commands);
      if (name === "subscribe" && reply.ok && isPrivateConversation(command)) {
        // chat:write.public only covers public channels: alerts to a private one need the bot as a member.
        reply.sections.push({
          heading: "One more step",
          lines: ["This is a private conversation: invite the bot (`/invite @catalyst-bot`) so the alerts can be posted here."],
        });
      }
      const message = formatSlackReply(reply);
      await respond({ response_type: reply.ephemeral ? "ephemeral" : "in_channel", text: message.text, blocks: message.blocks });
    } catch (err) {
      logger.error(`slash command ${command.command} failed for team ${command.team_id}:`, err);
      const message = formatSlackReply({
        ok: false,
        ephemeral: true,
        title: "Something went wrong on our side",
        sections: [{ lines: ["Try again in a minute; if it keeps failing, the bot's operator will find the error in the logs."] }],
      });
      await respond({ response_type: "ephemeral", ...message });
    }
  });

  let server: Server | undefined;
  return {
    app,
    mode,
    async start() {
      try {
        await authorize();
      } catch (err) {
        const e = err as { code?: string; data?: { error?: string }; message?: string };
        if (e.code === webApi.ErrorCode.PlatformError) {
          throw new SlackSetupError(
            `Slack rejected SLACK_BOT_TOKEN (${e.data?.error ?? "unknown error"}): copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page, and check SLACK_API_URL (${options.apiUrl}).`,
          );
        }
        // Slack unreachable: commands will retry the check; alerts have their own retries.
        logger.warn(`could not check SLACK_BOT_TOKEN with Slack at ${options.apiUrl} (${e.message ?? String(err)}); going on`);
      }
      if (mode === "socket") {
        await app.start();
        return {};
      }
      server = (await app.start({ port: options.port, host: options.host ?? "0.0.0.0" })) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      await app.stop();
    },
  };
}
