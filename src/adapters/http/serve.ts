// Starts the ops server from settings for `catalyst-bot start` and the workers/ entry points; a busy port never stops the bot.
import type { Server } from "node:http";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { Metrics } from "../metrics.ts";
import { BOARD_PATH, createOpsServer, listenOpsServer, type ReadinessCheck } from "./ops-server.ts";

export interface ServeOpsDeps {
  config: Pick<Config, "HTTP_PORT" | "HTTP_HOST" | "ADMIN_PASSWORD">;
  redis: Redis;
  metrics: Metrics;
  queues: readonly Queue[];
  log: Logger;
  /** The process's workers, for /readyz: all of them must be running. */
  workers?: () => Promise<{ workers: number; workersRunning: number }>;
  checks?: readonly ReadinessCheck[];
}

/** Listens on HTTP_HOST:HTTP_PORT; resolves undefined when HTTP_PORT is 0 or the port cannot be had (logged). */
export async function serveOps(deps: ServeOpsDeps): Promise<Server | undefined> {
  const { config, log } = deps;
  if (config.HTTP_PORT === 0) return undefined;
  const checks: ReadinessCheck[] = [...(deps.checks ?? [])];
  const workers = deps.workers;
  if (workers) {
    checks.push({
      name: "workers",
      async check() {
        const h = await workers();
        return h.workersRunning === h.workers ? undefined : `${h.workers - h.workersRunning} of ${h.workers} workers are not running; see the log`;
      },
    });
  }
  const server = createOpsServer({
    redis: deps.redis,
    metrics: deps.metrics,
    queues: deps.queues,
    checks,
    log,
    ...(config.ADMIN_PASSWORD ? { adminPassword: config.ADMIN_PASSWORD } : {}),
  });
  try {
    const addr = await listenOpsServer(server, config.HTTP_PORT, config.HTTP_HOST);
    log.info(
      { host: addr.address, port: addr.port, board: config.ADMIN_PASSWORD ? BOARD_PATH : "off (set ADMIN_PASSWORD)" },
      "ops server: /healthz /readyz /metrics",
    );
    return server;
  } catch (err) {
    // Another process on this host (a second instance) may hold the port: the bot runs on without it.
    log.warn({ err: err instanceof Error ? err.message : String(err) }, "ops server not started");
    return undefined;
  }
}
