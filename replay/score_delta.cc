#include "replay/score_delta.h"

#include <string>
#include <unordered_map>

namespace replay {

void score_delta(const nlohmann::json& before, const nlohmann::json& after, nlohmann::json* delta,
                 nlohmann::json* removed) {
  std::unordered_map<std::string, const nlohmann::json*> old_by_peer;
  old_by_peer.reserve(before.size());
  for (const nlohmann::json& e : before) old_by_peer.emplace(e["peer"].get<std::string>(), &e);
  std::unordered_map<std::string, bool> in_after;
  in_after.reserve(after.size());
  for (const nlohmann::json& e : after) {
    const std::string& peer = e["peer"].get_ref<const std::string&>();
    in_after.emplace(peer, true);
    auto it = old_by_peer.find(peer);
    if (it == old_by_peer.end() || *it->second != e) delta->push_back(e);
  }
  for (const nlohmann::json& e : before) {
    if (in_after.count(e["peer"].get<std::string>()) == 0) removed->push_back(e["peer"]);
  }
}

}  // namespace replay
