#include "engine/client.h"

#include <cassert>
#include <string>

namespace peers {

const char* client_kind_name(ClientKind kind) {
  switch (kind) {
    case ClientKind::kLighthouse: return "Lighthouse";
    case ClientKind::kNimbus: return "Nimbus";
    case ClientKind::kTeku: return "Teku";
    case ClientKind::kPrysm: return "Prysm";
    case ClientKind::kLodestar: return "Lodestar";
    case ClientKind::kGrandine: return "Grandine";
    case ClientKind::kUnknown: return "Unknown";
  }
  assert(false && "unknown ClientKind");
  return "Unknown";
}

namespace {

// String.prototype.toLowerCase, as far as it can make an agent equal one of
// the ASCII names compared below: ASCII A-Z, and U+212A KELVIN SIGN, which JS
// lowers to ASCII 'k' ("te\u212Au" is Teku). Every other non-ASCII character
// lowers to a non-ASCII one and is left as is.
std::string to_lower_ascii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    const char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x84' && s[i + 2] == '\xAA') {
      out.push_back('k');
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<ClientKind> get_known_client_from_agent_version(std::string_view agent_version) {
  const size_t slash_index = agent_version.find('/');
  const std::string_view agent =
      slash_index != std::string_view::npos ? agent_version.substr(0, slash_index) : agent_version;
  const std::string agent_lc = to_lower_ascii(agent);
  if (agent_lc == "lighthouse") return ClientKind::kLighthouse;
  if (agent_lc == "teku") return ClientKind::kTeku;
  if (agent_lc == "prysm") return ClientKind::kPrysm;
  if (agent_lc == "nimbus") return ClientKind::kNimbus;
  if (agent_lc == "grandine") return ClientKind::kGrandine;
  if (agent_lc == "lodestar" || agent_lc == "js-libp2p") return ClientKind::kLodestar;

  return std::nullopt;
}

}  // namespace peers
