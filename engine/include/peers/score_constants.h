// Constants of the RPC peer score: a line-by-line port of
// packages/beacon-node/src/network/peers/score/constants.ts,
// plus the two gossipsub thresholds it imports from gossip/scoringParameters.ts.
//
// Owner: engine pure layers (score). Names: TS `UPPER_CASE` becomes `kPascalCase`;
// the TS name is in each comment so a reviewer can grep both sides.
// Scores are doubles, as in TS; durations are int64 milliseconds (`_ms` suffix).
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_CONSTANTS_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_CONSTANTS_H_

#include <bit>
#include <cstdint>

namespace peers {

// gossip/scoringParameters.ts: gossipScoreThresholds.graylistThreshold
inline constexpr double kGossipGraylistThreshold = -16000;
// gossip/scoringParameters.ts: negativeGossipScoreIgnoreThreshold
inline constexpr double kNegativeGossipScoreIgnoreThreshold = -1000;

// DEFAULT_SCORE: the default score for new peers.
inline constexpr double kDefaultScore = 0;
// MIN_SCORE_BEFORE_DISCONNECT: the minimum reputation before a peer is disconnected.
inline constexpr double kMinScoreBeforeDisconnect = -20;
// MIN_SCORE_BEFORE_BAN: the minimum reputation before a peer is banned.
inline constexpr double kMinScoreBeforeBan = -50;
// MIN_LODESTAR_SCORE_BEFORE_BAN: below this lodestar score every other part of
// the score is ignored and the peer is banned regardless.
inline constexpr double kMinLodestarScoreBeforeBan = -60.0;
// MAX_SCORE: the maximum score a peer can obtain.
inline constexpr double kMaxScore = 100;
// MIN_SCORE: the minimum score a peer can obtain.
inline constexpr double kMinScore = -100;
// SCORE_THRESHOLD: drop the score entry if its absolute value is below this.
inline constexpr double kScoreThreshold = 1;
// SCORE_HALFLIFE_MS: time for the score to decay to half its value.
inline constexpr int64_t kScoreHalflifeMs = 10 * 60 * 1000;
// HALFLIFE_DECAY_MS = -Math.log(2) / SCORE_HALFLIFE_MS. Spelled by its bits
// because std::log is not constexpr; js_math_test.cc checks these bits against
// the value Node computes and against -std::log(2.0) / 600000.0.
inline constexpr double kHalflifeDecayMs = std::bit_cast<double>(uint64_t{0xbeb361bda42cdf18});
// COOL_DOWN_BEFORE_DECAY_MS: how long a peer stays banned before its score decays.
inline constexpr int64_t kCoolDownBeforeDecayMs = 30 * 60 * 1000;
// MAX_ENTRIES: limit of entries in the scores map.
inline constexpr int64_t kMaxEntries = 1000;
// NO_COOL_DOWN_APPLIED: returned when no cool-down is applied.
inline constexpr int64_t kNoCoolDownApplied = -1;

// GOSSIPSUB_NEGATIVE_SCORE_WEIGHT = (MIN_SCORE_BEFORE_DISCONNECT + 1) / graylistThreshold:
// negative gossipsub scores can never cause a disconnect by themselves.
inline constexpr double kGossipsubNegativeScoreWeight = (kMinScoreBeforeDisconnect + 1) / kGossipGraylistThreshold;
// GOSSIPSUB_POSITIVE_SCORE_WEIGHT = GOSSIPSUB_NEGATIVE_SCORE_WEIGHT
inline constexpr double kGossipsubPositiveScoreWeight = kGossipsubNegativeScoreWeight;

static_assert(kGossipsubNegativeScoreWeight == 0.0011875);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_CONSTANTS_H_
