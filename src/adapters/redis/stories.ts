// Open stories per (ticker, catalyst) in Redis; the decision itself is the pure decideStory of src/core/story.ts.
import type { Redis } from "ioredis";
import type { CatalystSlug } from "../../core/catalysts.ts";
import { decideStory, type StoryDecision, type StoryRecord } from "../../core/story.ts";
import { keyspace } from "./keys.ts";

export interface StoryStore {
  /** Opens a story with this article or joins it to the open one; safe against concurrent classifiers. */
  attach(subject: { ticker: string | undefined; catalyst: CatalystSlug }, article: { articleId: string; at: number }): Promise<StoryDecision>;
  /** Article ids of a story's sources, the opener included. */
  sources(storyId: string): Promise<string[]>;
}

// Compare-and-set: replace the record only if nobody changed it since we read it.
const CAS = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

export function createRedisStoryStore(deps: { redis: Redis; prefix: string; windowHours: number }): StoryStore {
  const keys = keyspace(deps.prefix);
  const windowMs = deps.windowHours * 3_600_000;
  // Records outlive the window a little: article times may lag the clock.
  const ttlMs = windowMs * 2;
  return {
    async attach(subject, article) {
      const key = keys.story(subject.ticker, subject.catalyst);
      for (let attempt = 0; attempt < 20; attempt++) {
        const raw = await deps.redis.get(key);
        const existing = raw ? (JSON.parse(raw) as StoryRecord) : undefined;
        const decision = decideStory(existing, article, subject, windowMs);
        if (decision.record !== existing) {
          const swapped = await deps.redis.eval(CAS, 1, key, raw ?? "", JSON.stringify(decision.record), ttlMs);
          if (swapped !== 1) continue; // another classifier opened it first: decide again
        }
        const src = keys.storySources(decision.record.storyId);
        await deps.redis.multi().sadd(src, article.articleId).pexpire(src, ttlMs).exec();
        return decision;
      }
      throw new Error(`story for ${subject.ticker ?? "(market)"}/${subject.catalyst} kept changing under concurrent writers; will retry`);
    },
    async sources(storyId) {
      return deps.redis.smembers(keys.storySources(storyId));
    },
  };
}
