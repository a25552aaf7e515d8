// Shared harness of the fault tests and `npm run chaos`: a recording, fault-injecting front for the fake platforms,
// deliverer child processes, in-process deliverers, alert jobs and the expected/delivered/duplicated/lost tally.
//
// No vitest import here: bench/chaos.ts runs the same scenarios outside the test runner.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Queue } from "bullmq";
import { pino, type Logger } from "pino";
import { createApp, type App, type Role } from "../../src/app.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { loadConfig } from "../../src/config.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import type { Destination } from "../../src/core/store.ts";
import type { Alert, Classify } from "../../src/core/types.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// ---------------------------------------------------------------- alert tokens and jobs

/** Every alert of a scenario carries a token in its title, so each request to a platform names the alert it posts. */
export const tokenOf = (n: number) => `FA${String(n).padStart(4, "0")}Z`;
const TOKEN_RE = /FA\d{4}Z/g;
export const tokenNumber = (token: string) => Number(token.slice(2, 6));

export function alertJob(token: string, destination: Destination, over: Partial<Alert> = {}): AlertDeliverJob {
  const alert: Alert = {
    alertId: `al-fault-${token}`,
    storyId: `st-fault-${token}`,
    ticker: "EXMP",
    companyName: "Example Holdings Inc.",
    catalyst: "buyback",
    confidence: 0.9,
    evidence: "the board authorized a new share repurchase program",
    articleId: `a-fault-${token}`,
    title: `${token} Example Holdings announces a share buyback`,
    url: `https://news.example/${token}`,
    source: "Fault wire",
    published: new Date().toISOString(),
    followUp: false,
    ...over,
  };
  return { alert, destination, polledAt: Date.now(), deferrals: 0 };
}

export const slackChannel = (channel: string): Destination => ({ platform: "slack", tenant: "T_FAULT", channel });
export const discordChannel = (channel: string): Destination => ({ platform: "discord", tenant: "900000000000000001", channel });
export const webhookDestination = (name: string): Destination => ({ platform: "webhook", tenant: "webhook", channel: name });

// ---------------------------------------------------------------- the tally

export interface Tally {
  expected: number;
  /** Expected alerts posted at least once. */
  delivered: number;
  /** Expected alerts posted more than once. */
  duplicated: number;
  /** Expected alerts never posted. */
  lost: number;
}

export interface TallyDetail extends Tally {
  duplicates: string[];
  missing: string[];
  /** Posts of tokens nobody expected (a bug in the scenario, or a stray message). */
  unexpected: string[];
  /** Posts per token. */
  counts: Map<string, number>;
}

export function tally(expected: readonly string[], posted: readonly string[]): TallyDetail {
  const counts = new Map<string, number>();
  for (const t of posted) counts.set(t, (counts.get(t) ?? 0) + 1);
  const want = new Set(expected);
  const duplicates = expected.filter((t) => (counts.get(t) ?? 0) > 1);
  const missing = expected.filter((t) => !counts.has(t));
  const unexpected = [...counts.keys()].filter((t) => !want.has(t));
  return {
    expected: want.size,
    delivered: want.size - missing.length,
    duplicated: duplicates.length,
    lost: missing.length,
    duplicates,
    missing,
    unexpected,
    counts,
  };
}

export const figuresOf = (t: Tally): Tally => ({ expected: t.expected, delivered: t.delivered, duplicated: t.duplicated, lost: t.lost });

// ---------------------------------------------------------------- the recording front

export interface FrontRequest {
  /** When the request arrived (ms since epoch). */
  at: number;
  method: string;
  path: string;
  /** Slack: the body's channel; Discord: the channel id of the path; webhooks: "webhook:<id>". */
  channel: string | undefined;
  authorization: string | undefined;
  /** Alert tokens in the body. */
  tokens: string[];
  /** The status the client got, or would have got had it waited (undefined while nothing is decided). */
  status?: number;
  /** The platform took the message: it reached the fake and the fake answered success. */
  accepted: boolean;
  /** Answered by a rule of the front rather than by the platform. */
  injected: boolean;
}

export type FrontAction =
  /** The front answers this itself; the platform never sees the request. */
  | { kind: "answer"; status: number; headers?: Record<string, string>; body?: unknown }
  /** Never forwarded: the request stays open until the client goes away (a platform that hangs before posting). */
  | { kind: "hold" }
  /** Forwarded, so the platform posts it, but the answer is held back until the client goes away. */
  | { kind: "accept-and-hold" }
  /** Forwarded after `ms` (a slow platform). */
  | { kind: "delay"; ms: number };

export interface FrontRule {
  match: (r: FrontRequest) => boolean;
  action: FrontAction;
  /** How many requests the rule applies to (Infinity: until removed). */
  times: number;
}

export interface Front {
  /** The platform's base URL, rewritten to this front (same path). */
  url: string;
  requests: FrontRequest[];
  /** Adds a rule (first matching rule wins); returns a function that removes it. */
  rule(rule: FrontRule): () => void;
  /** Tokens of every request the platform accepted, once per accepted request. */
  accepted(filter?: (r: FrontRequest) => boolean): string[];
  /** Resolves once `check` holds (re-checked after each request's arrival and answer); rejects after timeoutMs. */
  waitFor(check: (requests: FrontRequest[]) => boolean, what: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

function channelOf(path: string, raw: string, headers: IncomingHttpHeaders): string | undefined {
  const discord = /\/channels\/(\d+)\/messages/.exec(path);
  if (discord) return discord[1];
  const hook = /\/webhooks\/(\d+)\//.exec(path);
  if (hook) return `webhook:${hook[1]}`;
  if ((headers["content-type"] ?? "").includes("application/json")) {
    try {
      const c = (JSON.parse(raw) as { channel?: unknown }).channel;
      return typeof c === "string" ? c : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(raw).get("channel") ?? undefined;
}

/** Form bodies (Slack's WebClient) are URL-encoded; tokens and channels are looked for in the decoded text. */
function decodeBody(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

function acceptedAnswer(status: number, body: Buffer): boolean {
  if (status < 200 || status >= 300) return false;
  // Slack answers errors with HTTP 200 and ok:false.
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { ok?: unknown };
    return parsed.ok !== false;
  } catch {
    return true;
  }
}

/** A front on 127.0.0.1 that forwards to `target` (a fake platform's base URL), recording and injecting faults. */
export async function startFront(target: string): Promise<Front> {
  const base = new URL(target);
  const requests: FrontRequest[] = [];
  const rules: FrontRule[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const forward = (req: IncomingMessage, raw: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: base.host };
      const out = httpRequest({ hostname: base.hostname, port: base.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      out.on("error", reject);
      out.end(raw);
    });

  const reply = (res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer) => {
    if (res.writableEnded || res.destroyed) return;
    const h: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || ["content-length", "transfer-encoding", "connection", "keep-alive"].includes(k)) continue;
      h[k] = v;
    }
    h["content-length"] = String(body.length);
    res.writeHead(status, h);
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const at = Date.now();
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const text = decodeBody(raw.toString("utf8"));
      const path = (req.url ?? "").split("?")[0] ?? "";
      const rec: FrontRequest = {
        at,
        method: req.method ?? "GET",
        path,
        channel: channelOf(path, raw.toString("utf8"), req.headers),
        authorization: req.headers.authorization,
        tokens: [...new Set(text.match(TOKEN_RE) ?? [])],
        accepted: false,
        injected: false,
      };
      requests.push(rec);
      const rule = rules.find((r) => r.times > 0 && r.match(rec));
      if (rule) {
        rule.times -= 1;
        if (rule.times <= 0) rules.splice(rules.indexOf(rule), 1);
      }
      const action = rule?.action;
      notify();
      if (action?.kind === "answer") {
        rec.injected = true;
        rec.status = action.status;
        const body = Buffer.from(action.body === undefined ? "" : JSON.stringify(action.body));
        reply(res, action.status, { ...(action.body === undefined ? {} : { "content-type": "application/json" }), ...(action.headers ?? {}) }, body);
        notify();
        return;
      }
      if (action?.kind === "hold") return; // the client's socket closing ends it
      if (action?.kind === "delay") await new Promise((r) => setTimeout(r, action.ms));
      if (res.destroyed) return; // the client went away while the platform was slow: never posted
      const answer = await forward(req, raw);
      rec.status = answer.status;
      rec.accepted = acceptedAnswer(answer.status, answer.body);
      notify();
      if (action?.kind === "accept-and-hold") return;
      reply(res, answer.status, answer.headers, answer.body);
    })().catch((err: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.writeHead(502).end(String(err));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;

  return {
    url: url.toString(),
    requests,
    rule(rule) {
      rules.push(rule);
      return () => {
        const i = rules.indexOf(rule);
        if (i >= 0) rules.splice(i, 1);
      };
    },
    accepted(filter = () => true) {
      return requests.filter((r) => r.accepted && filter(r)).flatMap((r) => r.tokens);
    },
    waitFor(check, what, timeoutMs) {
      if (check(requests)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = () => {
          if (check(requests)) {
            waiters.delete(w);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          const seen = requests.map((r) => `${r.at} ${r.channel ?? "-"} ${r.tokens.join(",")} ${r.status ?? "open"}${r.accepted ? " accepted" : ""}`).slice(-30);
          reject(new Error(`front: ${what} not within ${timeoutMs} ms; last requests:\n  ${seen.join("\n  ") || "(none)"}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** Every expected token accepted at least once. */
export const allAccepted = (front: Front, expected: readonly string[], filter?: (r: FrontRequest) => boolean) => () => {
  const got = new Set(front.accepted(filter));
  return expected.every((t) => got.has(t));
};

// ---------------------------------------------------------------- Redis, queues

/** Waits until the queue has nothing waiting, active, delayed or prioritized. */
export async function waitForIdle(queue: Queue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "paused");
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue ${queue.name} still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Deletes every key of a test's prefix (BullMQ's and the stores'), never anything else. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedisConnection(redisUrl, { name: "fault-cleanup" });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await closeRedis(redis);
  }
}

export const newPrefix = (name: string) => `fault-${name}-${randomUUID().slice(0, 8)}`;

// ---------------------------------------------------------------- logs

export interface CapturedLog {
  log: Logger;
  lines: Array<Record<string, unknown>>;
  /** Resolves once a line matches; rejects after timeoutMs. */
  waitFor(match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs: number): Promise<Record<string, unknown>>;
}

export function captureLog(level = "info"): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const log = pino(
    { level, base: undefined },
    {
      write(s: string) {
        lines.push(JSON.parse(s) as Record<string, unknown>);
        for (const w of [...waiters]) w();
      },
    },
  );
  return {
    log,
    lines,
    waitFor(match, what, timeoutMs) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = () => {
          const f = lines.find(match);
          if (f) {
            waiters.delete(w);
            clearTimeout(timer);
            resolve(f);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`log: no ${what} within ${timeoutMs} ms; last lines:\n${lines.slice(-10).map((l) => JSON.stringify(l)).join("\n")}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
  };
}

// ---------------------------------------------------------------- deliverers

/** The settings every deliverer of a scenario gets: one prefix, no console, no ops port, fakes for the platforms. */
export function delivererEnv(redisUrl: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    CONSOLE_ALERTS: "false",
    HTTP_PORT: "0",
    FEEDS_FILE: `/nonexistent/${prefix}/feeds.json`,
    WEBHOOKS_FILE: `/nonexistent/${prefix}/webhooks.json`,
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** A deliverer in this process, built exactly as `catalyst-bot start --roles deliverer` builds it. */
export async function startInProcess(redisUrl: string, env: Record<string, string>, options: { roles?: Role[]; log?: Logger; classify?: Classify } = {}): Promise<App> {
  const app = await createApp({
    config: loadConfig(env),
    redisUrl,
    roles: options.roles ?? ["deliverer"],
    log: options.log ?? pino({ level: "silent" }),
    ...(options.classify ? { classify: options.classify } : {}),
  });
  await app.start();
  return app;
}

export interface ChildDeliverer {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves once stderr matches; rejects after timeoutMs or when the process exits first. */
  waitForLog(re: RegExp, timeoutMs: number): Promise<void>;
}

/** `workers/deliverer.ts` in its own process (the role's entry point), with a clean environment plus `env`. */
export function startDelivererProcess(env: Record<string, string>): ChildDeliverer {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "workers", "deliverer.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const listeners = new Set<() => void>();
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    stderr: () => err,
    exited,
    waitForLog(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(err)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`deliverer: no ${re} on stderr within ${timeoutMs} ms:\n${err.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!re.test(err)) reject(new Error(`deliverer exited before ${re}:\n${err.slice(-3000)}`));
        });
        check();
      });
    },
  };
}

/** Kills a child deliverer if it still runs (cleanup). */
export async function killChild(d: ChildDeliverer | undefined): Promise<void> {
  if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return;
  d.child.kill("SIGKILL");
  await d.exited;
}

// ---------------------------------------------------------------- feeds (the Redis scenario feeds the whole pipeline)

/** Stands in for the classifier: "$TICKER" in a title makes a buyback alert for that ticker. */
export const tickerClassify: Classify = (article) => {
  const tickers = [...new Set((`${article.title ?? ""} ${article.text}`.match(/\$([A-Z]{2,5})\b/g) ?? []).map((t) => t.slice(1)))];
  return {
    id: article.id,
    catalysts: tickers.length ? ["buyback"] : [],
    tickers: tickers.map((symbol) => ({
      symbol,
      listings: [],
      name: `${symbol} Corp.`,
      relevance: 0.9,
      catalysts: [{ type: "buyback" as const, confidence: 0.9, evidence: `${symbol} buyback` }],
    })),
  };
};

export function rss(items: Array<{ title: string; link: string }>): string {
  const body = items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.link}</guid><pubDate>${new Date().toUTCString()}</pubDate><description>${i.title}</description></item>`)
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Fault wire</title><link>http://wire.test/</link><description>fault scenarios</description>${body}</channel></rss>`;
}

/** Resolves after ms: only for a fault's own duration (Redis down for 10 s), never to wait for an outcome. */
export const faultDuration = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
