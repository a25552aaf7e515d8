// Discord message payloads (embeds) for alerts and slash-command replies: pure, always within Discord's limits.
import { CATALYST_LABELS, type CatalystSlug } from "../catalysts.ts";
import type { Alert } from "../types.ts";
import type { CommandReply } from "../../commands/types.ts";

/** Discord's documented message limits (characters; the 6,000 total counts every embed of one message). */
export const DISCORD_LIMITS = {
  content: 2_000,
  embedsPerMessage: 10,
  embedTotal: 6_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  author: 256,
  url: 2_048,
} as const;

/**
 * One colour per catalyst, so a channel can be scanned by colour. Related catalysts share a hue family
 * (results and outlook are blues/teals, corporate-finance events purples/oranges, state action reds,
 * people and courts dark tones); every colour is distinct.
 */
export const CATALYST_COLOURS: Readonly<Record<CatalystSlug, number>> = {
  buyback: 0x2ecc71, // green: money returned to shareholders
  earnings: 0x3498db, // blue
  guidance: 0x1abc9c, // teal: the forward-looking sibling of earnings
  dividend: 0xf1c40f, // gold: money returned to shareholders
  m_and_a: 0x9b59b6, // purple
  capital_raise: 0xe67e22, // orange: dilution or debt
  listing: 0x5865f2, // blurple
  regulation: 0xe74c3c, // red: state action
  macro_policy: 0x95a5a6, // grey: market-wide
  geopolitics: 0x992d22, // dark red: state action abroad
  product: 0xe91e63, // pink
  capex: 0x206694, // dark blue
  analyst: 0xa84300, // brown
  management: 0x71368a, // dark purple
  legal: 0x34495e, // slate
};

const REPLY_COLOUR_OK = 0x5865f2;
const REPLY_COLOUR_ERROR = 0xed4245;
/** The evidence is a quote, not the article: longer quotes stop being scannable. */
const EVIDENCE_MAX = 1_000;
const ELLIPSIS = "…";

export interface DiscordEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** The subset of Discord's embed object that we send. */
export interface DiscordEmbed {
  title?: string;
  url?: string;
  description?: string;
  color?: number;
  timestamp?: string;
  author?: { name: string };
  footer?: { text: string };
  fields?: DiscordEmbedField[];
}

/** Body of POST /channels/{id}/messages, of a webhook execution, or of an interaction response message. */
export interface DiscordMessage {
  content?: string;
  embeds: DiscordEmbed[];
  /** Always empty: nothing we post may ping anyone, whatever an article says. */
  allowed_mentions: { parse: [] };
}

export interface DiscordReplyMessage extends DiscordMessage {
  ephemeral: boolean;
}

/**
 * Escapes Discord markdown and defuses mentions in text we did not write (article titles, quotes, sources).
 * allowed_mentions already stops pings; this also stops "@everyone" or "<@123>" from *looking* like one.
 */
export function escapeDiscordText(text: string): string {
  return text
    // Parentheses need no escape once brackets are escaped (no masked link can form); ">" only quotes at a line start.
    .replace(/[\\*_~`|[\]<]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>-])/gm, "$1\\$2")
    .replace(/^(\s*)(\d+)\. /gm, "$1$2\\. ")
    .replace(/@(everyone|here)/gi, "@\u200b$1");
}

/** For author and footer, which Discord shows as plain text: only defuses what looks like a mention. */
export function plainDiscordText(text: string): string {
  return text.replace(/@(everyone|here)/gi, "@\u200b$1").replace(/<([@#&:])/g, "<\u200b$1");
}

/**
 * Shortens text to at most `max` UTF-16 units (never more characters than Discord counts), ending with "…".
 * Never splits a surrogate pair, and never leaves a lone trailing backslash that would escape the ellipsis.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let cut = text.slice(0, max - ELLIPSIS.length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  const trailingSlashes = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailingSlashes % 2 === 1) cut = cut.slice(0, -1);
  return cut.trimEnd() + ELLIPSIS;
}

/** A URL Discord accepts in an embed or a masked link: http(s), within the length limit; else undefined. */
export function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Parentheses and spaces would end a masked link early.
  const href = url.href.replace(/\(/g, "%28").replace(/\)/g, "%29");
  return href.length <= DISCORD_LIMITS.url ? href : undefined;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return undefined;
  }
}

/** Discord renders <t:SECONDS:STYLE> in each reader's own time zone. */
function discordTime(iso: string, style: "f" | "R"): string | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `<t:${Math.floor(ms / 1000)}:${style}>` : undefined;
}

function isoOrUndefined(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function quote(text: string): string {
  const lines = text.trim().split(/\r?\n/).filter((l) => l.trim() !== "");
  return lines.map((l) => `> ${l}`).join("\n");
}

function subjectOf(alert: Alert): string {
  if (!alert.ticker) return "Market-wide";
  return alert.companyName ? `${alert.ticker} · ${alert.companyName}` : alert.ticker;
}

/** A new alert: one embed coloured by catalyst, the article title linked, the evidence quoted. */
export function formatAlertMessage(alert: Alert): DiscordMessage {
  if (alert.followUp) return formatFollowUpMessage(alert);
  const label = CATALYST_LABELS[alert.catalyst];
  const source = alert.source?.trim() || hostOf(alert.url);
  const evidence = alert.evidence.trim();
  const fields: DiscordEmbedField[] = [
    { name: "Catalyst", value: label, inline: true },
    { name: "Confidence", value: `${Math.round(alert.confidence * 100)}%`, inline: true },
  ];
  // The ticker and company are the author line; the source and the time are the footer, where Discord shows
  // the timestamp in each reader's own time zone. Author and footer are plain text: no markdown to escape.
  const embed: DiscordEmbed = {
    author: { name: plainDiscordText(subjectOf(alert)) },
    title: escapeDiscordText(alert.title.trim() || "(untitled article)"),
    url: safeUrl(alert.url),
    description: evidence ? quote(truncate(escapeDiscordText(evidence), EVIDENCE_MAX)) : undefined,
    color: CATALYST_COLOURS[alert.catalyst],
    fields,
    timestamp: isoOrUndefined(alert.published),
    footer: { text: plainDiscordText(source ?? "catalyst-bot") },
  };
  const who = alert.ticker ? escapeDiscordText(alert.ticker) : "the market";
  return fitMessage({
    content: `**${label}** catalyst for **${who}**`,
    embeds: [embed],
    allowed_mentions: { parse: [] },
  });
}

/** A later source of a story: a short reply under the story's first message, not a second full alert. */
export function formatFollowUpMessage(alert: Alert): DiscordMessage {
  const source = alert.source?.trim() || hostOf(alert.url) || "another source";
  const title = escapeDiscordText(truncate(alert.title.trim() || "(untitled article)", 300));
  const url = safeUrl(alert.url);
  const when = discordTime(alert.published, "R");
  const line = `${url ? `[${title}](${url})` : title} · ${escapeDiscordText(truncate(source, 100))}${when ? ` · ${when}` : ""}`;
  return fitMessage({
    embeds: [{ description: `**Also reported:** ${line}`, color: CATALYST_COLOURS[alert.catalyst] }],
    allowed_mentions: { parse: [] },
  });
}

/**
 * Renders the commands' neutral markup: **bold**, `code`, [text](url) and a leading "> " quote are kept,
 * everything else is escaped, because reply lines quote article titles and user input.
 */
export function renderNeutralMarkup(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const quoted = /^> /.exec(line);
      return quoted ? `> ${renderInline(line.slice(2))}` : renderInline(line);
    })
    .join("\n");
}

function renderInline(line: string): string {
  const token = /\*\*(.+?)\*\*|`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)/g;
  let out = "";
  let at = 0;
  for (let m = token.exec(line); m; m = token.exec(line)) {
    out += escapeDiscordText(line.slice(at, m.index));
    if (m[1] !== undefined) {
      out += `**${renderInline(m[1])}**`;
    } else if (m[2] !== undefined) {
      // Discord shows code spans verbatim: nothing inside needs escaping.
      out += `\`${m[2]}\``;
    } else {
      const text = escapeDiscordText(m[3] ?? "");
      const url = safeUrl(m[4]);
      out += url ? `[${text}](${url})` : text;
    }
    at = m.index + m[0].length;
  }
  return out + escapeDiscordText(line.slice(at));
}

/** Splits lines into chunks of at most `max` characters, breaking between lines (an over-long line is cut). */
function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** A slash-command reply: the title and unheaded sections as the description, headed sections as fields. */
export function formatCommandReply(reply: CommandReply): DiscordReplyMessage {
  const descriptionLines: string[] = [];
  const fields: DiscordEmbedField[] = [];
  for (const section of reply.sections) {
    const lines = section.lines.map(renderNeutralMarkup);
    if (!section.heading) {
      descriptionLines.push(...lines);
      continue;
    }
    const heading = truncate(renderNeutralMarkup(section.heading), DISCORD_LIMITS.fieldName);
    const chunks = chunkLines(lines.length ? lines : ["—"], DISCORD_LIMITS.fieldValue);
    chunks.forEach((value, i) => fields.push({ name: i === 0 ? heading : truncate(`${heading} (cont.)`, DISCORD_LIMITS.fieldName), value }));
  }
  if (reply.suggestions?.length) {
    fields.push({ name: "Did you mean", value: reply.suggestions.map(renderNeutralMarkup).join(", ") });
  }
  const colour = reply.ok ? REPLY_COLOUR_OK : REPLY_COLOUR_ERROR;
  const title = truncate(renderNeutralMarkup(reply.title), DISCORD_LIMITS.title);
  const descriptionChunks = chunkLines(descriptionLines, DISCORD_LIMITS.description);

  // Several embeds when one cannot hold it all; fitMessage then enforces the per-message totals.
  const embeds: DiscordEmbed[] = [];
  const first: DiscordEmbed = { title, color: colour };
  if (descriptionChunks[0]) first.description = descriptionChunks[0];
  embeds.push(first);
  for (const chunk of descriptionChunks.slice(1)) embeds.push({ description: chunk, color: colour });
  for (const field of fields) {
    let last = embeds[embeds.length - 1] as DiscordEmbed;
    if ((last.fields?.length ?? 0) >= DISCORD_LIMITS.fields) {
      last = { color: colour };
      embeds.push(last);
    }
    (last.fields ??= []).push(field);
  }
  return { ...fitMessage({ embeds, allowed_mentions: { parse: [] } }), ephemeral: reply.ephemeral };
}

/** Characters Discord counts towards the 6,000 limit of one embed. */
export function embedLength(embed: DiscordEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.author?.name.length ?? 0) + (embed.footer?.text.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

const OMITTED = "…(more omitted: Discord's message size limit)";

/**
 * The last line of defence: clamps every part to its own limit, then drops what does not fit in the
 * message totals (embeds past 10, fields and embeds past 6,000 characters) and says so.
 */
export function fitMessage(message: DiscordMessage): DiscordMessage {
  const clamped = message.embeds.map(clampEmbed);
  const embeds: DiscordEmbed[] = [];
  let total = 0;
  let omitted = false;
  for (const embed of clamped) {
    if (embeds.length >= DISCORD_LIMITS.embedsPerMessage) {
      omitted = true;
      break;
    }
    const room = DISCORD_LIMITS.embedTotal - total - OMITTED.length;
    const size = embedLength(embed);
    if (size <= room) {
      embeds.push(embed);
      total += size;
      continue;
    }
    const shrunk = shrinkEmbed(embed, room);
    if (shrunk) {
      embeds.push(shrunk);
      total += embedLength(shrunk);
    }
    omitted = true;
    break;
  }
  if (omitted && embeds.length > 0) {
    const last = embeds[embeds.length - 1] as DiscordEmbed;
    const footer = last.footer ? truncate(`${last.footer.text} ${OMITTED}`, DISCORD_LIMITS.footer) : OMITTED;
    const before = last.footer?.text.length ?? 0;
    if (total - before + footer.length <= DISCORD_LIMITS.embedTotal) last.footer = { text: footer };
  }
  const out: DiscordMessage = { embeds, allowed_mentions: { parse: [] } };
  if (message.content !== undefined) out.content = truncate(message.content, DISCORD_LIMITS.content);
  return out;
}

function clampEmbed(embed: DiscordEmbed): DiscordEmbed {
  const out: DiscordEmbed = { ...embed };
  if (out.url === undefined) delete out.url;
  if (out.timestamp === undefined) delete out.timestamp;
  if (out.title !== undefined) out.title = truncate(out.title, DISCORD_LIMITS.title);
  if (out.description !== undefined) {
    out.description = truncate(out.description, DISCORD_LIMITS.description);
    if (!out.description) delete out.description;
  } else {
    delete out.description;
  }
  if (out.author) out.author = { name: truncate(out.author.name, DISCORD_LIMITS.author) };
  if (out.footer) out.footer = { text: truncate(out.footer.text, DISCORD_LIMITS.footer) };
  if (out.fields) {
    out.fields = out.fields.slice(0, DISCORD_LIMITS.fields).map((f) => {
      const field: DiscordEmbedField = {
        name: truncate(f.name, DISCORD_LIMITS.fieldName) || "\u200b",
        value: truncate(f.value, DISCORD_LIMITS.fieldValue) || "\u200b",
      };
      if (f.inline !== undefined) field.inline = f.inline;
      return field;
    });
  }
  return out;
}

/** Fits one embed into `room` characters by dropping trailing fields, then shortening the description. */
function shrinkEmbed(embed: DiscordEmbed, room: number): DiscordEmbed | undefined {
  const out: DiscordEmbed = { ...embed, fields: [...(embed.fields ?? [])] };
  while ((out.fields?.length ?? 0) > 0 && embedLength(out) > room) out.fields?.pop();
  if (out.fields?.length === 0) delete out.fields;
  if (embedLength(out) > room && out.description) {
    const over = embedLength(out) - room;
    out.description = truncate(out.description, Math.max(0, out.description.length - over));
    if (!out.description) delete out.description;
  }
  return embedLength(out) <= room && (out.title || out.description || out.fields) ? out : undefined;
}
