// TS side of the fair full-trace benchmark (tools/bench/side_by_side/fair.sh).
//
// Replays a recorded trace through Lodestar 1.44.0's real PeerManager, PeerRpcScoreStore,
// PeersData, LocalStatusCache and Clock with the thinnest boundary this harness can give it, so
// that what is timed is Lodestar's peer code and not the recorder's:
//  - every input object (PeerIds, connections, `{detail}` events, request payloads, decoded
//    response values, rejection Errors, subnet lists, gossip scores, Math.random draws) is built
//    before the clock starts;
//  - the modules are plain objects that return those values: no action is encoded, no score is
//    dumped, no store method is wrapped (V8 may inline getScore), no CustomEvent, no EventTarget;
//  - timers are not faked by @sinonjs/fake-timers: PeerManager's setInterval/setTimeout calls
//    store the callback by what it is (the function's name, callInNextEventLoop's 0 ms, the
//    goodbye's 1,000 ms), and a `timer` event calls it; the beacon clock's slot timer is never
//    fired (the recorder checks it makes no module call);
//  - Date.now returns the event's t_ms, Math.random the event's recorded draws in order (the
//    engine replays the same draws).
// A request's promise is a real Promise (PeerManager awaits it), resolved by the `response`
// event. After each event the microtasks are drained by `--drain` awaits (a continuation chain
// deeper than that would run inside the next event, which the checks below catch).
//
// Checked on every run, every event: it consumed exactly its recorded draws and made exactly
// its recorded requests. Checked on the first warm-up run: every event's actions (kind, peer,
// req) equal the expect record's, in order, and the gossip scores were read for the recorded
// peers in the recorded order. Checked after every run: the score store equals the one the
// expect records describe. Any difference exits 1.
//
// The statistic: --warmup runs (the JIT settles), then --runs timed runs, each on a fresh
// PeerManager and fresh inputs; the median run's wall and CPU time (process.cpuUsage: this
// process's user + system time, so other engineers' jobs on the shared machine do not count).
// Garbage collection inside the run counts (it is part of what the TS costs). --floor also times
// the same loop with every event's body removed (setting the clock and draining only): the
// harness's own cost, printed beside the figure and not subtracted from it.
//
//   node ts_replay_bench.mjs <trace.jsonl[.zst]> [--runs 5] [--warmup 2] [--drain 8] [--floor]
//                            [--json out.json]
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const REC = path.resolve(here, "../../recorder");
if (!fs.existsSync(path.join(REC, "node_modules/@lodestar/beacon-node"))) {
  console.error(`ts_replay_bench: ${REC}/node_modules is missing: run bash tools/recorder/setup.sh first`);
  process.exit(2);
}
const env = await import(path.join(REC, "lib/env.mjs"));
const {Clock, LocalStatusCache, NetworkEvent, PeerAction, PeerManager, PeerRpcScoreStore, PeersData, peerIdFromString} = env;
const {TraceSession} = await import(path.join(REC, "lib/trace-session.mjs"));
const {AGENTS} = await import(path.join(REC, "lib/constants.mjs"));
const {decStatus, encScore, stringifyRecord, unspelledNumber} = await import(path.join(REC, "lib/codec.mjs"));
const {decMetadata} = await import(path.join(REC, "lib/bits.mjs"));
const {ZSTD} = await import(path.join(REC, "lib/writer.mjs"));

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
function intArg(name, dflt, min) {
  const v = arg(name, String(dflt));
  if (!/^[0-9]+$/.test(v) || Number(v) < min) {
    console.error(`ts_replay_bench: ${name} wants an integer >= ${min}, not '${v}'`);
    process.exit(2);
  }
  return Number(v);
}
const tracePath = process.argv[2];
if (!tracePath || tracePath.startsWith("--")) {
  console.error("usage: node ts_replay_bench.mjs <trace> [--runs 5] [--warmup 2] [--drain 8] [--floor] [--json out.json]");
  process.exit(2);
}
const RUNS = intArg("--runs", 5, 1);
const WARMUP = intArg("--warmup", 2, 1); // the first warm-up run is the checked one
const DRAIN = intArg("--drain", 8, 1);
const FLOOR = process.argv.includes("--floor");

// ---------------------------------------------------------------- the trace, read once
function fail(msg) {
  console.error(`${tracePath}: ${msg}`);
  process.exit(1);
}
function readRecords(file) {
  const buf = fs.readFileSync(file);
  const zst = buf.length >= 4 && buf.readUInt32LE(0) === 0xfd2fb528;
  const text = zst ? execFileSync(ZSTD, ["-dc", file], {maxBuffer: 2 ** 31}).toString("utf8") : buf.toString("utf8");
  const out = [];
  let line = 0;
  for (const l of text.split("\n")) {
    line++;
    if (l === "") continue;
    try {
      out.push(JSON.parse(l));
    } catch (e) {
      console.error(`${file}:${line}: not JSON: ${e.message}`);
      process.exit(2);
    }
  }
  return out;
}
const records = readRecords(tracePath);
const header = records[0];
if (header?.type !== "header") {
  console.error(`${tracePath}:1: the first record is not a header`);
  process.exit(2);
}
const events = records.filter((r) => r.type === "event");
const expects = new Map(records.filter((r) => r.type === "expect").map((r) => [r.seq, r]));
if (expects.size !== events.length) fail(`${events.length} events but ${expects.size} expects: the benchmark needs a recorder's trace`);

// The header's configuration, built as the conformance driver builds it (lib/trace-session.mjs).
const cfgSession = new TraceSession(header);
const base = {
  config: cfgSession.config,
  genesisTime: cfgSession.genesisTime,
  localPrivateKey: cfgSession.localPrivateKey,
  nodeId: cfgSession.nodeId,
  decayInterval: cfgSession.decayIntervalParam,
  localStatus: header.local.status,
  opts: {targetPeers: header.config.targetPeers, maxPeers: header.config.maxPeers, targetGroupPeers: header.config.targetGroupPeers, discv5: null},
  discovery: header.config.discovery,
  disablePeerScoring: header.config.disablePeerScoring,
};

// What each request's response decodes to (session.mjs's deferred decoders), by the expect's action kind.
const DECODE = {
  send_ping: (v) => BigInt(v),
  send_status: decStatus,
  send_metadata: decMetadata,
  send_goodbye: () => undefined,
  identify: (v) => ({...v}),
  disconnect: () => undefined,
};
const reqKind = new Map();
for (const x of expects.values()) for (const a of x.actions) if (a.req != null && DECODE[a.kind]) reqKind.set(a.req, a.kind);

// Flat inputs shared by every run (numbers only, never mutated).
const K = {init: 0, open: 1, close: 2, request: 3, response: 4, timer: 5, report: 6, committee: 7, restatus: 8, localStatus: 9, goodbyeAll: 10, connStatus: 11, localCustody: 12};
let totalDraws = 0;
let totalGossip = 0;
for (const ev of events) {
  totalDraws += ev.rand?.length ?? 0;
  totalGossip += ev.gossip_scores?.length ?? 0;
}
const draws = new Float64Array(totalDraws);
const gossipValues = new Float64Array(totalGossip);
const gossipPeers = new Array(totalGossip);
const peerIds = new Map(); // peer id string -> PeerId (immutable, shared by the runs)
const peerIdOf = (s) => {
  let p = peerIds.get(s);
  if (!p) peerIds.set(s, (p = peerIdFromString(s)));
  return p;
};

/** The events as ops, with fresh mutable inputs (connections, payloads, decoded values): one set per run. */
function prepare() {
  const ops = new Array(events.length);
  const live = new Map(); // peer -> [conn] as libp2p's map will hold them, to find what a close removes
  const mkConn = (r, t) => ({id: r.conn, remotePeer: peerIdOf(r.peer), direction: r.direction, status: r.status ?? "open", timeline: {open: t}});
  let di = 0;
  let gi = 0;
  let req = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const x = expects.get(ev.seq);
    for (const a of x.actions) if (a.req != null && a.req > req) req = a.req;
    const op = {k: -1, t: ev.t_ms, drawEnd: 0, reqEnd: req, a: null, b: null, c: null, att: ev.active_attnets ?? null, sync: ev.active_syncnets ?? null};
    for (const v of ev.rand ?? []) draws[di++] = v;
    for (const [p, v] of ev.gossip_scores ?? []) {
      gossipPeers[gi] = p;
      gossipValues[gi++] = unspelledNumber(v);
    }
    op.drawEnd = di;
    switch (ev.kind) {
      case "init":
        op.k = K.init;
        op.a = (ev.connections ?? []).map((r) => mkConn(r, ev.t_ms));
        for (const c of op.a) live.set(c.remotePeer.toString(), [...(live.get(c.remotePeer.toString()) ?? []), c]);
        break;
      case "connection_open": {
        op.k = K.open;
        const c = mkConn(ev, ev.t_ms);
        op.a = c;
        op.b = {detail: c};
        live.set(ev.peer, [...(live.get(ev.peer) ?? []), c]);
        break;
      }
      case "connection_close": {
        op.k = K.close;
        const list = live.get(ev.peer) ?? [];
        const j = list.findIndex((c) => c.id === ev.conn);
        const c = j >= 0 ? list[j] : {id: ev.conn, remotePeer: peerIdOf(ev.peer), direction: ev.direction, timeline: {open: ev.t_ms}};
        if (j >= 0) list.splice(j, 1);
        if (list.length === 0) live.delete(ev.peer);
        op.a = j >= 0 ? c : null; // the connection to take out of the map, if it is there
        op.b = {detail: c};
        break;
      }
      case "request": {
        op.k = K.request;
        const body = ev.body === undefined ? undefined : ev.method === "status" ? decStatus(ev.body) : BigInt(ev.body);
        op.a = {request: {method: ev.method, body}, peer: peerIdOf(ev.peer), peerClient: AGENTS.lighthouse};
        break;
      }
      case "response": {
        op.k = K.response;
        op.a = ev.req;
        const kind = reqKind.get(ev.req);
        if (!kind) fail(`seq ${ev.seq}: response to req ${ev.req}, which no expect made`);
        if ("error" in ev) op.c = new Error(ev.error);
        else op.b = DECODE[kind](ev.ok);
        break;
      }
      case "timer":
        op.k = K.timer;
        op.a = ev.timer;
        op.b = ev.req ?? null;
        break;
      case "report_peer":
        op.k = K.report;
        op.a = peerIdOf(ev.peer);
        op.b = PeerAction[ev.action];
        op.c = ev.action_name;
        break;
      case "committee_subscriptions":
        op.k = K.committee;
        break;
      case "restatus_peers":
        op.k = K.restatus;
        op.a = [...ev.peers];
        break;
      case "local_status":
        op.k = K.localStatus;
        op.a = decStatus(ev.status);
        break;
      case "goodbye_all":
        op.k = K.goodbyeAll;
        break;
      case "connection_status":
        op.k = K.connStatus;
        op.a = ev.peer;
        op.b = ev.conn;
        op.c = ev.status;
        break;
      case "local_custody":
        op.k = K.localCustody;
        op.a = ev.custody_group_count;
        break;
      default:
        fail(`seq ${ev.seq}: event kind ${ev.kind} is not replayed by this benchmark`);
    }
    ops[i] = op;
  }
  return ops;
}

// The score store the expect records describe after the last event (full dumps replace, deltas patch).
function expectedScores() {
  let m = new Map();
  for (const ev of events) {
    const x = expects.get(ev.seq);
    if (x.scores_full) m = new Map();
    for (const p of x.scores_removed ?? []) m.delete(p);
    for (const e of x.scores) m.set(e.peer, stringifyRecord(e));
  }
  return m;
}
const finalScores = expectedScores();

// ---------------------------------------------------------------- one run
const INTERVAL_LABELS = {"bound heartbeat": "heartbeat", "bound pingAndStatusTimeouts": "ping_status", "bound updateGossipsubScores": "gossip_scores"};
const real = {now: Date.now, random: Math.random, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval};

/**
 * Runs `ops` through a fresh PeerManager; returns {wall_ms, cpu_ms}. `checked`: compare every event's
 * actions with its expect (slower mocks: only on the first warm-up run). `bodies` false: the floor.
 */
async function runOnce(ops, {checked = false, bodies = true} = {}) {
  let now = ops[0].t;
  let di = 0;
  let gi = 0;
  let reqId = 0;
  let lastGoodbye = null;
  let att = null;
  let sync = null;
  const resolvers = [];
  const rejecters = [];
  const intervals = {heartbeat: null, ping_status: null, gossip_scores: null};
  let startup = null;
  const goodbyeTimers = new Map();
  const got = []; // checked: this event's actions
  const note = checked ? (kind, peer, req) => got.push(req === undefined ? `${kind} ${peer}` : `${kind} ${peer} ${req}`) : null;

  const deferred = checked
    ? (kind, peer) => {
        const req = ++reqId;
        note(kind, peer.toString(), req);
        return new Promise((res, rej) => {
          resolvers[req] = res;
          rejecters[req] = rej;
        });
      }
    : (kind, peer) => {
        const req = ++reqId;
        return new Promise((res, rej) => {
          resolvers[req] = res;
          rejecters[req] = rej;
        });
      };
  const conns = new Map(); // libp2p's connection map: peer id string -> {key: PeerId, value: Connection[]}
  const listeners = {};
  const merged = Promise.resolve({});
  const libp2p = {
    services: {
      components: {
        events: {addEventListener: (type, fn) => (listeners[type] = fn), removeEventListener: () => {}},
        connectionManager: {getConnectionsMap: () => ({map: conns})},
      },
      identify: {identify: (conn) => deferred("identify", conn.remotePeer)},
    },
    peerStore: {
      merge: checked
        ? (peer, data) => (note(data?.tags?.relevant === undefined ? "untag_relevant" : "tag_relevant", peer.toString()), merged)
        : () => merged,
    },
    hangUp: (peer) => deferred("disconnect", peer),
  };
  const reqResp = {
    sendPing: (peer) => deferred("send_ping", peer),
    sendStatus: (peer) => deferred("send_status", peer),
    sendMetadata: (peer) => deferred("send_metadata", peer),
    sendGoodbye: (peer) => {
      const p = deferred("send_goodbye", peer);
      lastGoodbye = reqId;
      return p;
    },
  };
  const gossip = {
    getScore: checked
      ? (peerIdStr) => {
          if (gossipPeers[gi] !== peerIdStr) throw new Error(`gossip score read for ${peerIdStr}, the trace has ${gossipPeers[gi]}`);
          return gossipValues[gi++];
        }
      : () => gossipValues[gi++],
    scoreParams: {decayInterval: base.decayInterval},
  };
  let onRequest = null;
  const netEvents = {
    on: (_ev, fn) => (onRequest = fn),
    off: () => {},
    emit: checked ? (ev, d) => note(ev === NetworkEvent.peerConnected ? "peer_connected" : "peer_disconnected", d.peer) : () => {},
  };
  const discovery = base.discovery
    ? {discoverPeers: checked ? () => note("discover_peers", "undefined") : () => {}, stop: async () => {}}
    : null;
  const noop = () => {};
  const logger = {error: noop, warn: noop, info: noop, verbose: noop, debug: noop, trace: noop};

  // Timers as PeerManager creates them; each fires only when the trace says so.
  globalThis.setInterval = (fn, ms) => {
    const label = INTERVAL_LABELS[fn.name];
    if (!label) throw new Error(`setInterval(${fn.name}, ${ms}): not a PeerManager timer`);
    intervals[label] = fn;
    return {label};
  };
  globalThis.clearInterval = (h) => {
    if (h?.label) intervals[h.label] = null;
  };
  globalThis.setTimeout = (fn, ms) => {
    if (fn.name === "onNextSlot") return {slot: true}; // the beacon clock's: never fired (no module call)
    if (ms === 0) {
      startup = fn; // callInNextEventLoop: startup_ping_status
      return {startup: true};
    }
    if (ms === 1000 && lastGoodbye !== null) {
      const h = {req: lastGoodbye, fn};
      goodbyeTimers.set(lastGoodbye, h);
      return h;
    }
    throw new Error(`setTimeout(${fn.name || "anonymous"}, ${ms}): not a timer this benchmark knows`);
  };
  globalThis.clearTimeout = (h) => {
    if (h?.req != null && goodbyeTimers.get(h.req) === h) goodbyeTimers.delete(h.req);
  };
  Date.now = () => now;
  Math.random = () => draws[di++];

  const modules = {
    privateKey: base.localPrivateKey,
    libp2p,
    logger,
    metrics: null,
    reqResp,
    gossip,
    attnetsService: {getActiveSubnets: () => att},
    syncnetsService: {getActiveSubnets: () => sync},
    clock: new Clock({config: base.config, genesisTime: base.genesisTime, signal: new AbortController().signal}),
    peerRpcScores: new PeerRpcScoreStore({disablePeerScoring: base.disablePeerScoring}, null, logger),
    events: netEvents,
    networkConfig: {nodeId: base.nodeId, config: base.config, custodyConfig: cfgSession.custodyConfig},
    peersData: new PeersData(),
    statusCache: new LocalStatusCache(decStatus(base.localStatus)),
  };
  // custodyConfig is shared with the header session: a local_custody event would change it for the next run.
  if (ops.some((op) => op.k === K.localCustody)) throw new Error("local_custody events are not supported by this benchmark");
  let pm = null;

  const mapAdd = (c) => {
    const s = c.remotePeer.toString();
    let e = conns.get(s);
    if (!e) conns.set(s, (e = {key: c.remotePeer, value: []}));
    e.value.push(c);
  };
  const fireTimer = (label, req) => {
    if (label === "startup_ping_status") return startup();
    if (label === "goodbye_timeout") return goodbyeTimers.get(req).fn();
    return intervals[label]();
  };

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    now = op.t;
    if (op.att !== null) att = op.att;
    if (op.sync !== null) sync = op.sync;
    if (bodies) {
      switch (op.k) {
        case K.init:
          for (const c of op.a) mapAdd(c);
          pm = new PeerManager(modules, base.opts, discovery);
          break;
        case K.open:
          mapAdd(op.a);
          listeners["connection:open"](op.b);
          break;
        case K.close: {
          if (op.a !== null) {
            const s = op.a.remotePeer.toString();
            const e = conns.get(s);
            e.value.splice(e.value.indexOf(op.a), 1);
            if (e.value.length === 0) conns.delete(s);
          }
          op.b.detail.status = "closed";
          listeners["connection:close"](op.b);
          break;
        }
        case K.request:
          onRequest(op.a);
          break;
        case K.response:
          if (op.c !== null) rejecters[op.a](op.c);
          else resolvers[op.a](op.b);
          break;
        case K.timer:
          fireTimer(op.a, op.b);
          break;
        case K.report:
          pm.reportPeer(op.a, op.b, op.c);
          break;
        case K.committee:
          pm.onCommitteeSubscriptions();
          break;
        case K.restatus:
          pm.reStatusPeers(op.a);
          break;
        case K.localStatus:
          modules.statusCache.update(op.a);
          break;
        case K.goodbyeAll:
          void pm.goodbyeAndDisconnectAllPeers();
          break;
        case K.connStatus: {
          const c = conns.get(op.a)?.value.find((x) => x.id === op.b);
          if (c) c.status = op.c;
          break;
        }
      }
    }
    for (let d = 0; d < DRAIN; d++) await null;
    if (bodies && (di !== op.drawEnd || reqId !== op.reqEnd)) {
      throw new Error(`seq ${events[i].seq}: Lodestar drew ${di} of the trace's ${op.drawEnd} values and made ${reqId} of its ${op.reqEnd} requests by the end of this event (raise --drain?)`);
    }
    if (checked) {
      const want = expects.get(events[i].seq).actions.map((a) =>
        a.req !== undefined ? `${a.kind} ${a.peer} ${a.req}` : `${a.kind} ${a.kind === "discover_peers" ? "undefined" : a.peer}`
      );
      if (got.join("\n") !== want.join("\n")) {
        throw new Error(`seq ${events[i].seq}: actions differ from the trace's:\n  trace    ${want.join(", ")}\n  replayed ${got.join(", ")}`);
      }
      got.length = 0;
    }
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const dump = bodies ? pm.dumpPeerScoreStats() : null; // with the trace's clock: MaxScore reads Date.now

  Date.now = real.now;
  Math.random = real.random;
  Object.assign(globalThis, {setTimeout: real.setTimeout, clearTimeout: real.clearTimeout, setInterval: real.setInterval, clearInterval: real.clearInterval});
  if (bodies) {
    const same = dump.length === finalScores.size && dump.every((s) => finalScores.get(s.peerId) === stringifyRecord(encScore(s)));
    if (!same) throw new Error("the score store after the last event differs from the trace's");
    if (gi !== totalGossip || di !== totalDraws) throw new Error("not every recorded input was read");
  }
  return {wall_ms: wall, cpu_ms: (cpu.user + cpu.system) / 1000};
}

// ---------------------------------------------------------------- the runs
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  for (let w = 0; w < WARMUP; w++) await runOnce(prepare(), {checked: w === 0});
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await runOnce(prepare()));
  const floor = [];
  if (FLOOR) for (let r = 0; r < RUNS; r++) floor.push(await runOnce(prepare(), {bodies: false}));
  const out = {
    trace: tracePath,
    events: events.length,
    warmup: WARMUP,
    runs: RUNS,
    drain: DRAIN,
    wall_ms: runs.map((r) => r.wall_ms),
    cpu_ms: runs.map((r) => r.cpu_ms),
    median_wall_ms: median(runs.map((r) => r.wall_ms)),
    median_cpu_ms: median(runs.map((r) => r.cpu_ms)),
    floor_median_wall_ms: FLOOR ? median(floor.map((r) => r.wall_ms)) : null,
    floor_median_cpu_ms: FLOOR ? median(floor.map((r) => r.cpu_ms)) : null,
  };
  const file = arg("--json");
  if (file) fs.writeFileSync(file, JSON.stringify(out, null, 1) + "\n");
  console.log(
    `ts  replay ${events.length} events through Lodestar: median of ${RUNS} runs (after ${WARMUP} warm-up) ` +
      `${out.median_wall_ms.toFixed(1)} ms wall, ${out.median_cpu_ms.toFixed(1)} ms CPU` +
      (FLOOR ? `; harness floor ${out.floor_median_wall_ms.toFixed(1)} ms wall, ${out.floor_median_cpu_ms.toFixed(1)} ms CPU` : "")
  );
} catch (e) {
  fail(e.message);
}
process.exit(0);
