// coverage: see coverage.h.
#include "cli/coverage.h"

#include <set>
#include <string_view>

#include "peers/event.h"
#include "peers/goodbye.h"
#include "peers/prune_reason.h"
#include "trace/trace_schema.h"

namespace replay {

namespace {

void merge(std::map<std::string, uint64_t>* into, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) (*into)[k] += v;
}

}  // namespace

std::vector<std::string> required_coverage() {
  std::vector<std::string> items;
  for (std::string_view k : event_kinds()) {
    if (k == "request") {
      // The methods PeerManager.onRequest handles, plus one it only counts.
      for (auto m : {peers::ReqRespMethod::Ping, peers::ReqRespMethod::Status, peers::ReqRespMethod::Goodbye,
                     peers::ReqRespMethod::Metadata}) {
        items.push_back("event:request:" + std::string(peers::req_resp_method_name(m)));
      }
    } else if (k == "response") {
      items.push_back("event:response:ok");
      items.push_back("event:response:error");
    } else if (k == "timer") {
      for (std::string_view t : timer_kinds()) items.push_back("event:timer:" + std::string(t));
    } else {
      items.push_back("event:" + std::string(k));
    }
  }
  for (std::string_view k : action_kinds()) items.push_back("action:" + std::string(k));
  // The goodbye codes peerManager.ts sends: CLIENT_SHUTDOWN (goodbyeAndDisconnectAllPeers),
  // IRRELEVANT_NETWORK (onStatus, non-secp256k1 keys), TOO_MANY_PEERS (pruning),
  // SCORE_TOO_LOW and BANNED (heartbeat).
  using peers::GoodByeReasonCode;
  for (auto r : {GoodByeReasonCode::CLIENT_SHUTDOWN, GoodByeReasonCode::IRRELEVANT_NETWORK,
                 GoodByeReasonCode::TOO_MANY_PEERS, GoodByeReasonCode::SCORE_TOO_LOW, GoodByeReasonCode::BANNED}) {
    items.push_back("goodbye:" + std::to_string(static_cast<int64_t>(r)));
  }
  for (const char* reason : peers::kExcessPeerDisconnectReasonNames) items.push_back("prune:" + std::string(reason));
  for (const char* t : {"Healthy->Disconnected", "Healthy->Banned", "Disconnected->Banned", "Banned->Disconnected",
                        "Disconnected->Healthy"}) {
    items.push_back("score:" + std::string(t));
  }
  return items;
}

void add_coverage(const Coverage& one, Coverage* total) {
  merge(&total->event_kinds, one.event_kinds);
  merge(&total->action_kinds, one.action_kinds);
  merge(&total->goodbye_reasons, one.goodbye_reasons);
  merge(&total->prune_reasons, one.prune_reasons);
  merge(&total->score_transitions, one.score_transitions);
}

std::vector<std::string> missing_coverage(const Coverage& total) {
  std::set<std::string> seen;
  for (const auto& [k, v] : total.event_kinds) seen.insert("event:" + k);
  for (const auto& [k, v] : total.action_kinds) seen.insert("action:" + k);
  for (const auto& [k, v] : total.goodbye_reasons) seen.insert("goodbye:" + k);
  for (const auto& [k, v] : total.prune_reasons) seen.insert("prune:" + k);
  for (const auto& [k, v] : total.score_transitions) seen.insert("score:" + k);
  std::vector<std::string> missing;
  for (const std::string& item : required_coverage()) {
    if (!seen.count(item)) missing.push_back(item);
  }
  return missing;
}

}  // namespace replay
