// The `classify` command as a child process: JSON Lines in, one answer per line out, in order, nothing else on stdout.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "classify-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[] = []) {
  return spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "classify", ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
}

function runCli(input: string, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = start(args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (s: string): string[] => s.split("\n").filter((l) => l.length > 0);

describe("classify command", () => {
  it("answers every line in order: results, a malformed line, a missing id, a blank line", async () => {
    const input = [
      JSON.stringify({ id: "a1", text: "NetEase announced a $5 billion share buyback on Thursday." }),
      "{not json",
      JSON.stringify({ title: "no id here", text: "Baidu rose." }),
      "",
      JSON.stringify({ id: 42, text: "Meituan is set to report on Friday.", published: "2025-03-01T00:00:00Z", source: "x" }),
      JSON.stringify({ id: "a3", text: "" }),
      "[1, 2]",
    ].join("\n");
    const { code, stdout } = await runCli(`${input}\n`);
    expect(code).toBe(0);
    const out = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(7);
    expect(out[0]).toMatchObject({ id: "a1", catalysts: ["buyback"] });
    expect((out[0]!.tickers as Array<{ symbol: string }>)[0]?.symbol).toBe("NTES");
    expect(out[1]).toMatchObject({ id: null });
    expect(String(out[1]!.error)).toMatch(/not valid JSON/);
    expect(out[2]).toEqual({ id: null, error: 'no "id"' });
    expect(out[3]).toEqual({ id: null, error: "blank line" });
    expect(out[4]).toMatchObject({ id: 42, catalysts: ["earnings"] });
    expect(out[5]).toEqual({ id: "a3", catalysts: [], tickers: [] });
    expect(out[6]).toEqual({ id: null, error: "not a JSON object" });
  });

  it("writes nothing but JSON lines on stdout and its messages on stderr", async () => {
    const input = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `n${i}`, text: `Xiaomi shipped ${i} million phones.` })).join("\n");
    const { code, stdout, stderr } = await runCli(input);
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(50);
    out.forEach((l, i) => expect(JSON.parse(l)).toMatchObject({ id: `n${i}` }));
    expect(stderr).toMatch(/50 line/);
  });

  it("answers a line before stdin is closed (it streams)", async () => {
    const child = start();
    try {
      const first = new Promise<string>((resolve, reject) => {
        let buf = "";
        const timer = setTimeout(() => reject(new Error("no answer within 20 s while stdin stayed open")), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          if (buf.includes("\n")) {
            clearTimeout(timer);
            resolve(buf.slice(0, buf.indexOf("\n")));
          }
        });
      });
      child.stdin.write(`${JSON.stringify({ id: "s1", text: "Lenovo unveiled a new laptop." })}\n`);
      expect(JSON.parse(await first)).toMatchObject({ id: "s1", catalysts: ["product"] });
    } finally {
      child.stdin.end();
      await new Promise((r) => child.on("close", r));
    }
  });

  it("stops quietly with status 0 when the reader of its output goes away (| head -1)", async () => {
    const child = start();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no first answer within 20 s")), 20_000);
      child.stdout.once("data", () => {
        clearTimeout(timer);
        child.stdout.destroy();
        resolve();
      });
      const line = `${JSON.stringify({ id: "p", text: "Alibaba announced a buyback." })}\n`;
      child.stdin.write(line.repeat(20));
    });
    // Keep writing: the command must notice the closed pipe, not crash on it.
    child.stdin.on("error", () => undefined);
    for (let k = 0; k < 50 && child.exitCode === null; k++) {
      child.stdin.write(`${JSON.stringify({ id: `q${k}`, text: "NetEase announced a buyback." })}\n`.repeat(200));
      await new Promise((r) => setImmediate(r));
    }
    child.stdin.end();
    expect(await closed).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  });

  it("prints its usage with --help", async () => {
    const { code, stdout } = await runCli("", ["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/usage: catalyst-bot classify/);
  });

  it("exits non-zero with a clear message when the universe cannot be read", async () => {
    const bad = join(scratch, "universe");
    mkdirSync(bad);
    writeFileSync(join(bad, "broken.json"), "{ this is not json");
    const { code, stdout, stderr } = await runCli(`${JSON.stringify({ id: "x", text: "" })}\n`, ["--universe", bad]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/cannot start/);
    expect(stderr).toMatch(/broken\.json: not valid JSON/);
  });

  it("names the file and field of a broken rules file and exits 1", async () => {
    const dir = join(scratch, "rules");
    mkdirSync(dir);
    for (const f of ["catalyst-cues.json", "entities.json", "classify-text.json"]) copyFileSync(join(ROOT, "config", f), join(dir, f));
    const cues = JSON.parse(readFileSync(join(dir, "catalyst-cues.json"), "utf8")) as { slugs: Record<string, unknown> };
    cues.slugs.buybacks = cues.slugs.buyback;
    writeFileSync(join(dir, "catalyst-cues.json"), JSON.stringify(cues));
    const { code, stdout, stderr } = await runCli(`${JSON.stringify({ id: "x", text: "" })}\n`, ["--config", dir]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/catalyst-cues\.json: slugs/);
  });

  it("rejects an unknown option with exit status 2", async () => {
    const { code, stdout, stderr } = await runCli("", ["--frobnicate"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/unknown option '--frobnicate'/);
  });
});
