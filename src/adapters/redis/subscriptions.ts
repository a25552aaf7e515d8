// Channel subscriptions in Redis: one hash per tenant, plus index sets so routing an alert reads only what matches.
//
// Keys (P = prefix):
//   P:subs:{platform}:{tenant}     hash  field ["channel","TICKER" | "*"] -> Subscription JSON
//   P:subs-by-ticker:{TICKER}      set   members ["platform","tenant","channel"] subscribed to that ticker
//   P:subs-any-ticker              set   members of channels with a catalyst-only subscription
// Every call names its tenant and only touches that tenant's hash, so one workspace can never read or
// change another's subscriptions; the index sets only point back into those hashes.
import type { Redis } from "ioredis";
import { duplicateRedisConnection } from "./connection.ts";
import { CATALYST_SLUGS, type CatalystSlug } from "../../core/catalysts.ts";
import type { Destination, Platform, Subscription, SubscriptionStore } from "../../core/store.ts";

export interface RedisSubscriptionStore extends SubscriptionStore {
  /** Every platform and tenant that has at least one subscription (for backups), sorted. */
  tenants(): Promise<Array<{ platform: Platform; tenant: string }>>;
  /** Closes the connection used for read-modify-write transactions (not the one passed in). */
  close(): Promise<void>;
}

const ANY = "*";
const MAX_TX_ATTEMPTS = 20;

const enc = (s: string) => encodeURIComponent(s);

export function createRedisSubscriptionStore(redis: Redis, prefix: string): RedisSubscriptionStore {
  const hashKey = (platform: Platform, tenant: string) => `${prefix}:subs:${enc(platform)}:${enc(tenant)}`;
  const tickerKey = (ticker: string | undefined) =>
    ticker === undefined ? `${prefix}:subs-any-ticker` : `${prefix}:subs-by-ticker:${ticker.toUpperCase()}`;
  const field = (channel: string, ticker: string | undefined) => JSON.stringify([channel, ticker?.toUpperCase() ?? ANY]);
  const member = (d: Destination) => JSON.stringify([d.platform, d.tenant, d.channel]);

  // WATCH belongs to a connection, so read-modify-write runs on a connection of its own, one transaction at a time.
  let txConn: Redis | undefined;
  let txQueue: Promise<unknown> = Promise.resolve();
  function inTransaction<T>(fn: (conn: Redis) => Promise<T>): Promise<T> {
    const run = txQueue.then(() => {
      txConn ??= duplicateRedisConnection(redis, "tx");
      return fn(txConn);
    });
    txQueue = run.catch(() => undefined);
    return run;
  }

  function parse(raw: string | null): Subscription | undefined {
    return raw ? (JSON.parse(raw) as Subscription) : undefined;
  }

  function normalise(sub: Subscription): Subscription {
    const catalysts = CATALYST_SLUGS.filter((s) => sub.catalysts.includes(s));
    return {
      destination: { platform: sub.destination.platform, tenant: sub.destination.tenant, channel: sub.destination.channel },
      ...(sub.ticker ? { ticker: sub.ticker.toUpperCase() } : {}),
      catalysts,
      minConfidence: sub.minConfidence,
      createdAt: sub.createdAt,
      ...(sub.createdBy ? { createdBy: sub.createdBy } : {}),
    };
  }

  const sameRule = (a: Subscription, b: Subscription) =>
    a.minConfidence === b.minConfidence && a.catalysts.length === b.catalysts.length && a.catalysts.every((c) => b.catalysts.includes(c));

  return {
    async add(input) {
      const sub = normalise(input);
      const { platform, tenant, channel } = sub.destination;
      const key = hashKey(platform, tenant);
      const f = field(channel, sub.ticker);
      // HGET inside the MULTI reads the previous value atomically with the write that replaces it.
      const res = await redis
        .multi()
        .hget(key, f)
        .hset(key, f, JSON.stringify(sub))
        .sadd(tickerKey(sub.ticker), member(sub.destination))
        .exec();
      if (!res) throw new Error("Redis aborted the subscription update; try the command again");
      for (const [err] of res) if (err) throw err;
      const old = parse((res[0]?.[1] as string | null) ?? null);
      return { added: !old || !sameRule(old, sub) };
    },

    async remove(destination, match) {
      const key = hashKey(destination.platform, destination.tenant);
      return inTransaction(async (conn) => {
        for (let attempt = 0; attempt < MAX_TX_ATTEMPTS; attempt++) {
          await conn.watch(key);
          let fields: string[];
          if (match.ticker === undefined && !match.catalysts?.length) {
            const all = await conn.hkeys(key);
            fields = all.filter((f) => (JSON.parse(f) as [string, string])[0] === destination.channel);
          } else {
            fields = [field(destination.channel, match.ticker)];
          }
          const values = fields.length ? await conn.hmget(key, ...fields) : [];
          const tx = conn.multi();
          let count = 0;
          fields.forEach((f, i) => {
            const sub = parse(values[i] ?? null);
            if (!sub) return;
            const drop: readonly CatalystSlug[] = match.catalysts ?? [];
            // An empty list means "every catalyst": dropping some of them is for the caller to spell out.
            if (drop.length && sub.catalysts.length === 0) return;
            const left = sub.catalysts.filter((c) => !drop.includes(c));
            if (drop.length && left.length === sub.catalysts.length) return;
            count++;
            if (drop.length && left.length) {
              tx.hset(key, f, JSON.stringify({ ...sub, catalysts: left }));
            } else {
              tx.hdel(key, f);
              tx.srem(tickerKey(sub.ticker), member(destination));
            }
          });
          const res = await tx.exec();
          if (res === null) continue; // the tenant's hash changed meanwhile: read again
          for (const [err] of res) if (err) throw err;
          return count;
        }
        throw new Error("The subscriptions kept changing while removing; try the command again");
      });
    },

    async list(scope) {
      const all = await redis.hgetall(hashKey(scope.platform, scope.tenant));
      const out: Subscription[] = [];
      for (const [f, raw] of Object.entries(all)) {
        const [channel] = JSON.parse(f) as [string, string];
        if (scope.channel !== undefined && channel !== scope.channel) continue;
        const sub = parse(raw);
        if (sub) out.push(sub);
      }
      return out.sort(
        (a, b) => a.destination.channel.localeCompare(b.destination.channel) || (a.ticker ?? "").localeCompare(b.ticker ?? ""),
      );
    },

    async forTicker(ticker) {
      const sets = ticker === undefined ? [tickerKey(undefined)] : [tickerKey(ticker), tickerKey(undefined)];
      const lookups: Array<{ key: string; field: string }> = [];
      for (const set of sets) {
        const tickerOfSet = set === tickerKey(undefined) ? undefined : ticker;
        for (const m of await redis.smembers(set)) {
          const [platform, tenant, channel] = JSON.parse(m) as [Platform, string, string];
          lookups.push({ key: hashKey(platform, tenant), field: field(channel, tickerOfSet) });
        }
      }
      if (lookups.length === 0) return [];
      const pipe = redis.pipeline();
      for (const l of lookups) pipe.hget(l.key, l.field);
      const res = (await pipe.exec()) ?? [];
      const out: Subscription[] = [];
      for (const [err, raw] of res) {
        if (err) throw err;
        const sub = parse((raw as string | null) ?? null);
        if (sub) out.push(sub);
      }
      return out;
    },

    async tenants() {
      // The prefix is matched literally: glob characters in it are escaped for SCAN's MATCH.
      const head = `${prefix}:subs:`;
      const pattern = `${head.replace(/[\\*?[\]]/g, "\\$&")}*`;
      const found = new Map<string, { platform: Platform; tenant: string }>();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
        cursor = next;
        for (const key of keys) {
          const parts = key.slice(head.length).split(":");
          if (parts.length !== 2 || !parts[0] || !parts[1]) continue;
          found.set(key, { platform: decodeURIComponent(parts[0]) as Platform, tenant: decodeURIComponent(parts[1]) });
        }
      } while (cursor !== "0");
      // Code-unit order, not the locale's: backups of the same data come out byte-identical everywhere.
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      return [...found.values()].sort((a, b) => cmp(a.platform, b.platform) || cmp(a.tenant, b.tenant));
    },

    async close() {
      await txQueue;
      if (txConn && txConn.status !== "end") await txConn.quit().catch(() => txConn?.disconnect());
    },
  };
}
