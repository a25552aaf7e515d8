// How a cue's context decides who it concerns and whether it is news: old years, subjects that are people,
// sentences with no subject, relative clauses, corporate suffixes after a comma. Sentences written for these tests.
import { describe } from "vitest";
import { loadClassifier } from "../../src/classifier.ts";
import type { ClassifyResult } from "../../src/core/types.ts";
import { describeCases, type CatalystCase } from "../helpers/catalyst-cases.ts";

const classify = loadClassifier();
const PUBLISHED = "2026-05-20T08:00:00Z";

function run(text: string, title?: string): ClassifyResult {
  return classify({ id: "x", text, published: PUBLISHED, ...(title ? { title } : {}) });
}

// An old year dates the cues before it in its clause, and those after it unless a comma sets it apart.
const oldYears: CatalystCase[] = [
  { name: "a year after a comma only dates its own phrase", text: "Microsoft announced a $60 billion buyback on Tuesday, its first new authorization since 2021.", pairs: ["MSFT/buyback"] },
  { name: "a year opening the clause dates it", text: "In 2021, Microsoft announced a $60 billion buyback.", pairs: [] },
  { name: "a year right after the cue dates it", text: "Oracle cut its dividend in 2019 after a weak year.", pairs: [] },
  { name: "a trailing comparison with an old year", text: "Shell raised its dividend by 4% on Thursday, the biggest increase since 2014.", pairs: ["SHEL/dividend"] },
  { name: "the current year with an old one keeps the cue", text: "Nike, which last cut jobs in 2020, said in 2026 it would buy back $5 billion of stock.", pairs: ["NKE/buyback"] },
];

// An ambiguous name needs a corporate cue; a suffix set off by a comma is one.
const suffixes: CatalystCase[] = [
  { name: "an ambiguous name with ', Inc.'", text: "Waste Management, Inc. raised its quarterly dividend by 10%.", pairs: ["WM/dividend"] },
  { name: "the same name with no cue stays unresolved", text: "Waste management rules tightened, and the city raised its quarterly dividend to residents.", pairs: [] },
];

describe("classifier context", () => {
  describeCases([["old years", oldYears], ["corporate suffixes", suffixes]], run);
});
