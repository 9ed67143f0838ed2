// Generates score_store_cases.json: operation sequences run on the REAL
// Lodestar PeerRpcScoreStore (the version driver.mjs checks) (score/store.ts, score.ts, utils.ts) under a
// fake Date.now, with the results it returned, for engine/score/store_test.cc.
//
// Run: node engine/testdata/gen_score_store.mjs [with LODESTAR_DRIVER=<install dir>]
// (the driver install is described in driver.mjs).
//
// Each case: {name, opts: {disablePeerScoring}, t0, ops: [...]}. Ops, in order:
//   ["advance", dt_ms]                          Date.now() += dt
//   ["action", peer, "LowToleranceError"]       store.applyAction(peer, action, "test")
//   ["action_each", prefix, n, action, dt_ms]   for i < n: applyAction(prefix + i, action); Date.now() += dt
//   ["cooldown", peer, code, returned]          store.applyReconnectionCoolDown(peer, code) === returned
//   ["gossip", peer, score, ignore]             store.updateGossipsubScore(peer, score, ignore)
//   ["gossip_all", [[peer, score]...], toIgnore] updateGossipsubScores(store, new Map(...), toIgnore)
//   ["update"] or ["update", dump]              store.update(), then (when given) the full dump
//   ["query", peer, [getScore, getGossipScore, getScoreState, isCoolingDown]]
//   ["dump", dump]                              store.dumpPeerScoreStats()
// dump = [[peerId, lodestarScore, gossipScore, ignoreNegativeGossipScore, score, lastUpdate], ...]
import {lodestar, mulberry32, versions, writeFixture} from "./driver.mjs";

const {PeerRpcScoreStore, PeerAction, updateGossipsubScores} = await lodestar("network/peers/score/index.js");

const T0 = 1_700_000_000_000;
let now = T0;
Date.now = () => now; // every Date.now() the score code reads

const pid = (s) => ({toString: () => s}); // store methods taking PeerId only call toString()
const dumpOf = (store) =>
  store.dumpPeerScoreStats().map((s) => [s.peerId, s.lodestarScore, s.gossipScore, s.ignoreNegativeGossipScore, s.score, s.lastUpdate]);

function runCase(name, opts, script) {
  now = T0;
  const store = new PeerRpcScoreStore(opts, null, null);
  const ops = [];
  const api = {
    advance(dt) { now += dt; ops.push(["advance", dt]); },
    action(peer, action) { store.applyAction(pid(peer), action, "test"); ops.push(["action", peer, action]); },
    actionEach(prefix, n, action, dt) {
      for (let i = 0; i < n; i++) {
        store.applyAction(pid(`${prefix}${i}`), action, "test");
        now += dt;
      }
      ops.push(["action_each", prefix, n, action, dt]);
    },
    cooldown(peer, code) { ops.push(["cooldown", peer, code, store.applyReconnectionCoolDown(peer, code)]); },
    gossip(peer, score, ignore) { store.updateGossipsubScore(peer, score, ignore); ops.push(["gossip", peer, score, ignore]); },
    gossipAll(entries, toIgnore) { updateGossipsubScores(store, new Map(entries), toIgnore); ops.push(["gossip_all", entries, toIgnore]); },
    update(withDump = true) { store.update(); ops.push(withDump ? ["update", dumpOf(store)] : ["update"]); },
    query(peer) {
      const p = pid(peer);
      ops.push(["query", peer, [store.getScore(p), store.getGossipScore(p), store.getScoreState(p), store.isCoolingDown(peer)]]);
    },
    dump() { ops.push(["dump", dumpOf(store)]); },
  };
  script(api);
  return {name, opts, t0: T0, ops};
}

const ACTIONS = Object.values(PeerAction);
const CODES = [-1, 1, 2, 3, 129, 250, 251, 0, 128, 42];
const cases = [];

// 1-3. Random walks over a small peer pool: every method, every goodbye code,
// bans, cool-downs, gossip blending, pruning of |score| < 1.
for (const [seed, steps, peerCount] of [[1, 1200, 6], [2, 1200, 10], [3, 800, 3]]) {
  const g = mulberry32(seed);
  const pick = (arr) => arr[Math.floor(g() * arr.length)];
  const peer = () => `peer-${Math.floor(g() * peerCount)}`;
  const gossipScore = () => pick([0, 0, 10, 500, -1, -5, -300, -999.5, -1000, -1001, -4000, -20000, 1e6]) * (g() < 0.3 ? g() : 1);
  cases.push(runCase(`random walk seed ${seed}`, {}, (s) => {
    for (let i = 0; i < steps; i++) {
      const r = g();
      if (r < 0.2) s.advance(pick([0, 1, 7, 500, 10_000, 12_000, 30_000, 30_000, 600_000, 1_800_000, 1_800_001, Math.floor(g() * 7_200_000)]));
      else if (r < 0.42) s.action(peer(), pick(ACTIONS));
      else if (r < 0.5) s.cooldown(peer(), pick(CODES));
      else if (r < 0.6) s.gossip(peer(), gossipScore(), g() < 0.3);
      else if (r < 0.67) {
        const entries = [];
        for (let k = 0; k < peerCount; k++) if (g() < 0.6) entries.push([`peer-${k}`, gossipScore()]);
        s.gossipAll(entries, Math.floor(g() * 4));
      } else if (r < 0.8) s.update(g() < 0.5);
      else if (r < 0.97) s.query(peer());
      else s.dump();
    }
    s.dump();
  }));
}

// 4. Decay over hours at the heartbeat cadence (every 30 s), after a ban and a
// mid score: the product of thousands of exp() factors must match bit for bit.
cases.push(runCase("heartbeat decay over 8 hours", {}, (s) => {
  s.action("banned", PeerAction.Fatal);
  for (let i = 0; i < 4; i++) s.action("mid", PeerAction.LowToleranceError);
  s.action("small", PeerAction.MidToleranceError);
  s.gossip("mid", -600, false);
  s.query("banned");
  for (let i = 0; i < 960; i++) {
    s.advance(30_000);
    s.update(i % 40 === 0);
    if (i % 100 === 0) s.query("banned");
  }
  s.dump();
}));

// 5. Odd cadences: updates at non-uniform times, ties at dt = 0, re-ban after decay.
cases.push(runCase("irregular cadence and re-ban", {}, (s) => {
  s.action("a", PeerAction.Fatal);
  s.update();
  s.advance(1_799_999);
  s.update();
  s.query("a");
  s.advance(1);
  s.update();
  s.advance(1);
  s.update();
  s.advance(0);
  s.update();
  for (const dt of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946, 17711, 28657, 46368]) {
    s.advance(dt);
    s.update();
  }
  s.action("a", PeerAction.LowToleranceError);
  s.query("a");
  s.action("a", PeerAction.Fatal);
  s.query("a");
  s.advance(3_600_000);
  s.update();
  s.dump();
}));

// 6. MAX_ENTRIES: 1300 entries inserted 1 ms apart; update() keeps the newest
// 1000 (insertion order), then decays them (all stay: |-10 * decay| >= 1).
cases.push(runCase("MAX_ENTRIES pruning keeps the newest 1000 inserted", {}, (s) => {
  s.actionEach("m", 1300, PeerAction.LowToleranceError, 1);
  s.action("m5", PeerAction.HighToleranceError); // existing entry: position unchanged
  s.update();
  s.query("m0");
  s.query("m299");
  s.query("m300");
}));

// 7. Gossip-only entries are re-created by updateGossipsubScores and deleted by
// update() (|lodestarScore| < 1) even when the gossip score is large; the
// gossip value only counts from the next recompute.
cases.push(runCase("gossip-only entries and lazy recompute", {}, (s) => {
  s.gossipAll([["a", 10], ["b", -10], ["c", -20], ["d", -5], ["e", -1000]], 5); // Lodestar test 1
  s.dump();
  s.gossipAll([["a", 10], ["b", -10], ["c", -20], ["d", -5], ["e", -30]], 3); // Lodestar test 2
  s.dump();
  s.update();
  s.action("a", PeerAction.HighToleranceError);
  s.gossip("a", 2000, false);
  s.query("a");
  s.action("a", PeerAction.HighToleranceError);
  s.query("a");
  s.advance(1000);
  s.update();
  s.gossip("z", -16000, false);
  s.action("z", PeerAction.LowToleranceError);
  s.query("z");
  s.gossip("z", -16000, true);
  s.advance(1);
  s.update();
  s.query("z");
}));

// 8. disablePeerScoring: MaxScore entries.
cases.push(runCase("disablePeerScoring uses MaxScore", {disablePeerScoring: true}, (s) => {
  s.query("x");
  s.action("x", PeerAction.Fatal);
  s.query("x");
  s.cooldown("x", 2);
  s.gossip("y", -500, false);
  s.advance(12345);
  s.dump();
  s.update();
  s.advance(1);
  s.dump();
}));

writeFixture("score_store_cases.json", {script: "engine/testdata/gen_score_store.mjs", ...versions()}, cases);
