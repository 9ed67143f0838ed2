// The Lodestar-shaped API against the real Lodestar 1.44.0 TS functions on
// random inputs: the same inputs, the same Math.random sequence on both sides,
// and every result compared bit for bit (numbers with Object.is, PeerIds by
// identity, Map order included), plus the number of Math.random draws taken.
// Run by ctest ("node addon: ..."), which sets PEER_REPLAY_ADDON; needs the
// recorder's node_modules (tools/recorder/setup.sh).
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";
import {loadLodestar, randomPrioritizeInput, rng, seedMathRandom} from "./lodestar_lib.mjs";

const require = createRequire(import.meta.url);
const addon = require("../index.js");
const ts = await loadLodestar();
// The same API with every call taking the member-by-member path (which
// lodestar.js uses when its packer declines an input), for the rounds below
// that test it: its own reading of the JS objects and its own Math.random draws.
const native = require(process.env.PEER_REPLAY_ADDON);
const slowPath = require("../lodestar.js")({...native, prioritizePeersPacked: undefined});

// Object.is on numbers, identity on ids, order of Maps and arrays.
function samePrioritizeResult(a, b, where) {
  assert.ok(Object.is(a.peersToConnect, b.peersToConnect), `${where}: peersToConnect ${a.peersToConnect} vs ${b.peersToConnect}`);
  assert.deepStrictEqual([...a.peersToDisconnect.keys()], [...b.peersToDisconnect.keys()], `${where}: disconnect reasons`);
  for (const [reason, ids] of a.peersToDisconnect) {
    const other = b.peersToDisconnect.get(reason);
    assert.equal(ids.length, other.length, `${where}: ${reason} count`);
    ids.forEach((id, k) => assert.ok(id === other[k], `${where}: ${reason}[${k}] is ${String(id)} vs ${String(other[k])}`));
  }
  assert.deepStrictEqual(a.attnetQueries, b.attnetQueries, `${where}: attnetQueries`);
  assert.deepStrictEqual(a.syncnetQueries, b.syncnetQueries, `${where}: syncnetQueries`);
  assert.deepStrictEqual([...a.custodyGroupQueries], [...b.custodyGroupQueries], `${where}: custodyGroupQueries`);
}

test("prioritizePeers: 3000 random inputs (a third through the member-by-member path), the same results and draws as Lodestar's", () => {
  const r = rng(25);
  let pruned = 0;
  for (let round = 0; round < 3000; round++) {
    const n = round % 50 === 0 ? r.int(100, 300) : r.int(0, 40);
    const input = randomPrioritizeInput(r, ts.BitArray, n);
    const args = [input.peers, input.activeAttnets, input.activeSyncnets, input.samplingGroups, input.opts, input.config, null];
    const seed = 1000 + round;
    const tsDraws = seedMathRandom(seed);
    const expected = ts.prioritizePeers(...args);
    const addonDraws = seedMathRandom(seed);
    const actual = (round % 3 === 2 ? slowPath : addon).prioritizePeers(...args);
    samePrioritizeResult(actual, expected, `round ${round} (n=${n})`);
    assert.equal(addonDraws.draws, tsDraws.draws, `round ${round}: Math.random draws`);
    if (tsDraws.draws > 0) pruned++;
  }
  assert.ok(pruned > 500, `only ${pruned} rounds pruned: the inputs do not reach the shuffle`);
});

// One random operation on both stores at time t; returns a description.
function scoreOp(r, stores, peers, t) {
  const peer = r.pick(peers);
  switch (r.int(0, 5)) {
    case 0: case 1: {
      const action = r.pick(["Fatal", "LowToleranceError", "MidToleranceError", "HighToleranceError", "HighToleranceError"]);
      for (const s of stores) s.applyAction({toString: () => peer}, action, "test");
      return `applyAction(${peer}, ${action})`;
    }
    case 2: {
      const reason = r.pick([-1, 1, 2, 3, 129, 250, 251, 0, 128, 42]);
      const mins = stores.map((s) => s.applyReconnectionCoolDown(peer, reason));
      assert.ok(Object.is(mins[0], mins[1]), `applyReconnectionCoolDown(${peer}, ${reason}) at ${t}: ${mins}`);
      return `applyReconnectionCoolDown(${peer}, ${reason})`;
    }
    case 3: {
      for (const s of stores) s.update();
      return "update()";
    }
    default: {
      const score = r.pick([0, -1, -500, -999.5, -1000, -2000, 3.25, r.next() * -3000, r.next() * 100]);
      const ignore = r.chance(0.5);
      for (const s of stores) s.updateGossipsubScore(peer, score, ignore);
      return `updateGossipsubScore(${peer}, ${score}, ${ignore})`;
    }
  }
}

test("PeerRpcScoreStore: 200 random runs of 300 operations, the same dumps as Lodestar's", () => {
  const realNow = Date.now;
  try {
    for (let run = 0; run < 200; run++) {
      const r = rng(7000 + run);
      let t = 1_600_000_000_000 + r.int(0, 1e6);
      Date.now = () => t;  // the TS store reads Date.now(); the addon's reads opts.now
      const disable = run % 20 === 19;
      const tsStore = new ts.PeerRpcScoreStore({disablePeerScoring: disable}, null, null);
      const ours = new addon.PeerRpcScoreStore({disablePeerScoring: disable, now: () => t});
      const peers = Array.from({length: r.int(1, 12)}, (_, i) => `p${i}`);
      for (let k = 0; k < 300; k++) {
        t += r.pick([0, 1, 500, 12_000, 30_000, 600_000, 1_800_000, r.int(0, 20_000_000)]);
        const op = scoreOp(r, [tsStore, ours], peers, t);
        const where = `run ${run} op ${k} ${op} at ${t}`;
        assert.deepStrictEqual(ours.dumpPeerScoreStats(), tsStore.dumpPeerScoreStats(), where);
        for (const p of peers) {
          const id = {toString: () => p};
          assert.ok(Object.is(ours.getScore(id), tsStore.getScore(id)), `${where}: getScore(${p})`);
          assert.ok(Object.is(ours.getGossipScore(id), tsStore.getGossipScore(id)), `${where}: getGossipScore(${p})`);
          assert.equal(ours.getScoreState(id), tsStore.getScoreState(id), `${where}: getScoreState(${p})`);
          assert.equal(ours.isCoolingDown(p), tsStore.isCoolingDown(p), `${where}: isCoolingDown(${p})`);
        }
      }
    }
  } finally {
    Date.now = realNow;
  }
});

test("PeerRpcScoreStore: MAX_ENTRIES pruning and updateGossipsubScores as Lodestar's", () => {
  const realNow = Date.now;
  try {
    const r = rng(99);
    let t = 1_600_000_000_000;
    Date.now = () => t;
    const tsStore = new ts.PeerRpcScoreStore();
    const ours = new addon.PeerRpcScoreStore({now: () => t});
    for (let i = 0; i < 1300; i++) {
      const action = r.pick(["LowToleranceError", "MidToleranceError", "Fatal"]);
      tsStore.applyAction(`p${i}`, action, "x");
      ours.applyAction(`p${i}`, action, "x");
      t += r.int(0, 3);
    }
    for (let round = 0; round < 5; round++) {
      const gossip = new Map();
      for (let k = 0; k < 300; k++) gossip.set(`p${r.int(0, 1500)}`, r.pick([-1500, -999, -20, -0.5, 0, 4, r.next() * -1200]));
      const toIgnore = r.int(0, 20);
      ts.updateGossipsubScores(tsStore, gossip, toIgnore);
      addon.updateGossipsubScores(ours, gossip, toIgnore);
      t += r.pick([12_000, 600_000, 3_600_000]);
      tsStore.update();
      ours.update();
      assert.deepStrictEqual(ours.dumpPeerScoreStats(), tsStore.dumpPeerScoreStats(), `round ${round}`);
    }
  } finally {
    Date.now = realNow;
  }
});

test("RealScore and scoreToState: random sequences as Lodestar's", () => {
  const realNow = Date.now;
  try {
    for (let run = 0; run < 300; run++) {
      const r = rng(500 + run);
      let t = 1_700_000_000_000;
      Date.now = () => t;
      const a = new ts.RealScore();
      const b = new addon.RealScore({now: () => t});
      for (let k = 0; k < 100; k++) {
        t += r.pick([0, 1000, 60_000, 600_000, r.int(0, 10_000_000)]);
        const which = r.int(0, 4);
        let x;
        let y;
        if (which === 0) {
          const d = r.pick([-10, -5, -1, -200, 3, 150]);
          [x, y] = [a.add(d), b.add(d)];
        } else if (which === 1) [x, y] = [a.update(), b.update()];
        else if (which === 2) {
          const code = r.pick([-1, 1, 2, 3, 129, 250, 251, 7]);
          [x, y] = [a.applyReconnectionCoolDown(code), b.applyReconnectionCoolDown(code)];
        } else if (which === 3) {
          const s = r.pick([-2000, -10, 0, 7.5]);
          a.updateGossipsubScore(s, k % 2 === 0);
          b.updateGossipsubScore(s, k % 2 === 0);
        } else [x, y] = [a.isCoolingDown(), b.isCoolingDown()];
        assert.ok(Object.is(x, y), `run ${run} step ${k}: ${x} vs ${y}`);
        assert.deepStrictEqual(b.getStat(), a.getStat(), `run ${run} step ${k}`);
        assert.equal(addon.scoreToState(a.getScore()), ts.scoreToState(a.getScore()));
      }
    }
  } finally {
    Date.now = realNow;
  }
});

test("assertPeerRelevance: 20000 random statuses as Lodestar's", () => {
  const r = rng(3);
  const bytes = (len, domain) => {
    const b = new Uint8Array(len);
    if (domain > 0) b[r.int(0, len - 1)] = r.int(0, domain);
    return b;
  };
  const status = () => ({
    forkDigest: bytes(4, 1), finalizedRoot: bytes(32, 1), headRoot: new Uint8Array(32),
    finalizedEpoch: r.int(0, 3), headSlot: r.int(-2, 12),
    ...(r.chance(0.7) ? {earliestAvailableSlot: r.int(0, 5)} : {}),
  });
  const forks = ["phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas"];
  for (let k = 0; k < 20000; k++) {
    const args = [r.pick(forks), status(), status(), r.int(-3, 12)];
    assert.deepStrictEqual(addon.assertPeerRelevance(...args), ts.assertPeerRelevance(...args), `case ${k}`);
  }
});
