// The addon's assertPeerRelevance with Lodestar 1.22's signature (adapt.mjs).
import {adaptRelevance} from "./adapt.mjs";
import * as addon from "../addon/assertPeerRelevance.mjs";

export const {IrrelevantPeerCode} = addon;
export const assertPeerRelevance = adaptRelevance(addon.assertPeerRelevance);
