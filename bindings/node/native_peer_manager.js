// NativePeerManager: Lodestar 1.44.0's PeerManager (network/peers/peerManager.ts)
// with the engine deciding. It takes the same modules and options, listens
// to the same module events and makes the same module calls; in between, every
// input becomes an event for the engine (traces/FORMAT.md §3.1) and every
// action the engine returns becomes the module call TS would have made
// (§3.2). The recorder (tools/recorder/lib/session.mjs) maps module calls to
// actions; this file is that mapping reversed.
//
// Owned here: the event stream (seq, t_ms), the one timer armed for the
// engine's next due timer, the PeerId objects the module calls take, and the
// pending module promises by request id. Owned by the engine: everything
// PeerManager decides (connected peers, scores, timers, requests).
//
// What differs from the TS PeerManager, on purpose:
//  - time: each event's t_ms is nativeOpts.now() (default Date.now(), so
//    fake timers work); a timer is stepped at the time it was due;
//  - Math.random() is called only when the engine asks for a draw, as many
//    times as the TS would call it;
//  - the score store and peersData are the engine's: modules.peerRpcScores
//    and modules.peersData are not written (dumpPeerScoreStats() reads the
//    engine's), and metrics are the engine's (metrics() gives Prometheus text).
"use strict";

const {spelledNumber, unspelledNumber} = require("./compare.js");

const kPeerRelevantTag = "relevant";
const kPeerRelevantTagValue = 100;
const kHeartbeatIntervalMs = 30_000;
const kCheckPingStatusIntervalMs = 10_000;
const kGoodbyeTimeoutMs = 1_000; // withTimeout(sendGoodbye, 1_000)
const kMainnetPreset = Object.freeze({SLOTS_PER_EPOCH: 32, NUMBER_OF_COLUMNS: 128});
const kForks = ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"];
const kPeerActions = new Set(["Fatal", "LowToleranceError", "MidToleranceError", "HighToleranceError"]);
// NetworkEvent and Libp2pEvent names (network/events.ts, network/libp2p/events).
const kEventPeerConnected = "peer-manager.peer-connected";
const kEventPeerDisconnected = "peer-manager.peer-disconnected";
const kEventReqRespRequest = "req-resp.request";

const toHex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, "hex"));

// Values between TS objects and trace JSON (FORMAT.md §3.3), as the recorder's codec.mjs.
function encStatus(s) {
  const o = {
    forkDigest: toHex(s.forkDigest),
    finalizedRoot: toHex(s.finalizedRoot),
    finalizedEpoch: s.finalizedEpoch,
    headRoot: toHex(s.headRoot),
    headSlot: s.headSlot,
  };
  if (s.earliestAvailableSlot !== undefined) o.earliestAvailableSlot = s.earliestAvailableSlot;
  return o;
}
function decStatus(o) {
  const s = {
    forkDigest: fromHex(o.forkDigest),
    finalizedRoot: fromHex(o.finalizedRoot),
    finalizedEpoch: o.finalizedEpoch,
    headRoot: fromHex(o.headRoot),
    headSlot: o.headSlot,
  };
  if (o.earliestAvailableSlot !== undefined) s.earliestAvailableSlot = o.earliestAvailableSlot;
  return s;
}
function encMetadata(m) {
  const o = {seqNumber: m.seqNumber.toString(), attnets: toHex(m.attnets.uint8Array)};
  if (m.syncnets !== undefined) o.syncnets = toHex(m.syncnets.uint8Array);
  if (m.custodyGroupCount !== undefined) o.custodyGroupCount = String(m.custodyGroupCount);
  return o;
}
// A settled module promise's value as the response's `ok`, by the kind of call.
const kEncodeOk = {
  send_ping: (v) => v.toString(),
  send_status: encStatus,
  send_metadata: encMetadata,
  send_goodbye: () => null,
  disconnect: () => null,
  identify: (v) => (typeof v?.agentVersion === "string" ? {agentVersion: v.agentVersion} : {}),
};
// JSON text of an event; a gossip score keeps the sign of -0 and spells what JSON cannot carry (FORMAT.md §4).
function eventText(ev) {
  const plain = (v) => Number.isFinite(v) && !Object.is(v, -0);
  if (ev.gossip_scores === undefined || ev.gossip_scores.every(([, v]) => plain(v))) return JSON.stringify(ev);
  const scores = ev.gossip_scores.map(([p, v]) => `[${JSON.stringify(p)},${Object.is(v, -0) ? "-0.0" : JSON.stringify(spelledNumber(v))}]`);
  return JSON.stringify({...ev, gossip_scores: "\u0000"}).replace('"\\u0000"', `[${scores.join(",")}]`);
}

function fail(where, what) {
  throw new TypeError(`NativePeerManager: ${where}: ${what}`);
}
function checkFunction(obj, key, where) {
  if (obj === null || typeof obj !== "object" || typeof obj[key] !== "function") fail(`${where}.${key}`, "expected a function");
}
function checkObject(v, where) {
  if (v === null || typeof v !== "object") fail(where, `expected an object, got ${v === null ? "null" : typeof v}`);
}
// The modules the TS PeerManager reads, checked before anything is set up.
function checkModules(modules, opts, discovery) {
  checkObject(modules, "modules");
  checkObject(opts, "opts");
  checkObject(modules.libp2p, "modules.libp2p");
  checkObject(modules.libp2p.services, "modules.libp2p.services");
  checkObject(modules.libp2p.services.components, "modules.libp2p.services.components");
  checkFunction(modules.libp2p.services.components.events, "addEventListener", "modules.libp2p.services.components.events");
  checkFunction(modules.libp2p.services.components.connectionManager, "getConnectionsMap", "modules.libp2p.services.components.connectionManager");
  checkFunction(modules.libp2p.services.identify, "identify", "modules.libp2p.services.identify");
  checkFunction(modules.libp2p.peerStore, "merge", "modules.libp2p.peerStore");
  checkFunction(modules.libp2p, "hangUp", "modules.libp2p");
  for (const m of ["sendPing", "sendStatus", "sendMetadata", "sendGoodbye"]) checkFunction(modules.reqResp, m, "modules.reqResp");
  checkFunction(modules.gossip, "getScore", "modules.gossip");
  checkObject(modules.gossip.scoreParams, "modules.gossip.scoreParams");
  checkFunction(modules.attnetsService, "getActiveSubnets", "modules.attnetsService");
  checkFunction(modules.syncnetsService, "getActiveSubnets", "modules.syncnetsService");
  checkFunction(modules.statusCache, "get", "modules.statusCache");
  checkObject(modules.clock, "modules.clock");
  if (!Number.isSafeInteger(modules.clock.genesisTime)) fail("modules.clock.genesisTime", "expected an integer (seconds)");
  checkFunction(modules.events, "emit", "modules.events");
  checkFunction(modules.events, "on", "modules.events");
  checkObject(modules.networkConfig, "modules.networkConfig");
  checkObject(modules.networkConfig.config, "modules.networkConfig.config");
  checkObject(modules.networkConfig.custodyConfig, "modules.networkConfig.custodyConfig");
  if (!(modules.networkConfig.nodeId instanceof Uint8Array) || modules.networkConfig.nodeId.length !== 32) {
    fail("modules.networkConfig.nodeId", "expected a Uint8Array of 32 bytes");
  }
  for (const k of ["targetPeers", "maxPeers", "targetGroupPeers"]) {
    if (!Number.isSafeInteger(opts[k]) || opts[k] < 0) fail(`opts.${k}`, `expected a non-negative integer, got ${opts[k]}`);
  }
  if (discovery !== null && discovery !== undefined) checkFunction(discovery, "discoverPeers", "discovery");
}

/** @param {object} native the loaded addon */
module.exports = function nativePeerManagerApi(native) {
  class NativePeerManager {
    /**
     * As Lodestar's `new PeerManager(modules, opts, discovery)`.
     * @param {object} modules libp2p, reqResp, gossip, attnetsService, syncnetsService, statusCache, clock,
     *   networkConfig, events (and logger, metrics, peerRpcScores, peersData, which are accepted and not used)
     * @param {{targetPeers: number, maxPeers: number, targetGroupPeers: number, disablePeerScoring?: boolean}} opts
     * @param {object|null} discovery a PeerDiscovery ({discoverPeers, stop}) or null
     * @param {{computeNodeId?: (peerId) => Uint8Array, now?: () => number, params?: object}} [nativeOpts]
     */
    constructor(modules, opts, discovery = null, nativeOpts = {}) {
      checkModules(modules, opts, discovery);
      checkObject(nativeOpts, "nativeOpts");
      if (nativeOpts.computeNodeId !== undefined && typeof nativeOpts.computeNodeId !== "function") fail("nativeOpts.computeNodeId", "expected a function");
      if (nativeOpts.now !== undefined && typeof nativeOpts.now !== "function") fail("nativeOpts.now", "expected a function returning ms");
      this.libp2p = modules.libp2p;
      this.reqResp = modules.reqResp;
      this.gossip = modules.gossip;
      this.attnetsService = modules.attnetsService;
      this.syncnetsService = modules.syncnetsService;
      this.statusCache = modules.statusCache;
      this.networkConfig = modules.networkConfig;
      this.networkEventBus = modules.events;
      this.discovery = discovery ?? null;
      this.logger = modules.logger ?? null;
      this.opts = opts;
      this._computeNodeId = nativeOpts.computeNodeId ?? null;
      this._now = nativeOpts.now ?? (() => Date.now());
      this._seq = 0;
      this._tMs = -1;
      this._pending = new Map(); // req -> kind, while its module promise is unsettled
      this._peerIds = new Map(); // peerIdStr -> the PeerId object module calls take
      this._conns = new Map(); // connection id -> {conn, peer, status}: statuses the engine was told
      this._intervals = []; // the three setIntervals, as Lodestar's constructor makes them
      this._goodbyeTimeouts = new Map(); // goodbye req -> its withTimeout setTimeout
      this._startupTimeout = null;
      this._goodbyeWaiters = [];
      this._closed = false;
      this._draw = (count) => {
        const out = new Float64Array(count);
        for (let k = 0; k < count; k++) out[k] = Math.random();
        return out;
      };
      const custody = this.networkConfig.custodyConfig;
      this._custody = {count: custody.targetCustodyGroupCount, groups: custody.sampleGroups};
      this._status = this.statusCache.get();
      this._statusText = JSON.stringify(encStatus(this._status));
      this._native = native;
      this._handle = native.create(JSON.stringify(this._header(modules, opts, nativeOpts)));

      this.onLibp2pPeerConnect = (evt) => this._input(() => this._connectionOpenEvent(evt.detail));
      this.onLibp2pPeerDisconnect = (evt) => this._input(() => this._connectionCloseEvent(evt.detail));
      this.onRequest = ({peer, request}) => this._input(() => this._requestEvent(peer, request));
      const events = this.libp2p.services.components.events;
      events.addEventListener("connection:open", this.onLibp2pPeerConnect);
      events.addEventListener("connection:close", this.onLibp2pPeerDisconnect);
      this.networkEventBus.on(kEventReqRespRequest, this.onRequest);
      // Lodestar's constructor: callInNextEventLoop(pingAndStatusTimeouts), heartbeat(), then the intervals.
      this._startupTimeout = setTimeout(this._timerCallback("startup_ping_status"), 0);
      this._input(() => this._initEvent());
      const decayMs = this.gossip.scoreParams.decayInterval ?? kHeartbeatIntervalMs;
      this._intervals = [
        setInterval(this._timerCallback("ping_status"), kCheckPingStatusIntervalMs),
        setInterval(this._timerCallback("heartbeat"), kHeartbeatIntervalMs),
        setInterval(this._timerCallback("gossip_scores"), decayMs),
      ];
    }

    /**
     * As Lodestar's `PeerManager.init(modules, opts)`: discovery is built by the caller (`nativeOpts.discovery`,
     * default none: Lodestar builds a discv5 PeerDiscovery when `opts.discv5` is set, which this package does not);
     * computeNodeId defaults to @chainsafe/enr's (a dependency of @lodestar/beacon-node), resolved from the
     * calling project.
     */
    static async init(modules, opts, nativeOpts = {}) {
      checkObject(nativeOpts, "nativeOpts");
      let computeNodeId = nativeOpts.computeNodeId;
      if (computeNodeId === undefined) {
        let enr;
        try {
          enr = await import(require.resolve("@chainsafe/enr", {paths: [process.cwd(), __dirname]}));
        } catch (e) {
          throw new Error("NativePeerManager.init: nativeOpts.computeNodeId not given and @chainsafe/enr not found: " + e.message);
        }
        computeNodeId = (peerId) => fromHex(enr.getV4Crypto().nodeId(peerId.publicKey.raw));
      }
      return new NativePeerManager(modules, opts, nativeOpts.discovery ?? null, {...nativeOpts, computeNodeId});
    }

    // ---------------------------------------------------------------- Lodestar's public methods
    async close() {
      if (this._closed) return;
      this._closed = true;
      await this.discovery?.stop?.();
      const events = this.libp2p.services.components.events;
      events.removeEventListener("connection:open", this.onLibp2pPeerConnect);
      events.removeEventListener("connection:close", this.onLibp2pPeerDisconnect);
      this.networkEventBus.off?.(kEventReqRespRequest, this.onRequest);
      for (const interval of this._intervals) clearInterval(interval);
      clearTimeout(this._startupTimeout);
      for (const t of this._goodbyeTimeouts.values()) clearTimeout(t);
      this._goodbyeTimeouts.clear();
    }

    /** Peers with at least one connection in status "open", as libp2p's connection map holds them. */
    getConnectedPeerIds() {
      const out = [];
      for (const {key, value} of this._connectionsMap().values()) {
        if (value.some((c) => c.status === "open")) out.push(key);
      }
      return out;
    }

    hasSomeConnectedPeer() {
      for (const {value} of this._connectionsMap().values()) if (value.some((c) => c.status === "open")) return true;
      return false;
    }

    /** Resolves once every goodbye this call sent has ended in its disconnect. */
    goodbyeAndDisconnectAllPeers() {
      const sent = [];
      this._input(() => {
        const actions = this._step({kind: "goodbye_all"});
        for (const a of actions) if (a.kind === "send_goodbye") sent.push(a.peer);
      });
      if (sent.length === 0) return Promise.resolve();
      return new Promise((resolve) => this._goodbyeWaiters.push({peers: new Set(sent), resolve}));
    }

    onCommitteeSubscriptions() {
      this._input(() => this._step({kind: "committee_subscriptions", ...this._heartbeatInputs()}));
    }

    reportPeer(peer, action, actionName) {
      if (peer === null || typeof peer !== "object" || typeof peer.toString !== "function") fail("reportPeer: peer", "expected a PeerId");
      if (!kPeerActions.has(action)) fail("reportPeer: action", `expected a PeerAction (${[...kPeerActions].join(", ")}), got ${String(action)}`);
      if (typeof actionName !== "string") fail("reportPeer: actionName", "expected a string");
      const str = peer.toString();
      this._input(() => {
        if (!this._peerIds.has(str)) this._peerIds.set(str, peer);
        this._step({kind: "report_peer", peer: str, action, action_name: actionName});
      });
    }

    reStatusPeers(peers) {
      if (!Array.isArray(peers) || !peers.every((p) => typeof p === "string")) fail("reStatusPeers: peers", "expected an array of PeerIdStr");
      this._input(() => this._step({kind: "restatus_peers", peers}));
    }

    /** dumpPeerScoreStats() in Lodestar's shape (PeerScoreStat[]), from the engine's store. */
    dumpPeerScoreStats() {
      return JSON.parse(native.scores(this._handle)).map((e) => ({
        peerId: e.peer,
        lodestarScore: unspelledNumber(e.lodestar),
        gossipScore: unspelledNumber(e.gossip),
        ignoreNegativeGossipScore: e.ignore_negative,
        score: unspelledNumber(e.score),
        lastUpdate: e.last_update_ms,
      }));
    }

    /** The engine's peer-manager metrics, Prometheus text format 0.0.4. */
    metrics() {
      return native.metrics(this._handle);
    }

    // ---------------------------------------------------------------- events in
    // Runs one input: first what changed behind the engine's back (timers now due, the chain's status,
    // custody, connection statuses), then the input itself.
    _input(run) {
      if (this._closed) return;
      this._fireDueTimers(this._now(), false);
      this._syncReads();
      run();
      this._clearEndedGoodbyeTimeouts();
    }

    _header(modules, opts, nativeOpts) {
      const c = this.networkConfig.config;
      const params = nativeOpts.params ?? kMainnetPreset;
      const chain = {
        SLOTS_PER_EPOCH: params.SLOTS_PER_EPOCH,
        SLOT_DURATION_MS: c.SLOT_DURATION_MS,
        CUSTODY_REQUIREMENT: c.CUSTODY_REQUIREMENT,
        SAMPLES_PER_SLOT: c.SAMPLES_PER_SLOT,
        NUMBER_OF_CUSTODY_GROUPS: c.NUMBER_OF_CUSTODY_GROUPS,
        NUMBER_OF_COLUMNS: params.NUMBER_OF_COLUMNS,
        DATA_COLUMN_SIDECAR_SUBNET_COUNT: c.DATA_COLUMN_SIDECAR_SUBNET_COUNT,
      };
      for (const f of kForks) {
        const v = c[`${f}_FORK_EPOCH`];
        chain[`${f}_FORK_EPOCH`] = Number.isFinite(v) ? v : null;
      }
      const custody = this.networkConfig.custodyConfig;
      return {
        type: "header",
        format: "peer-replay-trace",
        format_version: 2,
        producer: {name: "peer-replay-node", version: "0.1.0", mode: "scripted"},
        scenario: "native-peer-manager",
        seed: "0",
        config: {
          targetPeers: opts.targetPeers,
          maxPeers: opts.maxPeers,
          targetGroupPeers: opts.targetGroupPeers,
          gossipDecayIntervalMs: this.gossip.scoreParams.decayInterval ?? kHeartbeatIntervalMs,
          disablePeerScoring: Boolean(opts.disablePeerScoring ?? nativeOpts.disablePeerScoring ?? false),
          genesisTime: modules.clock.genesisTime,
          discovery: this.discovery !== null,
          chain,
        },
        local: {
          nodeId: toHex(this.networkConfig.nodeId),
          custodyGroupCount: custody.targetCustodyGroupCount,
          sampleGroups: [...custody.sampleGroups],
          sampledSubnets: [...custody.sampledSubnets],
          status: encStatus(this._status),
        },
        metrics: true,
      };
    }

    _connectionsMap() {
      return this.libp2p.services.components.connectionManager.getConnectionsMap().map;
    }

    _connectionRecord(c) {
      const peerId = c.remotePeer;
      const peer = peerId.toString();
      this._peerIds.set(peer, peerId);
      const r = {peer, conn: c.id, direction: c.direction};
      const keyType = peerId.type ?? "secp256k1";
      if (keyType === "secp256k1") {
        if (this._computeNodeId === null) throw new Error("NativePeerManager: a secp256k1 peer connected and nativeOpts.computeNodeId was not given");
        r.node_id = toHex(this._computeNodeId(peerId));
      } else {
        r.key_type = keyType;
      }
      if (c.status !== "open") r.status = c.status;
      this._conns.set(c.id, {id: c.id, conn: c, peer, status: c.status});
      return r;
    }

    _heartbeatInputs() {
      // The heartbeat reads both services once (attnets first), whatever else it does.
      const sub = (list) => list.map(({subnet, toSlot}) => ({subnet, toSlot}));
      return {active_attnets: sub(this.attnetsService.getActiveSubnets()), active_syncnets: sub(this.syncnetsService.getActiveSubnets())};
    }

    _initEvent() {
      const connections = [];
      for (const {value} of this._connectionsMap().values()) for (const c of value) connections.push(this._connectionRecord(c));
      const ev = {kind: "init"};
      if (connections.length > 0) ev.connections = connections;
      this._step({...ev, ...this._heartbeatInputs()});
    }

    _connectionOpenEvent(c) {
      this._step({kind: "connection_open", ...this._connectionRecord(c)});
    }

    _connectionCloseEvent(c) {
      this._conns.delete(c.id);
      const peer = c.remotePeer.toString();
      if (!this._peerIds.has(peer)) this._peerIds.set(peer, c.remotePeer); // a connection it never saw open
      this._step({kind: "connection_close", peer, conn: c.id, direction: c.direction});
    }

    _requestEvent(peerId, request) {
      const peer = peerId.toString();
      if (!this._peerIds.has(peer)) this._peerIds.set(peer, peerId);
      const ev = {kind: "request", peer, method: request.method};
      if (request.method === "status") ev.body = encStatus(request.body);
      else if (request.method === "ping" || request.method === "goodbye") ev.body = request.body.toString();
      this._step(ev);
    }

    // statusCache, custodyConfig and connection statuses change without telling the peer manager, which
    // reads them when it runs: the engine hears of a change before the next input it runs.
    _syncReads() {
      if (this._seq === 0) return; // before init, which reads them all
      const status = this.statusCache.get();
      if (status !== this._status) {
        // A new object: a change if its value differs (a cache may hand out copies).
        this._status = status;
        const text = JSON.stringify(encStatus(status));
        if (text !== this._statusText) {
          this._statusText = text;
          this._step({kind: "local_status", status: JSON.parse(text)});
        }
      }
      const custody = this.networkConfig.custodyConfig;
      if (custody.targetCustodyGroupCount !== this._custody.count || custody.sampleGroups !== this._custody.groups) {
        const same = custody.targetCustodyGroupCount === this._custody.count && custody.sampleGroups.join() === this._custody.groups.join();
        this._custody = {count: custody.targetCustodyGroupCount, groups: custody.sampleGroups};
        if (same) return this._syncConnectionStatuses();
        this._step({
          kind: "local_custody",
          custody_group_count: custody.targetCustodyGroupCount,
          sample_groups: [...custody.sampleGroups],
          sampled_subnets: [...custody.sampledSubnets],
        });
      }
      this._syncConnectionStatuses();
    }

    _syncConnectionStatuses() {
      for (const known of this._conns.values()) {
        if (known.conn.status !== known.status) {
          known.status = known.conn.status;
          this._step({kind: "connection_status", peer: known.peer, conn: known.id, status: known.status});
        }
      }
    }

    // ---------------------------------------------------------------- the engine
    /** Steps one event at the current time (or `tMs`); carries out its actions; returns them. */
    _step(ev, tMs = undefined) {
      const t = tMs ?? Math.max(this._now(), this._tMs);
      const record = {type: "event", seq: ++this._seq, t_ms: t, ...ev};
      const actions = JSON.parse(native.step(this._handle, eventText(record), this._draw));
      this._tMs = t;
      for (const a of actions) this._act(a);
      return actions;
    }

    _peerId(peer) {
      const id = this._peerIds.get(peer);
      if (id === undefined) throw new Error(`NativePeerManager: the engine acted on ${peer}, whose PeerId it was never given`);
      return id;
    }

    // One action: the module call TS makes (FORMAT.md §3.2).
    _act(a) {
      switch (a.kind) {
        case "send_ping": return this._await(a, () => this.reqResp.sendPing(this._peerId(a.peer)));
        case "send_status": return this._await(a, () => this.reqResp.sendStatus(this._peerId(a.peer), decStatus(a.status)));
        case "send_metadata": return this._await(a, () => this.reqResp.sendMetadata(this._peerId(a.peer)));
        case "send_goodbye":
          this._goodbyeTimeouts.set(a.req, setTimeout(this._timerCallback("goodbye_timeout", a.req), kGoodbyeTimeoutMs));
          return this._await(a, () => this.reqResp.sendGoodbye(this._peerId(a.peer), BigInt(a.reason)));
        case "disconnect": return this._await(a, () => this.libp2p.hangUp(this._peerId(a.peer)));
        case "identify": return this._await(a, () => this.libp2p.services.identify.identify(this._connectionsMap().get(a.peer).value[0]));
        case "tag_relevant":
          return this._merge(a.peer, {tags: {[kPeerRelevantTag]: {ttl: undefined, value: kPeerRelevantTagValue}}});
        case "untag_relevant":
          return this._merge(a.peer, {tags: {[kPeerRelevantTag]: undefined}});
        case "peer_connected":
          return this.networkEventBus.emit(kEventPeerConnected, {
            peer: a.peer,
            status: decStatus(a.status),
            clientAgent: a.client,
            custodyColumns: a.custody_columns,
          });
        case "peer_disconnected":
          return this.networkEventBus.emit(kEventPeerDisconnected, {peer: a.peer});
        case "discover_peers":
          return this.discovery.discoverPeers(
            a.peers_to_connect,
            new Map(a.custody_group_queries),
            a.subnet_queries.map((q) => ({subnet: q.subnet, type: q.type, maxPeersToDiscover: q.max_peers_to_discover, toUnixMs: q.to_unix_ms}))
          );
      }
      throw new Error(`NativePeerManager: unknown action ${a.kind}`);
    }

    _merge(peer, data) {
      this.libp2p.peerStore.merge(this._peerId(peer), data).catch((e) => this.logger?.verbose?.("cannot tag peer", {peerId: peer}, e));
    }

    // A module call TS awaits: its settling is a response event for the engine.
    _await(a, call) {
      this._pending.set(a.req, a.kind);
      const settle = (ev) => {
        if (this._closed || !this._pending.has(a.req)) return;
        this._pending.delete(a.req);
        this._input(() => this._step({kind: "response", req: a.req, ...ev}));
        if (a.kind === "disconnect") this._noteDisconnected(a.peer);
      };
      let p;
      try {
        p = Promise.resolve(call());
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (v) => settle({ok: kEncodeOk[a.kind](v)}),
        (e) => settle({error: String(e?.message ?? e)})
      );
    }

    _noteDisconnected(peer) {
      this._goodbyeWaiters = this._goodbyeWaiters.filter((w) => {
        w.peers.delete(peer);
        if (w.peers.size > 0) return true;
        w.resolve();
        return false;
      });
    }

    // ---------------------------------------------------------------- timers
    _nextTimer() {
      return JSON.parse(native.timers(this._handle)).timers[0] ?? null;
    }

    // Steps every engine timer due before `tMs` (at `tMs` too when `inclusive`), in Lodestar's order, each at
    // the time it was due: what Node would have run had it not been late. Runs before every input, and
    // mostly finds nothing due: the earliest due time (a number) says so without the timers' JSON.
    _fireDueTimers(tMs, inclusive) {
      for (;;) {
        const due = native.nextDue(this._handle);
        if (due === null || due > tMs || (!inclusive && due === tMs)) return;
        this._fireTimer(this._nextTimer());
      }
    }

    _fireTimer(t) {
      const ev = {kind: "timer", timer: t.timer};
      if (t.req !== undefined) ev.req = t.req;
      if (t.timer === "heartbeat") Object.assign(ev, this._heartbeatInputs());
      if (t.timer === "gossip_scores") {
        ev.gossip_scores = JSON.parse(native.connectedPeers(this._handle)).map((p) => [p, this.gossip.getScore(p)]);
      }
      this._step(ev, t.t_ms);
    }

    // The timers are Lodestar's (the same setTimeout/setInterval calls, in the same order, so @sinonjs/fake-timers
    // fires them in the same order); each callback steps the engine's timer of that kind when it is due. A
    // callback that comes late (a busy event loop) finds its timer already fired by the input that came first.
    // `peerReplayTimer` names the callback's timer (the recorder labels timers by it).
    _timerCallback(timer, req = undefined) {
      const fire = () => {
        if (timer === "goodbye_timeout") this._goodbyeTimeouts.delete(req);
        this._input(() => {
          const now = this._now();
          const due = JSON.parse(native.timers(this._handle)).timers.find((t) => t.timer === timer && t.req === req && t.t_ms <= now);
          if (due !== undefined) this._fireTimer(due);
        });
      };
      fire.peerReplayTimer = {label: timer, req: req ?? null};
      return fire;
    }

    // withTimeout clears its sleep once the goodbye settles: the engine has then dropped that timer.
    _clearEndedGoodbyeTimeouts() {
      if (this._goodbyeTimeouts.size === 0) return;
      const armed = new Set(JSON.parse(native.timers(this._handle)).timers.filter((t) => t.timer === "goodbye_timeout").map((t) => t.req));
      for (const [req, handle] of this._goodbyeTimeouts) {
        if (armed.has(req)) continue;
        clearTimeout(handle);
        this._goodbyeTimeouts.delete(req);
      }
    }
  }
  return {NativePeerManager};
};
