// The Lodestar-shaped API (@lodestar/beacon-node 1.44.0, network/peers): the
// same names, argument types and return shapes as Lodestar's TS, the engine
// deciding. What differs, on purpose:
//  - time is injected: PeerRpcScoreStore and RealScore take `opts.now`, a
//    function returning the current time in ms (default: `Date.now()`, read at
//    each call, so fake timers work); the engine never reads a clock;
//  - wrong argument types throw a TypeError naming the argument and change no
//    state (where TS would compute with NaN or throw half-way).
// The native side (prioritize.cc, score_store.cc, relevance.cc) reads and
// checks the arguments; this file only reshapes results and reads the clock.
"use strict";

/** @param {object} native the loaded addon */
module.exports = function lodestarApi(native) {
  const PeerAction = Object.freeze({
    Fatal: "Fatal",
    LowToleranceError: "LowToleranceError",
    MidToleranceError: "MidToleranceError",
    HighToleranceError: "HighToleranceError",
  });
  const ScoreState = Object.freeze({Healthy: "Healthy", Disconnected: "Disconnected", Banned: "Banned"});
  // A TS numeric enum: names to values and values back to names.
  const GoodByeReasonCode = {};
  for (const [name, code] of [
    ["INBOUND_DISCONNECT", -1], ["CLIENT_SHUTDOWN", 1], ["IRRELEVANT_NETWORK", 2], ["ERROR", 3],
    ["TOO_MANY_PEERS", 129], ["SCORE_TOO_LOW", 250], ["BANNED", 251],
  ]) {
    GoodByeReasonCode[(GoodByeReasonCode[name] = code)] = name;
  }
  Object.freeze(GoodByeReasonCode);
  const ExcessPeerDisconnectReason = Object.freeze({
    LOW_SCORE: "low_score",
    NO_LONG_LIVED_SUBNET: "no_long_lived_subnet",
    TOO_GROUPED_SUBNET: "too_grouped_subnet",
    FIND_BETTER_PEERS: "find_better_peers",
  });
  const IrrelevantPeerCode = Object.freeze({
    INCOMPATIBLE_FORKS: "IRRELEVANT_PEER_INCOMPATIBLE_FORKS",
    DIFFERENT_CLOCKS: "IRRELEVANT_PEER_DIFFERENT_CLOCKS",
    DIFFERENT_FINALIZED: "IRRELEVANT_PEER_DIFFERENT_FINALIZED",
    NO_EARLIEST_AVAILABLE_SLOT: "NO_EARLIEST_AVAILABLE_SLOT",
  });

  // peer.toString(), as TS calls it on a PeerId; anything else goes to the
  // native side as it is, which names it in a TypeError.
  const peerIdStr = (peer) => (peer !== null && typeof peer === "object" ? String(peer) : peer);

  // The injected clock: opts.now() or Date.now(), checked.
  function clockOf(opts, where) {
    if (opts.now === undefined) return () => Date.now();
    if (typeof opts.now !== "function") throw new TypeError(`${where}: opts.now: expected a function returning ms, got ${typeof opts.now}`);
    return opts.now;
  }
  function checkOpts(opts, where) {
    if (opts === null || typeof opts !== "object") throw new TypeError(`${where}: opts: expected an object, got ${opts === null ? "null" : typeof opts}`);
  }

  // The peers packed into typed arrays for native.prioritizePeersPacked (one
  // crossing into C++ instead of ~30 per peer: reading JS objects member by
  // member through Node-API cost more than Lodestar's whole function), in the
  // layout prioritize.cc describes. The arrays are kept between calls and
  // grown when a call has more peers (a heartbeat packs about the same number
  // each time), so a call allocates none.
  const kNumbersPerPeer = 3; // finalizedEpoch, headSlot, score
  const kBytesPerPeer = 16; // direction, has, syncnets, 5 unused, attnets (8 bytes)
  class PackedPeers {
    constructor() {
      this.capacity = -1;
      this.grow(0); // numbers, bytes, groupStart, draws
      this.groups = new Uint32Array(64); // grown by packPeers as it fills it
      // draw(count): count Math.random() values at the start of this.draws (room for n-1 is made before the call).
      this.draw = (count) => {
        const out = this.draws;
        for (let k = 0; k < count; k++) out[k] = Math.random();
        return out;
      };
      this.busy = false; // a call is under way (its draw may run JS that calls prioritizePeers again)
    }
    grow(n) {
      if (n <= this.capacity) return;
      const c = Math.max(n, 2 * this.capacity);
      this.capacity = c;
      this.numbers = new Float64Array(kNumbersPerPeer * c);
      this.bytes = new Uint8Array(kBytesPerPeer * c);
      this.groupStart = new Uint32Array(c + 1);
      this.draws = new Float64Array(c);
    }
  }
  const kept = new PackedPeers();

  // A BitArray's bytes when no bit at `bits` or above is set (TS reads only
  // the true bits, so a longer BitArray with zeros there means the same), else null.
  function bitBytes(b, bits) {
    if (b === undefined || b === null) return null;
    const bytes = b.uint8Array;
    if (!(bytes instanceof Uint8Array) || !(bytes.length * 8 >= b.bitLen)) return null;
    if (bytes.length * 8 === bits) return bytes; // the usual width: nothing beyond it
    const whole = bits >> 3;
    if (bits % 8 !== 0 && bytes.length > whole && bytes[whole] >> (bits % 8) !== 0) return null;
    for (let k = (bits + 7) >> 3; k < bytes.length; k++) if (bytes[k] !== 0) return null;
    return bytes;
  }
  // Packs `infos` into `into` (a PackedPeers); false when a member has a type
  // the packer does not take: the caller then goes the member-by-member way,
  // whose TypeError names the member. Every slot a member's `has` bit marks is
  // written; the others hold an earlier call's values and are not read.
  function packPeers(infos, into) {
    const n = infos.length;
    into.grow(n);
    const numbers = into.numbers;
    const bytes = into.bytes;
    const groupStart = into.groupStart;
    let groups = into.groups;
    let groupCount = 0;
    groupStart[0] = 0;
    for (let i = 0; i < n; i++) {
      const p = infos[i];
      if (p === null || typeof p !== "object") return false;
      const at = kBytesPerPeer * i;
      const d = p.direction;
      if (d === "inbound") bytes[at] = 1;
      else if (d === "outbound") bytes[at] = 2;
      else if (d === null) bytes[at] = 0;
      else return false;
      let h = 0;
      const st = p.status;
      if (st !== null) {
        if (st === undefined || !Number.isSafeInteger(st.finalizedEpoch) || !Number.isSafeInteger(st.headSlot)) return false;
        numbers[kNumbersPerPeer * i] = st.finalizedEpoch;
        numbers[kNumbersPerPeer * i + 1] = st.headSlot;
        h |= 1;
      }
      const a = p.attnets;
      if (a !== null) {
        // Byte by byte, unrolled for the usual 8 bytes (a TypedArray.set call per peer costs more).
        const ab = bitBytes(a, 64);
        if (ab === null) return false;
        const o = at + 8;
        if (ab.length === 8) {
          bytes[o] = ab[0], bytes[o + 1] = ab[1], bytes[o + 2] = ab[2], bytes[o + 3] = ab[3];
          bytes[o + 4] = ab[4], bytes[o + 5] = ab[5], bytes[o + 6] = ab[6], bytes[o + 7] = ab[7];
        } else {
          for (let k = 0; k < 8; k++) bytes[o + k] = k < ab.length ? ab[k] : 0;
        }
        h |= 2;
      }
      const sy = p.syncnets;
      if (sy !== null) {
        const sb = bitBytes(sy, 4);
        if (sb === null) return false;
        bytes[at + 2] = sb.length > 0 ? sb[0] : 0;
        h |= 4;
      }
      const g = p.samplingGroups;
      if (g !== null) {
        if (!Array.isArray(g)) return false;
        if (groupCount + g.length > groups.length) {
          const grown = new Uint32Array(2 * (groupCount + g.length));
          grown.set(groups);
          into.groups = groups = grown;
        }
        for (let k = 0; k < g.length; k++) {
          const x = g[k];
          // An integer in [0, 2^32): x >>> 0 is x itself only then (and -0 is 0, as Number.isSafeInteger takes it).
          if (typeof x !== "number" || x !== x >>> 0) return false;
          groups[groupCount++] = x;
        }
        h |= 8;
      }
      groupStart[i + 1] = groupCount;
      if (typeof p.score !== "number") return false;
      numbers[kNumbersPerPeer * i + 2] = p.score;
      bytes[at + 1] = h;
    }
    return true;
  }

  function prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config, _metrics) {
    let result = null;
    if (native.prioritizePeersPacked !== undefined && Array.isArray(connectedPeersInfo)) {
      // A call made from inside another one's draw (Math.random replaced by a function calling this) packs into arrays of its own.
      const into = kept.busy ? new PackedPeers() : kept;
      if (packPeers(connectedPeersInfo, into)) {
        into.busy = true;
        try {
          result = native.prioritizePeersPacked(connectedPeersInfo.length, into.numbers, into.bytes, into.groupStart, into.groups,
            activeAttnets, activeSyncnets, samplingGroups, opts, config, into.draw);
        } finally {
          into.busy = false;
        }
      }
    }
    const [peersToConnect, disconnect, attnets, syncnets, groups] =
      result ?? native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config);
    const peersToDisconnect = new Map();
    for (const [reason, indices] of disconnect) {
      const ids = new Array(indices.length);
      for (let k = 0; k < indices.length; k++) ids[k] = connectedPeersInfo[indices[k]].id;
      peersToDisconnect.set(reason, ids);
    }
    const queries = (flat) => {
      const out = new Array(flat.length / 3);
      for (let k = 0; k < out.length; k++) out[k] = {subnet: flat[3 * k], toSlot: flat[3 * k + 1], maxPeersToDiscover: flat[3 * k + 2]};
      return out;
    };
    const custodyGroupQueries = new Map();
    for (let k = 0; k < groups.length; k += 2) custodyGroupQueries.set(groups[k], groups[k + 1]);
    return {peersToConnect, peersToDisconnect, attnetQueries: queries(attnets), syncnetQueries: queries(syncnets), custodyGroupQueries};
  }

  class PeerRpcScoreStore {
    /**
     * @param {{disablePeerScoring?: boolean, now?: () => number}} [opts]
     * @param {unknown} [metrics] accepted for Lodestar's signature; not used
     * @param {unknown} [logger] accepted for Lodestar's signature; not used
     */
    constructor(opts = {}, metrics = null, logger = null) {
      checkOpts(opts, "PeerRpcScoreStore");
      this._now = clockOf(opts, "PeerRpcScoreStore");
      this._native = new native.NativeScoreStore(opts.disablePeerScoring === undefined ? false : opts.disablePeerScoring);
      this.metrics = metrics;
      this.logger = logger;
    }
    getScore(peer) { return this._native.getScore(peerIdStr(peer)); }
    getGossipScore(peer) { return this._native.getGossipScore(peerIdStr(peer)); }
    getScoreState(peer) { return this._native.getScoreState(peerIdStr(peer)); }
    isCoolingDown(peerIdStr_) { return this._native.isCoolingDown(peerIdStr_, this._now()); }
    dumpPeerScoreStats() { return this._native.dumpPeerScoreStats(this._now()); }
    applyAction(peer, action, actionName) { this._native.applyAction(peerIdStr(peer), action, actionName, this._now()); }
    applyReconnectionCoolDown(peer, reason) { return this._native.applyReconnectionCoolDown(peer, reason, this._now()); }
    update() { this._native.update(this._now()); }
    updateGossipsubScore(peerId, newScore, ignore) { this._native.updateGossipsubScore(peerId, newScore, ignore, this._now()); }
  }

  class RealScore {
    /** @param {{now?: () => number}} [opts] */
    constructor(opts = {}) {
      checkOpts(opts, "RealScore");
      this._now = clockOf(opts, "RealScore");
      this._native = new native.NativeRealScore(this._now());
    }
    isCoolingDown() { return this._native.isCoolingDown(this._now()); }
    getScore() { return this._native.getScore(); }
    getGossipScore() { return this._native.getGossipScore(); }
    add(scoreDelta) { return this._native.add(scoreDelta, this._now()); }
    applyReconnectionCoolDown(reason) { return this._native.applyReconnectionCoolDown(reason, this._now()); }
    update() { return this._native.update(this._now()); }
    updateGossipsubScore(newScore, ignore) { this._native.updateGossipsubScore(newScore, ignore, this._now()); }
    getStat() { return this._native.getStat(); }
  }

  /** updateGossipsubScores(peerRpcScores, gossipsubScores: Map<PeerIdStr, number>, toIgnoreNegativePeers) */
  function updateGossipsubScores(peerRpcScores, gossipsubScores, toIgnoreNegativePeers) {
    if (!(peerRpcScores instanceof PeerRpcScoreStore)) {
      throw new TypeError("updateGossipsubScores: peerRpcScores: expected a PeerRpcScoreStore of this addon");
    }
    if (!(gossipsubScores instanceof Map)) throw new TypeError("updateGossipsubScores: gossipsubScores: expected a Map<PeerIdStr, number>");
    peerRpcScores._native.updateGossipsubScores([...gossipsubScores], toIgnoreNegativePeers, peerRpcScores._now());
  }

  function assertPeerRelevance(forkName, remote, local, currentSlot) {
    const r = native.assertPeerRelevance(forkName, remote, local, currentSlot);
    if (r === null) return null;
    const [code, slotDiff] = r;
    switch (code) {
      case IrrelevantPeerCode.INCOMPATIBLE_FORKS: return {code, ours: local.forkDigest, theirs: remote.forkDigest};
      case IrrelevantPeerCode.DIFFERENT_CLOCKS: return {code, slotDiff};
      case IrrelevantPeerCode.DIFFERENT_FINALIZED: return {code, expectedRoot: local.finalizedRoot, remoteRoot: remote.finalizedRoot};
      default: return {code};
    }
  }

  return {
    prioritizePeers,
    PeerRpcScoreStore,
    RealScore,
    updateGossipsubScores,
    scoreToState: native.scoreToState,
    assertPeerRelevance,
    PeerAction,
    ScoreState,
    GoodByeReasonCode,
    ExcessPeerDisconnectReason,
    IrrelevantPeerCode,
  };
};
