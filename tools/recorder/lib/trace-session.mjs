// TraceSession: the real Lodestar PeerManager driven by a trace's events instead of a scenario
// script (the conformance driver serve.mjs, docs/PROTOCOL.md). It is the recorder's Session with
// its configuration taken from a trace header and one method, step(event), that turns each event
// record back into the call the recorder made for it: the same mocks, fake clock and hooks, so
// Lodestar sees exactly what it saw while recording.
//
// The inputs an event carries (FORMAT.md §2.2) are fed back: `rand` through the Math.random
// source, `gossip_scores` and `active_*` through the mocked services. Session.end() then writes the
// event again as Lodestar consumed it; step() requires that record to equal the one given (same
// seq, t_ms, members and every input read, no more and no fewer draws), and returns the expect
// record Session wrote. Any difference, or a timer the trace fires that Lodestar does not have
// due, is a refusal (an Error), which serve.mjs answers with an error record.
import {createHash} from "node:crypto";
import {isDeepStrictEqual} from "node:util";
import {
  CustodyConfig,
  PeerManager,
  clock,
  createBeaconConfig,
  createChainForkConfig,
  defaultChainConfig,
  params,
  peerIdFromPrivateKey,
  peerIdFromString,
  privateKeyFromRaw,
  setRandomSource,
} from "./env.mjs";
import {fromHex, stringifyRecord, unspelledNumber} from "./codec.mjs";
import {PeerHandle, Session} from "./session.mjs";

const FORKS = ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"];
const CHAIN_CONFIG_KEYS = ["SLOT_DURATION_MS", "CUSTODY_REQUIREMENT", "SAMPLES_PER_SLOT", "NUMBER_OF_CUSTODY_GROUPS", "DATA_COLUMN_SIDECAR_SUBNET_COUNT"];
const INPUT_KEYS = ["rand", "active_attnets", "active_syncnets", "gossip_scores"];

/** Set while super() runs: Session's constructor calls buildConfig() before ours can store it. */
let headerForConstructor = null;

/** Collects the lines Session writes; step() takes the last event and expect from it. */
class LineCapture {
  constructor() {
    this.lines = [];
  }
  write(line) {
    this.lines.push(line);
  }
}

export class TraceSession extends Session {
  constructor(header) {
    const capture = new LineCapture();
    const c = header.config;
    headerForConstructor = header;
    try {
      super({
        scenario: header.scenario,
        seed: header.seed,
        writer: capture,
        config: {targetPeers: c.targetPeers, maxPeers: c.maxPeers, targetGroupPeers: c.targetGroupPeers, disablePeerScoring: c.disablePeerScoring, discovery: c.discovery, metrics: false, formatVersion: header.format_version},
      });
    } finally {
      headerForConstructor = null;
    }
    this.capture = capture;
    this.draws = [];
    setRandomSource(() => {
      // Past the recorded draws: any value; the re-written event then differs from the given one.
      this.overdrawn = true;
      return this.draws.length ? this.draws.shift() : 0.5;
    });
  }

  /** The header's configuration instead of the recorder's (Session.buildConfig). Refuses what it cannot build. */
  buildConfig() {
    const h = headerForConstructor;
    const c = h.config;
    for (const k of ["SLOTS_PER_EPOCH", "NUMBER_OF_COLUMNS"]) {
      if (c.chain[k] !== params[k]) throw new Error(`config.chain.${k} ${c.chain[k]}: this Lodestar's preset has ${params[k]}`);
    }
    const chain = {...defaultChainConfig};
    for (const k of CHAIN_CONFIG_KEYS) chain[k] = c.chain[k];
    for (const f of FORKS) chain[`${f}_FORK_EPOCH`] = c.chain[`${f}_FORK_EPOCH`] ?? Infinity;
    this.config = createBeaconConfig(createChainForkConfig(chain), new Uint8Array(32));
    this.genesisTime = c.genesisTime;
    // The local key reaches only PeerDiscovery (discv5), which the recorder never builds: any key will do.
    this.localPrivateKey = privateKeyFromRaw(createHash("sha256").update("peer-replay:local:serve").digest());
    this.localPeerId = peerIdFromPrivateKey(this.localPrivateKey);
    this.nodeId = fromHex(h.local.nodeId, 32);
    this.custodyConfig = new CustodyConfig({config: this.config, nodeId: this.nodeId, initialCustodyGroupCount: h.local.custodyGroupCount});
    for (const k of ["sampleGroups", "sampledSubnets"]) {
      const got = [...this.custodyConfig[k]];
      if (!isDeepStrictEqual(got, h.local[k])) throw new Error(`local.${k}: Lodestar computes ${JSON.stringify(got)} from nodeId and custodyGroupCount, the header has ${JSON.stringify(h.local[k])}`);
    }
    this.decayIntervalParam = c.gossipDecayIntervalMs;
    this.gossipDecayIntervalMs = c.gossipDecayIntervalMs;
    this.localStatusJson = h.local.status;
  }

  /** The handle of a peer named by its id string (created on first sight, as libp2p would know it). */
  handle(peerStr, keyType = "secp256k1", nodeId = null) {
    let h = this.peersByStr.get(peerStr);
    if (h) return h;
    h = new PeerHandle(peerStr, peerIdFromString(peerStr), nodeId, keyType);
    this.registerPeer(h);
    return h;
  }

  connFrom(r) {
    const h = this.handle(r.peer, r.key_type ?? "secp256k1", r.node_id ?? null);
    return {id: r.conn, remotePeer: h.id, direction: r.direction, status: r.status ?? "open", timeline: {open: Date.now()}};
  }

  mapAdd(conn) {
    const str = conn.remotePeer.toString();
    let e = this.conns.get(str);
    if (!e) this.conns.set(str, (e = {key: conn.remotePeer, value: []}));
    e.value.push(conn);
  }

  /** Removes connection `id` of `peer` from the map; the removed connection or null. */
  mapRemove(peer, id) {
    const e = this.conns.get(peer);
    const i = e ? e.value.findIndex((c) => c.id === id) : -1;
    if (i < 0) return null;
    const [c] = e.value.splice(i, 1);
    if (e.value.length === 0) this.conns.delete(peer);
    return c;
  }

  /** Fires the timers due up to `t` that the trace does not record (the beacon clock's slot timer). */
  async fireUnrecorded(t) {
    for (;;) {
      const first = clock.timerHeap?.peek();
      if (!first || first.callAt > t || first.func?.info?.label !== "slot") return first;
      clock.next();
      await this.settleMicrotasks();
      this.end();
    }
  }

  describe(timer) {
    const info = timer.func?.info ?? {label: "unknown"};
    return `timer ${info.label}${info.req != null ? ` (req ${info.req})` : ""}`;
  }

  /** Brings the clock to `ev.t_ms` as the recorder did, or refuses (a timer Lodestar has due that the trace skips). */
  async advanceFor(ev) {
    const t = ev.t_ms;
    // The recorder starts its clock where the scenario says, before any timer exists.
    if (ev.kind === "init" && clock.countTimers() === 0) clock.setSystemTime(t);
    if (t < clock.now) throw new Error(`t_ms ${t} is before Lodestar's clock ${clock.now}`);
    const first = await this.fireUnrecorded(t);
    if (ev.kind === "timer") {
      const info = first?.func?.info;
      if (!first || first.callAt !== t || info?.label !== ev.timer || (ev.timer === "goodbye_timeout" && info.req !== ev.req)) {
        const want = `timer ${ev.timer}${ev.timer === "goodbye_timeout" ? ` (req ${ev.req})` : ""}`;
        throw new Error(`the trace fires ${want} at t_ms ${t}; Lodestar's next timer is ${first ? `${this.describe(first)} at ${first.callAt}` : "none"}`);
      }
      return; // step() fires it with clock.next()
    }
    if (first && first.callAt <= t && (first.callAt < t || clock.now < t)) {
      throw new Error(`Lodestar has ${this.describe(first)} due at t_ms ${first.callAt}, but the trace fires no such timer before this event at t_ms ${t}`);
    }
    if (clock.now < t) clock.tick(t - clock.now);
  }

  /** Feeds one event record to Lodestar; returns the expect record line. Throws to refuse it. */
  async step(ev) {
    if (ev.seq !== this.seq + 1) throw new Error(`event seq ${ev.seq}: expected ${this.seq + 1}`);
    this.capture.lines.length = 0;
    await this.advanceFor(ev);
    this.draws = [...(ev.rand ?? [])];
    for (const [peer, v] of ev.gossip_scores ?? []) this.gossipScores.set(peer, unspelledNumber(v));
    if (ev.active_attnets) this.activeAttnets = ev.active_attnets;
    if (ev.active_syncnets) this.activeSyncnets = ev.active_syncnets;
    await this.dispatch(ev);
    const n = this.capture.lines.length;
    if (n < 2) throw new Error("Lodestar handled the event but no record was written for it");
    const written = JSON.parse(this.capture.lines[n - 2]);
    if (!isDeepStrictEqual(written, ev)) {
      throw new Error(`the event as Lodestar took it differs from the trace's: ${firstDifference(ev, written)}`);
    }
    return this.capture.lines[n - 1];
  }

  async dispatch(ev) {
    const members = {...ev};
    for (const k of ["type", "seq", "t_ms", ...INPUT_KEYS]) delete members[k];
    switch (ev.kind) {
      case "init":
        return this.initFrom(members);
      case "connection_open": {
        const conn = this.connFrom(ev);
        this.mapAdd(conn);
        return this.event(members, () => this.libp2pEvents.dispatchEvent(new CustomEvent("connection:open", {detail: conn})));
      }
      case "connection_close": {
        const h = this.handle(ev.peer);
        const conn = this.mapRemove(ev.peer, ev.conn) ?? {id: ev.conn, remotePeer: h.id, direction: ev.direction, timeline: {open: Date.now()}};
        conn.status = "closed";
        return this.event(members, () => this.libp2pEvents.dispatchEvent(new CustomEvent("connection:close", {detail: conn})));
      }
      case "request":
        return this.request(this.handle(ev.peer), ev.method, ev.body);
      case "response":
        if (!this.pending.has(ev.req)) throw new Error(`response to req ${ev.req}, which Lodestar is not awaiting`);
        return "error" in ev ? this.fail(ev.req, ev.error) : this.respond(ev.req, ev.ok);
      case "timer":
        clock.next();
        await this.settleMicrotasks();
        return this.end();
      case "report_peer":
        return this.reportPeer(this.handle(ev.peer), ev.action, ev.action_name);
      case "committee_subscriptions":
        return this.committeeSubscriptions();
      case "restatus_peers":
        return this.restatus(ev.peers);
      case "local_status":
        return this.localStatus(ev.status);
      case "goodbye_all":
        return this.goodbyeAll();
      case "connection_status":
        return this.connectionStatus(this.handle(ev.peer), ev.status, ev.conn);
      case "local_custody":
        return this.localCustody(ev.custody_group_count);
    }
    throw new Error(`unknown event kind ${ev.kind}`);
  }

  /** `init` (Session.init without the header and with the trace's connection ids). */
  async initFrom(members) {
    if (this.pm) throw new Error("a second init");
    const modules = this.buildModules();
    for (const r of members.connections ?? []) this.mapAdd(this.connFrom(r));
    const opts = {targetPeers: this.cfg.targetPeers, maxPeers: this.cfg.maxPeers, targetGroupPeers: this.cfg.targetGroupPeers, discv5: null};
    await this.event(members, () => {
      this.pm = new PeerManager(modules, opts, this.discovery);
    });
  }
}

/** "member: trace X, Lodestar Y" for the first member that differs (for the refusal message). */
function firstDifference(a, b, path = "") {
  if (isDeepStrictEqual(a, b)) return "";
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  const show = (v) => (v === undefined ? "(absent)" : stringifyRecord(v).slice(0, 200));
  return `${path || "(record)"}: trace ${show(a)}, Lodestar ${show(b)}`;
}
