// prioritizePeers through the addon against Lodestar's TS function, side by
// side in one process: the same inputs (a heartbeat's shape: every peer with
// a status, attnets, syncnets and sampling groups; more peers than
// targetPeers, so the prune path and its shuffle run), the same seeded
// Math.random, rounds alternating between the two sides after a warm-up on
// both. Prints the median of the rounds' ms per call for each side and their
// ratio. The addon's time includes crossing into C++ and back (reading the JS
// objects, building the result Map with the caller's PeerIds).
//   node bindings/node/bench/prioritize_bench.mjs [--rounds 15] [--calls 20] [--breakdown]
// --breakdown: where the addon's time goes, timed in the same rounds: the
// native call alone (prioritizePeersPacked on the arrays lodestar.js packed
// for this input: unpacking, the engine, writing the result), the n-1
// Math.random() draws alone, and lodestar.js alone over a native call that
// returns the same result at once (checking and packing the arguments, the
// draws, decoding the result into the TS shape); what the whole call costs
// beyond those parts is printed as the rest; and one call timed alone right
// after a round of TS calls (its caches emptied by them).
// Needs the addon built (PEER_REPLAY_ADDON or the release build) and the
// recorder's node_modules (tools/recorder/setup.sh).
import {createRequire} from "node:module";
import {parseArgs} from "node:util";
import {loadLodestar, randomPrioritizeInput, rng, seedMathRandom} from "../test/lodestar_lib.mjs";

const {values} = parseArgs({
  options: {rounds: {type: "string", default: "15"}, calls: {type: "string", default: "20"}, breakdown: {type: "boolean", default: false}},
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const require = createRequire(import.meta.url);
const addon = require("../index.js");
// For --breakdown: the same API over a native object whose packed call keeps its last arguments.
const native = require(process.env.PEER_REPLAY_ADDON ?? "../../../build/release/bindings/node/peer_replay.node");
let packedArgs = null;
const spied = require("../lodestar.js")({
  ...native,
  prioritizePeersPacked: (...args) => native.prioritizePeersPacked(...(packedArgs = args)),
});
const ts = await loadLodestar();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function inputFor(n) {
  const r = rng(n);
  const input = randomPrioritizeInput(r, ts.BitArray, n);
  for (const p of input.peers) {
    if (p.status === null) p.status = input.opts.status;
    p.samplingGroups ??= [];
  }
  // A node at its limit: targetPeers below the connected count, so the heartbeat prunes.
  input.opts = {...input.opts, targetPeers: Math.round(n * 0.95), maxPeers: Math.round(n * 1.05), targetGroupPeers: 6, starved: false};
  delete input.opts.outboundPeersRatio;
  delete input.opts.targetSubnetPeers;
  input.samplingGroups = [0, 1, 2, 3, 4, 5, 6, 7];
  return input;
}

function timeCalls(fn, args, count = calls) {
  seedMathRandom(42);
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < count; k++) fn(...args);
  return Number(process.hrtime.bigint() - t0) / 1e6 / count;
}

console.log(`prioritizePeers, ${rounds} rounds of ${calls} calls per side, alternating; node ${process.version}`);
console.log("peers  TS ms/call  addon ms/call  TS/addon  (median of rounds; lowest-highest ratio)");
for (const n of [200, 1000]) {
  const input = inputFor(n);
  const args = [input.peers, input.activeAttnets, input.activeSyncnets, input.samplingGroups, input.opts, input.config, null];
  for (let w = 0; w < 3; w++) timeCalls(ts.prioritizePeers, args), timeCalls(addon.prioritizePeers, args);  // warm-up
  const tsMs = [];
  const addonMs = [];
  const ratios = [];
  for (let k = 0; k < rounds; k++) {
    const a = timeCalls(ts.prioritizePeers, args);
    const b = timeCalls(addon.prioritizePeers, args);
    tsMs.push(a);
    addonMs.push(b);
    ratios.push(a / b);
  }
  console.log(`${String(n).padStart(5)}  ${median(tsMs).toFixed(3).padStart(10)}  ${median(addonMs).toFixed(3).padStart(13)}  ` +
    `${median(ratios).toFixed(1).padStart(7)}x  (${Math.min(...ratios).toFixed(1)}-${Math.max(...ratios).toFixed(1)})`);
  if (values.breakdown) breakdown(n, args);
}

// Medians over `rounds` rounds of `calls` calls each, alternating with TS as above.
function breakdown(n, args) {
  spied.prioritizePeers(...args);
  if (packedArgs === null) throw new Error("the input did not take the packed path");
  const result = native.prioritizePeersPacked(...packedArgs).slice();
  const jsAlone = require("../lodestar.js")({...native, prioritizePeersPacked: () => result});
  const nativeOnly = () => native.prioritizePeersPacked(...packedArgs);
  const drawCount = packedArgs[7];
  const drawsOnly = () => {
    const out = packedArgs[6];
    for (let k = 0; k < drawCount; k++) out[k] = Math.random();
  };
  const parts = {first: [], total: [], native: [], draws: [], js: []};
  for (let k = 0; k < rounds; k++) {
    timeCalls(ts.prioritizePeers, args);
    parts.first.push(timeCalls(addon.prioritizePeers, args, 1));
    timeCalls(ts.prioritizePeers, args);
    parts.total.push(timeCalls(addon.prioritizePeers, args));
    parts.native.push(timeCalls(nativeOnly, []));
    parts.draws.push(timeCalls(drawsOnly, []));
    parts.js.push(timeCalls(jsAlone.prioritizePeers, args));
  }
  const [first, total, nat, draws, js] = [parts.first, parts.total, parts.native, parts.draws, parts.js].map((xs) => median(xs) * 1000);
  console.log(`${String(n).padStart(5)}  breakdown (us per call, medians): addon ${total.toFixed(1)}; native call alone ${nat.toFixed(1)}; ` +
    `lodestar.js alone ${js.toFixed(1)}, of which ${drawCount} Math.random draws ${draws.toFixed(1)} and checking, packing, decoding ` +
    `${(js - draws).toFixed(1)}; the rest ${(total - nat - js).toFixed(1)}; ` +
    `the first addon call right after a round of TS calls alone ${first.toFixed(1)}`);
}
