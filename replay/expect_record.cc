#include "replay/expect_record.h"

#include "replay/score_delta.h"
#include "replay/trace_event.h"

namespace replay {

using nlohmann::json;
using nlohmann::ordered_json;

bool writes_full_dump(JsonRef event) {
  const JsonRef kind = event["kind"];
  if (kind == "init" || kind == "committee_subscriptions") return true;
  return kind == "timer" && event["timer"] == "heartbeat";
}

ordered_json engine_expect_record(JsonRef event, uint64_t seq, const std::vector<peers::Action>& actions,
                                  const peers::PeerScoreStats& previous, const peers::PeerScoreStats& dump) {
  ordered_json expect{{"type", "expect"}, {"seq", seq}, {"actions", actions_to_json(actions)}};
  if (writes_full_dump(event)) {
    json full = json::array();
    for (const peers::PeerScoreStatEntry& e : dump) full.push_back(score_entry_to_json(e));
    expect["scores"] = std::move(full);
    expect["scores_full"] = true;
    return expect;
  }
  json delta = json::array();
  json removed = json::array();
  score_delta(
      previous, dump,
      [&delta](const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat*) {
        delta.push_back(score_entry_to_json(e));
      },
      [&removed](const peers::PeerScoreStatEntry& e) { removed.push_back(e.peer_id); });
  expect["scores"] = std::move(delta);
  expect["scores_removed"] = std::move(removed);
  expect["scores_full"] = false;
  return expect;
}

}  // namespace replay
