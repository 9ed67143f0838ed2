// The deterministic environment of a scripted recording (traces/FORMAT.md §5).
//
// Importing this module, before anything imports Lodestar:
//   1. installs @sinonjs/fake-timers (Date, setTimeout, setInterval and their clears) at T0;
//   2. wraps the faked setTimeout/setInterval so every callback is labelled when it is created
//      (heartbeat, ping_status, gossip_scores, startup_ping_status, goodbye_timeout, the beacon
//      clock's slot timer) and reports its firing to the active session;
//   3. imports the real Lodestar modules (deep paths; the package "exports" do not list them);
//   4. replaces Math.random by a seeded source that reports every draw to the active session
//      (after the imports: gossip/encoding.js takes one draw at import time).
import FakeTimers from "@sinonjs/fake-timers";
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {mulberry32, seed32} from "./codec.mjs";

export const GENESIS_TIME = 1_600_000_000;
export const START_SLOT = 1000;
/** Wall clock at the start of every scripted recording: slot 1000 + 0.5 s (mainnet 12 s slots). */
export const T0 = (GENESIS_TIME + START_SLOT * 12) * 1000 + 500;

export const clock = FakeTimers.install({
  now: T0,
  toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"],
});

/** The session that receives timer firings, random draws and module calls. */
let hooks = null;
export function setHooks(h) {
  hooks = h;
}

const fakeSetTimeout = globalThis.setTimeout;
const fakeSetInterval = globalThis.setInterval;

const INTERVAL_LABELS = {
  "bound heartbeat": "heartbeat",
  "bound pingAndStatusTimeouts": "ping_status",
  "bound updateGossipsubScores": "gossip_scores",
};

function stackOf() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const s = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return s;
}

/** Decide at creation time what a timer is. Unknown timers fail loudly when they fire inside a session. */
function labelTimeout(fn, ms) {
  if (fn?.peerReplayTimer) return fn.peerReplayTimer; // NativePeerManager names the engine timer it arms
  if (fn?.name === "onNextSlot") return {label: "slot"};
  const st = stackOf();
  if (st.includes("callInNextEventLoop")) return {label: "startup_ping_status"};
  if (st.includes("withTimeout") && st.includes("sleep")) {
    if (!st.includes("goodbyeAndDisconnect")) return {label: "unknown", detail: st};
    return {label: "goodbye_timeout", req: hooks?.lastGoodbyeReq?.() ?? null};
  }
  if (st.includes("onNextSlot") || st.includes("at Clock.")) return {label: "slot"};
  return {label: "unknown", detail: `setTimeout(${fn?.name || "anonymous"}, ${ms})\n${st}`};
}

function wrap(fn, info) {
  if (typeof fn !== "function") return fn;
  const wrapped = function (...args) {
    if (hooks) return hooks.onTimer(info, () => fn.apply(this, args));
    return fn.apply(this, args);
  };
  wrapped.info = info; // what a replay driver (lib/trace-session.mjs) reads off the timer heap
  return wrapped;
}

globalThis.setTimeout = function setTimeout(fn, ms, ...args) {
  return fakeSetTimeout(wrap(fn, labelTimeout(fn, ms)), ms, ...args);
};
globalThis.setInterval = function setInterval(fn, ms, ...args) {
  const label = fn?.peerReplayTimer?.label ?? INTERVAL_LABELS[fn?.name];
  const info = label ? {label} : {label: "unknown", detail: `setInterval(${fn?.name || "anonymous"}, ${ms})`};
  return fakeSetInterval(wrap(fn, info), ms, ...args);
};

// ---- Lodestar, the real code ----
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
// PEER_REPLAY_LODESTAR_DIR=/some/install/node_modules records with another Lodestar install (the
// upgrade workflow, README "Recording with another Lodestar version"): beacon-node's lib/,
// @lodestar/config, @lodestar/params and the header's package versions then come from there.
// Unset (the default), everything resolves from tools/recorder/node_modules exactly as before.
const LODESTAR_DIR = process.env.PEER_REPLAY_LODESTAR_DIR ? path.resolve(process.env.PEER_REPLAY_LODESTAR_DIR) : null;
const NODE_MODULES = LODESTAR_DIR ?? path.join(here, "..", "node_modules");
/** `@lodestar/<name>` from the alternate install (its "." export is import-only: lib/index.js). */
const lodestarPkg = (name) => (LODESTAR_DIR ? import(path.join(LODESTAR_DIR, "@lodestar", name, "lib", "index.js")) : import(`@lodestar/${name}`));
export const BEACON_NODE_DIR = path.join(NODE_MODULES, "@lodestar", "beacon-node");
const L = path.join(BEACON_NODE_DIR, "lib");
const imp = (p) => import(path.join(L, p));

export const {PeerManager} = await imp("network/peers/peerManager.js");
export const {PeersData} = await imp("network/peers/peersData.js");
export const {PeerRpcScoreStore, PeerAction} = await imp("network/peers/score/index.js");
export const {NetworkEventBus, NetworkEvent} = await imp("network/events.js");
export const {LocalStatusCache} = await imp("network/statusCache.js");
export const {Clock} = await imp("util/clock.js");
export const {CustodyConfig} = await imp("util/dataColumns.js");
export const {computeNodeId} = await imp("network/subnets/interface.js");
export const {ReqRespMethod} = await imp("network/reqresp/types.js");
export const {GoodByeReasonCode} = await imp("constants/network.js");
export const {createNetworkCoreMetrics} = await imp("network/core/metrics.js");
export const {RegistryMetricCreator} = await imp("metrics/utils/registryMetricCreator.js");
export const {createBeaconConfig, createChainForkConfig, defaultChainConfig} = await lodestarPkg("config");
export const params = await lodestarPkg("params");
export const {privateKeyFromRaw, generateKeyPairFromSeed} = await import("@libp2p/crypto/keys");
export const {peerIdFromPrivateKey, peerIdFromString} = await import("@libp2p/peer-id");

/** The exact resolved version of every @lodestar/* package in node_modules. */
export function lodestarPackages() {
  const dir = path.join(NODE_MODULES, "@lodestar");
  const fs = require("node:fs");
  const out = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const pj = JSON.parse(fs.readFileSync(path.join(dir, name, "package.json"), "utf8"));
    out[pj.name] = pj.version;
  }
  return out;
}

// ---- randomness: installed after the imports ----
const realRandom = Math.random;
let prng = null;
export function seedRandom(seed) {
  prng = mulberry32(seed32(seed));
}
/** Replaces the seeded source by `next()` (lib/trace-session.mjs feeds each event's recorded draws). */
export function setRandomSource(next) {
  prng = next;
}
Math.random = function random() {
  if (!prng) return realRandom();
  const v = prng();
  if (hooks) hooks.onRandom(v);
  return v;
};
