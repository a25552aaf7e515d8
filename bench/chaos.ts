// `npm run chaos`: every fault scenario of test/fault at full length (kill -9 mid-send, Redis down 10 s, rate limits,
// failures, SIGTERM, malformed jobs) against fake platforms on loopback; prints a table and, last, one JSON line.
//
//   npm run chaos                      # all scenarios (about 2.5 minutes: a killed send waits out its 60 s lease)
//   npm run chaos -- --only kill,redis # some of them (names: see SCENARIOS)
//
// Uses REDIS_URL when set (keys under a fresh prefix per scenario, removed after), else a private redis-server.
// The Redis scenario always runs its own persistent redis-server, since it stops it.
import { startPrivateRedis, type PrivateRedis } from "../src/adapters/redis/private-server.ts";
import {
  authStorm,
  burst,
  describeResult,
  discordGlobal429,
  figureText,
  killMidSend,
  malformedJob,
  redisRestart,
  sigterm,
  slack429,
  webhook404,
  type ScenarioResult,
} from "../test/fault/scenarios.ts";

type Run = (redisUrl: string) => Promise<Array<ScenarioResult<object>>>;

const SCENARIOS: Record<string, Run> = {
  // The kill variants at once: each spends most of its time waiting for the killed sends' lease to expire. The
  // second after-accept run has DELIVER_CONCURRENCY=10, to show the window grows with the sends in flight, no further.
  kill: async (url) =>
    Promise.all([
      killMidSend(url, { when: "before-accept", alerts: 20, concurrency: 3 }),
      killMidSend(url, { when: "after-accept", alerts: 20, concurrency: 3 }),
      killMidSend(url, { when: "after-accept", alerts: 30, concurrency: 10 }),
    ]),
  redis: async () => [await redisRestart({ downMs: 10_000, feedMs: 10_000, everyMs: 200 })],
  slack429: async (url) => [await slack429(url, { retryAfterS: 3 })],
  burst: async (url) => [await burst(url, { alerts: 20 })],
  discordGlobal: async (url) => [await discordGlobal429(url, { retryAfterS: 3 })],
  webhook404: async (url) => [await webhook404(url, { alerts: 10 })],
  authStorm: async (url) => [await authStorm(url, { platform: "discord", alerts: 500 }), await authStorm(url, { platform: "slack", alerts: 500 })],
  sigterm: async (url) => [await sigterm(url, { alerts: 30, graceMs: 10_000, latencyMs: 2_000, concurrency: 10 })],
  malformed: async (url) => [await malformedJob(url)],
};

function selected(): string[] {
  const i = process.argv.indexOf("--only");
  if (i < 0) return Object.keys(SCENARIOS);
  const names = (process.argv[i + 1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (names.length === 0 || unknown.length) {
    throw new Error(`--only takes a comma-separated list of ${Object.keys(SCENARIOS).join(", ")}; got '${process.argv[i + 1] ?? ""}'`);
  }
  return names;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

async function main(): Promise<number> {
  const names = selected();
  let priv: PrivateRedis | undefined;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    priv = await startPrivateRedis({ persistent: false });
    redisUrl = priv.url;
  }
  const results: Array<{ key: string; result?: ScenarioResult<object>; error?: string }> = [];
  try {
    for (const name of names) {
      const started = Date.now();
      console.error(`chaos: ${name} ...`);
      try {
        const rs = await (SCENARIOS[name] as Run)(redisUrl);
        for (const [i, r] of rs.entries()) {
          results.push({ key: rs.length > 1 ? `${name}.${i + 1}` : name, result: r });
          console.error(`  ${describeResult(r)}`);
        }
      } catch (err) {
        // A scenario that could not finish (a timeout waiting for alerts) is a result too.
        results.push({ key: name, error: err instanceof Error ? err.message : String(err) });
        console.error(`  ${name} did not finish: ${err instanceof Error ? err.message : String(err)}`);
      }
      console.error(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await priv?.stop();
  }

  const header = `${pad("scenario", 48)} ${pad("expected", 8)} ${pad("delivered", 9)} ${pad("duplicated", 10)} ${pad("lost", 5)} verdict`;
  console.log(header);
  console.log("-".repeat(header.length + 20));
  for (const { key, result, error } of results) {
    if (!result) {
      console.log(`${pad(key, 48)} ${pad("-", 8)} ${pad("-", 9)} ${pad("-", 10)} ${pad("-", 5)} NOT MET: did not finish: ${(error ?? "").split("\n")[0]}`);
      continue;
    }
    const t = result.tally;
    const verdict = result.unmet.length ? `NOT MET: ${result.unmet.join("; ")}` : "met";
    console.log(`${pad(result.name, 48)} ${pad(String(t.expected), 8)} ${pad(String(t.delivered), 9)} ${pad(String(t.duplicated), 10)} ${pad(String(t.lost), 5)} ${verdict}`);
    console.log(`${pad("", 48)} ${figureText(result.figures)}`);
  }
  const json: Record<string, unknown> = {};
  for (const { key, result, error } of results) {
    json[key] = result ? { name: result.name, ...result.tally, ...result.figures, met: result.unmet.length === 0, unmet: result.unmet } : { met: false, error };
  }
  console.log(JSON.stringify(json));
  return results.every((r) => r.result && r.result.unmet.length === 0) ? 0 : 1;
}

process.exitCode = await main();
