// The addon's prioritizePeers with Lodestar 1.22's signature (adapt.mjs).
import {adapt} from "./adapt.mjs";
import * as addon from "../addon/prioritizePeers.mjs";

export const {ExcessPeerDisconnectReason, sortPeersToPrune} = addon;
export const prioritizePeers = adapt(addon.prioritizePeers);
