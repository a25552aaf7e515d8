// `catalyst-bot discord register` against the fake Discord API: the payload Discord stores, and clear errors.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/discord-register.ts";
import { snowflake, startFakeDiscord, type FakeDiscordApi } from "../fakes/fake-discord-api.ts";

let fake: FakeDiscordApi;
beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function env(over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { DISCORD_TOKEN: "reg-token", DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, ...over };
}

/** Runs the command and returns its exit code and what it printed. */
async function register(args: string[], e: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const code = await run(["register", ...args], e);
  vi.restoreAllMocks();
  return { code, out: out.join("\n"), err: err.join("\n") };
}

interface StoredOption {
  name: string;
  type: number;
  required?: boolean;
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
}
interface StoredCommand {
  name: string;
  default_member_permissions?: string | null;
  contexts?: number[];
  options?: StoredOption[];
}

describe("discord register", () => {
  it("registers the five commands to one server with typed options, only managers may change subscriptions", async () => {
    const guild = snowflake();
    const r = await register(["--guild", guild], env());
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Registered 5 commands`);
    expect(r.out).toContain(`server ${guild}`);
    const put = fake.requestsTo("PUT", new RegExp(`^/applications/${fake.applicationId}/guilds/${guild}/commands$`));
    expect(put).toHaveLength(1);
    expect(put[0]?.headers.authorization).toBe("Bot reg-token");

    const cmds = new Map((fake.commands.get(guild) as StoredCommand[]).map((c) => [c.name, c]));
    expect([...cmds.keys()].sort()).toEqual(["catalysts", "help", "subscribe", "subscriptions", "unsubscribe"]);
    // ManageChannels = 1 << 4 = 16: hidden from everyone else by default; the queries stay open to all.
    expect(cmds.get("subscribe")?.default_member_permissions).toBe("16");
    expect(cmds.get("unsubscribe")?.default_member_permissions).toBe("16");
    for (const open of ["subscriptions", "catalysts", "help"]) expect(cmds.get(open)?.default_member_permissions ?? null).toBeNull();
    for (const c of cmds.values()) expect(c.contexts).toEqual([0]);

    const opt = (cmd: string, name: string) => cmds.get(cmd)?.options?.find((o) => o.name === name);
    // Option types: 3 string, 4 integer, 5 boolean, 10 number.
    expect(opt("subscribe", "tickers")).toMatchObject({ type: 3, autocomplete: true });
    expect(opt("subscribe", "catalysts")).toMatchObject({ type: 3, autocomplete: true });
    expect(opt("subscribe", "min_confidence")).toMatchObject({ type: 10, min_value: 0, max_value: 1 });
    expect(opt("unsubscribe", "all")).toMatchObject({ type: 5 });
    expect(opt("catalysts", "ticker")).toMatchObject({ type: 3, autocomplete: true, required: true });
    expect(opt("catalysts", "days")).toMatchObject({ type: 4, min_value: 1, max_value: 90 });
  });

  it("registers globally with --global, and to DISCORD_GUILD_ID when no option is given", async () => {
    expect((await register(["--global"], env({ DISCORD_GUILD_ID: snowflake() }))).code).toBe(0);
    expect(fake.requestsTo("PUT", new RegExp(`^/applications/${fake.applicationId}/commands$`))).toHaveLength(1);
    const devGuild = snowflake();
    expect((await register([], env({ DISCORD_GUILD_ID: devGuild }))).code).toBe(0);
    expect(fake.commands.get(devGuild)).toHaveLength(5);
  });

  it("--clear removes the commands from a server", async () => {
    const guild = snowflake();
    expect((await register(["--guild", guild], env())).code).toBe(0);
    expect(fake.commands.get(guild)).toHaveLength(5);
    const r = await register(["--guild", guild, "--clear"], env());
    expect(r.code).toBe(0);
    expect(r.out).toContain("Removed");
    expect(fake.commands.get(guild)).toEqual([]);
  });

  it.each([
    ["DISCORD_TOKEN", { DISCORD_TOKEN: undefined }],
    ["DISCORD_APPLICATION_ID", { DISCORD_APPLICATION_ID: undefined }],
  ])("says what to set when %s is missing, and sends nothing", async (name, over) => {
    const before = fake.requests.length;
    const r = await register(["--global"], env(over));
    expect(r.code).toBe(1);
    expect(r.err).toContain(name);
    expect(r.err).toContain("Developer Portal");
    expect(fake.requests.length).toBe(before);
  });

  it("explains a refused token", async () => {
    fake.respond("PUT", /commands$/, { status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const r = await register(["--global"], env());
    expect(r.code).toBe(1);
    expect(r.err).toContain("Discord refused DISCORD_TOKEN");
  });

  it("rejects a malformed server id before calling Discord", async () => {
    const r = await register(["--guild", "my-server"], env());
    expect(r.code).toBe(2);
    expect(r.err).toContain("server id");
  });
});
