// Differential test: prioritize_peers against the line-by-line port it was
// optimized from.
//
// The reference below is engine/utils/prioritize_peers.cc as it stood before
// the optimization: the TS statements over the TS data shapes (true-bit index
// vectors, `includes` over peer id strings, insertion-ordered maps), itself
// proven against the real Lodestar by prioritize_peers_test.cc. The
// fast version must return the same result, draw for draw, on any input whose
// peer ids are distinct; random inputs here go up to 5000 peers and reach
// every branch: empty and null bitfields, repeated and out-of-range active
// subnets, out-of-range custody groups, starvation, every optional opt.
// Kept verbatim on purpose: do not "fix" it, change it only with the TS.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/js_math.h"
#include "engine/testing/draws.h"
#include "engine/utils/js_sort.h"
#include "engine/utils/prioritize_peers.h"

namespace peers {
namespace reference {

// The result shape of the reference: custodyGroupQueries as an OrderedMap.
using CustodyGroupQueries = OrderedMap<CustodyIndex, int64_t>;
struct PrioritizePeersResult {
  int64_t peers_to_connect = 0;
  OrderedMap<ExcessPeerDisconnectReason, std::vector<PeerIdStr>> peers_to_disconnect;
  std::vector<SubnetDiscvQuery> attnet_queries;
  std::vector<SubnetDiscvQuery> syncnet_queries;
  CustodyGroupQueries custody_group_queries;
  size_t random_draws_used = 0;
};

std::optional<std::vector<size_t>> sort_peers_to_prune(const std::vector<PeerInfo>& connected_peers,
                                                       const std::vector<int64_t>& duties_by_peer, RandomDraws& random);

namespace {

// `dutiesByPeer: Map<PeerInfo, number>`: TS only ever reads `get(p) ?? 0`, so an
// absent entry and a 0 are the same; a vector indexed like connected_peers.
using DutiesByPeer = std::vector<int64_t>;
using PeerIndex = size_t;

template <typename T>
bool includes(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

template <size_t N>
std::vector<SubnetId> true_bit_indexes(const std::bitset<N>& bits) {
  std::vector<SubnetId> out;
  for (size_t i = 0; i < N; i++) {
    if (bits.test(i)) out.push_back(static_cast<SubnetId>(i));
  }
  return out;
}

// In practice, this score only tracks if the peer is far ahead of us or not
// during syncing. When the node is synced, the peer is always CLOSE_TO_US.
StatusScore compute_status_score(const ChainStatus& ours, const std::optional<ChainStatus>& theirs,
                                 const PrioritizePeersOpts& opts) {
  if (!theirs.has_value()) {
    return StatusScore::CLOSE_TO_US;
  }

  if (theirs->finalized_epoch > ours.finalized_epoch) {
    return StatusScore::FAR_AHEAD;
  }

  if (theirs->head_slot > ours.head_slot + opts.starvation_threshold_slots) {
    return StatusScore::FAR_AHEAD;
  }

  // It's dangerous to downscore peers that are far behind (commented out in TS).
  return StatusScore::CLOSE_TO_US;
}

struct RequestSubnetPeersResult {
  std::vector<SubnetDiscvQuery> attnet_queries;
  std::vector<SubnetDiscvQuery> syncnet_queries;
  CustodyGroupQueries custody_group_queries;
  DutiesByPeer duties_by_peer;
};

// If more peers are needed in attnets, syncnets and column subnets, create
// SubnetDiscvQuery for each subnet. Pre-fulu (our sampling groups undefined)
// custodyGroupQueries is empty.
RequestSubnetPeersResult request_subnet_peers(const std::vector<PeerInfo>& connected_peers,
                                              const std::vector<RequestedSubnet>& active_attnets,
                                              const std::vector<RequestedSubnet>& active_syncnets,
                                              const std::optional<std::vector<CustodyIndex>>& our_sampling_groups,
                                              const PrioritizePeersOpts& opts, const ChainConfig& config) {
  const int64_t target_subnet_peers = opts.target_subnet_peers.value_or(kTargetSubnetPeers);
  RequestSubnetPeersResult result;
  std::vector<SubnetDiscvQuery>& attnet_queries = result.attnet_queries;
  std::vector<SubnetDiscvQuery>& syncnet_queries = result.syncnet_queries;

  // To filter out peers containing enough attnets of interest from possible disconnection
  DutiesByPeer& duties_by_peer = result.duties_by_peer;
  duties_by_peer.assign(connected_peers.size(), 0);

  // attnets, do we need queries for more peers
  if (!active_attnets.empty()) {
    // Map of peers per subnet, peer may be in multiple arrays (only read with get ?? 0)
    OrderedMap<SubnetId, int64_t> peers_per_subnet;

    for (PeerIndex peer = 0; peer < connected_peers.size(); peer++) {
      const std::vector<SubnetId>& true_bit_indices = connected_peers[peer].attnets_true_bit_indices;
      int64_t duty_count = 0;
      for (const RequestedSubnet& active : active_attnets) {
        if (includes(true_bit_indices, active.subnet)) {
          duty_count += 1;
          const int64_t* count = peers_per_subnet.find(active.subnet);
          peers_per_subnet.set(active.subnet, 1 + (count != nullptr ? *count : 0));
        }
      }
      duties_by_peer[peer] = duty_count;
    }

    for (const RequestedSubnet& active : active_attnets) {
      const int64_t* count = peers_per_subnet.find(active.subnet);
      const int64_t peers_in_subnet = count != nullptr ? *count : 0;
      if (peers_in_subnet < target_subnet_peers) {
        // We need more peers
        attnet_queries.push_back(SubnetDiscvQuery{.subnet = active.subnet,
                                                  .to_slot = active.to_slot,
                                                  .max_peers_to_discover = target_subnet_peers - peers_in_subnet});
      }
    }
  }

  // syncnets, do we need queries for more peers
  if (!active_syncnets.empty()) {
    OrderedMap<SubnetId, int64_t> peers_per_subnet;

    for (PeerIndex peer = 0; peer < connected_peers.size(); peer++) {
      const std::vector<SubnetId>& true_bit_indices = connected_peers[peer].syncnets_true_bit_indices;
      int64_t duty_count = duties_by_peer[peer];  // dutiesByPeer.get(peer) ?? 0
      for (const RequestedSubnet& active : active_syncnets) {
        if (includes(true_bit_indices, active.subnet)) {
          duty_count += 1;
          const int64_t* count = peers_per_subnet.find(active.subnet);
          peers_per_subnet.set(active.subnet, 1 + (count != nullptr ? *count : 0));
        }
      }
      duties_by_peer[peer] = duty_count;
    }

    for (const RequestedSubnet& active : active_syncnets) {
      const int64_t* count = peers_per_subnet.find(active.subnet);
      const int64_t peers_in_subnet = count != nullptr ? *count : 0;
      if (peers_in_subnet < target_subnet_peers) {
        // We need more peers
        syncnet_queries.push_back(SubnetDiscvQuery{.subnet = active.subnet,
                                                   .to_slot = active.to_slot,
                                                   .max_peers_to_discover = target_subnet_peers - peers_in_subnet});
      }
    }
  }

  // pre-fulu
  if (!our_sampling_groups.has_value()) {
    return result;
  }

  // column subnets, do we need queries for more peers
  const int64_t target_group_peers_per_sampling_group = opts.target_group_peers;
  OrderedMap<CustodyIndex, int64_t> peers_per_group;
  for (const PeerInfo& peer : connected_peers) {
    for (CustodyIndex group : peer.sampling_groups) {
      const int64_t* count = peers_per_group.find(group);
      peers_per_group.set(group, 1 + (count != nullptr ? *count : 0));
    }
  }

  const std::unordered_set<CustodyIndex> our_sampling_group_set(our_sampling_groups->begin(),
                                                                our_sampling_groups->end());
  for (int64_t group_index = 0; group_index < config.number_of_custody_groups; group_index++) {
    const auto group = static_cast<CustodyIndex>(group_index);
    const int64_t* count = peers_per_group.find(group);
    const int64_t peers_in_group = count != nullptr ? *count : 0;
    const int64_t target_group_peers =
        our_sampling_group_set.count(group) != 0 ? target_group_peers_per_sampling_group : kTargetGroupPeersPerSubnet;
    if (peers_in_group < target_group_peers) {
      // We need more peers
      result.custody_group_queries.set(group, target_group_peers - peers_in_group);
    }
  }

  return result;
}

// Find subnet that has the most peers and > TARGET_SUBNET_PEERS, nullopt if
// peers are not grouped to any subnet. Ties: the first in map order (strict >).
std::optional<SubnetId> find_max_peers_subnet(const OrderedMap<SubnetId, std::vector<PeerIndex>>& subnet_to_peers,
                                              int64_t target_subnet_peers) {
  std::optional<SubnetId> max_peers_subnet;
  int64_t max_peer_count_per_subnet = -1;

  for (const auto& [subnet, peers] : subnet_to_peers) {
    const auto length = static_cast<int64_t>(peers.size());
    if (length > target_subnet_peers && length > max_peer_count_per_subnet) {
      max_peers_subnet = subnet;
      max_peer_count_per_subnet = length;
    }
  }

  return max_peers_subnet;
}

// Find peers to remove from the current maxPeersSubnet. nullopt if we should
// not remove any peer on the most grouped subnet.
std::optional<PeerIndex> find_peer_to_remove(const std::vector<PeerInfo>& connected_peers,
                                             const OrderedMap<SubnetId, std::vector<PeerIndex>>& subnet_to_peers,
                                             const OrderedMap<SubnetId, int64_t>& sync_committee_peer_count,
                                             const std::vector<PeerIndex>& peers_on_most_grouped_subnet,
                                             int64_t target_subnet_peers,
                                             const std::vector<RequestedSubnet>& active_attnets) {
  // sortBy(peers, (peer) => peer.attnetsTrueBitIndices.length): a stable sort of
  // a copy, ascending, comparator returning 1 / -1 / 0.
  std::vector<PeerIndex> peers_on_subnet = peers_on_most_grouped_subnet;
  std::stable_sort(peers_on_subnet.begin(), peers_on_subnet.end(), [&](PeerIndex a, PeerIndex b) {
    return connected_peers[a].attnets_true_bit_indices.size() < connected_peers[b].attnets_true_bit_indices.size();
  });
  std::optional<PeerIndex> removed_peer;
  for (PeerIndex candidate_peer : peers_on_subnet) {
    // new logic of lodestar
    const std::vector<SubnetId>& attnet_indices = connected_peers[candidate_peer].attnets_true_bit_indices;
    if (!attnet_indices.empty()) {
      int64_t min_attnet_count = kAttestationSubnetCount;  // ATTESTATION_SUBNET_COUNT
      // intersection of requested subnets and subnets that peer subscribes to
      for (const RequestedSubnet& requested : active_attnets) {
        const SubnetId subnet = requested.subnet;
        const std::vector<PeerIndex>* subnet_peers = subnet_to_peers.find(subnet);
        if (subnet_peers != nullptr) {
          const auto num_subnet_peers = static_cast<int64_t>(subnet_peers->size());
          if (num_subnet_peers < min_attnet_count && includes(attnet_indices, subnet)) {
            min_attnet_count = num_subnet_peers;
          }
        }
      }
      // shouldn't remove this peer because it drops us below targetSubnetPeers
      if (min_attnet_count <= target_subnet_peers) {
        continue;
      }
    }

    // same logic to lighthouse
    const std::vector<SubnetId>& syncnet_indices = connected_peers[candidate_peer].syncnets_true_bit_indices;
    // The peer is subscribed to some long-lived sync-committees
    if (!syncnet_indices.empty()) {
      // Math.min(...syncnetIndices.map((subnet) => syncCommitteePeerCount.get(subnet) ?? 0))
      int64_t min_subnet_count = INT64_MAX;
      for (SubnetId subnet : syncnet_indices) {
        const int64_t* count = sync_committee_peer_count.find(subnet);
        min_subnet_count = std::min(min_subnet_count, count != nullptr ? *count : 0);
      }
      // If the minimum count is our target or lower, we shouldn't remove this
      // peer, because it drops us lower than our target
      if (min_subnet_count <= kMinSyncCommitteePeers) {
        continue;
      }
    }

    // ok, found a peer to remove
    removed_peer = candidate_peer;
    break;
  }

  return removed_peer;
}

// Remove a peer from subnetToPeers (findIndex by identity, then splice: the
// order of the remaining peers is kept).
void remove_peer_from_subnet_to_peers(OrderedMap<SubnetId, std::vector<PeerIndex>>& subnet_to_peers,
                                      PeerIndex removed_peer) {
  for (auto& [subnet, peers] : subnet_to_peers) {
    auto it = std::find(peers.begin(), peers.end(), removed_peer);
    if (it != peers.end()) peers.erase(it);
  }
}

// Decrease the syncCommitteePeerCount of the given committees.
void decrease_sync_committee_peer_count(OrderedMap<SubnetId, int64_t>& sync_committee_peer_count,
                                        const std::vector<SubnetId>& committees) {
  for (SubnetId sync_committee : committees) {
    const int64_t current = sync_committee_peer_count.get_or_default(sync_committee, [] { return int64_t{0}; });
    sync_committee_peer_count.set(sync_committee, std::max<int64_t>(current - 1, 0));
  }
}

// Remove excess peers back down to our target values.
// 1. Remove peers that are not subscribed to a subnet (they have less value)
// 2. Remove worst scoring peers
// 3. Remove peers that we have many on any particular subnet
// 4. Remove peers in prune order until the target is reached
// Returns false when the shuffle ran out of random draws.
bool prune_excess_peers(const std::vector<PeerInfo>& connected_peers, const DutiesByPeer& duties_by_peer,
                        const std::vector<RequestedSubnet>& active_attnets,
                        OrderedMap<ExcessPeerDisconnectReason, std::vector<PeerIdStr>>& peers_to_disconnect,
                        const PrioritizePeersOpts& opts, RandomDraws& random) {
  const int64_t target_peers = opts.target_peers;
  const int64_t target_subnet_peers = opts.target_subnet_peers.value_or(kTargetSubnetPeers);
  const double outbound_peers_ratio = opts.outbound_peers_ratio.value_or(kOutboundPeersRatio);
  const auto connected_peer_count = static_cast<int64_t>(connected_peers.size());
  const double outbound_peers_target = js_round(outbound_peers_ratio * static_cast<double>(connected_peer_count));

  // Count outbound peers
  int64_t outbound_peers = 0;
  for (const PeerInfo& peer : connected_peers) {
    if (peer.direction == Direction::kOutbound) {
      outbound_peers++;
    }
  }

  int64_t outbound_peers_eligible_for_pruning = 0;

  const std::optional<std::vector<PeerIndex>> sorted = reference::sort_peers_to_prune(connected_peers, duties_by_peer, random);
  if (!sorted.has_value()) return false;
  const std::vector<PeerIndex>& sorted_peers = *sorted;

  // Then, iterate from highest score to lowest doing a manual filter for duties
  // and outbound ratio (the filter callback has a side effect on the counter).
  std::vector<PeerIndex> peers_eligible_for_pruning;
  for (PeerIndex index : sorted_peers) {
    const PeerInfo& peer = connected_peers[index];
    // Peers with duties are not eligible for pruning
    if (duties_by_peer[index] > 0) {
      continue;
    }

    // Peers far ahead when we're starved for data are not eligible for pruning
    if (opts.starved && peer.status_score == StatusScore::FAR_AHEAD) {
      continue;
    }

    // outbound peers up to OUTBOUND_PEER_RATIO sorted by highest score and not eligible for pruning
    if (peer.direction == Direction::kOutbound) {
      if (static_cast<double>(outbound_peers - outbound_peers_eligible_for_pruning) > outbound_peers_target) {
        outbound_peers_eligible_for_pruning++;
      } else {
        continue;
      }
    }

    peers_eligible_for_pruning.push_back(index);
  }

  int64_t peers_to_disconnect_count = 0;
  std::vector<PeerIdStr> no_long_lived_subnet_peers_to_disconnect;

  // if we're starved for data, prune additional peers. A double, as in JS.
  const double peers_to_disconnect_target =
      static_cast<double>(connected_peer_count - target_peers) +
      (opts.starved ? static_cast<double>(target_peers) * opts.starvation_prune_ratio : 0.0);
  auto below_target = [&] { return static_cast<double>(peers_to_disconnect_count) < peers_to_disconnect_target; };

  // 1. Lodestar prefers disconnecting peers that does not have long lived subnets
  // See https://github.com/ChainSafe/lodestar/issues/3940
  // peers with low score will be disconnected through heartbeat in the end
  for (PeerIndex index : peers_eligible_for_pruning) {
    const PeerInfo& peer = connected_peers[index];
    const bool has_long_lived_subnet =
        !peer.attnets_true_bit_indices.empty() || !peer.syncnets_true_bit_indices.empty();
    if (!has_long_lived_subnet && below_target()) {
      no_long_lived_subnet_peers_to_disconnect.push_back(peer.id);
      peers_to_disconnect_count++;
    }
  }
  peers_to_disconnect.set(ExcessPeerDisconnectReason::NO_LONG_LIVED_SUBNET, no_long_lived_subnet_peers_to_disconnect);

  // 2. Disconnect peers that have score < LOW_SCORE_TO_PRUNE_IF_TOO_MANY_PEERS
  std::vector<PeerIdStr> bad_score_peers_to_disconnect;
  for (PeerIndex index : peers_eligible_for_pruning) {
    const PeerInfo& peer = connected_peers[index];
    if (peer.score < kLowScoreToPruneIfTooManyPeers && below_target() &&
        !includes(no_long_lived_subnet_peers_to_disconnect, peer.id)) {
      bad_score_peers_to_disconnect.push_back(peer.id);
      peers_to_disconnect_count++;
    }
  }
  peers_to_disconnect.set(ExcessPeerDisconnectReason::LOW_SCORE, bad_score_peers_to_disconnect);

  // 3. Disconnect peers that are too grouped on any given subnet
  std::vector<PeerIdStr> too_grouped_peers_to_disconnect;
  if (below_target()) {
    // PeerInfo array by attestation subnet (MapDef)
    OrderedMap<SubnetId, std::vector<PeerIndex>> subnet_to_peers;
    // number of peers per long lived sync committee (MapDef, default 0)
    OrderedMap<SubnetId, int64_t> sync_committee_peer_count;

    // populate the above variables
    for (PeerIndex index = 0; index < connected_peers.size(); index++) {
      const PeerInfo& peer = connected_peers[index];
      if (includes(no_long_lived_subnet_peers_to_disconnect, peer.id) ||
          includes(bad_score_peers_to_disconnect, peer.id)) {
        continue;
      }
      for (SubnetId subnet : peer.attnets_true_bit_indices) {
        subnet_to_peers.get_or_default(subnet, [] { return std::vector<PeerIndex>(); }).push_back(index);
      }
      for (SubnetId subnet : peer.syncnets_true_bit_indices) {
        const int64_t current = sync_committee_peer_count.get_or_default(subnet, [] { return int64_t{0}; });
        sync_committee_peer_count.set(subnet, 1 + current);
      }
    }

    while (below_target()) {
      const std::optional<SubnetId> max_peers_subnet = find_max_peers_subnet(subnet_to_peers, target_subnet_peers);
      // peers are NOT too grouped on any given subnet, finish this loop
      if (!max_peers_subnet.has_value()) {
        break;
      }

      const std::vector<PeerIndex>* peers_on_most_grouped_subnet = subnet_to_peers.find(*max_peers_subnet);
      if (peers_on_most_grouped_subnet == nullptr) {
        break;
      }

      // Find peers to remove from the current maxPeersSubnet
      const std::optional<PeerIndex> removed_peer =
          find_peer_to_remove(connected_peers, subnet_to_peers, sync_committee_peer_count,
                              *peers_on_most_grouped_subnet, target_subnet_peers, active_attnets);

      // If we have successfully found a candidate peer to prune, prune it,
      // otherwise all peers on this subnet should not be removed.
      // In this case, we remove all peers from the pruning logic and try another subnet.
      if (removed_peer.has_value()) {
        // recalculate variables
        remove_peer_from_subnet_to_peers(subnet_to_peers, *removed_peer);
        decrease_sync_committee_peer_count(sync_committee_peer_count,
                                           connected_peers[*removed_peer].syncnets_true_bit_indices);

        too_grouped_peers_to_disconnect.push_back(connected_peers[*removed_peer].id);
        peers_to_disconnect_count++;
      } else {
        // no peer to remove from the maxPeersSubnet
        // should continue with the 2nd biggest maxPeersSubnet
        subnet_to_peers.erase(*max_peers_subnet);
      }
    }

    peers_to_disconnect.set(ExcessPeerDisconnectReason::TOO_GROUPED_SUBNET, too_grouped_peers_to_disconnect);

    // 4. Ensure to always to prune to target peers
    // In rare case, all peers may have duties and good score but very low long lived subnet,
    // and not too grouped to any subnets, we need to always disconnect peers until it reaches targetPeers
    // because we want to keep improving peers (long lived subnets + score)
    // otherwise we'll not able to accept new peer connection to consider better peers
    // see https://github.com/ChainSafe/lodestar/issues/5198
    std::vector<PeerIdStr> remaining_peers_to_disconnect;
    for (PeerIndex index : sorted_peers) {
      const PeerIdStr& id = connected_peers[index].id;
      if (!below_target()) {  // peersToDisconnectCount >= peersToDisconnectTarget
        break;
      }
      if (includes(no_long_lived_subnet_peers_to_disconnect, id) || includes(bad_score_peers_to_disconnect, id) ||
          includes(too_grouped_peers_to_disconnect, id)) {
        continue;
      }
      remaining_peers_to_disconnect.push_back(id);
      peers_to_disconnect_count++;
    }

    peers_to_disconnect.set(ExcessPeerDisconnectReason::FIND_BETTER_PEERS, remaining_peers_to_disconnect);
  }
  return true;
}

}  // namespace

std::optional<PrioritizePeersResult> prioritize_peers(const std::vector<ConnectedPeerInfo>& connected_peers_info,
                                                      const std::vector<RequestedSubnet>& active_attnets,
                                                      const std::vector<RequestedSubnet>& active_syncnets,
                                                      const std::optional<std::vector<CustodyIndex>>& sampling_groups,
                                                      const PrioritizePeersOpts& opts, const ChainConfig& config,
                                                      RandomDraws& random) {
  const int64_t target_peers = opts.target_peers;
  const int64_t max_peers = opts.max_peers;
  const size_t draws_before = random.used();

  PrioritizePeersResult result;

  // Pre-compute trueBitIndexes for re-use below. Set null subnets Maps to default zero value
  std::vector<PeerInfo> connected_peers;
  connected_peers.reserve(connected_peers_info.size());
  for (const ConnectedPeerInfo& peer : connected_peers_info) {
    connected_peers.push_back(PeerInfo{
        .id = peer.id,
        .direction = peer.direction,
        .status_score = compute_status_score(
            opts.status, peer.status != nullptr ? std::optional<ChainStatus>(*peer.status) : std::nullopt, opts),
        .attnets = peer.attnets.value_or(Attnets{}),
        .syncnets = peer.syncnets.value_or(Syncnets{}),
        .sampling_groups = peer.sampling_groups.has_value()
                               ? std::vector<CustodyIndex>(peer.sampling_groups->begin(), peer.sampling_groups->end())
                               : std::vector<CustodyIndex>{},
        .attnets_true_bit_indices =
            peer.attnets.has_value() ? true_bit_indexes(*peer.attnets) : std::vector<SubnetId>{},
        .syncnets_true_bit_indices =
            peer.syncnets.has_value() ? true_bit_indexes(*peer.syncnets) : std::vector<SubnetId>{},
        .score = peer.score,
    });
  }

  RequestSubnetPeersResult requested =
      request_subnet_peers(connected_peers, active_attnets, active_syncnets, sampling_groups, opts, config);

  const auto connected_peer_count = static_cast<int64_t>(connected_peers.size());

  if (connected_peer_count < target_peers) {
    // Need more peers. Overshoot a little since the success rate of outgoing
    // connections is low, but never more than maxPeers.
    result.peers_to_connect = std::min(kPeersToConnectOvershootFactor * (target_peers - connected_peer_count),
                                       max_peers - connected_peer_count);
  } else if (connected_peer_count > target_peers) {
    if (!prune_excess_peers(connected_peers, requested.duties_by_peer, active_attnets, result.peers_to_disconnect, opts,
                            random)) {
      return std::nullopt;
    }
  }

  result.attnet_queries = std::move(requested.attnet_queries);
  result.syncnet_queries = std::move(requested.syncnet_queries);
  result.custody_group_queries = std::move(requested.custody_group_queries);
  result.random_draws_used = random.used() - draws_before;
  return result;
}

std::optional<std::vector<size_t>> sort_peers_to_prune(const std::vector<PeerInfo>& connected_peers,
                                                       const std::vector<int64_t>& duties_by_peer,
                                                       RandomDraws& random) {
  assert(duties_by_peer.size() == connected_peers.size());
  std::vector<PeerIndex> indices(connected_peers.size());
  for (PeerIndex i = 0; i < indices.size(); i++) indices[i] = i;

  std::optional<std::vector<PeerIndex>> shuffled = shuffle(indices, random);
  if (!shuffled.has_value()) return std::nullopt;

  // The TS comparator, returning a number; Array.prototype.sort (V8's,
  // js_array_sort) places p1 before p2 when it is < 0.
  auto compare = [&](PeerIndex i1, PeerIndex i2) -> double {
    const PeerInfo& p1 = connected_peers[i1];
    const PeerInfo& p2 = connected_peers[i2];
    const int64_t dutied_subnet1 = duties_by_peer[i1];
    const int64_t dutied_subnet2 = duties_by_peer[i2];
    if (dutied_subnet1 == dutied_subnet2) {
      const int status_score = static_cast<int>(p1.status_score) - static_cast<int>(p2.status_score);
      if (status_score != 0) {
        return status_score;
      }
      const auto long_lived_subnets1 =
          static_cast<int64_t>(p1.attnets_true_bit_indices.size() + p1.syncnets_true_bit_indices.size());
      const auto long_lived_subnets2 =
          static_cast<int64_t>(p2.attnets_true_bit_indices.size() + p2.syncnets_true_bit_indices.size());
      if (long_lived_subnets1 == long_lived_subnets2) {
        return p1.score - p2.score;
      }
      return static_cast<double>(long_lived_subnets1 - long_lived_subnets2);
    }
    return static_cast<double>(dutied_subnet1 - dutied_subnet2);
  };
  js_array_sort(shuffled->begin(), shuffled->end(), compare);
  return shuffled;
}


}  // namespace reference

namespace {

using nlohmann::json;

template <typename Result>
json encode(const Result& r) {
  json disconnect = json::array();
  for (const auto& [reason, ids] : r.peers_to_disconnect) {
    disconnect.push_back({std::string(excess_peer_disconnect_reason_value(reason)), ids});
  }
  auto queries = [](const std::vector<SubnetDiscvQuery>& qs) {
    json out = json::array();
    for (const SubnetDiscvQuery& q : qs) out.push_back({q.subnet, q.to_slot, q.max_peers_to_discover});
    return out;
  };
  json groups = json::array();
  for (const auto& [group, count] : r.custody_group_queries) groups.push_back({group, count});
  return json{{"peersToConnect", r.peers_to_connect},
              {"peersToDisconnect", disconnect},
              {"attnetQueries", queries(r.attnet_queries)},
              {"syncnetQueries", queries(r.syncnet_queries)},
              {"custodyGroupQueries", groups},
              {"randomDraws", r.random_draws_used}};
}

struct Input {
  std::vector<ConnectedPeerInfo> peers;
  // What the peers' status and sampling_groups point at (a deque: elements
  // stay where they are as it grows, and when the Input is moved).
  std::deque<ChainStatus> statuses;
  std::deque<std::vector<CustodyIndex>> groups;
  Input() = default;
  Input(Input&&) = default;
  Input(const Input&) = delete;  // a copy's peers would point into the original
  std::vector<RequestedSubnet> active_attnets;
  std::vector<RequestedSubnet> active_syncnets;
  std::optional<std::vector<CustodyIndex>> sampling_groups;
  PrioritizePeersOpts opts;
  ChainConfig config;
  std::vector<double> draws;
};

Input random_input(std::mt19937_64& rng, size_t n, uint64_t id) {
  auto pick = [&](uint64_t k) { return rng() % k; };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  Input in;
  const double attnet_density = std::vector<double>{0, 0.01, 0.05, 0.2, 0.6}[pick(5)];
  const size_t attnet_universe = chance(0.3) ? 8 : kAttestationSubnetCount;
  const double syncnet_density = std::vector<double>{0, 0.1, 0.5}[pick(3)];
  const int64_t groups = std::vector<int64_t>{8, 16, 128}[pick(3)];
  const bool specials = chance(0.2);  // a few infinite and NaN scores
  in.config.number_of_custody_groups = groups;
  in.peers.resize(n);
  for (size_t i = 0; i < n; i++) {
    ConnectedPeerInfo& p = in.peers[i];
    p.id = "16Uiu2HAm-" + std::to_string(id) + "-" + std::to_string(i);
    if (!chance(0.1)) p.direction = chance(0.3) ? Direction::kOutbound : Direction::kInbound;
    if (!chance(0.1)) {
      ChainStatus s;
      s.finalized_epoch = 30 + static_cast<int64_t>(pick(3)) - 1;
      s.head_slot = 1000 + (chance(0.1) ? 100 : 0) - static_cast<int64_t>(pick(3));
      p.status = &in.statuses.emplace_back(s);
    }
    if (!chance(0.1)) {
      Attnets a;
      for (size_t b = 0; b < attnet_universe; b++) a.set(b, chance(attnet_density));
      p.attnets = a;
    }
    if (!chance(0.1)) {
      Syncnets s;
      for (size_t b = 0; b < kSyncCommitteeSubnetCount; b++) s.set(b, chance(syncnet_density));
      p.syncnets = s;
    }
    if (!chance(0.1)) {
      std::vector<CustodyIndex> g;
      const size_t count = pick(2) == 0 ? 4 : 8 + pick(24);
      for (size_t k = 0; k < count; k++) g.push_back(static_cast<CustodyIndex>(pick(static_cast<uint64_t>(groups) + 4)));
      if (chance(0.8)) std::sort(g.begin(), g.end());
      p.sampling_groups.emplace(in.groups.emplace_back(std::move(g)));
    }
    switch (pick(specials && chance(0.01) ? 9 : 6)) {
      case 0: p.score = static_cast<double>(static_cast<int64_t>(pick(21)) - 10); break;
      case 1: p.score = static_cast<double>(static_cast<int64_t>(pick(11)) - 5) / 2; break;
      case 2: p.score = chance(0.5) ? -0.0 : 0.0; break;
      case 3: p.score = chance(0.5) ? -2.0 : -1.9999999999999998; break;
      case 6: p.score = std::numeric_limits<double>::infinity(); break;
      case 7: p.score = -std::numeric_limits<double>::infinity(); break;
      case 8: p.score = std::numeric_limits<double>::quiet_NaN(); break;  // the TS comparator's own sort path
      default: p.score = std::uniform_real_distribution<double>(-20, 10)(rng); break;
    }
  }
  const size_t attnets = pick(9);
  for (size_t k = 0; k < attnets; k++) {
    const int64_t subnet = chance(0.1) ? static_cast<int64_t>(pick(4)) - 1 + (chance(0.5) ? 64 : 0)
                                       : static_cast<int64_t>(pick(attnet_universe));
    in.active_attnets.push_back({.subnet = subnet, .to_slot = 1000 + static_cast<int64_t>(pick(100))});
  }
  const size_t syncnets = pick(4);
  for (size_t k = 0; k < syncnets; k++) {
    in.active_syncnets.push_back({.subnet = static_cast<int64_t>(pick(6)) - 1, .to_slot = 1100});
  }
  if (!chance(0.2)) {
    std::vector<CustodyIndex> ours;
    for (size_t k = 0; k < 8; k++) ours.push_back(static_cast<CustodyIndex>(pick(static_cast<uint64_t>(groups) + 2)));
    in.sampling_groups = ours;
  }
  const double fraction = std::vector<double>{0.5, 0.8, 0.95, 1.0, 1.1}[pick(5)];
  in.opts.target_peers = static_cast<int64_t>(static_cast<double>(n) * fraction);
  in.opts.max_peers = in.opts.target_peers + static_cast<int64_t>(pick(20));
  in.opts.target_group_peers = static_cast<int64_t>(pick(9));
  in.opts.status.finalized_epoch = 30;
  in.opts.status.head_slot = 1000;
  in.opts.starved = chance(0.3);
  in.opts.starvation_prune_ratio = chance(0.5) ? 0.05 : 0.5;
  in.opts.starvation_threshold_slots = 64;
  if (chance(0.3)) in.opts.outbound_peers_ratio = std::vector<double>{0, 0.1, 0.5, 1}[pick(4)];
  if (chance(0.3)) in.opts.target_subnet_peers = std::vector<int64_t>{0, 1, 2, 6, 10, 64, 70}[pick(7)];
  in.draws.resize(n);
  for (double& d : in.draws) d = chance(0.02) ? 0.0 : std::uniform_real_distribution<double>(0, 1)(rng);
  return in;
}

TEST_CASE("prioritize_peers equals the line-by-line port on random inputs up to 5000 peers",
          "[prioritize_peers][differential]") {
  std::mt19937_64 rng(20261128);
  uint64_t id = 0;
  const std::vector<std::pair<size_t, size_t>> plan = {{40, 3000}, {300, 150}, {1000, 12}, {5000, 2}};
  for (const auto& [max_n, iterations] : plan) {
    for (size_t it = 0; it < iterations; it++) {
      const size_t n = max_n <= 40 ? static_cast<size_t>(rng() % (max_n + 1)) : max_n - rng() % (max_n / 4);
      const Input in = random_input(rng, n, id++);
      INFO("peers " << n << ", input " << id);
      RandomDraws fast_random(in.draws);
      const auto fast = prioritize_peers(in.peers, in.active_attnets, in.active_syncnets, in.sampling_groups, in.opts,
                                         in.config, fast_random);
      RandomDraws reference_random(in.draws);
      const auto ref = reference::prioritize_peers(in.peers, in.active_attnets, in.active_syncnets, in.sampling_groups,
                                                   in.opts, in.config, reference_random);
      REQUIRE(fast.has_value() == ref.has_value());
      if (fast.has_value()) REQUIRE(encode(*fast).dump() == encode(*ref).dump());
      REQUIRE(fast_random.used() == reference_random.used());
    }
  }
}

// Runs the port and the line-by-line original on `in`, each with its own
// cursor over in.draws: the same result (or both none) and the cursors left
// alike (draws used, error).
void require_alike(const Input& in) {
  RandomDraws fast_random(in.draws);
  RandomDraws reference_random(in.draws);
  const auto fast = prioritize_peers(in.peers, in.active_attnets, in.active_syncnets, in.sampling_groups, in.opts,
                                     in.config, fast_random);
  const auto ref = reference::prioritize_peers(in.peers, in.active_attnets, in.active_syncnets, in.sampling_groups,
                                               in.opts, in.config, reference_random);
  REQUIRE(fast.has_value() == ref.has_value());
  if (fast.has_value()) REQUIRE(encode(*fast).dump() == encode(*ref).dump());
  REQUIRE(fast_random.error() == reference_random.error());
  REQUIRE(fast_random.used() == reference_random.used());
}

TEST_CASE("prioritize_peers and the line-by-line port run out of draws alike", "[prioritize_peers][differential]") {
  std::mt19937_64 rng(7);
  for (size_t it = 0; it < 200; it++) {
    Input in = random_input(rng, 30, it);
    in.draws.resize(rng() % 30);
    require_alike(in);
  }
}

TEST_CASE("prioritize_peers and the line-by-line port treat invalid draws alike", "[prioritize_peers][differential]") {
  // Draws outside [0, 1) (and -0, which is inside) at random places: the
  // shuffle checks them all before its first swap, the port one per swap;
  // both must fail (or not) alike and leave `random` alike.
  std::mt19937_64 rng(20261203);
  const std::vector<double>& specials = testing::edge_draws();
  for (size_t it = 0; it < 600; it++) {
    Input in = random_input(rng, 1 + rng() % 60, it);
    in.draws.resize(rng() % (in.peers.size() + 3));
    const size_t injected = in.draws.empty() ? 0 : 1 + rng() % 3;
    for (size_t k = 0; k < injected; k++) in.draws[rng() % in.draws.size()] = specials[rng() % specials.size()];
    require_alike(in);
  }
}

}  // namespace
}  // namespace peers
