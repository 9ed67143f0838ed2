// src/util/peerId.js: Lodestar's own (1.44.0), not under test.
export * from "../../../../../tools/recorder/node_modules/@lodestar/beacon-node/lib/util/peerId.js";
