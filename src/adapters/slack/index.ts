// Wires Slack into the running bot: the alert notifier and the slash-command bot, each when its settings are present.
import type { Logger } from "pino";
import type { BotFactory, NotifierFactory } from "../../app.ts";
import { loadUniverse } from "../universe/load.ts";
import { createSlackBot, SlackSetupError } from "./app.ts";
import { createSlackNotifier } from "./notifier.ts";

export { createSlackBot, SlackSetupError, unescapeSlack } from "./app.ts";
export { createSlackNotifier } from "./notifier.ts";
export { toDeliveryError } from "./errors.ts";

// Bolt logs console-style (several arguments); pino wants one message, and errors as { err }.
function consoleFor(log: Logger): Pick<Console, "debug" | "info" | "warn" | "error"> {
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      const msg = args.filter((a) => !(a instanceof Error)).map(String).join(" ");
      if (err) log[level]({ err, component: "slack" }, msg);
      else log[level]({ component: "slack" }, msg);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export const slackNotifierFactory: NotifierFactory = ({ config }) =>
  config.SLACK_BOT_TOKEN ? createSlackNotifier({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL }) : undefined;

export const slackBotFactory: BotFactory = async ({ config, log, subscriptions, timeline }) => {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  if (!config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    throw new SlackSetupError(
      "SLACK_BOT_TOKEN is set but the slash commands need SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode). See docs/slack.md.",
    );
  }
  const bot = createSlackBot({
    botToken: config.SLACK_BOT_TOKEN,
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    apiUrl: config.SLACK_API_URL,
    port: config.SLACK_PORT,
    managers: config.SLACK_MANAGERS,
    commands: { subscriptions, timeline, universe: loadUniverse(config.UNIVERSE_DIR) },
    logger: consoleFor(log),
  });
  const { port } = await bot.start();
  log.info({ mode: bot.mode, port }, bot.mode === "socket" ? "Slack bot connected (Socket Mode)" : `Slack bot listening on port ${port}`);
  return { name: "slack", stop: () => bot.stop() };
};
