// Port of score/utils.ts, statements in the TS order.
#include "engine/score/utils.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/js_math.h"
#include "engine/score/constants.h"
#include "engine/score/store.h"

namespace peers {

ScoreState score_to_state(double score) {
  if (score <= kMinScoreBeforeBan) return ScoreState::Banned;
  if (score <= kMinScoreBeforeDisconnect) return ScoreState::Disconnected;
  return ScoreState::Healthy;
}

void update_gossipsub_scores(PeerRpcScoreStore& peer_rpc_scores, const OrderedMap<PeerIdStr, double>& gossipsub_scores,
                             int64_t to_ignore_negative_peers, UnixMs now_ms) {
  std::vector<std::pair<PeerIdStr, double>> entries;
  entries.reserve(gossipsub_scores.size());
  for (const auto& [peer_id, score] : gossipsub_scores) entries.emplace_back(peer_id, score);
  update_gossipsub_scores(peer_rpc_scores, std::span<const std::pair<PeerIdStr, double>>(entries),
                          to_ignore_negative_peers, now_ms);
}

void update_gossipsub_scores(PeerRpcScoreStore& peer_rpc_scores,
                             std::span<const std::pair<PeerIdStr, double>> gossipsub_scores,
                             int64_t to_ignore_negative_peers, UnixMs now_ms) {
  // sort by gossipsub score desc
  // Array.from(keys).sort((a, b) => (get(b) ?? 0) - (get(a) ?? 0)): V8's sort is
  // stable and orders a before b exactly when the comparator is < 0. Every key
  // is in the map, so `?? 0` never applies.
  // The port sorts pointers to the map's entries, in key order: the
  // comparator reads the same values as get(a) and get(b), so the stable sort
  // makes the same permutation, without copying ids or hashing them per
  // comparison. Nothing below writes to gossipsub_scores.
  // Without NaN, `b - a < 0` is key(b) < key(a) (js_sub_order_key), so the
  // stable sort is an integer sort by (descending key, position), which has
  // one result: the entries are sorted as (key, position) pairs, without
  // reading the doubles through pointers on each comparison.
  using Entry = std::pair<PeerIdStr, double>;
  std::vector<const Entry*> sorted_peers;
  sorted_peers.reserve(gossipsub_scores.size());
  bool has_nan = false;
  for (const Entry& entry : gossipsub_scores) has_nan |= std::isnan(entry.second);
  if (!has_nan && gossipsub_scores.size() <= UINT32_MAX) {
    struct Keyed {
      uint64_t descending;  // ~js_sub_order_key(score): larger scores first
      uint32_t position;    // in gossipsub_scores: the stable sort's tie-break
    };
    std::vector<Keyed> keyed;
    keyed.reserve(gossipsub_scores.size());
    for (size_t i = 0; i < gossipsub_scores.size(); i++) {
      keyed.push_back(Keyed{~js_sub_order_key(gossipsub_scores[i].second), static_cast<uint32_t>(i)});
    }
    std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
      return a.descending != b.descending ? a.descending < b.descending : a.position < b.position;
    });
    for (const Keyed& k : keyed) sorted_peers.push_back(&gossipsub_scores[k.position]);
  } else {
    for (const Entry& entry : gossipsub_scores) sorted_peers.push_back(&entry);
    std::stable_sort(sorted_peers.begin(), sorted_peers.end(),
                     [](const Entry* a, const Entry* b) { return (b->second - a->second) < 0; });
  }
  for (const Entry* entry : sorted_peers) {
    const PeerIdStr& peer_id = entry->first;
    const double* gossipsub_score = &entry->second;  // gossipsubScores.get(peerId)
    if (gossipsub_score != nullptr) {
      bool ignore = false;
      if (*gossipsub_score < 0 && *gossipsub_score > kNegativeGossipScoreIgnoreThreshold &&
          to_ignore_negative_peers > 0) {
        // We ignore the negative score for the best negative peers so that their
        // gossipsub score can recover without getting disconnected.
        ignore = true;
        to_ignore_negative_peers -= 1;
      }

      peer_rpc_scores.update_gossipsub_score(peer_id, *gossipsub_score, ignore, now_ms);
    }
  }
}

}  // namespace peers
