// `npm start` on a fresh machine with no tokens and no internet: the embedded demo feed's alerts print on stdout, once.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";

const redisUrl = inject("redisUrl");
const ROOT = join(import.meta.dirname, "..", "..");

interface Bot {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  /** Resolves once `done(stdout, stderr)` holds; rejects on timeout or an early exit, showing both streams. */
  until(what: string, done: (out: string, err: string) => boolean, timeoutMs: number): Promise<void>;
}

function startBot(env: Record<string, string>): Bot {
  // Only what a newcomer has: no Slack or Discord tokens leak in from the machine running the tests.
  const child = spawn(process.execPath, [join(ROOT, "bin", "catalyst-bot.js"), "start"], {
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
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    until(what, done, timeoutMs) {
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`${why}: ${what}\nstdout:\n${out}\nstderr (tail):\n${err.slice(-4000)}`));
        };
        const check = () => {
          if (!done(out, err)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms waiting for`), timeoutMs);
        listeners.add(check);
        void exited.then(() => fail("catalyst-bot exited while waiting for"));
        check();
      });
    },
  };
}

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, "g"))?.length ?? 0;

/** The alerts the demo feed is written to produce: one per article with a catalyst, the Alphabet story once. */
const EXPECTED = [
  /▶ ALERT GOOGL \(Alphabet Inc\.\) {2}buyback/,
  /▶ ALERT MSFT \(Microsoft Corporation\) {2}earnings/,
  /▶ ALERT COIN \(Coinbase Global, Inc\.\) {2}capital_raise/,
  /▶ ALERT LLY \(Eli Lilly and Company\) {2}regulation/,
  /▶ ALERT NVDA \(NVIDIA Corporation\) {2}product/,
  /▶ ALERT TSLA \(Tesla, Inc\.\) {2}analyst/,
  /↳ GOOGL buyback, also reported by catalyst-bot demo \(edit config\/feeds\.json to remove\): Alphabet /,
];

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe("catalyst-bot start with the embedded demo feed", () => {
  it("prints the demo alerts (the second Alphabet report as a follow-up, nothing for the Netflix denial) and prints nothing again after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalyst-demo-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = `e2e-demo-${randomUUID()}`;
    cleanup.push(async () => {
      const redis = createRedisConnection(redisUrl, { name: "e2e-demo-cleanup" });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await closeRedis(redis);
    });

    // The shipped demo entry, alone (the public feeds would need DNS), polled often so the restart polls it again.
    const shipped = JSON.parse(readFileSync(join(ROOT, "config", "feeds.json"), "utf8")) as { feeds: Array<Record<string, unknown>> };
    const demo = shipped.feeds.find((f) => f.file === "config/demo/feed.xml");
    expect(demo).toMatchObject({ backfill: true });
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(feedsFile, JSON.stringify({ feeds: [{ ...demo, intervalSeconds: 5 }] }));
    const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, FEEDS_FILE: feedsFile, DATA_DIR: join(dir, "data"), HTTP_PORT: "0" };

    const first = startBot({ ...env, LOG_LEVEL: "info" });
    cleanup.push(() => {
      if (first.child.exitCode === null) first.child.kill("SIGKILL");
    });
    await first.until(
      "every expected alert on stdout and all eight articles classified",
      (out, err) => EXPECTED.every((re) => re.test(out)) && count(err, /"msg":"article classified"/) >= 8,
      60_000,
    );
    const out = first.out();
    expect(out).toContain("Alphabet authorizes additional $70 billion share buyback");
    expect(out).toContain("https://example.com/catalyst-bot-demo/coinbase-convertible-notes");
    // One story for Alphabet: one alert and one follow-up, whichever report was classified first.
    expect(count(out, /▶ ALERT GOOGL/)).toBe(1);
    expect(count(out, /↳ /)).toBe(1);
    expect(count(out, /▶ ALERT /)).toBe(6);
    // "has no plans for a share buyback" is a negation: Netflix is named but gets no alert.
    expect(first.err()).toMatch(/"title":"Netflix says it has no plans for a share buyback this year"[^\n]*"alerts":0/);
    expect(out).not.toMatch(/NFLX|Netflix/);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = startBot({ ...env, LOG_LEVEL: "debug" });
    cleanup.push(() => {
      if (second.child.exitCode === null) second.child.kill("SIGKILL");
    });
    await second.until("a poll of the unchanged demo feed", (_out, err) => /"feed":"catalyst-bot demo[^\n]*"msg":"feed not modified"/.test(err), 30_000);
    expect(second.out()).toBe("");
    expect(second.err()).not.toMatch(/"msg":"article classified"/);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
