// Discord embeds for alerts and command replies: colours, escaping, links, and Discord's size limits.
import { describe, expect, it } from "vitest";
import { CATALYST_SLUGS, type CatalystSlug } from "../../src/core/catalysts.ts";
import type { Alert } from "../../src/core/types.ts";
import type { CommandReply } from "../../src/commands/types.ts";
import {
  CATALYST_COLOURS,
  escapeDiscordText,
  formatAlertMessage,
  formatCommandReply,
  renderNeutralMarkup,
  truncate,
  type DiscordMessage,
} from "../../src/core/format/discord.ts";

/** Discord's limits, restated here from the API docs so the test does not trust the code under test. */
function expectWithinDiscordLimits(message: DiscordMessage): void {
  expect(message.allowed_mentions).toEqual({ parse: [] });
  expect(message.embeds.length).toBeLessThanOrEqual(10);
  if (message.content !== undefined) expect(message.content.length).toBeLessThanOrEqual(2000);
  let total = 0;
  for (const e of message.embeds) {
    if (e.title !== undefined) expect(e.title.length).toBeLessThanOrEqual(256);
    if (e.description !== undefined) expect(e.description.length).toBeLessThanOrEqual(4096);
    if (e.author) expect(e.author.name.length).toBeLessThanOrEqual(256);
    if (e.footer) expect(e.footer.text.length).toBeLessThanOrEqual(2048);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      total += f.name.length + f.value.length;
    }
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.author?.name.length ?? 0) + (e.footer?.text.length ?? 0);
    if (e.url !== undefined) expect(e.url).toMatch(/^https?:\/\//);
  }
  expect(total).toBeLessThanOrEqual(6000);
}

/** Every piece of text a reader sees in the message. */
function visibleText(message: DiscordMessage): string {
  const parts: string[] = [message.content ?? ""];
  for (const e of message.embeds) {
    parts.push(e.title ?? "", e.description ?? "", e.author?.name ?? "", e.footer?.text ?? "");
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
  }
  return parts.join("\n");
}

function alert(over: Partial<Alert> = {}): Alert {
  return {
    alertId: "a-1",
    storyId: "s-1",
    ticker: "BABA",
    companyName: "Alibaba Group Holding Ltd.",
    catalyst: "buyback",
    confidence: 0.87,
    evidence: "boost in its stock buyback plan -- to $25 billion",
    articleId: "art-1",
    title: "Alibaba boosts buyback to $25 billion",
    url: "https://news.example.com/alibaba-buyback",
    source: "Example Wire",
    published: "2025-02-17T08:00:00Z",
    followUp: false,
    ...over,
  };
}

describe("alert embeds", () => {
  it("gives every catalyst its own colour", () => {
    const colours = CATALYST_SLUGS.map((s) => CATALYST_COLOURS[s]);
    expect(new Set(colours).size).toBe(CATALYST_SLUGS.length);
    for (const c of colours) expect(c >= 0 && c <= 0xffffff).toBe(true);
  });

  it.each<[CatalystSlug]>([["buyback"], ["earnings"], ["m_and_a"], ["legal"]])("colours a %s alert with its catalyst colour", (catalyst) => {
    const msg = formatAlertMessage(alert({ catalyst }));
    expect(msg.embeds[0]?.color).toBe(CATALYST_COLOURS[catalyst]);
  });

  it("shows the linked title, the quoted evidence, ticker and company, source, time and confidence", () => {
    const msg = formatAlertMessage(alert());
    const [e] = msg.embeds;
    expect(e?.title).toBe("Alibaba boosts buyback to $25 billion");
    expect(e?.url).toBe("https://news.example.com/alibaba-buyback");
    expect(e?.author?.name).toBe("BABA · Alibaba Group Holding Ltd.");
    expect(e?.description).toBe("> boost in its stock buyback plan -- to $25 billion");
    const fields = Object.fromEntries((e?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toEqual({ Catalyst: "Buyback", Confidence: "87%" });
    expect(e?.footer?.text).toBe("Example Wire");
    expect(e?.timestamp).toBe("2025-02-17T08:00:00.000Z");
    expect(msg.content).toContain("BABA");
    expectWithinDiscordLimits(msg);
  });

  it("labels an article-level alert as market-wide and falls back to the URL's host as source", () => {
    const msg = formatAlertMessage(alert({ ticker: undefined, companyName: undefined, catalyst: "macro_policy", source: undefined }));
    const e = msg.embeds[0];
    expect(e?.author?.name).toBe("Market-wide");
    expect(e?.footer?.text).toBe("news.example.com");
    expect(msg.content).toContain("the market");
  });

  it.each([
    ["javascript: URL", "javascript:alert(1)"],
    ["not a URL", "see the website"],
    ["over-long URL", `https://example.com/${"a".repeat(3000)}`],
  ])("drops an unusable link (%s) but still posts the alert", (_name, url) => {
    const msg = formatAlertMessage(alert({ url }));
    expect(msg.embeds[0]?.url).toBeUndefined();
    expect(msg.embeds[0]?.title).toContain("Alibaba");
  });

  it("leaves out the time when the published date is not a date", () => {
    const msg = formatAlertMessage(alert({ published: "yesterday-ish" }));
    expect(msg.embeds[0]?.timestamp).toBeUndefined();
    expect(msg.embeds[0]?.title).toContain("Alibaba");
  });

  it("keeps an oversized article within every Discord limit", () => {
    const huge = alert({
      title: "Big ".repeat(2_000),
      evidence: "😀 evidence ".repeat(10_000),
      companyName: "Company ".repeat(200),
      source: "Source ".repeat(1_000),
      url: `https://example.com/${"p".repeat(2_500)}`,
    });
    const msg = formatAlertMessage(huge);
    expectWithinDiscordLimits(msg);
    const e = msg.embeds[0];
    expect(e?.title?.endsWith("…")).toBe(true);
    expect(e?.description?.startsWith("> 😀 evidence")).toBe(true);
    expect(e?.description?.endsWith("…")).toBe(true);
    // No lone surrogate left by a cut in the middle of an emoji.
    expect(e?.description).toMatch(/^[^\uD800-\uDFFF]*(?:[\uD800-\uDBFF][\uDC00-\uDFFF][^\uD800-\uDFFF]*)*$/);
  });

  it("posts a later source of a story as a short reply, not a second full alert", () => {
    const msg = formatAlertMessage(alert({ followUp: true, title: "Alibaba's $25bn buyback, explained", source: "Other Paper" }));
    expect(msg.embeds).toHaveLength(1);
    const e = msg.embeds[0];
    expect(e?.fields).toBeUndefined();
    expect(e?.title).toBeUndefined();
    expect(e?.description).toContain("[Alibaba's $25bn buyback, explained](https://news.example.com/alibaba-buyback)");
    expect(e?.description).toContain("Other Paper");
    expect(e?.description?.length).toBeLessThan(500);
    expectWithinDiscordLimits(msg);
  });
});

describe("text from articles", () => {
  const cases: Array<[string, string, (out: string) => void]> = [
    ["@everyone", "Shares soar @everyone @here", (out) => expect(out).not.toMatch(/@(everyone|here)/)],
    ["user mention", "CEO <@123456789012345678> resigns", (out) => expect(out).not.toMatch(/(^|[^\\])<@/)],
    ["role mention", "<@&42> alert", (out) => expect(out).not.toMatch(/(^|[^\\])<@&/)],
    ["bold", "**Breaking** news", (out) => expect(out).toBe("\\*\\*Breaking\\*\\* news")],
    ["masked link", "[click](https://evil.example)", (out) => expect(out).not.toMatch(/(^|[^\\])\[click\]/)],
    ["heading", "# Huge", (out) => expect(out).toBe("\\# Huge")],
    ["underscores", "snake_case_word", (out) => expect(out).toBe("snake\\_case\\_word")],
    ["code", "`rm -rf`", (out) => expect(out).toBe("\\`rm -rf\\`")],
  ];
  it.each(cases)("escapes %s", (_name, input, check) => check(escapeDiscordText(input)));

  it("cannot ping through an alert whatever the article says", () => {
    const msg = formatAlertMessage(alert({ title: "@everyone <@1> BUY NOW", evidence: "@here <@&2> now", source: "@everyone" }));
    expect(visibleText(msg)).not.toMatch(/@(everyone|here)|(^|[^\\])<@/m);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });
});

describe("truncate", () => {
  it.each([
    ["short text is kept", "abc", 5, "abc"],
    ["long text ends with an ellipsis", "abcdefghij", 5, "abcd…"],
    ["an emoji is never split", "ab😀cd", 4, "ab…"],
    ["an escape is never left dangling", "ab\\*cd", 4, "ab…"],
  ])("%s", (_name, input, max, expected) => {
    expect(truncate(input, max)).toBe(expected);
  });
});

describe("command replies", () => {
  it("keeps the commands' bold and links but escapes the rest", () => {
    expect(renderNeutralMarkup("**AAPL** [Apple *beats* @everyone](https://x.example/a) 5_000")).toBe(
      "**AAPL** [Apple \\*beats\\* @\u200beveryone](https://x.example/a) 5\\_000",
    );
  });

  it("keeps code spans and quoted evidence lines as the commands wrote them", () => {
    expect(renderNeutralMarkup("`/subscribe BABA buyback` then _this_")).toBe("`/subscribe BABA buyback` then \\_this\\_");
    expect(renderNeutralMarkup("2025-02-17 · [Title](https://x.example/a)\n> boost in its <@1> plan")).toBe(
      "2025-02-17 · [Title](https://x.example/a)\n> boost in its \\<@1> plan",
    );
  });

  it("turns sections into fields, unheaded ones into the description, and keeps the ephemeral flag", () => {
    const reply: CommandReply = {
      ok: true,
      ephemeral: true,
      title: "Subscriptions in this channel",
      sections: [
        { lines: ["2 subscriptions"] },
        { heading: "AAPL", lines: ["buyback, earnings · min 70%"] },
        { heading: "Any ticker", lines: ["m_and_a"] },
      ],
      suggestions: ["AAPL", "APLE"],
    };
    const msg = formatCommandReply(reply);
    expect(msg.ephemeral).toBe(true);
    expect(msg.embeds).toHaveLength(1);
    expect(msg.embeds[0]?.title).toBe("Subscriptions in this channel");
    expect(msg.embeds[0]?.description).toBe("2 subscriptions");
    expect(msg.embeds[0]?.fields?.map((f) => f.name)).toEqual(["AAPL", "Any ticker", "Did you mean"]);
    expect(msg.embeds[0]?.fields?.[2]?.value).toBe("AAPL, APLE");
    expectWithinDiscordLimits(msg);
  });

  it("colours a failed command differently from a successful one", () => {
    const ok = formatCommandReply({ ok: true, ephemeral: true, title: "ok", sections: [] });
    const bad = formatCommandReply({ ok: false, ephemeral: true, title: "Unknown ticker", sections: [] });
    expect(ok.embeds[0]?.color).not.toBe(bad.embeds[0]?.color);
  });

  it("moves fields past Discord's 25 per embed into a second embed", () => {
    const sections = Array.from({ length: 30 }, (_, i) => ({ heading: `T${i}`, lines: [`buyback · min ${i}%`] }));
    const msg = formatCommandReply({ ok: true, ephemeral: false, title: "Subscriptions", sections });
    expectWithinDiscordLimits(msg);
    expect(msg.embeds).toHaveLength(2);
    expect(msg.embeds.flatMap((e) => e.fields ?? []).map((f) => f.name)).toEqual(sections.map((s) => s.heading));
    expect(visibleText(msg)).not.toContain("more omitted");
  });

  it("cuts a reply too large for one message and says so", () => {
    const sections = Array.from({ length: 40 }, (_, i) => ({
      heading: `Ticker ${i}`,
      lines: Array.from({ length: 30 }, (_, j) => `**${i}.${j}** [Headline number ${j} ${"x".repeat(80)}](https://example.com/${i}/${j})`),
    }));
    const msg = formatCommandReply({ ok: true, ephemeral: false, title: "T".repeat(400), sections: [{ lines: ["intro ".repeat(2000)] }, ...sections] });
    expectWithinDiscordLimits(msg);
    expect(msg.embeds[0]?.title?.length).toBe(256);
    expect(visibleText(msg)).toContain("more omitted");
  });
});
