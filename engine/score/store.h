// The RPC score store: a line-by-line port of
// packages/beacon-node/src/network/peers/score/store.ts.
//
// Owner: engine pure layers (score); the peer manager owns one store.
//
// Time: the TS reads `Date.now()` (in RealScore, and when MapDef.getOrDefault
// creates a RealScore); the engine has no clock, so every method that may read
// time takes `UnixMs now_ms`. Methods that never read time do not take it.
//
// Order: entries live in an insertion-ordered map (JS Map semantics), which
// decides dumpPeerScoreStats order and which entries MAX_ENTRIES pruning drops
// (the oldest inserted, as pruneSetToMax does). Logging and metrics are not
// ported: they do not change state.
#ifndef PEER_REPLAY_ENGINE_SCORE_STORE_H_
#define PEER_REPLAY_ENGINE_SCORE_STORE_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ordered_map.h"
#include "engine/score/score.h"
#include "peers/goodbye.h"
#include "peers/metrics.h"
#include "peers/score_interface.h"
#include "peers/types.h"

namespace peers {

// peerActionScore: Fatal -(MAX_SCORE - MIN_SCORE) = -200, LowToleranceError -10,
// MidToleranceError -5, HighToleranceError -1.
double peer_action_score(PeerAction action);

// export class PeerRpcScoreStore implements IPeerRpcScoreStore.
// A peer's score (perceived potential usefulness): a global score per peer
// which decays to 0 over time, equally for positive and negative scores.
class PeerRpcScoreStore {
 public:
  // metrics: the registry's peersReportPeerCount, or nullptr (TS `null`); not owned.
  explicit PeerRpcScoreStore(PeerRpcScoreOpts opts = {}, NetworkCoreMetrics* metrics = nullptr);

  // Score of the peer, or DEFAULT_SCORE (0) when it has no entry.
  double get_score(const PeerIdStr& peer) const;
  double get_gossip_score(const PeerIdStr& peer) const;
  // Both, with one lookup: a metrics scrape reads both of every connected peer.
  std::pair<double, double> get_score_and_gossip_score(const PeerIdStr& peer) const;
  ScoreState get_score_state(const PeerIdStr& peer) const;
  bool is_cooling_down(const PeerIdStr& peer, UnixMs now_ms) const;
  // Every entry in insertion order. now_ms is read only by MaxScore entries
  // (disable_peer_scoring), whose lastUpdate is Date.now().
  PeerScoreStats dump_peer_score_stats(UnixMs now_ms) const;

  // Adds the action's delta to the peer's score, creating the entry if needed.
  // action_name is only logged by TS; it is accepted for signature parity.
  void apply_action(const PeerIdStr& peer, PeerAction action, std::string_view action_name, UnixMs now_ms);

  // Applies a reconnection cool-down period to prevent automatic reconnection
  // (creating the entry if needed). Returns the cool-down in minutes, or
  // NO_COOL_DOWN_APPLIED (-1).
  int64_t apply_reconnection_cool_down(const PeerIdStr& peer, GoodByeReasonCode reason, UnixMs now_ms);

  // Bounds the map to MAX_ENTRIES (dropping the oldest inserted), then decays
  // every entry and deletes those whose |lodestar score| < SCORE_THRESHOLD.
  void update(UnixMs now_ms);

  // Stores a gossipsub score (creating the entry if needed).
  void update_gossipsub_score(const PeerIdStr& peer, double new_score, bool ignore, UnixMs now_ms);
  // Not in TS: the same for a peer that has an entry; false (nothing done)
  // for one that has none. For update_gossipsub_scores (utils.cc), which
  // creates the missing entries afterwards, in the TS's order.
  bool update_existing_gossipsub_score(const PeerIdStr& peer, double new_score, bool ignore, UnixMs now_ms);

  // Not in TS; for the driver and tests.
  size_t size() const { return scores_.size(); }
  bool has_entry(const PeerIdStr& peer) const { return scores_.contains(peer); }

  // Not in TS: change tracking for the replayer's score deltas (FORMAT.md
  // §2.3), so that it reads back only what an event can have changed. Off by
  // default (no cost). Entries change only through apply_action,
  // apply_reconnection_cool_down and update_gossipsub_score (their peer is
  // noted) and update() (may change or delete any entry: `all`); nothing
  // else writes, and only update() deletes. MaxScore entries
  // (disable_peer_scoring) read the clock in get_stat: callers must not rely
  // on the notes there.
  struct Changes {
    std::vector<PeerIdStr> touched;  // in call order, possibly repeated
    bool all = false;                // update() ran
  };
  void set_track_changes(bool on) { track_changes_ = on; }
  Changes take_changes() { return std::exchange(changes_, Changes{}); }
  // One entry of dump_peer_score_stats(), or nullopt when the peer has none.
  std::optional<PeerScoreStat> get_stat(const PeerIdStr& peer, UnixMs now_ms) const {
    const PeerScore* peer_score = scores_.find(peer);
    if (peer_score == nullptr) return std::nullopt;
    return peer_score->get_stat(now_ms);
  }
  // The entry's place in dump order (larger = later), or nullopt.
  std::optional<size_t> dump_position(const PeerIdStr& peer) const { return scores_.position(peer); }

 private:
  // MapDef.getOrDefault: a new RealScore (or MaxScore) created at now_ms.
  PeerScore& get_or_default(const PeerIdStr& peer, UnixMs now_ms);

  PeerRpcScoreOpts opts_;
  NetworkCoreMetrics* metrics_;
  OrderedMap<PeerIdStr, PeerScore> scores_;
  bool track_changes_ = false;
  Changes changes_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_SCORE_STORE_H_
