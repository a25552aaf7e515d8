// The console notifier: prints alerts on stdout (logs go to stderr), so alerts show with zero setup.
import type { Notifier } from "../../core/notifier.ts";
import type { Destination } from "../../core/store.ts";
import { formatConsoleAlert } from "./format.ts";

/** The one console destination: the standing route that gets every alert above CONSOLE_MIN_CONFIDENCE. */
export const CONSOLE_DESTINATION: Destination = { platform: "console", tenant: "local", channel: "stdout" };

export interface ConsoleNotifierDeps {
  write?: (text: string) => void;
  color?: boolean;
}

export function createConsoleNotifier(deps: ConsoleNotifierDeps = {}): Notifier {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const color = deps.color ?? false;
  return {
    platform: "console",
    async send(destination, alert) {
      write(`${formatConsoleAlert(alert, { color })}\n`);
      return { messageId: alert.alertId, channel: destination.channel };
    },
  };
}
