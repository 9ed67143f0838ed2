// test/utils/network.ts's getAttnets and getSyncnets (the priorization test's
// only imports from it; the file's other helpers pull in the whole network
// stack). Test helpers, not code under test.
import {createRequire} from "node:module";

const requireRecorder = createRequire(new URL("../../../../../tools/recorder/node_modules/x.js", import.meta.url));
const {BitArray} = requireRecorder("@chainsafe/ssz");

export function getAttnets(subnetIds = []) {
  const attnets = BitArray.fromBitLen(64);
  for (const subnetId of subnetIds) attnets.set(subnetId, true);
  return attnets;
}
export function getSyncnets(subnetIds = []) {
  const syncnets = BitArray.fromBitLen(4);
  for (const subnetId of subnetIds) syncnets.set(subnetId, true);
  return syncnets;
}
