#include "peers/score_interface.h"

#include <cassert>

namespace peers {

std::optional<PeerAction> parse_peer_action(std::string_view text) {
  constexpr std::string_view kQualifier = "PeerAction.";
  const bool qualified = text.substr(0, kQualifier.size()) == kQualifier;
  if (qualified) text.remove_prefix(kQualifier.size());
  for (int i = 0; i < kPeerActionCount; i++) {
    const auto action = static_cast<PeerAction>(i);
    if (text == peer_action_name(action)) return action;
    if (!qualified && text.size() == 1 && text[0] == static_cast<char>('0' + i)) return action;
  }
  return std::nullopt;
}

}  // namespace peers
