// Slack Block Kit messages for alerts and slash-command replies: pure, escaped, always within Slack's limits.
import { CATALYST_LABELS } from "../catalysts.ts";
import type { Alert } from "../types.ts";
import type { CommandReply } from "../../commands/types.ts";

/** Slack's documented Block Kit limits (characters unless said otherwise). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3_000,
  headerText: 150,
  /** Context elements: at most 10 per block; we keep each element's text within 2,000 to be safe. */
  contextElements: 10,
  contextText: 2_000,
  /** The top-level `text` is the notification and fallback; Slack truncates past 40,000, we stay far below. */
  fallbackText: 3_000,
} as const;

export interface SlackTextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: "header"; text: SlackTextObject }
  | { type: "section"; text: SlackTextObject }
  | { type: "context"; elements: SlackTextObject[] }
  | { type: "divider" };

/** What chat.postMessage (or a response_url) gets, minus channel and thread. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const ELLIPSIS = "…";
/** The evidence is a quote, not the article. */
const EVIDENCE_MAX = 1_000;
const TITLE_MAX = 300;

/** Slack's control characters. Escaping them is what keeps article text from posting <!channel> or <@U123>. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to at most max UTF-16 units (the larger of the ways Slack might count), never splitting
 * an emoji, and marks the cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out.trimEnd() + ELLIPSIS;
}

const length = (s: string) => s.length;

/** Escapes and clips so that the escaped text, not the raw text, is at most max characters. */
export function escapeClip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (length(escapeSlack(flat)) <= max) return escapeSlack(flat);
  let out = "";
  let used = 0;
  for (const ch of flat) {
    const e = escapeSlack(ch);
    if (used + e.length > max - 1) break;
    out += e;
    used += e.length;
  }
  return out.trimEnd() + ELLIPSIS;
}

/** Longer links are dropped rather than risk a section over Slack's limit. */
const URL_MAX = 1_500;

/** A link target Slack will not misread: http(s) only; the characters that end a link are percent-encoded. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  const href = escapeSlack(parsed.href.replace(/\|/g, "%7C"));
  return length(href) <= URL_MAX ? href : undefined;
}

/** mrkdwn link with escaped, clipped label; plain escaped label when the URL is unusable. */
function link(label: string, url: string | undefined, max: number): string {
  const text = escapeClip(label, max);
  const target = safeUrl(url);
  return target ? `<${target}|${text}>` : text;
}

function quote(text: string, max: number): string {
  return text.trim() ? `> ${escapeClip(text, max)}` : "";
}

function when(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeSlack(iso);
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  // Slack shows the date in each reader's own time zone; the fallback is for clients that cannot.
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function plainClip(text: string, max: number): string {
  return clip(text.replace(/\s+/g, " ").trim(), max);
}

/** The first message of a story in a channel: header, linked title, evidence, then source, time and confidence. */
export function formatSlackAlert(alert: Alert): SlackMessage {
  if (alert.followUp) return formatSlackFollowUp(alert);
  const label = CATALYST_LABELS[alert.catalyst];
  const subject = alert.ticker ?? "Market";
  const header = plainClip(`${subject} · ${label}${alert.companyName ? ` · ${alert.companyName}` : ""}`, SLACK_LIMITS.headerText);
  const title = `*${link(alert.title, alert.url, TITLE_MAX)}*`;
  const evidence = quote(alert.evidence, EVIDENCE_MAX);
  const meta = [
    alert.source ? escapeClip(alert.source, 200) : undefined,
    when(alert.published),
    `confidence ${Math.round(alert.confidence * 100)}%`,
  ].filter(Boolean);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: header, emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: evidence ? `${title}\n${evidence}` : title } },
    { type: "context", elements: [{ type: "mrkdwn", text: clipMrkdwnLine(meta.join(" · "), SLACK_LIMITS.contextText) }] },
  ];
  const fallback = `${subject} ${label}: ${escapeClip(alert.title, TITLE_MAX)}`;
  return { text: clip(fallback, SLACK_LIMITS.fallbackText), blocks };
}

/** A later source of the same story, posted in the story's thread: one compact line. */
export function formatSlackFollowUp(alert: Alert): SlackMessage {
  const source = alert.source ? `*${escapeClip(alert.source, 200)}*: ` : "";
  const line = `${source}${link(alert.title, alert.url, TITLE_MAX)}`;
  const evidence = quote(alert.evidence, 300);
  const blocks: SlackBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: evidence ? `${line}\n${evidence}` : line } },
    { type: "context", elements: [{ type: "mrkdwn", text: `${when(alert.published)} · confidence ${Math.round(alert.confidence * 100)}%` }] },
  ];
  const text = `Also reported${alert.source ? ` by ${escapeClip(alert.source, 200)}` : ""}: ${escapeClip(alert.title, TITLE_MAX)}`;
  return { text: clip(text, SLACK_LIMITS.fallbackText), blocks };
}

// mrkdwn we built ourselves must not be cut inside a <link|label>: drop whole trailing pieces instead.
function clipMrkdwnLine(text: string, max: number): string {
  if (length(text) <= max) return text;
  const cut = clip(text, max).slice(0, -1);
  const open = cut.lastIndexOf("<");
  const safe = open > cut.lastIndexOf(">") ? cut.slice(0, open) : cut;
  // A cut can also split an entity such as &amp;.
  return safe.replace(/&[a-z]*$/, "").trimEnd() + ELLIPSIS;
}

/**
 * Reply markup -> mrkdwn: escape first, then **bold** -> *bold*, [text](url) -> <url|text>,
 * and a line that starts with "> " stays a quote.
 */
export function replyLineToMrkdwn(line: string): string {
  return line
    .split("\n")
    .map((part) => {
      const isQuote = part.startsWith("> ");
      const body = isQuote ? part.slice(2) : part;
      const converted = escapeSlack(body)
        .replace(/\*\*([^*]+)\*\*/g, "*$1*")
        .replace(/\[([^\]]*)\]\((https?:\/\/[^\s)]+)\)/g, (_m, text: string, url: string) => {
          // url was escaped along with the line; safeUrl escapes again, so undo first.
          const raw = url.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
          const target = safeUrl(raw);
          return target ? `<${target}|${text}>` : text;
        });
      return isQuote ? `> ${converted}` : converted;
    })
    .join("\n");
}

/** Packs lines into section texts of at most `max` characters, never splitting a line unless it alone is too long. */
function packLines(lines: string[], max: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = length(raw) > max ? clipMrkdwnLine(raw, max) : raw;
    if (!current) current = line;
    else if (length(current) + 1 + length(line) <= max) current += `\n${line}`;
    else {
      out.push(current);
      current = line;
    }
  }
  if (current) out.push(current);
  return out;
}

/** A slash-command reply as Block Kit: title header, one section per heading, suggestions as context. */
export function formatSlackReply(reply: CommandReply): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: plainClip(`${reply.ok ? "" : "⚠️ "}${reply.title}`, SLACK_LIMITS.headerText), emoji: true } },
  ];
  const body: SlackBlock[] = [];
  const fallbackLines: string[] = [];
  for (const section of reply.sections) {
    const lines = section.lines.map(replyLineToMrkdwn);
    if (section.heading) lines.unshift(`*${escapeSlack(section.heading)}*`);
    for (const text of packLines(lines, SLACK_LIMITS.sectionText)) body.push({ type: "section", text: { type: "mrkdwn", text } });
    fallbackLines.push(...lines);
  }
  if (reply.suggestions?.length) {
    const text = `Did you mean: ${reply.suggestions.map((s) => `\`${escapeSlack(s)}\``).join(", ")}?`;
    body.push({ type: "context", elements: [{ type: "mrkdwn", text: clipMrkdwnLine(text, SLACK_LIMITS.contextText) }] });
  }
  const room = SLACK_LIMITS.blocksPerMessage - blocks.length;
  if (body.length > room) {
    const kept = body.slice(0, room - 1);
    const dropped = body.length - kept.length;
    kept.push({ type: "context", elements: [{ type: "mrkdwn", text: `…${dropped} more part${dropped === 1 ? "" : "s"} not shown: narrow the command down.` }] });
    blocks.push(...kept);
  } else blocks.push(...body);
  const text = clipMrkdwnLine([escapeSlack(reply.title), ...fallbackLines].join("\n"), SLACK_LIMITS.fallbackText);
  return { text, blocks };
}
