// A JS checker of trace format v1 (traces/FORMAT.md), for the recorder's own tests. The reference
// parser is trace/trace_reader.*; this one checks the same structure plus what a recording must
// satisfy (request ids 1, 2, 3 in call order; every response answers an issued request once).
const EVENT_KINDS = new Set([
  "init",
  "connection_open",
  "connection_close",
  "request",
  "response",
  "timer",
  "report_peer",
  "committee_subscriptions",
  "restatus_peers",
  "local_status",
  "goodbye_all",
]);
const TIMERS = new Set(["startup_ping_status", "ping_status", "heartbeat", "gossip_scores", "goodbye_timeout"]);
const REQ_ACTIONS = new Set(["send_ping", "send_status", "send_metadata", "send_goodbye", "disconnect", "identify"]);
const ACTIONS = new Set([...REQ_ACTIONS, "tag_relevant", "untag_relevant", "peer_connected", "peer_disconnected", "discover_peers"]);
const PEER_ACTIONS = new Set(["Fatal", "LowToleranceError", "MidToleranceError", "HighToleranceError"]);

const isHex = (v, n) => typeof v === "string" && v.length === n && /^[0-9a-f]*$/.test(v);
const isUint = (v) => Number.isSafeInteger(v) && v >= 0;
const isDec = (v) => typeof v === "string" && /^-?[0-9]+$/.test(v);

function checkStatus(s, where) {
  if (!s || typeof s !== "object") throw new Error(`${where}: expected a Status`);
  if (!isHex(s.forkDigest, 8) || !isHex(s.finalizedRoot, 64) || !isHex(s.headRoot, 64)) throw new Error(`${where}: bad Status hex`);
  if (!isUint(s.finalizedEpoch) || !isUint(s.headSlot)) throw new Error(`${where}: bad Status integers`);
  if (s.earliestAvailableSlot !== undefined && !isUint(s.earliestAvailableSlot)) throw new Error(`${where}: bad earliestAvailableSlot`);
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
      if (r.format_version !== 1) fail("format_version");
      for (const k of ["name", "version", "mode"]) if (typeof r.producer?.[k] !== "string") fail(`producer.${k}`);
      if (!["scripted", "live", "engine"].includes(r.producer.mode)) fail("producer.mode");
      if (typeof r.scenario !== "string" || typeof r.seed !== "string") fail("scenario/seed");
      const c = r.config;
      for (const k of ["targetPeers", "maxPeers", "targetGroupPeers", "gossipDecayIntervalMs", "genesisTime"]) if (!isUint(c?.[k])) fail(`config.${k}`);
      for (const k of ["disablePeerScoring", "discovery"]) if (typeof c[k] !== "boolean") fail(`config.${k}`);
      for (const k of ["SLOTS_PER_EPOCH", "SLOT_DURATION_MS", "CUSTODY_REQUIREMENT", "SAMPLES_PER_SLOT", "NUMBER_OF_CUSTODY_GROUPS", "NUMBER_OF_COLUMNS", "DATA_COLUMN_SIDECAR_SUBNET_COUNT"])
        if (!isUint(c.chain?.[k])) fail(`config.chain.${k}`);
      for (const f of ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"]) {
        const v = c.chain[`${f}_FORK_EPOCH`];
        if (v !== null && !isUint(v)) fail(`config.chain.${f}_FORK_EPOCH`);
      }
      const l = r.local;
      if (!isHex(l?.nodeId, 64) || !isUint(l.custodyGroupCount) || !Array.isArray(l.sampleGroups) || !Array.isArray(l.sampledSubnets)) fail("local");
      checkStatus(l.status, `line ${ln}: local.status`);
      header = r;
      return;
    }
    if (r.type === "event") {
      if (requireExpects && lastExpect !== seq) fail(`event ${seq} has no expect`);
      if (r.seq !== seq + 1) fail(`seq ${r.seq}, expected ${seq + 1}`);
      seq = r.seq;
      if (!isUint(r.t_ms) || r.t_ms < lastT) fail(`t_ms ${r.t_ms} goes back from ${lastT}`);
      lastT = r.t_ms;
      if (!EVENT_KINDS.has(r.kind)) fail(`unknown event kind ${r.kind}`);
      if (r.rand && !r.rand.every((x) => typeof x === "number" && x >= 0 && x < 1)) fail("rand");
      switch (r.kind) {
        case "connection_open":
          if (typeof r.peer !== "string" || typeof r.conn !== "string" || !["inbound", "outbound"].includes(r.direction)) fail("connection_open members");
          if ((r.key_type ?? "secp256k1") === "secp256k1" && !isHex(r.node_id, 64)) fail("node_id");
          break;
        case "connection_close":
          if (typeof r.peer !== "string" || typeof r.conn !== "string") fail("connection_close members");
          if (r.direction !== undefined && !["inbound", "outbound"].includes(r.direction)) fail("connection_close direction");
          break;
        case "request":
          if (typeof r.peer !== "string" || typeof r.method !== "string") fail("request members");
          if ((r.method === "ping" || r.method === "goodbye") && !isDec(r.body)) fail("request body");
          if (r.method === "status") checkStatus(r.body, `line ${ln}: body`);
          break;
        case "response":
          if (!isUint(r.req) || ("ok" in r) === ("error" in r)) fail("response members");
          if (!reqKinds.has(r.req)) fail(`response to request ${r.req} never made`);
          if (answered.has(r.req)) fail(`request ${r.req} answered twice`);
          answered.add(r.req);
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
      }
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
        for (const k of ["lodestar", "gossip", "score", "last_update_ms"]) if (typeof e[k] !== "number" || !Number.isFinite(e[k])) fail(`score ${k}`);
        if (typeof e.peer !== "string" || typeof e.ignore_negative !== "boolean") fail("score entry");
      }
      if (r.scores_full && r.scores_removed?.length) fail("scores_removed with scores_full");
      return;
    }
    if (r.type === "end") {
      if (r.events !== seq) fail(`end says ${r.events} events, read ${seq}`);
      ended = r;
      return;
    }
    fail(`unknown record type ${r.type}`);
  });
  if (!header) throw new Error("no header");
  if (requireExpects && lastExpect !== seq) throw new Error(`event ${seq} has no expect`);
  return {header, events: seq, expects, actions, end: ended, requests: nextReq - 1};
}
