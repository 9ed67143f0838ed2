// A fuzzing worker: a long-lived Node process holding the real Lodestar (the fake clock and
// Math.random are per process, so parallelism is one process per core). The parent sends
// {type: "case", index, spec} or {type: "shrink", index, spec, signature, seconds}; the worker
// answers with one message per request. With coverage on, each case also reports what of
// Lodestar's network/peers code it ran: istanbul's branch arms and functions (guide "arms", the
// counters traces/COVERAGE.md's decision arms are made of) or V8's block ranges (guide "blocks").
import inspector from "node:inspector";
import {register} from "node:module";

const opts = JSON.parse(process.argv[2]);

const session = new inspector.Session();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

const arms = opts.coverage && opts.guide === "arms";
const blocks = opts.coverage && !arms;
// The istanbul load hook instruments network/peers as oracle.mjs imports it (below).
if (arms) register("../../recorder/lib/arms-hooks.mjs", import.meta.url);
if (blocks) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.startPreciseCoverage", {callCount: true, detailed: true});
}

// Lodestar is imported (through oracle.mjs) only once coverage is on, so its functions get block counters.
const {runCase, shrink} = await import("./oracle.mjs");

/** libFuzzer's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
const bucket = (n) => (n < 4 ? n : n < 8 ? 4 : n < 16 ? 8 : n < 32 ? 16 : n < 128 ? 32 : 128);

/**
 * Block ranges of network/peers run since the last call, with their hit-count bucket
 * ("file:start-end:bucket"); resets the counters. V8 leaves out a block whose count equals its
 * parent's, so a feature is a (range, bucket) pair, as libFuzzer counts edges with buckets.
 */
async function coveredRanges() {
  if (arms) return takenArms();
  if (!blocks) return [];
  const {result} = await post("Profiler.takePreciseCoverage");
  const out = [];
  for (const script of result) {
    const i = script.url.indexOf("/network/peers/");
    if (i < 0) continue;
    const file = script.url.slice(i + "/network/peers/".length);
    for (const fn of script.functions) {
      for (const r of fn.ranges) if (r.count > 0) out.push(`${file}:${r.startOffset}-${r.endOffset}:${bucket(r.count)}`);
    }
  }
  return out;
}

/**
 * istanbul's branch arms ("file:b<branch>.<arm>:bucket") and functions ("file:f<fn>:bucket") of
 * network/peers run since the last call, with their hit-count bucket; zeroes those counters.
 * Branch arms are the counters lib/arms.mjs makes decision arms of (if/else, ternary, each operand
 * of && || ??, switch cases, default parameters used); functions give "argument given".
 */
function takenArms() {
  const out = [];
  for (const [file, fc] of Object.entries(globalThis.__coverage__ ?? {})) {
    const i = file.indexOf("/network/peers/");
    if (i < 0) continue;
    const rel = file.slice(i + "/network/peers/".length);
    for (const [id, counts] of Object.entries(fc.b)) {
      for (let arm = 0; arm < counts.length; arm++) {
        if (counts[arm] > 0) out.push(`${rel}:b${id}.${arm}:${bucket(counts[arm])}`);
        counts[arm] = 0;
      }
    }
    for (const [id, n] of Object.entries(fc.f)) {
      if (n > 0) out.push(`${rel}:f${id}:${bucket(n)}`);
      fc.f[id] = 0;
    }
  }
  return out;
}

/** Fault injection for the fuzzer's own test: PEER_REPLAY_FUZZ_FAULT=crash:<case> or hang:<case>. */
function injectFault(index) {
  const f = process.env.PEER_REPLAY_FUZZ_FAULT;
  if (f === `crash:${index}`) {
    process.stderr.write(`injected crash at case ${index}\n`);
    process.exit(70);
  }
  if (f === `hang:${index}`) for (;;);
}

process.on("message", async (m) => {
  if (m.type === "case") {
    injectFault(m.index);
    await coveredRanges(); // what ran between cases is nobody's
    const r = await runCase(m.spec, opts);
    r.features = await coveredRanges();
    process.send({type: "result", index: m.index, ...r});
  } else if (m.type === "shrink") {
    const deadlineMs = performance.now() + m.seconds * 1000;
    const r = await shrink(m.spec, m.signature, {...opts, deadlineMs});
    process.send({type: "shrunk", index: m.index, spec: r.spec, tests: r.tests, result: r.result});
  } else if (m.type === "exit") {
    process.exit(0);
  }
});
// Ctrl-C reaches the whole process group: the parent decides, and stops its workers itself.
process.on("SIGINT", () => {});
process.send({type: "ready"});
