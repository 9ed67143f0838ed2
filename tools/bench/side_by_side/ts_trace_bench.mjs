// TS side of the full-trace benchmark (tools/bench/side_by_side/run.sh).
//
// Drives the REAL Lodestar (tools/recorder/package.json) PeerManager through a recorder session and
// times only the peer code, while the session writes the trace the engine
// then replays (same events, same draws):
//
//   node ts_trace_bench.mjs generate --seed S --events N --out F.jsonl.zst --json R.json
//       tools/recorder/generate.mjs's testnet-like traffic (targetPeers 200, maxPeers 210)
//   node ts_trace_bench.mjs heartbeat --peers N --heartbeats K --out F.jsonl.zst --json R.json
//       N peers connected and handshaken (targetPeers 0.95 N, maxPeers 1.05 N), then K heartbeats
//       (committee_subscriptions events: PeerManager.heartbeat() at once)
//
// What "only the peer code" means. The recorder's files are not modified; its
// Session class is patched at runtime (ES modules are singletons, so
// generate.mjs uses the patched prototype):
//  - each event's body (the libp2p / event-bus dispatch, pm.reportPeer, a
//    promise settled, a PeerManager timer callback) is timed;
//  - continuations that run later as microtasks are timed through the
//    PeerManager and PeerRpcScoreStore methods they call (onPing, onStatus,
//    onMetadata, disconnect, applyReconnectionCoolDown, ...): only the
//    outermost timed call counts, so nothing is counted twice;
//  - time inside the recorder's own hooks is subtracted: module calls
//    (Session.action, which also runs the traffic model), setTimeout (the
//    recorder labels timers from a stack trace), Math.random draws.
// Not counted: the event loop turns between events, the trace writer, score
// dumps. Small continuation glue after an await (an assignment) is not
// timed either, so the TS figure is, if anything, slightly low.
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const REC = path.resolve(here, "../../recorder");
if (!fs.existsSync(path.join(REC, "node_modules/@lodestar/beacon-node"))) {
  console.error(`ts_trace_bench: ${REC}/node_modules is missing: run bash tools/recorder/setup.sh first`);
  process.exit(2);
}
await import(path.join(REC, "lib/env.mjs"));
const {Session} = await import(path.join(REC, "lib/session.mjs"));
const {TraceWriter} = await import(path.join(REC, "lib/writer.mjs"));

// ---- the stopwatch: outermost timed section only, hooks subtracted
let depth = 0;
let t0 = 0;
let acc = 0; // ms of peer code so far
const now = () => performance.now();
function enter() {
  if (depth++ === 0) t0 = now();
}
function exit() {
  if (--depth === 0) acc += now() - t0;
}
function timed(fn) {
  return function (...args) {
    enter();
    try {
      return fn.apply(this, args);
    } finally {
      exit();
    }
  };
}
function untimed(fn) {
  return function (...args) {
    if (depth === 0) return fn.apply(this, args);
    const t = now();
    try {
      return fn.apply(this, args);
    } finally {
      acc -= now() - t;
    }
  };
}

// Per event kind: count and peer-code ms (an event's time includes the
// continuations that ran before the next event began).
const byKind = new Map();
let curKind = null;
let accAtBegin = 0;
function closeEvent() {
  if (curKind === null) return;
  const k = byKind.get(curKind) ?? {events: 0, ms: 0, each: []};
  k.events++;
  k.ms += acc - accAtBegin;
  k.each.push(acc - accAtBegin);
  byKind.set(curKind, k);
  curKind = null;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kindOf = (rec) => (rec.kind === "timer" ? `timer:${rec.timer}` : rec.kind === "request" ? `request:${rec.method}` : rec.kind);

const P = Session.prototype;
const origBegin = P.begin;
P.begin = function (rec) {
  closeEvent();
  curKind = kindOf(rec);
  accAtBegin = acc;
  return origBegin.call(this, rec);
};
const origEnd = P.end;
P.end = function () {
  const r = origEnd.call(this);
  closeEvent();
  return r;
};
const origEvent = P.event;
P.event = function (rec, fn) {
  return origEvent.call(this, rec, timed(fn));
};
const origOnTimer = P.onTimer;
P.onTimer = function (info, run) {
  // The beacon clock's slot timer is not peer code (and opens no event).
  return origOnTimer.call(this, info, info.label === "slot" ? run : timed(run));
};
P.action = untimed(P.action);
P.onRandom = untimed(P.onRandom);
globalThis.setTimeout = untimed(globalThis.setTimeout);

// Continuations: the PeerManager and score store methods that awaited code calls.
const PM_METHODS = ["onPing", "onMetadata", "onStatus", "onGoodbye", "disconnect", "goodbyeAndDisconnect", "requestPing",
  "requestStatus", "requestStatusMany", "requestMetadata", "identifyPeer", "heartbeat", "pingAndStatusTimeouts",
  "updateGossipsubScores", "reportPeer", "reStatusPeers", "onCommitteeSubscriptions", "trackLibp2pConnection"];
const STORE_METHODS = ["applyAction", "applyReconnectionCoolDown", "update", "updateGossipsubScore", "getScore",
  "getScoreState", "isCoolingDown"];
const origInit = P.init;
P.init = async function (...args) {
  const pm = await origInit.apply(this, args);
  for (const m of PM_METHODS) if (typeof pm[m] === "function") pm[m] = timed(pm[m]);
  const store = this.peerRpcScores;
  for (const m of STORE_METHODS) if (typeof store[m] === "function") store[m] = timed(store[m]);
  return pm;
};

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function report(mode, s, wallMs, extra) {
  closeEvent();
  const events = s.seq;
  const out = {
    mode,
    events,
    peer_code_ms: acc,
    events_per_s: events / (acc / 1000),
    wall_ms: wallMs,
    by_kind: Object.fromEntries(
      [...byKind].sort().map(([k, v]) => [k, {events: v.events, ms: v.ms, median_us: median(v.each) * 1000}])
    ),
    ...extra,
  };
  const file = arg("--json");
  if (file) fs.writeFileSync(file, JSON.stringify(out, null, 1));
  console.log(
    `ts  ${mode}: ${events} events, peer code ${acc.toFixed(1)} ms = ${Math.round(out.events_per_s)} events/s ` +
      `(session wall ${(wallMs / 1000).toFixed(1)} s)`
  );
}

const mode = process.argv[2];
const outFile = arg("--out");
if (!outFile || !["generate", "heartbeat"].includes(mode)) {
  console.error("usage: node ts_trace_bench.mjs generate --seed S --events N --out F [--json R]\n" +
    "       node ts_trace_bench.mjs heartbeat --peers N --heartbeats K --out F [--json R]");
  process.exit(2);
}

if (mode === "generate") {
  const {generate} = await import(path.join(REC, "generate.mjs"));
  const t = now();
  const s = await generate({seed: arg("--seed", "1"), events: Number(arg("--events", "100000")), out: outFile, level: 3,
    verifyScores: false, pool: 1500});
  report("generate", s, now() - t, {seed: arg("--seed", "1")});
} else {
  // heartbeat at N connected peers
  const n = Number(arg("--peers", "200"));
  const heartbeats = Number(arg("--heartbeats", "10"));
  const writer = new TraceWriter(outFile, {level: 3, chunkBytes: 32 << 20});
  const target = Math.round(n * 0.95);
  const s = new Session({
    scenario: `bench-heartbeat-${n}`,
    seed: String(9000 + n),
    note: `ts_trace_bench.mjs heartbeat --peers ${n}: ${n} peers connected, then ${heartbeats} heartbeats`,
    config: {targetPeers: target, maxPeers: Math.round(n * 1.05)},
    writer,
    fullCompare: false,
  }).start();
  // deterministic profile draws (not Math.random: that is the recorded source)
  let x = 0x2545f491 ^ n;
  const R = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x / 4294967296);
  await s.init();
  const slot = s.currentSlot();
  s.setActiveAttnets([{subnet: 3, toSlot: slot + 64}, {subnet: 17, toSlot: slot + 64}, {subnet: 40, toSlot: slot + 64}]);
  s.setActiveSyncnets([{subnet: 1, toSlot: slot + 256}]);
  const handles = [];
  for (let i = 0; i < n; i++) {
    const h = s.peer(`hb${i}`);
    const attnets = R() < 0.25 ? [] : [Math.floor(R() * 64), Math.floor(R() * 64)];
    const syncnets = R() < 0.1 ? [Math.floor(R() * 4)] : [];
    const cgc = R() < 0.08 ? 128 : R() < 0.2 ? 8 : 4;
    s.setMetadata(h, {seq: 1, attnets: [...new Set(attnets)], syncnets, cgc});
    handles.push(h);
    await s.dialed(h); // connect + ping/status/metadata/identify answered
  }
  // varied scores: some peers misbehaved
  for (const h of handles) if (R() < 0.15) await s.reportPeer(h, "HighToleranceError", "bench");
  // K heartbeats in a row, at the same state (the goodbyes they send stay
  // unanswered); the median one counts (the first ones warm the JIT up, and
  // preemption on the shared machine only adds time).
  for (let k = 0; k < heartbeats; k++) await s.committeeSubscriptions();
  const hbUs = median(byKind.get("committee_subscriptions").each) * 1000;
  await s.finish();
  writer.close();
  report("heartbeat", s, 0, {peers: n, heartbeats, heartbeat_us: hbUs});
  console.log(`ts  heartbeat at ${n} connected peers: ${hbUs.toFixed(1)} us (median of ${heartbeats})`);
}
process.exit(0);
