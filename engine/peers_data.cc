#include "engine/peers_data.h"

#include <cassert>

namespace peers {

const char* relevant_peer_status_name(RelevantPeerStatus status) {
  switch (status) {
    case RelevantPeerStatus::kUnknown: return "unknown";
    case RelevantPeerStatus::kRelevant: return "relevant";
    case RelevantPeerStatus::kIrrelevant: return "irrelevant";
  }
  assert(false && "unknown RelevantPeerStatus");
  return "unknown";
}

std::string PeersData::get_agent_version(const PeerIdStr& peer_id_str) const {
  const PeerData* data = connected_peers.find(peer_id_str);
  return data != nullptr && data->agent_version.has_value() ? *data->agent_version : "NA";
}

std::optional<ClientKind> PeersData::get_peer_kind(const PeerIdStr& peer_id_str) const {
  const PeerData* data = connected_peers.find(peer_id_str);
  return data != nullptr ? data->agent_client : std::nullopt;
}

}  // namespace peers
