// The operations HTTP server: /healthz, /readyz, /metrics and the password-protected queue board at /admin/queues.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Metrics } from "../metrics.ts";

export const ADMIN_USER = "admin";
export const BOARD_PATH = "/admin/queues";

/** One extra condition for /readyz: resolves to a problem in words, or undefined when all is well. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | undefined>;
}

export interface OpsServerOptions {
  /** The connection /readyz checks (PING and the maxmemory policy). */
  redis: Redis;
  metrics?: Metrics;
  /** Queues shown on the board. */
  queues?: readonly Queue[];
  /** The board's password for user "admin"; unset = board off (404). */
  adminPassword?: string;
  /** /readyz answers within about this long even when Redis hangs. */
  readyTimeoutMs?: number;
  checks?: readonly ReadinessCheck[];
  log?: Logger;
}

export interface Readiness {
  ready: boolean;
  /** Each check: "ok" or what is wrong. */
  checks: Record<string, string>;
  reasons: string[];
}

class CheckTimeout extends Error {}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Error text without anything that looks like credentials in a URL (a Redis URL may carry a password). */
function redact(message: string): string {
  return message.replace(/\/\/[^/@\s]*@/g, "//***@");
}

/**
 * Redis problems that stop the pipeline: unreachable, or an eviction policy other than noeviction
 * (with any other policy Redis may silently drop BullMQ's keys when memory runs short, losing jobs).
 */
export async function redisProblems(redis: Redis, timeoutMs: number): Promise<string[]> {
  // Not connected: say so at once rather than queue a command behind the reconnect loop.
  if (redis.status === "end" || redis.status === "close" || redis.status === "reconnecting") {
    return [`Redis is not reachable (connection ${redis.status}); check that Redis runs and REDIS_URL points at it`];
  }
  let info: string;
  try {
    info = await within(redis.info("memory"), timeoutMs, "Redis");
  } catch (err) {
    const why = err instanceof Error ? redact(err.message) : "unknown error";
    return [`Redis is not answering: ${why}`];
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy === undefined) return [];
  if (policy !== "noeviction") {
    return [
      `Redis maxmemory-policy is ${policy}, but the queues need noeviction (otherwise Redis may delete queued jobs when memory runs short): ` +
        "set 'maxmemory-policy noeviction' in redis.conf, or run CONFIG SET maxmemory-policy noeviction",
    ];
  }
  return [];
}

export async function checkReadiness(options: Pick<OpsServerOptions, "redis" | "checks" | "readyTimeoutMs">): Promise<Readiness> {
  const timeoutMs = options.readyTimeoutMs ?? 2_000;
  const checks: Record<string, string> = {};
  const reasons: string[] = [];
  const redis = await redisProblems(options.redis, timeoutMs);
  checks.redis = redis.length ? redis.join("; ") : "ok";
  reasons.push(...redis);
  for (const c of options.checks ?? []) {
    let problem: string | undefined;
    try {
      problem = await within(c.check(), timeoutMs, c.name);
    } catch (err) {
      problem = err instanceof Error ? redact(err.message) : `${c.name} failed`;
    }
    checks[c.name] = problem ?? "ok";
    if (problem) reasons.push(problem);
  }
  return { ready: reasons.length === 0, checks, reasons };
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Basic auth for user "admin": compared through fixed-length digests so neither length nor content leaks through timing. */
export function basicAuthMatches(header: string | undefined, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  const decoded = m?.[1] ? Buffer.from(m[1], "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  const user = colon === -1 ? "" : decoded.slice(0, colon);
  const pass = colon === -1 ? "" : decoded.slice(colon + 1);
  // Both comparisons always run, so a wrong user name takes as long as a wrong password.
  const userOk = timingSafeEqual(digest(user), digest(ADMIN_USER));
  const passOk = timingSafeEqual(digest(pass), digest(password));
  return m !== null && userOk && passOk;
}

/** A state-changing board request sent by another site's page (the browser would add the cached credentials). */
function crossSite(req: IncomingMessage): boolean {
  if (req.headers["sec-fetch-site"] === "cross-site") return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

function createBoard(queues: readonly Queue[]): Handler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: "catalyst-bot" } } });
  return adapter.getRouter() as Handler;
}

/** Builds the server without listening: call listenOpsServer (or server.listen) to start it. */
export function createOpsServer(options: OpsServerOptions): Server {
  const password = options.adminPassword;
  const board = password ? createBoard(options.queues ?? []) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname; // normalised: "/x/../admin/queues" is the board, and goes through its password check

    if (path === BOARD_PATH || path.startsWith(`${BOARD_PATH}/`)) {
      if (!board || !password) {
        json(res, 404, { error: "The queue board is off. Set ADMIN_PASSWORD to turn it on (user 'admin'); see docs/operations.md." });
        return;
      }
      if (!basicAuthMatches(req.headers.authorization, password)) {
        json(res, 401, { error: "Sign in as user 'admin' with ADMIN_PASSWORD." }, { "www-authenticate": 'Basic realm="catalyst-bot admin", charset="UTF-8"' });
        return;
      }
      const method = req.method ?? "GET";
      if (!["GET", "HEAD", "OPTIONS"].includes(method) && crossSite(req)) {
        json(res, 403, { error: "Changes on the queue board must come from the board's own page." });
        return;
      }
      // The board's routes are relative to where it is mounted.
      req.url = `${path.slice(BOARD_PATH.length) || "/"}${url.search}`;
      board(req, res, (err) => {
        if (err) options.log?.error({ err: err instanceof Error ? err.message : String(err) }, "queue board error");
        if (!res.headersSent) json(res, err ? 500 : 404, { error: err ? "The queue board failed; see the bot's log." : "Not found" });
      });
      return;
    }

    if (req.method !== "GET" && req.method !== "HEAD") {
      json(res, 405, { error: "Only GET and HEAD are allowed here." }, { allow: "GET, HEAD" });
      return;
    }
    switch (path) {
      case "/healthz":
        json(res, 200, { status: "ok", uptimeSeconds: Math.round(process.uptime()) });
        return;
      case "/readyz": {
        const r = await checkReadiness(options);
        json(res, r.ready ? 200 : 503, { status: r.ready ? "ready" : "not_ready", checks: r.checks, ...(r.ready ? {} : { reasons: r.reasons }) });
        return;
      }
      case "/metrics": {
        if (!options.metrics) {
          json(res, 404, { error: "No metrics in this process." });
          return;
        }
        const text = await options.metrics.render();
        res.writeHead(200, { "content-type": options.metrics.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
        return;
      }
      default:
        json(res, 404, { error: "Not found. Endpoints: /healthz, /readyz, /metrics, /admin/queues." });
    }
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log?.error({ err: err instanceof Error ? redact(err.message) : String(err), url: req.url }, "ops endpoint failed");
      if (!res.headersSent) json(res, 500, { error: "Internal error; see the bot's log." });
      else res.destroy();
    });
  });
}

/** Starts listening; resolves with the bound address, rejects (e.g. EADDRINUSE) with an error saying what to change. */
export function listenOpsServer(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = err.code === "EADDRINUSE" ? ": set HTTP_PORT to a free port (0 turns the ops server off)" : "";
      reject(new Error(`ops server could not listen on ${host}:${port} (${err.code ?? err.message})${hint}`, { cause: err }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
