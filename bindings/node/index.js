// The engine for Node, through the Node-API addon peer_replay.node: built by
// `npm install` (cmake-js, into build/Release/) or by the project's CMake
// (build/<preset>/bindings/node/). Two APIs:
//  - the Lodestar-shaped one (lodestar.js): prioritizePeers,
//    PeerRpcScoreStore, RealScore, assertPeerRelevance, PeerAction ...;
//  - NativePeerManager (native_peer_manager.js): Lodestar's PeerManager,
//    built from the same modules, with the engine deciding;
//  - the trace-driven PeerManager: records go in and come out as
//    traces/FORMAT.md spells them: a header configures the manager, each
//    event returns the actions the engine took, in order.
"use strict";

const path = require("node:path");

function loadNative() {
  const candidates = [
    process.env.PEER_REPLAY_ADDON,
    path.join(__dirname, "build/Release/peer_replay.node"),
    path.join(__dirname, "../../build/release/bindings/node/peer_replay.node"),
    path.join(__dirname, "../../build/debug/bindings/node/peer_replay.node"),
  ].filter(Boolean);
  for (const file of candidates) {
    try {
      return require(file);
    } catch (e) {
      if (e.code !== "MODULE_NOT_FOUND" && !/cannot open shared object/.test(e.message)) throw e;
    }
  }
  throw new Error(
    `peer-replay addon not found (tried ${candidates.join(", ")}); build it with ` +
      "`npm rebuild @peer-replay/node` (installed package), `bash scripts/build.sh release` (checkout) or set PEER_REPLAY_ADDON"
  );
}

const native = loadNative();
const kMaxTimersPerAdvance = 1_000_000;  // a bound, not a limit one meets: a day of timers is ~20,000
const text = (record) => (typeof record === "string" ? record : JSON.stringify(record));

class PeerManager {
  /** @param {string|object} header a trace header record (FORMAT.md §2.1) */
  constructor(header) {
    this._handle = native.create(text(header));
  }
  /** @param {string|object} event an event record (FORMAT.md §2.2); returns its actions (§3.2) */
  step(event) {
    return JSON.parse(native.step(this._handle, text(event)));
  }
  /** The score store's dump (FORMAT.md §3.4), in dump order. */
  dumpPeerScoreStats() {
    return JSON.parse(native.scores(this._handle));
  }
  /**
   * What the score store wrote since the last call, without a full dump (the
   * first call starts the notes): {all: true} when update() ran (dump
   * instead), else {all: false, entries} with the written peers' current
   * entries in dump order (written, not necessarily changed).
   */
  scoreChanges() {
    return JSON.parse(native.scoreChanges(this._handle));
  }
  /**
   * The armed timers in the order Lodestar fires them (by due time, then as
   * @sinonjs/fake-timers breaks ties): [{timer, req?, t_ms}].
   */
  timers() {
    return JSON.parse(native.timers(this._handle)).timers;
  }
  /** The timer that fires next, or null. */
  nextTimer() {
    return this.timers()[0] ?? null;
  }
  /**
   * Fires, in Lodestar's order, every timer due at or before tMs (timers
   * re-armed or created on the way included) as timer events, and returns
   * [{event, actions}] in firing order. `inputs(timer)` gives the members a
   * timer event carries beyond its kind (FORMAT.md §3.1: `rand` draws and the
   * active subnets for a heartbeat, `gossip_scores` for gossip_scores).
   * step() itself refuses an event that would pass a due timer.
   * @param {number} tMs
   * @param {(timer: {timer: string, req?: number, t_ms: number}) => object} [inputs]
   */
  advance(tMs, inputs = () => ({})) {
    if (!Number.isSafeInteger(tMs)) throw new TypeError(`PeerManager.advance: tMs: expected an integer, got ${tMs}`);
    if (typeof inputs !== "function") throw new TypeError("PeerManager.advance: inputs: expected a function");
    const fired = [];
    for (let k = 0; ; k++) {
      const state = JSON.parse(native.timers(this._handle));
      const next = state.timers[0];
      if (next === undefined || next.t_ms > tMs) return fired;
      if (k >= kMaxTimersPerAdvance) throw new RangeError(`PeerManager.advance: more than ${kMaxTimersPerAdvance} timers due before t_ms ${tMs}`);
      const event = {...inputs(next), type: "event", seq: state.seq + 1, t_ms: next.t_ms, kind: "timer", timer: next.timer};
      if (next.req !== undefined) event.req = next.req;
      fired.push({event, actions: this.step(event)});
    }
  }
  /** A 64-bit digest of the engine's state, as 16 hex digits: equal states, equal digests. */
  stateDigest() {
    return native.digest(this._handle);
  }
  /** A scrape of Lodestar's peer-manager metrics (FORMAT.md §8), as Prometheus text format 0.0.4. */
  metrics() {
    return native.metrics(this._handle);
  }
}

module.exports = {
  PeerManager,
  ShadowReplayer: native.ShadowReplayer,  // shadow mode's comparer (shadow.js, shadow_replayer.cc)
  ...require("./lodestar.js")(native),
  ...require("./native_peer_manager.js")(native),
};
