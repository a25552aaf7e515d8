// Starts a private redis-server child (tests, and `npm start` without REDIS_URL) and stops it again.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, connect } from "node:net";
import { resolve } from "node:path";

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Keep data on disk (appendonly, under dataDir) — for `npm start`; tests use false. */
  persistent: boolean;
  dataDir?: string;
  port?: number;
  binary?: string;
}

export class RedisServerMissingError extends Error {
  override name = "RedisServerMissingError";
}

export const INSTALL_REDIS_HINT =
  "No redis-server binary was found on PATH. Install one (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) " +
  "or point the bot at an existing Redis with REDIS_URL=redis://host:6379.";

export function findRedisBinary(binary = process.env.REDIS_SERVER_BIN ?? "redis-server"): string | undefined {
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? binary : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: "127.0.0.1", port }, () => {
      sock.end();
      res(true);
    });
    sock.on("error", () => res(false));
  });
}

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  const binary = findRedisBinary(options.binary);
  if (!binary) throw new RedisServerMissingError(INSTALL_REDIS_HINT);
  const port = options.port ?? (await freePort());
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--maxmemory-policy", "noeviction"];
  if (options.persistent) {
    const dir = resolve(options.dataDir ?? "data");
    mkdirSync(dir, { recursive: true });
    args.push("--dir", dir, "--appendonly", "yes", "--save", "");
  } else {
    args.push("--save", "", "--appendonly", "no");
  }
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`redis-server exited at start: ${stderr.trim() || "no output"}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not accept connections on 127.0.0.1:${port} within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((res) => {
        if (exited) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
