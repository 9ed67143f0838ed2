// The switch that makes a recording session build the addon's NativePeerManager
// (bindings/node/native_peer_manager.js) instead of Lodestar's PeerManager, over
// the same fake modules: Session({..., impl: nativeImpl(config)}). Everything
// else (the scenario, the fake libp2p, the clock, Math.random) is unchanged, so
// the two runs' event and expect records can be compared line by line
// (native-compare.mjs).
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {computeNodeId, params} from "./env.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The addon, as index.js finds it (PEER_REPLAY_ADDON, or a build of this checkout). */
export function loadAddon() {
  return require(path.join(here, "..", "..", "..", "bindings", "node", "index.js"));
}

/** {create, init} for Session's `impl`; `cfg` is the scenario's config (disablePeerScoring is read from it). */
export function nativeImpl(cfg = {}) {
  const {NativePeerManager} = loadAddon();
  const nativeOpts = {
    computeNodeId,
    params,
    disablePeerScoring: cfg.disablePeerScoring ?? false,
  };
  return {
    create: (modules, opts, discovery) => new NativePeerManager(modules, opts, discovery, nativeOpts),
    init: (modules, opts) => NativePeerManager.init(modules, opts, nativeOpts),
  };
}
