// Gives the test run a Redis: REDIS_URL when set, else a private redis-server on a free loopback port.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startPrivateRedis, type PrivateRedis } from "../src/adapters/redis/private-server.ts";

let server: PrivateRedis | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.REDIS_URL;
  if (!url) {
    server = await startPrivateRedis({ persistent: false });
    url = server.url;
    console.error(`[test] started a private redis-server for this run at ${url}`);
  }
  process.env.REDIS_URL = url;
  project.provide("redisUrl", url);
  return async () => {
    await server?.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
