// ClientKind and getKnownClientFromAgentVersion: a port of
// network/peers/client.ts.
#ifndef PEER_REPLAY_ENGINE_CLIENT_H_
#define PEER_REPLAY_ENGINE_CLIENT_H_

#include <optional>
#include <string_view>

namespace peers {

enum class ClientKind { kLighthouse, kNimbus, kTeku, kPrysm, kLodestar, kGrandine, kUnknown };

// The enum's string value in TS ("Lighthouse", ..., "Unknown").
const char* client_kind_name(ClientKind kind);

// Known client from an identify agentVersion, or nullopt (TS: null) when the
// agent is not one of the known ones. Never returns kUnknown, as in TS.
std::optional<ClientKind> get_known_client_from_agent_version(std::string_view agent_version);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_CLIENT_H_
