// Port of score/store.ts, statements in the TS order.
#include "engine/score/store.h"

#include <cassert>
#include <cmath>

#include "engine/score/utils.h"
#include "peers/score_constants.h"

namespace peers {

double peer_action_score(PeerAction action) {
  switch (action) {
    case PeerAction::Fatal: return -(kMaxScore - kMinScore);
    case PeerAction::LowToleranceError: return -10;
    case PeerAction::MidToleranceError: return -5;
    case PeerAction::HighToleranceError: return -1;
  }
  assert(false && "unknown PeerAction");
  return 0;
}

PeerRpcScoreStore::PeerRpcScoreStore(PeerRpcScoreOpts opts, NetworkCoreMetrics* metrics) : opts_(opts), metrics_(metrics) {}

PeerScore& PeerRpcScoreStore::get_or_default(const PeerIdStr& peer, UnixMs now_ms) {
  // Every writer of one entry comes through here (see Changes in store.h).
  if (track_changes_) changes_.touched.push_back(peer);
  // opts.disablePeerScoring ? new MapDef(() => new MaxScore()) : new MapDef(() => new RealScore())
  return scores_.get_or_default(
      peer, [&] { return opts_.disable_peer_scoring ? PeerScore::max() : PeerScore::real(now_ms); });
}

double PeerRpcScoreStore::get_score(const PeerIdStr& peer) const {
  const PeerScore* peer_score = scores_.find(peer);
  return peer_score != nullptr ? peer_score->get_score() : kDefaultScore;
}

double PeerRpcScoreStore::get_gossip_score(const PeerIdStr& peer) const {
  const PeerScore* peer_score = scores_.find(peer);
  return peer_score != nullptr ? peer_score->get_gossip_score() : kDefaultScore;
}

std::pair<double, double> PeerRpcScoreStore::get_score_and_gossip_score(const PeerIdStr& peer) const {
  const PeerScore* peer_score = scores_.find(peer);
  if (peer_score == nullptr) return {kDefaultScore, kDefaultScore};
  return {peer_score->get_score(), peer_score->get_gossip_score()};
}

ScoreState PeerRpcScoreStore::get_score_state(const PeerIdStr& peer) const { return score_to_state(get_score(peer)); }

bool PeerRpcScoreStore::is_cooling_down(const PeerIdStr& peer, UnixMs now_ms) const {
  const PeerScore* peer_score = scores_.find(peer);
  return peer_score != nullptr ? peer_score->is_cooling_down(now_ms) : false;
}

PeerScoreStats PeerRpcScoreStore::dump_peer_score_stats(UnixMs now_ms) const {
  PeerScoreStats stats;
  stats.reserve(scores_.size());
  for (const auto& [peer_id, peer_score] : scores_) {
    stats.push_back(PeerScoreStatEntry{.peer_id = peer_id, .stat = peer_score.get_stat(now_ms)});
  }
  return stats;
}

void PeerRpcScoreStore::apply_action(const PeerIdStr& peer, PeerAction action, std::string_view action_name,
                                     UnixMs now_ms) {
  PeerScore& peer_score = get_or_default(peer, now_ms);
  const double score_change = peer_action_score(action);
  peer_score.add(score_change, now_ms);
  if (metrics_ != nullptr) metrics_->peers_report_peer_count.inc({std::string(action_name)});
}

int64_t PeerRpcScoreStore::apply_reconnection_cool_down(const PeerIdStr& peer, GoodByeReasonCode reason,
                                                        UnixMs now_ms) {
  PeerScore& peer_score = get_or_default(peer, now_ms);
  return peer_score.apply_reconnection_cool_down(reason, now_ms);
}

void PeerRpcScoreStore::update(UnixMs now_ms) {
  if (track_changes_) changes_.all = true;
  // Bound size of data structures
  prune_set_to_max(scores_, static_cast<size_t>(kMaxEntries));

  // for (const [peerIdStr, peerScore] of this.scores): deleting the current
  // entry while iterating is legal in JS and in OrderedMap.
  DecayFactorCache decay_factors;
  for (auto it = scores_.begin(); it != scores_.end(); ++it) {
    const double new_score = it->second.update(now_ms, decay_factors);

    // Prune scores below threshold
    if (std::fabs(new_score) < kScoreThreshold) {
      scores_.erase(it);  // this.scores.delete(peerIdStr); `it` moves on as the Map's does
    }
  }
  assert(scores_.size() <= static_cast<size_t>(kMaxEntries));
}

void PeerRpcScoreStore::update_gossipsub_score(const PeerIdStr& peer, double new_score, bool ignore, UnixMs now_ms) {
  PeerScore& peer_score = get_or_default(peer, now_ms);
  peer_score.update_gossipsub_score(new_score, ignore, now_ms);
}

bool PeerRpcScoreStore::update_existing_gossipsub_score(const PeerIdStr& peer, double new_score, bool ignore,
                                                        UnixMs now_ms) {
  PeerScore* peer_score = scores_.find(peer);
  if (peer_score == nullptr) return false;
  if (track_changes_) changes_.touched.push_back(peer);  // a writer of one entry, as in get_or_default
  peer_score->update_gossipsub_score(new_score, ignore, now_ms);
  return true;
}

}  // namespace peers
