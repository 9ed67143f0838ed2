// Run with the live hook: node --import tools/recorder/live.mjs tools/recorder/test-fixtures/live-driver.mjs
// Builds a PeerManager the way NetworkCore.init does (PeerManager.init with the network's modules,
// discv5 null) over a synthetic libp2p environment whose modules answer on their own after a delay,
// drives some traffic, and prints on stdout (JSON) what the modules saw, for live.test.mjs to compare
// with the trace the hook wrote. Fake timers only to keep the test fast; the hook does not need them.
// The traffic covers every input a live node has: a connection marked closing across a heartbeat
// before libp2p closes it, a change of the local custody group count, a rate-limit score change from
// outside the peer manager. LIVE_DRIVER_HANG=1: stop before closing the peer manager, print
// {"hang": true} and wait to be killed (the crash-safety test kills it with SIGKILL).
// LIVE_DRIVER_SECONDS=N: real time instead, N seconds of load from 60 peers (churn, requests, reports, a
// closing connection now and then) and, on stdout, the process's CPU time and event-loop delay
// (perf_hooks.monitorEventLoopDelay): run with and without the hook to measure its overhead
// (docs/LIVE_CAPTURE.md); with shadow mode on, also what its worker thread cost. The hook need not be
// loaded in that mode.
import FakeTimers from "@sinonjs/fake-timers";
import path from "node:path";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {fileURLToPath} from "node:url";

const REALTIME_S = Number(process.env.LIVE_DRIVER_SECONDS ?? 0);
const GENESIS = REALTIME_S ? Math.floor(Date.now() / 1000) - 1000 * 12 : 1_600_000_000;
const clock = REALTIME_S
  ? {tickAsync: (ms) => new Promise((r) => setTimeout(r, ms)), uninstall() {}}
  : FakeTimers.install({now: (GENESIS + 1000 * 12) * 1000 + 500, toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"]});
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

if (!PeerManager.__peerReplayPatched && !REALTIME_S) {
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
// libp2p marks a connection closing (no event) before it removes it and dispatches connection:close.
const markClosing = (p) => {
  for (const c of conns.get(p.toString())?.value ?? []) c.status = "closing";
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
const custodyConfig = new CustodyConfig({config, nodeId});

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
    networkConfig: {nodeId, config, custodyConfig},
    peersData: new PeersData(),
    statusCache,
  },
  {targetPeers: 3, maxPeers: 5, targetGroupPeers: 6, discv5: null}
);

if (REALTIME_S) await realtimeLoad();

/**
 * The peer manager's own time and shadow mode's, for docs/LIVE_CAPTURE.md: the PeerManager's code of
 * an event runs inside the recorder's sync() (outermost call) or, for a response, from continuations()
 * until its microtasks have drained; shadow mode's inside shadow.record(). Disjoint: the hook hands an
 * event's records to the shadow when the next event begins, outside both.
 */
function timeRecorder(rec) {
  if (!rec) return null;
  const t = {pmMs: 0, shadowMs: 0, emitMs: 0, writeMs: 0};
  const sync = rec.sync.bind(rec);
  rec.sync = (fn) => {
    if (rec.depth > 0) return sync(fn);
    const t0 = performance.now();
    try {
      return sync(fn);
    } finally {
      t.pmMs += performance.now() - t0;
    }
  };
  const continuations = rec.continuations.bind(rec);
  rec.continuations = (settle) => {
    const t0 = performance.now();
    continuations(settle);
    queueMicrotask(() => process.nextTick(() => (t.pmMs += performance.now() - t0)));
  };
  // emit() is stringify + the writer's write() + the shadow's record(): with the two others timed, the
  // rest is the stringify, which shadow mode alone (no capture kept) would pay.
  const emit = rec.emit.bind(rec);
  rec.emit = (r) => {
    const t0 = performance.now();
    emit(r);
    t.emitMs += performance.now() - t0;
  };
  const write = rec.writer.write.bind(rec.writer);
  rec.writer.write = (line) => {
    const t0 = performance.now();
    write(line);
    t.writeMs += performance.now() - t0;
  };
  if (rec.shadow) {
    const record = rec.shadow.record.bind(rec.shadow);
    rec.shadow.record = (r, line) => {
      const t0 = performance.now();
      record(r, line);
      t.shadowMs += performance.now() - t0;
    };
    // With the shadow on its thread the lines go over a frame at a time, when the writer flushes.
    const frame = rec.shadow.frame.bind(rec.shadow);
    rec.shadow.frame = (text) => {
      const t0 = performance.now();
      frame(text);
      t.shadowMs += performance.now() - t0;
    };
  }
  return t;
}

/** N seconds of real-time traffic; prints CPU and event-loop delay and exits. */
async function realtimeLoad() {
  const pool = Array.from({length: 60}, (_, i) => peer(i + 10));
  let x = 7;
  const rnd = (n) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
  const h = monitorEventLoopDelay({resolution: 10});
  h.enable();
  const timing = timeRecorder(globalThis.__peerReplayLiveRecorders?.[0]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let inputs = 0;
  // a fixed rate (5 inputs every 10 ms tick, 500/s), so that runs with and without the hook do the same work
  const deadline = t0 + REALTIME_S * 1000;
  for (let tick = 0; performance.now() < deadline; tick++) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + tick * 10 - performance.now())));
    for (let k = 0; k < 5; k++) loadStep();
  }
  function loadStep() {
    const p = pool[rnd(pool.length)];
    const connected = conns.has(p.toString());
    switch (rnd(10)) {
      case 0:
      case 1:
        if (!connected) connect(p, rnd(2) ? "inbound" : "outbound");
        break;
      case 2:
        if (connected && rnd(4) === 0) markClosing(p);
        if (connected) setTimeout(() => closeAll(p), 50);
        break;
      case 3:
      case 4:
      case 5:
        if (connected) bus.emit(NetworkEvent.reqRespRequest, {request: {method: "ping", body: 2n}, peer: p, peerClient: "x"});
        break;
      case 6:
      case 7:
        if (connected) bus.emit(NetworkEvent.reqRespRequest, {request: {method: "status", body: status()}, peer: p, peerClient: "x"});
        break;
      case 8:
        peerRpcScores.applyAction(p, PeerAction.HighToleranceError, "reqresp_rate_limit");
        break;
      case 9:
        if (connected) pm.reportPeer(p, PeerAction.HighToleranceError, "load");
        break;
    }
    inputs++;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  h.disable();
  const rec = globalThis.__peerReplayLiveRecorders?.[0];
  // closing the peer manager ends the capture: a shadow on its worker thread finishes the lines it holds
  // then, and says what its thread cost (its CPU time, its time comparing)
  const c0 = performance.now();
  await pm.close();
  const closeMs = performance.now() - c0;
  const worker = rec?.shadow?.shadow?.workerStats ?? null;
  console.log(
    JSON.stringify({
      hook: Boolean(PeerManager.__peerReplayPatched),
      seconds: wallMs / 1000,
      inputs,
      cpu_ms: (cpu.user + cpu.system) / 1000,
      cpu_percent: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
      loop_delay_ms: {p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6},
      trace_events: rec?.seq ?? null,
      compress_ms: rec?.writer.compressTimeMs ?? null,
      pm_ms: timing?.pmMs ?? null,
      shadow_ms: timing?.shadowMs ?? null,
      emit_ms: timing?.emitMs ?? null,
      write_ms: timing?.writeMs ?? null,
      stringify_ms: timing ? timing.emitMs - timing.writeMs - timing.shadowMs : null,
      close_ms: closeMs,
      shadow_worker: worker,
    })
  );
  ac.abort();
  process.exit(0);
}

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
await clock.tickAsync(1_000);
markClosing(P[2]); // a heartbeat falls in the window: P[2] no longer counts as connected
await clock.tickAsync(30_000);
closeAll(P[2]);
await clock.tickAsync(9_000);
custodyConfig.updateTargetCustodyGroupCount(8); // validators attached: the heartbeat samples more groups
statusCache.update(status({headSlot: 1004}));
pm.reStatusPeers([P[1].toString()]);
pm.onCommitteeSubscriptions();
await clock.tickAsync(35_000);
void pm.goodbyeAndDisconnectAllPeers();
await clock.tickAsync(5_000);
const finalScores = pm.dumpPeerScoreStats();
if (process.env.LIVE_DRIVER_HANG === "1") {
  console.log(JSON.stringify({hang: true}));
  clock.uninstall();
  setInterval(() => {}, 1_000); // killed from outside
  await new Promise(() => {});
}
await pm.close();
ac.abort();
console.log(JSON.stringify({calls, finalScores}));
process.exit(0);
