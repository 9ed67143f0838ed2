// coverage: see coverage.h.
#include "cli/coverage.h"

#include <set>
#include <string_view>

#include "peers/event.h"
#include "peers/types.h"
#include "peers/goodbye.h"
#include "peers/metrics.h"
#include "peers/prune_reason.h"
#include "trace/trace_schema.h"

namespace replay {

namespace {

void merge(std::map<std::string, uint64_t>* into, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) (*into)[k] += v;
}

std::string metric_label(std::string_view metric, std::string_view label, std::string_view value) {
  return "metric:" + std::string(metric) + "{" + std::string(label) + "=\"" + std::string(value) + "\"}";
}

// FORMAT.md §8: every peer-manager metric has a series in some trace, and each
// label value network/peers can write: both directions; the connection
// statuses libp2p announces connections with in the corpus (open, closing);
// the goodbye reasons peerManager.ts sends, and every GOODBYE_KNOWN_CODES name
// a received uint64 code can map to, plus "" for an unknown code; every
// prioritizePeers disconnect reason; the three query types; every custody
// group of the mainnet preset (128). Client values are checked against the
// set lodestar_peers_by_client_count holds (missing_coverage).
void add_metric_coverage(std::vector<std::string>* items) {
  for (const peers::MetricSpec& spec : peers::kMetricSpecs) items->push_back("metric:" + std::string(spec.name));
  for (const char* metric : {"lodestar_peers_by_direction_count", "lodestar_peer_connected_total", "lodestar_peer_disconnected_total"}) {
    for (const char* d : peers::kDirectionNames) items->push_back(metric_label(metric, "direction", d));
  }
  for (const char* status : {"open", "closing"}) items->push_back(metric_label("lodestar_peer_connected_total", "status", status));
  using peers::GoodByeReasonCode;
  for (auto r : {GoodByeReasonCode::CLIENT_SHUTDOWN, GoodByeReasonCode::IRRELEVANT_NETWORK,
                 GoodByeReasonCode::TOO_MANY_PEERS, GoodByeReasonCode::SCORE_TOO_LOW, GoodByeReasonCode::BANNED}) {
    items->push_back(metric_label("lodestar_peer_goodbye_sent_total", "reason", peers::goodbye_known_code_name(r)));
  }
  for (const peers::GoodbyeKnownCode& known : peers::kGoodbyeKnownCodes) {
    if (known.code.front() == '-') continue;  // a received code is a uint64
    items->push_back(metric_label("lodestar_peer_goodbye_received_total", "reason", known.name));
  }
  items->push_back(metric_label("lodestar_peer_goodbye_received_total", "reason", ""));
  for (const char* reason : peers::kExcessPeerDisconnectReasonNames) {
    items->push_back(metric_label("lodestar_peers_requested_total_to_disconnect", "reason", reason));
  }
  for (const char* metric : {"lodestar_peers_requested_total_subnets_to_query", "lodestar_peers_requested_total_subnets_peers_count"}) {
    for (const char* type : {"attnets", "syncnets", "column"}) items->push_back(metric_label(metric, "type", type));
  }
  for (int group = 0; group < 128; group++) {
    items->push_back(metric_label("lodestar_peer_count_per_sampling_group", "groupIndex", std::to_string(group)));
  }
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
  add_metric_coverage(&items);
  return items;
}

void add_coverage(const Coverage& one, Coverage* total) {
  merge(&total->event_kinds, one.event_kinds);
  merge(&total->action_kinds, one.action_kinds);
  merge(&total->goodbye_reasons, one.goodbye_reasons);
  merge(&total->prune_reasons, one.prune_reasons);
  merge(&total->score_transitions, one.score_transitions);
  merge(&total->metric_series, one.metric_series);
}

std::vector<std::string> missing_coverage(const Coverage& total) {
  std::set<std::string> seen;
  for (const auto& [k, v] : total.event_kinds) seen.insert("event:" + k);
  for (const auto& [k, v] : total.action_kinds) seen.insert("action:" + k);
  for (const auto& [k, v] : total.goodbye_reasons) seen.insert("goodbye:" + k);
  for (const auto& [k, v] : total.prune_reasons) seen.insert("prune:" + k);
  for (const auto& [k, v] : total.score_transitions) seen.insert("score:" + k);
  for (const auto& [k, v] : total.metric_series) seen.insert("metric:" + k);
  std::vector<std::string> required = required_coverage();
  // runPeerCountMetrics sets lodestar_peers_by_client_count for every
  // ClientKind: each of those clients must also label a score histogram.
  const std::string by_client = "lodestar_peers_by_client_count{client=\"";
  for (const auto& [k, v] : total.metric_series) {
    if (k.rfind(by_client, 0) != 0) continue;
    const std::string client = k.substr(by_client.size(), k.size() - by_client.size() - 2);
    required.push_back(metric_label("lodestar_app_peer_score", "client", client));
    required.push_back(metric_label("lodestar_gossip_score_by_client", "client", client));
  }
  std::vector<std::string> missing;
  for (const std::string& item : required) {
    if (!seen.count(item)) missing.push_back(item);
  }
  return missing;
}

}  // namespace replay
