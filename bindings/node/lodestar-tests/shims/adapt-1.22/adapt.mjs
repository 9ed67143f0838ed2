// Lodestar 1.22's prioritizePeers(connectedPeers, activeAttnets,
// activeSyncnets, opts) called through 1.44's signature, which added
// samplingGroups (PeerDAS), config and metrics, per-peer status and
// samplingGroups, and opts.targetGroupPeers / status / starvation fields.
// The filled-in values make 1.44 behave as 1.22 did where it can: no
// sampling groups (pre-fulu), no peer status (every peer CLOSE_TO_US), not
// starved; and the result without 1.22's absent custodyGroupQueries. Used with both the addon and the real 1.44, so a case that fails
// on both is a change between the releases, not the engine.
const anyStatus = {
  forkDigest: new Uint8Array(4), finalizedRoot: new Uint8Array(32), finalizedEpoch: 0,
  headRoot: new Uint8Array(32), headSlot: 0, earliestAvailableSlot: 0,
};

export function adapt(prioritizePeers144) {
  return (connectedPeers, activeAttnets, activeSyncnets, opts) => {
    // 1.22 returned no custodyGroupQueries (empty here: no sampling groups).
    const {custodyGroupQueries: _, ...result} = prioritizePeers144(
      connectedPeers.map((p) => ({status: null, samplingGroups: null, ...p})),
      activeAttnets, activeSyncnets, undefined,
      {targetGroupPeers: 6, status: anyStatus, starved: false, starvationPruneRatio: 0.05, starvationThresholdSlots: 64, ...opts},
      {NUMBER_OF_CUSTODY_GROUPS: 128}, null);
    return result;
  };
}

// 1.22's assertPeerRelevance(remote, local, currentSlot) through 1.44's
// (forkName, remote, local, currentSlot): "phase0" skips the fulu check
// 1.44 added (earliestAvailableSlot), which 1.22 did not have.
export function adaptRelevance(assertPeerRelevance144) {
  return (remote, local, currentSlot) => assertPeerRelevance144("phase0", remote, local, currentSlot);
}
