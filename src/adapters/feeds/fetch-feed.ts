// Fetches one RSS/Atom/RDF feed over HTTP(S) safely (deadline, size cap, redirect and SSRF checks) and returns normalised items.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import { Writable } from "node:stream";
import type { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import Parser from "rss-parser";
import { htmlToText, normalizeFeedItem, WINDOWS_1252_C1 } from "../../core/article.ts";
import type { FeedItem, RawFeedEntry } from "../../core/article.ts";
import { FeedError } from "./errors.ts";
import { BlockedAddressError, createGuardedLookup, parseAllowList, parseIp, refusalReason } from "./ssrf.ts";
import type { AllowEntry } from "./ssrf.ts";

export interface FetchFeedOptions {
  /** ETag from the previous successful fetch: sent as If-None-Match. */
  etag?: string;
  /** Last-Modified from the previous successful fetch: sent as If-Modified-Since. */
  lastModified?: string;
  /** One deadline for the whole fetch: DNS, connect, every redirect hop and the body. Default 15000. */
  timeoutMs?: number;
  /** Cap on the body after decompression; the download stops as soon as it is exceeded. Default 5_000_000. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Default: catalyst-bot/<version> (+https://github.com/catalyst-bot/catalyst-bot). */
  userAgent?: string;
  /**
   * Extra request headers (e.g. Authorization for a private feed). Authorization and Cookie are dropped
   * when a redirect leaves the original origin, so they never reach a third party.
   */
  headers?: Record<string, string>;
  /**
   * Hosts, IPs or CIDRs (each optionally with ":port") that may resolve to loopback/private/link-local
   * addresses. [] (the default) refuses them all.
   */
  allowPrivate?: string[];
  /** Set to false to skip every address check (only for trusted, operator-written feed lists). Default true. */
  checkAddresses?: boolean;
}

export type FetchFeedResult =
  | { status: "not_modified"; finalUrl: string }
  | { status: "ok"; finalUrl: string; etag?: string; lastModified?: string; title?: string; items: FeedItem[] };

export const FETCH_FEED_DEFAULTS = {
  timeoutMs: 15_000,
  maxBytes: 5_000_000,
  maxRedirects: 5,
} as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";
/** Headers that carry the user's credentials: never forwarded to another origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

let cachedUserAgent: string | undefined;

/** catalyst-bot/<version> (+https://github.com/catalyst-bot/catalyst-bot), the version read once from package.json. */
export function defaultUserAgent(): string {
  if (cachedUserAgent) return cachedUserAgent;
  let version = "0.0.0";
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    if (typeof pkg.version === "string") version = pkg.version;
  } catch {
    // A bundled or relocated build without package.json still gets a well-formed agent string.
  }
  cachedUserAgent = `catalyst-bot/${version} (+https://github.com/catalyst-bot/catalyst-bot)`;
  return cachedUserAgent;
}

/**
 * Fetches and parses a feed. Resolves with "not_modified" on 304, else with the feed's items;
 * rejects with a FeedError (see errors.ts for the codes and which are transient).
 */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FetchFeedResult> {
  const timeoutMs = options.timeoutMs ?? FETCH_FEED_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? FETCH_FEED_DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? FETCH_FEED_DEFAULTS.maxRedirects;
  const allow = parseAllowList(options.allowPrivate ?? []);
  const checkAddresses = options.checkAddresses ?? true;

  let current = parseFeedUrl(url, url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let headers = buildHeaders(options, url);
    const originalOrigin = current.origin;
    for (let redirects = 0; ; redirects++) {
      const res = await request(current, headers, { allow, checkAddresses, signal: controller.signal });
      const status = res.statusCode ?? 0;

      if (REDIRECT_STATUSES.has(status)) {
        res.destroy();
        const location = res.headers.location;
        if (!location) throw new FeedError("FEED_HTTP_STATUS", current.href, `HTTP ${status} redirect without a Location header`, { status });
        if (redirects >= maxRedirects) {
          throw new FeedError("FEED_TOO_MANY_REDIRECTS", url, `More than ${maxRedirects} redirects (the last one pointed to ${location})`);
        }
        current = parseFeedUrl(location, current.href, current);
        if (current.origin !== originalOrigin) headers = withoutCredentials(headers);
        continue;
      }
      if (status === 304) {
        res.destroy();
        return { status: "not_modified", finalUrl: current.href };
      }
      if (status < 200 || status > 299) {
        res.destroy();
        const details: { status: number; retryAfterSeconds?: number } = { status };
        const retryAfter = parseRetryAfter(res.headers["retry-after"]);
        if (retryAfter !== undefined) details.retryAfterSeconds = retryAfter;
        throw new FeedError("FEED_HTTP_STATUS", current.href, `The server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`, details);
      }

      const body = await readBody(res, current.href, maxBytes, controller.signal);
      const contentType = res.headers["content-type"];
      const xml = decodeBody(body, contentType);
      const feed = await parseFeed(xml, current.href, contentType);
      const result: FetchFeedResult = { status: "ok", finalUrl: current.href, items: feed.items };
      const etag = res.headers.etag;
      const lastModified = res.headers["last-modified"];
      if (etag) result.etag = etag;
      if (lastModified) result.lastModified = lastModified;
      if (feed.title) result.title = feed.title;
      return result;
    }
  } catch (err) {
    const feedError = toFeedError(err, current.href, controller.signal.aborted, timeoutMs);
    // The operator knows the feed by the URL they configured, not by the hop that failed.
    throw feedError.url === url || feedError.redirectedFrom ? feedError : feedError.afterRedirectsFrom(url);
  } finally {
    clearTimeout(timer);
  }
}

/** What the pipeline depends on, so its tests can hand in a fetcher with their own settings. */
export interface FeedFetcher {
  fetch(url: string, options?: FetchFeedOptions): Promise<FetchFeedResult>;
}

/**
 * A fetcher with the operator's settings (timeout, size cap, redirects, allow-list, user agent) baked in;
 * each call adds the feed's own options (etag, lastModified, headers), which win over the defaults.
 */
export function createFeedFetcher(defaults: FetchFeedOptions = {}): FeedFetcher {
  return {
    fetch: (url, options = {}) => fetchFeed(url, { ...defaults, ...options, headers: { ...defaults.headers, ...options.headers } }),
  };
}

/** Only absolute http(s) URLs without credentials; `base` resolves relative redirect targets. */
function parseFeedUrl(text: string, reportUrl: string, base?: URL): URL {
  let u: URL;
  try {
    u = base ? new URL(text, base) : new URL(text);
  } catch {
    throw new FeedError("FEED_BAD_URL", reportUrl, base ? `The server redirected to an invalid URL "${text}"` : "Not a valid absolute URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new FeedError("FEED_BAD_URL", reportUrl, `${base ? "A redirect points to" : "The URL uses"} the unsupported scheme "${u.protocol}"`);
  }
  // Credentials in a URL end up in logs and alerts and would be replayed to wherever the feed redirects.
  if (u.username || u.password) {
    throw new FeedError("FEED_BAD_URL", redactCredentials(u), `${base ? "A redirect points to" : "The URL contains"} a user name or password`);
  }
  return u;
}

function redactCredentials(u: URL): string {
  const copy = new URL(u.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

function buildHeaders(options: FetchFeedOptions, url: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    "user-agent": options.userAgent ?? defaultUserAgent(),
    accept: ACCEPT,
    "accept-encoding": "gzip, deflate, br",
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (err) {
      throw new FeedError("FEED_BAD_HEADERS", url, `The header "${name}" is not valid HTTP`, { cause: err });
    }
    headers[name.toLowerCase()] = value;
  }
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;
  return headers;
}

function withoutCredentials(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name)));
}

interface RequestContext {
  allow: AllowEntry[];
  checkAddresses: boolean;
  signal: AbortSignal;
}

/** One GET; resolves when the response headers arrive. Addresses are checked before connecting. */
function request(url: URL, headers: OutgoingHttpHeaders, ctx: RequestContext): Promise<IncomingMessage> {
  const secure = url.protocol === "https:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port ? Number.parseInt(url.port, 10) : secure ? 443 : 80;
  const requestOptions: https.RequestOptions = {
    method: "GET",
    hostname: host,
    port,
    path: `${url.pathname}${url.search}`,
    headers,
    // No pooling: a pooled socket would skip the address check made for another fetch's allow-list.
    agent: false,
    signal: ctx.signal,
  };
  if (ctx.checkAddresses) {
    if (parseIp(host)) {
      // Literal IPs never go through `lookup`, so they are checked here.
      const reason = refusalReason({ host, port, address: host }, ctx.allow);
      if (reason) return Promise.reject(new BlockedAddressError(host, host, reason));
    } else {
      requestOptions.lookup = createGuardedLookup({ host, port }, ctx.allow) as unknown as https.RequestOptions["lookup"];
    }
  }
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(requestOptions, resolve);
    req.on("error", reject);
    req.end();
  });
}

function decoderFor(encoding: string, url: string): Transform {
  // Lenient flushing: a gzip stream cut short at the end still yields what arrived, as browsers do.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip(lenient);
    case "deflate":
      return zlib.createInflate(lenient);
    case "br":
      return zlib.createBrotliDecompress();
    default:
      throw new FeedError("FEED_DECODE", url, `The server used the unsupported Content-Encoding "${encoding}"`);
  }
}

/** The body, decompressed, refusing it as soon as more than maxBytes have come out of the decoders. */
async function readBody(res: IncomingMessage, url: string, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const tooLarge = () => new FeedError("FEED_TOO_LARGE", url, `The feed is larger than ${maxBytes} bytes`);
  const encodings = (res.headers["content-encoding"] ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== "identity");
  const declared = Number(res.headers["content-length"]);
  if (encodings.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge();
  }
  let decoders: Transform[];
  try {
    // Real servers use one encoding; a long chain is only good for multiplying a decompression bomb.
    if (encodings.length > 2) throw new FeedError("FEED_DECODE", url, `The server stacked ${encodings.length} Content-Encodings`);
    // Listed in the order they were applied, so undone in reverse.
    decoders = encodings.reverse().map((e) => decoderFor(e, url));
  } catch (err) {
    res.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) return callback(tooLarge());
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline([res, ...decoders, sink], { signal });
  return Buffer.concat(chunks, total);
}

const LATIN1_LABELS = new Set(["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "iso_8859-1:1987", "windows-1252", "x-cp1252", "cp1252"]);

function decodeWindows1252(body: Buffer): string {
  const units = new Uint16Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const b = body[i] ?? 0;
    units[i] = b >= 0x80 && b <= 0x9f ? (WINDOWS_1252_C1[b] ?? b) : b;
  }
  return new TextDecoder("utf-16le").decode(units);
}

/**
 * Bytes to text. A byte-order mark wins, then the HTTP charset, then the XML declaration's encoding,
 * else UTF-8. Labels follow the WHATWG Encoding standard (so "iso-8859-1" decodes as windows-1252, as browsers do).
 */
export function decodeBody(body: Buffer, contentType?: string): string {
  let label: string | undefined;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = "utf-8";
  else if (body[0] === 0xff && body[1] === 0xfe) label = "utf-16le";
  else if (body[0] === 0xfe && body[1] === 0xff) label = "utf-16be";
  label ??= /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  label ??= /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(body.subarray(0, 1024).toString("latin1"))?.[1];
  // Feeds labelled ISO-8859-1 are windows-1252 in practice (curly quotes and the euro sign at 0x80-0x9f), as
  // the WHATWG Encoding standard says; Node 20's TextDecoder decodes both as plain ISO-8859-1, so we do it here.
  if (label && LATIN1_LABELS.has(label.toLowerCase())) return decodeWindows1252(body);
  try {
    return new TextDecoder(label ?? "utf-8").decode(body);
  } catch {
    // An unknown label: UTF-8 is what almost every feed that mislabels itself really is.
    return new TextDecoder("utf-8").decode(body);
  }
}

/** Parses feed XML (RSS 2.0, RSS 1.0/RDF, Atom) into normalised items; `url` resolves relative links and names the feed in errors. */
export async function parseFeed(xml: string, url: string, contentType: string | undefined): Promise<{ title?: string; items: FeedItem[] }> {
  let parsed: Awaited<ReturnType<Parser["parseString"]>>;
  try {
    // One parser per call: xml2js parsers keep state between calls.
    parsed = await new Parser({ xml2js: { valueProcessors: [blankUnreadableAtomDate, hideAngleBrackets] } }).parseString(xml);
  } catch (err) {
    const what = contentType ? ` (Content-Type: ${contentType})` : "";
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new FeedError("FEED_PARSE", url, `Not a readable RSS/Atom feed${what}: ${reason}`, { cause: err });
  }
  const items: FeedItem[] = [];
  for (const raw of parsed.items ?? []) {
    const item = normalizeFeedItem(restoreAngleBrackets(raw) as RawFeedEntry, url);
    if (item) items.push(item);
  }
  const title = typeof parsed.title === "string" ? htmlToText(restoreAngleBrackets(parsed.title) as string).replace(/\s+/g, " ") : undefined;
  return title ? { title, items } : { items };
}

// Unicode noncharacters, reserved for a program's internal use: they never mean anything in a feed.
const LT_STAND_IN = "\ufdd0";
const GT_STAND_IN = "\ufdd1";

/**
 * rss-parser strips HTML from every description/content for its snippets with lazy regexes that take
 * quadratic time on text full of "<" without ">" (80 KB of "&lt;" took 20 s): a hostile feed could stall a
 * worker. So "<" and ">" in element text are swapped for stand-ins while rss-parser runs, and swapped back
 * before we read the values (our own htmlToText is a linear scan). rss-parser's snippets are never used raw.
 */
function hideAngleBrackets(value: string): string {
  return value.replaceAll("<", LT_STAND_IN).replaceAll(">", GT_STAND_IN);
}

function restoreAngleBrackets(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replaceAll(LT_STAND_IN, "<").replaceAll(GT_STAND_IN, ">");
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => restoreAngleBrackets(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreAngleBrackets(v, depth + 1)]));
}

/**
 * rss-parser turns an Atom <published>/<updated> into a date without checking it, so one unreadable date
 * would fail the whole feed; blanking it (rss-parser skips empty dates) costs only that item's date.
 */
function blankUnreadableAtomDate(value: string, name: string): string {
  return (name === "published" || name === "updated") && Number.isNaN(Date.parse(value.trim())) ? "" : value;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number.parseInt(value.trim(), 10);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

function toFeedError(err: unknown, url: string, timedOut: boolean, timeoutMs: number): FeedError {
  if (err instanceof FeedError) return err;
  if (timedOut) return new FeedError("FEED_TIMEOUT", url, `The fetch did not finish within ${timeoutMs} ms`, { cause: err });
  if (err instanceof BlockedAddressError) {
    return new FeedError("FEED_BLOCKED_ADDRESS", url, `Refused to connect: ${err.message}`, { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = e instanceof Error ? e.message : String(err);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") {
    return new FeedError("FEED_DNS", url, `Could not resolve the host name (${code})`, { cause: err });
  }
  if (code.startsWith("Z_") || code.startsWith("ERR_BROTLI") || code.startsWith("ERR__ERROR_FORMAT") || /incorrect header check|invalid (block|distance|stored)|unexpected end of file/i.test(message)) {
    return new FeedError("FEED_DECODE", url, `The compressed body is corrupt: ${message}`, { cause: err });
  }
  if (code.startsWith("ERR_TLS") || code.includes("CERT") || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "EPROTO") {
    return new FeedError("FEED_TLS", url, `The TLS connection failed: ${message}`, { cause: err });
  }
  if (NETWORK_CODES.has(code) || code) {
    return new FeedError("FEED_NETWORK", url, `The connection failed: ${message}`, { cause: err });
  }
  return new FeedError("FEED_NETWORK", url, `The fetch failed: ${message}`, { cause: err });
}
