// The real Lodestar 1.44.0 (tools/recorder/node_modules, installed by
// tools/recorder/setup.sh) for the addon's differential tests and benchmark:
// its network/peers functions by deep path (the package's "exports" do not
// list them) and a seeded Math.random that both sides draw from.
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const recorderModules = path.resolve(here, "../../../tools/recorder/node_modules");
const lib = path.join(recorderModules, "@lodestar/beacon-node/lib");

export async function loadLodestar() {
  const prioritize = await import(path.join(lib, "network/peers/utils/prioritizePeers.js"));
  const score = await import(path.join(lib, "network/peers/score/index.js"));
  const relevance = await import(path.join(lib, "network/peers/utils/assertPeerRelevance.js"));
  const network = await import(path.join(lib, "constants/network.js"));
  const requireRecorder = createRequire(path.join(recorderModules, "x.js"));
  const ssz = await import(requireRecorder.resolve("@chainsafe/ssz"));
  return {
    prioritizePeers: prioritize.prioritizePeers,
    PeerRpcScoreStore: score.PeerRpcScoreStore,
    RealScore: score.RealScore,
    PeerAction: score.PeerAction,
    updateGossipsubScores: score.updateGossipsubScores,
    scoreToState: score.scoreToState,
    assertPeerRelevance: relevance.assertPeerRelevance,
    GoodByeReasonCode: network.GoodByeReasonCode,
    BitArray: ssz.BitArray,
  };
}

// mulberry32, as the recorder seeds Math.random: install(seed) replaces
// Math.random and returns a counter of the draws taken.
export function seedMathRandom(seed) {
  let s = seed >>> 0;
  const counter = {draws: 0};
  Math.random = () => {
    counter.draws++;
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return counter;
}

// A separate generator for the inputs, so drawing inputs never moves the
// sequence the functions under test draw from.
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));  // [lo, hi]
  const pick = (arr) => arr[int(0, arr.length - 1)];
  const chance = (p) => next() < p;
  return {next, int, pick, chance};
}

// Inputs of prioritizePeers as Lodestar's heartbeat builds them, drawn from r.
export function randomPrioritizeInput(r, BitArray, n) {
  const bits = (len, p) => {
    const b = BitArray.fromBitLen(len);
    for (let i = 0; i < len; i++) if (r.chance(p)) b.set(i, true);
    return b;
  };
  const status = () => ({
    forkDigest: new Uint8Array(4), finalizedRoot: new Uint8Array(32), headRoot: new Uint8Array(32),
    finalizedEpoch: r.int(28, 32), headSlot: r.int(900, 1100), earliestAvailableSlot: 0,
  });
  const groups = () => {
    const out = [];
    for (let g = 0; g < 128; g++) if (r.chance(0.06)) out.push(g);
    return out;
  };
  const peers = [];
  for (let i = 0; i < n; i++) {
    peers.push({
      id: {toString: () => `peer${i}`},
      direction: r.pick(["inbound", "outbound", "inbound", null]),
      status: r.chance(0.9) ? status() : null,
      attnets: r.chance(0.8) ? bits(64, r.pick([0.02, 0.05, 0.1])) : null,
      syncnets: r.chance(0.7) ? bits(4, 0.2) : null,
      samplingGroups: r.chance(0.8) ? groups() : null,
      score: r.pick([0, 0, 0, -1, -2, -2.5, -3, -10, 1.5, r.next() * -20, r.next() * 5]),
    });
  }
  const subnets = (count, width) => Array.from({length: count}, () => ({subnet: r.int(0, width - 1), toSlot: r.int(1000, 1200)}));
  const targetPeers = r.pick([Math.max(0, n - r.int(0, 10)), n + r.int(0, 5), Math.floor(n * 0.8), r.int(0, n + 3)]);
  return {
    peers,
    activeAttnets: subnets(r.int(0, 10), 64),
    activeSyncnets: subnets(r.int(0, 3), 4),
    samplingGroups: r.chance(0.8) ? groups() : undefined,
    opts: {
      targetPeers, maxPeers: targetPeers + r.int(0, 10), targetGroupPeers: r.int(1, 8),
      status: status(), starved: r.chance(0.3), starvationPruneRatio: 0.05, starvationThresholdSlots: 64,
      ...(r.chance(0.2) ? {outboundPeersRatio: r.pick([0, 0.1, 0.3])} : {}),
      ...(r.chance(0.2) ? {targetSubnetPeers: r.int(1, 8)} : {}),
    },
    config: {NUMBER_OF_CUSTODY_GROUPS: 128},
  };
}
