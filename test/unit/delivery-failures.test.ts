// How far a permanent delivery failure stops sending: one channel, a workspace/server, the bot token, or only that alert.
import { describe, expect, it } from "vitest";
import { disableKey, disableKeysOf, permanentFailureInfo } from "../../src/core/delivery-failures.ts";
import type { Platform } from "../../src/core/store.ts";

describe("permanent failure scope", () => {
  it.each<[Platform, string | undefined, string]>([
    ["slack", "channel_not_found", "channel"],
    ["slack", "not_in_channel", "channel"],
    ["slack", "is_archived", "channel"],
    ["slack", "invalid_auth", "tenant"],
    ["slack", "account_inactive", "tenant"],
    ["slack", "token_revoked", "tenant"],
    ["slack", "missing_scope", "tenant"],
    ["slack", "invalid_blocks", "alert"],
    ["slack", "some_new_code", "alert"],
    ["discord", "10003", "channel"],
    ["discord", "50001", "channel"],
    ["discord", "50013", "channel"],
    ["discord", "10004", "tenant"],
    ["discord", "401", "platform"],
    ["discord", "50035", "alert"],
    ["webhook", "404", "channel"],
    ["webhook", "410", "channel"],
    ["webhook", "no_service", "channel"],
    ["webhook", "unknown_webhook", "channel"],
    ["webhook", "invalid_payload", "alert"],
  ])("%s %s stops the %s", (platform, code, scope) => {
    expect(permanentFailureInfo(platform, code).scope).toBe(scope);
  });

  it("every disable that stops a channel tells the operator something to do", () => {
    for (const [platform, code] of [["slack", "not_in_channel"], ["discord", "50013"], ["webhook", "404"]] as const) {
      expect(permanentFailureInfo(platform, code).action.length).toBeGreaterThan(10);
    }
  });

  it("a channel is stopped by its own key, its tenant's and its platform's", () => {
    const d = { platform: "slack" as const, tenant: "T1", channel: "C1" };
    expect(disableKeysOf(d)).toEqual(["slack/T1/C1", "slack/T1/*", "slack/*/*"]);
    expect(disableKey(d, "tenant")).toBe("slack/T1/*");
    expect(disableKeysOf({ ...d, tenant: "T2" })).not.toContain(disableKey(d, "tenant"));
  });
});
