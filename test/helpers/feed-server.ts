// A fake feed web server on 127.0.0.1 for tests: serves feeds that can change between polls, 304s, redirects, slow, huge and compressed bodies.
/*
 * Usage:
 *
 *   import { startFeedServer } from "../helpers/feed-server.ts";
 *   const server = await startFeedServer();            // listens on 127.0.0.1, a free port
 *   server.setFeed("/news.xml", rssText);              // 200 with ETag + Last-Modified; conditional requests get 304
 *   const url = server.urlFor("/news.xml");            // "http://127.0.0.1:PORT/news.xml"
 *   ... poll ...
 *   server.setFeed("/news.xml", newerText);            // next poll sees the new content (new ETag)
 *   await server.waitForRequests(2, { path: "/news.xml" });
 *   server.requests                                    // every request: method, path, headers, in order
 *   await server.close();                              // in afterEach/afterAll
 *
 * Fetching from it needs `allowPrivate: ["127.0.0.1"]` (it is a loopback address).
 *
 * Routes are matched on the path without the query string; an unknown path answers 404.
 *   setFeed(path, body, { contentType, etag, lastModified, encoding })   a feed (string or Buffer)
 *   setStatus(path, status, { body, headers })                          any status, e.g. 404, 500, 429
 *   redirect(path, location, status = 302)                               a redirect (location may be relative)
 *   setHuge(path, bytes, { declareLength })                              a body of `bytes` bytes, streamed with backpressure
 *   setTrickle(path, intervalMs)                                         200 and one byte at once, then one byte every intervalMs, forever
 *   setGzipBomb(path)                                                    an endless gzip stream of zeros (tiny on the wire)
 *   setRoute(path, handler)                                              anything else: a plain node:http handler
 *   sent(path)                                                           body bytes written for that path so far (all requests)
 *   closedEarly(path)                                                    how many responses on that path the client cut off
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";

export interface RecordedRequest {
  method: string;
  /** Path with query string, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface SetFeedOptions {
  /** Default "application/rss+xml; charset=utf-8" (Atom bodies get application/atom+xml). */
  contentType?: string;
  /** Default: a hash of the body. false: send no ETag. */
  etag?: string | false;
  /** Default: the time of this setFeed call. false: send no Last-Modified. */
  lastModified?: string | false;
  /** Compress the body this way (regardless of Accept-Encoding, as some servers do). */
  encoding?: "gzip" | "deflate" | "br";
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FeedServer {
  /** "http://127.0.0.1:PORT" (no trailing slash). */
  url: string;
  port: number;
  urlFor(path: string): string;
  setFeed(path: string, body: string | Buffer, options?: SetFeedOptions): void;
  setStatus(path: string, status: number, options?: { body?: string; headers?: Record<string, string> }): void;
  redirect(path: string, location: string, status?: number): void;
  setHuge(path: string, bytes: number, options?: { declareLength?: boolean }): void;
  setTrickle(path: string, intervalMs: number): void;
  setGzipBomb(path: string): void;
  setRoute(path: string, handler: RouteHandler): void;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Resolves once `count` requests (to `path`, if given) have arrived; rejects after timeoutMs (default 5000). */
  waitForRequests(count: number, options?: { path?: string; timeoutMs?: number }): Promise<RecordedRequest[]>;
  /** Resolves once `count` responses on `path` were cut off by the client; rejects after timeoutMs (default 5000). */
  waitForClosedEarly(path: string, count?: number, timeoutMs?: number): Promise<void>;
  sent(path: string): number;
  closedEarly(path: string): number;
  close(): Promise<void>;
}

const pathOf = (url: string | undefined): string => (url ?? "/").split("?")[0] ?? "/";

/** Starts a feed server on 127.0.0.1 on a free port. */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  const sentBytes = new Map<string, number>();
  const cutOff = new Map<string, number>();
  const events = new EventEmitter();
  const timers = new Set<NodeJS.Timeout>();

  const countSent = (path: string, n: number) => sentBytes.set(path, (sentBytes.get(path) ?? 0) + n);
  /** Counts responses the client closed before they ended. */
  const watchCutOff = (path: string, res: ServerResponse) =>
    res.on("close", () => {
      if (!res.writableFinished) {
        cutOff.set(path, (cutOff.get(path) ?? 0) + 1);
        events.emit("cutoff");
      }
    });

  const server = http.createServer((req, res) => {
    const path = pathOf(req.url);
    requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers });
    events.emit("request");
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  /** Writes `total` bytes produced by `chunk(n)`, waiting for drain, stopping when the client goes away. */
  const stream = (path: string, res: ServerResponse, total: number, chunk: (n: number) => Buffer) => {
    let left = total;
    let closed = false;
    res.on("close", () => (closed = true));
    const pump = () => {
      while (left > 0 && !closed) {
        const piece = chunk(Math.min(left, 64 * 1024));
        left -= piece.length;
        countSent(path, piece.length);
        if (!res.write(piece)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  };

  const feedServer: FeedServer = {
    url,
    port,
    requests,
    urlFor: (path) => `${url}${path.startsWith("/") ? "" : "/"}${path}`,

    setFeed(path, body, options = {}) {
      const raw = typeof body === "string" ? Buffer.from(body, "utf8") : body;
      const etag = options.etag === undefined ? `"${createHash("sha1").update(raw).digest("hex").slice(0, 16)}"` : options.etag;
      const lastModified = options.lastModified === undefined ? new Date().toUTCString() : options.lastModified;
      const isAtom = /<feed[\s>]/.test(raw.subarray(0, 512).toString("latin1"));
      const contentType = options.contentType ?? (isAtom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8");
      const encoded =
        options.encoding === "gzip" ? zlib.gzipSync(raw) : options.encoding === "deflate" ? zlib.deflateSync(raw) : options.encoding === "br" ? zlib.brotliCompressSync(raw) : raw;
      routes.set(path, (req, res) => {
        const headers: Record<string, string> = { "content-type": contentType };
        if (etag) headers.etag = etag;
        if (lastModified) headers["last-modified"] = lastModified;
        const inm = req.headers["if-none-match"];
        const ims = req.headers["if-modified-since"];
        // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110).
        const notModified =
          inm !== undefined
            ? Boolean(etag) && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === (etag || "").replace(/^W\//, ""))
            : ims !== undefined && Boolean(lastModified) && Date.parse(lastModified || "") <= Date.parse(ims);
        if (notModified) {
          res.writeHead(304, headers).end();
          return;
        }
        if (options.encoding) headers["content-encoding"] = options.encoding;
        headers["content-length"] = String(encoded.length);
        countSent(path, encoded.length);
        res.writeHead(200, headers).end(encoded);
      });
    },

    setStatus(path, status, options = {}) {
      routes.set(path, (_req, res) => {
        res.writeHead(status, { "content-type": "text/plain", ...options.headers }).end(options.body ?? `status ${status}`);
      });
    },

    redirect(path, location, status = 302) {
      routes.set(path, (_req, res) => {
        res.writeHead(status, { location }).end();
      });
    },

    setHuge(path, bytes, options = {}) {
      const line = Buffer.from("<item><title>padding</title><description>" + "x".repeat(400) + "</description></item>\n");
      const block = Buffer.concat(new Array<Buffer>(Math.ceil((64 * 1024) / line.length)).fill(line));
      routes.set(path, (_req, res) => {
        watchCutOff(path, res);
        const headers: Record<string, string> = { "content-type": "application/rss+xml" };
        if (options.declareLength) headers["content-length"] = String(bytes);
        res.writeHead(200, headers);
        stream(path, res, bytes, (n) => block.subarray(0, n));
      });
    },

    setTrickle(path, intervalMs) {
      const text = Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title>');
      routes.set(path, (_req, res) => {
        watchCutOff(path, res);
        res.writeHead(200, { "content-type": "application/rss+xml" });
        let i = 0;
        const sendByte = () => {
          const byte = text.subarray(i % text.length, (i % text.length) + 1);
          i++;
          countSent(path, 1);
          res.write(byte);
        };
        sendByte();
        const timer = setInterval(sendByte, intervalMs);
        timers.add(timer);
        res.on("close", () => {
          clearInterval(timer);
          timers.delete(timer);
        });
      });
    },

    setGzipBomb(path) {
      const zeros = Buffer.alloc(64 * 1024);
      routes.set(path, (_req, res) => {
        watchCutOff(path, res);
        res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": "gzip" });
        const gzip = zlib.createGzip({ level: 9 });
        gzip.on("data", (chunk: Buffer) => {
          countSent(path, chunk.length);
          if (!res.write(chunk)) {
            gzip.pause();
            res.once("drain", () => gzip.resume());
          }
        });
        let closed = false;
        res.on("close", () => {
          closed = true;
          gzip.destroy();
        });
        // Feeds zeros into the compressor only as fast as the compressed bytes leave.
        const feed = () => {
          while (!closed && gzip.write(zeros)) {
            /* keep writing until the compressor's buffer is full */
          }
          if (!closed) gzip.once("drain", feed);
        };
        feed();
      });
    },

    setRoute(path, handler) {
      routes.set(path, handler);
    },

    waitForRequests(count, options = {}) {
      const matching = () => requests.filter((r) => options.path === undefined || pathOf(r.path) === options.path);
      return waitFor(events, "request", () => matching().length >= count, options.timeoutMs ?? 5000, () => `${count} request(s)${options.path ? ` to ${options.path}` : ""}, got ${matching().length}`).then(matching);
    },

    waitForClosedEarly(path, count = 1, timeoutMs = 5000) {
      return waitFor(events, "cutoff", () => (cutOff.get(path) ?? 0) >= count, timeoutMs, () => `${count} cut-off response(s) on ${path}`);
    },

    sent: (path) => sentBytes.get(path) ?? 0,
    closedEarly: (path) => cutOff.get(path) ?? 0,

    async close() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return feedServer;
}

function waitFor(events: EventEmitter, event: string, done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      if (!done()) return;
      clearTimeout(timer);
      events.off(event, onEvent);
      resolve();
    };
    const timer = setTimeout(() => {
      events.off(event, onEvent);
      reject(new Error(`feed server: timed out after ${timeoutMs} ms waiting for ${describe()}`));
    }, timeoutMs);
    events.on(event, onEvent);
  });
}
