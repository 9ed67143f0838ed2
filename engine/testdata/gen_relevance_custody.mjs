// Generates two fixtures from the REAL Lodestar code (the version driver.mjs checks):
//   assert_peer_relevance_cases.json  assertPeerRelevance + renderIrrelevantPeerType
//                                     (for engine/utils/assert_peer_relevance_test.cc)
//   custody_groups_cases.json         getCustodyGroups + computeColumnsForCustodyGroup
//                                     (for engine/data_columns_test.cc)
//
// Run: node engine/testdata/gen_relevance_custody.mjs [with LODESTAR_DRIVER=<install dir>]
// (the driver install is described in driver.mjs).
//
// Relevance case: {name, fork, currentSlot, remote, local, expect}; a status is
//   [forkDigestHex, finalizedRootHex, finalizedEpoch, headSlot, earliestAvailableSlot|null]
//   (headRoot is never read), expect = null | {code, slotDiff?, ours?, theirs?,
//   expectedRoot?, remoteRoot?, rendered}.
// Custody cases: {nodeId (hex, big-endian), numberOfCustodyGroups, count, groups}
//   (groups null when TS throws), then column cases {numberOfCustodyGroups, group, columns}.
import {lodestar, mulberry32, versions, writeFixture} from "./driver.mjs";

const {assertPeerRelevance, renderIrrelevantPeerType} = await lodestar("network/peers/utils/assertPeerRelevance.js");
const {getCustodyGroups, computeColumnsForCustodyGroup} = await lodestar("util/dataColumns.js");

const g = mulberry32(424242);
const hex = (u8) => Buffer.from(u8).toString("hex");
const fromHex = (h) => Uint8Array.from(Buffer.from(h, "hex"));
const bytes = (n, fill) => new Uint8Array(n).fill(fill);

// ---- assertPeerRelevance ----
const relevance = [];
function rel(name, fork, currentSlot, remote, local) {
  const toStatus = ([fd, fr, fe, hs, eas]) => {
    const s = {forkDigest: fromHex(fd), finalizedRoot: fromHex(fr), finalizedEpoch: fe, headRoot: bytes(32, 9), headSlot: hs};
    if (eas !== null) s.earliestAvailableSlot = eas;
    return s;
  };
  const r = assertPeerRelevance(fork, toStatus(remote), toStatus(local), currentSlot);
  let expect = null;
  if (r !== null) {
    expect = {code: r.code, rendered: renderIrrelevantPeerType(r)};
    if (r.slotDiff !== undefined) expect.slotDiff = r.slotDiff;
    if (r.ours !== undefined) expect.ours = hex(r.ours);
    if (r.theirs !== undefined) expect.theirs = hex(r.theirs);
    if (r.expectedRoot !== undefined) expect.expectedRoot = hex(r.expectedRoot);
    if (r.remoteRoot !== undefined) expect.remoteRoot = hex(r.remoteRoot);
  }
  relevance.push({name, fork, currentSlot, remote, local, expect});
}
const Z32 = "00".repeat(32);
const R1 = "01".repeat(32);
const R2 = "ab".repeat(31) + "cd";
// Lodestar's assertPeerRelevance.test.ts (local: digest 00000000, zero root, epoch 0, head 0).
const LOCAL = ["00000000", Z32, 0, 0, null];
rel("lodestar: Reject incompatible forks", "phase0", 0, ["01010101", Z32, 0, 0, null], LOCAL);
rel("lodestar: Head is too far away from our clock", "phase0", 0, ["00000000", R1, 0, 100, null], LOCAL);
rel("lodestar: Accept a finalized epoch equal to ours, with same root", "phase0", 0, ["00000000", Z32, 0, 0, null], LOCAL);
rel("lodestar: Accept finalized epoch greater than ours", "phase0", 0, ["00000000", Z32, 100, 0, null], LOCAL);
rel("lodestar: Accept during pre-genesis clock", "phase0", -50, ["00000000", Z32, 0, 0, null], LOCAL);
// Every branch and boundary.
rel("different finalized root at equal epoch", "deneb", 10, ["aabbccdd", R2, 5, 10, null], ["aabbccdd", R1, 5, 10, null]);
rel("different root, remote epoch behind: accepted", "deneb", 10, ["aabbccdd", R2, 4, 10, null], ["aabbccdd", R1, 5, 10, null]);
rel("different root, remote epoch ahead: accepted", "deneb", 10, ["aabbccdd", R2, 6, 10, null], ["aabbccdd", R1, 5, 10, null]);
rel("remote zero root: accepted", "deneb", 10, ["aabbccdd", Z32, 5, 10, null], ["aabbccdd", R1, 5, 10, null]);
rel("local zero root: accepted", "deneb", 10, ["aabbccdd", R1, 5, 10, null], ["aabbccdd", Z32, 5, 10, null]);
rel("head one slot ahead: tolerated", "deneb", 10, ["aabbccdd", R1, 5, 11, null], ["aabbccdd", R1, 5, 10, null]);
rel("head two slots ahead", "deneb", 10, ["aabbccdd", R1, 5, 12, null], ["aabbccdd", R1, 5, 10, null]);
rel("pre-genesis clock, head 2", "deneb", -5, ["aabbccdd", R1, 5, 2, null], ["aabbccdd", R1, 5, 10, null]);
rel("fulu without earliestAvailableSlot", "fulu", 10, ["aabbccdd", R1, 5, 10, null], ["aabbccdd", R1, 5, 10, 0]);
rel("fulu with earliestAvailableSlot 0", "fulu", 10, ["aabbccdd", R1, 5, 10, 0], ["aabbccdd", R1, 5, 10, 0]);
rel("gloas without earliestAvailableSlot", "gloas", 10, ["aabbccdd", R1, 5, 10, null], ["aabbccdd", R1, 5, 10, 0]);
rel("electra without earliestAvailableSlot: accepted", "electra", 10, ["aabbccdd", R1, 5, 10, null], ["aabbccdd", R1, 5, 10, 0]);
rel("fork digest checked before clock", "fulu", 0, ["aabbccde", R2, 9, 999, null], ["aabbccdd", R1, 5, 10, 0]);
rel("clock checked before finalized", "fulu", 0, ["aabbccdd", R2, 5, 999, null], ["aabbccdd", R1, 5, 10, 0]);
rel("finalized checked before earliestAvailableSlot", "fulu", 10, ["aabbccdd", R2, 5, 10, null], ["aabbccdd", R1, 5, 10, 0]);
const forks = ["phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas"];
const digests = ["aabbccdd", "aabbccdd", "aabbccdd", "00000001"];
const roots = [Z32, R1, R1, R2];
for (let i = 0; i < 60; i++) {
  const pick = (a) => a[Math.floor(g() * a.length)];
  const localEpoch = Math.floor(g() * 4);
  const currentSlot = Math.floor(g() * 60) - 10;
  rel(`random ${i}`, pick(forks), currentSlot,
    [pick(digests), pick(roots), localEpoch + pick([-1, 0, 0, 1]), currentSlot + pick([-3, 0, 1, 2, 5]), pick([null, 0, 7])],
    ["aabbccdd", pick(roots), localEpoch, 20, pick([null, 0])]);
}
writeFixture("assert_peer_relevance_cases.json", {script: "engine/testdata/gen_relevance_custody.mjs", ...versions()}, relevance);

// ---- getCustodyGroups / computeColumnsForCustodyGroup ----
const custody = [];
const nodeIds = [
  "00".repeat(32),
  "ff".repeat(32), // wraps to 0 after the first hash
  "ff".repeat(31) + "fe",
  "00".repeat(31) + "ff", // carries into the second byte
  "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
];
for (let i = 0; i < 15; i++) nodeIds.push(hex(Uint8Array.from({length: 32}, () => Math.floor(g() * 256))));
for (const nodeIdHex of nodeIds) {
  for (const [N, counts] of [[128, [0, 1, 4, 8, 33, 100, 127, 128, 129]], [64, [4, 63, 64, 65]], [3, [1, 2, 3]]]) {
    for (const count of counts) {
      let groups = null;
      try {
        groups = getCustodyGroups({NUMBER_OF_CUSTODY_GROUPS: N}, fromHex(nodeIdHex), count);
      } catch (e) {
        if (!String(e.message).startsWith("Invalid custody group count")) throw e;
      }
      custody.push({nodeId: nodeIdHex, numberOfCustodyGroups: N, count, groups});
    }
  }
}
// Columns for a few groups under N = 128, 64 and 3 (NUMBER_OF_COLUMNS = 128 from params).
const columns = [];
for (const [N, groups] of [[128, [0, 1, 77, 127]], [64, [0, 5, 63]], [3, [0, 1, 2]]]) {
  for (const group of groups) columns.push({numberOfCustodyGroups: N, group, columns: computeColumnsForCustodyGroup({NUMBER_OF_CUSTODY_GROUPS: N}, group)});
}
writeFixture("custody_groups_cases.json", {script: "engine/testdata/gen_relevance_custody.mjs", ...versions()}, [...custody, ...columns]);
