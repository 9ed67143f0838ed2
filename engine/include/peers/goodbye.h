// Goodbye reason codes: a port of GoodByeReasonCode and GOODBYE_KNOWN_CODES from
// packages/beacon-node/src/constants/network.ts.
//
// Owner: engine pure layers. Used by the score store (reconnection cool-downs)
// and the peer manager (goodbyes sent and received). Enumerator names are the
// TS names so both sides grep alike. On the wire a goodbye is a uint64 (a BigInt
// in TS); INBOUND_DISCONNECT (-1) is local-only and never sent.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_GOODBYE_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_GOODBYE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace peers {

// export enum GoodByeReasonCode. The underlying type is wide enough for any
// code a peer can send, so an unlisted code can be carried through unchanged
// (RealScore::apply_reconnection_cool_down has a path for them, as in TS).
enum class GoodByeReasonCode : int64_t {
  INBOUND_DISCONNECT = -1,
  CLIENT_SHUTDOWN = 1,
  IRRELEVANT_NETWORK = 2,
  ERROR = 3,
  TOO_MANY_PEERS = 129,
  SCORE_TOO_LOW = 250,
  BANNED = 251,
};

struct GoodbyeKnownCode {
  std::string_view code;  // the key as TS spells it: goodbye.toString()
  std::string_view name;
};

// export const GOODBYE_KNOWN_CODES: Record<string, string>, in its source order.
inline constexpr std::array<GoodbyeKnownCode, 9> kGoodbyeKnownCodes = {{
    {"-1", "InboundDisconnect"},
    {"0", "Unknown"},
    // spec-defined codes
    {"1", "Client shutdown"},
    {"2", "Irrelevant network"},
    {"3", "Internal fault/error"},
    // Teku-defined codes
    {"128", "Unable to verify network"},
    // Lighthouse-defined codes
    {"129", "Client has too many peers"},
    {"250", "Peer score too low"},
    {"251", "Peer banned this node"},
}};

// `GOODBYE_KNOWN_CODES[goodbye.toString()] || ""`: the name of a code given as
// the decimal string TS builds from the (Big)Int, or "" when it is not listed.
constexpr std::string_view goodbye_known_code_name(std::string_view decimal) {
  for (const GoodbyeKnownCode& known : kGoodbyeKnownCodes) {
    if (known.code == decimal) return known.name;
  }
  return "";
}

// The same lookup for a code held as an integer: its decimal, as
// BigInt.prototype.toString prints it, looked up in kGoodbyeKnownCodes.
constexpr std::string_view goodbye_known_code_name(GoodByeReasonCode code) {
  const int64_t value = static_cast<int64_t>(code);
  uint64_t magnitude = value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::array<char, 21> text{};  // "-" and the 19 digits of INT64_MIN
  size_t start = text.size();
  do {
    text[--start] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) text[--start] = '-';
  return goodbye_known_code_name(std::string_view(text.data() + start, text.size() - start));
}

// The TS enum member name of a listed code ("TOO_MANY_PEERS"), or nullopt.
constexpr std::optional<std::string_view> goodbye_reason_code_member(GoodByeReasonCode code) {
  switch (code) {
    case GoodByeReasonCode::INBOUND_DISCONNECT: return "INBOUND_DISCONNECT";
    case GoodByeReasonCode::CLIENT_SHUTDOWN: return "CLIENT_SHUTDOWN";
    case GoodByeReasonCode::IRRELEVANT_NETWORK: return "IRRELEVANT_NETWORK";
    case GoodByeReasonCode::ERROR: return "ERROR";
    case GoodByeReasonCode::TOO_MANY_PEERS: return "TOO_MANY_PEERS";
    case GoodByeReasonCode::SCORE_TOO_LOW: return "SCORE_TOO_LOW";
    case GoodByeReasonCode::BANNED: return "BANNED";
  }
  return std::nullopt;
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_GOODBYE_H_
