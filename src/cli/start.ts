// `catalyst-bot start`: runs poller, workers and every adapter with credentials in one process, until SIGINT/SIGTERM.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { dirname, join } from "node:path";
import { ALL_ROLES, createApp, createLogger, type App, type Role } from "../app.ts";
import { loadConfig, type Config } from "../config.ts";
import { RedisServerMissingError, startPrivateRedis, type PrivateRedis } from "../adapters/redis/private-server.ts";
import { serveOps } from "../adapters/http/serve.ts";
import { privateRedisUrlFile } from "./bot-redis.ts";

const USAGE = `usage: catalyst-bot start [--roles poller,classifier,deliverer,bot]

Runs the bot: polls the feeds of FEEDS_FILE (and those added with 'catalyst-bot feeds add'), classifies
new articles and delivers alerts. With no Slack or Discord credentials, alerts print on stdout.
Without REDIS_URL a private redis-server is started with its data under DATA_DIR/redis.

  --roles LIST   run only these roles (default: all); several processes can share one Redis`;

function parseRoles(args: string[]): Role[] | string {
  const i = args.indexOf("--roles");
  if (i === -1) return [...ALL_ROLES];
  const list = (args[i + 1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (list.length === 0 || bad.length) return `--roles takes a comma-separated list of ${ALL_ROLES.join(", ")}; got '${args[i + 1] ?? ""}'`;
  return list as Role[];
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process should stop; default: the first SIGINT or SIGTERM. */
  stopSignal?: Promise<string>;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once("SIGINT", on("SIGINT"));
    process.once("SIGTERM", on("SIGTERM"));
  });
}

/** Runs the given roles until stopped; returns the exit status. */
export async function runRoles(roles: readonly Role[], options: RunOptions = {}): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(options.env ?? process.env);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const log = createLogger(config);
  const stop = options.stopSignal ?? signalled();

  let redisUrl = config.REDIS_URL;
  let privateRedis: PrivateRedis | undefined;
  if (!redisUrl) {
    try {
      privateRedis = await startPrivateRedis({ persistent: true, dataDir: join(config.DATA_DIR, "redis") });
    } catch (err) {
      if (err instanceof RedisServerMissingError) {
        console.error(`catalyst-bot: ${err.message}`);
        return 1;
      }
      throw err;
    }
    redisUrl = privateRedis.url;
    // `catalyst-bot feeds ...` finds the running bot's Redis here.
    const urlFile = privateRedisUrlFile(config);
    mkdirSync(dirname(urlFile), { recursive: true });
    writeFileSync(urlFile, `${redisUrl}\n`);
    const server = privateRedis;
    privateRedis = {
      ...server,
      stop: async () => {
        rmSync(urlFile, { force: true });
        await server.stop();
      },
    };
    log.info({ url: redisUrl, dataDir: join(config.DATA_DIR, "redis") }, "no REDIS_URL: started a private redis-server (stopped on exit)");
  }

  let app: App | undefined;
  let health: Server | undefined;
  let code = 0;
  try {
    app = await createApp({ config, redisUrl, roles, log });
    await app.start();
    // /healthz, /readyz (Redis, its eviction policy, this process's workers), /metrics, /admin/queues: docs/operations.md.
    const running = app;
    const { queues } = running;
    health = await serveOps({
      config,
      redis: running.redis,
      metrics: running.metrics,
      queues: [queues.feedPoll, queues.articleClassify, queues.alertDeliver],
      log,
      workers: () => running.health(),
    });
    const sig = await stop;
    log.info({ signal: sig }, "shutting down");
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, "could not start");
    console.error(`catalyst-bot: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    const grace = setTimeout(() => {
      log.error({ graceMs: config.SHUTDOWN_GRACE_MS }, "shutdown took longer than SHUTDOWN_GRACE_MS: exiting anyway");
      // Exit whether or not there is a private redis-server to stop (with REDIS_URL there is none).
      void Promise.resolve(privateRedis?.stop()).finally(() => process.exit(1));
    }, config.SHUTDOWN_GRACE_MS);
    grace.unref();
    await new Promise((r) => (health ? health.close(r) : r(undefined)));
    await app?.stop();
    await privateRedis?.stop();
    clearTimeout(grace);
  }
  return code;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const roles = parseRoles(args);
  if (typeof roles === "string") {
    console.error(`catalyst-bot start: ${roles}\n\n${USAGE}`);
    return 2;
  }
  return runRoles(roles);
}
