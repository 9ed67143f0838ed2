// prioritizePeers through the addon against Lodestar's TS function, side by
// side in one process: the same inputs (a heartbeat's shape: every peer with
// a status, attnets, syncnets and sampling groups; more peers than
// targetPeers, so the prune path and its shuffle run), the same seeded
// Math.random, rounds alternating between the two sides after a warm-up on
// both. Prints the median of the rounds' ms per call for each side and their
// ratio. The addon's time includes crossing into C++ and back (reading the JS
// objects, building the result Map with the caller's PeerIds).
//   node bindings/node/bench/prioritize_bench.mjs [--rounds 15] [--calls 20]
// Needs the addon built (PEER_REPLAY_ADDON or the release build) and the
// recorder's node_modules (tools/recorder/setup.sh).
import {createRequire} from "node:module";
import {parseArgs} from "node:util";
import {loadLodestar, randomPrioritizeInput, rng, seedMathRandom} from "../test/lodestar_lib.mjs";

const {values} = parseArgs({options: {rounds: {type: "string", default: "15"}, calls: {type: "string", default: "20"}}});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const require = createRequire(import.meta.url);
const addon = require("../index.js");
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

function timeCalls(fn, args) {
  seedMathRandom(42);
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < calls; k++) fn(...args);
  return Number(process.hrtime.bigint() - t0) / 1e6 / calls;
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
}
