// The Lodestar-shaped API's contract that needs no Lodestar (so `npm test`
// runs it in an installed package): every export is there, wrong argument
// types throw a TypeError naming the argument, and a throwing call changes
// no state (the store's dump, the Math.random sequence). Agreement with the
// real Lodestar is lodestar_diff.test.mjs.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const addon = require("../index.js");

const bits = (len, set = []) => {
  const uint8Array = new Uint8Array(Math.ceil(len / 8));
  for (const i of set) uint8Array[i >> 3] |= 1 << (i & 7);
  return {uint8Array, bitLen: len};
};
const status = (o = {}) => ({
  forkDigest: new Uint8Array(4), finalizedRoot: new Uint8Array(32).fill(1), headRoot: new Uint8Array(32),
  finalizedEpoch: 30, headSlot: 1000, earliestAvailableSlot: 0, ...o,
});
const peer = (i, o = {}) => ({
  id: {toString: () => `peer${i}`}, direction: "inbound", status: status(), attnets: bits(64, [i % 64]),
  syncnets: bits(4), samplingGroups: [i % 128], score: 0, ...o,
});
const opts = (o = {}) => ({
  targetPeers: 2, maxPeers: 4, targetGroupPeers: 6, status: status(), starved: false,
  starvationPruneRatio: 0.05, starvationThresholdSlots: 64, ...o,
});
const config = {NUMBER_OF_CUSTODY_GROUPS: 128};

test("the Lodestar-shaped exports are there", () => {
  for (const name of ["prioritizePeers", "PeerRpcScoreStore", "RealScore", "assertPeerRelevance", "scoreToState",
    "updateGossipsubScores", "PeerAction", "ScoreState", "GoodByeReasonCode", "ExcessPeerDisconnectReason",
    "IrrelevantPeerCode", "PeerManager"]) {
    assert.ok(addon[name] !== undefined, name);
  }
  assert.equal(addon.GoodByeReasonCode.INBOUND_DISCONNECT, -1);  // not 252 as the Zig port has it
  assert.equal(addon.GoodByeReasonCode[251], "BANNED");
  assert.equal(addon.PeerAction.MidToleranceError, "MidToleranceError");
});

// Counts Math.random() calls while fn runs.
function drawsDuring(fn) {
  const real = Math.random;
  let draws = 0;
  Math.random = () => (draws++, real());
  try {
    fn();
  } finally {
    Math.random = real;
  }
  return draws;
}

test("prioritizePeers: a wrong type is a TypeError naming the argument, and draws nothing", () => {
  const peers = [peer(0), peer(1), peer(2), peer(3)];
  const cases = [
    [[null, [], [], undefined, opts(), config], /^TypeError: prioritizePeers: connectedPeersInfo: expected an array/],
    [[[...peers, peer(4, {direction: "sideways"})], [], [], undefined, opts(), config],
      /connectedPeersInfo\[4\]\.direction: expected "inbound", "outbound" or null, got the string "sideways"/],
    [[[peer(0, {attnets: bits(72, [70])})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.attnets: expected a BitArray with no bit set at 64 or above/],
    [[[peer(0, {syncnets: bits(8, [4])})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.syncnets: expected a BitArray with no bit set at 4 or above/],
    [[[peer(0, {attnets: {uint8Array: [1], bitLen: 8}})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.attnets: expected a BitArray/],
    [[[peer(0, {score: "1"})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.score: expected a number/],
    [[[peer(0, {status: {headSlot: 1}})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.status\.finalizedEpoch: expected an integer/],
    [[[peer(0, {samplingGroups: [1.5]})], [], [], undefined, opts(), config], /connectedPeersInfo\[0\]\.samplingGroups\[0\]: expected a safe integer/],
    [[peers, [{subnet: "1", toSlot: 3}], [], undefined, opts(), config], /activeAttnets\[0\]\.subnet: expected an integer/],
    [[peers, [], null, undefined, opts(), config], /activeSyncnets: expected an array/],
    [[peers, [], [], null, opts(), config], /samplingGroups: expected an array/],
    [[peers, [], [], undefined, opts({targetPeers: "2"}), config], /opts\.targetPeers: expected an integer/],
    [[peers, [], [], undefined, opts({starved: 0}), config], /opts\.starved: expected a boolean/],
    [[peers, [], [], undefined, opts(), {}], /config\.NUMBER_OF_CUSTODY_GROUPS: expected an integer/],
  ];
  for (const [args, message] of cases) {
    const draws = drawsDuring(() => assert.throws(() => addon.prioritizePeers(...args), (e) => e instanceof TypeError && message.test(String(e))));
    assert.equal(draws, 0, String(message));
  }
  // The same call, well typed, prunes (4 peers > target 2) and draws n-1.
  let result;
  assert.equal(drawsDuring(() => (result = addon.prioritizePeers(peers, [], [], undefined, opts(), config))), 3);
  assert.ok(result.peersToDisconnect instanceof Map);
  for (const ids of result.peersToDisconnect.values()) for (const id of ids) assert.ok(peers.some((p) => p.id === id));
});

// A seeded stand-in for Math.random (Park-Miller).
const sequence = (seed) => {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
};

// Two prioritizePeers calls, alone and then the inner one made during the
// outer (nest() runs the outer call, arranging for the inner one, and
// returns both results):
// each must give what it gives alone, both pruning (so both draw).
function assertNestedCallsAsAlone(outerCall, innerCall, nest) {
  const real = Math.random;
  try {
    Math.random = sequence(7);
    const outerAlone = outerCall();
    Math.random = sequence(9);
    const innerAlone = innerCall();
    const {outer, inner} = nest();
    assert.ok(inner !== null, "the inner call ran");
    assert.ok(outerAlone.peersToDisconnect.size > 0 && innerAlone.peersToDisconnect.size > 0, "both calls prune");
    assert.deepStrictEqual(inner, innerAlone);
    assert.deepStrictEqual(outer, outerAlone);
  } finally {
    Math.random = real;
  }
}

// prioritizePeers keeps its packed arrays between calls; a call made from
// inside another one's Math.random (the shuffle draws before the engine runs)
// must neither see nor overwrite the outer call's peers.
test("prioritizePeers: a call from inside another's Math.random gets the results each gets alone", () => {
  const outerPeers = Array.from({length: 6}, (_, i) => peer(i, {score: -i, samplingGroups: [i, i + 1]}));
  const innerPeers = Array.from({length: 300}, (_, i) => peer(100 + i, {direction: i % 3 === 0 ? "outbound" : null}));
  const outerArgs = [outerPeers, [{subnet: 1, toSlot: 2000}], [], [0, 1, 2], opts(), config];
  const innerArgs = [innerPeers, [], [], [3, 4], opts({targetPeers: 200, maxPeers: 250}), config];
  assertNestedCallsAsAlone(() => addon.prioritizePeers(...outerArgs), () => addon.prioritizePeers(...innerArgs), () => {
    const outerDraws = sequence(7);
    const innerDraws = sequence(9);
    let inner = null;
    let depth = 0;
    Math.random = () => {
      if (depth > 0) return innerDraws();
      if (inner === null) {
        depth++;
        inner = addon.prioritizePeers(...innerArgs);
        depth--;
      }
      return outerDraws();
    };
    return {outer: addon.prioritizePeers(...outerArgs), inner};
  });
});

// The same from a PeerId getter, which runs while the outer call's result is
// being decoded from the array the addon keeps for results.
test("prioritizePeers: a call from a PeerId getter read while decoding gets the results each gets alone", () => {
  const outerPeers = Array.from({length: 6}, (_, i) => peer(i, {score: -i, samplingGroups: [i]}));
  const innerPeers = Array.from({length: 5}, (_, i) => peer(50 + i, {score: i, samplingGroups: [i + 1]}));
  const rest = [[], [], [0, 1], opts(), {NUMBER_OF_CUSTODY_GROUPS: 4}];
  assertNestedCallsAsAlone(() => addon.prioritizePeers(outerPeers, ...rest), () => addon.prioritizePeers(innerPeers, ...rest), () => {
    let inner = null;
    const withGetters = outerPeers.map((p) => {
      const q = {...p};
      delete q.id;
      Object.defineProperty(q, "id", {
        get() {
          if (inner === null) {
            const outerRandom = Math.random;
            Math.random = sequence(9);
            inner = addon.prioritizePeers(innerPeers, ...rest);
            Math.random = outerRandom;
          }
          return p.id;
        },
      });
      return q;
    });
    Math.random = sequence(7);
    return {outer: addon.prioritizePeers(withGetters, ...rest), inner};
  });
});

test("PeerRpcScoreStore: a wrong type is a TypeError naming the argument and changes nothing", () => {
  let t = 1_000_000;
  const store = new addon.PeerRpcScoreStore({now: () => t});
  store.applyAction({toString: () => "a"}, addon.PeerAction.LowToleranceError, "x");
  store.applyReconnectionCoolDown("b", addon.GoodByeReasonCode.TOO_MANY_PEERS);
  const before = JSON.stringify(store.dumpPeerScoreStats());
  const cases = [
    [() => store.applyAction("a", "Lethal", "x"), /PeerRpcScoreStore\.applyAction: action: expected a PeerAction/],
    [() => store.applyAction(7, "Fatal", "x"), /PeerRpcScoreStore\.applyAction: peer: expected a string/],
    [() => store.applyAction("a", "Fatal", 3), /PeerRpcScoreStore\.applyAction: actionName: expected a string/],
    [() => store.applyReconnectionCoolDown("a", "129"), /applyReconnectionCoolDown: reason: expected an integer/],
    [() => store.applyReconnectionCoolDown({}, 129), /applyReconnectionCoolDown: peer: expected a string/],
    [() => store.updateGossipsubScore("a", null, true), /updateGossipsubScore: newScore: expected a number/],
    [() => store.updateGossipsubScore("a", -5, "yes"), /updateGossipsubScore: ignore: expected a boolean/],
    [() => store.isCoolingDown(undefined), /isCoolingDown: peerIdStr: expected a string/],
    [() => store.getScore(undefined), /getScore: peer: expected a string/],
    [() => new addon.PeerRpcScoreStore({disablePeerScoring: 1}), /opts\.disablePeerScoring: expected a boolean/],
    [() => new addon.PeerRpcScoreStore({now: 5}), /opts\.now: expected a function/],
    [() => new addon.PeerRpcScoreStore({now: () => "soon"}).update(), /update: now \(the clock's Date\.now\(\)\): expected an integer/],
    [() => addon.updateGossipsubScores(store, {a: 1}, 1), /updateGossipsubScores: gossipsubScores: expected a Map/],
    [() => addon.updateGossipsubScores(store, new Map([["a", "x"]]), 1), /gossipsubScores entry 0 value: expected a number/],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (e) => e instanceof TypeError && message.test(String(e)), String(message));
    assert.equal(JSON.stringify(store.dumpPeerScoreStats()), before, `${message} changed the store`);
  }
  // Time is the injected clock's: the cool-down runs out when `now` says so.
  assert.equal(store.isCoolingDown("b"), true);
  t += 24 * 60 * 60 * 1000;
  assert.equal(store.isCoolingDown("b"), false);
});

test("RealScore, scoreToState, assertPeerRelevance: wrong types are TypeErrors naming the argument", () => {
  const score = new addon.RealScore({now: () => 5});
  assert.throws(() => score.add("1"), /^TypeError: RealScore\.add: scoreDelta: expected a number/);
  assert.equal(score.getScore(), 0);
  assert.throws(() => addon.scoreToState("x"), /^TypeError: scoreToState: score: expected a number/);
  assert.throws(() => addon.assertPeerRelevance("shanghai", status(), status(), 1), /^TypeError: assertPeerRelevance: forkName: expected a ForkName/);
  assert.throws(() => addon.assertPeerRelevance("fulu", status({forkDigest: new Uint8Array(5)}), status(), 1),
    /^TypeError: assertPeerRelevance: remote\.forkDigest: expected a Uint8Array of 4 bytes/);
  assert.throws(() => addon.assertPeerRelevance("fulu", status(), null, 1), /^TypeError: assertPeerRelevance: local/);
  assert.throws(() => addon.assertPeerRelevance("fulu", status(), status(), 1n), /^TypeError: assertPeerRelevance: currentSlot: expected an integer number, got a bigint/);
  const remote = status({forkDigest: Uint8Array.of(1, 2, 3, 4)});
  const local = status();
  const r = addon.assertPeerRelevance("fulu", remote, local, 1000);
  assert.equal(r.code, addon.IrrelevantPeerCode.INCOMPATIBLE_FORKS);
  assert.ok(r.ours === local.forkDigest && r.theirs === remote.forkDigest);  // the caller's own arrays, as TS returns them
});
