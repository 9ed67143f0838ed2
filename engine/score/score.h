// The score of one peer: a line-by-line port of
// packages/beacon-node/src/network/peers/score/score.ts.
//
// Owner: engine pure layers (score). The store (store.h) owns one PeerScore per
// peer id.
//
// Time: the TS reads `Date.now()`; the engine has no clock, so every method
// that reads time takes `UnixMs now_ms` explicitly, and the caller passes the
// time of the event being handled. Every such place in the TS is marked
// "Date.now()" in score.cc.
//
// Arithmetic: lodestar and gossip scores are doubles combined with exactly the
// operations of score.ts, in the same order; decay uses js_exp (V8's fdlibm
// Math.exp), never std::exp. Build with -ffp-contract=off.
#ifndef PEER_REPLAY_ENGINE_SCORE_SCORE_H_
#define PEER_REPLAY_ENGINE_SCORE_SCORE_H_

#include <variant>

#include "peers/goodbye.h"
#include "peers/score_interface.h"
#include "peers/types.h"

namespace peers {

// js_exp(HALFLIFE_DECAY_MS * sinceLastUpdateMs) for the last interval asked.
// Not in TS: PeerRpcScoreStore.update() decays every entry at one timestamp,
// and the entries decayed together last time share the interval, so the
// store hands one of these to every RealScore::update of a pass. js_exp is a
// pure function of the interval: a reused result has the same bits.
class DecayFactorCache {
 public:
  double factor(UnixMs since_last_update_ms);

 private:
  UnixMs since_last_update_ms_ = 0;  // never asked: decay runs only for intervals > 0
  double factor_ = 1;
};

// export class RealScore implements IPeerScore: manages the score of a peer.
class RealScore {
 public:
  // constructor(): every part is DEFAULT_SCORE, lastUpdate = Date.now().
  explicit RealScore(UnixMs now_ms);

  // Date.now() < lastUpdate: true while banned or in a reconnection cool-down.
  bool is_cooling_down(UnixMs now_ms) const;
  double get_score() const { return score_; }
  double get_gossip_score() const { return gossip_score_; }

  // Adds a delta to the lodestar score, clamped to [MIN_SCORE, MAX_SCORE], and
  // returns the new lodestar score. May start a ban (reads Date.now()).
  double add(double score_delta, UnixMs now_ms);

  // Sets lastUpdate = now + cool-down and returns the cool-down in minutes, or
  // NO_COOL_DOWN_APPLIED (-1) for BANNED and SCORE_TOO_LOW, which touch nothing.
  // A code not listed in the TS switch keeps coolDownMin = -1 and still sets
  // lastUpdate = now - 60000 (a faithful copy of the TS).
  int64_t apply_reconnection_cool_down(GoodByeReasonCode reason, UnixMs now_ms);

  // Decays the lodestar score by exp(HALFLIFE_DECAY_MS * (now - lastUpdate)) when
  // now > lastUpdate, and returns the lodestar score (decayed or not).
  double update(UnixMs now_ms);
  // The same, with the decay factor taken from `cache`.
  double update(UnixMs now_ms, DecayFactorCache& cache);

  // Stores the gossipsub score unless lastUpdate is in the future. Does not
  // recompute `score`: the new value counts from the next add() or decay.
  void update_gossipsub_score(double new_score, bool ignore, UnixMs now_ms);

  PeerScoreStat get_stat() const;

 private:
  // Updating lodestarScore always goes through here so that `score` follows.
  void set_lodestar_score(double new_score, UnixMs now_ms);
  // Computes the final score and bans the peer if it just became Banned.
  void update_state(UnixMs now_ms);
  // Computes the final score.
  void recompute_score();

  double lodestar_score_;
  double gossip_score_;
  bool ignore_negative_gossip_score_;
  double score_;  // the final score, computed from the above
  UnixMs last_update_ms_;
};

// export class MaxScore implements IPeerScore: the score used when peer scoring
// is disabled (PeerRpcScoreOpts.disable_peer_scoring). Stateless.
class MaxScore {
 public:
  double get_score() const;
  double get_gossip_score() const;
  bool is_cooling_down() const;
  double add() const;
  double update() const;
  int64_t apply_reconnection_cool_down(GoodByeReasonCode reason) const;
  void update_gossipsub_score() const {}
  // lastUpdate: Date.now().
  PeerScoreStat get_stat(UnixMs now_ms) const;
};

// IPeerScore: the store holds either kind, chosen once by disablePeerScoring.
// A value type (no heap, copyable) so a whole store can be snapshotted.
class PeerScore {
 public:
  static PeerScore real(UnixMs now_ms) { return PeerScore(RealScore(now_ms)); }
  static PeerScore max() { return PeerScore(MaxScore()); }

  double get_score() const;
  double get_gossip_score() const;
  bool is_cooling_down(UnixMs now_ms) const;
  double add(double score_delta, UnixMs now_ms);
  double update(UnixMs now_ms, DecayFactorCache& cache);
  void update_gossipsub_score(double new_score, bool ignore, UnixMs now_ms);
  PeerScoreStat get_stat(UnixMs now_ms) const;
  int64_t apply_reconnection_cool_down(GoodByeReasonCode reason, UnixMs now_ms);

  bool is_real() const { return std::holds_alternative<RealScore>(score_); }

 private:
  explicit PeerScore(RealScore score) : score_(score) {}
  explicit PeerScore(MaxScore score) : score_(score) {}
  std::variant<RealScore, MaxScore> score_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_SCORE_SCORE_H_
