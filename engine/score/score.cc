// Port of score/score.ts. Statements are in the TS order; "Date.now()" marks
// each place where the TS reads the clock and the port reads `now_ms`.
#include "engine/score/score.h"

#include <cassert>
#include <cmath>

#include "engine/js_math.h"
#include "engine/score/utils.h"
#include "peers/score_constants.h"

namespace peers {

RealScore::RealScore(UnixMs now_ms)
    : lodestar_score_(kDefaultScore),
      gossip_score_(kDefaultScore),
      ignore_negative_gossip_score_(false),
      score_(kDefaultScore),
      last_update_ms_(now_ms) {}  // Date.now()

bool RealScore::is_cooling_down(UnixMs now_ms) const {
  return now_ms < last_update_ms_;  // Date.now() < this.lastUpdate
}

double RealScore::add(double score_delta, UnixMs now_ms) {
  double new_score = lodestar_score_ + score_delta;
  if (new_score > kMaxScore) new_score = kMaxScore;
  if (new_score < kMinScore) new_score = kMinScore;

  set_lodestar_score(new_score, now_ms);
  return new_score;
}

int64_t RealScore::apply_reconnection_cool_down(GoodByeReasonCode reason, UnixMs now_ms) {
  int64_t cool_down_min = kNoCoolDownApplied;
  // clang-format off: laid out as in score.ts
  switch (reason) {
    // let scoring system handle score decay by itself
    case GoodByeReasonCode::BANNED:
    case GoodByeReasonCode::SCORE_TOO_LOW: return cool_down_min;
    case GoodByeReasonCode::INBOUND_DISCONNECT:
    case GoodByeReasonCode::TOO_MANY_PEERS: cool_down_min = 5; break;
    case GoodByeReasonCode::ERROR:
    case GoodByeReasonCode::CLIENT_SHUTDOWN: cool_down_min = 60; break;
    case GoodByeReasonCode::IRRELEVANT_NETWORK: cool_down_min = 240; break;
  }
  // clang-format on
  // set banning period to time in ms in the future from now
  last_update_ms_ = now_ms + cool_down_min * 60 * 1000;  // Date.now() + coolDownMin * 60 * 1000
  return cool_down_min;
}

double DecayFactorCache::factor(UnixMs since_last_update_ms) {
  if (since_last_update_ms != since_last_update_ms_) {
    since_last_update_ms_ = since_last_update_ms;
    // e^(-ln(2)/HL*t). The product is formed in doubles, as in JS; the ms
    // difference is an integer well below 2^53, so the conversion is exact.
    factor_ = js_exp(kHalflifeDecayMs * static_cast<double>(since_last_update_ms));
  }
  return factor_;
}

double RealScore::update(UnixMs now_ms) {
  DecayFactorCache cache;
  return update(now_ms, cache);
}

double RealScore::update(UnixMs now_ms, DecayFactorCache& cache) {
  const UnixMs since_last_update_ms = now_ms - last_update_ms_;  // Date.now() - this.lastUpdate
  // If peer was banned, lastUpdate will be in the future
  if (since_last_update_ms > 0) {
    last_update_ms_ = now_ms;
    // const decayFactor = Math.exp(HALFLIFE_DECAY_MS * sinceLastUpdate)
    const double decay_factor = cache.factor(since_last_update_ms);
    set_lodestar_score(lodestar_score_ * decay_factor, now_ms);
  }

  return lodestar_score_;
}

void RealScore::update_gossipsub_score(double new_score, bool ignore, UnixMs now_ms) {
  // we only update gossipsub if last_updated is in the past which means either the peer is
  // not banned or the BANNED_BEFORE_DECAY time is over.
  if (last_update_ms_ <= now_ms) {  // this.lastUpdate <= Date.now()
    gossip_score_ = new_score;
    ignore_negative_gossip_score_ = ignore;
  }
}

PeerScoreStat RealScore::get_stat() const {
  return PeerScoreStat{
      .lodestar_score = lodestar_score_,
      .gossip_score = gossip_score_,
      .ignore_negative_gossip_score = ignore_negative_gossip_score_,
      .score = score_,
      .last_update_ms = last_update_ms_,
  };
}

void RealScore::set_lodestar_score(double new_score, UnixMs now_ms) {
  lodestar_score_ = new_score;
  update_state(now_ms);
}

void RealScore::update_state(UnixMs now_ms) {
  const ScoreState prev_state = score_to_state(score_);
  recompute_score();
  const ScoreState new_state = score_to_state(score_);

  if (prev_state != ScoreState::Banned && new_state == ScoreState::Banned) {
    // ban this peer for at least BANNED_BEFORE_DECAY_MS seconds
    last_update_ms_ = now_ms + kCoolDownBeforeDecayMs;  // Date.now() + COOL_DOWN_BEFORE_DECAY_MS
  }
}

void RealScore::recompute_score() {
  score_ = lodestar_score_;
  if (score_ <= kMinLodestarScoreBeforeBan) {
    // ignore all other scores, i.e. do nothing here
    return;
  }

  if (gossip_score_ >= 0) {
    score_ += gossip_score_ * kGossipsubPositiveScoreWeight;
  } else if (!ignore_negative_gossip_score_) {
    score_ += gossip_score_ * kGossipsubNegativeScoreWeight;
  }
}

double MaxScore::get_score() const { return kMaxScore; }
double MaxScore::get_gossip_score() const { return kDefaultScore; }
bool MaxScore::is_cooling_down() const { return false; }
double MaxScore::add() const { return kDefaultScore; }
double MaxScore::update() const { return kMaxScore; }
int64_t MaxScore::apply_reconnection_cool_down(GoodByeReasonCode /*reason*/) const { return kNoCoolDownApplied; }
PeerScoreStat MaxScore::get_stat(UnixMs now_ms) const {
  return PeerScoreStat{
      .lodestar_score = kMaxScore,
      .gossip_score = kDefaultScore,
      .ignore_negative_gossip_score = false,
      .score = kMaxScore,
      .last_update_ms = now_ms,  // Date.now()
  };
}

// PeerScore: dispatch to the kind chosen at construction (IPeerScore in TS).
double PeerScore::get_score() const {
  return std::visit([](const auto& s) { return s.get_score(); }, score_);
}

double PeerScore::get_gossip_score() const {
  return std::visit([](const auto& s) { return s.get_gossip_score(); }, score_);
}

bool PeerScore::is_cooling_down(UnixMs now_ms) const {
  if (const auto* real = std::get_if<RealScore>(&score_)) return real->is_cooling_down(now_ms);
  return std::get<MaxScore>(score_).is_cooling_down();
}

double PeerScore::add(double score_delta, UnixMs now_ms) {
  if (auto* real = std::get_if<RealScore>(&score_)) return real->add(score_delta, now_ms);
  return std::get<MaxScore>(score_).add();
}

double PeerScore::update(UnixMs now_ms, DecayFactorCache& cache) {
  if (auto* real = std::get_if<RealScore>(&score_)) return real->update(now_ms, cache);
  return std::get<MaxScore>(score_).update();
}

void PeerScore::update_gossipsub_score(double new_score, bool ignore, UnixMs now_ms) {
  if (auto* real = std::get_if<RealScore>(&score_)) {
    real->update_gossipsub_score(new_score, ignore, now_ms);
    return;
  }
  std::get<MaxScore>(score_).update_gossipsub_score();
}

PeerScoreStat PeerScore::get_stat(UnixMs now_ms) const {
  if (const auto* real = std::get_if<RealScore>(&score_)) return real->get_stat();
  return std::get<MaxScore>(score_).get_stat(now_ms);
}

int64_t PeerScore::apply_reconnection_cool_down(GoodByeReasonCode reason, UnixMs now_ms) {
  if (auto* real = std::get_if<RealScore>(&score_)) return real->apply_reconnection_cool_down(reason, now_ms);
  return std::get<MaxScore>(score_).apply_reconnection_cool_down(reason);
}

}  // namespace peers
