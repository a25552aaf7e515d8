// `catalyst-bot start` as a user runs it (the CLI in a child process): a local feed's new item shows as a console alert.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { startFeedServer, type FeedServer } from "../helpers/feed-server.ts";

const redisUrl = inject("redisUrl");
const ROOT = join(import.meta.dirname, "..", "..");

function rss(items: Array<{ title: string; link: string; text: string }>): string {
  const body = items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.link}</guid><pubDate>${new Date().toUTCString()}</pubDate><description>${i.text}</description></item>`)
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Local wire</title><link>http://wire.test/</link><description>test</description>${body}</channel></rss>`;
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  waitForStdout(re: RegExp, timeoutMs: number): Promise<string>;
}

function startCli(args: string[], env: Record<string, string>): Running {
  // A clean environment: no Slack or Discord credentials leak in from the machine running the tests.
  const child = spawn(process.execPath, [join(ROOT, "bin", "catalyst-bot.js"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(out);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${re} on stdout within ${timeoutMs} ms.\nstdout:\n${out}\nstderr (tail):\n${err.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => reject(new Error(`catalyst-bot exited early.\nstdout:\n${out}\nstderr (tail):\n${err.slice(-3000)}`)));
        check();
      });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

function waitForStderr(bot: Running, re: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (re.test(bot.stderr())) return resolve();
      if (bot.child.exitCode !== null || Date.now() > deadline) return reject(new Error(`no ${re} on stderr:\n${bot.stderr().slice(-3000)}`));
      setTimeout(check, 50);
    };
    check();
  });
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe("catalyst-bot start", () => {
  it("with no chat credentials, prints an alert for a new item of a local feed, logs a dead feed's error, and stops cleanly on SIGTERM", async () => {
    const server: FeedServer = await startFeedServer();
    cleanup.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), "catalyst-e2e-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = `e2e-${randomUUID()}`;
    cleanup.push(async () => {
      const redis = createRedisConnection(redisUrl, { name: "e2e-cleanup" });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await closeRedis(redis);
    });

    server.setFeed("/wire.xml", rss([{ title: "Shell completes sale of Nigerian onshore unit", link: "http://wire.test/old", text: "An older item already in the feed." }]));
    const feedsFile = join(dir, "feeds.json");
    const healthPort = await freePort();
    writeFileSync(
      feedsFile,
      JSON.stringify({
        feeds: [
          { name: "Local wire", url: server.urlFor("/wire.xml"), intervalSeconds: 5 },
          // Nothing listens on port 9 here: stands in for the unreachable default feeds.
          { name: "Dead feed", url: "http://127.0.0.1:9/rss", intervalSeconds: 5 },
        ],
      }),
    );
    const bot = startCli(["start"], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      FEEDS_FILE: feedsFile,
      FEED_ALLOW_PRIVATE: "127.0.0.1",
      DATA_DIR: join(dir, "data"),
      HTTP_PORT: String(healthPort),
      LOG_LEVEL: "info",
    });
    cleanup.push(() => {
      if (bot.child.exitCode === null) bot.child.kill("SIGKILL");
    });

    // The first poll records what the feed already holds; the item published after it is the alert.
    await server.waitForRequests(1, { path: "/wire.xml", timeoutMs: 20_000 });
    server.setFeed(
      "/wire.xml",
      rss([
        {
          title: "Apple announces $110 billion share buyback",
          link: "http://wire.test/apple-buyback",
          text: "Apple Inc. said its board authorized a new $110 billion share repurchase program, the largest in its history.",
        },
        { title: "Shell completes sale of Nigerian onshore unit", link: "http://wire.test/old", text: "An older item already in the feed." },
      ]),
    );
    const out = await bot.waitForStdout(/ALERT.*AAPL[\s\S]*buyback/i, 25_000);
    expect(out).toContain("Apple announces $110 billion share buyback");
    expect(out).toContain("http://wire.test/apple-buyback");
    expect(out).not.toContain("Nigerian onshore");
    expect(bot.stderr()).toMatch(/"feed":"Dead feed"[^\n]*"code":"FEED_[A-Z_]+"[^\n]*feed poll failed/);

    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { redis: "ok", workers: "ok" } });
    // The pipeline counted the polls (the dead feed's failures too) and the delivered alert.
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metrics).toMatch(/^catalyst_polls_total\{outcome="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_polls_total\{outcome="error"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_feed_fetch_errors_total\{code="FEED_[A-Z_]+"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_alerts_total\{catalyst="buyback"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_deliveries_total\{outcome="sent",platform="console"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_poll_to_delivery_seconds_count\{platform="console"\} [1-9]/m);
    expect(metrics).toMatch(/^catalyst_queue_jobs\{queue="alert-deliver",state="waiting"\} \d+/m);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).toContain("shutting down");
  });

  it("without REDIS_URL runs a private, persistent redis-server under DATA_DIR and stops it on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalyst-e2e-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "feeds.json"), JSON.stringify({ feeds: [] }));
    const bot = startCli(["start"], { DATA_DIR: join(dir, "data"), FEEDS_FILE: join(dir, "feeds.json"), HTTP_PORT: "0", LOG_LEVEL: "info" });
    cleanup.push(() => {
      if (bot.child.exitCode === null) bot.child.kill("SIGKILL");
    });
    await waitForStderr(bot, /catalyst-bot running/, 20_000);
    const urlFile = join(dir, "data", "redis", "redis.url");
    const url = new URL(readFileSync(urlFile, "utf8").trim());
    expect(url.hostname).toBe("127.0.0.1");
    expect(existsSync(join(dir, "data", "redis", "appendonlydir"))).toBe(true);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(existsSync(urlFile)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: "127.0.0.1", port: Number(url.port) }, () => {
        sock.end();
        resolve(false);
      });
      sock.on("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it("without REDIS_URL and without a redis-server binary, says how to install one or set REDIS_URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalyst-e2e-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const bot = startCli(["start"], { REDIS_SERVER_BIN: join(dir, "no-redis-server"), DATA_DIR: dir, HTTP_PORT: "0", LOG_LEVEL: "silent" });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(/apt-get install -y redis-server[\s\S]*REDIS_URL=redis:\/\//);
  });
});
