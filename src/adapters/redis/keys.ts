// Key names of every store under one prefix, so tests and several deployments can share a Redis.
export function keyspace(prefix: string) {
  const k = (...parts: string[]) => [prefix, ...parts].join(":");
  return {
    timeline: (ticker: string) => k("timeline", ticker.toUpperCase()),
    article: (id: string) => k("article", id),
    seen: () => k("seen"),
    story: (ticker: string | undefined, catalyst: string) => k("story", ticker ?? "_", catalyst),
    storySources: (storyId: string) => k("story-sources", storyId),
    feeds: () => k("feeds"),
    feedHealth: (feedId: string) => k("feed-health", feedId),
    delivery: (alertId: string, destination: string) => k("delivery", alertId, destination),
    thread: (storyId: string, destination: string) => k("thread", storyId, destination),
  };
}
export type Keyspace = ReturnType<typeof keyspace>;
