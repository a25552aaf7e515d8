// Slack Block Kit formatting: what a channel sees for alerts and replies, escaped and within Slack's limits.
import { describe, expect, it } from "vitest";
import type { CommandReply } from "../../src/commands/types.ts";
import { escapeSlack, formatSlackAlert, formatSlackReply, replyLineToMrkdwn, SLACK_LIMITS } from "../../src/core/format/slack.ts";
import type { Alert } from "../../src/core/types.ts";
import { blockKitProblems } from "../fakes/fake-slack-api.ts";

const alert: Alert = {
  alertId: "a1",
  storyId: "s1",
  ticker: "BABA",
  companyName: "Alibaba Group Holding Ltd.",
  catalyst: "buyback",
  confidence: 0.87,
  evidence: "Alibaba boosted its share buyback plan to $25 billion",
  articleId: "art1",
  title: "Alibaba boosts buyback to $25 billion",
  url: "https://news.example/alibaba?a=1&b=2",
  source: "Reuters",
  published: "2026-11-21T08:30:00.000Z",
  followUp: false,
};

const allText = (blocks: unknown[]) => JSON.stringify(blocks);

describe("formatSlackAlert", () => {
  it("shows ticker and catalyst in the header, the linked title, the evidence quote, source, time and confidence", () => {
    const m = formatSlackAlert(alert);
    expect(m.blocks).toEqual([
      { type: "header", text: { type: "plain_text", text: "BABA · Buyback · Alibaba Group Holding Ltd.", emoji: true } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: "*<https://news.example/alibaba?a=1&amp;b=2|Alibaba boosts buyback to $25 billion>*\n> Alibaba boosted its share buyback plan to $25 billion",
        },
      },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "Reuters · <!date^1795249800^{date_short_pretty} {time}|2026-11-21 08:30 UTC> · confidence 87%" }],
      },
    ]);
    expect(m.text).toBe("BABA Buyback: Alibaba boosts buyback to $25 billion");
  });

  it.each<[string, Partial<Alert>, string[], string[]]>([
    [
      "an article trying to ping everyone",
      { title: "<!channel> buy now <@U123>", evidence: "<!here|here> & <https://evil.example|click>", source: "<!everyone>" },
      ["&lt;!channel&gt; buy now &lt;@U123&gt;", "&lt;!here|here&gt; &amp; &lt;https://evil.example|click&gt;", "&lt;!everyone&gt;"],
      ["<!channel>", "<@U123>", "<!here", "<!everyone>", "<https://evil.example"],
    ],
    ["a javascript: link", { url: "javascript:alert(1)" }, ["*Alibaba boosts buyback to $25 billion*"], ["javascript:"]],
    ["a URL with a pipe and angle brackets", { url: "https://x.example/a|b?q=<c>" }, ["<https://x.example/a%7Cb?q=%3Cc%3E|"], []],
    ["an article-level catalyst", { ticker: undefined, companyName: undefined, catalyst: "macro_policy" }, ['"text":"Market · Macro policy"'], []],
    ["no url, no source", { url: undefined, source: undefined }, ["*Alibaba boosts buyback to $25 billion*\\n>"], ["Reuters"]],
  ])("%s", (_name, over, present, absent) => {
    const m = formatSlackAlert({ ...alert, ...over });
    const json = allText(m.blocks) + m.text;
    for (const p of present) expect(json).toContain(p);
    for (const a of absent) expect(json).not.toContain(a);
    expect(blockKitProblems(m.blocks)).toEqual([]);
  });

  it("keeps an oversized article within Block Kit limits, cutting visibly and never inside an escape", () => {
    const huge = "Alibaba & partners <announce> ".repeat(2_000);
    const m = formatSlackAlert({ ...alert, title: huge, evidence: huge, source: huge, companyName: huge, url: `https://x.example/${"a".repeat(5_000)}` });
    expect(blockKitProblems(m.blocks)).toEqual([]);
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const section = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(section).toContain("…");
    // An over-long link is dropped rather than breaking the message; every & left is a whole entity.
    expect(section).not.toContain("https://x.example");
    expect(section.replace(/^> /m, "").replace(/&(amp|lt|gt);/g, "")).not.toMatch(/[&<>]/);
    const header = (m.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header.endsWith("…")).toBe(true);
  });

  it("clips emoji-heavy text by UTF-16 length without splitting a character", () => {
    const m = formatSlackAlert({ ...alert, evidence: "📈".repeat(3_000) });
    expect(blockKitProblems(m.blocks)).toEqual([]);
    const section = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(section).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("formats a later source of a story as one compact thread message", () => {
    const m = formatSlackAlert({ ...alert, followUp: true, source: "Bloomberg", title: "Alibaba lifts buyback", url: "https://b.example/1" });
    expect(m.blocks).toHaveLength(2);
    expect(m.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "*Bloomberg*: <https://b.example/1|Alibaba lifts buyback>\n> Alibaba boosted its share buyback plan to $25 billion" },
    });
    expect(m.text).toBe("Also reported by Bloomberg: Alibaba lifts buyback");
  });
});

describe("formatSlackReply", () => {
  it.each([
    ["**BABA** Alibaba: Buyback", "*BABA* Alibaba: Buyback"],
    ["[Title & co](https://n.example/?a=1&b=2)", "<https://n.example/?a=1&amp;b=2|Title &amp; co>"],
    ["2026-11-21 · Reuters · t\n> evidence <b>", "2026-11-21 · Reuters · t\n> evidence &lt;b&gt;"],
    ["[bad](javascript:alert(1))", "[bad](javascript:alert(1))"],
    ["<!channel> `code`", "&lt;!channel&gt; `code`"],
  ])("renders the line %j as %j", (line, expected) => {
    expect(replyLineToMrkdwn(line)).toBe(expected);
  });

  it("renders title, headings, lines and suggestions", () => {
    const reply: CommandReply = {
      ok: false,
      ephemeral: true,
      title: "Nothing was subscribed",
      sections: [{ heading: "Problems", lines: ["`BABAA` is not a ticker. Did you mean BABA?"] }],
      suggestions: ["BABA"],
    };
    const m = formatSlackReply(reply);
    expect(m.blocks).toEqual([
      { type: "header", text: { type: "plain_text", text: "⚠️ Nothing was subscribed", emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: "*Problems*\n`BABAA` is not a ticker. Did you mean BABA?" } },
      { type: "context", elements: [{ type: "mrkdwn", text: "Did you mean: `BABA`?" }] },
    ]);
    expect(m.text).toContain("Nothing was subscribed");
  });

  it("splits long replies into sections and stops at 50 blocks with a note", () => {
    const line = "2026-11-21 08:30 UTC · Reuters · [A long title & more](https://n.example/x)\n> " + "evidence ".repeat(30);
    const reply: CommandReply = {
      ok: true,
      ephemeral: true,
      title: "x".repeat(400),
      sections: Array.from({ length: 40 }, (_, i) => ({ heading: `Kind ${i}`, lines: Array.from({ length: 12 }, () => line) })),
    };
    const m = formatSlackReply(reply);
    expect(blockKitProblems(m.blocks)).toEqual([]);
    expect(m.blocks).toHaveLength(50);
    expect(JSON.stringify(m.blocks.at(-1))).toMatch(/…\d+ more parts not shown: narrow the command down\./);
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it("cuts a single over-long line without breaking a link", () => {
    const m = formatSlackReply({ ok: true, ephemeral: true, title: "t", sections: [{ lines: [`${"a".repeat(2_990)} [link](https://n.example/${"b".repeat(100)})`] }] });
    expect(blockKitProblems(m.blocks)).toEqual([]);
    const text = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(text).not.toContain("<https://n.example");
    expect(text.endsWith("…")).toBe(true);
  });
});

describe("escapeSlack", () => {
  it("escapes exactly Slack's three control characters", () => {
    expect(escapeSlack(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
  });
});
