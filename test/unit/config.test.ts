import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("gives working defaults with an empty environment, so the bot runs with no settings", () => {
    const config = loadConfig({});
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.FEED_TIMEOUT_MS).toBe(15_000);
    expect(config.FEED_MAX_BYTES).toBe(5_000_000);
    expect(config.FEED_MAX_REDIRECTS).toBe(5);
    expect(config.SLACK_API_URL).toBe("https://slack.com/api/");
    expect(config.FEED_ALLOW_PRIVATE).toEqual([]);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ REDIS_URL: "", SLACK_BOT_TOKEN: "" }).SLACK_BOT_TOKEN).toBeUndefined();
  });

  it("parses numbers, booleans and lists", () => {
    const config = loadConfig({ FEED_TIMEOUT_MS: "2000", FEED_BACKFILL: "yes", FEED_ALLOW_PRIVATE: "127.0.0.1, 10.0.0.0/8" });
    expect(config.FEED_TIMEOUT_MS).toBe(2000);
    expect(config.FEED_BACKFILL).toBe(true);
    expect(config.FEED_ALLOW_PRIVATE).toEqual(["127.0.0.1", "10.0.0.0/8"]);
  });

  it("reports every bad setting at once, naming each", () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: "not a url", FEED_TIMEOUT_MS: "soon", LOG_LEVEL: "loud" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("REDIS_URL");
    expect(message).toContain("FEED_TIMEOUT_MS");
    expect(message).toContain("LOG_LEVEL");
    expect(message).toContain("README");
  });
});
