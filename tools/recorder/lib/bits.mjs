// Trace JSON -> the SSZ values Lodestar holds (BitArray from @chainsafe/ssz). Used by scripted recording.
import {BitArray} from "@chainsafe/ssz";
import {fromHex} from "./codec.mjs";

export function decBits(hex, bitLen) {
  const bytes = fromHex(hex, Math.ceil(bitLen / 8));
  return new BitArray(bytes, bitLen);
}

export function bitsFromIndices(bitLen, indices) {
  const b = BitArray.fromBitLen(bitLen);
  for (const i of indices) b.set(i, true);
  return b;
}

export function decMetadata(o) {
  const m = {seqNumber: BigInt(o.seqNumber), attnets: decBits(o.attnets, 64)};
  if (o.syncnets !== undefined) m.syncnets = decBits(o.syncnets, 4);
  // ssz UintNum64: a JS number in Lodestar (Math.max() is applied to it)
  if (o.custodyGroupCount !== undefined) m.custodyGroupCount = Number(o.custodyGroupCount);
  return m;
}
