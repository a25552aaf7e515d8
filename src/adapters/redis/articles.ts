// Classified articles by id, with their tags, kept for the retention so commands and follow-ups can show them.
import type { Redis } from "ioredis";
import type { ClassifyResult } from "../../core/types.ts";
import { keyspace } from "./keys.ts";

export interface StoredArticle {
  id: string;
  feedId: string;
  title: string;
  url?: string;
  source?: string;
  published?: string;
  /** ISO 8601: when the pipeline classified it. */
  classifiedAt: string;
  result: ClassifyResult;
}

export interface ArticleStore {
  put(article: StoredArticle): Promise<void>;
  get(id: string): Promise<StoredArticle | undefined>;
}

export function createRedisArticleStore(deps: { redis: Redis; prefix: string; retentionDays: number }): ArticleStore {
  const keys = keyspace(deps.prefix);
  return {
    async put(article) {
      await deps.redis.set(keys.article(article.id), JSON.stringify(article), "EX", deps.retentionDays * 86_400);
    },
    async get(id) {
      const raw = await deps.redis.get(keys.article(id));
      return raw ? (JSON.parse(raw) as StoredArticle) : undefined;
    },
  };
}
