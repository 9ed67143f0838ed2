// Port of score/utils.ts, statements in the TS order.
#include "engine/score/utils.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/js_math.h"
#include "engine/score/store.h"
#include "engine/utils/js_sort.h"
#include "peers/score_constants.h"

namespace peers {
namespace {

// One gossipsub score in sort position: update_gossipsub_scores' order is
// ascending (descending, position).
struct Keyed {
  uint64_t descending;  // ~js_sub_order_key(score): larger scores first
  uint32_t position;    // in gossipsub_scores: the stable sort's tie-break
};

bool in_order(const Keyed& a, const Keyed& b) {
  return a.descending != b.descending ? a.descending < b.descending : a.position < b.position;
}

// Sorts `v`, given in ascending position, into in_order. A stable LSD radix
// sort on `descending`, a byte a pass (stability keeps equal keys in position
// order, so the result is std::sort's with in_order: the order is total).
// Bytes that are the same in every key are skipped. Why not std::sort: after
// each heartbeat's decay the next update creates almost every entry again
// (nearly all of them), with scores in no order, on which a comparison
// sort's branches mispredict.
void sort_in_position_order(std::vector<Keyed>& v, std::vector<Keyed>& scratch) {
  const size_t n = v.size();
  if (n < 64) {
    std::sort(v.begin(), v.end(), in_order);
    return;
  }
  assert(std::is_sorted(v.begin(), v.end(), [](const Keyed& a, const Keyed& b) { return a.position < b.position; }));
  uint32_t counts[8][256] = {};
  for (const Keyed& k : v) {
    for (int byte = 0; byte < 8; byte++) counts[byte][(k.descending >> (8 * byte)) & 0xff]++;
  }
  scratch.resize(n);
  Keyed* from = v.data();
  Keyed* to = scratch.data();
  for (int byte = 0; byte < 8; byte++) {
    uint32_t* count = counts[byte];
    if (count[(from[0].descending >> (8 * byte)) & 0xff] == n) continue;  // one digit for all: the pass keeps the order
    uint32_t offset = 0;
    for (int digit = 0; digit < 256; digit++) offset += std::exchange(count[digit], offset);
    for (size_t i = 0; i < n; i++) to[count[(from[i].descending >> (8 * byte)) & 0xff]++] = from[i];
    std::swap(from, to);
  }
  if (from != v.data()) std::copy(from, from + n, v.data());
}

}  // namespace

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
  // Without NaN, `b - a < 0` is key(b) < key(a) (js_sub_order_key), so the
  // stable sort is an integer order by (descending key, position), a total
  // order. Each step of the TS loop touches only its own peer's entry, so
  // the loop's effects are, exactly:
  //  - `ignore` is true for the first toIgnoreNegativePeers peers, in that
  //    order, whose score is in (NEGATIVE_GOSSIP_SCORE_IGNORE_THRESHOLD, 0);
  //  - every peer's entry gets its score and flag, in whatever order;
  //  - the entries getOrDefault creates are appended in that order.
  // So only the ignore candidates and the peers without an entry are put in
  // order (in steady state few of either: entries outlive a gossip
  // interval); the others are written in place.
  const size_t n = gossipsub_scores.size();
  bool has_nan = false;
  for (const auto& entry : gossipsub_scores) has_nan |= std::isnan(entry.second);
  if (!has_nan && n <= UINT32_MAX) {
    auto keyed = [&](size_t i) {
      return Keyed{~js_sub_order_key(gossipsub_scores[i].second), static_cast<uint32_t>(i)};
    };

    std::vector<uint8_t> ignore(n, 0);
    if (to_ignore_negative_peers > 0) {
      std::vector<Keyed> candidates;
      for (size_t i = 0; i < n; i++) {
        const double score = gossipsub_scores[i].second;
        if (score < 0 && score > kNegativeGossipScoreIgnoreThreshold) candidates.push_back(keyed(i));
      }
      const size_t take = std::min(candidates.size(), static_cast<size_t>(to_ignore_negative_peers));
      // The `take` first in a total order (no ties: positions differ).
      std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end(),
                       in_order);
      for (size_t k = 0; k < take; k++) ignore[candidates[k].position] = 1;
    }

    std::vector<Keyed> created;
    created.reserve(n);
    for (size_t i = 0; i < n; i++) {
      const auto& [peer_id, score] = gossipsub_scores[i];
      if (!peer_rpc_scores.update_existing_gossipsub_score(peer_id, score, ignore[i] != 0, now_ms)) {
        created.push_back(keyed(i));
      }
    }
    std::vector<Keyed> scratch;
    sort_in_position_order(created, scratch);
    for (const Keyed& k : created) {
      const auto& [peer_id, score] = gossipsub_scores[k.position];
      peer_rpc_scores.update_gossipsub_score(peer_id, score, ignore[k.position] != 0, now_ms);
    }
    return;
  }

  // With a NaN the comparator is no order at all, and its result is the one
  // V8's algorithm gives: the TS loop as written, over js_array_sort (V8's
  // Array.prototype.sort) with the comparator itself. The port sorts
  // pointers to the entries, in key order: the comparator reads the same
  // values as get(a) and get(b).
  using Entry = std::pair<PeerIdStr, double>;
  std::vector<const Entry*> sorted_peers;
  sorted_peers.reserve(n);
  for (const Entry& entry : gossipsub_scores) sorted_peers.push_back(&entry);
  js_array_sort(sorted_peers.begin(), sorted_peers.end(),
                [](const Entry* a, const Entry* b) { return b->second - a->second; });
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
