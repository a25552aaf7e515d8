// A fake Discord on 127.0.0.1 for tests: the REST API (recording every request) and a Gateway WebSocket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface RecordedRequest {
  method: string;
  /** Path below the API version, e.g. "/channels/123/messages". */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** What the fake answered. */
  status?: number;
  response?: unknown;
}

export interface CannedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeGuild {
  id: string;
  name: string;
  channels: Array<{ id: string; name: string }>;
}

export interface FakeMember {
  userId: string;
  username?: string;
  /** Permission bitfield as Discord sends it (a decimal string); e.g. ManageChannels = 1n << 4n. */
  permissions: bigint;
}

export interface CommandOption {
  name: string;
  type: number;
  value: string | number | boolean;
  focused?: boolean;
}

export interface InteractionSpec {
  /** 2 = application command, 4 = autocomplete. */
  type: 2 | 4;
  command: string;
  options?: CommandOption[];
  /** Omit guildId (and member) for a DM. */
  guildId?: string;
  channelId: string;
  member?: FakeMember;
  userId?: string;
}

export interface FakeDiscordOptions {
  applicationId?: string;
  botUserId?: string;
  guilds?: FakeGuild[];
  /** Short so that heartbeats happen during tests; Discord sends ~41 s. */
  heartbeatIntervalMs?: number;
}

interface Override {
  method: string;
  path: RegExp;
  response: CannedResponse;
  times: number;
}

let snowflakeCounter = 0n;
/** Snowflake-shaped ids (timestamp bits included) so discord.js can read creation times from them. */
export function snowflake(): string {
  snowflakeCounter += 1n;
  return (((BigInt(Date.now()) - 1420070400000n) << 22n) | (snowflakeCounter & 0x3fffffn)).toString();
}

export class FakeDiscordApi {
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guilds: FakeGuild[];
  readonly requests: RecordedRequest[] = [];
  /** Every Gateway payload the client sent (IDENTIFY, heartbeats, ...). */
  readonly gatewayReceived: Array<{ op: number; d: unknown }> = [];
  /** Commands stored by bulk overwrite: "global" or a guild id -> commands. */
  readonly commands = new Map<string, unknown[]>();

  private server: Server;
  private wss: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private overrides: Override[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private seq = 0;
  private port = 0;
  private heartbeatIntervalMs: number;

  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? snowflake();
    this.botUserId = options.botUserId ?? this.applicationId;
    this.guilds = options.guilds ?? [];
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: "/gateway" });
    this.wss.on("connection", (ws) => this.onGatewayConnection(ws));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The value for DISCORD_API_URL / @discordjs/rest's `api` option. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers the next `times` requests matching method and path with `response` instead of the default. */
  respond(method: string, path: RegExp, response: CannedResponse, times = 1): void {
    this.overrides.push({ method, path, response, times });
  }

  /** Resolves once `check` holds (re-checked after every request and gateway message), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}; requests so far:\n${this.describeRequests()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async waitForRequest(method: string, path: RegExp, timeoutMs?: number): Promise<RecordedRequest> {
    const find = () => this.requests.find((r) => r.method === method && path.test(r.path));
    await this.waitFor(() => find() !== undefined, `${method} ${path}`, timeoutMs);
    return find() as RecordedRequest;
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  describeRequests(): string {
    return this.requests.map((r) => `  ${r.method} ${r.path}`).join("\n") || "  (none)";
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  // ---------------------------------------------------------------- REST

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname).replace(/^\/api(\/v\d+)?/, "");
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? "GET";
    const recorded: RecordedRequest = { method, path, query: url.searchParams, headers: req.headers, body };
    this.requests.push(recorded);

    const override = this.overrides.find((o) => o.method === method && o.path.test(path));
    let response: CannedResponse;
    if (override) {
      override.times -= 1;
      if (override.times <= 0) this.overrides = this.overrides.filter((o) => o !== override);
      response = override.response;
    } else {
      response = this.route(method, path, url.searchParams, body, req.headers);
    }
    recorded.status = response.status;
    recorded.response = response.body;
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (response.body !== undefined) headers["content-type"] = "application/json";
    res.writeHead(response.status, headers);
    res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
    this.notify();
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown, headers: IncomingMessage["headers"]): CannedResponse {
    const needsBot = !path.startsWith("/interactions/") && !/^\/webhooks\/\d+\/[^/]+/.test(path);
    if (needsBot && !String(headers.authorization ?? "").startsWith("Bot ")) {
      return { status: 401, body: { message: "401: Unauthorized", code: 0 } };
    }
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      return {
        status: 200,
        body: { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } },
      };
    }
    if (method === "PUT" && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      const scope = m[2] ?? "global";
      const stored = (Array.isArray(body) ? body : []).map((c) => ({ ...(c as object), id: snowflake(), application_id: m?.[1], version: snowflake() }));
      this.commands.set(scope, stored);
      return { status: 200, body: stored };
    }
    if (method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
      if (query.get("with_response") === "true") {
        return { status: 200, body: { interaction: { id: path.split("/")[2], type: 2 }, resource: { type: (body as { type?: number })?.type ?? 4 } } };
      }
      return { status: 204 };
    }
    if (method === "PATCH" && /^\/webhooks\/\d+\/[^/]+\/messages\/(@original|\d+)$/.test(path)) {
      return { status: 200, body: this.message("0", body, true) };
    }
    if (method === "DELETE" && /^\/webhooks\/\d+\/[^/]+\/messages\/(@original|\d+)$/.test(path)) {
      return { status: 204 };
    }
    if (method === "POST" && (m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path))) {
      if (m[1] === this.applicationId || query.get("wait") === "true") return { status: 200, body: this.message("0", body, true) };
      return { status: 204 };
    }
    if (method === "POST" && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      return { status: 200, body: this.message(m[1] ?? "0", body, false) };
    }
    return { status: 404, body: { message: "404: Not Found", code: 0 } };
  }

  /** A message object as Discord returns it after creating or editing one. */
  private message(channelId: string, body: unknown, webhook: boolean): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    return {
      id: snowflake(),
      channel_id: channelId,
      type: b.message_reference ? 19 : 0,
      content: b.content ?? "",
      embeds: b.embeds ?? [],
      components: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: b.flags ?? 0,
      author: { id: this.botUserId, username: "catalyst-bot", discriminator: "0000", global_name: null, avatar: null, bot: true },
      ...(webhook ? { webhook_id: this.applicationId } : {}),
      ...(b.message_reference ? { message_reference: b.message_reference } : {}),
    };
  }

  // ---------------------------------------------------------------- Gateway

  /** Sends a dispatch (op 0) to every connected client. */
  dispatch(event: string, data: unknown): void {
    this.seq += 1;
    const payload = JSON.stringify({ op: 0, t: event, s: this.seq, d: data });
    for (const ws of this.sockets) ws.send(payload);
  }

  /** Asks every connected client to reconnect (op 7), as Discord does routinely; the client should RESUME. */
  requestReconnect(): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: 7, d: null }));
  }

  /** How many Gateway connections are open now. */
  get connections(): number {
    return this.sockets.size;
  }

  get identified(): boolean {
    return this.gatewayReceived.some((p) => p.op === 2);
  }

  private onGatewayConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: unknown };
      this.gatewayReceived.push(payload);
      if (payload.op === 1) ws.send(JSON.stringify({ op: 11, d: null }));
      if (payload.op === 2) this.onIdentify(ws);
      if (payload.op === 6) {
        // RESUME: nothing was missed in the fake, so the session resumes at once.
        this.seq += 1;
        ws.send(JSON.stringify({ op: 0, t: "RESUMED", s: this.seq, d: {} }));
      }
      this.notify();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } }));
  }

  private onIdentify(ws: WebSocket): void {
    const send = (t: string, d: unknown) => {
      this.seq += 1;
      ws.send(JSON.stringify({ op: 0, t, s: this.seq, d }));
    };
    send("READY", {
      v: 10,
      user: { id: this.botUserId, username: "catalyst-bot", discriminator: "0000", global_name: null, avatar: null, bot: true, flags: 0 },
      guilds: this.guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: `session-${snowflake()}`,
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    for (const g of this.guilds) send("GUILD_CREATE", this.guildPayload(g));
  }

  private guildPayload(g: FakeGuild): Record<string, unknown> {
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: "en-US",
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      features: [],
      roles: [{ id: g.id, name: "@everyone", color: 0, hoist: false, position: 0, permissions: "0", managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      stickers: [],
      channels: g.channels.map((c, i) => ({ id: c.id, type: 0, name: c.name, guild_id: g.id, position: i, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, rate_limit_per_user: 0, last_message_id: null })),
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
    };
  }

  /**
   * Sends an INTERACTION_CREATE as Discord does when someone runs a slash command (type 2) or types in an
   * autocompleted option (type 4), and returns its id and token: the interaction's replies use them.
   */
  interact(spec: InteractionSpec): { id: string; token: string } {
    const id = snowflake();
    const token = `token-${id}`;
    const userId = spec.member?.userId ?? spec.userId ?? snowflake();
    const user = { id: userId, username: spec.member?.username ?? `user${userId.slice(-4)}`, discriminator: "0", global_name: null, avatar: null };
    const inGuild = spec.guildId !== undefined;
    const data: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      type: spec.type,
      token,
      version: 1,
      locale: "en-US",
      app_permissions: "2248473465835073",
      entitlements: [],
      attachment_size_limit: 10_485_760,
      data: { id: snowflake(), name: spec.command, type: 1, options: spec.options ?? [] },
      channel_id: spec.channelId,
      channel: inGuild
        ? { id: spec.channelId, type: 0, name: "alerts", guild_id: spec.guildId, position: 0, permission_overwrites: [], parent_id: null, nsfw: false }
        : { id: spec.channelId, type: 1, recipients: [user], last_message_id: null, flags: 0 },
      authorizing_integration_owners: inGuild ? { "0": spec.guildId } : { "1": userId },
      context: inGuild ? 0 : 1,
    };
    if (inGuild) {
      data.guild_id = spec.guildId;
      data.guild_locale = "en-US";
      data.guild = { id: spec.guildId, locale: "en-US", features: [] };
      data.member = {
        user,
        roles: [],
        permissions: (spec.member?.permissions ?? 0n).toString(),
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        nick: null,
        avatar: null,
        premium_since: null,
        communication_disabled_until: null,
      };
    } else {
      data.user = user;
    }
    this.dispatch("INTERACTION_CREATE", data);
    return { id, token };
  }

  /** The body of the interaction's first response (POST /interactions/{id}/{token}/callback). */
  async callbackOf(interaction: { id: string }, timeoutMs?: number): Promise<{ type: number; data?: Record<string, unknown> }> {
    const req = await this.waitForRequest("POST", new RegExp(`^/interactions/${interaction.id}/[^/]+/callback$`), timeoutMs);
    return req.body as { type: number; data?: Record<string, unknown> };
  }

  /**
   * The message the user finally sees: the callback's data, or after a deferral (type 5) the edit of
   * @original that followed it.
   */
  async finalReplyOf(interaction: { id: string; token: string }, timeoutMs?: number): Promise<{ deferred: boolean; ephemeral: boolean; data: Record<string, unknown> }> {
    const callback = await this.callbackOf(interaction, timeoutMs);
    if (callback.type !== 5) return { deferred: false, ephemeral: (Number(callback.data?.flags ?? 0) & 64) === 64, data: callback.data ?? {} };
    const edit = await this.waitForRequest("PATCH", new RegExp(`^/webhooks/${this.applicationId}/${interaction.token}/messages/@original$`), timeoutMs);
    return { deferred: true, ephemeral: (Number(callback.data?.flags ?? 0) & 64) === 64, data: edit.body as Record<string, unknown> };
  }
}

export async function startFakeDiscord(options?: FakeDiscordOptions): Promise<FakeDiscordApi> {
  return new FakeDiscordApi(options).start();
}
