// Lodestar 1.44's own assertPeerRelevance with 1.22's signature (adapt.mjs).
import {adaptRelevance} from "./adapt.mjs";
import * as ts from "../lodestar-1.44/assertPeerRelevance.mjs";

export const {IrrelevantPeerCode} = ts;
export const assertPeerRelevance = adaptRelevance(ts.assertPeerRelevance);
