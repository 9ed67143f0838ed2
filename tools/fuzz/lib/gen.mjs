// The case generator of the differential fuzzer: a seed becomes a case spec, plain JSON data
// {seed, config, peers, ops} that lib/play.mjs turns into events for the real Lodestar.
//
// Structure-aware: ops are the script API of tools/recorder/lib/session.mjs (connect, close,
// request, answer, report, advance, ...), each naming a peer by index into the case's pool, so
// any subsequence of a spec is again a spec (the shrinker relies on it; play.mjs skips an op
// whose precondition no longer holds). The distributions are adversarial on purpose: equal
// subnet sets and sort keys, reports that land exactly on Lodestar's thresholds, advances onto
// the millisecond where several timers are due, gossip scores at the edges of the doubles,
// idle gaps of days, inbound bursts past maxPeers between heartbeats, reconnects during the
// cool-down of a ban, more than MAX_ENTRIES scored peers, a fork scheduled mid-run.
//
// Owner: this file decides what a case can contain; play.mjs decides how it is driven. Neither
// loads Lodestar (gen.mjs runs in the fuzzer's parent process too).
import {createHash} from "node:crypto";
import {mulberry32, seed32} from "../../recorder/lib/codec.mjs";

/** A decimal seed (what the recorder and the trace header take) from any label: 48 bits of its SHA-256. */
export function seedOf(label) {
  return BigInt(`0x${createHash("sha256").update(label).digest("hex").slice(0, 12)}`).toString();
}

/** Gossip scores at the edges: zeros of both signs, subnormals, the largest doubles, Lodestar's thresholds. */
export const GOSSIP_EDGES = [
  0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e300, -1e300,
  Number.MAX_VALUE, -Number.MAX_VALUE, -1000, -999.9999999999999, -1000.0000000000001, -16000,
  -16842.105263157893, -16842.10526315789, 16842.105263157893, -1, 1, 0.5, -0.5, 1e-300, -60000,
  // what gossipsub's score can become when its weighted terms overflow; a spec is JSON, so spelled
  "NaN", "+Inf", "-Inf",
];
const GOODBYE_CODES = ["1", "2", "3", "129", "250", "251", "0", "4", "18446744073709551615"];
const METHODS = ["ping", "status", "goodbye", "metadata", "beacon_blocks_by_range", "beacon_blocks_by_root", "data_column_sidecars_by_range"];
const ERRORS = [
  "REQUEST_ERROR_TTFB_TIMEOUT",
  "REQUEST_ERROR_SERVER_ERROR: stream reset",
  "ERR_NO_CONNECTION: peer is not connected",
  "REQUEST_ERROR_DIAL_ERROR: peer not connected",
  "identify: connection closed",
];
export const AGENT_STRINGS = [
  "Lighthouse/v7.1.0-8d8f3d5/x86_64-linux",
  "teku/v25.9.3/linux-x86_64/-eclipseadoptium-openjdk64bitservervm-java-21",
  "Prysm/v6.1.2/0c4e7e1a8a0e4b6bd0c1e3f0c8b2d54c5bb8d2a1",
  "nimbus",
  "lodestar/v1.44.0/5b7b1b3/linux-x64/nodejs",
  "Grandine/2.0.0-rc1/1b2c3d4",
  "erigon/caplin",
  "",
  "LIGHTHOUSE",
  null,
];
/** Timer periods of PeerManager (FORMAT.md §3.1) an advance may land exactly on. */
const PERIODS_MS = [10_000, 30_000, 1_000];
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The PRNG helpers a generator uses; every draw comes from one mulberry32 stream. */
export function rng(label) {
  const R = mulberry32(seed32(seedOf(label)));
  const h = {
    R,
    int: (n) => Math.floor(R() * n),
    pick: (a) => a[Math.floor(R() * a.length)],
    chance: (p) => R() < p,
    range: (lo, hi) => lo + Math.floor(R() * (hi - lo + 1)),
    /** Index drawn by weight. */
    weighted: (w) => {
      let total = 0;
      for (const x of w) total += x;
      let r = R() * total;
      for (let i = 0; i < w.length; i++) if ((r -= w[i]) < 0) return i;
      return w.length - 1;
    },
  };
  return h;
}

/** Configuration: what FORMAT.md §2.1 lets the header carry, drawn to hit the edges. */
export function genConfig(g) {
  const c = {};
  const target = g.pick([0, 1, 1, 2, 3, 4, 5, 8, 13, 25, 50, 200]);
  c.targetPeers = target;
  const rel = g.weighted([6, 2, 1, 1]);
  c.maxPeers = rel === 0 ? target + g.pick([0, 1, 2, 3, 5, 10]) : rel === 1 ? target : rel === 2 ? Math.max(0, target - g.range(1, 3)) : g.pick([0, 1, 2]);
  c.targetGroupPeers = g.pick([6, 6, 0, 1, 2, 3, 8]);
  const dk = g.weighted([4, 1, 2, 1, 1]);
  // undefined: Lodestar's default (SLOT_DURATION_MS); null: no decayInterval, PeerManager falls back to 30 s
  if (dk === 1) c.gossipDecayIntervalMs = null;
  else if (dk === 2) c.gossipDecayIntervalMs = g.pick([10_000, 30_000, 5_000, 1_000]);
  else if (dk === 3) c.gossipDecayIntervalMs = g.range(1_000, 120_000);
  else if (dk === 4) c.gossipDecayIntervalMs = g.pick([600_000, 7_000, 3_000]);
  c.disablePeerScoring = g.chance(0.1);
  const fk = g.weighted([5, 2, 2, 1]);
  if (fk === 1) c.fork = "electra";
  else if (fk === 2) {
    // fulu scheduled mid-run: the run starts at slot 1000 (epoch 31)
    c.fork = "electra";
    c.forkEpochs = {FULU_FORK_EPOCH: g.pick([32, 32, 33, 35])};
  } else if (fk === 3) {
    c.fork = "electra";
    c.forkEpochs = {ELECTRA_FORK_EPOCH: g.pick([0, 32]), DENEB_FORK_EPOCH: 0};
  }
  if (g.chance(0.5)) c.custodyGroupCount = g.pick([4, 4, 5, 8, 16, 33, 64, 127, 128]);
  c.discovery = !g.chance(0.15);
  if (!c.discovery && g.chance(0.5)) c.viaInit = true;
  if (g.chance(0.1)) c.metrics = true;
  // every case may hold the version-2 kinds (connection_status, local_custody, FORMAT.md §9); a
  // version-2 reader reads the version-1 kinds unchanged, so nothing else is lost
  c.formatVersion = 2;
  return c;
}

/** The pool of peers: key type, agent, metadata and status profiles, with many equal on purpose. */
function genPeers(g, n) {
  const peers = [];
  const sharedAttnets = [g.int(64), g.int(64)];
  const cgcPool = ["4", "4", "8", "16", "128", "0", "5", "64"];
  for (let i = 0; i < n; i++) {
    const same = g.chance(0.5);
    peers.push({
      ed: g.chance(0.04),
      agent: g.chance(0.8) ? AGENT_STRINGS[i % 3] : g.pick(AGENT_STRINGS),
      seq: same ? "1" : String(g.range(0, 9)),
      attnets: same ? sharedAttnets : g.chance(0.3) ? [] : Array.from({length: g.range(1, 6)}, () => g.int(64)),
      syncnets: g.chance(0.3) ? [g.int(4)] : [],
      cgc: same ? "4" : g.pick(cgcPool),
      status: g.weighted([12, 1, 1, 1, 1]), // see play.mjs statusVariant
    });
  }
  return peers;
}

const OP_KINDS = [
  "advance", "connect", "burst", "close", "request", "answer", "settle", "report", "gossip",
  "meta", "status", "subnets", "committee", "restatus", "local_status", "goodbye_all", "reconnect",
  "threshold", "ping_flood", "conn_status", "local_custody",
];
/** Statuses libp2p sets on a connection still in its map (format v2 connection_status, FORMAT.md §9.1). */
const CONN_STATUSES = ["closing", "closing", "closing", "closed", "open"];
/** custodyConfig.updateTargetCustodyGroupCount arguments (format v2 local_custody): 0..NUMBER_OF_CUSTODY_GROUPS. */
const LOCAL_CUSTODY_COUNTS = [4, 4, 8, 16, 0, 1, 5, 33, 64, 127, 128];

/** A value for a `gossip` op: an edge value, or a plain score. */
function gossipValue(g) {
  if (g.chance(0.5)) return g.pick(GOSSIP_EDGES);
  return Math.round((g.R() - 0.7) * 2000 * 1000) / 1000;
}

/** One op, of kind OP_KINDS[k]. */
function genOp(g, k, nPeers, cfg) {
  const p = () => g.int(nPeers);
  switch (OP_KINDS[k]) {
    case "advance": {
      const a = g.weighted([6, 4, 3, 1, 0.4, 0.2]);
      if (a === 0) return {op: "advance", ms: g.pick([0, 1, 5, 20, 100, 999, 1000, 1001])};
      if (a === 1) return {op: "advance", ms: g.range(1, 40_000)};
      // land on the millisecond where a PeerManager timer (or the gossip timer) is due, or one off it
      if (a === 2) {
        const period = g.chance(0.3) && Number.isInteger(cfg.gossipDecayIntervalMs) ? cfg.gossipDecayIntervalMs : g.pick(PERIODS_MS);
        return {op: "align", period_ms: period, k: g.range(1, 4), off_ms: g.pick([0, 0, 0, -1, 1])};
      }
      if (a === 3 || (a === 5 && !(cfg.gossipDecayIntervalMs >= 10_000 || cfg.gossipDecayIntervalMs === undefined))) return {op: "advance", ms: g.pick([600_000, 1_800_000, 1_800_001, 1_799_999, 1_200_000])};
      if (a === 4) return {op: "advance", ms: g.pick([HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS])};
      return {op: "advance", ms: g.chance(0.9) ? g.pick([HOUR_MS, 2 * HOUR_MS]) : DAY_MS};
    }
    case "connect":
      return {op: "connect", p: p(), dir: g.chance(0.5) ? "inbound" : "outbound", status: g.chance(0.03) ? g.pick(["closing", "closed"]) : undefined, hs: g.chance(0.6)};
    case "burst": {
      // inbound arrivals past maxPeers, all before the next heartbeat
      const n = Math.min(nPeers, (cfg.maxPeers ?? 0) + g.range(1, 8));
      return {op: "burst", from: p(), n, dir: g.chance(0.8) ? "inbound" : "outbound"};
    }
    case "close":
      return {op: "close", p: p(), unknown: g.chance(0.1), dir: g.chance(0.5) ? "inbound" : "outbound"};
    case "request": {
      const method = g.pick(METHODS);
      const r = {op: "request", p: p(), method};
      if (method === "ping") r.body = g.pick(["0", "1", "2", "7", "18446744073709551615"]);
      if (method === "goodbye") r.body = g.pick(GOODBYE_CODES);
      if (method === "status") r.variant = g.weighted([8, 1, 1, 1, 1]);
      return r;
    }
    case "answer":
      return {op: "answer", sel: g.int(1000), how: g.weighted([8, 3, 1]), error: g.pick(ERRORS), latency_ms: g.pick([0, 0, 1, 15, 200, 5000])};
    case "settle":
      return {op: "settle", latency_ms: g.pick([0, 0, 1, 20, 100, 3000])};
    case "report":
      return {op: "report", p: p(), action: g.pick(["Fatal", "LowToleranceError", "MidToleranceError", "HighToleranceError"]), name: g.pick(["x", "invalid_block", "rate_limit", "timeout"])};
    case "gossip":
      return {op: "gossip", p: p(), v: gossipValue(g)};
    case "meta":
      return {
        op: "meta",
        p: p(),
        seq: g.pick(["1", "2", "3", "0", "18446744073709551615"]),
        attnets: g.chance(0.4) ? [] : Array.from({length: g.range(1, 8)}, () => g.int(64)),
        syncnets: g.chance(0.5) ? [] : [g.int(4)],
        cgc: g.pick(["4", "8", "16", "128", "0", "64", "6"]),
        agent: g.chance(0.2) ? g.pick(AGENT_STRINGS) : undefined,
      };
    case "status":
      return {op: "status", p: p(), variant: g.weighted([6, 2, 2, 1, 1])};
    case "subnets": {
      const shared = g.int(64);
      const at = (n, max) => Array.from({length: n}, () => ({subnet: g.chance(0.5) ? shared % max : g.int(max), dslot: g.pick([0, 1, 2, 32, 64, -1])}));
      return {op: "subnets", attnets: at(g.range(0, 6), 64), syncnets: at(g.range(0, 2), 4)};
    }
    case "committee":
      return {op: "committee"};
    case "restatus":
      return {op: "restatus", ps: Array.from({length: g.range(0, 4)}, p), unknown: g.chance(0.2)};
    case "local_status":
      return {op: "local_status", variant: g.weighted([8, 2, 1, 1])};
    case "goodbye_all":
      return {op: "goodbye_all"};
    case "reconnect":
      // leave with a goodbye, come back during the cool-down (or the ban)
      return {op: "reconnect", p: p(), code: g.pick(GOODBYE_CODES), gap_ms: g.pick([0, 1, 1000, 60_000, 300_000, 1_799_999, 1_800_000])};
    case "threshold":
      // reports that land exactly on -20 / -50 / -60 / -100 in one millisecond
      return {op: "threshold", p: p(), plan: g.pick([["LowToleranceError", "LowToleranceError"], ["MidToleranceError", "MidToleranceError", "MidToleranceError", "MidToleranceError"], ["LowToleranceError", "LowToleranceError", "LowToleranceError", "LowToleranceError", "LowToleranceError"], ["Fatal"], ["LowToleranceError", "LowToleranceError", "LowToleranceError", "LowToleranceError", "LowToleranceError", "LowToleranceError"], Array(20).fill("HighToleranceError")])};
    case "ping_flood":
      return {op: "ping_flood", p: p(), n: g.range(2, 6)};
    case "conn_status":
      // libp2p marks a connection closing before it closes it: a heartbeat, a ping round, a
      // status or a second close in that window (or none: then `close` after is the usual end)
      return {op: "conn_status", p: p(), conn: g.int(8), status: g.pick(CONN_STATUSES), close_after_ms: g.chance(0.5) ? g.pick([0, 1, 1000, 30_000, 61_000]) : -1};
    case "local_custody":
      return {op: "local_custody", n: g.pick(LOCAL_CUSTODY_COUNTS)};
  }
  throw new Error(`op kind ${k}`);
}

/** A case spec from (run seed, case index): a pure function, so the same seed makes the same run. */
export function genCase(runSeed, index) {
  const seed = seedOf(`case:${runSeed}.${index}`);
  const g = rng(`gen:${runSeed}.${index}`);
  const config = genConfig(g);
  // MAX_ENTRIES pressure (1000 score entries) needs more peers than that, reported once each.
  const pressure = !config.disablePeerScoring && g.chance(0.03);
  const nPeers = pressure ? g.range(1001, 1100) : g.pick([1, 2, 3, 4, 6, 8, 12, 20, 40]);
  const peers = genPeers(g, nPeers);
  // adversarial mixes: each case draws its own op weights, so some cases are all bursts, some all reports
  const weights = OP_KINDS.map(() => (g.chance(0.3) ? 0 : g.R() * (g.chance(0.15) ? 10 : 1)));
  weights[0] += 1; // time always moves
  weights[OP_KINDS.indexOf("settle")] += 0.5;
  const nOps = g.pick([10, 30, 60, 100, 200, 400]);
  const ops = [];
  const initConns = g.chance(0.3) ? Array.from({length: g.range(1, Math.min(nPeers, 6))}, () => ({p: g.int(nPeers), dir: g.chance(0.5) ? "inbound" : "outbound"})) : [];
  // Gaps of hours and days fire thousands of timers each: at most two per case keep cases short.
  let long = 0;
  for (let i = 0; i < nOps; i++) {
    const o = genOp(g, g.weighted(weights), nPeers, config);
    if (o.op === "advance" && o.ms >= HOUR_MS && ++long > 2) o.ms = g.range(1, 40_000);
    ops.push(o);
  }
  if (pressure) {
    for (let i = 0; i < nPeers; i++) ops.push({op: "report", p: i, action: "LowToleranceError", name: "x"});
    ops.push({op: "advance", ms: 31_000});
    for (let i = 0; i < 20; i++) ops.push({op: "report", p: g.int(nPeers), action: "HighToleranceError", name: "x"});
    ops.push({op: "advance", ms: g.pick([31_000, 2 * HOUR_MS])});
  }
  ops.push({op: "settle", latency_ms: 10}, {op: "advance", ms: g.pick([0, 30_000, 61_000])});
  return {seed, config, peers, init: initConns, req_timeout_ms: g.pick([15_000, 15_000, 5_000, 60_000, 1_000]), ops};
}

export {OP_KINDS};

/**
 * A mutant of a corpus spec (libFuzzer's loop over a structured input): drop, duplicate or
 * regenerate a run of ops, splice in ops of another corpus entry, redraw the configuration, or
 * nudge a peer's profile. `other` is a second corpus spec for the splice.
 */
export function mutate(spec, other, mutSeed) {
  const g = rng(`mut:${mutSeed}`);
  const m = JSON.parse(JSON.stringify(spec));
  m.seed = seedOf(`mutant:${mutSeed}`);
  const n = m.peers.length;
  const rounds = g.range(1, 4);
  for (let r = 0; r < rounds; r++) {
    const len = m.ops.length;
    const at = g.int(len + 1);
    const span = g.range(1, Math.max(1, Math.floor(len / 4)));
    switch (g.int(7)) {
      case 0:
        m.ops.splice(at, span);
        break;
      case 1:
        m.ops.splice(at, 0, ...JSON.parse(JSON.stringify(m.ops.slice(at, at + span))));
        break;
      case 2: {
        const fresh = Array.from({length: g.range(1, 20)}, () => genOp(g, g.int(OP_KINDS.length), n, m.config));
        m.ops.splice(at, 0, ...fresh);
        break;
      }
      case 3: {
        const from = g.int(other.ops.length + 1);
        const ops = other.ops.slice(from, from + g.range(1, 40)).filter((o) => !(typeof o.p === "number" && o.p >= n));
        m.ops.splice(at, 0, ...JSON.parse(JSON.stringify(ops)));
        break;
      }
      case 4:
        m.config = genConfig(g);
        if (m.peers.length > 200) m.config.disablePeerScoring = false;
        break;
      case 5: {
        const i = g.int(len || 1);
        if (m.ops[i]?.op === "gossip") m.ops[i].v = g.pick(GOSSIP_EDGES);
        else if (m.ops[i]?.op === "advance") m.ops[i].ms = g.pick([0, 1, 10_000, 30_000, 1_800_000, DAY_MS]);
        else m.ops.splice(i, 0, genOp(g, OP_KINDS.indexOf("advance"), n, m.config));
        break;
      }
      case 6: {
        const p = m.peers[g.int(n)];
        p.attnets = m.peers[g.int(n)].attnets;
        p.cgc = g.pick(["4", "8", "128", "0"]);
        break;
      }
    }
  }
  if (m.ops.length > 2000) m.ops.length = 2000;
  return m;
}
