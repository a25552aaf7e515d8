// Why a feed could not be fetched: one registry of error codes, each with whether a retry can help and what the operator should do.

/**
 * Every code a FeedError can carry. `transient` says whether polling again later can succeed without
 * anyone changing anything; `action` is the advice appended to the message. The README lists these codes.
 */
export const FEED_ERROR_CODES = {
  FEED_BAD_URL: {
    transient: false,
    action: "Fix the feed URL: it must be an absolute http:// or https:// URL without user:password@ (send credentials with the feed's headers instead).",
  },
  FEED_BAD_HEADERS: {
    transient: false,
    action: "Fix the request headers configured for this feed: a name or value contains characters HTTP does not allow (e.g. a line break).",
  },
  FEED_BLOCKED_ADDRESS: {
    transient: false,
    action:
      "The feed (or a redirect) points at a loopback, private, link-local or cloud-metadata address. If this feed really is on your own network, add its host, IP or CIDR to FEED_ALLOW_PRIVATE.",
  },
  FEED_DNS: {
    transient: true,
    action: "Check the host name in the feed URL; if it is right, the DNS failure may be temporary and the feed will be retried.",
  },
  FEED_NETWORK: {
    transient: true,
    action: "The connection failed or was cut; the feed will be retried. If it keeps failing, check that the site is up and reachable from this machine.",
  },
  FEED_TLS: {
    transient: false,
    action: "The site's TLS certificate or handshake was rejected (expired, self-signed or wrong host). Tell the site's owner, or use the feed's correct https:// host name.",
  },
  FEED_TIMEOUT: {
    transient: true,
    action: "The server did not deliver the whole feed in time; the feed will be retried. Raise FEED_TIMEOUT_MS if this site is always slow.",
  },
  FEED_HTTP_STATUS: {
    // The real value depends on the status: see transientStatus().
    transient: false,
    action: "Check the feed URL in a browser: 404/410 mean the feed moved or is gone (update or remove it), 401/403 mean it needs credentials or blocks bots, 429/5xx are retried.",
  },
  FEED_TOO_MANY_REDIRECTS: {
    transient: false,
    action: "The feed URL redirects too many times (or in a loop). Replace it with the final URL, or raise FEED_MAX_REDIRECTS.",
  },
  FEED_TOO_LARGE: {
    transient: false,
    action: "The feed body (after decompression) is larger than FEED_MAX_BYTES. Use a smaller feed (e.g. one category) or raise FEED_MAX_BYTES.",
  },
  FEED_DECODE: {
    transient: false,
    action: "The server sent a body that cannot be decompressed or uses an unsupported Content-Encoding. Check the feed URL; report it to the site if it persists.",
  },
  FEED_FILE: {
    transient: false,
    action: 'A "file" feed of the feeds file cannot be read. Check its path (a relative path starts at the catalyst-bot folder, where package.json is) and that the bot may read it.',
  },
  FEED_PARSE: {
    transient: false,
    action: "The URL did not return a valid RSS 2.0, RSS 1.0 (RDF) or Atom feed. Open it in a browser: it may be an HTML page rather than the feed itself.",
  },
} as const satisfies Record<string, { transient: boolean; action: string }>;

export type FeedErrorCode = keyof typeof FEED_ERROR_CODES;

/** Statuses worth retrying: the server is busy, rate-limiting or broken for now. */
export function transientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

export interface FeedErrorDetails {
  status?: number;
  /** The configured feed URL, when `url` is a redirect target it led to. */
  redirectedFrom?: string;
  /** Seconds the server asked us to wait (Retry-After on 429/503), when it said so in seconds or as a date. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A feed fetch that failed. `code` is from FEED_ERROR_CODES; `url` is the URL that was being fetched when it failed. */
export class FeedError extends Error {
  override name = "FeedError";
  readonly code: FeedErrorCode;
  readonly transient: boolean;
  readonly url: string;
  /** What went wrong, without the URL and the advice (for logs that print those separately). */
  readonly problem: string;
  readonly redirectedFrom?: string;
  readonly status?: number;
  readonly retryAfterSeconds?: number;

  constructor(code: FeedErrorCode, url: string, problem: string, details: FeedErrorDetails = {}) {
    const where = details.redirectedFrom ? `${url}, reached by redirects from ${details.redirectedFrom}` : url;
    super(`${problem} (${where}). ${FEED_ERROR_CODES[code].action}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = url;
    this.problem = problem;
    if (details.redirectedFrom !== undefined) this.redirectedFrom = details.redirectedFrom;
    this.transient =
      code === "FEED_HTTP_STATUS" && details.status !== undefined ? transientStatus(details.status) : FEED_ERROR_CODES[code].transient;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** The same error, saying which configured feed URL redirected to `url`. */
  afterRedirectsFrom(feedUrl: string): FeedError {
    const details: FeedErrorDetails = { redirectedFrom: feedUrl, cause: this.cause };
    if (this.status !== undefined) details.status = this.status;
    if (this.retryAfterSeconds !== undefined) details.retryAfterSeconds = this.retryAfterSeconds;
    return new FeedError(this.code, this.url, this.problem, details);
  }
}

export function isFeedError(err: unknown): err is FeedError {
  return err instanceof FeedError;
}
