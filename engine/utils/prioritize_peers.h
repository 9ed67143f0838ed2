// Which peers to connect and disconnect: a line-by-line port of
// packages/beacon-node/src/network/peers/utils/prioritizePeers.ts.
//
// Owner: engine pure layers (prioritize); the peer manager calls
// prioritize_peers() once per heartbeat with its Healthy connected peers.
//
// Determinism, as the TS behaves (see lodestar-peers-1.44.md section 7):
//  - The only randomness is the Fisher-Yates shuffle in sortPeersToPrune,
//    which runs only when there are more connected peers than targetPeers and
//    consumes n-1 Math.random() values; they come from `random`, and the
//    result reports how many were used.
//  - Sorts are stable (V8's TimSort) with the TS comparators' arithmetic.
//  - Maps iterate in insertion order: peersToDisconnect reasons come in the
//    order TS sets them (no_long_lived_subnet, low_score, then
//    too_grouped_subnet and find_better_peers only when still short of the
//    target), custodyGroupQueries in group order 0..N-1.
//  - PeerId identity (`includes`, Map keys) becomes peer id string equality or
//    the peer's index in the input.
// Metrics are not ported (they do not change the result).
#ifndef PEER_REPLAY_ENGINE_UTILS_PRIORITIZE_PEERS_H_
#define PEER_REPLAY_ENGINE_UTILS_PRIORITIZE_PEERS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ordered_map.h"
#include "engine/shuffle.h"
#include "engine/utils/subnet_map.h"
#include "peers/metrics.h"
#include "peers/prune_reason.h"
#include "peers/types.h"

namespace peers {

// Target number of peers we'd like to have connected to a given long-lived subnet.
inline constexpr int64_t kTargetSubnetPeers = 6;  // TARGET_SUBNET_PEERS
// Minimum peers on every non-sampling custody group.
inline constexpr int64_t kTargetGroupPeersPerSubnet = 4;  // TARGET_GROUP_PEERS_PER_SUBNET
// Do not prune sync-committee peers below this count if there is a choice.
inline constexpr int64_t kMinSyncCommitteePeers = 2;  // MIN_SYNC_COMMITTEE_PEERS
// Prune peers scoring below this when there are too many peers.
inline constexpr double kLowScoreToPruneIfTooManyPeers = -2;  // LOW_SCORE_TO_PRUNE_IF_TOO_MANY_PEERS
// Ask for this many times the missing peers (dials succeed < 33% of the time).
inline constexpr int64_t kPeersToConnectOvershootFactor = 3;  // PEERS_TO_CONNECT_OVERSHOOT_FACTOR
// Keep at least 10% of outbound peers.
inline constexpr double kOutboundPeersRatio = 0.1;  // OUTBOUND_PEERS_RATIO

// export type PrioritizePeersOpts. Counts are JS numbers holding integers.
struct PrioritizePeersOpts {
  int64_t target_peers = 0;
  int64_t max_peers = 0;
  int64_t target_group_peers = 0;
  ChainStatus status;  // our status
  bool starved = false;
  double starvation_prune_ratio = 0;
  int64_t starvation_threshold_slots = 0;
  std::optional<double> outbound_peers_ratio;  // default OUTBOUND_PEERS_RATIO
  std::optional<int64_t> target_subnet_peers;  // default TARGET_SUBNET_PEERS
};

// One element of prioritizePeers' first argument (connectedPeersInfo). null
// fields are nullopt or nullptr. The status and the sampling groups are
// borrowed: the caller keeps them alive for the call. (The heartbeat points
// them at each peer's PeerData rather than copying ~150 bytes a peer, and the
// vector behind them, into the infos on every heartbeat; the addon points the
// groups into the one array it was handed for all peers.)
struct ConnectedPeerInfo {
  PeerIdStr id;
  std::optional<Direction> direction;
  const ChainStatus* status = nullptr;
  std::optional<Attnets> attnets;
  std::optional<Syncnets> syncnets;
  std::optional<std::span<const CustodyIndex>> sampling_groups;  // nullopt: null; a span may be empty
  double score = 0;
};

// enum StatusScore: our status compared with a peer's.
enum class StatusScore : int {
  CLOSE_TO_US = -1,  // the peer is close to our chain
  FAR_AHEAD = 0,     // the peer is far ahead of our chain
};

// type PeerInfo: ConnectedPeerInfo with nulls defaulted and true bits
// precomputed (ascending, as BitArray.getTrueBitIndexes returns them).
struct PeerInfo {
  PeerIdStr id;
  std::optional<Direction> direction;
  StatusScore status_score = StatusScore::CLOSE_TO_US;
  Attnets attnets;
  Syncnets syncnets;
  std::vector<CustodyIndex> sampling_groups;
  std::vector<SubnetId> attnets_true_bit_indices;
  std::vector<SubnetId> syncnets_true_bit_indices;
  double score = 0;
};

// type SubnetDiscvQuery.
struct SubnetDiscvQuery {
  SubnetId subnet = 0;
  Slot to_slot = 0;
  int64_t max_peers_to_discover = 0;
  bool operator==(const SubnetDiscvQuery&) const = default;
};

// export type CustodyGroupQueries = Map<CustodyIndex, number>: group -> maxPeersToDiscover.
// prioritizePeers sets each group at most once, in ascending group order, and
// callers only iterate it: a vector in insertion order is that Map.
using CustodyGroupQueries = std::vector<std::pair<CustodyIndex, int64_t>>;

// prioritizePeers' return value, plus how many Math.random() draws it used.
struct PrioritizePeersResult {
  int64_t peers_to_connect = 0;
  OrderedMap<ExcessPeerDisconnectReason, std::vector<PeerIdStr>> peers_to_disconnect;
  std::vector<SubnetDiscvQuery> attnet_queries;
  std::vector<SubnetDiscvQuery> syncnet_queries;
  CustodyGroupQueries custody_group_queries;
  size_t random_draws_used = 0;  // not in TS: 0, or connected count - 1 when pruning ran
};

// prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config, metrics).
// Prioritizes which peers to disconnect and which to connect: reach targetPeers
// (prune additional peers when starved), never exceed maxPeers, keep enough
// peers per column subnet, attestation subnet and sync committee subnet, prefer
// peers with a good score. `sampling_groups` nullopt is TS `undefined`
// (pre-fulu): no custody-group queries. Only config.number_of_custody_groups is
// read. Returns nullopt only when the shuffle needed a draw `random` could not
// give (see random.error()): the caller reports a divergence.
// Precondition: the peer ids are distinct (heartbeat takes them from the keys
// of libp2p's connection map). TS tests `ids.includes(peer.id)` by PeerId
// identity; with distinct ids that is "this PeerInfo was picked", which is how
// the port evaluates it. Fewer than 2^32 peers (asserted; peer indices are
// 32-bit inside).
std::optional<PrioritizePeersResult> prioritize_peers(const std::vector<ConnectedPeerInfo>& connected_peers_info,
                                                      const std::vector<RequestedSubnet>& active_attnets,
                                                      const std::vector<RequestedSubnet>& active_syncnets,
                                                      const std::optional<std::vector<CustodyIndex>>& sampling_groups,
                                                      const PrioritizePeersOpts& opts, const ChainConfig& config,
                                                      RandomDraws& random, NetworkCoreMetrics* metrics = nullptr);

// sortPeersToPrune(connectedPeers, dutiesByPeer): a shuffled copy (n-1 draws),
// then stable-sorted ascending so that element 0 is the first to prune: by
// dutied subnets, then status score, then long-lived subnet count, then score.
// Returns indices into `connected_peers`. duties_by_peer[i] is
// `dutiesByPeer.get(connectedPeers[i]) ?? 0` (same size as connected_peers).
// nullopt when `random` ran out.
std::optional<std::vector<size_t>> sort_peers_to_prune(const std::vector<PeerInfo>& connected_peers,
                                                       const std::vector<int64_t>& duties_by_peer, RandomDraws& random);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_UTILS_PRIORITIZE_PEERS_H_
