// Lodestar 1.44's own prioritizePeers with 1.22's signature (adapt.mjs).
import {adapt} from "./adapt.mjs";
import * as ts from "../lodestar-1.44/prioritizePeers.mjs";

export const {ExcessPeerDisconnectReason, sortPeersToPrune} = ts;
export const prioritizePeers = adapt(ts.prioritizePeers);
