// A recording session: the REAL Lodestar PeerManager, PeerRpcScoreStore, prioritizePeers,
// assertPeerRelevance, Clock, LocalStatusCache, CustodyConfig and NetworkEventBus, with only the
// boundary mocked (libp2p connection map and events, reqResp, identify, peerStore, discovery,
// gossip scores, subnet services). Every input is an event, every module call an action
// (traces/FORMAT.md). Import lib/env.mjs first (it installs the fake clock); this module does.
import {createHash} from "node:crypto";
import {AGENTS, DEFAULT_DIGEST, ROOT_FINALIZED, ROOT_HEAD} from "./constants.mjs";
import {
  Clock,
  CustodyConfig,
  GENESIS_TIME,
  LocalStatusCache,
  NetworkEvent,
  NetworkEventBus,
  PeerAction,
  PeerManager,
  PeerRpcScoreStore,
  PeersData,
  T0,
  clock,
  computeNodeId,
  createBeaconConfig,
  createChainForkConfig,
  defaultChainConfig,
  generateKeyPairFromSeed,
  lodestarPackages,
  params,
  peerIdFromPrivateKey,
  privateKeyFromRaw,
  seedRandom,
  setHooks,
  createNetworkCoreMetrics,
  RegistryMetricCreator,
} from "./env.mjs";
import {bitsFromIndices, decMetadata} from "./bits.mjs";
import {metricsDelta, scrapePeerMetrics, tolerateNonFiniteObserve} from "./metrics.mjs";
import {
  decStatus,
  encBits,
  encMetadata,
  encScore,
  encStatus,
  encSubnets,
  sameScore,
  spelledNumber,
  stringifyRecord,
  toHex,
  traceHeader,
} from "./codec.mjs";

tolerateNonFiniteObserve(PeerManager);

const sha256 = (s) => createHash("sha256").update(s).digest();
const flush = () => new Promise((r) => setImmediate(r));

export {AGENTS, DEFAULT_DIGEST, ROOT_FINALIZED, ROOT_HEAD};

/** Normalised recorder configuration: everything that lands in the header. */
function normalizeConfig(c = {}) {
  const fork = c.fork ?? "fulu";
  const forkEpochs = {
    ALTAIR_FORK_EPOCH: 0,
    BELLATRIX_FORK_EPOCH: 0,
    CAPELLA_FORK_EPOCH: 0,
    DENEB_FORK_EPOCH: 0,
    ELECTRA_FORK_EPOCH: 0,
    FULU_FORK_EPOCH: fork === "fulu" ? 0 : Infinity,
    GLOAS_FORK_EPOCH: Infinity,
    ...(c.forkEpochs ?? {}),
  };
  return {
    targetPeers: c.targetPeers ?? 200,
    maxPeers: c.maxPeers ?? 210,
    targetGroupPeers: c.targetGroupPeers ?? 6,
    disablePeerScoring: c.disablePeerScoring ?? false,
    discovery: c.discovery ?? true,
    gossipDecayIntervalMs: c.gossipDecayIntervalMs, // default: config.SLOT_DURATION_MS (gossip scoreParams)
    custodyGroupCount: c.custodyGroupCount, // default: CUSTODY_REQUIREMENT
    forkEpochs,
    chainOverrides: c.chain ?? {},
    startMs: c.startMs ?? T0,
    localKey: c.localKey ?? "local",
    metrics: c.metrics ?? true, // real NetworkCoreMetrics, scraped after every event into a metrics record (FORMAT.md §8)
    viaInit: c.viaInit ?? false, // construct through PeerManager.init (discv5: null) as the beacon node does
    formatVersion: c.formatVersion ?? 1, // 2: the trace may hold the format-v2 event kinds (FORMAT.md §9)
  };
}

/**
 * A peer as the script knows it: key, PeerId, node id, and the profile the auto-responder uses.
 */
export class PeerHandle {
  constructor(name, id, nodeId, keyType) {
    this.name = name;
    this.id = id;
    this.str = id.toString();
    this.nodeId = nodeId; // hex or null (non-secp256k1 keys have none)
    this.keyType = keyType;
    this.profile = {status: null, metadata: null, agent: AGENTS.lighthouse, ping: "1", respond: true, hold: new Set()};
  }
}

export class Session {
  /**
   * @param {{scenario: string, seed: string|number, note?: string, config?: object, writer: {write(line:string):void},
   *          mode?: string}} opts
   */
  constructor(opts) {
    this.scenario = opts.scenario;
    this.seed = String(opts.seed);
    this.note = opts.note;
    this.mode = opts.mode ?? "scripted";
    this.impl = opts.impl ?? null; // another peer manager over the same modules ({create, init}: lib/native-session.mjs)
    this.writer = opts.writer;
    this.cfg = normalizeConfig(opts.config);
    this.fullCompare = opts.fullCompare ?? true; // compare whole dumps (false: dirty tracking, generator)
    this.verifyScores = opts.verifyScores ?? false; // both, and fail if they differ
    this.dirty = new Set();
    this.dirtyAll = false;
    this.seq = 0;
    this.reqId = 0;
    this.connId = 0;
    this.cur = null;
    this.pending = new Map(); // req -> {kind, peer: string, handle, resolve, reject, decode}
    this.conns = new Map(); // libp2p connection map: peerIdStr -> {key: PeerId, value: Connection[]}
    this.prevScores = new Map();
    this.prevMetrics = new Map(); // series key -> its record's JSON, as of the last metrics record
    this.peersByName = new Map();
    this.peersByStr = new Map();
    this.activeAttnets = [];
    this.activeSyncnets = [];
    this.gossipScores = new Map(); // peerIdStr -> number (what gossip.getScore returns)
    this.lastGoodbye = null;
    this.stats = {events: 0, actions: 0, rand: 0};
    this.unrecordedTimers = 0;
    this.closed = false;

    if (clock.now !== this.cfg.startMs) {
      if (clock.timerHeap?.timers?.length) throw new Error("startMs can only be set before any timer exists");
      clock.setSystemTime(this.cfg.startMs);
    }
    seedRandom(this.seed);
    this.buildConfig();
  }

  // ------------------------------------------------------------------ setup
  buildConfig() {
    const cfg = this.cfg;
    const chain = {...defaultChainConfig, ...cfg.forkEpochs, ...cfg.chainOverrides};
    this.config = createBeaconConfig(createChainForkConfig(chain), new Uint8Array(32));
    this.genesisTime = GENESIS_TIME;
    const localPk = privateKeyFromRaw(sha256(`peer-replay:local:${cfg.localKey}`));
    this.localPeerId = peerIdFromPrivateKey(localPk);
    this.localPrivateKey = localPk;
    this.nodeId = computeNodeId(this.localPeerId);
    this.custodyConfig = new CustodyConfig({
      config: this.config,
      nodeId: this.nodeId,
      initialCustodyGroupCount: cfg.custodyGroupCount,
    });
    // null: gossip.scoreParams.decayInterval undefined, PeerManager falls back to HEARTBEAT_INTERVAL_MS
    this.decayIntervalParam = cfg.gossipDecayIntervalMs === null ? undefined : (cfg.gossipDecayIntervalMs ?? this.config.SLOT_DURATION_MS);
    this.gossipDecayIntervalMs = this.decayIntervalParam ?? 30_000;
    this.localStatusJson = this.defaultStatus();
  }

  /** A Status like ours: same digest and finalized checkpoint, head at `headSlot`. */
  defaultStatus(o = {}) {
    const s = {
      forkDigest: DEFAULT_DIGEST,
      finalizedRoot: ROOT_FINALIZED,
      finalizedEpoch: 29,
      headRoot: ROOT_HEAD,
      headSlot: 1000,
    };
    if (this.isPostFulu(o.atSlot ?? 1000)) s.earliestAvailableSlot = 0;
    const {atSlot, ...rest} = o;
    return {...s, ...rest};
  }

  isPostFulu(slot) {
    return this.config.getForkSeq(slot) >= params.ForkSeq.fulu;
  }

  currentSlot() {
    return Math.floor((Date.now() / 1000 - this.genesisTime) / (this.config.SLOT_DURATION_MS / 1000));
  }

  header() {
    return traceHeader({
      mode: this.mode,
      packages: lodestarPackages(),
      note: this.note,
      scenario: this.scenario,
      seed: this.seed,
      chainConfig: this.config,
      params,
      config: {...this.cfg, gossipDecayIntervalMs: this.gossipDecayIntervalMs, genesisTime: this.genesisTime},
      metrics: Boolean(this.metrics),
      nodeId: this.nodeId,
      custodyConfig: this.custodyConfig,
      status: this.localStatusJson,
      formatVersion: this.formatVersion,
    });
  }

  // ------------------------------------------------------------------ peers
  /** A peer with a secp256k1 key derived from (seed, name); `keyType: "Ed25519"` for the other case. */
  peer(name, {keyType = "secp256k1"} = {}) {
    let h = this.peersByName.get(name);
    if (h) return h;
    const raw = sha256(`peer-replay:peer:${this.seed}:${name}`);
    let id;
    let nodeId = null;
    if (keyType === "secp256k1") {
      id = peerIdFromPrivateKey(privateKeyFromRaw(raw));
      nodeId = toHex(computeNodeId(id));
    } else if (keyType === "Ed25519") {
      throw new Error("use await session.peerAsync(name, {keyType: 'Ed25519'})");
    } else {
      throw new Error(`unsupported key type ${keyType}`);
    }
    h = new PeerHandle(name, id, nodeId, keyType);
    this.registerPeer(h);
    return h;
  }

  async peerAsync(name, {keyType = "secp256k1"} = {}) {
    if (keyType === "secp256k1") return this.peer(name);
    let h = this.peersByName.get(name);
    if (h) return h;
    const raw = sha256(`peer-replay:peer:${this.seed}:${name}`);
    const key = await generateKeyPairFromSeed("Ed25519", raw);
    h = new PeerHandle(name, peerIdFromPrivateKey(key), null, "Ed25519");
    this.registerPeer(h);
    return h;
  }

  registerPeer(h) {
    h.profile.status = this.defaultStatus();
    h.profile.metadata = this.defaultMetadata(h);
    this.peersByName.set(h.name, h);
    this.peersByStr.set(h.str, h);
  }

  defaultMetadata(h, {seq = "1", attnets = [], syncnets = [], cgc} = {}) {
    const m = {seqNumber: String(seq), attnets: encBits(bitsFromIndices(64, attnets))};
    m.syncnets = encBits(bitsFromIndices(4, syncnets));
    if (this.isPostFulu(this.currentSlot())) m.custodyGroupCount = String(cgc ?? this.config.CUSTODY_REQUIREMENT);
    else if (cgc !== undefined) m.custodyGroupCount = String(cgc);
    return m;
  }

  /** Sets a peer's metadata profile: {seq, attnets: [subnets], syncnets: [subnets], cgc} or raw JSON via `raw`. */
  setMetadata(h, o) {
    h.profile.metadata = o.raw ?? this.defaultMetadata(h, o);
    return h;
  }

  // ------------------------------------------------------------------ hooks (called by env.mjs and the mocks)
  lastGoodbyeReq() {
    return this.lastGoodbye;
  }

  onTimer(info, run) {
    if (info.label === "slot") {
      if (this.cur) throw new Error("the beacon clock's slot timer fired inside an event");
      this.cur = {unrecorded: true, actions: [], inputs: {}};
      this.unrecordedTimers++;
      return run();
    }
    if (info.label === "unknown") throw new Error(`unlabelled timer fired: ${info.detail}`);
    const rec = {kind: "timer", timer: info.label};
    if (info.label === "goodbye_timeout") {
      if (info.req == null) throw new Error("goodbye_timeout without a goodbye request");
      rec.req = info.req;
    }
    this.begin(rec);
    return run();
  }

  onRandom(v) {
    if (!this.cur) throw new Error("Math.random() drawn outside any event");
    if (this.cur.unrecorded) throw new Error("Math.random() drawn by an unrecorded timer");
    (this.cur.inputs.rand ??= []).push(v);
    this.stats.rand++;
  }

  action(a) {
    if (!this.cur) throw new Error(`module call ${a.kind} outside any event`);
    if (this.cur.unrecorded) throw new Error(`the beacon clock's slot timer made a module call: ${a.kind}`);
    this.cur.actions.push(a);
    this.stats.actions++;
    this.onAction?.(a);
  }

  deferred(kind, peerId, extra, decode) {
    const req = ++this.reqId;
    const peer = peerId.toString();
    this.action({kind, peer, req, ...extra});
    if (kind === "send_goodbye") this.lastGoodbye = req;
    return new Promise((resolve, reject) => {
      this.pending.set(req, {req, kind, peer, resolve, reject, decode, t: Date.now()});
    });
  }

  // ------------------------------------------------------------------ PeerManager and its modules
  buildModules() {
    const self = this;
    const events = new EventTarget();
    const identify = {identify: (conn) => self.deferred("identify", conn.remotePeer, {}, (v) => ({...v}))};
    this.libp2p = {
      services: {
        components: {events, connectionManager: {getConnectionsMap: () => ({map: self.conns})}},
        identify,
      },
      peerStore: {
        merge: (peer, data) => {
          const tag = data?.tags?.relevant;
          if (tag === undefined) self.action({kind: "untag_relevant", peer: peer.toString()});
          else {
            if (tag.value !== 100) throw new Error(`unexpected tag ${JSON.stringify(tag)}`);
            self.action({kind: "tag_relevant", peer: peer.toString()});
          }
          return Promise.resolve({});
        },
      },
      hangUp: (peer) => self.deferred("disconnect", peer, {}, () => undefined),
    };
    this.libp2pEvents = events;
    this.reqResp = {
      sendPing: (peer) => self.deferred("send_ping", peer, {}, (v) => BigInt(v)),
      sendStatus: (peer, status) => self.deferred("send_status", peer, {status: encStatus(status)}, decStatus),
      sendMetadata: (peer) => self.deferred("send_metadata", peer, {}, decMetadata),
      sendGoodbye: (peer, reason) => self.deferred("send_goodbye", peer, {reason: reason.toString()}, () => undefined),
    };
    this.gossip = {
      getScore: (peerIdStr) => {
        const v = self.gossipScores.get(peerIdStr) ?? 0;
        if (!self.cur || self.cur.unrecorded) throw new Error("gossip.getScore outside any event");
        (self.cur.inputs.gossip_scores ??= []).push([peerIdStr, spelledNumber(v)]);
        return v;
      },
      scoreParams: {decayInterval: this.decayIntervalParam},
    };
    const subnetService = (key, get) => ({
      getActiveSubnets: () => {
        if (!self.cur || self.cur.unrecorded) throw new Error(`${key} read outside any event`);
        const v = get().map((x) => ({subnet: x.subnet, toSlot: x.toSlot}));
        if (self.cur.inputs[key] !== undefined) throw new Error(`${key} read twice in one event`);
        self.cur.inputs[key] = encSubnets(v);
        return v;
      },
    });
    this.attnetsService = subnetService("active_attnets", () => self.activeAttnets);
    this.syncnetsService = subnetService("active_syncnets", () => self.activeSyncnets);
    this.discovery = this.cfg.discovery
      ? {
          discoverPeers: (peersToConnect, custodyGroupQueries, subnetQueries) =>
            self.action({
              kind: "discover_peers",
              peers_to_connect: peersToConnect,
              custody_group_queries: [...custodyGroupQueries],
              subnet_queries: subnetQueries.map((q) => ({
                subnet: q.subnet,
                type: q.type,
                max_peers_to_discover: q.maxPeersToDiscover,
                to_unix_ms: q.toUnixMs,
              })),
            }),
          stop: async () => {},
        }
      : null;
    const noop = () => {};
    this.logger = {error: noop, warn: noop, info: noop, verbose: noop, debug: noop, trace: noop};
    if (process.env.PEER_REPLAY_DEBUG) {
      this.logger.error = (...a) => console.error("[lodestar error]", ...a);
      this.logger.verbose = (...a) => console.error("[lodestar verbose]", a[0], JSON.stringify(a[1] ?? {}));
      this.logger.debug = (...a) => console.error("[lodestar debug]", a[0]);
    }
    this.netEvents = new NetworkEventBus();
    this.netEvents.on(NetworkEvent.peerConnected, (d) =>
      self.action({
        kind: "peer_connected",
        peer: d.peer,
        client: d.clientAgent,
        custody_columns: [...d.custodyColumns],
        status: encStatus(d.status),
      })
    );
    this.netEvents.on(NetworkEvent.peerDisconnected, (d) => self.action({kind: "peer_disconnected", peer: d.peer}));
    this.abort = new AbortController();
    this.clock = new Clock({config: this.config, genesisTime: this.genesisTime, signal: this.abort.signal});
    this.metrics = this.cfg.metrics ? createNetworkCoreMetrics(new RegistryMetricCreator()) : null;
    this.peerRpcScores = new PeerRpcScoreStore({disablePeerScoring: this.cfg.disablePeerScoring}, this.metrics, this.logger);
    if (!this.fullCompare || this.verifyScores) {
      if (this.cfg.disablePeerScoring) throw new Error("dirty score tracking cannot follow MaxScore (lastUpdate = now)");
      this.trackDirty(this.peerRpcScores);
    }
    this.statusCache = new LocalStatusCache(decStatus(this.localStatusJson));
    this.peersData = new PeersData();
    return {
      privateKey: this.localPrivateKey,
      libp2p: this.libp2p,
      logger: this.logger,
      metrics: this.metrics,
      reqResp: this.reqResp,
      gossip: this.gossip,
      attnetsService: this.attnetsService,
      syncnetsService: this.syncnetsService,
      clock: this.clock,
      peerRpcScores: this.peerRpcScores,
      events: this.netEvents,
      networkConfig: {nodeId: this.nodeId, config: this.config, custodyConfig: this.custodyConfig},
      peersData: this.peersData,
      statusCache: this.statusCache,
    };
  }

  // ------------------------------------------------------------------ event bracketing
  begin(rec) {
    if (this.closed) throw new Error("session closed");
    if (this.cur) throw new Error(`event ${rec.kind} begins while ${this.cur.rec?.kind ?? "an unrecorded timer"} is open`);
    this.cur = {rec: {type: "event", seq: ++this.seq, t_ms: Date.now(), ...rec}, actions: [], inputs: {}};
  }

  /** Writes the open event and its expect. Call after the microtasks have run. */
  end() {
    const cur = this.cur;
    if (!cur) return;
    this.cur = null;
    if (cur.unrecorded) {
      if (cur.actions.length || cur.inputs.rand) throw new Error("the slot timer made a module call");
      return;
    }
    const rec = cur.rec;
    for (const k of ["rand", "active_attnets", "active_syncnets", "gossip_scores"]) {
      if (cur.inputs[k] !== undefined) rec[k] = cur.inputs[k];
    }
    const full = rec.kind === "init" || rec.kind === "committee_subscriptions" || (rec.kind === "timer" && rec.timer === "heartbeat");
    const {scores, removed} = this.scoreDelta(full);
    this.writer.write(stringifyRecord(rec));
    this.writer.write(
      stringifyRecord({type: "expect", seq: rec.seq, actions: cur.actions, scores, scores_removed: removed, scores_full: full})
    );
    if (this.metrics) this.writeMetrics(rec.seq, full);
    this.stats.events++;
    this.onEventWritten?.(rec, cur.actions);
  }

  /** The scrape after event `seq` as a metrics record: every series when `full`, else what changed. */
  writeMetrics(seq, full) {
    const d = metricsDelta(this.prevMetrics, scrapePeerMetrics(this.metrics.register), full, stringifyRecord);
    this.prevMetrics = d.map;
    const r = {type: "metrics", seq, full, series: d.series};
    if (!full) r.removed = d.removed;
    this.writer.write(stringifyRecord(r));
  }

  /**
   * Dirty tracking (fullCompare false, for the generator): every score-store method the PeerManager calls that
   * can create or change an entry names the peer; only those entries are read back. update() (the heartbeat)
   * always gets a full dump. `verifyScores` cross-checks this against the full comparison.
   */
  trackDirty(store) {
    this.dirty = new Set();
    const wrapAs = (name, idOf) => {
      const orig = store[name].bind(store);
      store[name] = (...args) => {
        this.dirty.add(idOf(args));
        return orig(...args);
      };
    };
    wrapAs("applyAction", (a) => a[0].toString());
    wrapAs("applyReconnectionCoolDown", (a) => a[0]);
    wrapAs("updateGossipsubScore", (a) => a[0]);
    const update = store.update.bind(store);
    store.update = () => {
      this.dirtyAll = true;
      return update();
    };
  }

  scoreDelta(full) {
    if (!this.fullCompare && !this.verifyScores) return this.scoreDeltaDirty(full);
    const fast = this.verifyScores ? this.scoreDeltaDirty(full, true) : null;
    const r = this.scoreDeltaFull(full);
    if (fast && stringifyRecord(fast) !== stringifyRecord(r)) {
      throw new Error(`dirty score tracking diverged at seq ${this.seq}: ${stringifyRecord(fast)} vs ${stringifyRecord(r)}`);
    }
    return r;
  }

  scoreDeltaDirty(full, dryRun = false) {
    const dirty = this.dirty;
    const dirtyAll = this.dirtyAll;
    if (!dryRun) {
      this.dirty = new Set();
      this.dirtyAll = false;
    }
    if (full || dirtyAll) {
      if (dryRun) return this.scoreDeltaFull(full, true);
      return this.scoreDeltaFull(full);
    }
    const map = this.peerRpcScores.scores;
    const changed = [];
    const added = [];
    for (const id of dirty) {
      const sc = map.get(id);
      if (!sc) continue;
      const e = encScore({peerId: id, ...sc.getStat()});
      const p = this.prevScores.get(id);
      if (!p) added.push(e);
      else if (!sameScore(p, e)) changed.push(e);
    }
    if (changed.length > 1) {
      const pos = new Map();
      let i = 0;
      for (const k of this.prevScores.keys()) pos.set(k, i++);
      changed.sort((a, b) => pos.get(a.peer) - pos.get(b.peer));
    }
    if (added.length > 1) {
      // new entries were appended to the store's Map: its tail gives their order
      const order = new Map();
      let i = 0;
      const keys = [...map.keys()];
      for (let j = keys.length - added.length; j < keys.length; j++) order.set(keys[j], i++);
      added.sort((a, b) => order.get(a.peer) - order.get(b.peer));
    }
    if (!dryRun) {
      for (const e of changed) this.prevScores.set(e.peer, e);
      for (const e of added) this.prevScores.set(e.peer, e);
    }
    return {scores: [...changed, ...added], removed: []};
  }

  scoreDeltaFull(full, dryRun = false) {
    const dump = this.pm.dumpPeerScoreStats().map(encScore);
    const next = new Map(dump.map((e) => [e.peer, e]));
    let scores;
    let removed = [];
    if (full) {
      scores = dump;
    } else {
      scores = dump.filter((e) => {
        const p = this.prevScores.get(e.peer);
        return !p || !sameScore(p, e);
      });
      for (const k of this.prevScores.keys()) if (!next.has(k)) removed.push(k);
      // The delta form cannot express a reordering: surviving entries must keep their order, new ones come last.
      const prevKeys = [...this.prevScores.keys()].filter((k) => next.has(k));
      const nextKeys = dump.map((e) => e.peer);
      for (let i = 0; i < prevKeys.length; i++) {
        if (prevKeys[i] !== nextKeys[i]) throw new Error(`score entries reordered in a delta event (seq ${this.seq})`);
      }
    }
    if (!dryRun) this.prevScores = next;
    return {scores, removed};
  }

  async settleMicrotasks() {
    await flush();
    await flush();
  }

  /** Runs `fn` as the body of one event, lets its microtasks run, writes event + expect. */
  async event(rec, fn) {
    this.begin(rec);
    try {
      fn();
    } finally {
      await this.settleMicrotasks();
      this.end();
    }
  }

  // ------------------------------------------------------------------ time
  /** Advances the fake clock to `t`, firing each due timer as its own event. Timers due at `t` fire. */
  async advanceTo(t) {
    if (t < clock.now) throw new Error(`time goes back: ${t} < ${clock.now}`);
    for (;;) {
      const first = clock.timerHeap?.peek();
      if (!first || first.callAt > t) break;
      clock.next();
      await this.settleMicrotasks();
      this.end();
    }
    if (clock.now < t) clock.tick(t - clock.now);
  }

  async wait(ms) {
    await this.advanceTo(clock.now + ms);
  }

  now() {
    return clock.now;
  }

  /** Time of the next timer, or Infinity. */
  nextTimerAt() {
    return clock.timerHeap?.peek()?.callAt ?? Infinity;
  }

  // ------------------------------------------------------------------ events
  /** `init`: constructs the PeerManager (bootstraps `connections` already open, runs heartbeat, arms timers). */
  async init({connections = []} = {}) {
    const modules = this.buildModules();
    this.writer.write(stringifyRecord(this.header()));
    const conns = connections.map(({peer, direction, status}) => this.addConnection(peer, direction, status));
    const rec = {kind: "init"};
    if (conns.length) rec.connections = conns.map((c) => this.connRecord(c, true));
    const opts = {targetPeers: this.cfg.targetPeers, maxPeers: this.cfg.maxPeers, targetGroupPeers: this.cfg.targetGroupPeers, discv5: null};
    await this.event(rec, () => {
      if (this.cfg.viaInit) {
        if (this.discovery) throw new Error("viaInit builds no discovery (discv5: null): set discovery: false");
        // discv5 null: init() constructs synchronously, without awaiting anything
        void (this.impl?.init ?? PeerManager.init)(modules, opts).then((pm) => (this.pm = pm));
      } else {
        this.pm = this.impl ? this.impl.create(modules, opts, this.discovery) : new PeerManager(modules, opts, this.discovery);
      }
    });
    return this.pm;
  }

  addConnection(h, direction, status = "open") {
    const conn = {id: `c${++this.connId}`, remotePeer: h.id, direction, status, timeline: {open: Date.now()}};
    let e = this.conns.get(h.str);
    if (!e) this.conns.set(h.str, (e = {key: h.id, value: []}));
    e.value.push(conn);
    return conn;
  }

  connRecord(c, withStatus = false) {
    const h = this.peersByStr.get(c.remotePeer.toString());
    const r = {peer: h.str, conn: c.id, direction: c.direction};
    if (h.nodeId) r.node_id = h.nodeId;
    if (h.keyType !== "secp256k1") r.key_type = h.keyType;
    if (withStatus && c.status !== "open") r.status = c.status;
    return r;
  }

  async connect(h, direction = "outbound", {status = "open"} = {}) {
    const conn = this.addConnection(h, direction, status);
    await this.event({kind: "connection_open", ...this.connRecord(conn, true)}, () => {
      this.libp2pEvents.dispatchEvent(new CustomEvent("connection:open", {detail: conn}));
    });
    return conn;
  }

  connectionsOf(h) {
    return this.conns.get(h.str)?.value ?? [];
  }

  /** Closes one connection of `h` (its first, or `conn`), removing it from the map first (FORMAT.md §3.1). */
  async close(h, conn) {
    const e = this.conns.get(h.str);
    if (!e) throw new Error(`${h.name} has no connection`);
    const c = conn ?? e.value[0];
    const i = e.value.indexOf(c);
    if (i < 0) throw new Error(`connection ${c.id} is not open`);
    e.value.splice(i, 1);
    if (e.value.length === 0) this.conns.delete(h.str);
    c.status = "closed";
    await this.event({kind: "connection_close", peer: h.str, conn: c.id, direction: c.direction}, () => {
      this.libp2pEvents.dispatchEvent(new CustomEvent("connection:close", {detail: c}));
    });
  }

  /**
   * libp2p sets a connection's status (to "closing" when it starts closing it) and dispatches nothing
   * (format v2 `connection_status`, FORMAT.md §9). `conn`: the connection or its id; default the first of h.
   */
  async connectionStatus(h, status, conn) {
    const list = this.connectionsOf(h);
    const c = conn === undefined ? list[0] : typeof conn === "string" ? list.find((x) => x.id === conn) : conn;
    if (!c || !list.includes(c)) throw new Error(`${h.name} has no such connection in the map`);
    this.needsVersion2();
    c.status = status;
    await this.event({kind: "connection_status", peer: h.str, conn: c.id, status}, () => {});
  }

  /**
   * custodyConfig.updateTargetCustodyGroupCount(n), as the beacon node calls it when validators attach
   * (format v2 `local_custody`): the event carries what custodyConfig holds afterwards.
   */
  async localCustody(n) {
    this.needsVersion2();
    const cc = this.custodyConfig;
    cc.updateTargetCustodyGroupCount(n);
    const rec = {kind: "local_custody", custody_group_count: cc.targetCustodyGroupCount, sample_groups: [...cc.sampleGroups], sampled_subnets: [...cc.sampledSubnets]};
    await this.event(rec, () => {});
  }

  get formatVersion() {
    return this.cfg.formatVersion;
  }

  needsVersion2() {
    if (this.formatVersion < 2) throw new Error("this event kind needs trace format_version 2: set config.formatVersion = 2 in the scenario");
  }

  /** A close event for a connection that is not (or no longer) in the map. */
  async closeUnknown(h, direction = "inbound") {
    const c = {id: `c${++this.connId}`, remotePeer: h.id, direction, status: "closed", timeline: {open: Date.now()}};
    await this.event({kind: "connection_close", peer: h.str, conn: c.id, direction: c.direction}, () => {
      this.libp2pEvents.dispatchEvent(new CustomEvent("connection:close", {detail: c}));
    });
  }

  /** A req/resp request received from `h`. body: ping/goodbye: decimal string; status: Status JSON. */
  async request(h, method, body) {
    const rec = {kind: "request", peer: h.str, method};
    let decoded;
    if (body !== undefined) {
      rec.body = body;
      decoded = method === "status" ? decStatus(body) : BigInt(body);
    }
    await this.event(rec, () => {
      this.netEvents.emit(NetworkEvent.reqRespRequest, {
        request: {method, body: decoded},
        peer: h.id,
        peerClient: h.profile.agent ?? "Unknown",
      });
    });
  }

  async respond(req, ok) {
    const p = this.pending.get(req);
    if (!p) throw new Error(`no pending request ${req}`);
    this.pending.delete(req);
    const value = p.decode(ok);
    await this.event({kind: "response", req, ok}, () => p.resolve(value));
  }

  async fail(req, error) {
    const p = this.pending.get(req);
    if (!p) throw new Error(`no pending request ${req}`);
    this.pending.delete(req);
    await this.event({kind: "response", req, error}, () => p.reject(new Error(error)));
  }

  /** Completes a `disconnect` (hangUp): connection_close for each connection of the peer, then the response. */
  async completeDisconnect(req) {
    const p = this.pending.get(req);
    if (!p || p.kind !== "disconnect") throw new Error(`request ${req} is not a pending disconnect`);
    const h = this.peersByStr.get(p.peer);
    for (const c of [...this.connectionsOf(h)]) await this.close(h, c);
    await this.respond(req, null);
  }

  async reportPeer(h, action, actionName = "test") {
    if (!(action in PeerAction)) throw new Error(`unknown PeerAction ${action}`);
    await this.event({kind: "report_peer", peer: h.str, action, action_name: actionName}, () =>
      this.pm.reportPeer(h.id, PeerAction[action], actionName)
    );
  }

  async committeeSubscriptions() {
    await this.event({kind: "committee_subscriptions"}, () => this.pm.onCommitteeSubscriptions());
  }

  async restatus(handles) {
    const peers = handles.map((h) => (typeof h === "string" ? h : h.str));
    await this.event({kind: "restatus_peers", peers}, () => this.pm.reStatusPeers(peers));
  }

  async localStatus(statusJson) {
    this.localStatusJson = statusJson;
    await this.event({kind: "local_status", status: statusJson}, () => this.statusCache.update(decStatus(statusJson)));
  }

  /** Local head follows the clock (what a synced node's chain does every slot). */
  async followHead(extra = {}) {
    const slot = this.currentSlot();
    const st = {...this.localStatusJson, headSlot: slot, ...extra};
    if (this.isPostFulu(slot) && st.earliestAvailableSlot === undefined) st.earliestAvailableSlot = 0;
    await this.localStatus(st);
  }

  async goodbyeAll() {
    await this.event({kind: "goodbye_all"}, () => {
      void this.pm.goodbyeAndDisconnectAllPeers();
    });
  }

  // ------------------------------------------------------------------ scripted peers
  /** Pending requests, in request order, optionally filtered by kind and/or peer. */
  pendingList({kind, peer} = {}) {
    const out = [];
    for (const p of this.pending.values()) {
      if (kind && (Array.isArray(kind) ? !kind.includes(p.kind) : p.kind !== kind)) continue;
      if (peer && p.peer !== (typeof peer === "string" ? peer : peer.str)) continue;
      out.push(p);
    }
    return out;
  }

  /** The response a peer's profile gives to a pending request, or undefined if the profile holds it. */
  profileAnswer(p) {
    const h = this.peersByStr.get(p.peer);
    if (!h || !h.profile.respond || h.profile.hold.has(p.kind)) return undefined;
    const gone = this.connectionsOf(h).length === 0;
    switch (p.kind) {
      case "send_ping":
        return gone ? {error: "ERR_NO_CONNECTION: peer is not connected"} : {ok: h.profile.ping};
      case "send_status":
        return gone ? {error: "ERR_NO_CONNECTION: peer is not connected"} : {ok: h.profile.status};
      case "send_metadata":
        return gone ? {error: "ERR_NO_CONNECTION: peer is not connected"} : {ok: h.profile.metadata};
      case "send_goodbye":
        return gone ? {error: "ERR_NO_CONNECTION: peer is not connected"} : {ok: null};
      case "identify":
        return gone ? {error: "identify: connection closed"} : {ok: h.profile.agent === null ? {} : {agentVersion: h.profile.agent}};
      case "disconnect":
        return {disconnect: true};
    }
    throw new Error(`unknown request kind ${p.kind}`);
  }

  /**
   * Answers pending requests by each peer's profile, oldest first, until none is left that a profile answers.
   * `latency` ms pass before each answer (timers due meanwhile fire first). `filter(p)` restricts which.
   */
  async settle({latency = 0, filter, max = 100000} = {}) {
    for (let n = 0; n < max; n++) {
      let next;
      let ans;
      for (const p of this.pending.values()) {
        if (filter && !filter(p)) continue;
        const a = this.profileAnswer(p);
        if (a !== undefined) {
          next = p;
          ans = a;
          break;
        }
      }
      if (!next) return;
      if (latency) await this.wait(latency);
      if (!this.pending.has(next.req)) continue;
      if (ans.disconnect) await this.completeDisconnect(next.req);
      else if ("error" in ans) await this.fail(next.req, ans.error);
      else await this.respond(next.req, ans.ok);
    }
    throw new Error("settle did not converge");
  }

  /**
   * Lets `ms` pass with the peers alive: each pending request that a profile answers is answered `latency` ms
   * after it was made (or at once if that moment has passed), timers fire as they fall due.
   */
  async run(ms, {latency = 50, filter} = {}) {
    const end = clock.now + ms;
    for (;;) {
      let best = null;
      let bestAt = Infinity;
      for (const p of this.pending.values()) {
        if (filter && !filter(p)) continue;
        const at = Math.max(p.t + latency, clock.now);
        if (at < bestAt && this.profileAnswer(p) !== undefined) {
          best = p;
          bestAt = at;
        }
      }
      const timerAt = this.nextTimerAt();
      if (Math.min(bestAt, timerAt) > end) break;
      if (bestAt < timerAt) {
        await this.advanceTo(bestAt);
        if (!this.pending.has(best.req)) continue;
        const ans = this.profileAnswer(best);
        if (ans.disconnect) await this.completeDisconnect(best.req);
        else if ("error" in ans) await this.fail(best.req, ans.error);
        else await this.respond(best.req, ans.ok);
      } else {
        await this.advanceTo(timerAt);
      }
    }
    await this.advanceTo(end);
  }

  /** Outbound connect, answered handshake (ping, status, metadata, identify). */
  async dialed(h, opts) {
    await this.connect(h, "outbound");
    await this.settle(opts);
  }

  /** Inbound connect; the peer sends its status at once (as clients do) and the handshake is answered. */
  async accepted(h, opts) {
    await this.connect(h, "inbound");
    await this.request(h, "status", h.profile.status);
    await this.settle(opts);
  }

  setGossipScore(h, v) {
    this.gossipScores.set(typeof h === "string" ? h : h.str, v);
  }

  setActiveAttnets(list) {
    this.activeAttnets = list;
  }

  setActiveSyncnets(list) {
    this.activeSyncnets = list;
  }

  async close_() {
    if (this.closed) return;
    this.writer.write(stringifyRecord({type: "end", events: this.seq}));
    this.closed = true;
    setHooks(null);
    await this.pm?.close();
    this.abort?.abort();
  }

  /** Finishes the trace: `end` record, PeerManager closed (its close makes no module call except discovery.stop). */
  async finish() {
    if (this.cur) throw new Error("finish with an open event");
    await this.close_();
  }

  start() {
    setHooks(this);
    return this;
  }
}
