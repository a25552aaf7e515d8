// Delivery records: one per (alert, destination) so a retried or duplicated job never posts twice, and the
// message that opened a story in each channel, so later sources are threaded under it.
import type { Redis } from "ioredis";
import { destinationKey } from "../../core/route.ts";
import type { Destination } from "../../core/store.ts";
import type { PostedMessage } from "../../core/types.ts";
import { keyspace } from "./keys.ts";

export type DeliveryRecord =
  | { state: "sending"; at: string }
  | { state: "sent"; at: string; message: PostedMessage }
  | { state: "failed"; at: string; error: string; code?: string };

export type ThreadState = { state: "pending" } | { state: "posted"; message: PostedMessage } | { state: "none" };

export interface DeliveryStore {
  /**
   * Takes the right to send (alert, destination): returns undefined when taken, else the record that
   * stops us (already sent or failed for good, or another worker sending right now).
   */
  claim(alertId: string, destination: Destination, leaseMs: number): Promise<DeliveryRecord | undefined>;
  /** Gives the right back after a retryable failure. */
  release(alertId: string, destination: Destination): Promise<void>;
  recordSent(alertId: string, destination: Destination, message: PostedMessage): Promise<void>;
  recordFailed(alertId: string, destination: Destination, error: string, code?: string): Promise<void>;
  /** Forgets a "failed" record (never a "sent" one), so `deliveries retry` can send it once its cause is fixed. */
  reopenFailed(alertId: string, destination: Destination): Promise<boolean>;
  get(alertId: string, destination: Destination): Promise<DeliveryRecord | undefined>;
  /** Marks that the story's first alert is on its way to this destination, so follow-ups wait for it. */
  markThreadPending(storyId: string, destination: Destination): Promise<void>;
  setThread(storyId: string, destination: Destination, message: PostedMessage): Promise<void>;
  /** The opener could not be posted: follow-ups stop waiting and post on their own. */
  clearThreadPending(storyId: string, destination: Destination): Promise<void>;
  thread(storyId: string, destination: Destination): Promise<ThreadState>;
}

const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;
const DEL_IF_PENDING = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const DEL_IF_FAILED = `
local cur = redis.call('GET', KEYS[1])
if cur and cjson.decode(cur).state == 'failed' then return redis.call('DEL', KEYS[1]) end
return 0
`;
const PENDING = JSON.stringify({ state: "pending" });

export function createRedisDeliveryStore(deps: { redis: Redis; prefix: string; retentionDays: number }): DeliveryStore {
  const keys = keyspace(deps.prefix);
  const ttl = deps.retentionDays * 86_400;
  const dkey = (alertId: string, d: Destination) => keys.delivery(alertId, destinationKey(d));
  const tkey = (storyId: string, d: Destination) => keys.thread(storyId, destinationKey(d));
  const at = () => new Date().toISOString();
  return {
    async claim(alertId, destination, leaseMs) {
      const sending: DeliveryRecord = { state: "sending", at: at() };
      const cur = (await deps.redis.eval(CLAIM, 1, dkey(alertId, destination), JSON.stringify(sending), leaseMs)) as string | null;
      return cur ? (JSON.parse(cur) as DeliveryRecord) : undefined;
    },
    async release(alertId, destination) {
      const key = dkey(alertId, destination);
      const cur = await deps.redis.get(key);
      if (cur && (JSON.parse(cur) as DeliveryRecord).state === "sending") await deps.redis.del(key);
    },
    async recordSent(alertId, destination, message) {
      const rec: DeliveryRecord = { state: "sent", at: at(), message };
      await deps.redis.set(dkey(alertId, destination), JSON.stringify(rec), "EX", ttl);
    },
    async recordFailed(alertId, destination, error, code) {
      const rec: DeliveryRecord = { state: "failed", at: at(), error, ...(code ? { code } : {}) };
      await deps.redis.set(dkey(alertId, destination), JSON.stringify(rec), "EX", ttl);
    },
    async reopenFailed(alertId, destination) {
      return (await deps.redis.eval(DEL_IF_FAILED, 1, dkey(alertId, destination))) === 1;
    },
    async get(alertId, destination) {
      const raw = await deps.redis.get(dkey(alertId, destination));
      return raw ? (JSON.parse(raw) as DeliveryRecord) : undefined;
    },
    async markThreadPending(storyId, destination) {
      await deps.redis.set(tkey(storyId, destination), PENDING, "EX", ttl, "NX");
    },
    async setThread(storyId, destination, message) {
      await deps.redis.set(tkey(storyId, destination), JSON.stringify({ state: "posted", message }), "EX", ttl);
    },
    async clearThreadPending(storyId, destination) {
      await deps.redis.eval(DEL_IF_PENDING, 1, tkey(storyId, destination), PENDING);
    },
    async thread(storyId, destination) {
      const raw = await deps.redis.get(tkey(storyId, destination));
      return raw ? (JSON.parse(raw) as ThreadState) : { state: "none" };
    },
  };
}
