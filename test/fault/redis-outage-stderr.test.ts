// Redis stopped under a running `catalyst-bot start`: stderr gets one JSON line per connection, queue and worker,
// never a raw stack trace (an EventEmitter with no 'error' listener, e.g. a BullMQ Queue, prints one per retry).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "../../src/adapters/redis/private-server.ts";
import { ROOT } from "./harness.ts";

interface Bot {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
  waitFor(test: (stderr: string) => boolean, what: string, timeoutMs: number): Promise<void>;
}

function startBot(env: Record<string, string>): Bot {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli.ts"), "start", "--roles", "poller,classifier,deliverer"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const checks = new Set<() => void>();
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
    for (const c of [...checks]) c();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    waitFor(test, what, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = (fn: () => void) => {
          checks.delete(check);
          clearTimeout(timer);
          fn();
        };
        const check = () => {
          if (test(err)) done(resolve);
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${what} on stderr within ${timeoutMs} ms:\n${err.slice(-3000)}`))), timeoutMs);
        checks.add(check);
        void exited.then(() => {
          if (!test(err)) done(() => reject(new Error(`the bot exited before ${what}:\n${err.slice(-3000)}`)));
        });
        check();
      });
    },
  };
}

let bot: Bot | undefined;
let redis: PrivateRedis | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (bot && bot.child.exitCode === null && bot.child.signalCode === null) {
    bot.child.kill("SIGKILL");
    await bot.exited;
  }
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  bot = redis = dir = undefined;
});

describe("a Redis outage under a running bot", () => {
  it("is reported as JSON lines, one per connection, queue and worker, with no stack trace on stderr", async () => {
    redis = await startPrivateRedis({ persistent: false });
    dir = mkdtempSync(join(tmpdir(), "catalyst-outage-"));
    writeFileSync(join(dir, "feeds.json"), JSON.stringify({ feeds: [] }));
    bot = startBot({
      REDIS_URL: redis.url,
      DATA_DIR: dir,
      FEEDS_FILE: join(dir, "feeds.json"),
      HTTP_PORT: "0",
      QUEUE_PREFIX: "outage",
      SHUTDOWN_GRACE_MS: "2000",
    });
    await bot.waitFor((s) => s.includes("catalyst-bot running"), "start-up", 20_000);
    const before = bot.stderr().length;

    await redis.stop();
    redis = undefined;
    const refused = (label: string) => new RegExp(`"msg":"${label}: connect ECONNREFUSED`);
    const expected = [
      "Redis connection catalyst-bot:store",
      "Redis connection catalyst-bot:queues",
      "queue feed-poll",
      "queue article-classify",
      "queue alert-deliver",
      "worker feed-poll",
      "worker article-classify",
      "worker alert-deliver",
    ];
    await bot.waitFor((s) => expected.every((l) => refused(l).test(s.slice(before))), "a line for every connection, queue and worker", 15_000);
    // Stopping while Redis is down must not print one either (the shutdown gives up after SHUTDOWN_GRACE_MS).
    bot.child.kill("SIGTERM");
    await bot.exited;

    const lines = bot.stderr().slice(before).split("\n").filter((l) => l.trim() !== "");
    const raw = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(raw).toEqual([]);
    expect(bot.stderr()).not.toMatch(/Unhandled error|\n\s+at .+:\d+:\d+\)?\n/);
    // ioredis retries every few hundred ms: each connection, queue and worker still says it once.
    for (const label of expected) expect(lines.filter((l) => refused(label).test(l)), label).toHaveLength(1);
  }, 60_000);
});
