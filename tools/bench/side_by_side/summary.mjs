// The summary of run.sh, from the JSON files its stages left in one directory:
//   node summary.mjs DIR --events N --rounds K --rss-kb KB --check-wall T --heartbeat-peers "50 200"
//
// Every ratio is Lodestar time / engine time. Stages 1 and 2 ran in K rounds,
// each a TS process and right after it an engine process on the same inputs
// (run.sh explains why): each round gives its own ratio, and the headline is
// the median of those ratios, printed with the lowest and with every round's.
import fs from "node:fs";

const dir = process.argv[2];
const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`summary.mjs: missing ${name}`);
    process.exit(2);
  }
  return process.argv[i + 1];
};
const events = Number(arg("--events"));
const rounds = Number(arg("--rounds"));
const rssKb = Number(arg("--rss-kb"));
const checkWall = arg("--check-wall");
const hbPeers = arg("--heartbeat-peers").split(/\s+/).filter(Boolean);

const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
const pad = (s, n) => String(s).padStart(n);
const x = (r) => `${r.toFixed(1)}x`;
// The median; for an even count, the mean of the middle two.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const R = Array.from({length: rounds}, (_, i) => i + 1);
const ratioLine = (ratios) =>
  `ratio ${pad(x(median(ratios)), 7)}  lowest ${pad(x(Math.min(...ratios)), 7)}  rounds ${ratios.map(x).join(" ")}`;

console.log("== summary (ratio = Lodestar time / engine time; the headline ratio is the median of the rounds' ratios)");

console.log(`1. per call, the mean over each round's batches (median of ${rounds} rounds):`);
const stage1 = R.map((r) => read(`engine-results.r${r}.json`));
for (const row of stage1[0]) {
  const cases = stage1.map((rows) => rows.find((o) => o.bench === row.bench && o.n === row.n));
  const ratios = cases.map((c) => c.ts_mean_us / c.engine_mean_us);
  const ts = median(cases.map((c) => c.ts_mean_us));
  const en = median(cases.map((c) => c.engine_mean_us));
  const outputs = [...new Set(cases.map((c) => c.output))].join(", ");
  console.log(`  ${row.bench.padEnd(25)} n=${String(row.n).padEnd(5)} Lodestar ${pad(ts.toFixed(2), 9)} us  engine ` +
    `${pad(en.toFixed(2), 7)} us  ${ratioLine(ratios)}  (${outputs})`);
}

const ts = R.map((r) => read(`trace.ts.r${r}.json`));
const en = R.map((r) => read(`trace.engine.r${r}.json`));
const ratios = R.map((_, i) => en[i].events_per_s / ts[i].events_per_s);
console.log(`2. full trace, ${events} events (Lodestar: its peer code only; engine: step() only):`);
console.log(`  Lodestar ${Math.round(median(ts.map((t) => t.events_per_s)))} events/s (peer code ` +
  `${ts.map((t) => t.peer_code_ms.toFixed(0)).join(" ")} ms), engine ` +
  `${Math.round(median(en.map((e) => e.events_per_s)))} events/s (step loop ` +
  `${en.map((e) => e.step_loop_ms.toFixed(1)).join(" ")} ms)`);
console.log(`  ${ratioLine(ratios)}`);
// Per kind, from the round whose ratio is the median one (the lower middle for an even count).
const mid = ratios.indexOf([...ratios].sort((a, b) => a - b)[Math.floor((rounds - 1) / 2)]);
console.log(`  per event kind in round ${mid + 1} (median us, Lodestar vs engine):`);
for (const [kind, t] of Object.entries(ts[mid].by_kind)) {
  const e = en[mid].by_kind[kind];
  if (!e) continue;
  console.log(`    ${kind.padEnd(30)} ${pad(t.events, 8)}  ${pad(t.median_us.toFixed(1), 9)} ${pad(e.median_us.toFixed(2), 9)}` +
    `  ${pad((t.median_us / e.median_us).toFixed(0), 5)}x`);
}
console.log(`  peer-replay check on it: ${checkWall} wall, peak RSS ${(rssKb / 1024).toFixed(1)} MiB`);

console.log("3. heartbeat at N connected peers (median of 20 heartbeats, us; one round):");
for (const n of hbPeers) {
  const t = read(`hb${n}.ts.json`).heartbeat_us;
  const e = read(`hb${n}.engine.json`).by_kind.committee_subscriptions.median_us;
  console.log(`  ${pad(n, 5)} peers: Lodestar ${pad(t.toFixed(0), 8)}  engine ${pad(e.toFixed(1), 8)}  ${pad((t / e).toFixed(0), 5)}x`);
}
