// Story decisions: the first article about a ticker and catalyst opens a story, later ones in the window join it.
import { describe, expect, it } from "vitest";
import { decideStory, storyIdFor, type StoryRecord } from "../../src/core/story.ts";

const H = 3_600_000;
const WINDOW = 48 * H;
const t0 = Date.parse("2026-03-10T12:00:00Z");
const subject = { ticker: "AAPL", catalyst: "buyback" as const };
const open: StoryRecord = { storyId: storyIdFor("AAPL", "buyback", "a1"), openedAt: t0, firstArticleId: "a1" };

describe("decideStory", () => {
  const cases: Array<{ name: string; existing?: StoryRecord; articleId: string; at: number; kind: "open" | "join"; sameStory: boolean }> = [
    { name: "no story yet: the article opens one", articleId: "b1", at: t0, kind: "open", sameStory: false },
    { name: "a later article within the window joins", existing: open, articleId: "a2", at: t0 + 47 * H, kind: "join", sameStory: true },
    { name: "exactly at the window's end still joins", existing: open, articleId: "a2", at: t0 + WINDOW, kind: "join", sameStory: true },
    { name: "after the window a new story opens", existing: open, articleId: "a3", at: t0 + WINDOW + 1, kind: "open", sameStory: false },
    { name: "an older article published within the window joins", existing: open, articleId: "a0", at: t0 - 5 * H, kind: "join", sameStory: true },
    { name: "the opener seen again (a retried job) opens the same story", existing: open, articleId: "a1", at: t0 + 100 * H, kind: "open", sameStory: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideStory(c.existing, { articleId: c.articleId, at: c.at }, subject, WINDOW);
      expect(d.kind).toBe(c.kind);
      expect(d.record.storyId === open.storyId).toBe(c.sameStory);
    });
  }

  it("story ids differ per ticker and catalyst", () => {
    const ids = new Set([storyIdFor("AAPL", "buyback", "a1"), storyIdFor("MSFT", "buyback", "a1"), storyIdFor("AAPL", "earnings", "a1"), storyIdFor(undefined, "buyback", "a1")]);
    expect(ids.size).toBe(4);
  });
});
