// The ops HTTP server on loopback against real Redis: liveness, readiness (Redis down, wrong eviction policy), metrics, the queue board.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { request, type Server as HttpServer } from "node:http";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from "vitest";
import { createOpsServer, listenOpsServer, type OpsServerOptions } from "../../src/adapters/http/ops-server.ts";
import { createMetrics } from "../../src/adapters/metrics.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/adapters/redis/private-server.ts";
import { serveOps } from "../../src/adapters/http/serve.ts";
import { pino } from "pino";

const PASSWORD = "correct horse battery staple";

let redis: Redis;
let prefix: string;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  redis = createRedisConnection(inject("redisUrl"), { name: "test-ops" });
  prefix = `test-ops-${randomUUID()}`;
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeRedis(redis);
});

/** Starts an ops server on a free loopback port; returns its base URL. */
async function serve(options: OpsServerOptions): Promise<string> {
  const server: HttpServer = createOpsServer(options);
  const addr = await listenOpsServer(server, 0, "127.0.0.1");
  cleanup.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${addr.port}`;
}

function queue(name: string, connection: Redis = redis): Queue {
  const q = new Queue(name, { connection, prefix });
  cleanup.push(async () => {
    await q.obliterate({ force: true });
    await q.close();
  });
  return q;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv: Server = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

describe("liveness and readiness", () => {
  it("/healthz answers 200 JSON while the process runs", async () => {
    const base = await serve({ redis });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });

  it("/readyz answers 200 when Redis answers and evicts nothing", async () => {
    const base = await serve({ redis });
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: "ready", checks: { redis: "ok" } });
  });

  it("/readyz answers 503 naming Redis when Redis is unreachable, within its timeout, without showing the URL's password", async () => {
    const down = createRedisConnection(`redis://:hunter2-secret@127.0.0.1:${await closedPort()}`, { name: "test-ops-down" });
    down.on("error", () => undefined);
    cleanup.push(async () => down.disconnect());
    const base = await serve({ redis: down, readyTimeoutMs: 500 });
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    expect(res.status).toBe(503);
    const body = JSON.parse(text) as { status: string; reasons: string[] };
    expect(body.status).toBe("not_ready");
    expect(body.reasons.join(" ")).toMatch(/Redis/);
    expect(text).not.toContain("hunter2");
  });

  it("/readyz answers 503 when Redis may evict keys (maxmemory-policy other than noeviction), and says how to fix it", async () => {
    // A private redis-server of our own: the shared test Redis is never reconfigured.
    const own: PrivateRedis = await startPrivateRedis({ persistent: false });
    cleanup.push(() => own.stop());
    const conn = createRedisConnection(own.url, { name: "test-ops-lru" });
    cleanup.push(() => closeRedis(conn));
    await conn.config("SET", "maxmemory-policy", "allkeys-lru");
    const base = await serve({ redis: conn });
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { reasons: string[] };
    expect(res.status).toBe(503);
    expect(body.reasons.join(" ")).toMatch(/allkeys-lru.*noeviction/);

    await conn.config("SET", "maxmemory-policy", "noeviction");
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("/readyz reports a failing extra check (e.g. stopped workers) and one that hangs", async () => {
    const base = await serve({
      redis,
      readyTimeoutMs: 300,
      checks: [
        { name: "workers", check: async () => "1 of 3 workers is not running" },
        { name: "slow", check: () => new Promise(() => undefined) },
      ],
    });
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { checks: Record<string, string>; reasons: string[] };
    expect(res.status).toBe(503);
    expect(body.checks.redis).toBe("ok");
    expect(body.checks.workers).toBe("1 of 3 workers is not running");
    expect(body.checks.slow).toMatch(/did not answer within 300 ms/);
  });

  it("refuses other methods and unknown paths", async () => {
    const base = await serve({ redis });
    expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

/** The value of one sample line of the Prometheus text, e.g. sample(text, 'catalyst_polls_total{outcome="ok"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("counts pipeline events, reads queue depths from Redis, and includes process metrics", async () => {
    const q = queue(`ops-${randomUUID()}`);
    await q.add("a", { n: 1 });
    await q.add("b", { n: 2 });
    await q.add("c", { n: 3 }, { delay: 60_000 });
    const metrics = createMetrics({ queues: [q] });
    const base = await serve({ redis, metrics });

    const before = await (await fetch(`${base}/metrics`)).text();
    // Series exist at 0 before anything happens, so rate() and alert rules work from the start.
    expect(sample(before, 'catalyst_polls_total{outcome="error"}')).toBe(0);
    expect(sample(before, 'catalyst_deliveries_total{outcome="dead_lettered",platform="slack"}')).toBe(0);

    metrics.pollDone("ok");
    metrics.pollDone("ok");
    metrics.pollDone("not_modified");
    metrics.pollDone("error");
    metrics.fetchError("FEED_TIMEOUT");
    metrics.fetchError("SOMETHING_ELSE");
    metrics.articleClassified();
    metrics.alertRaised("buyback");
    metrics.delivery("rate_limited", "discord");
    metrics.delivery("duplicate_skipped", "slack");
    const polledAt = 1_000_000;
    metrics.delivered("slack", polledAt, polledAt + 1_500);

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(sample(text, 'catalyst_polls_total{outcome="ok"}')).toBe(2);
    expect(sample(text, 'catalyst_polls_total{outcome="not_modified"}')).toBe(1);
    expect(sample(text, 'catalyst_polls_total{outcome="error"}')).toBe(1);
    expect(sample(text, 'catalyst_feed_fetch_errors_total{code="FEED_TIMEOUT"}')).toBe(1);
    expect(sample(text, 'catalyst_feed_fetch_errors_total{code="OTHER"}')).toBe(1);
    expect(sample(text, "catalyst_articles_classified_total")).toBe(1);
    expect(sample(text, 'catalyst_alerts_total{catalyst="buyback"}')).toBe(1);
    expect(sample(text, 'catalyst_deliveries_total{outcome="rate_limited",platform="discord"}')).toBe(1);
    expect(sample(text, 'catalyst_deliveries_total{outcome="duplicate_skipped",platform="slack"}')).toBe(1);
    expect(sample(text, 'catalyst_deliveries_total{outcome="sent",platform="slack"}')).toBe(1);
    // 1.5 s: in the 2.5 s bucket, not in the 1 s one.
    expect(sample(text, 'catalyst_poll_to_delivery_seconds_bucket{le="1",platform="slack"}')).toBe(0);
    expect(sample(text, 'catalyst_poll_to_delivery_seconds_bucket{le="2.5",platform="slack"}')).toBe(1);
    expect(sample(text, 'catalyst_poll_to_delivery_seconds_sum{platform="slack"}')).toBe(1.5);
    expect(sample(text, `catalyst_queue_jobs{queue="${q.name}",state="waiting"}`)).toBe(2);
    expect(sample(text, `catalyst_queue_jobs{queue="${q.name}",state="delayed"}`)).toBe(1);
    expect(sample(text, `catalyst_queue_jobs{queue="${q.name}",state="active"}`)).toBe(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("still answers when Redis is unreachable: the queue's depth is left out and the failed read is counted", async () => {
    const down = createRedisConnection(`redis://127.0.0.1:${await closedPort()}`, { name: "test-ops-down", forWorker: true });
    down.on("error", () => undefined);
    const q = new Queue(`ops-down-${randomUUID()}`, { connection: down, prefix });
    q.on("error", () => undefined);
    cleanup.push(async () => down.disconnect());
    const metrics = createMetrics({ queues: [q], queueCountTimeoutMs: 300, defaultMetrics: false });
    const base = await serve({ redis, metrics });
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(`catalyst_queue_jobs{queue="${q.name}"`);
    expect(sample(text, `catalyst_queue_scrape_errors_total{queue="${q.name}"}`)).toBe(1);
  });
});

describe("queue board at /admin/queues", () => {
  it("is off without ADMIN_PASSWORD: 404 with a hint", async () => {
    const base = await serve({ redis, queues: [queue(`ops-${randomUUID()}`)] });
    const res = await fetch(`${base}/admin/queues`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/ADMIN_PASSWORD/);
  });

  it("asks for a password (401) without credentials or with wrong ones, and never echoes the password", async () => {
    const base = await serve({ redis, queues: [queue(`ops-${randomUUID()}`)], adminPassword: PASSWORD });
    const none = await fetch(`${base}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(await none.text()).not.toContain(PASSWORD);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: basic("admin", "wrong password") } })).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: basic("root", PASSWORD) } })).status).toBe(401);
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: "Bearer x" } })).status).toBe(401);
  });

  it("routes a path with dot segments by its normalised form: through the password check, then to the right board route", async () => {
    const base = await serve({ redis, queues: [queue(`ops-${randomUUID()}`)], adminPassword: PASSWORD });
    // fetch() would normalise the path itself: send it raw.
    const raw = (headers: Record<string, string>) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = request(base, { path: "/healthz/../admin/queues/api/queues", headers }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await raw({})).toBe(401);
    expect(await raw({ authorization: basic("admin", PASSWORD) })).toBe(200);
  });

  it("serves the board, its assets and its API with the right password", async () => {
    const q = queue(`ops-${randomUUID()}`);
    await q.add("poll", { feedId: "f1" });
    const base = await serve({ redis, queues: [q], adminPassword: PASSWORD });
    const auth = { authorization: basic("admin", PASSWORD) };

    const page = await fetch(`${base}/admin/queues`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    // Assets are linked relative to the mount path, so the page works behind /admin/queues.
    expect(html).toContain('<base href="/admin/queues/"');
    const asset = /src="(static\/js\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${base}/admin/queues/${asset}`, { headers: auth });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);

    const api = await fetch(`${base}/admin/queues/api/queues?activeQueue=${encodeURIComponent(q.name)}&status=waiting`, { headers: auth });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    const mine = body.queues.find((x) => x.name === q.name);
    expect(mine?.counts.waiting).toBe(1);
  });

  it("refuses a state-changing request sent from another site's page", async () => {
    const q = queue(`ops-${randomUUID()}`);
    const base = await serve({ redis, queues: [q], adminPassword: PASSWORD });
    const res = await fetch(`${base}/admin/queues/api/queues/${encodeURIComponent(q.name)}/pause`, {
      method: "PUT",
      headers: { authorization: basic("admin", PASSWORD), origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await q.isPaused()).toBe(false);
    // The same request from the board's own page goes through.
    const own = await fetch(`${base}/admin/queues/api/queues/${encodeURIComponent(q.name)}/pause`, {
      method: "PUT",
      headers: { authorization: basic("admin", PASSWORD), origin: base },
    });
    expect(own.status).toBe(200);
    expect(await q.isPaused()).toBe(true);
  });
});

describe("serveOps (what catalyst-bot start runs)", () => {
  function recordingLog() {
    const lines: string[] = [];
    return { lines, log: pino({ level: "info" }, { write: (l: string) => void lines.push(l) }) };
  }

  it("is off with HTTP_PORT=0, serves on HTTP_HOST:HTTP_PORT otherwise, and reports stopped workers on /readyz", async () => {
    const { log, lines } = recordingLog();
    const metrics = createMetrics({ defaultMetrics: false });
    const base = { redis, metrics, queues: [], log };
    expect(await serveOps({ ...base, config: { HTTP_PORT: 0, HTTP_HOST: "127.0.0.1" } })).toBeUndefined();

    let running = 3;
    const port = await closedPort();
    const server = await serveOps({
      ...base,
      config: { HTTP_PORT: port, HTTP_HOST: "127.0.0.1" },
      workers: async () => ({ workers: 3, workersRunning: running }),
    });
    expect(server).toBeDefined();
    cleanup.push(() => new Promise((r) => server?.close(r)));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    running = 2;
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.workers).toMatch(/1 of 3 workers are not running/);
    expect(lines.join("")).toMatch(/ops server/);
    // The board stays off without a password.
    expect((await fetch(`http://127.0.0.1:${port}/admin/queues`)).status).toBe(404);
  });

  it("logs a busy port and lets the bot run on without the server", async () => {
    const { log, lines } = recordingLog();
    const metrics = createMetrics({ defaultMetrics: false });
    const port = await closedPort();
    const config = { HTTP_PORT: port, HTTP_HOST: "127.0.0.1", ADMIN_PASSWORD: PASSWORD };
    const first = await serveOps({ redis, metrics, queues: [], log, config });
    cleanup.push(() => new Promise((r) => first?.close(r)));
    expect(await serveOps({ redis, metrics, queues: [], log, config })).toBeUndefined();
    const logged = lines.join("");
    expect(logged).toMatch(/EADDRINUSE.*HTTP_PORT/);
    expect(logged).not.toContain(PASSWORD);
  });
});
