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

  // prioritizePeers' arguments packed into typed arrays for
  // native.prioritizePeersPacked, in the layouts prioritize.cc describes: one
  // crossing and no JS object read from C++ (reading JS objects member by
  // member through Node-API cost more than Lodestar's whole function). The
  // arrays are kept between calls and grown when a call needs more (a
  // heartbeat packs about the same number of peers each time), so a call
  // allocates none of them.
  const kNumbersPerPeer = 3; // finalizedEpoch, headSlot, score
  const kBytesPerPeer = 16; // direction, has, syncnets, 5 unused, attnets (8 bytes)
  const kArgCount = 15; // the fixed slots of `args` (prioritize.cc's kArg*)
  const kFlagOutboundPeersRatio = 1;
  const kFlagTargetSubnetPeers = 2;
  const kFlagSamplingGroups = 4;
  class PackedArgs {
    constructor() {
      this.capacity = -1;
      this.grow(0); // numbers, bytes, groupStart, draws
      this.groups = new Uint32Array(64); // grown by packPeers as it fills it
      this.args = new Float64Array(kArgCount + 256); // grown by packOtherArgs
      this.out = new Float64Array(256); // the result; prioritize.cc returns a larger one when it needs more
      this.busy = false; // a call is under way (a getter or Math.random may call prioritizePeers again)
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
  const kept = new PackedArgs();
  const reasonNames = native.excessPeerDisconnectReasonNames;

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
  // Packs `infos` into `into` (a PackedArgs); false when a member has a type
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

  const isSafeInteger = Number.isSafeInteger;
  // Packs the arguments after the peers into into.args; false when one has a
  // type the packer does not take (the member-by-member way then names it).
  // Reads the members in the order prioritize.cc's get_other_args does.
  function packOtherArgs(activeAttnets, activeSyncnets, samplingGroups, opts, config, into) {
    if (!Array.isArray(activeAttnets) || !Array.isArray(activeSyncnets)) return false;
    const ourGroups = samplingGroups === undefined ? 0 : Array.isArray(samplingGroups) ? samplingGroups.length : -1;
    if (ourGroups < 0) return false;
    const size = kArgCount + 2 * activeAttnets.length + 2 * activeSyncnets.length + ourGroups;
    if (size > into.args.length) into.args = new Float64Array(2 * size);
    const args = into.args;
    let at = kArgCount;
    for (const list of [activeAttnets, activeSyncnets]) {
      for (let k = 0; k < list.length; k++) {
        const r = list[k];
        if (r === null || typeof r !== "object") return false;
        const subnet = r.subnet;
        const toSlot = r.toSlot;
        if (!isSafeInteger(subnet) || !isSafeInteger(toSlot)) return false;
        args[at++] = subnet;
        args[at++] = toSlot;
      }
    }
    for (let k = 0; k < ourGroups; k++) {
      const x = samplingGroups[k];
      if (typeof x !== "number" || x !== x >>> 0) return false;
      args[at++] = x;
    }
    if (opts === null || typeof opts !== "object") return false;
    const targetPeers = opts.targetPeers;
    const maxPeers = opts.maxPeers;
    const targetGroupPeers = opts.targetGroupPeers;
    const st = opts.status;
    if (!isSafeInteger(targetPeers) || !isSafeInteger(maxPeers) || !isSafeInteger(targetGroupPeers)) return false;
    if (st === null || typeof st !== "object") return false;
    const finalizedEpoch = st.finalizedEpoch;
    const headSlot = st.headSlot;
    if (!isSafeInteger(finalizedEpoch) || !isSafeInteger(headSlot)) return false;
    const starved = opts.starved;
    const starvationPruneRatio = opts.starvationPruneRatio;
    const starvationThresholdSlots = opts.starvationThresholdSlots;
    if (typeof starved !== "boolean" || typeof starvationPruneRatio !== "number" || !isSafeInteger(starvationThresholdSlots)) return false;
    const outboundPeersRatio = opts.outboundPeersRatio;
    const targetSubnetPeers = opts.targetSubnetPeers;
    let flags = 0;
    if (outboundPeersRatio !== undefined) {
      if (typeof outboundPeersRatio !== "number") return false;
      flags |= kFlagOutboundPeersRatio;
    }
    if (targetSubnetPeers !== undefined) {
      if (!isSafeInteger(targetSubnetPeers)) return false;
      flags |= kFlagTargetSubnetPeers;
    }
    if (samplingGroups !== undefined) flags |= kFlagSamplingGroups;
    if (config === null || typeof config !== "object") return false;
    const custodyGroups = config.NUMBER_OF_CUSTODY_GROUPS;
    if (!isSafeInteger(custodyGroups) || custodyGroups < 0 || custodyGroups > 65536) return false;
    args[0] = targetPeers;
    args[1] = maxPeers;
    args[2] = targetGroupPeers;
    args[3] = finalizedEpoch;
    args[4] = headSlot;
    args[5] = starved ? 1 : 0;
    args[6] = starvationPruneRatio;
    args[7] = starvationThresholdSlots;
    args[8] = flags;
    args[9] = outboundPeersRatio ?? 0;
    args[10] = targetSubnetPeers ?? 0;
    args[11] = custodyGroups;
    args[12] = activeAttnets.length;
    args[13] = activeSyncnets.length;
    args[14] = ourGroups;
    return true;
  }

  // The native result (prioritize.cc's header comment gives its layout) in
  // the TS return shape, with the caller's own PeerIds.
  function decodeResult(out, connectedPeersInfo) {
    let at = 0;
    const peersToConnect = out[at++];
    const peersToDisconnect = new Map();
    for (let r = out[at++]; r > 0; r--) {
      const reason = reasonNames[out[at++]];
      const ids = new Array(out[at++]);
      for (let k = 0; k < ids.length; k++) ids[k] = connectedPeersInfo[out[at++]].id;
      peersToDisconnect.set(reason, ids);
    }
    const queries = () => {
      const list = new Array(out[at++]);
      for (let k = 0; k < list.length; k++, at += 3) list[k] = {subnet: out[at], toSlot: out[at + 1], maxPeersToDiscover: out[at + 2]};
      return list;
    };
    const attnetQueries = queries();
    const syncnetQueries = queries();
    const custodyGroupQueries = new Map();
    for (let g = out[at++]; g > 0; g--, at += 2) custodyGroupQueries.set(out[at], out[at + 1]);
    return {peersToConnect, peersToDisconnect, attnetQueries, syncnetQueries, custodyGroupQueries};
  }

  // The fast path: everything packed and checked here, the Math.random draws
  // taken here (TS's count: n-1 when n > targetPeers, which prioritize.cc
  // checks), then one crossing, and the kept result decoded. null when the
  // packer declines an input.
  function prioritizePacked(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config) {
    if (native.prioritizePeersPacked === undefined || !Array.isArray(connectedPeersInfo)) return null;
    // A call from inside another's packing, draws or decoding (a getter or Math.random calling this) packs into
    // arrays of its own.
    const into = kept.busy ? new PackedArgs() : kept;
    into.busy = true;
    try {
      if (!packPeers(connectedPeersInfo, into)) return null;
      if (!packOtherArgs(activeAttnets, activeSyncnets, samplingGroups, opts, config, into)) return null;
      const n = connectedPeersInfo.length;
      const drawCount = n > into.args[0] && n > 1 ? n - 1 : 0; // args[0]: targetPeers, as packed
      const draws = into.draws;
      for (let k = 0; k < drawCount; k++) draws[k] = Math.random();
      const out = native.prioritizePeersPacked(n, into.numbers, into.bytes, into.groupStart, into.groups, into.args, draws, drawCount, into.out);
      if (out.length > into.out.length) into.out = out;
      return decodeResult(out, connectedPeersInfo);
    } finally {
      into.busy = false;
    }
  }

  function prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config, _metrics) {
    return (
      prioritizePacked(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config) ??
      decodeResult(native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config), connectedPeersInfo)
    );
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
