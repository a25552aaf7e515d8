import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { findRedisBinary, RedisServerMissingError, startPrivateRedis, type PrivateRedis } from "../../src/adapters/redis/private-server.ts";

const hasRedis = Boolean(findRedisBinary());
let server: PrivateRedis | undefined;
let dir: string | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("private redis-server", () => {
  it("says how to install redis-server when the binary is missing", async () => {
    await expect(startPrivateRedis({ persistent: false, binary: "/nonexistent/redis-server" })).rejects.toThrow(RedisServerMissingError);
    await expect(startPrivateRedis({ persistent: false, binary: "/nonexistent/redis-server" })).rejects.toThrow(/apt-get install -y redis-server.*REDIS_URL/s);
  });

  it.skipIf(!hasRedis)("runs a persistent server with appendonly and noeviction, keeping data across restarts", async () => {
    dir = mkdtempSync(join(tmpdir(), "catalyst-redis-"));
    server = await startPrivateRedis({ persistent: true, dataDir: dir });
    const client = new Redis(server.url);
    expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
    expect(await client.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
    await client.set("survives", "yes");
    await client.quit();
    await server.stop();
    expect(existsSync(join(dir, "appendonlydir")) || existsSync(join(dir, "appendonly.aof"))).toBe(true);

    server = await startPrivateRedis({ persistent: true, dataDir: dir });
    const again = new Redis(server.url);
    expect(await again.get("survives")).toBe("yes");
    await again.quit();
  });
});
