// Generates prioritize_peers_cases.json: inputs and outputs of the REAL
// Lodestar prioritizePeers() (the version driver.mjs checks), including every Math.random() value its
// shuffle consumed, for engine/utils/prioritize_peers_test.cc.
//
// Run: node engine/testdata/gen_prioritize_peers.mjs [with LODESTAR_DRIVER=<install dir>]
// (the driver install is described in driver.mjs).
//
// Case encoding (compact; the test documents the same):
//   peers: [id, direction (null|"inbound"|"outbound"), status (null|[finalizedEpoch, headSlot]),
//           attnets (null|[true bits]), syncnets (null|[true bits]), samplingGroups (null|[...]), score]
//          score: a number, or the string "NaN" (JSON has no NaN)
//   activeAttnets / activeSyncnets: [[subnet, toSlot], ...]
//   samplingGroups: null (undefined in TS) | [...]
//   opts: {targetPeers, maxPeers, targetGroupPeers, status: [finalizedEpoch, headSlot], starved,
//          starvationPruneRatio, starvationThresholdSlots, outboundPeersRatio?, targetSubnetPeers?}
//   numberOfCustodyGroups: config.NUMBER_OF_CUSTODY_GROUPS
//   rand: the Math.random() values available (a few more than needed)
//   expect: {peersToConnect, peersToDisconnect: [[reason, [ids]]...], attnetQueries: [[subnet, toSlot, max]],
//            syncnetQueries: same, custodyGroupQueries: [[group, max]], randomDraws: count used}
import {fromModules, lodestar, mulberry32, versions, writeFixture} from "./driver.mjs";

const {BitArray} = await fromModules("@chainsafe/ssz/lib/index.js");
const {prioritizePeers} = await lodestar("network/peers/utils/prioritizePeers.js");

const gen = mulberry32(20260501); // scenario generator, never Math.random
const pick = (arr) => arr[Math.floor(gen() * arr.length)];
const int = (lo, hi) => lo + Math.floor(gen() * (hi - lo + 1)); // inclusive
const chance = (p) => gen() < p;

function bits(len, idx) {
  const b = BitArray.fromBitLen(len);
  for (const i of idx) b.set(i, true);
  return b;
}
function subset(universe, p) {
  return universe.filter(() => chance(p));
}
const range = (n) => Array.from({length: n}, (_, i) => i);
const statusOf = ([finalizedEpoch, headSlot]) => ({
  forkDigest: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd),
  finalizedRoot: new Uint8Array(32).fill(1),
  finalizedEpoch,
  headRoot: new Uint8Array(32).fill(2),
  headSlot,
  earliestAvailableSlot: 0,
});

function run(c) {
  const peers = c.peers.map(([id, direction, status, attnets, syncnets, samplingGroups, score]) => ({
    id: {toString: () => id}, // identity-compared object, like a PeerId
    direction,
    status: status === null ? null : statusOf(status),
    attnets: attnets === null ? null : bits(64, attnets),
    syncnets: syncnets === null ? null : bits(4, syncnets),
    samplingGroups,
    score: score === "NaN" ? NaN : score,
  }));
  const opts = {...c.opts, status: statusOf(c.opts.status)};
  let used = 0;
  const saved = Math.random;
  Math.random = () => {
    if (used >= c.rand.length) throw Error("generator: not enough draws");
    return c.rand[used++];
  };
  let r;
  try {
    r = prioritizePeers(
      peers,
      c.activeAttnets.map(([subnet, toSlot]) => ({subnet, toSlot})),
      c.activeSyncnets.map(([subnet, toSlot]) => ({subnet, toSlot})),
      c.samplingGroups === null ? undefined : c.samplingGroups,
      opts,
      {NUMBER_OF_CUSTODY_GROUPS: c.numberOfCustodyGroups},
      null
    );
  } finally {
    Math.random = saved;
  }
  c.expect = {
    peersToConnect: r.peersToConnect,
    peersToDisconnect: [...r.peersToDisconnect].map(([reason, ids]) => [reason, ids.map(String)]),
    attnetQueries: r.attnetQueries.map((q) => [q.subnet, q.toSlot, q.maxPeersToDiscover]),
    syncnetQueries: r.syncnetQueries.map((q) => [q.subnet, q.toSlot, q.maxPeersToDiscover]),
    custodyGroupQueries: [...r.custodyGroupQueries],
    randomDraws: used,
  };
  return c;
}

const drawSource = mulberry32(7);
const draws = (n) => Array.from({length: n}, () => drawSource());

const cases = [];
const defaults = {
  targetGroupPeers: 6,
  status: [0, 0],
  starved: false,
  starvationPruneRatio: 0.05,
  starvationThresholdSlots: 64,
};

// 1. Lodestar's own unit tests (priorization.test.ts), peers named peer-i.
{
  const P = (i, dir, att, sync, score, status = [0, 0]) => [`peer-${i}`, dir, status, att, sync, null, score];
  const lodestarCases = [
    ["Request a subnet query when no peers are connected to it", [], [3], [], {targetPeers: 1, maxPeers: 1, targetSubnetPeers: 1}],
    ["Don't request a subnet query when enough peers are connected to it", [P(0, null, [3], [], 0)], [3], [], {targetPeers: 1, maxPeers: 1, targetSubnetPeers: 1}],
    ["Disconnect low score peers without duty", [P(0, null, [3], [], 0), P(1, null, [5], [], -5), P(2, null, [5], [], -10), P(3, null, [5, 6, 7], [], -19)], [3], [], {targetPeers: 1, maxPeers: 1, targetSubnetPeers: 1}],
    ["Disconnect no long-lived-subnet peers without duty", [P(0, null, [3], [], 0), P(1, null, [], [], -0.1), P(2, null, [], [], -0.2), P(3, null, [], [], -0.3)], [3], [], {targetPeers: 1, maxPeers: 1, targetSubnetPeers: 1}],
    ["Disconnect no-duty peers that's too grouped in a subnet", [P(0, null, [1, 3], [], 0), P(1, null, [1, 4, 6], [], 0), P(2, null, [1, 4], [], 0), P(3, null, [1], [], 0), P(4, null, [1], [2, 3], 0)], [3], [2], {targetPeers: 2, maxPeers: 2, targetSubnetPeers: 1}],
    ["Disconnect no-duty peers that's too grouped in a subnet - ignore maxPeersSubnet", [P(0, null, [1, 3], [], 0), P(1, null, [1, 4, 6], [2], 0), P(2, null, [1, 4], [2], 0), P(3, null, [7], [], 0), P(4, null, [7, 8], [], 0)], [3], [2], {targetPeers: 4, maxPeers: 4, targetSubnetPeers: 1}],
    ["Ensure to prune to target peers", [P(0, null, [1, 2, 3], [], 0), P(1, null, [1, 2], [], -1.9), P(2, null, [3, 4], [], -1.8), P(3, null, [4], [], -1), P(4, null, [5], [], -1.5)], [1, 2, 3], [], {targetPeers: 1, maxPeers: 1, targetSubnetPeers: 2}],
    ["Keep at least 10% of outbound peers", range(8).map((i) => P(i, i < 4 ? "inbound" : "outbound", [i], [], -10 * i)), [], [], {targetPeers: 4, maxPeers: 4, targetSubnetPeers: 1, outboundPeersRatio: 2 / 8}],
    ["Complete example: Disconnect peers and request a subnet query", [P(0, null, [0, 1, 2], [], 0), P(1, null, [0, 1, 2], [], -10), P(2, null, [0, 1], [], 0), P(3, null, [0], [], -10), P(4, null, [2], [], 0), P(5, null, [0, 2], [], -20), P(6, null, [1, 2, 3], [], 0), P(7, null, [1, 2], [], -10)], [1, 3], [], {targetPeers: 6, maxPeers: 6, targetSubnetPeers: 2}],
    ["Disconnect close to us peers before far ahead peers when starved", [[`peer-0`, null, null, [], [], null, 0], [`peer-1`, null, null, [], [], null, -1], P(2, null, [], [], -2, [0, 65])], [], [], {targetPeers: 2, maxPeers: 1, targetSubnetPeers: 1, starved: true, starvationPruneRatio: 0.5}],
  ];
  for (const [name, peers, att, sync, opts] of lodestarCases) {
    cases.push(run({name: `lodestar: ${name}`, peers, activeAttnets: att.map((s) => [s, 0]), activeSyncnets: sync.map((s) => [s, 0]),
      samplingGroups: null, opts: {...defaults, ...opts}, numberOfCustodyGroups: 128, rand: draws(Math.max(peers.length - 1, 0))}));
  }
}

// 2. The example of lodestar-peers-1.44.md section 6 (7 peers > target 4, 6 draws).
{
  const peers = range(7).map((i) => [`P${i + 1}`, i < 2 ? "outbound" : "inbound", [30, 999], i < 3 ? [i] : null, null, null, i === 6 ? -3 : 0]);
  cases.push(run({name: "reference section 6 example", peers, activeAttnets: [[1, 1100]], activeSyncnets: [], samplingGroups: null,
    opts: {...defaults, targetPeers: 4, maxPeers: 6, status: [30, 1000]}, numberOfCustodyGroups: 128, rand: draws(6)}));
}

// 3. Random scenarios, biased toward ties, crowded subnets and every branch.
const scores = [0, 0, 0, -1, -1.5, -1.9, -2, -2.0000000000000004, -2.5, -3, -5, -10, -19.99, 0.5, 3, 1e-9];
for (let k = 0; k < 200; k++) {
  const n = k < 20 ? int(0, 4) : int(0, 30);
  const targetPeers = int(0, Math.max(n + 3, 1));
  const attUniverse = range(pick([2, 4, 8, 64]));
  const sync = range(4);
  const N = pick([128, 16, 16, 8]);
  const groupUniverse = range(N);
  const ours = [int(0, 3), int(0, 200)];
  const peers = range(n).map((i) => [
    `p${k}-${i}`,
    pick([null, "inbound", "inbound", "outbound", "outbound"]),
    chance(0.2) ? null : [ours[0] + pick([0, 0, 0, -1, 1]), ours[1] + pick([0, -5, 10, 64, 65, 100])],
    chance(0.15) ? null : subset(attUniverse, attUniverse.length > 8 ? pick([0.02, 0.05, 0.1]) : pick([0.05, 0.2, 0.5, 0.9])),
    chance(0.3) ? null : subset(sync, pick([0, 0.2, 0.5])),
    chance(0.3) ? null : subset(groupUniverse, N > 16 ? 0.04 : pick([0.1, 0.3, 0.6])),
    chance(0.1) ? -20 * gen() : pick(scores),
  ]);
  const opts = {
    targetPeers,
    maxPeers: targetPeers + int(-2, 6),
    targetGroupPeers: int(1, 6),
    status: ours,
    starved: chance(0.3),
    starvationPruneRatio: pick([0.05, 0.5, 0.3, 0.1]),
    starvationThresholdSlots: 64,
  };
  if (chance(0.5)) opts.outboundPeersRatio = pick([0.1, 0.25, 0.5, 0.05, 1 / 3]);
  if (chance(0.6)) opts.targetSubnetPeers = int(0, 6);
  const activeAttnets = subset(attUniverse.concat(attUniverse.slice(0, 1)), pick([0, 0.1, 0.4])).map((s) => [s, int(0, 300)]);
  const activeSyncnets = subset(sync, pick([0, 0.3])).map((s) => [s, int(0, 300)]);
  cases.push(run({name: `random ${k}`, peers, activeAttnets, activeSyncnets,
    samplingGroups: chance(0.5) ? null : subset(groupUniverse, N > 16 ? 0.06 : 0.3), opts, numberOfCustodyGroups: N,
    rand: draws(Math.max(n - 1, 0) + int(0, 2))}));
}

// 4. NaN scores among many peers pruned down to a small target: the
// comparator of sortPeersToPrune is then no order, and which peers are pruned,
// in which order, is what V8's sort algorithm makes of it. Few subnets and
// equal statuses, so that peers tie up to the score and the score decides.
for (let k = 0; k < 12; k++) {
  const n = int(30, 90);
  const targetPeers = int(1, Math.floor(n / 3));
  const attUniverse = range(8);
  const peers = range(n).map((i) => [
    `q${k}-${i}`,
    pick([null, "inbound", "outbound"]),
    [0, 0],
    chance(0.5) ? [] : subset(attUniverse, 0.1),
    null,
    null,
    pick(["NaN", "NaN", 0, -1, -2.5, 3, -5, 0.5, -0.25]),
  ]);
  const opts = {...defaults, targetPeers, maxPeers: targetPeers};
  if (chance(0.5)) opts.targetSubnetPeers = int(1, 3);
  const activeAttnets = subset(attUniverse, pick([0, 0.25])).map((s) => [s, int(0, 300)]);
  cases.push(run({name: `nan scores ${k}`, peers, activeAttnets, activeSyncnets: [], samplingGroups: null, opts,
    numberOfCustodyGroups: 128, rand: draws(n - 1)}));
}

writeFixture("prioritize_peers_cases.json", {script: "engine/testdata/gen_prioritize_peers.mjs", ...versions()}, cases);
