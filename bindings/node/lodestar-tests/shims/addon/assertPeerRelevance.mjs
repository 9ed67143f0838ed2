// network/peers/utils/assertPeerRelevance.js as the addon offers it.
import {createRequire} from "node:module";

const addon = createRequire(import.meta.url)("../../../index.js");
export const {assertPeerRelevance, IrrelevantPeerCode} = addon;
