// A JS checker of trace format v1 (traces/FORMAT.md), for the recorder's own tests. The reference
// parser is trace/trace_reader.*; this one checks the same structure plus what a recording must
// satisfy (request ids 1, 2, 3 in call order; every response answers an issued request once).
import fs from "node:fs";
import {spawnSync} from "node:child_process";
import {ENGINE_NAMES} from "./vocabulary.mjs";
import {ZSTD} from "./writer.mjs";

// VOCABULARY: the engine's enum <-> name tables, read from the C++ headers (vocabulary.mjs), plus
// the action kinds that carry a request id (action_has_req in engine/peer_manager.cc; checked by
// test/vocabulary.test.mjs). The value rules (uint64 decimals, bitvector padding) are FORMAT.md
// §3.3's, which the C++ reader enforces too; test/validators-agree.test.mjs holds both to the same
// verdict on every file.
export const VOCABULARY = {
  ...ENGINE_NAMES,
  req_action_kinds: ["send_ping", "send_status", "send_metadata", "send_goodbye", "disconnect", "identify"],
};
const EVENT_KINDS = new Set(VOCABULARY.event_kinds);
const TIMERS = new Set(VOCABULARY.timer_kinds);
const REQ_ACTIONS = new Set(VOCABULARY.req_action_kinds);
const ACTIONS = new Set(VOCABULARY.action_kinds);
const PEER_ACTIONS = new Set(VOCABULARY.peer_actions);
const METHODS = new Set(VOCABULARY.req_resp_methods);

const isHex = (v, n) => typeof v === "string" && v.length === n && /^[0-9a-f]*$/.test(v);
const isUint = (v) => Number.isSafeInteger(v) && v >= 0;
// A metrics series' value or sum (FORMAT.md §8.1): a finite number or "+Inf", "-Inf", "NaN".
// FORMAT.md §4: a double, or the spelling of one JSON cannot carry.
const isSpelledNumber = (v) => (typeof v === "number" && Number.isFinite(v)) || v === "+Inf" || v === "-Inf" || v === "NaN";
const isDec = (v) => typeof v === "string" && /^-?[0-9]+$/.test(v);
// FORMAT.md §3.3: [{"subnet", "toSlot"}], the subnet below 2^20 as the C++ reader bounds it.
const isSubnets = (v) =>
  Array.isArray(v) &&
  v.every((e) => e && typeof e === "object" && Object.keys(e).length === 2 && isUint(e.subnet) && e.subnet <= 2 ** 20 && isUint(e.toSlot));
const isGossipScores = (v) =>
  Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && isSpelledNumber(e[1]));
// FORMAT.md §3.3: a uint64 (BigInt) is 1 to 20 decimal digits of a value below 2^64.
const isU64 = (v) => typeof v === "string" && /^[0-9]{1,20}$/.test(v) && BigInt(v) <= 0xffffffffffffffffn;
// FORMAT.md §3.3: attnets 16 and syncnets 2 lowercase hex digits; syncnets has 4 bits, the rest is
// padding and MUST be zero.
const isBitvector = (v, digits, bits) => isHex(v, digits) && BigInt(`0x${v}`) >> BigInt(bits) === 0n;

// A response's `ok` value, by its shape (FORMAT.md §3.2 table): the C++ reader tells them apart
// the same way.
// name -> {labels, buckets (count of finite bounds, 0 for a gauge)}: FORMAT.md §8.2.
const METRIC_SPECS = new Map(
  Object.entries({
    libp2p_peers: [[], 0],
    lodestar_peers_by_direction_count: [["direction"], 0],
    lodestar_peers_by_client_count: [["client"], 0],
    lodestar_peer_long_lived_attnets_count: [[], 5],
    lodestar_peer_column_group_count: [[], 7],
    lodestar_app_peer_score: [["client"], 5],
    lodestar_gossip_score_by_client: [["client"], 7],
    lodestar_peer_connection_seconds: [[], 9],
    lodestar_peers_sync_count: [[], 0],
    lodestar_peer_connected_total: [["direction", "status"], 0],
    lodestar_peer_disconnected_total: [["direction"], 0],
    lodestar_peer_goodbye_received_total: [["reason"], 0],
    lodestar_peer_long_connection_disconnect_total: [["reason"], 0],
    lodestar_peer_goodbye_sent_total: [["reason"], 0],
    lodestar_peers_requested_total_to_connect: [[], 0],
    lodestar_peers_requested_total_to_disconnect: [["reason"], 0],
    lodestar_peers_requested_total_subnets_to_query: [["type"], 0],
    lodestar_peers_requested_total_subnets_peers_count: [["type"], 0],
    lodestar_peers_report_peer_count: [["reason"], 0],
    lodestar_peer_count_per_sampling_group: [["groupIndex"], 0],
    lodestar_peer_manager_starved_bool: [[], 0],
    lodestar_peer_manager_leaked_connections_count: [[], 0],
  }).map(([name, [labels, buckets]]) => [name, {labels, buckets}])
);

function checkResponseValue(ok, where) {
  if (ok === null) return;
  if (typeof ok === "string") {
    if (!isU64(ok)) throw new Error(`${where}: a ping sequence number must be a uint64 decimal string`);
    return;
  }
  if (typeof ok !== "object" || Array.isArray(ok)) throw new Error(`${where}: not a response value`);
  if ("forkDigest" in ok) return checkStatus(ok, where);
  if ("seqNumber" in ok) {
    if (!isU64(ok.seqNumber)) throw new Error(`${where}: seqNumber must be a uint64 decimal string`);
    if (!isBitvector(ok.attnets, 16, 64)) throw new Error(`${where}: attnets must be 16 lowercase hex digits`);
    if (ok.syncnets !== undefined && !isBitvector(ok.syncnets, 2, 4))
      throw new Error(`${where}: syncnets must be 2 lowercase hex digits with the padding bits 4..7 zero`);
    if (ok.custodyGroupCount !== undefined && !isU64(ok.custodyGroupCount))
      throw new Error(`${where}: custodyGroupCount must be a uint64 decimal string`);
    return;
  }
  if (ok.agentVersion !== undefined && typeof ok.agentVersion !== "string") throw new Error(`${where}: agentVersion`);
}

function checkStatus(s, where) {
  if (!s || typeof s !== "object") throw new Error(`${where}: expected a Status`);
  if (!isHex(s.forkDigest, 8) || !isHex(s.finalizedRoot, 64) || !isHex(s.headRoot, 64)) throw new Error(`${where}: bad Status hex`);
  if (!isUint(s.finalizedEpoch) || !isUint(s.headSlot)) throw new Error(`${where}: bad Status integers`);
  if (s.earliestAvailableSlot !== undefined && !isUint(s.earliestAvailableSlot)) throw new Error(`${where}: bad earliestAvailableSlot`);
}

/** A metrics record's members (FORMAT.md §8); the metric table is the recorder's (lib/metrics.mjs). */
function checkMetrics(r, fail) {
  if (typeof r.full !== "boolean") fail("metrics: full");
  if (!Array.isArray(r.series)) fail("metrics: series");
  if (r.full && r.removed !== undefined) fail("metrics: removed with full");
  if (!r.full && !Array.isArray(r.removed)) fail("metrics: removed");
  const id = (s, what) => {
    const spec = METRIC_SPECS.get(s?.name);
    if (!spec) fail(`${what}: unknown metric name ${JSON.stringify(s?.name)}`);
    if (!s.labels || typeof s.labels !== "object" || Array.isArray(s.labels)) fail(`${what}: labels`);
    const keys = Object.keys(s.labels);
    if (keys.length !== spec.labels.length || !spec.labels.every((l) => typeof s.labels[l] === "string")) fail(`${what}: labels`);
    return spec;
  };
  r.series.forEach((s, i) => {
    const spec = id(s, `metrics series[${i}]`);
    if (spec.buckets === 0) {
      if (!isSpelledNumber(s.value)) fail(`metrics series[${i}]: value`);
    } else {
      if (!isUint(s.count) || !isSpelledNumber(s.sum)) fail(`metrics series[${i}]: sum/count`);
      if (!Array.isArray(s.buckets) || s.buckets.length !== spec.buckets) fail(`metrics series[${i}]: buckets`);
      let prev = 0;
      for (const b of s.buckets) {
        if (!isUint(b) || b < prev || b > s.count) fail(`metrics series[${i}]: buckets`);
        prev = b;
      }
    }
  });
  (r.removed ?? []).forEach((s, i) => id(s, `metrics removed[${i}]`));
}

/**
 * Checks the whole text of a trace. Returns {header, events, expects, actions, end}. Throws "<line>: <problem>".
 * opts.requireExpects: every event is followed by its expect (what the scripted recorder writes).
 */
export function validateTrace(text, {requireExpects = true} = {}) {
  const lines = text.split("\n");
  if (lines[lines.length - 1] !== "") throw new Error("the text does not end with a newline");
  lines.pop();
  let header = null;
  let seq = 0;
  let lastT = -1;
  let lastExpect = 0;
  let nextReq = 1;
  const reqKinds = new Map();
  const answered = new Set();
  let ended = null;
  let actions = 0;
  let expects = 0;
  let lastMetrics = 0;
  lines.forEach((line, i) => {
    const ln = i + 1;
    const fail = (m) => {
      throw new Error(`line ${ln}: ${m}`);
    };
    if (line === "") fail("empty line");
    if (ended) fail("a record after end");
    let r;
    try {
      r = JSON.parse(line);
    } catch (e) {
      fail(`not JSON: ${e.message}`);
    }
    if (ln === 1) {
      if (r.type !== "header") fail("line 1 is not the header");
      if (r.format !== "peer-replay-trace") fail("format");
      if (r.format_version !== 1 && r.format_version !== 2) fail("format_version");
      for (const k of ["name", "version", "mode"]) if (typeof r.producer?.[k] !== "string") fail(`producer.${k}`);
      if (!VOCABULARY.producer_modes.includes(r.producer.mode)) fail("producer.mode");
      if (typeof r.scenario !== "string" || typeof r.seed !== "string") fail("scenario/seed");
      const c = r.config;
      for (const k of ["targetPeers", "maxPeers", "targetGroupPeers", "gossipDecayIntervalMs", "genesisTime"]) if (!isUint(c?.[k])) fail(`config.${k}`);
      for (const k of ["disablePeerScoring", "discovery"]) if (typeof c[k] !== "boolean") fail(`config.${k}`);
      for (const k of ["SLOTS_PER_EPOCH", "SLOT_DURATION_MS", "CUSTODY_REQUIREMENT", "SAMPLES_PER_SLOT", "NUMBER_OF_CUSTODY_GROUPS", "NUMBER_OF_COLUMNS", "DATA_COLUMN_SIDECAR_SUBNET_COUNT"])
        if (!isUint(c.chain?.[k])) fail(`config.chain.${k}`);
      // Periods and sizes the engine divides by.
      if (c.gossipDecayIntervalMs <= 0) fail("config.gossipDecayIntervalMs: expected a positive interval");
      for (const k of ["SLOTS_PER_EPOCH", "SLOT_DURATION_MS", "NUMBER_OF_CUSTODY_GROUPS", "NUMBER_OF_COLUMNS"])
        if (c.chain[k] <= 0) fail(`config.chain.${k}: expected a positive integer`);
      for (const f of ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"]) {
        const v = c.chain[`${f}_FORK_EPOCH`];
        if (v !== null && !isUint(v)) fail(`config.chain.${f}_FORK_EPOCH`);
      }
      const l = r.local;
      if (!isHex(l?.nodeId, 64) || !isUint(l.custodyGroupCount) || !Array.isArray(l.sampleGroups) || !Array.isArray(l.sampledSubnets)) fail("local");
      checkStatus(l.status, `line ${ln}: local.status`);
      if (r.metrics !== undefined && typeof r.metrics !== "boolean") fail("metrics: expected a boolean");
      header = r;
      return;
    }
    if (r.type === "event") {
      if (requireExpects && lastExpect !== seq) fail(`event ${seq} has no expect`);
      if (header.metrics === true && seq > 0 && lastMetrics !== seq) fail(`event ${seq} has no metrics record`);
      if (r.seq !== seq + 1) fail(`seq ${r.seq}, expected ${seq + 1}`);
      seq = r.seq;
      if (!isUint(r.t_ms) || r.t_ms < lastT) fail(`t_ms ${r.t_ms} goes back from ${lastT}`);
      lastT = r.t_ms;
      if (!EVENT_KINDS.has(r.kind)) fail(`unknown event kind ${r.kind}`);
      if (r.rand !== undefined && !(Array.isArray(r.rand) && r.rand.every((x) => typeof x === "number" && x >= 0 && x < 1))) fail("rand");
      for (const k of ["active_attnets", "active_syncnets"])
        if (r[k] !== undefined && !isSubnets(r[k])) fail(`${k}: expected an array of {"subnet":int,"toSlot":int}`);
      if (r.gossip_scores !== undefined && !isGossipScores(r.gossip_scores)) fail("gossip_scores: expected [peer, score] pairs");
      switch (r.kind) {
        case "connection_open":
          if (typeof r.peer !== "string" || typeof r.conn !== "string" || !VOCABULARY.directions.includes(r.direction)) fail("connection_open members");
          if (r.status !== undefined && !VOCABULARY.connection_statuses.includes(r.status)) fail("connection_open status");
          if ((r.key_type ?? "secp256k1") === "secp256k1" && !isHex(r.node_id, 64)) fail("node_id");
          break;
        case "connection_close":
          if (typeof r.peer !== "string" || typeof r.conn !== "string") fail("connection_close members");
          if (r.direction !== undefined && !VOCABULARY.directions.includes(r.direction)) fail("connection_close direction");
          break;
        case "request":
          if (typeof r.peer !== "string" || !METHODS.has(r.method)) fail("request members");
          if ((r.method === "ping" || r.method === "goodbye") && !isU64(r.body)) fail("request body: a uint64 decimal string");
          if (r.method === "status") checkStatus(r.body, `line ${ln}: body`);
          break;
        case "response":
          if (!isUint(r.req) || ("ok" in r) === ("error" in r)) fail("response members");
          if (!reqKinds.has(r.req)) fail(`response to request ${r.req} never made`);
          if (answered.has(r.req)) fail(`request ${r.req} answered twice`);
          answered.add(r.req);
          if ("ok" in r) checkResponseValue(r.ok, `line ${ln}: ok`);
          else if (typeof r.error !== "string") fail("response error");
          break;
        case "timer":
          if (!TIMERS.has(r.timer)) fail(`unknown timer ${r.timer}`);
          if ((r.timer === "goodbye_timeout") !== ("req" in r)) fail("timer req");
          if (r.timer === "goodbye_timeout" && reqKinds.get(r.req) !== "send_goodbye") fail("goodbye_timeout names no goodbye");
          break;
        case "report_peer":
          if (typeof r.peer !== "string" || !PEER_ACTIONS.has(r.action) || typeof r.action_name !== "string") fail("report_peer members");
          break;
        case "restatus_peers":
          if (!Array.isArray(r.peers)) fail("peers");
          break;
        case "local_status":
          checkStatus(r.status, `line ${ln}: status`);
          break;
        case "connection_status":
          if (typeof r.peer !== "string" || typeof r.conn !== "string" || !VOCABULARY.connection_statuses.includes(r.status)) fail("connection_status members");
          break;
        case "local_custody":
          if (!isUint(r.custody_group_count) || !Array.isArray(r.sample_groups) || !Array.isArray(r.sampled_subnets)) fail("local_custody members");
          break;
      }
      if ((r.kind === "connection_status" || r.kind === "local_custody") && header.format_version < 2) fail(`event kind ${r.kind} needs format_version 2`);
      return;
    }
    if (r.type === "expect") {
      if (r.seq !== seq || r.seq === lastExpect) fail(`expect ${r.seq} does not follow its event (last event ${seq})`);
      lastExpect = r.seq;
      expects++;
      if (!Array.isArray(r.actions)) fail("actions");
      for (const a of r.actions) {
        if (!ACTIONS.has(a.kind)) fail(`unknown action ${a.kind}`);
        actions++;
        if (REQ_ACTIONS.has(a.kind)) {
          if (a.req !== nextReq) fail(`req ${a.req}, expected ${nextReq}`);
          nextReq++;
          reqKinds.set(a.req, a.kind);
        }
        if (a.kind === "send_goodbye" && !isDec(a.reason)) fail("goodbye reason");
        if (a.kind === "send_status" || a.kind === "peer_connected") checkStatus(a.status, `line ${ln}: ${a.kind}.status`);
      }
      for (const e of r.scores ?? []) {
        for (const k of ["lodestar", "gossip", "score"]) if (!isSpelledNumber(e[k])) fail(`score ${k}`);
        if (typeof e.last_update_ms !== "number" || !Number.isFinite(e.last_update_ms)) fail("score last_update_ms");
        if (typeof e.peer !== "string" || typeof e.ignore_negative !== "boolean") fail("score entry");
      }
      if (r.scores_full && r.scores_removed?.length) fail("scores_removed with scores_full");
      return;
    }
    if (r.type === "metrics") {
      if (header.metrics !== true) fail("a metrics record, but the header lacks metrics: true");
      if (r.seq !== seq || r.seq === lastMetrics) fail(`metrics ${r.seq} does not follow its event (last event ${seq})`);
      lastMetrics = r.seq;
      checkMetrics(r, fail);
      return;
    }
    if (r.type === "end") {
      if (r.events !== seq) fail(`end says ${r.events} events, read ${seq}`);
      if (header.metrics === true && seq > 0 && lastMetrics !== seq) fail(`event ${seq} has no metrics record`);
      ended = r;
      return;
    }
    fail(`unknown record type ${r.type}`);
  });
  if (!header) throw new Error("no header");
  if (requireExpects && lastExpect !== seq) throw new Error(`event ${seq} has no expect`);
  return {header, events: seq, expects, actions, end: ended, requests: nextReq - 1};
}

const MAX_LINE_BYTES = 8 * 2 ** 20; // FORMAT.md §1
const MAX_NESTING = 128; // FORMAT.md §1, the record object is level 1

/** The deepest [ or { nesting of one JSON line, strings skipped. */
function nesting(line) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** A file's bytes, decompressed when it starts with a zstd or skippable-frame magic (FORMAT.md §1). */
function readFileBytes(file) {
  const buf = fs.readFileSync(file);
  const zst = buf.length >= 4 && buf[1] === 0x2a && buf[2] === 0x4d && buf[3] === 0x18 && (buf[0] & 0xf0) === 0x50;
  if (!zst && !(buf.length >= 4 && buf[0] === 0x28 && buf[1] === 0xb5 && buf[2] === 0x2f && buf[3] === 0xfd)) {
    if (file.endsWith(".zst")) throw new Error("not zstd-compressed: a file named .zst must start with a zstd frame");
    return buf;
  }
  // A bounded decompression: a zip bomb's first long line is an error long before it is all out.
  const r = spawnSync(ZSTD, ["-d", "-q", "-c"], {input: buf, maxBuffer: 16 * MAX_LINE_BYTES});
  if (r.error?.code === "ENOBUFS") {
    const nl = r.stdout.indexOf(0x0a);
    if (nl < 0 || nl > MAX_LINE_BYTES) throw new Error(`a line longer than the limit of ${MAX_LINE_BYTES} bytes`);
    throw new Error(`more than ${16 * MAX_LINE_BYTES} decompressed bytes in the first lines`);
  }
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`not a complete zstd stream: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/**
 * Checks a trace file as a reader reads it (FORMAT.md §1: zstd or plain, UTF-8, an optional BOM,
 * CRLF, the line and nesting limits), then its records as validateTrace does. Throws on the first
 * problem.
 */
export function validateTraceFile(file, opts = {}) {
  const bytes = readFileBytes(file);
  let text = new TextDecoder("utf-8", {fatal: true, ignoreBOM: false}).decode(bytes);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new Error(`line ${i + 1}: longer than the limit of ${MAX_LINE_BYTES} bytes`);
    if (nesting(line) > MAX_NESTING) throw new Error(`line ${i + 1}: nested deeper than ${MAX_NESTING} levels`);
  });
  text = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)).join("\n") + "\n";
  return validateTrace(text, opts);
}
