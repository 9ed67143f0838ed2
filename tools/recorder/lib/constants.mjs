// Values scenarios share with the session, importable without loading Lodestar (record.mjs --list/--all).
import {createHash} from "node:crypto";
import fs from "node:fs";

/**
 * The Lodestar version the port targets and the recorder runs: the one place it is written is the
 * pinned dependency in tools/recorder/package.json; code and scripts read it from there.
 */
export const LODESTAR_VERSION = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).dependencies[
  "@lodestar/beacon-node"
];

const sha256hex = (s) => createHash("sha256").update(s).digest("hex");

/** Fork digest and roots of the default statuses. */
export const DEFAULT_DIGEST = "6a95a1a9";
export const ROOT_FINALIZED = sha256hex("peer-replay:finalized");
export const ROOT_HEAD = sha256hex("peer-replay:head");

/** Realistic identify agent strings. */
export const AGENTS = {
  lighthouse: "Lighthouse/v7.1.0-8d8f3d5/x86_64-linux",
  teku: "teku/v25.9.3/linux-x86_64/-eclipseadoptium-openjdk64bitservervm-java-21",
  prysm: "Prysm/v6.1.2/0c4e7e1a8a0e4b6bd0c1e3f0c8b2d54c5bb8d2a1",
  nimbus: "nimbus",
  lodestar: "lodestar/v1.44.0/5b7b1b3/linux-x64/nodejs",
  grandine: "Grandine/2.0.0-rc1/1b2c3d4",
  jslibp2p: "js-libp2p/3.1.6 UserAgent=v20.20.2",
  erigon: "erigon/caplin",
};
