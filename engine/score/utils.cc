// Port of score/utils.ts, statements in the TS order.
#include "engine/score/utils.h"

#include <algorithm>
#include <vector>

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
  // sort by gossipsub score desc
  // Array.from(keys).sort((a, b) => (get(b) ?? 0) - (get(a) ?? 0)): V8's sort is
  // stable and orders a before b exactly when the comparator is < 0. Every key
  // is in the map, so `?? 0` never applies.
  std::vector<PeerIdStr> sorted_peer_ids = gossipsub_scores.keys();
  std::stable_sort(sorted_peer_ids.begin(), sorted_peer_ids.end(), [&](const PeerIdStr& a, const PeerIdStr& b) {
    return (*gossipsub_scores.find(b) - *gossipsub_scores.find(a)) < 0;
  });
  for (const PeerIdStr& peer_id : sorted_peer_ids) {
    const double* gossipsub_score = gossipsub_scores.find(peer_id);
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
