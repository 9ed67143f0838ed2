// The ssz_snappy encoding of Ethereum consensus req/resp (consensus-specs phase0 p2p-interface,
// "Encoding strategies"): a payload is its SSZ length as an unsigned LEB128 varint followed by the SSZ
// bytes in the snappy framing format (stream identifier, then chunks of at most 65536 uncompressed
// bytes, each with the masked CRC-32C of its uncompressed data). A response chunk starts with a
// result byte (0 success, 1 invalid request, 2 server error, 3 resource unavailable). This is what
// @lodestar/reqresp's encoders write (that package is stubbed in tools/recorder); block compression
// is snappyjs, CRC-32C is @chainsafe/fast-crc32c.
import SnappyJS from "snappyjs";
import crc32c from "@chainsafe/fast-crc32c";

const IDENTIFIER = Uint8Array.of(0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59);
const CHUNK_BYTES = 65536;
// a request or response this tool exchanges is far smaller; larger declared lengths are refused
export const MAX_SSZ_BYTES = 1 << 20;

function maskedCrc(data) {
  const c = crc32c.calculate(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) >>> 0;
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function varint(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Uint8Array.from(out);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** varint(ssz length) + snappy frames of ssz */
export function encodePayload(ssz) {
  const parts = [varint(ssz.length), IDENTIFIER];
  for (let i = 0; i < ssz.length; i += CHUNK_BYTES) {
    const raw = ssz.subarray(i, i + CHUNK_BYTES);
    const comp = SnappyJS.compress(raw);
    const len = comp.length + 4;
    const head = Uint8Array.of(0x00, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff);
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, maskedCrc(raw), true);
    parts.push(head, crc, comp);
  }
  return concat(parts);
}

export function encodeResponseChunk(result, ssz) {
  return concat([Uint8Array.of(result), encodePayload(ssz)]);
}

export class EncodingError extends Error {}

/**
 * Decodes one payload at buf[offset...]: {ssz, end} when complete, null when more bytes are needed.
 * Throws EncodingError on bytes that can never become a valid payload.
 */
export function decodePayload(buf, offset = 0) {
  let len = 0;
  let shift = 1;
  let i = offset;
  for (;;) {
    if (i >= buf.length) return null;
    const b = buf[i++];
    len += (b & 0x7f) * shift;
    shift *= 128;
    if ((b & 0x80) === 0) break;
    if (i - offset > 5) throw new EncodingError("ssz_snappy: varint longer than 5 bytes");
  }
  if (len > MAX_SSZ_BYTES) throw new EncodingError(`ssz_snappy: declared length ${len} over ${MAX_SSZ_BYTES}`);
  const out = [];
  let have = 0;
  let sawIdentifier = false;
  while (have < len || !sawIdentifier) {
    if (i + 4 > buf.length) return null;
    const type = buf[i];
    const clen = buf[i + 1] | (buf[i + 2] << 8) | (buf[i + 3] << 16);
    if (i + 4 + clen > buf.length) return null;
    const body = buf.subarray(i + 4, i + 4 + clen);
    i += 4 + clen;
    if (type === 0xff) {
      if (clen !== 6 || String.fromCharCode(...body) !== "sNaPpY") throw new EncodingError("ssz_snappy: bad stream identifier");
      sawIdentifier = true;
      continue;
    }
    if (!sawIdentifier) throw new EncodingError("ssz_snappy: chunk before the stream identifier");
    if (type === 0x00 || type === 0x01) {
      if (clen < 4) throw new EncodingError("ssz_snappy: chunk shorter than its checksum");
      const crc = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
      let raw;
      try {
        raw = type === 0x00 ? SnappyJS.uncompress(body.subarray(4), CHUNK_BYTES) : body.subarray(4);
      } catch (e) {
        throw new EncodingError(`ssz_snappy: ${e.message}`);
      }
      if (maskedCrc(raw) !== crc) throw new EncodingError("ssz_snappy: checksum mismatch");
      out.push(raw);
      have += raw.length;
      if (have > len) throw new EncodingError(`ssz_snappy: ${have} bytes for a declared length of ${len}`);
    } else if (type < 0x80) {
      throw new EncodingError(`ssz_snappy: reserved unskippable chunk type ${type}`);
    }
    if (len === 0 && sawIdentifier) break;
  }
  return {ssz: concat(out), end: i};
}

/** One response chunk at buf[offset...]: {result, ssz, end} or null when incomplete. */
export function decodeResponseChunk(buf, offset = 0) {
  if (offset >= buf.length) return null;
  const p = decodePayload(buf, offset + 1);
  return p && {result: buf[offset], ssz: p.ssz, end: p.end};
}
