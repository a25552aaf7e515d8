// The ops server's settings: safe defaults, and a rejected password that is never printed.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("ops settings", () => {
  it("listens on loopback with the board off by default", () => {
    const config = loadConfig({});
    expect(config.HTTP_HOST).toBe("127.0.0.1");
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.ADMIN_PASSWORD).toBeUndefined();
  });

  it("refuses a short ADMIN_PASSWORD without echoing it, while other bad values are still shown", () => {
    let error: unknown;
    try {
      loadConfig({ ADMIN_PASSWORD: "pw-short", HTTP_PORT: "eighty" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/ADMIN_PASSWORD: use at least 12 characters \(value hidden\)/);
    expect(message).not.toContain("pw-short");
    expect(message).toContain('"eighty"');
  });
});
