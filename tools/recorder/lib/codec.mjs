// Encoding and decoding of the values a trace carries (traces/FORMAT.md §3.3, §3.4, §4).
// Pure functions with no dependency (the live hook loads this inside a beacon node); decoding into
// BitArrays is in bits.mjs.

export function toHex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(hex, len) {
  if (typeof hex !== "string" || !/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new Error(`expected lowercase hex, got ${JSON.stringify(hex)}`);
  }
  const b = Uint8Array.from(Buffer.from(hex, "hex"));
  if (len !== undefined && b.length !== len) throw new Error(`expected ${len} bytes of hex, got ${b.length}`);
  return b;
}

/** Status (TS object with Uint8Arrays) -> trace JSON. `earliestAvailableSlot` only when the TS object has it. */
export function encStatus(s) {
  const o = {
    forkDigest: toHex(s.forkDigest),
    finalizedRoot: toHex(s.finalizedRoot),
    finalizedEpoch: s.finalizedEpoch,
    headRoot: toHex(s.headRoot),
    headSlot: s.headSlot,
  };
  if (s.earliestAvailableSlot !== undefined) o.earliestAvailableSlot = s.earliestAvailableSlot;
  return o;
}

export function decStatus(o) {
  const s = {
    forkDigest: fromHex(o.forkDigest, 4),
    finalizedRoot: fromHex(o.finalizedRoot, 32),
    finalizedEpoch: o.finalizedEpoch,
    headRoot: fromHex(o.headRoot, 32),
    headSlot: o.headSlot,
  };
  if (o.earliestAvailableSlot !== undefined) s.earliestAvailableSlot = o.earliestAvailableSlot;
  return s;
}

/** BitArray -> hex of its SSZ bytes (bit i is bit i%8 of byte i/8). */
export function encBits(b) {
  return toHex(b.uint8Array);
}

/** Metadata (TS) -> trace JSON. seqNumber BigInt, custodyGroupCount number in TS; both strings in the trace. */
export function encMetadata(m) {
  const o = {seqNumber: m.seqNumber.toString(), attnets: encBits(m.attnets)};
  if (m.syncnets !== undefined) o.syncnets = encBits(m.syncnets);
  if (m.custodyGroupCount !== undefined) o.custodyGroupCount = String(m.custodyGroupCount);
  return o;
}

export function encSubnets(list) {
  return list.map(({subnet, toSlot}) => ({subnet, toSlot}));
}

/**
 * A double as a trace holds it (FORMAT.md §4): the number, or for one JSON cannot carry (a gossip
 * score, a score computed from it, a metrics sum that overflows), the spelling "+Inf", "-Inf" or "NaN".
 */
export function spelledNumber(v) {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/** The inverse of spelledNumber: the double a trace's number or spelling stands for. */
export function unspelledNumber(v) {
  return v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : v === "NaN" ? NaN : v;
}

/** One entry of dumpPeerScoreStats() -> FORMAT.md §3.4 */
export function encScore(s) {
  return {
    peer: s.peerId,
    lodestar: spelledNumber(s.lodestarScore),
    gossip: spelledNumber(s.gossipScore),
    ignore_negative: s.ignoreNegativeGossipScore,
    score: spelledNumber(s.score),
    last_update_ms: s.lastUpdate,
  };
}

/** Bit-exact equality of two encoded score entries (-0 differs from 0). */
export function sameScore(a, b) {
  return (
    a.peer === b.peer &&
    Object.is(a.lodestar, b.lodestar) &&
    Object.is(a.gossip, b.gossip) &&
    a.ignore_negative === b.ignore_negative &&
    Object.is(a.score, b.score) &&
    Object.is(a.last_update_ms, b.last_update_ms)
  );
}

/**
 * JSON.stringify, refusing values JSON cannot carry (FORMAT.md §4): NaN, infinities, BigInt, undefined in arrays.
 * Numbers print as JS prints them (shortest round trip), except -0: JSON.stringify(-0) is "0", which would lose
 * the sign FORMAT.md §4 says is compared; the recorder writes "-0.0" for it (FORMAT.md §4).
 */
export function stringifyRecord(obj) {
  let negZero = false;
  const s = JSON.stringify(obj, (k, v) => {
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new Error(`non-finite number in member ${JSON.stringify(k)}`);
      if (Object.is(v, -0)) negZero = true;
    } else if (typeof v === "bigint") {
      throw new Error(`BigInt in member ${JSON.stringify(k)}: encode it as a decimal string`);
    }
    return v;
  });
  if (!negZero) return s;
  // Rare path: re-serialise with -0 spelled out.
  return serializeWithNegZero(obj);
}

function serializeWithNegZero(v) {
  if (typeof v === "number") return Object.is(v, -0) ? "-0.0" : JSON.stringify(v);
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : serializeWithNegZero(x))).join(",")}]`;
  const parts = [];
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${serializeWithNegZero(x)}`);
  }
  return `{${parts.join(",")}}`;
}

/** mulberry32: the recorder's seeded Math.random (reference §5, §6). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed string (any decimal integer) -> uint32 for mulberry32. */
export function seed32(seed) {
  const n = BigInt(seed);
  return Number(((n % 4294967296n) + 4294967296n) % 4294967296n);
}

/** The recorder's own version, in every header it writes (`producer.version`). */
export const RECORDER_VERSION = "0.1.0";
const FORKS = ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"];

/**
 * The header record (FORMAT.md §2.1), built here for both recorders (session.mjs, scripted, and
 * live-recorder.mjs, live) so that its members and their order are written once.
 * chainConfig: the ChainConfig (fork epochs, SLOT_DURATION_MS, custody constants); params: the
 * preset's SLOTS_PER_EPOCH and NUMBER_OF_COLUMNS; config: the PeerManager options and clock;
 * custodyConfig: networkConfig.custodyConfig; status: the local Status as trace JSON; formatVersion: 2 when
 * the trace may hold the version-2 event kinds (FORMAT.md §9), else 1.
 */
export function traceHeader({mode, packages, note, scenario, seed, chainConfig: c, params, config, nodeId, custodyConfig, status, metrics, formatVersion = 1}) {
  const chain = {
    SLOTS_PER_EPOCH: params.SLOTS_PER_EPOCH,
    SLOT_DURATION_MS: c.SLOT_DURATION_MS,
    CUSTODY_REQUIREMENT: c.CUSTODY_REQUIREMENT,
    SAMPLES_PER_SLOT: c.SAMPLES_PER_SLOT,
    NUMBER_OF_CUSTODY_GROUPS: c.NUMBER_OF_CUSTODY_GROUPS,
    NUMBER_OF_COLUMNS: params.NUMBER_OF_COLUMNS,
    DATA_COLUMN_SIDECAR_SUBNET_COUNT: c.DATA_COLUMN_SIDECAR_SUBNET_COUNT,
  };
  for (const f of FORKS) {
    const v = c[`${f}_FORK_EPOCH`];
    chain[`${f}_FORK_EPOCH`] = Number.isFinite(v) ? v : null;
  }
  const producer = {name: "peer-replay-recorder", version: RECORDER_VERSION, mode, packages, node: process.version};
  if (note) producer.note = note;
  const h = {
    type: "header",
    format: "peer-replay-trace",
    format_version: formatVersion,
    producer,
    scenario,
    seed,
    config: {
      targetPeers: config.targetPeers,
      maxPeers: config.maxPeers,
      targetGroupPeers: config.targetGroupPeers,
      gossipDecayIntervalMs: config.gossipDecayIntervalMs,
      disablePeerScoring: config.disablePeerScoring,
      genesisTime: config.genesisTime,
      discovery: config.discovery,
      chain,
    },
    local: {
      nodeId: toHex(nodeId),
      custodyGroupCount: custodyConfig.targetCustodyGroupCount,
      sampleGroups: [...custodyConfig.sampleGroups],
      sampledSubnets: [...custodyConfig.sampledSubnets],
      status,
    },
  };
  if (metrics) h.metrics = true; // FORMAT.md §8: a metrics record follows every event's expect
  return h;
}
