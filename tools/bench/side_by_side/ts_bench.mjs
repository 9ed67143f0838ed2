// TS side of the side-by-side benchmark (tools/bench/side_by_side/run.sh).
//
// Runs the REAL Lodestar (tools/recorder/package.json) prioritizePeers and PeerRpcScoreStore.update()
// (installed by tools/recorder/setup.sh) on seeded inputs at several peer
// counts, times them, and writes one fixture per case: the inputs, the
// Math.random() draws the first call consumed and the result, so the C++
// side can prove it produces identical output before timing itself.
//
//   node ts_bench.mjs <out-dir> [--min-ms 1000]
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const L = path.resolve(here, "../../recorder/node_modules/@lodestar/beacon-node/lib");
if (!fs.existsSync(L)) {
  console.error(`ts_bench: ${L} is missing: run bash tools/recorder/setup.sh first`);
  process.exit(2);
}
const {BitArray} = await import(path.resolve(here, "../../recorder/node_modules/@chainsafe/ssz/lib/index.js"));
const {prioritizePeers} = await import(`${L}/network/peers/utils/prioritizePeers.js`);
const {PeerRpcScoreStore, PeerAction} = await import(`${L}/network/peers/score/index.js`);

const outDir = process.argv[2];
const minMs = Number(process.argv[process.argv.indexOf("--min-ms") + 1] || 1000) || 1000;
if (!outDir) {
  console.error("usage: node ts_bench.mjs <out-dir> [--min-ms N]");
  process.exit(2);
}
fs.mkdirSync(outDir, {recursive: true});

// mulberry32, the recorder's PRNG: inputs and shuffle draws are reproducible.
function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const root = (b) => new Uint8Array(32).fill(b);
const ourStatus = {forkDigest: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd), finalizedRoot: root(1), finalizedEpoch: 30,
  headRoot: root(2), headSlot: 1000, earliestAvailableSlot: 0};
const statusJson = (s) => ({forkDigest: hex(s.forkDigest), finalizedRoot: hex(s.finalizedRoot), finalizedEpoch: s.finalizedEpoch,
  headRoot: hex(s.headRoot), headSlot: s.headSlot, earliestAvailableSlot: s.earliestAvailableSlot});

function makeCase(n, seed) {
  const rnd = mulberry32(seed);
  const peers = [];
  for (let i = 0; i < n; i++) {
    const attnetBits = [];
    for (let b = 0; b < 64; b++) if (rnd() < 0.05) attnetBits.push(b);
    const syncBits = [];
    for (let b = 0; b < 4; b++) if (rnd() < 0.1) syncBits.push(b);
    const groups = new Set();
    const ngroups = rnd() < 0.1 ? 32 : 8;
    while (groups.size < ngroups) groups.add(Math.floor(rnd() * 128));
    const far = rnd() < 0.1;
    peers.push({
      id: `peer-${seed}-${i}`,
      direction: rnd() < 0.3 ? "outbound" : "inbound",
      status: {...ourStatus, headSlot: far ? 1100 : 999},
      attnetBits, syncBits,
      samplingGroups: [...groups].sort((a, b) => a - b),
      score: rnd() < 0.1 ? -Math.floor(rnd() * 10) : Math.floor(rnd() * 5) / 2,
    });
  }
  const targetPeers = Math.floor(n * 0.8);
  return {
    n, seed, peers,
    activeAttnets: [{subnet: 3, toSlot: 1010}, {subnet: 17, toSlot: 1020}, {subnet: 40, toSlot: 1005}],
    activeSyncnets: [{subnet: 1, toSlot: 1100}],
    samplingGroups: [3, 17, 40, 77, 90, 101, 110, 127],
    opts: {targetPeers, maxPeers: Math.floor(targetPeers * 1.05), targetGroupPeers: 6, starved: false,
      starvationPruneRatio: 0.05, starvationThresholdSlots: 64},
  };
}

function toTsInputs(c) {
  const bits = (len, idx) => { const b = BitArray.fromBitLen(len); for (const i of idx) b.set(i, true); return b; };
  return c.peers.map((p) => ({id: p.id, direction: p.direction, status: p.status, attnets: bits(64, p.attnetBits),
    syncnets: bits(4, p.syncBits), samplingGroups: p.samplingGroups, score: p.score}));
}

// Wall time per call over batches of ~10 ms (at least one call) run for
// minMs in all, two ways: the mean (throughput, garbage collection included:
// it is part of what the TS costs) and the best batch (the cleanest figure on
// the shared build machine: preemption only ever adds time, but a batch
// without a collection also looks cheaper than the TS really is).
// engine_bench.cc measures the same way.
// The median batch (per call, batches of 10 CPU-ms or more) is kept too, in wall and in CPU time
// (process.cpuUsage: this process, V8's helper threads included): the statistic the fair figures
// use on both sides; CPU time because the build machine is shared.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function bestOfBatches(fn) {
  let perBatch = 1;
  let best = Infinity;
  let iters = 0;
  const batches = [];
  const cpus = [];
  const start = performance.now();
  while (performance.now() - start < minMs || batches.length < 3) {
    const c = cpuMs();
    const t = performance.now();
    for (let i = 0; i < perBatch; i++) fn();
    const ms = performance.now() - t;
    const cpu = cpuMs() - c;
    iters += perBatch;
    best = Math.min(best, (ms * 1000) / perBatch);
    // Batches grow until they take 10 ms of CPU (not of wall time: a preempted batch is not a
    // long one), and only those count in the medians.
    if (cpu >= 10) {
      batches.push((ms * 1000) / perBatch);
      cpus.push((cpu * 1000) / perBatch);
    } else {
      perBatch *= 2;
    }
  }
  return {us_per_call: ((performance.now() - start) * 1000) / iters, best_us_per_call: best,
    median_us_per_call: median(batches.length ? batches : [best]), median_cpu_us_per_call: cpus.length ? median(cpus) : null, iters};
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Like bestOfBatches for a call that changes its input so that the next call would not do the
// same work (update() sets every entry's lastUpdate to now): each batch runs `perBatch` calls on
// as many inputs built by prepare() before its clock starts; batches until minMs of timed calls
// (at least 5 batches). engine_bench.cc's time_prepared is the same.
function timePrepared(perBatch, prepare, fn) {
  const batches = [];
  const cpus = [];
  let timed = 0;
  while (timed < minMs || batches.length < 5) {
    const states = Array.from({length: perBatch}, prepare);
    const c = cpuMs();
    const t = performance.now();
    for (const st of states) fn(st);
    const ms = performance.now() - t;
    cpus.push(((cpuMs() - c) * 1000) / perBatch);
    timed += ms;
    batches.push((ms * 1000) / perBatch);
  }
  return {us_per_call: (timed * 1000) / (batches.length * perBatch), best_us_per_call: Math.min(...batches),
    median_us_per_call: median(batches), median_cpu_us_per_call: median(cpus), iters: batches.length * perBatch};
}

const config = {NUMBER_OF_CUSTODY_GROUPS: 128};
const results = [];
for (const n of [50, 200, 1000, 5000]) {
  const c = makeCase(n, 1000 + n);
  const info = toTsInputs(c);
  const draw = mulberry32(7);
  const draws = [];
  Math.random = () => { const r = draw(); draws.push(r); return r; };
  const run = () => prioritizePeers(info, c.activeAttnets, c.activeSyncnets, c.samplingGroups,
    {...c.opts, status: ourStatus}, config, null);
  const r = run();
  const fixture = {
    ...c, peers: c.peers.map((p) => ({...p, status: statusJson(p.status)})), status: statusJson(ourStatus), draws,
    result: {
      peersToConnect: r.peersToConnect,
      peersToDisconnect: [...r.peersToDisconnect].map(([k, v]) => [k, v]),
      attnetQueries: r.attnetQueries, syncnetQueries: r.syncnetQueries,
      custodyGroupQueries: [...r.custodyGroupQueries],
    },
  };
  fs.writeFileSync(path.join(outDir, `prioritize-${n}.json`), JSON.stringify(fixture));
  // Timing, the older way: the same inputs; each call draws fresh values from the PRNG.
  Math.random = mulberry32(11);
  for (let i = 0; i < 20; i++) run(); // warm up the JIT
  results.push({bench: "prioritizePeers", n, ...bestOfBatches(run)});
  // Timing, the fair way: every call replays the first call's draws, as the engine does.
  let k = 0;
  Math.random = () => draws[k++];
  const replay = () => {
    k = 0;
    return run();
  };
  for (let i = 0; i < 20; i++) replay();
  results.push({bench: "prioritizePeers, same draws", n, ...bestOfBatches(replay)});
}

// PeerRpcScoreStore.update() over n entries, each with a non-zero score so
// every entry decays (and none is pruned below SCORE_THRESHOLD too soon).
for (const n of [200, 1000]) {
  let now = 1_700_000_000_000;
  const realNow = Date.now;
  Date.now = () => now;
  const store = new PeerRpcScoreStore({}, null, null);
  for (let i = 0; i < n; i++) {
    const id = {toString: () => `score-peer-${i}`};
    store.applyAction(id, PeerAction.MidToleranceError, "bench");
    store.applyAction(id, PeerAction.MidToleranceError, "bench");
  }
  const r = bestOfBatches(() => {
    now += 1; // 1 ms per update keeps every entry alive for ~10^6 calls
    store.update();
  });
  Date.now = realNow;
  results.push({bench: "PeerRpcScoreStore.update", n, ...r});
}

// PeerRpcScoreStore.update() where every entry was last updated at its own time within the last
// heartbeat interval (30 s), so each entry decays by its own factor: the bench above shares one
// lastUpdate, the best case of the engine's decay-factor cache; this is its worst case, and a real
// heartbeat lies between (entries created since the last update have their own time). Each call
// gets a fresh store (built untimed), since update() sets every lastUpdate to now.
// engine_bench.cc builds the same entries at the same times.
for (const n of [200, 1000]) {
  const t0 = 1_700_000_000_000;
  const realNow = Date.now;
  let now = t0;
  Date.now = () => now;
  const prepare = () => {
    const store = new PeerRpcScoreStore({}, null, null);
    for (let i = 0; i < n; i++) {
      now = t0 + ((i * 7919) % 30_000); // distinct for the first 30,000 entries
      const id = {toString: () => `score-peer-${i}`};
      store.applyAction(id, PeerAction.MidToleranceError, "bench");
      store.applyAction(id, PeerAction.MidToleranceError, "bench");
    }
    now = t0 + 30_000;
    return store;
  };
  for (let i = 0; i < 20; i++) prepare().update();
  const r = timePrepared(Math.max(1, Math.round(20_000 / n)), prepare, (store) => store.update());
  Date.now = realNow;
  results.push({bench: "PeerRpcScoreStore.update, spread lastUpdate", n, ...r});
}
fs.writeFileSync(path.join(outDir, "ts-results.json"), JSON.stringify(results, null, 1));
for (const r of results) {
  console.log(`ts  ${r.bench.padEnd(26)} n=${String(r.n).padEnd(5)} mean ${r.us_per_call.toFixed(2)} us/call, median ${r.median_us_per_call.toFixed(2)} (CPU ${r.median_cpu_us_per_call?.toFixed(2)}), best ${r.best_us_per_call.toFixed(2)}`);
}
