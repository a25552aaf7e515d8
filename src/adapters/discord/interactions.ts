// Answers Discord slash commands and autocomplete with the platform-neutral commands; tenant = the guild.
import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
} from "discord.js";
import type { Logger } from "pino";
import { isCommandName, runCommand } from "../../commands/index.ts";
import type { CommandContext, CommandDeps, CommandName, CommandReply } from "../../commands/types.ts";
import { formatCommandReply, type DiscordReplyMessage } from "../../core/format/discord.ts";
import { catalystChoices, commandArgs, tickerChoices } from "./commands.ts";

export interface InteractionHandlerDeps extends CommandDeps {
  log?: Pick<Logger, "info" | "warn" | "error">;
  /**
   * How long a command may run before we defer (Discord drops an interaction not answered within 3 s).
   * /catalysts always defers: it reads a timeline that can be long.
   */
  deferAfterMs?: number;
}

const DM_REPLY: CommandReply = {
  ok: false,
  ephemeral: true,
  title: "These commands only work in a server",
  sections: [{ lines: ["Subscriptions belong to a server's channels: run the command in the channel that should get the alerts."] }],
};

const FAILURE_REPLY: CommandReply = {
  ok: false,
  ephemeral: true,
  title: "Something went wrong",
  sections: [{ lines: ["The command could not finish. Try again in a minute; if it keeps failing, tell the bot's operator (the error is in its log)."] }],
};

function toReplyOptions(message: DiscordReplyMessage): InteractionReplyOptions {
  const options: InteractionReplyOptions = { embeds: message.embeds, allowedMentions: { parse: [] } };
  if (message.ephemeral) options.flags = MessageFlags.Ephemeral;
  return options;
}

function timeout(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
}

export function createInteractionHandler(deps: InteractionHandlerDeps): (interaction: Interaction) => Promise<void> {
  const deferAfterMs = deps.deferAfterMs ?? 1_500;

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (!isCommandName(interaction.commandName)) {
      await interaction.reply(toReplyOptions(formatCommandReply({ ...FAILURE_REPLY, title: `Unknown command /${interaction.commandName}`, sections: [{ lines: ["Run `npm run discord:register` to update this bot's commands."] }] })));
      return;
    }
    const name: CommandName = interaction.commandName;
    if (!interaction.inGuild()) {
      await interaction.reply(toReplyOptions(formatCommandReply(DM_REPLY)));
      return;
    }
    // default_member_permissions only hides the command; server admins can override it, so check again here.
    const ctx: CommandContext = {
      platform: "discord",
      tenant: interaction.guildId,
      channel: interaction.channelId,
      userId: interaction.user.id,
      canManage: interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false,
    };
    const args = commandArgs(name, interaction.options);
    const work = runCommand(name, args, ctx, deps).catch((err: unknown) => {
      deps.log?.error({ err, command: name, guild: ctx.tenant }, "discord command failed");
      return FAILURE_REPLY;
    });

    // Answer directly when the command is quick (so its ephemeral flag is exact), else defer first.
    const early = name === "catalysts" ? "timeout" : await Promise.race([work, timeout(deferAfterMs)]);
    if (early !== "timeout") {
      await interaction.reply(toReplyOptions(formatCommandReply(early)));
      return;
    }
    // Deferred replies fix their visibility up front: private, since most replies (and every error) are.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply = formatCommandReply(await work);
    const { flags: _flags, ...edit } = toReplyOptions(reply);
    if (reply.ephemeral) {
      await interaction.editReply(edit);
    } else {
      // A public result (a subscription changed) must be seen by the channel: replace the private placeholder.
      await interaction.deleteReply();
      await interaction.followUp(edit);
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const typed = String(focused.value ?? "");
    let choices: Array<{ name: string; value: string }> = [];
    if (focused.name === "tickers" || focused.name === "ticker") {
      choices = tickerChoices(typed, deps.universe, focused.name === "tickers");
    } else if (focused.name === "catalysts") {
      choices = catalystChoices(typed);
    }
    await interaction.respond(choices);
  }

  return async (interaction: Interaction): Promise<void> => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
    } catch (err) {
      // An expired interaction (10062) or a network error: nothing more can be sent to this user.
      deps.log?.warn({ err, interaction: interaction.id }, "could not answer a discord interaction");
    }
  };
}
