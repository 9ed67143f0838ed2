#include "replay/vocabulary.h"

#include <array>
#include <string>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/goodbye.h"
#include "peers/prune_reason.h"
#include "peers/score_interface.h"
#include "peers/types.h"
#include "trace/format.h"

namespace replay {

namespace {

template <size_t N>
nlohmann::json names(const std::array<const char*, N>& table) {
  nlohmann::json out = nlohmann::json::array();
  for (const char* name : table) out.push_back(name);
  return out;
}

}  // namespace

nlohmann::json vocabulary() {
  nlohmann::json v = nlohmann::json::object();
  v["event_kinds"] = names(peers::kEventKindNames);
  v["timer_kinds"] = names(peers::kTimerKindNames);
  v["action_kinds"] = names(peers::kActionKindNames);
  nlohmann::json req_actions = nlohmann::json::array();
  for (int i = 0; i < peers::kActionKindCount; i++) {
    const auto kind = static_cast<peers::ActionKind>(i);
    if (peers::action_has_req(kind)) req_actions.push_back(peers::action_kind_name(kind));
  }
  v["req_action_kinds"] = std::move(req_actions);
  v["peer_actions"] = names(peers::kPeerActionNames);
  v["req_resp_methods"] = names(peers::kReqRespMethodNames);
  v["connection_statuses"] = names(peers::kConnectionStatusNames);
  v["directions"] = names(peers::kDirectionNames);
  v["subnet_types"] = names(peers::kSubnetTypeNames);
  v["producer_modes"] = names(kProducerModeNames);
  v["score_states"] = names(peers::kScoreStateNames);
  v["prune_reasons"] = names(peers::kExcessPeerDisconnectReasonNames);
  nlohmann::json goodbye = nlohmann::json::array();
  for (const peers::GoodbyeKnownCode& known : peers::kGoodbyeKnownCodes) goodbye.push_back(std::string(known.code));
  v["goodbye_codes"] = std::move(goodbye);
  return v;
}

}  // namespace replay
