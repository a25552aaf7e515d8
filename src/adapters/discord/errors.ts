// Turns what @discordjs/rest throws into our delivery-error kinds: stop for good, retry later, or wait.
import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { DeliveryError, PermanentDeliveryError, RateLimitedError, TransientDeliveryError } from "../../core/delivery-errors.ts";

/** Discord's JSON error codes that mean "this channel will not take our messages until someone acts". */
const PERMANENT_CODES: Readonly<Record<number, string>> = {
  10003: "the channel no longer exists (Unknown Channel): remove its subscriptions",
  10004: "the bot is no longer in that server (Unknown Guild): remove its subscriptions or invite the bot again",
  50001: "the bot cannot see the channel (Missing Access): give it View Channel there, or remove the subscriptions",
  50013: "the bot lacks a permission in the channel (Missing Permissions): give it Send Messages, Embed Links and Read Message History there",
  50008: "the channel does not take messages (Cannot send messages in a non-text channel): subscribe a text channel instead",
  50035: "Discord rejected the message as malformed (Invalid Form Body): please report this as a bug",
};

/** `what` names the attempt for the operator, e.g. "posting to Discord channel 123". */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) {
    const waitMs = Math.max(err.retryAfter, err.timeToReset, 1);
    return new RateLimitedError(`${what}: Discord asked us to wait ${Math.ceil(waitMs / 1000)} s (rate limit of ${err.route})`, waitMs, err.global ? "global" : "429");
  }
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === "number" ? err.code : undefined;
    const codeText = String(err.code);
    if (err.status === 429) {
      const raw = err.rawError as { retry_after?: number; global?: boolean };
      const waitMs = Math.max(1, Math.ceil((raw.retry_after ?? 1) * 1000));
      return new RateLimitedError(`${what}: Discord asked us to wait ${Math.ceil(waitMs / 1000)} s${raw.global ? " (global limit: every Discord send waits)" : ""}`, waitMs, raw.global ? "global" : codeText);
    }
    const known = code !== undefined ? PERMANENT_CODES[code] : undefined;
    if (known) return new PermanentDeliveryError(`${what}: ${known} (Discord code ${code})`, codeText);
    if (err.status === 401) {
      // Discord's body says code 0 for a 401: report the status, so the deliverer disables the whole token.
      return new PermanentDeliveryError(`${what}: Discord refused the bot token (401): set a valid DISCORD_TOKEN and restart`, "401");
    }
    if (err.status === 403 || err.status === 404) {
      return new PermanentDeliveryError(`${what}: Discord answered ${err.status} (${err.message}): check the channel still exists and the bot may post there`, codeText);
    }
    if (err.status >= 500) return new TransientDeliveryError(`${what}: Discord answered ${err.status} (${err.message})`, codeText);
    // Any other 4xx: the same request will fail the same way, so retrying only delays the operator.
    return new PermanentDeliveryError(`${what}: Discord answered ${err.status} (${err.message})`, codeText);
  }
  if (err instanceof HTTPError) {
    if (err.status >= 500) return new TransientDeliveryError(`${what}: Discord answered ${err.status} ${err.name}`, String(err.status));
    return new PermanentDeliveryError(`${what}: Discord answered ${err.status} ${err.name}`, String(err.status));
  }
  // After a 401, @discordjs/rest forgets the token and refuses every later request with this error.
  if (err instanceof Error && /Expected token to be set/i.test(err.message)) {
    return new PermanentDeliveryError(`${what}: Discord refused the bot token earlier (401): set a valid DISCORD_TOKEN and restart`, "401");
  }
  // Network failures, timeouts (AbortError), DNS: Discord or the path to it is down for now.
  const message = err instanceof Error ? err.message : String(err);
  return new TransientDeliveryError(`${what}: could not reach Discord (${message})`, "network");
}
