// The `catalyst-bot` command line: dispatches to one module per subcommand, loaded on demand.
const USAGE = `usage: catalyst-bot <command> [options]

commands:
  start                      run the bot: poller, workers and every adapter that has credentials
  feeds list|add|remove|enable  manage the polled feeds at run time and show their health
  deliveries list|explain|retry|enable
                             undelivered alerts and disabled destinations: why, and send them again
  subscriptions export|import   back up every channel's subscriptions as JSON, and restore them
  classify                   classify JSON Lines articles from stdin to stdout (no Redis needed)
  universe import FILE       add companies from SEC's company_tickers.json to config/universe/local.json
  universe check             validate the ticker universe and print its size
  discord register [--guild ID | --global]
                             register the Discord slash commands (one server, or every server)

Run 'catalyst-bot <command> --help' for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  start: () => import("./cli/start.ts"),
  feeds: () => import("./cli/feeds.ts"),
  deliveries: () => import("./cli/deliveries.ts"),
  subscriptions: () => import("./cli/subscriptions.ts"),
  classify: () => import("./cli/classify.ts"),
  universe: () => import("./cli/universe.ts"),
  discord: () => import("./cli/discord-register.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`catalyst-bot: unknown command '${name}'.\n\n${USAGE}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`catalyst-bot: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
