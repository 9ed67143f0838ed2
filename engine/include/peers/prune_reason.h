// export enum ExcessPeerDisconnectReason (utils/prioritizePeers.ts): why
// prioritizePeers names a peer to disconnect. Declared here, apart from the
// prioritizePeers port (engine/utils/prioritize_peers.h), because coverage
// reports and the vocabulary read its names; the engine compares enumerators.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_PRUNE_REASON_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_PRUNE_REASON_H_

#include <array>
#include <string_view>

#include "peers/enum_names.h"

namespace peers {

enum class ExcessPeerDisconnectReason {
  LOW_SCORE,
  NO_LONG_LIVED_SUBNET,
  TOO_GROUPED_SUBNET,
  FIND_BETTER_PEERS,
};
inline constexpr int kExcessPeerDisconnectReasonCount = 4;
// The TS string values, indexed by the enumerator.
inline constexpr std::array<const char*, kExcessPeerDisconnectReasonCount> kExcessPeerDisconnectReasonNames = {
    "low_score", "no_long_lived_subnet", "too_grouped_subnet", "find_better_peers"};
inline std::string_view excess_peer_disconnect_reason_value(ExcessPeerDisconnectReason reason) {
  return enum_name(kExcessPeerDisconnectReasonNames, reason);
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_PRUNE_REASON_H_
