// PeerData, RelevantPeerStatus and PeersData: a port of
// network/peers/peersData.ts.
//
// Ownership: PeersData owns the connected-peer records; PeerManager is the only
// writer (TS: "The pruning and bounding of this class is handled by the
// PeerManager"), and bounds it (kMaxConnectedPeers).
#ifndef PEER_REPLAY_ENGINE_PEERS_DATA_H_
#define PEER_REPLAY_ENGINE_PEERS_DATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/client.h"
#include "engine/ordered_map.h"
#include "peers/types.h"

namespace peers {

enum class RelevantPeerStatus { kUnknown, kRelevant, kIrrelevant };
const char* relevant_peer_status_name(RelevantPeerStatus status);  // "unknown" | "relevant" | "irrelevant"

// peersData.ts `Metadata`: fulu.Metadata & {custodyGroups, samplingGroups}, as
// onMetadata stores it (syncnets and custodyGroupCount always filled in).
struct PeerMetadata {
  uint64_t seq_number = 0;  // BigInt
  Attnets attnets;
  Syncnets syncnets;
  int64_t custody_group_count = 0;  // UintNum64: a JS number
  std::vector<CustodyIndex> custody_groups;
  std::vector<CustodyIndex> sampling_groups;
  bool operator==(const PeerMetadata&) const = default;
};

// peersData.ts `PeerData`. encodingPreference is never written by
// network/peers (the reqresp layer sets it) and is left out.
struct PeerData {
  UnixMs last_received_msg_unix_ts_ms = 0;
  UnixMs last_status_unix_ts_ms = 0;
  UnixMs connected_unix_ts_ms = 0;
  RelevantPeerStatus relevant_status = RelevantPeerStatus::kUnknown;
  Direction direction = Direction::kInbound;
  PeerIdStr peer_id;
  std::optional<NodeId> node_id;
  std::optional<PeerMetadata> metadata;
  std::optional<ChainStatus> status;
  std::optional<std::string> agent_version;
  std::optional<ClientKind> agent_client;
};

class PeersData {
 public:
  // TS: readonly connectedPeers = new Map<PeerIdStr, PeerData>() (insertion order).
  OrderedMap<PeerIdStr, PeerData> connected_peers;

  std::string get_agent_version(const PeerIdStr& peer_id_str) const;        // "NA" when unknown
  std::optional<ClientKind> get_peer_kind(const PeerIdStr& peer_id_str) const;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_PEERS_DATA_H_
