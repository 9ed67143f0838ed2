// The real Lodestar 1.44.0 (the recorder's), for comparison.
export * from "../../../../../tools/recorder/node_modules/@lodestar/beacon-node/lib/network/peers/score/index.js";
