// Feed-item normalisation: HTML to text, entities, whitespace, missing fields, link canonicalisation and dedup keys.
import { describe, expect, it } from "vitest";
import { articleKey, articleKeys, decodeEntities, htmlToText, ITEM_LIMITS, normalizeFeedItem, normalizeLink } from "../../src/core/article.ts";
import type { RawFeedEntry } from "../../src/core/article.ts";

describe("htmlToText", () => {
  it.each([
    ["paragraphs become blank-line separated", "<p>First.</p><p>Second.</p>", "First.\n\nSecond."],
    ["line breaks stay single", "a<br>b<br/>c<BR />d", "a\nb\nc\nd"],
    ["list items are paragraphs", "<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"],
    ["headings are paragraphs", "<h2>Title</h2>Body", "Title\n\nBody"],
    ["table cells are spaced", "<table><tr><td>BABA</td><td>+4.9%</td></tr></table>", "BABA +4.9%"],
    ["inline tags vanish without spacing", "Alibaba (<b>BABA</b>) <a href='https://x.test/'>rose</a>", "Alibaba (BABA) rose"],
    ["scripts and styles are dropped with their content", "<script>track('x < y')</script><style>p{color:red}</style>Hello", "Hello"],
    ["comments are dropped", "Up<!-- ad slot -->date", "Up date"],
    ["images and unknown tags are dropped", '<img src="x.png" alt="chart">Shares <custom-tag a="1">rose</custom-tag>', "Shares rose"],
    ["CDATA markers are removed", "<![CDATA[<p>Inner</p>]]>", "Inner"],
    ["escaped markup stays visible as text", "Use &lt;b&gt; for bold", "Use <b> for bold"],
    ["a lone less-than is text", "EPS 1 < 2 and 3 > 2", "EPS 1 < 2 and 3 > 2"],
    ["spaces and tabs collapse", "  lots   of \t space  ", "lots of space"],
    ["runs of blank lines collapse to one", "a\n\n\n\n\nb", "a\n\nb"],
    ["CRLF becomes LF", "a\r\nb\rc", "a\nb\nc"],
    ["nbsp becomes a space and is trimmed at the ends", "&nbsp;$10&nbsp;billion&nbsp;", "$10 billion"],
    ["soft hyphens and zero-width spaces vanish", "Pre&shy;fix zero\u200bwidth", "Prefix zerowidth"],
    ["control characters vanish", "bell\u0007 and nul\u0000", "bell and nul"],
    ["a > inside a quoted attribute does not end the tag", '<a title="a > b" href=\'x>y\'>link</a> text', "link text"],
    ["an unclosed script drops the rest", "Before<script>var x = 1;", "Before"],
    ["a closing script tag is found case-insensitively", "a<SCRIPT type=x>1</Script >b", "a b"],
    ["a doctype is dropped", "<!DOCTYPE html>Hi", "Hi"],
    ["an unterminated comment drops the rest", "Keep<!-- never closed", "Keep"],
    ["a tag that never closes is dropped", "Keep <a href=", "Keep"],
    ["empty input", "", ""],
  ])("%s", (_what, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe("htmlToText on hostile input", () => {
  // A regex-based stripper takes quadratic time on these; a crafted feed must not stall a worker.
  // Asserted by output, not by timing: each finishes within the test's timeout only if the scan is linear.
  it.each([
    ["unclosed scripts", "<script>".repeat(200_000), ""],
    ["unclosed CDATA sections", "<![CDATA[x".repeat(200_000), "x".repeat(200_000)],
    ["unterminated quotes", '<a "'.repeat(200_000), ""],
    ["near-miss closing tags", "<style></sty".repeat(200_000), ""],
  ])("%s", (_what, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe("decodeEntities", () => {
  it.each([
    ["AT&amp;T", "AT&T"],
    ["AT&T", "AT&T"],
    ["R&D&amp;A", "R&D&A"],
    ["&lt;&gt;&quot;&apos;", "<>\"'"],
    ["caf&eacute; &Eacute;lys&eacute;e", "caf\u00e9 \u00c9lys\u00e9e"],
    ["&yuml;&szlig;&copy;&reg;", "\u00ff\u00df\u00a9\u00ae"],
    ["&euro;5 &pound;3 &yen;2", "\u20ac5 \u00a33 \u00a52"],
    ["&ldquo;up&rdquo; &mdash; &hellip;", "\u201cup\u201d \u2014 \u2026"],
    ["&#8217;&#x2019;&#X2019;", "\u2019\u2019\u2019"],
    ["&#150; &#146;", "\u2013 \u2019"],
    ["&#128200;", "\u{1F4C8}"],
    ["&#0; &#xD800; &#x110000;", "\ufffd \ufffd \ufffd"],
    ["&amp;amp;", "&amp;"],
    ["&amp without semicolon", "& without semicolon"],
    ["&copy without semicolon stays", "&copy without semicolon stays"],
    ["&madeup; stays", "&madeup; stays"],
  ])("%s", (input, output) => {
    expect(decodeEntities(input)).toBe(output);
  });
});

describe("normalizeFeedItem", () => {
  const base = "https://feeds.example.com/markets/rss";

  it("prefers content:encoded, then content, then summary, then the snippet", () => {
    const all: RawFeedEntry = { title: "t", "content:encoded": "<p>full</p>", content: "desc", summary: "sum", contentSnippet: "snip" };
    expect(normalizeFeedItem(all)?.text).toBe("full");
    expect(normalizeFeedItem({ ...all, "content:encoded": "  " })?.text).toBe("desc");
    expect(normalizeFeedItem({ title: "t", summary: "sum", contentSnippet: "snip" })?.text).toBe("sum");
    expect(normalizeFeedItem({ title: "t", contentSnippet: "snip" })?.text).toBe("snip");
  });

  it("reads xml2js shapes: elements with attributes and arrays", () => {
    const item = normalizeFeedItem({
      title: { _: "Buyback &amp; more", $: { type: "html" } },
      guid: { _: " mw-7 ", $: { isPermaLink: "false" } },
      link: [{ $: { href: "/a/7", rel: "alternate" } }],
      author: { name: ["Desk"] },
    }, base);
    expect(item).toEqual({ title: "Buyback & more", text: "", guid: "mw-7", link: "https://feeds.example.com/a/7", author: "Desk" });
  });

  it("falls back from guid to Atom id to rdf:about", () => {
    expect(normalizeFeedItem({ title: "t", id: "tag:x,2024:1" })?.guid).toBe("tag:x,2024:1");
    expect(normalizeFeedItem({ title: "t", "rdf:about": "https://x.test/1" })?.guid).toBe("https://x.test/1");
  });

  it.each([
    ["a relative link resolves against the feed URL", "../news/1", "https://feeds.example.com/news/1"],
    ["an absolute link is kept as given", "https://other.example/p?utm_source=rss", "https://other.example/p?utm_source=rss"],
    ["surrounding whitespace is trimmed", "  https://other.example/p  ", "https://other.example/p"],
    ["a javascript: link is dropped", "javascript:alert(1)", undefined],
    ["a mailto: link is dropped", "mailto:desk@example.com", undefined],
    ["an empty link is dropped", "", undefined],
  ])("%s", (_what, link, expected) => {
    expect(normalizeFeedItem({ title: "t", link }, base)?.link).toBe(expected);
  });

  it("drops a relative link when there is no base URL", () => {
    expect(normalizeFeedItem({ title: "t", link: "/news/1" })?.link).toBeUndefined();
  });

  it.each([
    ["RFC 822 with zone", { pubDate: "Wed, 23 Mar 2022 09:30:00 +0800" }, "2022-03-23T01:30:00.000Z"],
    ["rss-parser's isoDate wins", { isoDate: "2024-05-02T11:45:00.000Z", pubDate: "garbage" }, "2024-05-02T11:45:00.000Z"],
    ["an unreadable date is left out", { pubDate: "sometime last week" }, undefined],
    ["no date at all", {}, undefined],
  ])("published: %s", (_what, raw, expected) => {
    expect(normalizeFeedItem({ title: "t", ...raw })?.published).toBe(expected);
  });

  it("collapses whitespace and markup in titles and authors", () => {
    const item = normalizeFeedItem({ title: "  Acme <em>beats</em>\n   estimates ", creator: " <b>Jane</b>\n Doe " });
    expect(item).toMatchObject({ title: "Acme beats estimates", author: "Jane Doe" });
  });

  it("makes a title from the start of the text when there is none", () => {
    const long = "Tencent Music has not changed its buyback plan, a spokesperson said on Tuesday when asked about the wave of repurchases by peers";
    const item = normalizeFeedItem({ content: `<p>${long}</p><p>Second paragraph.</p>` });
    expect(item?.title).toBe("Tencent Music has not changed its buyback plan, a spokesperson said on Tuesday when asked about the wave of repurchases\u2026");
    expect(normalizeFeedItem({ content: "<p>Short one.</p><p>More.</p>" })?.title).toBe("Short one.");
  });

  it("keeps an item that has only a link, and drops one with nothing to show", () => {
    expect(normalizeFeedItem({ link: "https://x.test/1" })).toEqual({ title: "", text: "", link: "https://x.test/1" });
    expect(normalizeFeedItem({ guid: "g-only", title: "  ", content: "<p> </p>" })).toBeUndefined();
    expect(normalizeFeedItem({})).toBeUndefined();
  });

  it("cuts oversized titles and texts at a word and drops oversized guids and links", () => {
    const words = (n: number) => "word ".repeat(n).trim();
    const item = normalizeFeedItem({
      title: words(1_000),
      content: words(100_000),
      creator: words(100),
      guid: "g".repeat(ITEM_LIMITS.guidChars + 1),
      link: `https://x.test/${"p".repeat(ITEM_LIMITS.linkChars)}`,
    });
    expect(item?.title.length).toBeLessThanOrEqual(ITEM_LIMITS.titleChars);
    expect(item?.title.endsWith("word\u2026")).toBe(true);
    expect(item?.text.length).toBeLessThanOrEqual(ITEM_LIMITS.textChars);
    expect(item?.text.endsWith("word\u2026")).toBe(true);
    expect(item?.author?.length).toBeLessThanOrEqual(ITEM_LIMITS.authorChars);
    expect(item?.guid).toBeUndefined();
    expect(item?.link).toBeUndefined();
    // At the limits, nothing is cut or dropped.
    const exact = normalizeFeedItem({ title: "t".repeat(ITEM_LIMITS.titleChars), guid: "g".repeat(ITEM_LIMITS.guidChars) });
    expect(exact?.title).toHaveLength(ITEM_LIMITS.titleChars);
    expect(exact?.guid).toHaveLength(ITEM_LIMITS.guidChars);
  });

  it("leaves out optional fields that are missing instead of setting them to undefined", () => {
    expect(Object.keys(normalizeFeedItem({ title: "Only a title" }) ?? {})).toEqual(["title", "text"]);
  });
});

describe("normalizeLink", () => {
  it.each([
    ["lower-cases scheme and host, drops default port, fragment and utm_*", "HTTPS://News.Example.COM:443/a/B/?utm_source=rss&utm_medium=x#top", "https://news.example.com/a/B"],
    ["drops the default http port", "http://example.com:80/", "http://example.com/"],
    ["keeps another port", "http://example.com:8080/x", "http://example.com:8080/x"],
    ["drops click ids", "https://example.com/s?fbclid=1&gclid=2&msclkid=3&mc_cid=4&mc_eid=5", "https://example.com/s"],
    ["drops publisher trackers", "https://example.com/s?ocid=a&cmpid=b&ncid=c&ref_src=d&guccounter=1", "https://example.com/s"],
    ["tracker names are case-insensitive", "https://example.com/s?UTM_Campaign=x&id=5", "https://example.com/s?id=5"],
    ["keeps ref, which can select content", "https://github.com/o/r/blob/x?ref=main", "https://github.com/o/r/blob/x?ref=main"],
    ["keeps src and source", "https://example.com/p?src=rss&source=home", "https://example.com/p?source=home&src=rss"],
    ["sorts parameters, repeated names keep their order", "https://example.com/p?b=2&a=3&a=1", "https://example.com/p?a=3&a=1&b=2"],
    ["removes an emptied query entirely", "https://example.com/p?utm_source=x", "https://example.com/p"],
    ["removes credentials", "https://user:pw@example.com/x", "https://example.com/x"],
    ["removes the host's trailing dot", "https://example.com./x", "https://example.com/x"],
    ["removes trailing slashes except the root", "https://example.com/a/b//", "https://example.com/a/b"],
    ["keeps the root slash", "https://example.com", "https://example.com/"],
    ["keeps #! routes, which select content", "https://example.com/#!/story/1", "https://example.com/#!/story/1"],
    ["punycodes international host names", "https://B\u00fccher.example/x", "https://xn--bcher-kva.example/x"],
    ["trims surrounding whitespace", "  https://example.com/x  ", "https://example.com/x"],
  ])("%s", (_what, input, output) => {
    expect(normalizeLink(input)).toBe(output);
  });

  it.each([["ftp://example.com/f"], ["javascript:alert(1)"], ["not a url"], [""]])("refuses %j", (input) => {
    expect(normalizeLink(input)).toBeUndefined();
  });

  it("resolves against a base", () => {
    expect(normalizeLink("../x/?utm_source=a", "https://example.com/a/b/")).toBe("https://example.com/a/x");
  });

  it("handles a link with huge runs of slashes (crafted to make a trailing-run regex backtrack)", () => {
    const path = "/".repeat(100_000);
    expect(normalizeLink(`https://example.com${path}x${path}`)).toBe(`https://example.com${path}x`);
  });

  it("is idempotent", () => {
    const once = normalizeLink("HTTPS://Example.com/a/?z=1&utm_source=x&a=2#f") ?? "";
    expect(normalizeLink(once)).toBe(once);
  });
});

describe("articleKey", () => {
  it("gives the same key to one article reached through different tracking links, in any feed", () => {
    const a = articleKey({ title: "A", link: "https://news.example.com/a/?utm_source=rss", guid: "1" }, { scope: "feed-1" });
    const b = articleKey({ title: "A (updated)", link: "https://NEWS.example.com/a#comments", guid: "other" }, { scope: "feed-2" });
    expect(a).toBe("link:https://news.example.com/a");
    expect(b).toBe(a);
  });

  it("uses the guid, scoped by feed, when there is no usable link", () => {
    expect(articleKey({ title: "A", guid: " 42 " }, { scope: "feed-1" })).toBe("guid:feed-1|42");
    expect(articleKey({ title: "A", guid: "42", link: "mailto:x@y.z" }, { scope: "feed-2" })).toBe("guid:feed-2|42");
  });

  it("falls back to the title and published day", () => {
    const item = { title: "  Acme  BEATS estimates ", published: "2024-05-02T11:45:00.000Z" };
    expect(articleKey(item, { scope: "f" })).toBe("title:f|acme beats estimates|2024-05-02");
    expect(articleKey({ title: "Acme beats estimates", published: "2024-05-02T23:00:00.000Z" }, { scope: "f" })).toBe(articleKey(item, { scope: "f" }));
    expect(articleKey({ title: "Acme beats estimates" })).toBe("title:|acme beats estimates|");
  });

  it("lists every identity, strongest first", () => {
    const item = { title: "Acme", link: "https://x.test/a", guid: "g1", published: "2024-01-01T00:00:00Z" };
    expect(articleKeys(item, { scope: "f" })).toEqual(["link:https://x.test/a", "guid:f|g1", "title:f|acme|2024-01-01"]);
    expect(articleKeys(item, { scope: "f" })[0]).toBe(articleKey(item, { scope: "f" }));
  });
});
