// /catalysts TICKER [days]: the ticker's recent catalysts from its timeline, grouped by kind, newest first.
import type { CatalystSlug } from "../core/catalysts.ts";
import type { TimelineEntry } from "../core/store.ts";
import type { Company } from "../core/universe/schema.ts";
import { catalystLabel } from "./catalyst-words.ts";
import { parseTargets, tokenize } from "./parse.ts";
import { errorReply, plain, truncate } from "./reply.ts";
import type { CommandContext, CommandDeps, CommandReply, ReplySection } from "./types.ts";

export const DEFAULT_DAYS = 7;
export const MAX_DAYS = 365;
/** Entries read from the timeline; a busy ticker's older entries are summarised as a count. */
const READ_LIMIT = 200;
const PER_KIND = 5;
const EVIDENCE_CHARS = 280;

const USAGE = ["Usage: `/catalysts TICKER [days]`, e.g. `/catalysts BABA` (last 7 days) or `/catalysts 9988.HK 30`"];

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function entryLine(e: TimelineEntry): string {
  const title = truncate(plain(e.title), 200);
  const link = e.url ? `[${title}](${e.url})` : title;
  const source = e.source ? ` · ${plain(e.source)}` : "";
  const evidence = e.evidence ? `\n> ${truncate(plain(e.evidence), EVIDENCE_CHARS)}` : "";
  return `${when(e.at)}${source} · ${link}${evidence}`;
}

export async function catalysts(args: string, _ctx: CommandContext, deps: CommandDeps): Promise<CommandReply> {
  const tokens = tokenize(args);
  let days = DEFAULT_DAYS;
  const last = tokens.at(-1);
  if (last !== undefined && tokens.length > 1 && /^\d+d?$/i.test(last)) {
    days = Number.parseInt(last, 10);
    tokens.pop();
    if (days < 1 || days > MAX_DAYS) {
      return errorReply("That period doesn't work", [`\`${last}\` days: give a number of days from 1 to ${MAX_DAYS}.`, ...USAGE]);
    }
  }
  if (tokens.length === 0) return errorReply("Which ticker?", USAGE);
  const parsed = parseTargets(tokens.map((t) => (t.includes(" ") ? `"${t}"` : t)).join(" "), deps.universe);
  if (parsed.problems.length) return errorReply("No such ticker", [...parsed.problems, ...USAGE], parsed.suggestions);
  const [company, ...others] = parsed.companies as [Company | undefined, ...Company[]];
  if (!company || others.length || parsed.catalysts.length || parsed.all || parsed.minConfidence !== undefined) {
    return errorReply("One ticker at a time", ["`/catalysts` shows one ticker's catalysts.", ...USAGE]);
  }

  const now = (deps.now ?? (() => new Date()))();
  const since = new Date(now.getTime() - days * 86_400_000);
  const entries = await deps.timeline.recent(company.symbol, since, READ_LIMIT);
  const period = `the last ${days} day${days === 1 ? "" : "s"}`;
  const title = `${company.symbol} ${plain(company.name)}: catalysts in ${period}`;
  if (entries.length === 0) {
    return {
      ok: true,
      ephemeral: true,
      title,
      sections: [
        {
          lines: [
            `No catalysts for ${company.symbol} since ${when(since.toISOString())} (looked back ${days} day${days === 1 ? "" : "s"}).`,
            days < MAX_DAYS ? `Look further back with \`/catalysts ${company.symbol} ${Math.min(MAX_DAYS, days * 4)}\`.` : "",
          ].filter(Boolean),
        },
      ],
    };
  }
  // Groups keep the order of their newest entry, so the freshest kind of news comes first.
  const sorted = [...entries].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const groups = new Map<CatalystSlug, TimelineEntry[]>();
  for (const e of sorted) {
    const list = groups.get(e.catalyst) ?? [];
    list.push(e);
    groups.set(e.catalyst, list);
  }
  const sections: ReplySection[] = [];
  for (const [slug, list] of groups) {
    const lines = list.slice(0, PER_KIND).map(entryLine);
    if (list.length > PER_KIND) lines.push(`…and ${list.length - PER_KIND} more`);
    sections.push({ heading: `${catalystLabel(slug)} (${list.length})`, lines });
  }
  if (entries.length >= READ_LIMIT) {
    sections.push({ lines: [`Showing the newest ${READ_LIMIT} entries; use fewer days to see a shorter period in full.`] });
  }
  return { ok: true, ephemeral: true, title, sections };
}
