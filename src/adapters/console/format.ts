// Plain-text rendering of an alert for a terminal: what a newcomer reads on stdout with no chat platform set up.
import type { Alert } from "../../core/types.ts";

export interface ConsoleFormatOptions {
  /** ANSI colours (only when stdout is a terminal). */
  color: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function formatConsoleAlert(alert: Alert, options: ConsoleFormatOptions = { color: false }): string {
  const c = options.color;
  const confidence = `confidence ${alert.confidence.toFixed(2)}`;
  const subject = alert.ticker ? `${alert.ticker}${alert.companyName ? ` (${alert.companyName})` : ""}` : "market";
  const when = alert.published.slice(0, 16).replace("T", " ") + " UTC";
  if (alert.followUp) {
    // A further source of a story already shown: indented under it rather than a new alert.
    const lines = [
      // Named by subject too: other alerts may have printed since the story's first one.
      `    ↳ ${alert.ticker ?? "market"} ${alert.catalyst}, also reported by ${alert.source ?? "another source"}: ${alert.title}`,
      ...(alert.url ? [`      ${paint(c, "2", alert.url)}`] : []),
    ];
    return lines.join("\n");
  }
  const evidence = alert.evidence && alert.evidence !== alert.title ? [`  evidence: “${alert.evidence}”`] : [];
  return [
    `${paint(c, "1;33", "▶ ALERT")} ${paint(c, "1", subject)}  ${paint(c, "36", alert.catalyst)}  ${paint(c, "2", confidence)}`,
    `  ${alert.title}`,
    ...evidence,
    `  ${alert.source ?? "unknown source"} · ${when}${alert.url ? ` · ${paint(c, "4", alert.url)}` : ""}`,
  ].join("\n");
}
