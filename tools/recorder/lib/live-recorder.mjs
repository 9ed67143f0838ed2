// The live recorder: wraps a running PeerManager's modules and writes trace format v1 with
// producer.mode "live". Loaded into a beacon node by live.mjs; no fake clock, no seeded random:
// it records what the real node gave the peer manager (times, Math.random draws consumed by the
// heartbeat, gossip scores, active subnets, request outcomes) and what the peer manager did.
//
// Event boundaries in a live process: an event begins when an input reaches the PeerManager (a
// libp2p connection event, a req/resp request, a timer callback, a public method call, a module
// promise settling) and ends when the next one begins or at the next setImmediate, whichever is
// first. Settled module promises are handed to Lodestar one per macrotask (setImmediate), so the
// continuations of one response cannot interleave with another's.
import {threadId} from "node:worker_threads";
import path from "node:path";
import fs from "node:fs";
import {encMetadata, encScore, encStatus, encSubnets, sameScore, spelledNumber, stringifyRecord, toHex, traceHeader} from "./codec.mjs";
import {LiveTraceWriter} from "./live-writer.mjs";
import {Pseudonymizer} from "./live-privacy.mjs";
import {LiveShadow, shadowEnabled} from "./live-shadow.mjs";

function lodestarPackagesNear(url) {
  // .../node_modules/@lodestar/beacon-node/lib/network/peers/peerManager.js -> .../node_modules/@lodestar
  const out = {};
  try {
    const file = new URL(url).pathname;
    const beaconNode = path.resolve(path.dirname(file), "..", "..", "..");
    const scope = path.dirname(beaconNode);
    for (const name of fs.readdirSync(scope).sort()) {
      try {
        const pj = JSON.parse(fs.readFileSync(path.join(scope, name, "package.json"), "utf8"));
        if (pj.name?.startsWith("@lodestar/")) out[pj.name] = pj.version;
      } catch {}
    }
    if (!out["@lodestar/beacon-node"]) {
      const pj = JSON.parse(fs.readFileSync(path.join(beaconNode, "package.json"), "utf8"));
      out[pj.name] = pj.version;
    }
  } catch {}
  return out;
}

function outPath() {
  const name = `peer-replay-live-${process.pid}-${threadId}-${Date.now()}.jsonl.zst`;
  const o = process.env.PEER_REPLAY_LIVE_OUT;
  if (!o) return path.resolve(name);
  if (o.endsWith(".jsonl") || o.endsWith(".zst")) return path.resolve(o);
  fs.mkdirSync(o, {recursive: true});
  return path.join(path.resolve(o), name);
}

class LiveRecorder {
  constructor(pm, extra) {
    this.pm = pm;
    this.extra = extra;
    this.seq = 0;
    this.reqId = 0;
    this.cur = null;
    this.depth = 0; // > 0 while the PeerManager's synchronous code of an event runs
    this.lastT = 0;
    this.prevScores = new Map();
    this.dirty = new Set();
    this.dirtyAll = true;
    this.closed = false;
    this.frozenT = null; // the response event's t_ms while its continuations run (continuations())
    this.expectGoodbyeTimer = null;
    this.conns = new Map(); // connection id -> status last recorded (connection_status, FORMAT.md §9)
    this.warned = new Set();
    this.file = outPath();
    const env = process.env;
    this.pseudonyms = Pseudonymizer.fromEnv(env.PEER_REPLAY_LIVE_PSEUDONYMIZE);
    this.writer = new LiveTraceWriter(this.file, {
      level: 3,
      chunkBytes: 8 << 20,
      rotateBytes: Number(env.PEER_REPLAY_LIVE_ROTATE_BYTES ?? 256 << 20),
      rotateMs: Number(env.PEER_REPLAY_LIVE_ROTATE_MS ?? 3_600_000),
      maxBytes: Number(env.PEER_REPLAY_LIVE_MAX_BYTES ?? 16 * 2 ** 30),
    });
    this.shadow = shadowEnabled(env) ? new LiveShadow(this, env) : null; // sees every record emit() writes
    const flushMs = Number(env.PEER_REPLAY_LIVE_FLUSH_MS ?? 10_000);
    this.flushTimer = realSetInterval(() => this.flush(), flushMs);
    this.flushTimer.unref?.();
    this.onExit = () => this.closeSync();
    process.on("exit", this.onExit);
  }

  // ---------------------------------------------------------------- event bracketing
  now() {
    // the clock itself, not the frozen one (a process that replaced Date, e.g. with fake timers, keeps its own)
    const t = Date.now === frozenDateNow ? realDateNow() : Date.now();
    this.lastT = Math.max(this.lastT, t);
    return this.lastT;
  }

  begin(rec) {
    if (this.closed) return false;
    this.end();
    if (this.closed) return false; // end() reached the cap
    this.syncConnectionStatuses();
    this.cur = {rec: {type: "event", seq: ++this.seq, t_ms: this.now(), ...rec}, actions: [], inputs: {}};
    const cur = this.cur;
    realSetImmediate(() => {
      if (this.cur === cur) this.end();
    });
    return true;
  }

  end() {
    const cur = this.cur;
    if (!cur) return;
    this.cur = null;
    const rec = cur.rec;
    for (const k of ["rand", "active_attnets", "active_syncnets", "gossip_scores"]) if (cur.inputs[k] !== undefined) rec[k] = cur.inputs[k];
    const full = rec.kind === "init" || rec.kind === "committee_subscriptions" || (rec.kind === "timer" && rec.timer === "heartbeat");
    const {scores, removed} = this.scoreDelta(full);
    this.emit(rec);
    this.emit({type: "expect", seq: rec.seq, actions: cur.actions, scores, scores_removed: removed, scores_full: full});
    if (this.writer.full) {
      this.warn("cap", `peer-replay live: ${this.file} reached PEER_REPLAY_LIVE_MAX_BYTES; the trace ends at event ${rec.seq}`);
      this.closeSync();
    }
  }

  emit(rec) {
    const out = this.pseudonyms && rec.type !== "header" ? this.pseudonyms.record(rec) : rec;
    const line = stringifyRecord(out);
    this.writer.write(line);
    this.shadow?.record(out, line);
  }

  flush() {
    if (!this.closed) this.writer.flush();
  }

  /** A warning per kind of problem, once per capture: what the trace cannot say. */
  warn(kind, message) {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    process.emitWarning(message);
  }

  /**
   * libp2p marks a connection "closing" (then "closed") before it removes it from the connection map and
   * dispatches connection:close, without an event. PeerManager reads the statuses (getConnectedPeerIds,
   * onLibp2pPeerDisconnect's open-connection filter, identifyPeer), so each change seen since the last
   * event becomes a connection_status event of its own before the next input. Connections not yet announced
   * by connection:open are left to that event, which carries their status.
   */
  syncConnectionStatuses() {
    if (this.conns.size === 0) return;
    for (const {value} of this.connectionsMap().values()) {
      for (const c of value) {
        const id = String(c.id ?? "");
        const was = this.conns.get(id);
        if (was === undefined || was === c.status) continue;
        this.conns.set(id, c.status);
        const rec = {type: "event", seq: ++this.seq, t_ms: this.now(), kind: "connection_status", peer: c.remotePeer.toString(), conn: id, status: c.status};
        this.emit(rec);
        this.emit({type: "expect", seq: rec.seq, actions: [], scores: [], scores_removed: [], scores_full: false});
      }
    }
  }

  connectionsMap() {
    return this.components.connectionManager.getConnectionsMap()["map"];
  }

  /**
   * A change of the local node's own state (status, custody) the PeerManager only reads. Usually its own
   * event. It can also happen inside the PeerManager's code of another event: Lodestar's clock.currentSlot
   * getter emits a missed slot synchronously (onStatus reads it first), and the node's slot listener
   * updates the status cache there. The engine reads the slot from t_ms and the status from its own
   * copy, so while that event has made no action yet, recording the change as an event just before it
   * (same t_ms) replays what the PeerManager saw. After an action it cannot: the trace then carries it
   * as the next event, with a warning, and replay may diverge there.
   */
  localInput(rec) {
    const cur = this.cur;
    const inPeerManager = cur && (this.depth > 0 || this.frozenT !== null);
    if (!inPeerManager) return this.begin(rec);
    if (cur.actions.length > 0) {
      this.warn("nested-local", `peer-replay live: a ${rec.kind} change inside event ${cur.rec.seq} (${cur.rec.kind}) after its first action; the trace records it as the next event`);
      return this.begin(rec);
    }
    const before = {type: "event", seq: cur.rec.seq, t_ms: cur.rec.t_ms, ...rec};
    cur.rec.seq = ++this.seq;
    this.emit(before);
    this.emit({type: "expect", seq: before.seq, actions: [], scores: [], scores_removed: [], scores_full: false});
    return true;
  }

  /** Runs the PeerManager's synchronous handling of an event; nested entry points pass through. */
  sync(fn) {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  action(a) {
    // Calls after the recorder closed, or with no event (cannot happen for PeerManager code), are dropped.
    if (!this.cur) return;
    this.cur.actions.push(a);
  }

  input(k, v) {
    if (this.cur) this.cur.inputs[k] = v;
  }

  scoreDelta(full) {
    const store = this.pm.peerRpcScores;
    if (full || this.dirtyAll) {
      this.dirty.clear();
      this.dirtyAll = false;
      const dump = store.dumpPeerScoreStats().map(encScore);
      const next = new Map(dump.map((e) => [e.peer, e]));
      let scores = dump;
      const removed = [];
      if (!full) {
        scores = dump.filter((e) => !this.prevScores.has(e.peer) || !sameScore(this.prevScores.get(e.peer), e));
        for (const k of this.prevScores.keys()) if (!next.has(k)) removed.push(k);
      }
      this.prevScores = next;
      return {scores, removed};
    }
    const map = store.scores;
    const out = [];
    for (const id of this.dirty) {
      const sc = map?.get(id);
      if (!sc) continue;
      const e = encScore({peerId: id, ...sc.getStat()});
      const p = this.prevScores.get(id);
      if (!p || !sameScore(p, e)) out.push(e);
    }
    this.dirty.clear();
    if (out.length > 1) {
      const pos = new Map();
      let i = 0;
      for (const k of map.keys()) pos.set(k, i++);
      out.sort((a, b) => pos.get(a.peer) - pos.get(b.peer));
    }
    for (const e of out) this.prevScores.set(e.peer, e);
    return {scores: out, removed: []};
  }

  deferred(kind, peerId, extra, encode, call) {
    const req = ++this.reqId;
    this.action({kind, peer: peerId.toString(), req, ...extra});
    if (kind === "send_goodbye") this.expectGoodbyeTimer = req;
    const p = call();
    if (kind === "send_goodbye") queueMicrotask(() => (this.expectGoodbyeTimer = null));
    return new Promise((resolve, reject) => {
      p.then(
        (v) =>
          realSetImmediate(() => {
            let ok;
            try {
              ok = encode(v);
            } catch (e) {
              ok = null;
            }
            this.begin({kind: "response", req, ok});
            this.continuations(() => resolve(v));
          }),
        (e) =>
          realSetImmediate(() => {
            this.begin({kind: "response", req, error: String(e?.message ?? e)});
            this.continuations(() => reject(e));
          })
      );
    });
  }

  /**
   * Settles a module promise inside the response event: the awaiting continuations run in the microtask
   * checkpoint after this callback, and the clock they read is the event's t_ms (as the engine's is) until
   * that checkpoint has drained (a nextTick queued from a microtask runs only after the queue is empty).
   */
  continuations(settle) {
    this.frozenT = this.cur ? this.cur.rec.t_ms : null;
    settle();
    queueMicrotask(() => process.nextTick(() => (this.frozenT = null)));
  }

  // ---------------------------------------------------------------- header
  header() {
    const pm = this.pm;
    const store = pm.peerRpcScores;
    return traceHeader({
      mode: "live",
      packages: lodestarPackagesNear(this.extra.url),
      scenario: process.env.PEER_REPLAY_SCENARIO ?? "live",
      seed: "0",
      chainConfig: pm.config,
      params: this.extra.params ?? {},
      config: {
        targetPeers: pm.opts.targetPeers,
        maxPeers: pm.opts.maxPeers,
        targetGroupPeers: pm.opts.targetGroupPeers,
        gossipDecayIntervalMs: pm.gossipsub.scoreParams?.decayInterval ?? 30_000,
        disablePeerScoring: store.scores?.getDefault?.()?.constructor?.name === "MaxScore",
        genesisTime: pm.clock.genesisTime,
        discovery: pm.discovery != null,
      },
      nodeId: pm.nodeId,
      custodyConfig: pm.networkConfig.custodyConfig,
      status: encStatus(pm.statusCache.get()),
      formatVersion: 2,
    });
  }

  // ---------------------------------------------------------------- wrapping (called from bootstrapAlreadyOpenConnections)
  attach() {
    const pm = this.pm;
    const self = this;
    const {computeNodeId} = this.extra;

    // score store: which entries may change, and reqResp's own applyAction calls become report_peer events
    const store = pm.peerRpcScores;
    const wrapStore = (name, idOf) => {
      const orig = store[name].bind(store);
      store[name] = (...args) => {
        self.dirty.add(idOf(args));
        return orig(...args);
      };
    };
    wrapStore("applyReconnectionCoolDown", (a) => a[0]);
    wrapStore("updateGossipsubScore", (a) => a[0]);
    const applyAction = store.applyAction.bind(store);
    store.applyAction = (peer, action, actionName) => {
      if (self.depth === 0) {
        // not through PeerManager.reportPeer (e.g. ReqRespBeaconNode rate limiting): same effect, same event.
        // begin() first: it closes the previous event, whose score delta must not take this peer's mark.
        self.begin({kind: "report_peer", peer: peer.toString(), action, action_name: String(actionName)});
        self.dirty.add(peer.toString());
        return self.sync(() => applyAction(peer, action, actionName));
      }
      self.dirty.add(peer.toString());
      return applyAction(peer, action, actionName);
    };
    const update = store.update.bind(store);
    store.update = () => {
      self.dirtyAll = true;
      return update();
    };

    // libp2p
    const l = pm.libp2p;
    const components = l.services.components;
    this.components = components;
    const identify = l.services.identify;
    pm.libp2p = {
      services: {
        components,
        identify: {
          identify: (conn, ...rest) =>
            self.deferred("identify", conn.remotePeer, {}, (v) => (v?.agentVersion ? {agentVersion: v.agentVersion} : {}), () =>
              identify.identify(conn, ...rest)
            ),
        },
      },
      peerStore: {
        merge: (peer, data) => {
          self.action({kind: data?.tags?.relevant === undefined ? "untag_relevant" : "tag_relevant", peer: peer.toString()});
          return l.peerStore.merge(peer, data);
        },
      },
      hangUp: (peer, ...rest) => self.deferred("disconnect", peer, {}, () => null, () => l.hangUp(peer, ...rest)),
    };
    const events = components.events;
    const onOpen = pm.onLibp2pPeerConnect;
    const onClose = pm.onLibp2pPeerDisconnect;
    events.removeEventListener("connection:open", onOpen);
    events.removeEventListener("connection:close", onClose);
    const connRec = (c) => {
      const r = {peer: c.remotePeer.toString(), conn: String(c.id ?? ""), direction: c.direction};
      if (c.remotePeer.type === "secp256k1") r.node_id = toHex(computeNodeId(c.remotePeer));
      else r.key_type = c.remotePeer.type;
      return r;
    };
    pm.onLibp2pPeerConnect = (evt) => {
      const r = connRec(evt.detail);
      if (evt.detail.status !== "open") r.status = evt.detail.status;
      self.begin({kind: "connection_open", ...r});
      self.conns.set(r.conn, evt.detail.status);
      return self.sync(() => onOpen(evt));
    };
    pm.onLibp2pPeerDisconnect = (evt) => {
      self.begin({kind: "connection_close", peer: evt.detail.remotePeer.toString(), conn: String(evt.detail.id ?? ""), direction: evt.detail.direction});
      self.conns.delete(String(evt.detail.id ?? ""));
      return self.sync(() => onClose(evt));
    };
    events.addEventListener("connection:open", pm.onLibp2pPeerConnect);
    events.addEventListener("connection:close", pm.onLibp2pPeerDisconnect);

    // reqResp
    const rr = pm.reqResp;
    pm.reqResp = {
      sendPing: (peer) => self.deferred("send_ping", peer, {}, (v) => v.toString(), () => rr.sendPing(peer)),
      sendStatus: (peer, st) => self.deferred("send_status", peer, {status: encStatus(st)}, encStatus, () => rr.sendStatus(peer, st)),
      sendMetadata: (peer) => self.deferred("send_metadata", peer, {}, encMetadata, () => rr.sendMetadata(peer)),
      sendGoodbye: (peer, reason) =>
        self.deferred("send_goodbye", peer, {reason: reason.toString()}, () => null, () => rr.sendGoodbye(peer, reason)),
    };

    // gossip scores, subnets, discovery
    const g = pm.gossipsub;
    pm.gossipsub = {
      scoreParams: g.scoreParams,
      getScore: (id) => {
        const v = g.getScore(id);
        if (self.cur) (self.cur.inputs.gossip_scores ??= []).push([id, spelledNumber(v)]);
        return v;
      },
    };
    const subnets = (svc, key) => ({
      getActiveSubnets: () => {
        const v = svc.getActiveSubnets();
        self.input(key, encSubnets(v));
        return v;
      },
    });
    pm.attnetsService = subnets(pm.attnetsService, "active_attnets");
    pm.syncnetsService = subnets(pm.syncnetsService, "active_syncnets");
    if (pm.discovery) {
      const d = pm.discovery;
      const discoverPeers = d.discoverPeers.bind(d);
      d.discoverPeers = (n, groups, queries) => {
        self.action({
          kind: "discover_peers",
          peers_to_connect: n,
          custody_group_queries: [...groups],
          subnet_queries: queries.map((q) => ({subnet: q.subnet, type: q.type, max_peers_to_discover: q.maxPeersToDiscover, to_unix_ms: q.toUnixMs})),
        });
        return discoverPeers(n, groups, queries);
      };
    }

    // network events
    const bus = pm.networkEventBus;
    bus.off("req-resp.request", pm.onRequest);
    const onRequest = pm.onRequest;
    pm.onRequest = (data) => {
      const {peer, request} = data;
      const r = {kind: "request", peer: peer.toString(), method: request.method};
      if (request.method === "ping" || request.method === "goodbye") r.body = request.body.toString();
      else if (request.method === "status") r.body = encStatus(request.body);
      self.begin(r);
      return self.sync(() => onRequest(data));
    };
    bus.on("req-resp.request", pm.onRequest);
    bus.on("peer-manager.peer-connected", (d) =>
      self.action({kind: "peer_connected", peer: d.peer, client: d.clientAgent, custody_columns: [...d.custodyColumns], status: encStatus(d.status)})
    );
    bus.on("peer-manager.peer-disconnected", (d) => self.action({kind: "peer_disconnected", peer: d.peer}));

    // chain-side inputs
    const sc = pm.statusCache;
    const scUpdate = sc.update.bind(sc);
    sc.update = (st) => {
      self.localInput({kind: "local_status", status: encStatus(st)});
      return scUpdate(st);
    };
    const cc = pm.networkConfig.custodyConfig;
    const ccUpdate = cc.updateTargetCustodyGroupCount?.bind(cc);
    if (ccUpdate) {
      cc.updateTargetCustodyGroupCount = (n) => {
        const r = ccUpdate(n);
        // the values PeerManager reads from custodyConfig from now on (FORMAT.md §9 local_custody)
        self.localInput({kind: "local_custody", custody_group_count: cc.targetCustodyGroupCount, sample_groups: [...cc.sampleGroups], sampled_subnets: [...cc.sampledSubnets]});
        return r;
      };
    } else {
      this.warn("custody", "peer-replay live: this Lodestar's CustodyConfig has no updateTargetCustodyGroupCount; a change of the local custody group count would not be recorded");
    }

    this.emit(this.header());
    this.writer.flush(); // a node killed before its first periodic flush still leaves a readable (truncated) trace
    const connections = [];
    for (const {value} of this.connectionsMap().values()) {
      for (const c of value) {
        const r = connRec(c);
        if (c.status !== "open") r.status = c.status;
        connections.push(r);
        this.conns.set(r.conn, c.status);
      }
    }
    const rec = {kind: "init"};
    if (connections.length) rec.connections = connections;
    this.begin(rec);
    // the rest of the constructor (its heartbeat) runs inside init; released when it arms its last interval
    this.depth++;
    this.initOpen = true;
  }

  closeSync() {
    if (this.closed) return;
    this.end();
    this.closed = true;
    this.emit({type: "end", events: this.seq});
    realClearInterval(this.flushTimer);
    process.off("exit", this.onExit);
    this.writer.close();
    this.shadow?.close();
  }
}

const realSetImmediate = globalThis.setImmediate;
const realDateNow = Date.now;

/** Date.now while the hook is loaded (patchPeerManager). */
function frozenDateNow() {
  for (const r of LIVE) {
    if (r.frozenT != null) return r.frozenT;
    if (r.depth > 0 && r.cur) return r.cur.rec.t_ms;
  }
  return realDateNow();
}
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

// Whether the Math.random call being served came from @lodestar/beacon-node's util/shuffle
// (lib/*.js, or src/*.ts under source maps) called from network/peers: the only draws the engine
// replays. Reads two frames above `wrapper`, so it costs a short stack walk per draw.
const SHUFFLE_FRAME = /[\\/]beacon-node[\\/](lib|src)[\\/]util[\\/]shuffle\.(js|ts)\b/;
const PEERS_FRAME = /[\\/]beacon-node[\\/](lib|src)[\\/]network[\\/]peers[\\/]/;
function drawnByPeersShuffle(wrapper) {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  Error.captureStackTrace(holder, wrapper);
  Error.stackTraceLimit = limit;
  const frames = String(holder.stack).split("\n").slice(1);
  return frames.length === 2 && SHUFFLE_FRAME.test(frames[0]) && PEERS_FRAME.test(frames[1]);
}

/** Timer entry points: a call with no event open in the PeerManager's synchronous code is a timer firing. */
function wrapTimerMethod(proto, name, label) {
  const orig = proto[name];
  const wrapped = {
    [name](...args) {
      const rec = this.__peerReplay;
      if (!rec || rec.depth > 0) return orig.apply(this, args);
      let timer = label;
      if (name === "pingAndStatusTimeouts" && !rec.startupDone) timer = "startup_ping_status";
      if (name === "pingAndStatusTimeouts") rec.startupDone = true;
      rec.begin({kind: "timer", timer});
      return rec.sync(() => orig.apply(this, args));
    },
  }[name];
  proto[name] = wrapped;
}

function wrapEntry(proto, name, recOf) {
  const orig = proto[name];
  proto[name] = {
    [name](...args) {
      const rec = this.__peerReplay;
      if (!rec || rec.depth > 0) return orig.apply(this, args);
      rec.begin(recOf(...args));
      return rec.sync(() => orig.apply(this, args));
    },
  }[name];
}

export function patchPeerManager(PeerManager, extra = {}) {
  if (PeerManager.__peerReplayPatched) return;
  PeerManager.__peerReplayPatched = true;
  const proto = PeerManager.prototype;
  const bootstrap = proto.bootstrapAlreadyOpenConnections;
  // called by the constructor after its listeners are registered and before its heartbeat and timers
  proto.bootstrapAlreadyOpenConnections = function bootstrapAlreadyOpenConnections(...args) {
    const rec = new LiveRecorder(this, extra);
    this.__peerReplay = rec;
    rec.attach();
    return bootstrap.apply(this, args);
  };
  wrapTimerMethod(proto, "heartbeat", "heartbeat");
  wrapTimerMethod(proto, "pingAndStatusTimeouts", "ping_status");
  wrapTimerMethod(proto, "updateGossipsubScores", "gossip_scores");
  wrapEntry(proto, "reportPeer", (peer, action, actionName) => ({kind: "report_peer", peer: peer.toString(), action, action_name: String(actionName)}));
  wrapEntry(proto, "reStatusPeers", (peers) => ({kind: "restatus_peers", peers: [...peers]}));
  wrapEntry(proto, "onCommitteeSubscriptions", () => ({kind: "committee_subscriptions"}));
  wrapEntry(proto, "goodbyeAndDisconnectAllPeers", () => ({kind: "goodbye_all"}));
  const close = proto.close;
  proto.close = async function close_(...args) {
    const r = await close.apply(this, args);
    this.__peerReplay?.closeSync();
    return r;
  };

  // Math.random draws taken by the PeerManager's synchronous code, per instance. The peers code draws
  // only through util/shuffle.js (prioritizePeers' prune shuffle); libp2p, the muxer and req/resp draw
  // too while an event's code runs (a dial, a new stream), and those are not the peer manager's inputs.
  const random = Math.random;
  const active = () => {
    for (const r of LIVE) if (r.depth > 0 && r.cur) return r;
    return null;
  };
  Math.random = function random_() {
    const v = random();
    const r = active();
    if (r && drawnByPeersShuffle(random_)) (r.cur.inputs.rand ??= []).push(v);
    return v;
  };

  // The format gives each event one time (t_ms), and the engine reads it wherever Lodestar reads Date.now().
  // While the PeerManager's code of an event runs (its synchronous handler, or the continuations of a
  // response), Date.now() returns the event's t_ms (frozenDateNow): the clock stands still for that code
  // (for a heartbeat with 200 peers, a few ms), so what it stores (lastUpdate, lastStatusUnixTsMs...) is
  // what replay computes.
  Date.now = frozenDateNow;

  // goodbye timeouts: the withTimeout sleep armed right after a sendGoodbye call
  const st = globalThis.setTimeout;
  globalThis.setTimeout = function setTimeout(fn, ms, ...a) {
    const r = LIVE.find((x) => x.expectGoodbyeTimer !== null);
    if (r && ms === 1000 && typeof fn === "function") {
      const req = r.expectGoodbyeTimer;
      r.expectGoodbyeTimer = null;
      return st(
        function goodbyeTimeout(...x) {
          r.begin({kind: "timer", timer: "goodbye_timeout", req});
          return r.sync(() => fn.apply(this, x));
        },
        ms,
        ...a
      );
    }
    return st(fn, ms, ...a);
  };
  const si = globalThis.setInterval;
  globalThis.setInterval = function setInterval(fn, ms, ...a) {
    const id = si(fn, ms, ...a);
    if (fn?.name === "bound updateGossipsubScores") {
      const r = LIVE.find((x) => x.initOpen);
      if (r) {
        r.initOpen = false;
        r.depth--;
      }
    }
    return id;
  };
  const ctor = proto.bootstrapAlreadyOpenConnections;
  proto.bootstrapAlreadyOpenConnections = function (...args) {
    const r = ctor.apply(this, args);
    LIVE.push(this.__peerReplay);
    return r;
  };
}

const LIVE = [];

export function installLivePatch() {
  globalThis.__peerReplayLivePatch = patchPeerManager;
  globalThis.__peerReplayLiveRecorders = LIVE; // read by the overhead measurement (test-fixtures/live-driver.mjs)
}
