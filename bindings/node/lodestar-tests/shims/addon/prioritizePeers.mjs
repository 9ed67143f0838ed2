// network/peers/utils/prioritizePeers.js as the addon offers it. The addon
// does not export the internal helper sortPeersToPrune (its PeerInfo type is
// internal to prioritizePeers): calling it says so.
import {createRequire} from "node:module";

const addon = createRequire(import.meta.url)("../../../index.js");
export const {prioritizePeers, ExcessPeerDisconnectReason} = addon;
export function sortPeersToPrune() {
  throw new Error("sortPeersToPrune: not offered by the addon (an internal helper of prioritizePeers)");
}
