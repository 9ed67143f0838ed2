// The table of fair.sh, from the files its stages left in one directory:
//   node fair_summary.mjs DIR --trace FILE --corpus DIR
//
// Every ratio is Lodestar time / engine time, both the median of the same number of runs after
// the same warm-up. The headline full-trace ratio is on CPU time with the TS harness's floor
// (setting the clock and draining the microtasks of an empty event) taken off the Lodestar side:
// the figure least favourable to the engine that this run measured. The others are beside it.
import fs from "node:fs";

const dir = process.argv[2];
const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`fair_summary.mjs: missing ${name}`);
    process.exit(2);
  }
  return process.argv[i + 1];
};
const trace = arg("--trace");
const corpus = arg("--corpus");
const text = (f) => fs.readFileSync(`${dir}/${f}`, "utf8");
const json = (f) => JSON.parse(text(f));
/** /usr/bin/time -f '%e %U %S %M': wall s, CPU s, peak RSS MiB. */
const timeOf = (name) => {
  const [wall, user, sys, rss] = text(`${name}.time`).trim().split(/\s+/).map(Number);
  return {wall, cpu: user + sys, rssMib: rss / 1024};
};
const f1 = (v) => v.toFixed(1);
const f2 = (v) => v.toFixed(2);
const x = (v) => `${v.toFixed(1)}x`;

const ts = json("ts.json");
const es = json("engine-streamed.json");
const ep = json("engine-parsed.json");
const n = ts.events;
if (es.events !== n || ep.events !== n) {
  console.error(`fair_summary.mjs: the two sides replayed different event counts (${n}, ${es.events}, ${ep.events})`);
  process.exit(1);
}
const tsNet = {wall: ts.median_wall_ms - ts.floor_median_wall_ms, cpu: ts.median_cpu_ms - ts.floor_median_cpu_ms};
const us = (ms) => f2((ms * 1000) / n);

console.log(`== fair side-by-side on ${trace} (${n} events; median of ${ts.runs} runs after ${ts.warmup} warm-up, both sides)`);
console.log(`load average: start ${text("load-start.txt").split(": ").pop().trim()}, end ${text("load-end.txt").split(": ").pop().trim()}`);
console.log("");
console.log("| full trace | wall ms | CPU ms | us per event (CPU) |");
console.log("|---|--:|--:|--:|");
console.log(`| Lodestar 1.44.0 PeerManager, thin boundary | ${f1(ts.median_wall_ms)} | ${f1(ts.median_cpu_ms)} | ${us(ts.median_cpu_ms)} |`);
console.log(`| &nbsp;&nbsp;harness floor (empty events: clock + ${ts.drain} awaits) | ${f1(ts.floor_median_wall_ms)} | ${f1(ts.floor_median_cpu_ms)} | ${us(ts.floor_median_cpu_ms)} |`);
console.log(`| &nbsp;&nbsp;Lodestar less the floor | ${f1(tsNet.wall)} | ${f1(tsNet.cpu)} | ${us(tsNet.cpu)} |`);
console.log(`| engine, streamed from the file (batches of ${es.batch}) | ${f1(es.median_ms)} | ${f1(es.median_cpu_ms)} | ${us(es.median_cpu_ms)} |`);
console.log(`| engine, every event parsed first | ${f1(ep.median_ms)} | ${f1(ep.median_cpu_ms)} | ${us(ep.median_cpu_ms)} |`);
console.log("");
console.log("| ratio (target 50x) | CPU | wall |");
console.log("|---|--:|--:|");
console.log(`| **Lodestar less the floor / engine streamed (headline)** | **${x(tsNet.cpu / es.median_cpu_ms)}** | ${x(tsNet.wall / es.median_ms)} |`);
console.log(`| Lodestar less the floor / engine pre-parsed | ${x(tsNet.cpu / ep.median_cpu_ms)} | ${x(tsNet.wall / ep.median_ms)} |`);
console.log(`| Lodestar with the floor / engine streamed | ${x(ts.median_cpu_ms / es.median_cpu_ms)} | ${x(ts.median_wall_ms / es.median_ms)} |`);
console.log(`| Lodestar with the floor / engine pre-parsed | ${x(ts.median_cpu_ms / ep.median_cpu_ms)} | ${x(ts.median_wall_ms / ep.median_ms)} |`);
console.log(`| Lodestar less the floor / the engine's best pre-parsed run (the older engine statistic), wall | | ${x(tsNet.wall / Math.min(...ep.runs_ms))} |`);

console.log("");
console.log("| per call, us | peers | Lodestar CPU | engine CPU | ratio, CPU median | ratio, wall median | ratio, wall mean | output |");
console.log("|---|--:|--:|--:|--:|--:|--:|---|");
for (const r of json("micro.json")) {
  const fair = r.bench !== "prioritizePeers" && r.bench !== "PeerRpcScoreStore.update";
  const name = fair ? `**${r.bench}**` : `${r.bench} (older: ${r.bench === "prioritizePeers" ? "fresh draws per TS call" : "one shared lastUpdate"})`;
  const rc = r.ts_median_cpu_us / r.engine_median_cpu_us;
  console.log(`| ${name} | ${r.n} | ${f2(r.ts_median_cpu_us)} | ${f2(r.engine_median_cpu_us)} | ${fair ? `**${x(rc)}**` : x(rc)} | ` +
    `${x(r.ts_median_us / r.engine_median_us)} | ${x(r.ts_mean_us / r.engine_mean_us)} | ${r.output} |`);
}
console.log("(median over batches of 10 CPU-ms or more, at least 3; for update(), batches of calls on stores built before the clock starts; " +
  "targets: 100x on prioritizePeers at 1000 peers)");

// check_bench's table: pass, median s, best s, MB/s, %reader, CPU s, MB/CPU-s, %reader.
const cb = text("check_bench.txt").split("\n");
const mb = Number(/: ([0-9.]+) MB JSONL/.exec(cb.find((l) => l.startsWith("trace")) ?? "")?.[1]);
const pass = (name) => {
  const l = cb.find((s) => s.startsWith(`${name} `));
  if (!l) throw new Error(`check_bench printed no ${name} row`);
  const c = l.trim().split(/\s+/);
  return {median: Number(c[1]), mbs: Number(c[3]), cpu: Number(c[5]), mbcpu: Number(c[6]), pctCpu: c[7]};
};
console.log("");
console.log(`| \`check\` on the same trace (${mb} MB of JSONL) | wall s | MB/s (wall) | CPU s | MB per CPU-s | vs the reader (CPU) |`);
console.log("|---|--:|--:|--:|--:|--:|");
for (const [label, name] of [["reader only (zstd + parse + schema)", "reader"], ["check, one thread", "check"],
  ["check, parse-ahead thread (-j 2 on one trace)", "check-2t"]]) {
  const p = pass(name);
  console.log(`| ${label} (check_bench, median of 3) | ${f2(p.median)} | ${f1(p.mbs)} | ${f2(p.cpu)} | ${f1(p.mbcpu)} | ${p.pctCpu} |`);
}
for (const [label, name] of [["`peer-replay check -j 1`", "check-j1"], ["`peer-replay check -j 2`", "check-j2"]]) {
  const t = timeOf(name);
  console.log(`| ${label} (one process, peak RSS ${f1(t.rssMib)} MiB) | ${f2(t.wall)} | ${f1(mb / t.wall)} | ${f2(t.cpu)} | ${f1(mb / t.cpu)} | |`);
}
console.log("");
console.log("stage split of one check (check_bench, stage timers on):");
const st = cb.findIndex((l) => l.startsWith("stages of one timed check"));
for (const l of cb.slice(st + 1)) if (l.trim()) console.log(`    ${l.trim()}`);
console.log("");
const c1 = timeOf("corpus-j1");
const cn = timeOf("corpus-jn");
const passed = (name) => text(`${name}.txt`).split("\n").filter((l) => /pass|conform/i.test(l)).pop() ?? "";
console.log(`corpus gate (\`peer-replay check ${corpus}\`): -j 1 ${f2(c1.wall)} s wall, ${f2(c1.cpu)} s CPU; ` +
  `default -j ${f2(cn.wall)} s wall, ${f2(cn.cpu)} s CPU (${passed("corpus-jn").trim()})`);
