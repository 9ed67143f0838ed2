export * from "../../../../../tools/recorder/node_modules/@lodestar/beacon-node/lib/network/peers/utils/prioritizePeers.js";
