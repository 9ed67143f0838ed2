// The score part of an expect record (FORMAT.md §2.3), derived from two full
// dumps of the score store taken before and after an event. One definition for
// both users: the replayer (what the engine did, compared with the trace) and
// `run` (the engine's outputs written as a trace), so the two cannot drift.
//
// It is the recorder's scoreDeltaFull (tools/recorder/lib/session.mjs): an
// entry is in the delta when it is new or differs under sameScore, which
// compares doubles with Object.is (so -0 differs from 0 and NaN equals NaN:
// bit equality for the NaN V8 makes).
#ifndef PEER_REPLAY_REPLAY_SCORE_DELTA_H_
#define PEER_REPLAY_REPLAY_SCORE_DELTA_H_

#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "peers/score_interface.h"

namespace replay {

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

inline bool same_stat(const peers::PeerScoreStat& a, const peers::PeerScoreStat& b) {
  return same_bits(a.lodestar_score, b.lodestar_score) && same_bits(a.gossip_score, b.gossip_score) &&
         a.ignore_negative_gossip_score == b.ignore_negative_gossip_score && same_bits(a.score, b.score) &&
         a.last_update_ms == b.last_update_ms;
}

// `before` and `after` are dumps in dump order. Calls changed(entry, old) for
// each entry of `after` that is new (old == nullptr) or differs from its
// `before` entry, in `after`'s order, then removed(entry) for each entry of
// `before` whose peer is absent from `after`, in `before`'s order.
template <class Changed, class Removed>
void score_delta(const peers::PeerScoreStats& before, const peers::PeerScoreStats& after, Changed&& changed,
                 Removed&& removed) {
  // Fast path: the common prefix where both dumps name the same peers in the
  // same places (the store is insertion-ordered: entries stay put unless one
  // before them is deleted).
  size_t k = 0;
  while (k < before.size() && k < after.size() && before[k].peer_id == after[k].peer_id) {
    if (!same_stat(before[k].stat, after[k].stat)) changed(after[k], &before[k].stat);
    k++;
  }
  if (k == before.size()) {
    for (size_t i = k; i < after.size(); i++) changed(after[i], nullptr);  // appended: new peers
    return;
  }
  // General path for the rest: match by peer id.
  std::unordered_map<std::string, const peers::PeerScoreStat*> old_by_peer;
  old_by_peer.reserve(before.size() - k);
  for (size_t i = k; i < before.size(); i++) old_by_peer.emplace(before[i].peer_id, &before[i].stat);
  std::unordered_set<std::string> in_after;
  in_after.reserve(after.size() - k);
  for (size_t i = k; i < after.size(); i++) {
    const peers::PeerScoreStatEntry& e = after[i];
    in_after.insert(e.peer_id);
    auto it = old_by_peer.find(e.peer_id);
    if (it != old_by_peer.end() && same_stat(*it->second, e.stat)) continue;
    changed(e, it == old_by_peer.end() ? nullptr : it->second);
  }
  for (size_t i = k; i < before.size(); i++) {
    if (in_after.count(before[i].peer_id) == 0) removed(before[i]);
  }
}

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_SCORE_DELTA_H_
