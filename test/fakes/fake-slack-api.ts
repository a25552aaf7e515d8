// A fake Slack Web API on 127.0.0.1 for tests: records every call, answers like Slack, enforces Block Kit limits.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface RecordedCall {
  method: string;
  /** The form or JSON body, parsed; `blocks` arrives JSON-encoded in form bodies and is decoded here. */
  body: Record<string, unknown>;
  headers: IncomingMessage["headers"];
}

/** What the next call(s) of a method answer instead of success. */
export type FakeFailure =
  | { kind: "error"; error: string; status?: number }
  | { kind: "ratelimited"; retryAfterSeconds: number }
  | { kind: "http"; status: number };

export interface FakeSlackApi {
  /** Base URL with trailing slash, as @slack/web-api's slackApiUrl expects. */
  url: string;
  /** A response_url for one slash command; its reply is recorded as method `response:<id>`. */
  responseUrl(id: string): string;
  calls: RecordedCall[];
  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** Socket Mode: the app-level token apps.connections.open accepts. */
  appToken: string;
  /**
   * Socket Mode: sends an envelope (e.g. type "slash_commands") to every connected client and resolves
   * with the client's ack ({ envelope_id, payload }); rejects after timeoutMs.
   */
  sendEnvelope(type: string, payload: Record<string, unknown>, timeoutMs?: number): Promise<{ envelope_id: string; payload?: unknown }>;
  /** Socket Mode: resolves once a client has connected and been greeted with "hello". */
  waitForSocket(timeoutMs?: number): Promise<void>;
  /** Resolves when at least `count` calls of `method` were received; rejects after timeoutMs. */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

// Block Kit limits as Slack documents them; Slack answers invalid_blocks when one is broken.
export function blockKitProblems(blocks: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (max 50)`);
  blocks.forEach((b: Record<string, unknown>, i) => {
    const text = (b.text as { type?: string; text?: string } | undefined) ?? undefined;
    if (b.type === "header") {
      if (text?.type !== "plain_text") problems.push(`block ${i}: header text must be plain_text`);
      if ((text?.text ?? "").length > 150) problems.push(`block ${i}: header text ${text?.text?.length} > 150`);
      if (!text?.text) problems.push(`block ${i}: empty header`);
    } else if (b.type === "section") {
      if ((text?.text ?? "").length > 3000) problems.push(`block ${i}: section text ${text?.text?.length} > 3000`);
      if (!text?.text) problems.push(`block ${i}: empty section`);
    } else if (b.type === "context") {
      const elements = (b.elements as Array<{ text?: string }> | undefined) ?? [];
      if (elements.length === 0 || elements.length > 10) problems.push(`block ${i}: ${elements.length} context elements (1 to 10)`);
      for (const e of elements) if ((e.text ?? "").length > 2000) problems.push(`block ${i}: context text ${e.text?.length} > 2000`);
    } else if (b.type !== "divider") {
      problems.push(`block ${i}: unexpected type ${String(b.type)}`);
    }
  });
  return problems;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    body[k] = k === "blocks" || k === "attachments" ? JSON.parse(v) : v;
  }
  return body;
}

const APP_TOKEN = "xapp-test-token";

export async function startFakeSlackApi(options: { teamId?: string; botUserId?: string } = {}): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const sockets = new Set<WebSocket>();
  const socketWaiters = new Set<() => void>();
  let envelopeSeq = 0;
  const failures = new Map<string, Array<FakeFailure>>();
  const waiters = new Set<() => void>();
  let ts = 1_700_000_000;

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      // Slash-command replies: tests hand out response_url = <fake>/response/<id>; recorded as method "response:<id>".
      const method = path.startsWith("/response/") ? `response:${path.slice("/response/".length)}` : path.replace(/^\/api\//, "").replace(/^\//, "");
      const body = await readBody(req);
      calls.push({ method, body, headers: req.headers });
      for (const w of waiters) w();
      if (method.startsWith("response:")) {
        const problems = blockKitProblems(body.blocks ?? []);
        if (problems.length) return answer(res, 400, { ok: false, error: "invalid_blocks", errors: problems });
        return answer(res, 200, { ok: true });
      }
      const failure = failures.get(method)?.shift();
      if (failure?.kind === "ratelimited") {
        return answer(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": String(failure.retryAfterSeconds) });
      }
      if (failure?.kind === "http") {
        res.writeHead(failure.status, { "content-type": "text/plain" });
        return res.end("upstream trouble");
      }
      if (failure?.kind === "error") return answer(res, failure.status ?? 200, { ok: false, error: failure.error });
      if (method === "apps.connections.open") {
        // Socket Mode's handshake uses the app-level token, not the bot token.
        if (req.headers.authorization !== `Bearer ${APP_TOKEN}`) return answer(res, 200, { ok: false, error: "invalid_auth" });
        const { port: p } = server.address() as AddressInfo;
        return answer(res, 200, { ok: true, url: `ws://127.0.0.1:${p}/socket-mode` });
      }
      if (req.headers.authorization !== "Bearer xoxb-test-token") return answer(res, 200, { ok: false, error: "invalid_auth" });
      switch (method) {
        case "auth.test":
          return answer(res, 200, {
            ok: true,
            url: "https://fake.slack.test/",
            team: "Test team",
            user: "catalyst-bot",
            team_id: options.teamId ?? "T_FAKE",
            user_id: options.botUserId ?? "U_BOT",
            bot_id: "B_BOT",
          });
        case "chat.postMessage":
        case "chat.postEphemeral": {
          const problems = blockKitProblems(body.blocks ?? []);
          if (problems.length) return answer(res, 200, { ok: false, error: "invalid_blocks", errors: problems });
          if (!body.channel) return answer(res, 200, { ok: false, error: "channel_not_found" });
          ts += 1;
          return answer(res, 200, { ok: true, channel: body.channel, ts: `${ts}.000100`, message: { text: body.text } });
        }
        default:
          return answer(res, 200, { ok: false, error: "unknown_method" });
      }
    })().catch((err: unknown) => answer(res, 500, { ok: false, error: String(err) }));
  });
  const wss = new WebSocketServer({ server, path: "/socket-mode" });
  wss.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A_APP" }, debug_info: { host: "fake" } }));
    for (const w of socketWaiters) w();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  const within = <T>(ms: number, what: string, run: (resolve: (v: T) => void, cleanup: (fn: () => void) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      const cleanups: Array<() => void> = [];
      const timer = setTimeout(() => {
        cleanups.forEach((c) => c());
        reject(new Error(`fake Slack API: ${what} within ${ms} ms`));
      }, ms);
      run(
        (v) => {
          clearTimeout(timer);
          cleanups.forEach((c) => c());
          resolve(v);
        },
        (fn) => cleanups.push(fn),
      );
    });

  return {
    url: `http://127.0.0.1:${port}/api/`,
    responseUrl: (id) => `http://127.0.0.1:${port}/response/${id}`,
    calls,
    appToken: APP_TOKEN,
    waitForSocket(timeoutMs = 5_000) {
      if (sockets.size) return Promise.resolve();
      return within<void>(timeoutMs, "expected a Socket Mode connection", (resolve, cleanup) => {
        const check = () => {
          if (sockets.size) resolve();
        };
        socketWaiters.add(check);
        cleanup(() => socketWaiters.delete(check));
      });
    },
    sendEnvelope(type, payload, timeoutMs = 5_000) {
      const envelopeId = `env-${++envelopeSeq}`;
      return within(timeoutMs, `expected an ack of ${envelopeId}`, (resolve, cleanup) => {
        for (const socket of sockets) {
          const onMessage = (data: Buffer) => {
            const msg = JSON.parse(data.toString("utf8")) as { envelope_id?: string; payload?: unknown };
            if (msg.envelope_id === envelopeId) resolve({ envelope_id: envelopeId, payload: msg.payload });
          };
          socket.on("message", onMessage);
          cleanup(() => socket.off("message", onMessage));
          socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === "slash_commands", retry_attempt: 0, retry_reason: "" }));
        }
      });
    },
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    waitFor(method, count = 1, timeoutMs = 5_000) {
      const matching = () => calls.filter((c) => c.method === method);
      if (matching().length >= count) return Promise.resolve(matching());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(matching());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake Slack API: expected ${count} ${method} call(s) within ${timeoutMs} ms, got ${matching().length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
