// Run with the live hook: node --import tools/recorder/live.mjs tools/recorder/test-fixtures/live-driver.mjs
// Builds a PeerManager the way NetworkCore.init does (PeerManager.init with the network's modules,
// discv5 null) over a synthetic libp2p environment whose modules answer on their own after a delay,
// drives some traffic, and prints on stdout (JSON) what the modules saw, for live.test.mjs to compare
// with the trace the hook wrote. Fake timers only to keep the test fast; the hook does not need them.
import FakeTimers from "@sinonjs/fake-timers";
import path from "node:path";
import {fileURLToPath} from "node:url";

const GENESIS = 1_600_000_000;
const clock = FakeTimers.install({now: (GENESIS + 1000 * 12) * 1000 + 500, toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"]});
const L = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "@lodestar", "beacon-node", "lib");
const imp = (p) => import(path.join(L, p));
const {PeerManager} = await imp("network/peers/peerManager.js");
const {PeersData} = await imp("network/peers/peersData.js");
const {PeerRpcScoreStore, PeerAction} = await imp("network/peers/score/index.js");
const {NetworkEventBus, NetworkEvent} = await imp("network/events.js");
const {LocalStatusCache} = await imp("network/statusCache.js");
const {Clock} = await imp("util/clock.js");
const {CustodyConfig} = await imp("util/dataColumns.js");
const {computeNodeId} = await imp("network/subnets/interface.js");
const {createBeaconConfig, createChainForkConfig, defaultChainConfig} = await import("@lodestar/config");
const {privateKeyFromRaw} = await import("@libp2p/crypto/keys");
const {peerIdFromPrivateKey} = await import("@libp2p/peer-id");
const {BitArray} = await import("@chainsafe/ssz");

if (!PeerManager.__peerReplayPatched) {
  console.error("the live hook did not patch PeerManager (run with --import live.mjs)");
  process.exit(3);
}

const config = createBeaconConfig(
  createChainForkConfig({...defaultChainConfig, ALTAIR_FORK_EPOCH: 0, BELLATRIX_FORK_EPOCH: 0, CAPELLA_FORK_EPOCH: 0, DENEB_FORK_EPOCH: 0, ELECTRA_FORK_EPOCH: 0, FULU_FORK_EPOCH: 0}),
  new Uint8Array(32)
);
const status = (o = {}) => ({
  forkDigest: Uint8Array.of(1, 2, 3, 4),
  finalizedRoot: new Uint8Array(32).fill(1),
  finalizedEpoch: 29,
  headRoot: new Uint8Array(32).fill(2),
  headSlot: 1000,
  earliestAvailableSlot: 0,
  ...o,
});
const peer = (n) => peerIdFromPrivateKey(privateKeyFromRaw(new Uint8Array(32).fill(n)));
const calls = {};
const count = (k) => (calls[k] = (calls[k] ?? 0) + 1);
const later = (ms, fn) => new Promise((resolve, reject) => setTimeout(() => {
  try {
    resolve(fn());
  } catch (e) {
    reject(e);
  }
}, ms));

// ---- synthetic libp2p
const events = new EventTarget();
const conns = new Map();
let connId = 0;
const connect = (p, direction) => {
  const c = {id: `x${++connId}`, remotePeer: p, direction, status: "open", timeline: {open: Date.now()}};
  if (!conns.has(p.toString())) conns.set(p.toString(), {key: p, value: []});
  conns.get(p.toString()).value.push(c);
  events.dispatchEvent(new CustomEvent("connection:open", {detail: c}));
};
const closeAll = (p) => {
  const e = conns.get(p.toString());
  if (!e) return;
  conns.delete(p.toString());
  for (const c of e.value) {
    c.status = "closed";
    events.dispatchEvent(new CustomEvent("connection:close", {detail: c}));
  }
};
const P = Array.from({length: 6}, (_, i) => peer(i + 1));
const wrongFork = P[4].toString();
const libp2p = {
  services: {
    components: {events, connectionManager: {getConnectionsMap: () => ({map: conns})}},
    identify: {identify: (c) => (count("identify"), later(30, () => ({agentVersion: "Lighthouse/v7.1.0"})))},
  },
  peerStore: {merge: async (p, d) => count(d.tags.relevant ? "tag_relevant" : "untag_relevant")},
  hangUp: (p) => (count("disconnect"), later(20, () => closeAll(p))),
};
const reqResp = {
  sendPing: (p) => (count("send_ping"), later(40, () => 2n)),
  sendStatus: (p) => (count("send_status"), later(60, () => (p.toString() === wrongFork ? status({forkDigest: Uint8Array.of(9, 9, 9, 9)}) : status()))),
  sendMetadata: (p) => (count("send_metadata"), later(50, () => ({seqNumber: 2n, attnets: BitArray.fromBoolArray(Array.from({length: 64}, (_, i) => i === 7)), syncnets: BitArray.fromBitLen(4), custodyGroupCount: 4}))),
  sendGoodbye: (p) => (count("send_goodbye"), p.toString() === P[0].toString() ? new Promise(() => {}) : later(25, () => undefined)),
};
const bus = new NetworkEventBus();
bus.on(NetworkEvent.peerConnected, () => count("peer_connected"));
bus.on(NetworkEvent.peerDisconnected, () => count("peer_disconnected"));
const ac = new AbortController();
const privateKey = privateKeyFromRaw(new Uint8Array(32).fill(99));
const nodeId = computeNodeId(peerIdFromPrivateKey(privateKey));
const statusCache = new LocalStatusCache(status());
const noop = () => {};
const logger = {error: noop, warn: noop, info: noop, verbose: noop, debug: noop, trace: noop};
const peerRpcScores = new PeerRpcScoreStore({}, null, logger);

// already open before the peer manager exists
connect(P[5], "inbound");

const pm = await PeerManager.init(
  {
    privateKey,
    libp2p,
    logger,
    metrics: null,
    reqResp,
    gossip: {getScore: (id) => (id === P[2].toString() ? -25.5 : 3), scoreParams: {decayInterval: 12_000}},
    attnetsService: {getActiveSubnets: () => [{subnet: 7, toSlot: 1100}]},
    syncnetsService: {getActiveSubnets: () => []},
    clock: new Clock({config, genesisTime: GENESIS, signal: ac.signal}),
    peerRpcScores,
    events: bus,
    networkConfig: {nodeId, config, custodyConfig: new CustodyConfig({config, nodeId})},
    peersData: new PeersData(),
    statusCache,
  },
  {targetPeers: 3, maxPeers: 5, targetGroupPeers: 6, discv5: null}
);

await clock.tickAsync(100);
for (const [i, p] of P.slice(0, 5).entries()) {
  connect(p, i % 2 ? "inbound" : "outbound");
  if (i % 2) bus.emit(NetworkEvent.reqRespRequest, {request: {method: "status", body: status()}, peer: p, peerClient: "x"});
  await clock.tickAsync(333);
}
bus.emit(NetworkEvent.reqRespRequest, {request: {method: "ping", body: 5n}, peer: P[1], peerClient: "x"});
await clock.tickAsync(1_000);
pm.reportPeer(P[3], PeerAction.LowToleranceError, "test");
peerRpcScores.applyAction(P[3], PeerAction.HighToleranceError, "reqresp_rate_limit"); // as ReqRespBeaconNode does
await clock.tickAsync(40_000);
statusCache.update(status({headSlot: 1004}));
pm.reStatusPeers([P[1].toString()]);
pm.onCommitteeSubscriptions();
await clock.tickAsync(35_000);
void pm.goodbyeAndDisconnectAllPeers();
await clock.tickAsync(5_000);
const finalScores = pm.dumpPeerScoreStats();
await pm.close();
ac.abort();
console.log(JSON.stringify({calls, finalScores}));
process.exit(0);
