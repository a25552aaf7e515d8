import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createRedisConnection, duplicateRedisConnection } from "../../src/adapters/redis/connection.ts";

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

describe("Redis connections", () => {
  it("report an unreachable Redis once, readably, however often ioredis retries", async () => {
    const port = await closedPort();
    const messages: string[] = [];
    const redis = createRedisConnection(`redis://127.0.0.1:${port}`, { name: "probe", onError: (m) => messages.push(m) });
    const deadline = Date.now() + 5_000;
    // ioredis retries after 50, 100, 150 ... ms: wait until it has tried several times.
    let attempts = 0;
    redis.on("reconnecting", () => attempts++);
    while (attempts < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    redis.disconnect();
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(messages).toEqual([`Redis connection catalyst-bot:probe: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });

  it("give a duplicate (a second connection for transactions) the same one-line report, under its own name", async () => {
    const port = await closedPort();
    const messages: string[] = [];
    const redis = createRedisConnection(`redis://127.0.0.1:${port}`, { name: "probe", onError: () => undefined });
    const copy = duplicateRedisConnection(redis, "tx", (m) => messages.push(m));
    let attempts = 0;
    copy.on("reconnecting", () => attempts++);
    const deadline = Date.now() + 5_000;
    while (attempts < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    redis.disconnect();
    copy.disconnect();
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(messages).toEqual([`Redis connection catalyst-bot:probe:tx: connect ECONNREFUSED 127.0.0.1:${port}`]);
  });
});
