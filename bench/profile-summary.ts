// Summarises a V8 .cpuprofile (node --cpu-prof) as the functions with the most self and total time.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/classify.ts --skip-compromise
//   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--filter src/] [--top 25] [--lines]
// --lines adds the hottest source lines (V8's positionTicks). Under tsx the positions are those of the
// transformed code; for exact lines profile JavaScript emitted by tsc (see bench/README.md).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const valueOf = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith("--") && !["--filter", "--top"].includes(args[i - 1] ?? ""));
if (!file) {
  console.error("usage: tsx bench/profile-summary.ts PROFILE.cpuprofile [--filter SUBSTRING] [--top N]");
  process.exit(2);
}
const filter = valueOf("--filter");
const top = Number(valueOf("--top") ?? 25);

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
  // Positions are in tsx's transformed code: close to the source lines, exact only for the name.
  const at = url ? ` ${url}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}` : "";
  return `${n.callFrame.functionName || "(anonymous)"}${at}`;
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  all += dt;
  const node = byId.get(id);
  if (!node) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  // Inclusive time: once per distinct function on the stack, so recursion is not counted twice.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const l = label(n);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const show = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  const rows = [...table].filter(([l]) => !filter || l.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [l, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${l}`);
};
show("self time", self);
show("total time", total);

if (args.includes("--lines")) {
  // positionTicks count samples, not microseconds: shown as a share of all samples.
  const lines = new Map<string, number>();
  for (const n of profile.nodes) {
    for (const p of n.positionTicks ?? []) {
      const url = n.callFrame.url.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
      const key = `${url}:${p.line} (${n.callFrame.functionName || "anonymous"})`;
      lines.set(key, (lines.get(key) ?? 0) + p.ticks);
    }
  }
  const samples = profile.samples.length;
  console.log(`\nhottest lines (of ${samples} samples)`);
  const rows = [...lines].filter(([l]) => !filter || l.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [l, ticks] of rows) console.log(`${((100 * ticks) / samples).toFixed(1).padStart(6)}%  ${l}`);
}
