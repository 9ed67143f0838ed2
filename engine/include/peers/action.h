// Action: one output of the PeerManager state machine, mirroring trace format
// v1 (traces/FORMAT.md §3.2): every call PeerManager makes into its modules.
// Plain data; replay/trace_event.cc renders it as JSON for the comparer.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_ACTION_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_ACTION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "peers/enum_names.h"
#include "peers/types.h"

namespace peers {

enum class ActionKind {
  kSendPing,
  kSendStatus,
  kSendMetadata,
  kSendGoodbye,
  kDisconnect,
  kIdentify,
  kTagRelevant,
  kUntagRelevant,
  kPeerConnected,
  kPeerDisconnected,
  kDiscoverPeers,
};
inline constexpr int kActionKindCount = 11;
// The FORMAT.md §3.2 names, by enumerator.
inline constexpr std::array<const char*, kActionKindCount> kActionKindNames = {
    "send_ping",    "send_status",    "send_metadata",  "send_goodbye",      "disconnect",    "identify",
    "tag_relevant", "untag_relevant", "peer_connected", "peer_disconnected", "discover_peers"};
inline const char* action_kind_name(ActionKind kind) { return enum_name(kActionKindNames, kind); }

// Awaited calls carry a request id (FORMAT.md §3.2); the others do not.
bool action_has_req(ActionKind kind);

// export enum SubnetType (metadata.ts): the type of a subnet query.
enum class SubnetType : uint8_t { attnets, syncnets };
inline constexpr std::array<const char*, 2> kSubnetTypeNames = {"attnets", "syncnets"};
inline const char* subnet_type_name(SubnetType type) { return enum_name(kSubnetTypeNames, type); }

// SubnetDiscvQueryMs as heartbeat() builds it.
struct SubnetQuery {
  int64_t subnet = 0;
  SubnetType type = SubnetType::attnets;
  int64_t max_peers_to_discover = 0;
  double to_unix_ms = 0;  // computeTimeAtSlot(...) * 1000, a double in TS
  bool operator==(const SubnetQuery&) const = default;
};

struct Action {
  // User-provided, so that emplace_back() (value-initialization) runs just
  // the member initializers below: with an implicit constructor, it zeroes
  // all ~250 bytes first, with a `rep stos` that was three quarters of
  // PeerManager::emit's samples (perf, trace_bench).
  Action() {}  // NOLINT(modernize-use-equals-default): `= default` would zero again

  ActionKind kind = ActionKind::kSendPing;
  PeerIdStr peer;    // every kind but discover_peers
  int64_t req = 0;   // awaited kinds: 1, 2, 3 ... over the run; 0 otherwise

  ChainStatus status;     // send_status (ours, as sent), peer_connected (theirs)
  int64_t reason = 0;     // send_goodbye: GoodByeReasonCode
  std::string client;     // peer_connected: ClientKind string
  std::vector<ColumnIndex> custody_columns;  // peer_connected

  // discover_peers
  int64_t peers_to_connect = 0;
  std::vector<std::pair<CustodyIndex, int64_t>> custody_group_queries;  // Map order
  std::vector<SubnetQuery> subnet_queries;

  bool operator==(const Action&) const = default;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_ACTION_H_
