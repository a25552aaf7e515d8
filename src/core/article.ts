// Turns raw feed entries into plain-text FeedItems and gives each article a stable identity (pure: no I/O).

/** One feed entry as the pipeline sees it: plain text only, ready for the classifier. */
export interface FeedItem {
  /** RSS <guid>, Atom <id> or RDF rdf:about, trimmed. */
  guid?: string;
  /** Absolute http(s) URL of the article as the feed gave it (resolved against the feed's URL). */
  link?: string;
  /** Plain text; when the feed gave no title, the start of the text. */
  title: string;
  /** Plain text: HTML stripped, entities decoded, whitespace collapsed, paragraphs separated by a blank line. */
  text: string;
  /** ISO 8601 (UTC). Absent when the feed gave no date or one that cannot be read. */
  published?: string;
  author?: string;
}

/**
 * An entry as rss-parser hands it over (RSS 2.0, RSS 1.0/RDF and Atom all map onto these names).
 * Values are `unknown` because xml2js yields objects for elements with attributes.
 */
export interface RawFeedEntry {
  guid?: unknown;
  id?: unknown;
  "rdf:about"?: unknown;
  link?: unknown;
  title?: unknown;
  "content:encoded"?: unknown;
  content?: unknown;
  summary?: unknown;
  contentSnippet?: unknown;
  isoDate?: unknown;
  pubDate?: unknown;
  creator?: unknown;
  author?: unknown;
}

const TITLE_FROM_TEXT_MAX = 120;

/**
 * Caps on what one item may carry into a job payload and the stores. Far above real headlines and articles
 * (catalyst cues sit in the first paragraphs); they only stop a hostile or broken feed from putting
 * megabytes into Redis keys and classifier runs. Longer titles and texts are cut at a word; longer guids
 * and links are dropped (a cut guid or URL would be a different identity).
 */
export const ITEM_LIMITS = { titleChars: 500, textChars: 100_000, authorChars: 200, guidChars: 1_000, linkChars: 4_000 } as const;

/**
 * Normalises one raw entry. `baseUrl` (the feed's final URL) resolves relative links.
 * Returns undefined for an entry with nothing to show: no title, no text and no link.
 */
export function normalizeFeedItem(raw: RawFeedEntry, baseUrl?: string): FeedItem | undefined {
  const text = cutAtWord(htmlToText(firstNonEmpty(raw["content:encoded"], raw.content, raw.summary, raw.contentSnippet) ?? ""), ITEM_LIMITS.textChars);
  const rawLink = absoluteHttpUrl(textOf(raw.link), baseUrl);
  const link = rawLink && rawLink.length <= ITEM_LIMITS.linkChars ? rawLink : undefined;
  let title = cutAtWord(htmlToText(textOf(raw.title) ?? "").replace(/\s+/g, " "), ITEM_LIMITS.titleChars);
  if (!title) title = titleFromText(text);
  if (!title && !text && !link) return undefined;

  const item: FeedItem = { title, text };
  const guid = firstNonEmpty(raw.guid, raw.id, raw["rdf:about"])?.trim();
  if (guid && guid.length <= ITEM_LIMITS.guidChars) item.guid = guid;
  if (link) item.link = link;
  const published = isoDate(textOf(raw.isoDate)) ?? isoDate(textOf(raw.pubDate));
  if (published) item.published = published;
  const author = cutAtWord(htmlToText(firstNonEmpty(raw.creator, raw.author) ?? "").replace(/\s+/g, " "), ITEM_LIMITS.authorChars);
  if (author) item.author = author;
  return item;
}

/** At most `max` characters, cut at the last space in the second half when there is one, with an ellipsis. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}\u2026`;
}

/** The text of an xml2js value: a string, `{ _: text }` for an element with attributes, or a one-element array of those. */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if ("_" in obj) return textOf(obj._);
    // Atom <author><name>..</name></author> and RSS <author> parsed as an object.
    if ("name" in obj) return textOf(obj.name);
    // <link href="..."/> without text.
    const attrs = obj.$;
    if (attrs && typeof attrs === "object" && "href" in attrs) return textOf((attrs as Record<string, unknown>).href);
  }
  return undefined;
}

function firstNonEmpty(...values: unknown[]): string | undefined {
  for (const v of values) {
    const s = textOf(v);
    if (s !== undefined && s.trim() !== "") return s;
  }
  return undefined;
}

function isoDate(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function absoluteHttpUrl(value: string | undefined, baseUrl: string | undefined): string | undefined {
  const s = value?.trim();
  if (!s) return undefined;
  let url: URL;
  try {
    url = baseUrl ? new URL(s, baseUrl) : new URL(s);
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

/** The first line of the text, cut at a word boundary, for entries without a title. */
function titleFromText(text: string): string {
  const newline = text.indexOf("\n");
  return cutAtWord((newline < 0 ? text : text.slice(0, newline)).trim(), TITLE_FROM_TEXT_MAX + 1);
}

// ---------------------------------------------------------------------------------------------
// HTML to text

/** Elements whose content is never article text. */
const DROP_WITH_CONTENT = new Set(["script", "style", "noscript", "template", "head", "svg", "iframe", "object", "title"]);
/** Elements that start a new paragraph. */
const BLOCK_TAGS = new Set(
  "p div section article header footer aside nav main blockquote pre h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr figure figcaption hr address details summary".split(" "),
);
const CELL_TAGS = new Set(["td", "th"]);

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 58; // a-z A-Z 0-9 - :
const isAsciiLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/**
 * Plain text from an HTML fragment: drops scripts, styles and comments, turns block elements into
 * paragraph breaks and <br> into line breaks, removes other tags, decodes entities, collapses spaces.
 * Tags are removed before entities are decoded, so an escaped "&lt;b&gt;" stays visible as "<b>".
 *
 * A single forward scan (no backtracking regexes): feed HTML is untrusted, and a crafted body such as
 * thousands of unclosed "<script>" must cost linear time, not stall the worker.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const n = html.length;
  // Once a search for a closing quote fails, it fails for every later position too: remember that.
  const quoteMissing = { '"': false, "'": false };
  let i = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    out.push(html.slice(i, lt));
    const next = html.charCodeAt(lt + 1);

    if (next === 33 /* ! */) {
      if (html.startsWith("<!--", lt)) {
        const end = html.indexOf("-->", lt + 4);
        out.push(" ");
        i = end < 0 ? n : end + 3;
      } else if (html.startsWith("<![CDATA[", lt)) {
        // Feeds that wrap twice leave CDATA inside the HTML: its content is HTML too, so keep scanning it.
        i = lt + 9;
      } else {
        const end = html.indexOf(">", lt);
        i = end < 0 ? n : end + 1;
      }
      continue;
    }

    const closing = next === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isAsciiLetter(html.charCodeAt(nameStart))) {
      // "<" followed by a space, digit or nothing is text ("1 < 2").
      out.push("<");
      i = lt + 1;
      continue;
    }
    let j = nameStart;
    while (j < n && isNameChar(html.charCodeAt(j))) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    // Find the tag's ">", skipping quoted attribute values that may contain one.
    let end = -1;
    while (j < n) {
      const c = html[j];
      if (c === ">") {
        end = j;
        break;
      }
      if ((c === '"' || c === "'") && !quoteMissing[c]) {
        const close = html.indexOf(c, j + 1);
        if (close < 0) quoteMissing[c] = true;
        else j = close;
      }
      j++;
    }
    i = end < 0 ? n : end + 1;

    if (!closing && DROP_WITH_CONTENT.has(name)) {
      i = skipPastClosingTag(html, i, name);
      out.push(" ");
    } else if (name === "br") out.push("\n");
    else if (BLOCK_TAGS.has(name)) out.push("\n\n");
    else if (CELL_TAGS.has(name)) out.push(" ");
  }
  if (i < n) out.push(html.slice(i));
  return collapseWhitespace(decodeEntities(out.join("").replaceAll("]]>", "")));
}

/** The position after `</name ...>` at or after `from`, or the end of the text when the element is never closed. */
function skipPastClosingTag(html: string, from: number, name: string): number {
  let p = from;
  for (;;) {
    const at = html.indexOf("</", p);
    if (at < 0) return html.length;
    const after = at + 2 + name.length;
    if (html.slice(at + 2, after).toLowerCase() === name && !isNameChar(html.charCodeAt(after))) {
      const gt = html.indexOf(">", after);
      return gt < 0 ? html.length : gt + 1;
    }
    p = at + 2;
  }
}

/** Spaces and tabs to one space, lines trimmed, at most one blank line between paragraphs. */
function collapseWhitespace(text: string): string {
  return (
    text
      // nbsp and friends become ordinary spaces; zero-width characters and soft hyphens vanish.
      .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, " ")
      .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "")
      // Control characters other than tab and newline.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
      .replace(/\r\n?/g, "\n")
      .replace(/[ \t]+/g, " ")
      .split("\n")
      .map((line) => line.trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}

// Latin-1 entity names, in code point order from U+00A0.
const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest " +
  "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map<string, string>([
  ...LATIN1_NAMES.split(" ").map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
  ...(
    [
      ["amp", 0x26], ["lt", 0x3c], ["gt", 0x3e], ["quot", 0x22], ["apos", 0x27],
      ["OElig", 0x152], ["oelig", 0x153], ["Scaron", 0x160], ["scaron", 0x161], ["Yuml", 0x178], ["fnof", 0x192],
      ["circ", 0x2c6], ["tilde", 0x2dc], ["ensp", 0x2002], ["emsp", 0x2003], ["thinsp", 0x2009],
      ["zwnj", 0x200c], ["zwj", 0x200d], ["lrm", 0x200e], ["rlm", 0x200f], ["ndash", 0x2013], ["mdash", 0x2014],
      ["lsquo", 0x2018], ["rsquo", 0x2019], ["sbquo", 0x201a], ["ldquo", 0x201c], ["rdquo", 0x201d], ["bdquo", 0x201e],
      ["dagger", 0x2020], ["Dagger", 0x2021], ["bull", 0x2022], ["hellip", 0x2026], ["permil", 0x2030],
      ["prime", 0x2032], ["Prime", 0x2033], ["lsaquo", 0x2039], ["rsaquo", 0x203a], ["oline", 0x203e], ["frasl", 0x2044],
      ["euro", 0x20ac], ["trade", 0x2122], ["larr", 0x2190], ["uarr", 0x2191], ["rarr", 0x2192], ["darr", 0x2193],
      ["harr", 0x2194], ["minus", 0x2212], ["le", 0x2264], ["ge", 0x2265], ["ne", 0x2260], ["asymp", 0x2248],
      ["infin", 0x221e], ["radic", 0x221a], ["sum", 0x2211], ["prod", 0x220f], ["part", 0x2202],
      ["alpha", 0x3b1], ["beta", 0x3b2], ["gamma", 0x3b3], ["delta", 0x3b4], ["Delta", 0x394], ["mu", 0x3bc],
      ["pi", 0x3c0], ["sigma", 0x3c3], ["Sigma", 0x3a3], ["Omega", 0x3a9], ["omega", 0x3c9],
      ["loz", 0x25ca], ["spades", 0x2660], ["clubs", 0x2663], ["hearts", 0x2665], ["diams", 0x2666],
      ["nbhy", 0x2011], ["hyphen", 0x2010], ["dash", 0x2010], ["lowast", 0x2217], ["sdot", 0x22c5],
    ] as const
  ).map(([name, cp]): [string, string] => [name, String.fromCodePoint(cp)]),
]);

/**
 * The windows-1252 characters at 0x80-0x9f (where ISO-8859-1 has control codes). Used for numeric
 * references (a feed saying &#150; means an en dash) and for decoding windows-1252 bodies.
 */
export const WINDOWS_1252_C1: Readonly<Record<number, number>> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x2c6,
  0x89: 0x2030, 0x8a: 0x160, 0x8b: 0x2039, 0x8c: 0x152, 0x8e: 0x17d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c,
  0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x2dc, 0x99: 0x2122, 0x9a: 0x161, 0x9b: 0x203a,
  0x9c: 0x153, 0x9e: 0x17e, 0x9f: 0x178,
};

/** Decodes named (common HTML set) and numeric character references; unknown names are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) {
      // Without a semicolon only the classic names are safe to decode ("AT&T" must stay as it is).
      if (!whole.endsWith(";") && !["amp", "lt", "gt", "quot", "nbsp"].includes(name)) return whole;
      return NAMED_ENTITIES.get(name) ?? whole;
    }
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
    const mapped = WINDOWS_1252_C1[cp] ?? cp;
    if (mapped === 0 || mapped > 0x10ffff || (mapped >= 0xd800 && mapped <= 0xdfff)) return "\ufffd";
    return String.fromCodePoint(mapped);
  });
}

// ---------------------------------------------------------------------------------------------
// Link identity

/**
 * Query parameters that only say how a reader arrived (campaign, click and newsletter trackers).
 * Deliberately kept: `ref` (GitHub uses it to pick a branch), `src`, `source`, `id`, `cid`, `p`, `page`:
 * on some sites they select the content, and a wrong merge hides an article, which is worse than a duplicate.
 */
const TRACKING_PARAMS = new Set([
  "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
  "_hsenc", "_hsmi", "mkt_tok", "cmpid", "ocid", "ncid", "ref_src", "ref_url", "soc_src", "soc_trk",
  "guccounter", "guce_referrer", "guce_referrer_sig", "sr_share", "__twitter_impression",
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * A canonical form of an article URL for telling articles apart; it is an identity, not a URL to fetch.
 * Lower-case scheme and host (URL does that), no credentials, no default port, no trailing dot on the host,
 * no fragment (except "#!" routes, which select content), no tracking parameters, the remaining query
 * parameters sorted by name (repeated names keep their order), no trailing slash except on the root path.
 * Returns undefined for anything that is not an absolute http(s) URL (after resolving against `base`).
 */
export function normalizeLink(url: string, base?: string): string | undefined {
  let u: URL;
  try {
    u = base ? new URL(url.trim(), base) : new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  u.username = "";
  u.password = "";
  if (u.hostname.endsWith(".")) u.hostname = trimTrailing(u.hostname, ".");
  if (!u.hash.startsWith("#!")) u.hash = "";

  const kept = [...u.searchParams].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  u.search = kept.length ? new URLSearchParams(kept).toString() : "";

  if (u.pathname.length > 1 && u.pathname.endsWith("/")) u.pathname = trimTrailing(u.pathname, "/") || "/";
  return u.href;
}

/** Without the trailing run of `ch` (a loop: /x+$/ backtracks quadratically on a long run followed by another character). */
function trimTrailing(text: string, ch: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ch) end--;
  return text.slice(0, end);
}

export interface ArticleKeyOptions {
  /**
   * The feed the item came from (its id or URL). GUIDs and titles are only unique within one feed,
   * so keys built from them are scoped by it; link keys are global.
   */
  scope?: string;
}

/**
 * The dedup identity of an item, one string (hash it if you need a fixed length):
 *   `link:<normalizeLink(link)>`  when the item has an http(s) link: the same article seen in two feeds, or
 *                                 with different tracking parameters, gets the same key;
 *   `guid:<scope>|<guid>`         else, when it has a guid;
 *   `title:<scope>|<title>|<day>` else: lower-cased title with collapsed spaces, and the published day (or "").
 */
export function articleKey(item: Pick<FeedItem, "link" | "guid" | "title" | "published">, options: ArticleKeyOptions = {}): string {
  return articleKeys(item, options)[0] ?? `title:${options.scope ?? ""}|${titleKeyPart(item)}`;
}

/**
 * Every identity of an item, strongest first (link, guid, title): a store that remembers all of them
 * also recognises a feed that keeps the guid but rewrites the link (or the reverse).
 * The first entry is always articleKey(item).
 */
export function articleKeys(item: Pick<FeedItem, "link" | "guid" | "title" | "published">, options: ArticleKeyOptions = {}): string[] {
  const scope = options.scope ?? "";
  const keys: string[] = [];
  const link = item.link ? normalizeLink(item.link) : undefined;
  if (link) keys.push(`link:${link}`);
  const guid = item.guid?.trim();
  if (guid) keys.push(`guid:${scope}|${guid}`);
  keys.push(`title:${scope}|${titleKeyPart(item)}`);
  return keys;
}

function titleKeyPart(item: Pick<FeedItem, "title" | "published">): string {
  const title = item.title.toLowerCase().replace(/\s+/g, " ").trim();
  return `${title}|${item.published?.slice(0, 10) ?? ""}`;
}
