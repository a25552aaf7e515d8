// Reads a feed from a file on this machine (a "file" entry of the feeds file, e.g. the embedded demo feed) through the same parser as fetched feeds.
import { open, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FeedError } from "./errors.ts";
import { decodeBody, FETCH_FEED_DEFAULTS, parseFeed, type FetchFeedResult } from "./fetch-feed.ts";

/** Where relative feed paths start: the catalyst-bot folder (the one with package.json), whatever the working directory. */
export const PROJECT_DIR = fileURLToPath(new URL("../../../", import.meta.url));

export interface ReadFeedFileOptions {
  /** The validator of the previous successful read: the file is not parsed again while it is unchanged. */
  etag?: string;
  /** Default: the same cap as a fetched feed's body. */
  maxBytes?: number;
  /** Default: PROJECT_DIR. */
  baseDir?: string;
}

/**
 * Reads and parses a feed file. Its size and modification time stand in for an HTTP ETag, so an unchanged
 * file costs one stat per poll and its items are never re-announced, even after they leave the seen-set.
 */
export async function readFeedFile(file: string, options: ReadFeedFileOptions = {}): Promise<FetchFeedResult> {
  const path = isAbsolute(file) ? file : resolve(options.baseDir ?? PROJECT_DIR, file);
  const name = `file:${file}`;
  const maxBytes = options.maxBytes ?? FETCH_FEED_DEFAULTS.maxBytes;
  const cannotRead = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const why = code === "ENOENT" ? `There is no file ${path}` : code === "EACCES" ? `Not allowed to read ${path}` : `Could not read ${path}: ${err instanceof Error ? err.message : String(err)}`;
    return new FeedError("FEED_FILE", name, why, { cause: err });
  };

  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw cannotRead(err);
  }
  if (!info.isFile()) throw new FeedError("FEED_FILE", name, `${path} is not a regular file`);
  if (info.size > maxBytes) throw new FeedError("FEED_TOO_LARGE", name, `The feed file is larger than ${maxBytes} bytes`);
  const etag = `"file-${info.size}-${Math.trunc(info.mtimeMs)}"`;
  if (options.etag === etag) return { status: "not_modified", finalUrl: name };

  let body: Buffer;
  try {
    const handle = await open(path, "r");
    try {
      // Read at most one byte past the cap: the file may have grown since the stat.
      const buf = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      if (bytesRead > maxBytes) throw new FeedError("FEED_TOO_LARGE", name, `The feed file is larger than ${maxBytes} bytes`);
      body = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw err instanceof FeedError ? err : cannotRead(err);
  }
  const feed = await parseFeed(decodeBody(body), name, undefined);
  return { status: "ok", finalUrl: name, etag, items: feed.items, ...(feed.title ? { title: feed.title } : {}) };
}
