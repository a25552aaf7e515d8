// Routing an alert to destinations: ticker subs, catalyst-only subs, filters, minConfidence, each destination once.
import { describe, expect, it } from "vitest";
import { route, type StandingDestination } from "../../src/core/route.ts";
import type { CatalystSlug } from "../../src/core/catalysts.ts";
import type { Destination, Subscription } from "../../src/core/store.ts";

const chan = (channel: string, platform: Destination["platform"] = "slack"): Destination => ({ platform, tenant: "T1", channel });
const sub = (channel: string, ticker: string | undefined, catalysts: CatalystSlug[] = [], minConfidence = 0): Subscription => ({
  destination: chan(channel),
  ticker,
  catalysts,
  minConfidence,
  createdAt: "2026-01-01T00:00:00Z",
});

const buybackAapl = { ticker: "AAPL", catalyst: "buyback" as const, confidence: 0.8 };

describe("route", () => {
  const cases: Array<{ name: string; alert: { ticker?: string; catalyst: CatalystSlug; confidence: number }; subs: Subscription[]; want: string[] }> = [
    { name: "a ticker subscription with every catalyst", alert: buybackAapl, subs: [sub("c1", "AAPL")], want: ["c1"] },
    { name: "ticker match ignores case", alert: buybackAapl, subs: [sub("c1", "aapl")], want: ["c1"] },
    { name: "another ticker does not match", alert: buybackAapl, subs: [sub("c1", "MSFT")], want: [] },
    { name: "ticker + catalyst filter that includes the catalyst", alert: buybackAapl, subs: [sub("c1", "AAPL", ["earnings", "buyback"])], want: ["c1"] },
    { name: "ticker + catalyst filter that excludes it", alert: buybackAapl, subs: [sub("c1", "AAPL", ["earnings"])], want: [] },
    { name: "catalyst-only subscription matches any ticker", alert: buybackAapl, subs: [sub("c1", undefined, ["buyback"])], want: ["c1"] },
    { name: "catalyst-only subscription matches an article-level alert", alert: { catalyst: "macro_policy", confidence: 0.7 }, subs: [sub("c1", undefined, ["macro_policy"])], want: ["c1"] },
    { name: "a ticker sub never matches an article-level alert", alert: { catalyst: "macro_policy", confidence: 0.7 }, subs: [sub("c1", "AAPL")], want: [] },
    { name: "catalyst-only subscription to another catalyst", alert: buybackAapl, subs: [sub("c1", undefined, ["dividend"])], want: [] },
    { name: "below the subscription's minConfidence", alert: buybackAapl, subs: [sub("c1", "AAPL", [], 0.9)], want: [] },
    { name: "exactly at minConfidence", alert: buybackAapl, subs: [sub("c1", "AAPL", [], 0.8)], want: ["c1"] },
    {
      name: "one destination once when several of its subscriptions match",
      alert: buybackAapl,
      subs: [sub("c1", "AAPL"), sub("c1", undefined, ["buyback"]), sub("c2", "AAPL", ["buyback"])],
      want: ["c1", "c2"],
    },
    {
      name: "a failing sub does not hide a matching one of the same channel",
      alert: buybackAapl,
      subs: [sub("c1", "AAPL", [], 0.95), sub("c1", undefined, ["buyback"], 0.5)],
      want: ["c1"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(route(c.alert, c.subs).map((d) => d.channel)).toEqual(c.want);
    });
  }

  it("same channel id on two platforms are two destinations", () => {
    const subs = [sub("c1", "AAPL"), { ...sub("c1", "AAPL"), destination: chan("c1", "discord") }];
    expect(route(buybackAapl, subs).map((d) => d.platform)).toEqual(["slack", "discord"]);
  });

  it("a standing destination (the console) gets alerts at or above its confidence with no subscription", () => {
    const standing: StandingDestination[] = [{ destination: chan("stdout", "console"), minConfidence: 0.6 }];
    expect(route({ ...buybackAapl, confidence: 0.6 }, [], standing).map((d) => d.channel)).toEqual(["stdout"]);
    expect(route({ ...buybackAapl, confidence: 0.59 }, [], standing)).toEqual([]);
  });
});
