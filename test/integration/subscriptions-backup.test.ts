// `catalyst-bot subscriptions export|import` against the real Redis: round trip, idempotence, --replace and refused files.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { createRedisSubscriptionStore, type RedisSubscriptionStore } from "../../src/adapters/redis/subscriptions.ts";
import { run } from "../../src/cli/subscriptions.ts";
import type { CatalystSlug } from "../../src/core/catalysts.ts";
import type { Destination, Subscription } from "../../src/core/store.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const redisUrl = inject("redisUrl");
let redis: Redis;
let dir: string;
const prefixes: string[] = [];
const stores: RedisSubscriptionStore[] = [];

beforeAll(() => {
  redis = createRedisConnection(redisUrl, { name: "test-subs-backup" });
  dir = mkdtempSync(join(tmpdir(), "subs-backup-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  while (stores.length) await stores.pop()?.close();
  for (const p of prefixes.splice(0)) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(...keys);
  }
});
afterAll(async () => {
  await closeRedis(redis);
  rmSync(dir, { recursive: true, force: true });
});

function freshPrefix(): { prefix: string; store: RedisSubscriptionStore; env: Record<string, string> } {
  const prefix = `test-backup-${randomUUID()}`;
  prefixes.push(prefix);
  const store = createRedisSubscriptionStore(redis, prefix);
  stores.push(store);
  return { prefix, store, env: { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" } };
}

function sub(destination: Destination, ticker: string | undefined, catalysts: CatalystSlug[] = [], minConfidence = 0.5): Subscription {
  return { destination, ...(ticker ? { ticker } : {}), catalysts, minConfidence, createdAt: "2026-11-20T10:00:00.000Z", createdBy: "U1" };
}

const slackA: Destination = { platform: "slack", tenant: "T_A", channel: "C1" };
const slackA2: Destination = { platform: "slack", tenant: "T_A", channel: "C2" };
const slackB: Destination = { platform: "slack", tenant: "T:B/odd", channel: "C1" };
const guild: Destination = { platform: "discord", tenant: "G1", channel: "123456789" };

async function everything(store: RedisSubscriptionStore): Promise<Subscription[]> {
  const all: Subscription[] = [];
  for (const scope of await store.tenants()) all.push(...(await store.list(scope)));
  return all;
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  try {
    const code = await run(args, env);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    vi.restoreAllMocks();
  }
}

describe("subscription store: tenants()", () => {
  it("lists every platform and tenant with subscriptions, only under its own prefix, and odd tenant ids intact", async () => {
    const { store } = freshPrefix();
    const other = freshPrefix();
    await store.add(sub(slackA, "BABA"));
    await store.add(sub(slackB, undefined, ["buyback"]));
    await store.add(sub(guild, "JD"));
    await other.store.add(sub({ platform: "slack", tenant: "T_OTHER", channel: "C9" }, "META"));
    expect(await store.tenants()).toEqual([
      { platform: "discord", tenant: "G1" },
      { platform: "slack", tenant: "T:B/odd" },
      { platform: "slack", tenant: "T_A" },
    ]);
    await store.remove(guild, {});
    expect((await store.tenants()).map((t) => t.tenant)).not.toContain("G1");
  });
});

describe("subscriptions export and import", () => {
  it("export then import into a clean prefix gives the same subscriptions; importing again changes nothing", async () => {
    const source = freshPrefix();
    const subs = [
      sub(slackA, "BABA", ["buyback", "earnings"], 0.7),
      sub(slackA, undefined, ["m_and_a"]),
      sub(slackA2, "JD"),
      sub(slackB, "TCEHY", ["dividend"]),
      sub(guild, "AAPL", [], 0.9),
    ];
    for (const s of subs) await source.store.add(s);
    const file = join(dir, `export-${randomUUID()}.json`);

    const exported = await cli(["export", "--out", file], source.env);
    expect(exported.code).toBe(0);
    expect(exported.err).toMatch(/Exported 5 subscriptions of 3 workspaces\/servers/);
    const backup = JSON.parse(readFileSync(file, "utf8")) as { format: string; version: number; subscriptions: unknown[] };
    expect(backup).toMatchObject({ format: "catalyst-bot/subscriptions", version: 1 });
    expect(backup.subscriptions).toHaveLength(5);

    const target = freshPrefix();
    const imported = await cli(["import", file], target.env);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/5 added or changed, 0 already there/);
    expect(await everything(target.store)).toEqual(await everything(source.store));
    // Routing reads the ticker indexes, not only the hashes: an imported subscription receives alerts.
    expect((await target.store.forTicker("TCEHY")).map((s) => s.destination.tenant).sort()).toEqual(["T:B/odd", "T_A"]);

    const again = await cli(["import", file], target.env);
    expect(again.out).toMatch(/0 added or changed, 5 already there/);
    expect(await everything(target.store)).toEqual(await everything(source.store));
  });

  it("--replace removes what the file does not have and keeps the rest; without it, extra subscriptions stay", async () => {
    const source = freshPrefix();
    await source.store.add(sub(slackA, "BABA", ["buyback"]));
    await source.store.add(sub(slackA, undefined, ["m_and_a"]));
    const file = join(dir, `export-${randomUUID()}.json`);
    expect((await cli(["export", "--out", file], source.env)).code).toBe(0);

    const target = freshPrefix();
    await target.store.add(sub(slackA, "BABA", ["earnings"])); // changed by the import
    await target.store.add(sub(slackA, "JD")); // not in the file
    await target.store.add(sub(slackA, undefined, [])); // same channel and "any ticker" as the file's: replaced by it
    await target.store.add(sub(slackA2, undefined, [])); // every catalyst of any ticker, not in the file
    await target.store.add(sub(slackA2, "NIO"));
    await target.store.add(sub(guild, "META")); // another tenant, not in the file

    const merged = await cli(["import", file], target.env);
    expect(merged.code).toBe(0);
    expect((await everything(target.store)).map((s) => `${s.destination.tenant}:${s.ticker ?? "*"}:${s.catalysts.join(",")}`).sort()).toEqual([
      "G1:META:",
      "T_A:*:m_and_a",
      "T_A:BABA:buyback",
      "T_A:JD:",
      "T_A:NIO:",
      "T_A:*:",
    ].sort());

    const replaced = await cli(["import", file, "--replace"], target.env);
    expect(replaced.code).toBe(0);
    expect(replaced.out).toMatch(/4 not in the file removed/);
    expect(await everything(target.store)).toEqual(await everything(source.store));
    // The ticker index no longer routes META to the removed subscription (only catalyst-only ones remain).
    expect((await target.store.forTicker("META")).filter((s) => s.ticker === "META")).toEqual([]);
  });

  it("refuses a malformed file, naming the problem and where it is, and changes nothing", async () => {
    const target = freshPrefix();
    await target.store.add(sub(slackA, "BABA"));
    const before = await everything(target.store);
    const write = (content: string) => {
      const f = join(dir, `bad-${randomUUID()}.json`);
      writeFileSync(f, content);
      return f;
    };
    const good = { destination: slackA2, ticker: "JD", catalysts: ["buyback"], minConfidence: 0.5, createdAt: "2026-11-20T10:00:00.000Z" };

    const notJson = await cli(["import", write("{ not json")], target.env);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/is not valid JSON/);

    const wrongCatalyst = await cli(
      ["import", write(JSON.stringify({ format: "catalyst-bot/subscriptions", version: 1, exportedAt: "x", subscriptions: [good, { ...good, ticker: "AAPL", catalysts: ["buybacks"] }] }))],
      target.env,
    );
    expect(wrongCatalyst.code).toBe(1);
    expect(wrongCatalyst.err).toMatch(/subscriptions\[1\]\.catalysts\[0\]/);
    expect(wrongCatalyst.err).toMatch(/nothing was changed/);

    const badConfidence = await cli(
      ["import", write(JSON.stringify({ format: "catalyst-bot/subscriptions", version: 1, exportedAt: "x", subscriptions: [{ ...good, minConfidence: 7 }] }))],
      target.env,
    );
    expect(badConfidence.err).toMatch(/subscriptions\[0\]\.minConfidence/);

    const newer = await cli(["import", write(JSON.stringify({ format: "catalyst-bot/subscriptions", version: 2, exportedAt: "x", subscriptions: [] }))], target.env);
    expect(newer.err).toMatch(/version 2 was written by a newer catalyst-bot/);

    const foreign = await cli(["import", write(JSON.stringify([good]))], target.env);
    expect(foreign.err).toMatch(/\(top level\)|format/);

    const duplicate = await cli(
      ["import", write(JSON.stringify({ format: "catalyst-bot/subscriptions", version: 1, exportedAt: "x", subscriptions: [good, { ...good, ticker: "jd" }] }))],
      target.env,
    );
    expect(duplicate.err).toMatch(/subscriptions\[1\]: the same channel and ticker as subscriptions\[0\]/);

    const missing = await cli(["import", join(dir, "no-such-file.json")], target.env);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*ENOENT/);

    expect(await everything(target.store)).toEqual(before);
  });

  it("runs through the catalyst-bot command: export to stdout is the JSON backup", async () => {
    const source = freshPrefix();
    await source.store.add(sub(guild, "AAPL"));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "subscriptions", "export"], {
        cwd: ROOT,
        env: { ...process.env, ...source.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout, stderr }));
    });
    expect(code).toBe(0);
    const backup = JSON.parse(stdout) as { subscriptions: Subscription[] };
    expect(backup.subscriptions.map((s) => `${s.destination.platform}:${s.destination.channel}:${s.ticker}`)).toEqual(["discord:123456789:AAPL"]);
    expect(stderr).toMatch(/Exported 1 subscriptions/);
  });
});
