// The fault scenarios, each run end to end against real Redis, real SDK clients and fake platforms behind a recording
// front; each returns its figures and the expectations it did not meet. Used by test/fault/*.test.ts and bench/chaos.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { App } from "../../src/app.ts";
import { closeRedis, createRedisConnection } from "../../src/adapters/redis/connection.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/adapters/redis/private-server.ts";
import type { AlertDeliverJob } from "../../src/contracts/jobs.ts";
import { createPipelineQueues, type PipelineQueues } from "../../src/pipeline/queues.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.ts";
import { startFeedServer } from "../helpers/feed-server.ts";
import {
  alertJob,
  allAccepted,
  captureLog,
  delivererEnv,
  discordChannel,
  dropPrefix,
  faultDuration,
  figuresOf,
  killChild,
  newPrefix,
  rss,
  slackChannel,
  startDelivererProcess,
  startFront,
  startInProcess,
  tally,
  tickerClassify,
  tokenNumber,
  tokenOf,
  waitForIdle,
  webhookDestination,
  type ChildDeliverer,
  type Front,
  type FrontRequest,
  type Tally,
} from "./harness.ts";

/** What every scenario returns: the tally, its own figures, and each expectation it did not meet (empty = met). */
export interface ScenarioResult<F extends object = Record<string, unknown>> {
  name: string;
  tally: Tally;
  figures: F;
  unmet: string[];
}

// Timestamps are taken at the front when a request arrives; the deliverer starts its pause when the 429 reaches it,
// which is later, so a correct deliverer is never early. The tolerance covers timer and clock granularity only.
const CLOCK_TOLERANCE_MS = 100;

const SLACK_TOKEN = "xoxb-test-token";
const DISCORD_TOKEN = "fault-discord-token";

const isSlackPost = (r: FrontRequest) => r.path.endsWith("chat.postMessage");
const isDiscordPost = (r: FrontRequest) => /\/channels\/\d+\/messages$/.test(r.path);

function tallyUnmet(t: Tally, what = "alerts"): string[] {
  const out: string[] = [];
  if (t.lost) out.push(`${t.lost} of ${t.expected} ${what} lost`);
  if (t.duplicated) out.push(`${t.duplicated} of ${t.expected} ${what} posted more than once`);
  return out;
}

/** Fake Slack and Discord behind recording fronts, a producer for the delivery queue, and everything to clean up. */
interface World {
  redisUrl: string;
  prefix: string;
  slack: FakeSlackApi;
  discord: FakeDiscordApi;
  slackFront: Front;
  discordFront: Front;
  env: Record<string, string>;
  queues: PipelineQueues;
  /** The producer's connection, for looking at the queue's keys. */
  redis: Redis;
  apps: App[];
  children: ChildDeliverer[];
  add(jobs: AlertDeliverJob[]): Promise<void>;
  close(): Promise<void>;
}

async function world(redisUrl: string, name: string, extraEnv: Record<string, string> = {}): Promise<World> {
  const prefix = newPrefix(name);
  const slack = await startFakeSlackApi();
  const discord = await startFakeDiscord();
  const slackFront = await startFront(slack.url);
  const discordFront = await startFront(discord.apiUrl);
  const producer = createRedisConnection(redisUrl, { name: "fault-producer", forWorker: true });
  const queues = createPipelineQueues(producer, prefix);
  const env = delivererEnv(redisUrl, prefix, {
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: slackFront.url,
    DISCORD_TOKEN,
    DISCORD_API_URL: discordFront.url,
    ...extraEnv,
  });
  const w: World = {
    redisUrl,
    prefix,
    slack,
    discord,
    slackFront,
    discordFront,
    env,
    queues,
    redis: producer,
    apps: [],
    children: [],
    add: (jobs) => queues.addDeliveries(jobs),
    async close() {
      for (const c of w.children) await killChild(c);
      for (const a of w.apps) await a.stop().catch(() => undefined);
      await queues.alertDeliver.obliterate({ force: true }).catch(() => undefined);
      await queues.close();
      await closeRedis(producer);
      await dropPrefix(redisUrl, prefix);
      await Promise.all([slackFront.close(), discordFront.close(), slack.close(), discord.close()]);
    },
  };
  return w;
}

async function inProcess(w: World, env: Record<string, string> = w.env, log?: Logger): Promise<App> {
  const app = await startInProcess(w.redisUrl, env, log ? { log } : {});
  w.apps.push(app);
  return app;
}

async function child(w: World, extra: Record<string, string> = {}): Promise<ChildDeliverer> {
  const c = startDelivererProcess({ ...w.env, ...extra });
  w.children.push(c);
  await c.waitForLog(/catalyst-bot running/, 30_000);
  return c;
}

const tokens = (from: number, count: number) => Array.from({ length: count }, (_, i) => tokenOf(from + i));

/** A scenario's own figures as k=v pairs, long texts cut. */
export function figureText(figures: object): string {
  return Object.entries(figures)
    .map(([k, v]) => {
      const text = String(v);
      return `${k}=${text.length > 80 ? `${text.slice(0, 79)}…` : text}`;
    })
    .join(" ");
}

/** One line per scenario: the tally, then its own figures. */
export function describeResult(r: ScenarioResult<object>): string {
  const t = r.tally;
  const own = figureText(r.figures);
  const verdict = r.unmet.length ? `NOT MET: ${r.unmet.join("; ")}` : "met";
  return `${r.name}: alerts expected ${t.expected} / delivered ${t.delivered} / duplicated ${t.duplicated} / lost ${t.lost}; ${own}; ${verdict}`;
}

// ---------------------------------------------------------------- 1. kill -9 of a deliverer mid-send

export interface KillFigures {
  when: "before-accept" | "after-accept";
  concurrency: number;
  inFlightAtKill: number;
  /** Posts the platform accepted before the kill. */
  acceptedBeforeKill: number;
  /** From the kill to the last expected alert's first post. */
  recoveryMs: number;
  /** From the kill to the moment every job was done (duplicates included). */
  settledMs: number;
  /** Tokens posted twice, and whether each was in flight (accepted, unanswered) at the kill. */
  duplicatesInWindow: number;
  duplicatesOutsideWindow: number;
}

/**
 * A deliverer process is SIGKILLed while `concurrency` sends are in flight: either before the platform took them
 * (held unanswered) or after it posted them but before the deliverer heard back (so before the record). A second
 * process takes over. The documented window: an alert accepted by the platform whose record was never written is
 * posted again once its send lease expires.
 */
export async function killMidSend(redisUrl: string, opts: { when: "before-accept" | "after-accept"; alerts?: number; concurrency?: number; timeoutMs?: number }): Promise<ScenarioResult<KillFigures>> {
  const alerts = opts.alerts ?? 20;
  const concurrency = opts.concurrency ?? 3;
  const w = await world(redisUrl, `kill-${opts.when}`, { DELIVER_CONCURRENCY: String(concurrency) });
  try {
    const expected = tokens(1, alerts);
    const first = await child(w);
    const removeHold = w.slackFront.rule({ match: isSlackPost, action: { kind: opts.when === "before-accept" ? "hold" : "accept-and-hold" }, times: Infinity });
    // One channel per alert: pacing (1 per second per channel) plays no part here.
    await w.add(expected.map((t, i) => alertJob(t, slackChannel(`C_KILL_${i}`))));
    // After-accept: wait until the platform has posted them, so the kill lands between its answer and our record.
    const inFlightNow = (rs: FrontRequest[]) => rs.filter((r) => isSlackPost(r) && (opts.when === "before-accept" || r.accepted)).length;
    await w.slackFront.waitFor((rs) => inFlightNow(rs) >= concurrency, `${concurrency} sends in flight`, 30_000);
    const inFlight = w.slackFront.requests.filter(isSlackPost);
    first.child.kill("SIGKILL");
    const killedAt = (await first.exited).at;
    removeHold();
    const acceptedBeforeKill = w.slackFront.accepted().length;

    await child(w);
    const timeoutMs = opts.timeoutMs ?? 180_000;
    await w.slackFront.waitFor(allAccepted(w.slackFront, expected), `all ${alerts} alerts posted after the kill`, timeoutMs);
    const recoveryMs = Date.now() - killedAt;
    await waitForIdle(w.queues.alertDeliver, timeoutMs);
    const settledMs = Date.now() - killedAt;

    const t = tally(expected, w.slackFront.accepted());
    const inFlightTokens = new Set(inFlight.filter((r) => r.accepted).flatMap((r) => r.tokens));
    const dupIn = t.duplicates.filter((d) => inFlightTokens.has(d)).length;
    const figures: KillFigures = {
      when: opts.when,
      concurrency,
      inFlightAtKill: inFlight.length,
      acceptedBeforeKill,
      recoveryMs,
      settledMs,
      duplicatesInWindow: dupIn,
      duplicatesOutsideWindow: t.duplicated - dupIn,
    };
    const unmet: string[] = [];
    if (t.lost) unmet.push(`${t.lost} of ${alerts} alerts lost: ${t.missing.join(", ")}`);
    if (figures.duplicatesOutsideWindow) unmet.push(`${figures.duplicatesOutsideWindow} alerts posted twice that were not in flight at the kill`);
    // Before the platform accepted anything, nothing may be posted twice at all.
    if (opts.when === "before-accept" && t.duplicated) unmet.push(`${t.duplicated} alerts posted twice although the kill landed before the platform took them`);
    return { name: `kill -9 mid-send (${opts.when}, ${concurrency} in flight)`, tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 2. Redis stopped and restarted

export interface RedisRestartFigures {
  downMs: number;
  feedMs: number;
  itemsDuringOutage: number;
  /** From Redis's restart to the last expected alert's first post. */
  catchUpMs: number;
  duplicatesInWindow: number;
  duplicatesOutsideWindow: number;
  /** Each duplicate: its posts, in ms relative to the moment Redis was told to stop. */
  duplicatePosts: string;
}

/**
 * The whole pipeline (poller, classifier, deliverer) on a private, persistent redis-server (appendonly) while a
 * feed keeps publishing; Redis is stopped for `downMs` and started again on the same data. Every item must reach
 * Slack exactly once (a duplicate counts as in the documented window only when its first post was accepted while
 * Redis was going down or down, so its record could not be written).
 */
export async function redisRestart(opts: { downMs: number; feedMs?: number; everyMs?: number; channels?: number; timeoutMs?: number; log?: Logger }): Promise<ScenarioResult<RedisRestartFigures>> {
  const dir = mkdtempSync(join(tmpdir(), "catalyst-fault-redis-"));
  const feedMs = opts.feedMs ?? 3_000;
  const everyMs = opts.everyMs ?? 250;
  const channels = opts.channels ?? 8;
  let redis: PrivateRedis | undefined = await startPrivateRedis({ persistent: true, dataDir: join(dir, "redis") });
  const port = redis.port;
  const server = await startFeedServer();
  const slack = await startFakeSlackApi();
  const front = await startFront(slack.url);
  const prefix = newPrefix("redis");
  writeFileSync(join(dir, "feeds.json"), JSON.stringify({ feeds: [{ name: "Fault wire", url: server.urlFor("/wire.xml"), intervalSeconds: 5 }] }));
  const env = delivererEnv(redis.url, prefix, {
    FEEDS_FILE: join(dir, "feeds.json"),
    FEED_ALLOW_PRIVATE: "127.0.0.1",
    FEED_BACKFILL: "true",
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: front.url,
  });
  const items: Array<{ title: string; link: string }> = [];
  let feeder: NodeJS.Timeout | undefined;
  let app: App | undefined;
  try {
    server.setFeed("/wire.xml", rss([]));
    app = await startInProcess(redis.url, env, { roles: ["poller", "classifier", "deliverer"], classify: tickerClassify, ...(opts.log ? { log: opts.log } : {}) });
    const tickers = Array.from({ length: channels }, (_, i) => `TK${String.fromCharCode(65 + i)}`);
    for (const [i, ticker] of tickers.entries()) {
      await app.subscriptions.add({ destination: slackChannel(`C_REDIS_${i}`), ticker, catalysts: [], minConfidence: 0.5, createdAt: new Date().toISOString() });
    }
    let n = 0;
    const publish = () => {
      n += 1;
      const t = tokenOf(n);
      // Newest first, as feeds list them; the feed keeps every item so a late poll still sees it.
      items.unshift({ title: `${t} $${tickers[n % tickers.length]} announces a share buyback`, link: `http://wire.test/${t}` });
      server.setFeed("/wire.xml", rss(items));
    };
    feeder = setInterval(publish, everyMs);
    await faultDuration(feedMs / 2);
    const stopAt = Date.now();
    await redis.stop();
    redis = undefined;
    const before = items.length;
    await faultDuration(opts.downMs);
    const itemsDuringOutage = items.length - before;
    redis = await startPrivateRedis({ persistent: true, dataDir: join(dir, "redis"), port });
    const restartedAt = Date.now();
    await faultDuration(feedMs / 2);
    clearInterval(feeder);
    feeder = undefined;

    const expected = items.map((i) => /FA\d{4}Z/.exec(i.title)?.[0] ?? "");
    const timeoutMs = opts.timeoutMs ?? 120_000;
    await front.waitFor(allAccepted(front, expected), `all ${expected.length} items posted after the restart`, timeoutMs);
    const catchUpMs = Date.now() - restartedAt;
    await waitForIdle(app.queues.articleClassify, timeoutMs);
    await waitForIdle(app.queues.alertDeliver, timeoutMs);
    const t = tally(expected, front.accepted());
    const firstPostAt = (token: string) => front.requests.find((r) => r.accepted && r.tokens.includes(token))?.at ?? 0;
    const dupIn = t.duplicates.filter((d) => firstPostAt(d) >= stopAt - 1_000 && firstPostAt(d) <= restartedAt).length;
    const figures: RedisRestartFigures = {
      downMs: opts.downMs,
      feedMs,
      itemsDuringOutage,
      catchUpMs,
      duplicatesInWindow: dupIn,
      duplicatesOutsideWindow: t.duplicated - dupIn,
      duplicatePosts: t.duplicates
        .map((d) => `${d}:${front.requests.filter((r) => r.accepted && r.tokens.includes(d)).map((r) => `${r.at - stopAt >= 0 ? "+" : ""}${r.at - stopAt}`).join("/")}`)
        .join(","),
    };
    const unmet: string[] = [];
    if (t.lost) unmet.push(`${t.lost} of ${t.expected} items never posted: ${t.missing.join(", ")}`);
    if (figures.duplicatesOutsideWindow) unmet.push(`${figures.duplicatesOutsideWindow} items posted twice outside the window: ${t.duplicates.join(", ")}`);
    return { name: `Redis down ${opts.downMs / 1000} s`, tally: figuresOf(t), figures, unmet };
  } finally {
    if (feeder) clearInterval(feeder);
    await app?.stop().catch(() => undefined);
    if (!redis) redis = await startPrivateRedis({ persistent: true, dataDir: join(dir, "redis"), port }).catch(() => undefined);
    await redis?.stop();
    await Promise.all([server.close(), front.close(), slack.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 3. Slack 429 on one channel

export interface Slack429Figures {
  retryAfterS: number;
  /** From the 429 to the limited channel's next request. */
  limitedNextAfterMs: number;
  /** Requests to the limited channel inside the Retry-After. */
  limitedRequestsDuringPause: number;
  /** From the 429 to the last post of the other channels. */
  othersLastAfterMs: number;
}

export async function slack429(redisUrl: string, opts: { retryAfterS?: number } = {}): Promise<ScenarioResult<Slack429Figures>> {
  const retryAfterS = opts.retryAfterS ?? 3;
  const w = await world(redisUrl, "slack429");
  try {
    await inProcess(w);
    w.slackFront.rule({
      match: (r) => isSlackPost(r) && r.channel === "C_LIMITED",
      action: { kind: "answer", status: 429, headers: { "retry-after": String(retryAfterS) }, body: { ok: false, error: "ratelimited" } },
      times: 1,
    });
    const limited = tokens(1, 3);
    const others = tokens(4, 6);
    await w.add([alertJob(tokenOf(1), slackChannel("C_LIMITED"))]);
    await w.slackFront.waitFor((rs) => rs.some((r) => r.status === 429), "the 429", 15_000);
    const t429 = w.slackFront.requests.find((r) => r.status === 429)?.at ?? 0;
    await w.add([...limited.slice(1).map((t) => alertJob(t, slackChannel("C_LIMITED"))), ...others.map((t, i) => alertJob(t, slackChannel(`C_FREE_${i}`)))]);
    await w.slackFront.waitFor(allAccepted(w.slackFront, [...limited, ...others]), "every alert posted", 30_000);
    await waitForIdle(w.queues.alertDeliver, 15_000);

    const after = w.slackFront.requests.filter((r) => r.at > t429);
    const limitedAfter = after.filter((r) => r.channel === "C_LIMITED");
    const pauseEnd = t429 + retryAfterS * 1000 - CLOCK_TOLERANCE_MS;
    const otherPosts = w.slackFront.requests.filter((r) => r.accepted && r.channel?.startsWith("C_FREE_"));
    const figures: Slack429Figures = {
      retryAfterS,
      limitedNextAfterMs: (limitedAfter[0]?.at ?? Infinity) - t429,
      limitedRequestsDuringPause: limitedAfter.filter((r) => r.at < pauseEnd).length,
      othersLastAfterMs: Math.max(...otherPosts.map((r) => r.at)) - t429,
    };
    const t = tally([...limited, ...others], w.slackFront.accepted());
    const unmet = tallyUnmet(t);
    if (figures.limitedRequestsDuringPause) {
      unmet.push(`${figures.limitedRequestsDuringPause} requests to the limited channel within its Retry-After of ${retryAfterS} s (first ${figures.limitedNextAfterMs} ms after the 429)`);
    }
    if (figures.othersLastAfterMs >= retryAfterS * 1000) unmet.push(`the other channels waited for the limited one: last post ${figures.othersLastAfterMs} ms after the 429`);
    return { name: `Slack 429 Retry-After ${retryAfterS} on one channel`, tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 4. burst to one channel

export interface BurstFigures {
  spanMs: number;
  /** Shortest time between two consecutive requests to the channel. */
  minGapMs: number;
  /** Requests that came earlier than one per second since the first would allow (beyond the tolerance). */
  paceViolations: number;
  /** Adjacent posts in the other order than the alerts were queued. */
  outOfOrder: number;
  requests: number;
}

const PACE_TOLERANCE_MS = 250;

export async function burst(redisUrl: string, opts: { alerts?: number } = {}): Promise<ScenarioResult<BurstFigures>> {
  const alerts = opts.alerts ?? 20;
  const w = await world(redisUrl, "burst");
  try {
    await inProcess(w);
    const expected = tokens(1, alerts);
    await w.add(expected.map((t) => alertJob(t, slackChannel("C_BURST"))));
    await w.slackFront.waitFor(allAccepted(w.slackFront, expected), `all ${alerts} alerts posted`, alerts * 1_000 + 30_000);
    await waitForIdle(w.queues.alertDeliver, 15_000);
    const reqs = w.slackFront.requests.filter((r) => isSlackPost(r) && r.channel === "C_BURST");
    const first = reqs[0]?.at ?? 0;
    const gaps = reqs.slice(1).map((r, i) => r.at - (reqs[i]?.at ?? 0));
    const posted = w.slackFront.accepted((r) => r.channel === "C_BURST");
    const figures: BurstFigures = {
      spanMs: (reqs.at(-1)?.at ?? first) - first,
      minGapMs: gaps.length ? Math.min(...gaps) : 0,
      paceViolations: reqs.filter((r, k) => r.at - first < k * 1_000 - PACE_TOLERANCE_MS).length,
      outOfOrder: posted.slice(1).filter((t, i) => tokenNumber(t) < tokenNumber(posted[i] ?? t)).length,
      requests: reqs.length,
    };
    const t = tally(expected, posted);
    const unmet = tallyUnmet(t);
    if (figures.paceViolations) unmet.push(`${figures.paceViolations} of ${reqs.length} requests faster than 1 per second (all within ${figures.spanMs} ms; shortest gap ${figures.minGapMs} ms)`);
    return { name: `burst of ${alerts} to one Slack channel`, tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 5. Discord global 429

export interface DiscordGlobalFigures {
  retryAfterS: number;
  /** From the global 429 to the next Discord request (any channel, either process). */
  discordNextAfterMs: number;
  discordRequestsDuringPause: number;
  /** From the 429 to the last Slack post. */
  slackLastAfterMs: number;
}

/** Two deliverer processes' worth of workers (two apps, each with its own REST client) share one Redis. */
export async function discordGlobal429(redisUrl: string, opts: { retryAfterS?: number } = {}): Promise<ScenarioResult<DiscordGlobalFigures>> {
  const retryAfterS = opts.retryAfterS ?? 3;
  const w = await world(redisUrl, "discord-global");
  try {
    await inProcess(w);
    await inProcess(w);
    w.discordFront.rule({
      match: isDiscordPost,
      action: {
        kind: "answer",
        status: 429,
        headers: { "retry-after": String(retryAfterS), "x-ratelimit-global": "true", "x-ratelimit-scope": "global" },
        body: { message: "You are being rate limited.", retry_after: retryAfterS, global: true },
      },
      times: 1,
    });
    const channels = Array.from({ length: 6 }, () => snowflake());
    const discordTokens = tokens(1, 6);
    const slackTokens = tokens(7, 6);
    await w.add([alertJob(tokenOf(1), discordChannel(channels[0] ?? ""))]);
    await w.discordFront.waitFor((rs) => rs.some((r) => r.status === 429), "the global 429", 15_000);
    const t0 = w.discordFront.requests.find((r) => r.status === 429)?.at ?? 0;
    await w.add([
      ...discordTokens.slice(1).map((t, i) => alertJob(t, discordChannel(channels[i + 1] ?? ""))),
      ...slackTokens.map((t, i) => alertJob(t, slackChannel(`C_FLOW_${i}`))),
    ]);
    await w.discordFront.waitFor(allAccepted(w.discordFront, discordTokens), "every Discord alert posted", 30_000);
    await w.slackFront.waitFor(allAccepted(w.slackFront, slackTokens), "every Slack alert posted", 30_000);
    await waitForIdle(w.queues.alertDeliver, 15_000);

    const discordAfter = w.discordFront.requests.filter((r) => isDiscordPost(r) && r.at > t0);
    const pauseEnd = t0 + retryAfterS * 1000 - CLOCK_TOLERANCE_MS;
    const figures: DiscordGlobalFigures = {
      retryAfterS,
      discordNextAfterMs: (discordAfter[0]?.at ?? Infinity) - t0,
      discordRequestsDuringPause: discordAfter.filter((r) => r.at < pauseEnd).length,
      slackLastAfterMs: Math.max(...w.slackFront.requests.filter((r) => r.accepted).map((r) => r.at)) - t0,
    };
    const t = tally([...discordTokens, ...slackTokens], [...w.discordFront.accepted(), ...w.slackFront.accepted()]);
    const unmet = tallyUnmet(t);
    if (figures.discordRequestsDuringPause) {
      unmet.push(`${figures.discordRequestsDuringPause} Discord requests within the global Retry-After of ${retryAfterS} s (first ${figures.discordNextAfterMs} ms after the 429)`);
    }
    if (figures.slackLastAfterMs >= retryAfterS * 1000) unmet.push(`Slack waited for Discord's global limit: last Slack post ${figures.slackLastAfterMs} ms after the 429`);
    return { name: `Discord global 429 (${retryAfterS} s), two deliverers`, tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 6. webhook answering 404

export interface Webhook404Figures {
  alerts: number;
  requestsToDeadWebhook: number;
  /** What `catalyst-bot deliveries list` shows as disabled. */
  disabled: string;
  /** Alerts for the dead webhook kept as dead letters (to retry once it is fixed). */
  deadLetters: number;
  /** Every job finished (none waiting, active or delayed) within the timeout. */
  drained: boolean;
  failedJobs: number;
}

export async function webhook404(redisUrl: string, opts: { alerts?: number } = {}): Promise<ScenarioResult<Webhook404Figures>> {
  const alerts = opts.alerts ?? 5;
  const dir = mkdtempSync(join(tmpdir(), "catalyst-fault-hooks-"));
  const deadId = snowflake();
  const liveId = snowflake();
  const w = await world(redisUrl, "webhook404", { WEBHOOKS_FILE: join(dir, "webhooks.json") });
  try {
    writeFileSync(
      join(dir, "webhooks.json"),
      JSON.stringify([
        { name: "dead", kind: "discord", url: `${w.discordFront.url}/webhooks/${deadId}/deadWebhookToken` },
        { name: "live", kind: "discord", url: `${w.discordFront.url}/webhooks/${liveId}/liveWebhookToken` },
      ]),
    );
    w.discordFront.rule({ match: (r) => r.channel === `webhook:${deadId}`, action: { kind: "answer", status: 404, body: { message: "Unknown Webhook", code: 10015 } }, times: Infinity });
    const app = await inProcess(w);
    const expected = tokens(1, alerts);
    const jobsFor = (t: string, i: number) => [alertJob(t, webhookDestination("dead")), alertJob(t, webhookDestination("live")), alertJob(t, slackChannel(`C_HOOKS_${i}`))];
    // The first alert finds out that the webhook is gone; the later ones come after that is known.
    await w.add(jobsFor(expected[0] ?? "", 0));
    await w.discordFront.waitFor((rs) => rs.some((r) => r.status === 404), "the 404", 15_000);
    let drained = true;
    await waitForIdle(w.queues.alertDeliver, 20_000).catch(() => (drained = false));
    await w.add(expected.slice(1).flatMap((t, i) => jobsFor(t, i + 1)));
    const live = (r: FrontRequest) => r.channel === `webhook:${liveId}`;
    await w.discordFront.waitFor(allAccepted(w.discordFront, expected, live), "every alert on the live webhook", 30_000);
    await w.slackFront.waitFor(allAccepted(w.slackFront, expected), "every alert on Slack", 30_000);
    await waitForIdle(w.queues.alertDeliver, 30_000).catch(() => (drained = false));

    const figures: Webhook404Figures = {
      alerts,
      requestsToDeadWebhook: w.discordFront.requests.filter((r) => r.channel === `webhook:${deadId}`).length,
      disabled: (await app.destinations.listDisabled()).map((d) => d.key).join(","),
      deadLetters: (await app.deadLetters.list()).filter((d) => d.destination.channel === "dead").length,
      drained,
      failedJobs: await w.queues.alertDeliver.getFailedCount(),
    };
    const t = tally([...expected.map((x) => `live:${x}`), ...expected.map((x) => `slack:${x}`)], [
      ...w.discordFront.accepted(live).map((x) => `live:${x}`),
      ...w.slackFront.accepted().map((x) => `slack:${x}`),
    ]);
    const unmet = tallyUnmet(t, "deliveries to the other destinations");
    if (figures.requestsToDeadWebhook > 1) unmet.push(`the deleted webhook was posted to ${figures.requestsToDeadWebhook} times for ${alerts} alerts: it was not disabled after its 404`);
    if (!drained) unmet.push("jobs were still waiting or retrying after 30 s");
    if (figures.disabled !== "webhook/webhook/dead") unmet.push(`disabled destinations: '${figures.disabled}', expected only webhook/webhook/dead`);
    if (figures.deadLetters !== alerts) unmet.push(`${figures.deadLetters} of the ${alerts} alerts for the dead webhook kept as dead letters`);
    return { name: "webhook answering 404", tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 7. 401 storm

export interface AuthStormFigures {
  platform: "discord" | "slack";
  alerts: number;
  /** Requests the platform got for all those alerts. */
  requests: number;
  /** Nothing left waiting or active (the rest failed, or waits far ahead) within the observation time. */
  settled: boolean;
  observedMs: number;
  disabled: string;
  /** Alerts kept as dead letters (nothing is dropped silently). */
  deadLetters: number;
}

/** The platform refuses the token on every request (Discord: HTTP 401; Slack: invalid_auth). */
export async function authStorm(redisUrl: string, opts: { platform: "discord" | "slack"; alerts?: number; channels?: number; observeMs?: number }): Promise<ScenarioResult<AuthStormFigures>> {
  const alerts = opts.alerts ?? 500;
  const channels = opts.channels ?? 50;
  const w = await world(redisUrl, `auth-${opts.platform}`);
  try {
    const front = opts.platform === "discord" ? w.discordFront : w.slackFront;
    front.rule({
      match: opts.platform === "discord" ? isDiscordPost : isSlackPost,
      action:
        opts.platform === "discord"
          ? { kind: "answer", status: 401, body: { message: "401: Unauthorized", code: 0 } }
          : { kind: "answer", status: 200, body: { ok: false, error: "invalid_auth" } },
      times: Infinity,
    });
    const app = await inProcess(w);
    const ids = Array.from({ length: channels }, (_, i) => (opts.platform === "discord" ? snowflake() : `C_AUTH_${i}`));
    const dest = (i: number) => (opts.platform === "discord" ? discordChannel(ids[i % channels] ?? "") : slackChannel(ids[i % channels] ?? ""));
    const started = Date.now();
    await w.add(tokens(1, alerts).map((t, i) => alertJob(t, dest(i))));
    const observeMs = opts.observeMs ?? 20_000;
    // Settled: no job waits to run or runs; the rest failed or were put back far ahead. Requests are counted then.
    const deadline = started + observeMs;
    let settled = false;
    while (Date.now() < deadline) {
      const c = await w.queues.alertDeliver.getJobCounts("waiting", "active", "prioritized");
      // BullMQ scores a delayed job by its due time (ms) shifted left by 12 bits: the earliest one is due at this.
      const [, score] = await w.redis.zrange(w.queues.alertDeliver.keys.delayed ?? "", 0, 0, "WITHSCORES");
      const soon = score !== undefined && Math.floor(Number(score) / 4096) < Date.now() + 5_000;
      if (Object.values(c).every((n) => n === 0) && !soon) {
        settled = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const figures: AuthStormFigures = {
      platform: opts.platform,
      alerts,
      requests: front.requests.length,
      settled,
      observedMs: Date.now() - started,
      disabled: (await app.destinations.listDisabled()).map((d) => d.key).join(","),
      deadLetters: (await app.deadLetters.list()).length,
    };
    const unmet: string[] = [];
    // Discord bans an IP at 10,000 invalid requests in 10 minutes; "tiny" here is a few per worker slot.
    if (figures.requests > 20) unmet.push(`${figures.requests} requests with a refused token for ${alerts} alerts in ${figures.observedMs} ms`);
    if (!settled) unmet.push(`still sending or about to after ${observeMs} ms`);
    if (figures.deadLetters !== alerts) unmet.push(`${figures.deadLetters} of ${alerts} alerts kept as dead letters: the others were dropped or are still pending`);
    // Nothing can be posted with a refused token; lost = neither posted nor kept as a dead letter to retry.
    const posted = front.accepted().length;
    const t: Tally = { expected: alerts, delivered: posted, duplicated: 0, lost: alerts - posted - figures.deadLetters };
    return { name: `401 storm (${opts.platform}), ${alerts} alerts`, tally: t, figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 8. SIGTERM with active jobs

export interface SigtermFigures {
  graceMs: number;
  platformLatencyMs: number;
  inFlightAtSigterm: number;
  exitCode: number | null;
  exitMs: number;
  postedByFirst: number;
  postedBySecond: number;
}

export async function sigterm(redisUrl: string, opts: { alerts?: number; graceMs?: number; latencyMs?: number; concurrency?: number } = {}): Promise<ScenarioResult<SigtermFigures>> {
  const alerts = opts.alerts ?? 12;
  const graceMs = opts.graceMs ?? 8_000;
  const latencyMs = opts.latencyMs ?? 1_500;
  const concurrency = opts.concurrency ?? 4;
  const w = await world(redisUrl, "sigterm", { SHUTDOWN_GRACE_MS: String(graceMs), DELIVER_CONCURRENCY: String(concurrency) });
  try {
    const expected = tokens(1, alerts);
    const first = await child(w);
    const removeSlow = w.slackFront.rule({ match: isSlackPost, action: { kind: "delay", ms: latencyMs }, times: Infinity });
    await w.add(expected.map((t, i) => alertJob(t, slackChannel(`C_TERM_${i}`))));
    await w.slackFront.waitFor((rs) => rs.filter((r) => isSlackPost(r) && r.status === undefined).length >= concurrency, `${concurrency} sends in flight`, 30_000);
    const inFlight = w.slackFront.requests.filter((r) => isSlackPost(r) && r.status === undefined).length;
    const sigAt = Date.now();
    first.child.kill("SIGTERM");
    const exit = await Promise.race([first.exited, faultDuration(graceMs + 10_000).then(() => undefined)]);
    removeSlow();
    const postedByFirst = w.slackFront.accepted().length;
    if (!exit) throw new Error(`the deliverer did not exit within ${graceMs + 10_000} ms of SIGTERM:\n${first.stderr().slice(-2000)}`);

    const second = await child(w);
    await w.slackFront.waitFor(allAccepted(w.slackFront, expected), "every alert posted after the restart", 60_000);
    await waitForIdle(w.queues.alertDeliver, 30_000);
    second.child.kill("SIGTERM");
    await second.exited;

    const figures: SigtermFigures = {
      graceMs,
      platformLatencyMs: latencyMs,
      inFlightAtSigterm: inFlight,
      exitCode: exit.code,
      exitMs: exit.at - sigAt,
      postedByFirst,
      postedBySecond: w.slackFront.accepted().length - postedByFirst,
    };
    const t = tally(expected, w.slackFront.accepted());
    const unmet = tallyUnmet(t);
    if (exit.code !== 0) unmet.push(`exit status ${String(exit.code)} (signal ${String(exit.signal)}) after SIGTERM, not 0`);
    if (figures.exitMs > graceMs) unmet.push(`took ${figures.exitMs} ms to exit, longer than SHUTDOWN_GRACE_MS=${graceMs}`);
    return { name: "SIGTERM with active jobs", tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------- 9. malformed job payload

export interface MalformedFigures {
  state: string;
  attemptsMade: number;
  failedReason: string;
  logged: boolean;
  /** Requests to any platform that carried no alert token (what a bad payload might have posted). */
  strayRequests: number;
}

export async function malformedJob(redisUrl: string): Promise<ScenarioResult<MalformedFigures>> {
  const w = await world(redisUrl, "malformed");
  const captured = captureLog("info");
  try {
    await inProcess(w, w.env, captured.log);
    const good = tokens(1, 3);
    await w.add([alertJob(good[0] ?? "", slackChannel("C_GOOD_0"))]);
    // Straight onto the queue, past the producer's checks: what an old or foreign producer might leave there.
    const bad = await w.queues.alertDeliver.add("deliver", { alert: { alertId: 42, title: null }, destination: "somewhere" } as never, { jobId: "fault-malformed" });
    await w.add(good.slice(1).map((t, i) => alertJob(t, slackChannel(`C_GOOD_${i + 1}`))));
    await w.slackFront.waitFor(allAccepted(w.slackFront, good), "the good alerts", 15_000);
    await waitForIdle(w.queues.alertDeliver, 15_000);
    const job = await w.queues.alertDeliver.getJob(bad.id ?? "");
    const logged = await captured
      .waitFor((l) => l.jobId === bad.id && /invalid job payload/.test(String(l.msg)), "the invalid payload's log line", 5_000)
      .then(() => true, () => false);
    const figures: MalformedFigures = {
      state: job ? await job.getState() : "missing",
      attemptsMade: job?.attemptsMade ?? 0,
      failedReason: job?.failedReason ?? "",
      logged,
      strayRequests: [...w.slackFront.requests, ...w.discordFront.requests].filter((r) => r.tokens.length === 0).length,
    };
    const t = tally(good, w.slackFront.accepted());
    const unmet = tallyUnmet(t, "good alerts");
    if (figures.state !== "failed") unmet.push(`the malformed job is ${figures.state}, not failed`);
    if (figures.attemptsMade !== 1) unmet.push(`the malformed job ran ${figures.attemptsMade} times, not once`);
    if (!logged) unmet.push("no log line names the malformed job");
    if (figures.strayRequests) unmet.push(`${figures.strayRequests} requests to a platform without an alert`);
    return { name: "malformed job payload", tally: figuresOf(t), figures, unmet };
  } finally {
    await w.close();
  }
}
