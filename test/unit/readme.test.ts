// The README is the user's manual: every setting, feed error code, command and catalyst it must name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEED_ERROR_CODES } from "../../src/adapters/feeds/errors.ts";
import { ConfigSchema } from "../../src/config.ts";
import { CATALYST_SLUGS } from "../../src/core/catalysts.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const cli = readFileSync(new URL("../../src/cli.ts", import.meta.url), "utf8");

describe("README", () => {
  it("opens with the two set-up commands", () => {
    const start = readme.indexOf("npm install && npm start");
    const test = readme.indexOf("npm install && npm test");
    expect(start).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(start);
    expect(start).toBeLessThan(1_000);
  });

  it.each(Object.keys(ConfigSchema.shape))("documents the setting %s in the settings table", (key) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
  });

  it.each([...Object.keys(FEED_ERROR_CODES), "FEED_UNEXPECTED"])("lists the feed error code %s", (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, "m"));
  });

  it.each(CATALYST_SLUGS)("names the catalyst slug %s", (slug) => {
    expect(readme).toContain(`\`${slug}\``);
  });

  it("documents every catalyst-bot subcommand", () => {
    const names = [...cli.matchAll(/^\s+([a-z-]+): \(\) => import\(/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(readme, `catalyst-bot ${name}`).toContain(`catalyst-bot ${name}`);
  });

  it.each(["/subscribe", "/unsubscribe", "/subscriptions", "/catalysts", "/help"])("documents the slash command %s", (cmd) => {
    expect(readme).toContain(`\`${cmd}`);
  });
});
