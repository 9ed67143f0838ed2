// NativePeerManager's contract that needs no Lodestar: a wrong module, option or
// argument is a TypeError naming it, thrown before anything changes; time comes
// from nativeOpts.now and the timers it arms, never the engine. That it makes the
// same module calls as Lodestar's PeerManager is tools/recorder/native-compare.mjs.
import assert from "node:assert/strict";
import {createRequire} from "node:module";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const {NativePeerManager, PeerAction} = require("../index.js");

const T0 = 1_612_000_000_500; // slot 1000 of genesis 1_600_000_000 (12 s slots) + 0.5 s
const localStatus = () => ({
  forkDigest: new Uint8Array(4), finalizedRoot: new Uint8Array(32).fill(1), headRoot: new Uint8Array(32),
  finalizedEpoch: 29, headSlot: 1000, earliestAvailableSlot: 0,
});

// The modules, faked at the boundary; `calls` lists what the manager called, in order.
function fakeModules() {
  const calls = [];
  const conns = new Map();
  const listeners = new Map();
  const modules = {
    libp2p: {
      services: {
        components: {events: new EventTarget(), connectionManager: {getConnectionsMap: () => ({map: conns})}},
        identify: {identify: async () => ({})},
      },
      peerStore: {merge: async (peer, data) => calls.push(["merge", String(peer)])},
      hangUp: async (peer) => calls.push(["hangUp", String(peer)]),
    },
    reqResp: {
      sendPing: async (peer) => (calls.push(["sendPing", String(peer)]), 1n),
      sendStatus: async (peer) => (calls.push(["sendStatus", String(peer)]), localStatus()),
      sendMetadata: async (peer) => (calls.push(["sendMetadata", String(peer)]), new Promise(() => {})),
      sendGoodbye: async (peer) => calls.push(["sendGoodbye", String(peer)]),
    },
    gossip: {getScore: () => 0, scoreParams: {decayInterval: 12_000}},
    attnetsService: {getActiveSubnets: () => []},
    syncnetsService: {getActiveSubnets: () => []},
    statusCache: {get: () => localStatus()},
    clock: {genesisTime: 1_600_000_000},
    events: {
      emit: (name, data) => calls.push(["emit", name, data.peer]),
      on: (name, fn) => listeners.set(name, fn),
      off: (name) => listeners.delete(name),
    },
    networkConfig: {
      nodeId: new Uint8Array(32).fill(7),
      config: {
        SLOT_DURATION_MS: 12_000, CUSTODY_REQUIREMENT: 4, SAMPLES_PER_SLOT: 8, NUMBER_OF_CUSTODY_GROUPS: 128,
        DATA_COLUMN_SIDECAR_SUBNET_COUNT: 128, ALTAIR_FORK_EPOCH: 0, BELLATRIX_FORK_EPOCH: 0, CAPELLA_FORK_EPOCH: 0,
        DENEB_FORK_EPOCH: 0, ELECTRA_FORK_EPOCH: 0, FULU_FORK_EPOCH: 0, GLOAS_FORK_EPOCH: Infinity,
      },
      custodyConfig: {targetCustodyGroupCount: 4, sampleGroups: [1, 2, 3, 4, 5, 6, 7, 8], sampledSubnets: [1, 2, 3, 4, 5, 6, 7, 8]},
    },
  };
  return {modules, calls, conns, listeners};
}
const opts = {targetPeers: 4, maxPeers: 6, targetGroupPeers: 6};
const peerId = (name) => ({toString: () => name, type: "Ed25519"});

function withManager(fn) {
  const f = fakeModules();
  let now = T0;
  const discovered = [];
  const discovery = {discoverPeers: (n) => discovered.push(n), stop: async () => {}};
  const pm = new NativePeerManager(f.modules, opts, discovery, {now: () => now});
  try {
    return fn({pm, ...f, discovered, advance: (ms) => (now += ms)});
  } finally {
    void pm.close();
  }
}

test("a wrong module or option is a TypeError naming it", () => {
  const bad = [
    [(m) => delete m.libp2p, "modules.libp2p"],
    [(m) => (m.reqResp.sendPing = 3), "modules.reqResp.sendPing"],
    [(m) => delete m.gossip.scoreParams, "modules.gossip.scoreParams"],
    [(m) => (m.attnetsService = {}), "modules.attnetsService.getActiveSubnets"],
    [(m) => (m.clock.genesisTime = "0"), "modules.clock.genesisTime"],
    [(m) => (m.networkConfig.nodeId = new Uint8Array(3)), "modules.networkConfig.nodeId"],
    [(m) => delete m.events.emit, "modules.events.emit"],
  ];
  for (const [spoil, name] of bad) {
    const {modules} = fakeModules();
    spoil(modules);
    assert.throws(() => new NativePeerManager(modules, opts, null), (e) => e instanceof TypeError && e.message.includes(name), name);
  }
  const {modules} = fakeModules();
  assert.throws(() => new NativePeerManager(modules, {...opts, targetPeers: -1}, null), (e) => e instanceof TypeError && e.message.includes("opts.targetPeers"));
  assert.throws(() => new NativePeerManager(modules, opts, {}), (e) => e instanceof TypeError && e.message.includes("discovery.discoverPeers"));
  assert.throws(() => new NativePeerManager(modules, opts, null, {now: 5}), (e) => e instanceof TypeError && e.message.includes("nativeOpts.now"));
});

test("construction runs the heartbeat through the modules: discovery asked for peers", () => {
  withManager(({discovered, pm}) => {
    assert.equal(discovered.length, 1);
    assert.equal(typeof discovered[0], "number");
    assert.deepEqual(pm.getConnectedPeerIds(), []);
    assert.equal(pm.hasSomeConnectedPeer(), false);
  });
});

test("a wrong argument is a TypeError naming it and changes no state", () => {
  withManager(({pm, conns, modules}) => {
    const a = peerId("peerA");
    const conn = {id: "c1", remotePeer: a, direction: "outbound", status: "open"};
    conns.set("peerA", {key: a, value: [conn]});
    modules.libp2p.services.components.events.dispatchEvent(Object.assign(new Event("connection:open"), {detail: conn}));
    pm.reportPeer(a, PeerAction.LowToleranceError, "test");
    const before = JSON.stringify(pm.dumpPeerScoreStats());
    assert.equal(pm.dumpPeerScoreStats().length, 1);
    assert.throws(() => pm.reportPeer(a, "Bad", "test"), (e) => e instanceof TypeError && e.message.includes("reportPeer: action"));
    assert.throws(() => pm.reportPeer("peerA", PeerAction.Fatal, "test"), (e) => e instanceof TypeError && e.message.includes("reportPeer: peer"));
    assert.throws(() => pm.reportPeer(a, PeerAction.Fatal, 3), (e) => e instanceof TypeError && e.message.includes("reportPeer: actionName"));
    assert.throws(() => pm.reStatusPeers("peerA"), (e) => e instanceof TypeError && e.message.includes("reStatusPeers: peers"));
    assert.equal(JSON.stringify(pm.dumpPeerScoreStats()), before);
    assert.equal(pm.getConnectedPeerIds().length, 1);
  });
});

test("time is nativeOpts.now: timers due before an input fire first, each at its due time", () => {
  withManager(({pm, advance}) => {
    const a = peerId("peerB");
    pm.reportPeer(a, PeerAction.MidToleranceError, "test");
    const [first] = pm.dumpPeerScoreStats();
    assert.equal(first.lastUpdate, T0);
    // No timer fires by itself here (the test never yields to them); 60 s on, the next input first runs the
    // heartbeats due at +30 s (the one at +60 s is not before the input), whose update() stamps the score.
    advance(60_000);
    pm.reportPeer(a, PeerAction.HighToleranceError, "test");
    const [second] = pm.dumpPeerScoreStats();
    assert.equal(second.lastUpdate, T0 + 30_000);
  });
});
