// Score types: a port of packages/beacon-node/src/network/peers/score/interface.ts:
// ScoreState, PeerScoreStat(s), PeerAction and
// PeerRpcScoreOpts. IPeerRpcScoreStore and IPeerScore are interfaces in TS; the
// port has one concrete store (store.h) and one closed set of scores (score.h),
// so no abstract classes are declared here.
//
// Owner: engine pure layers (score). Enumerators keep the TS member names.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_INTERFACE_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_INTERFACE_H_

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "peers/enum_names.h"
#include "peers/types.h"

namespace peers {

struct PeerRpcScoreOpts {
  bool disable_peer_scoring = false;  // disablePeerScoring?: boolean
};

// export enum ScoreState (string enum in TS: "Healthy", "Disconnected", "Banned").
enum class ScoreState {
  // We are content with the peer's performance. We permit connections and messages.
  Healthy,
  // The peer should be disconnected. We allow re-connections if the peer is persistent.
  Disconnected,
  // The peer is banned. We disallow new connections until its score has decayed.
  Banned,
};
inline constexpr std::array<const char*, 3> kScoreStateNames = {"Healthy", "Disconnected", "Banned"};
inline std::string_view score_state_name(ScoreState state) { return enum_name(kScoreStateNames, state); }

// export type PeerScoreStat. lastUpdate is a JS number holding a Date.now()
// value (possibly in the future while banned or cooling down): int64 ms here.
struct PeerScoreStat {
  double lodestar_score = 0;
  double gossip_score = 0;
  bool ignore_negative_gossip_score = false;
  double score = 0;
  UnixMs last_update_ms = 0;
  bool operator==(const PeerScoreStat&) const = default;
};

// One element of PeerScoreStats = ({peerId: PeerIdStr} & PeerScoreStat)[].
struct PeerScoreStatEntry {
  PeerIdStr peer_id;
  PeerScoreStat stat;
  bool operator==(const PeerScoreStatEntry&) const = default;
};
using PeerScoreStats = std::vector<PeerScoreStatEntry>;

// export enum PeerAction (string enum in TS; value == member name).
enum class PeerAction {
  // Immediately ban peer.
  Fatal,
  // Not malicious action, but it must not be tolerated. ~5 occurrences get the peer banned.
  LowToleranceError,
  // Negative action that can be tolerated only sometimes. ~10 occurrences get the peer banned.
  MidToleranceError,
  // Some error that can be tolerated multiple times. ~50 occurrences get the peer banned.
  HighToleranceError,
};
inline constexpr int kPeerActionCount = 4;

// The TS names, which are also the TS enum values, by enumerator.
inline constexpr std::array<const char*, kPeerActionCount> kPeerActionNames = {"Fatal", "LowToleranceError",
                                                                              "MidToleranceError", "HighToleranceError"};
inline std::string_view peer_action_name(PeerAction action) { return enum_name(kPeerActionNames, action); }

// Parses a PeerAction as traces and callers spell it. Accepted: the TS member
// name, which in TS is also the enum's value ("MidToleranceError"), the
// qualified form ("PeerAction.MidToleranceError"), and the C++ enumerator's
// integer value as a decimal string ("2"). Anything else: nullopt.
std::optional<PeerAction> parse_peer_action(std::string_view text);

// scoreToState (score/utils.ts, defined in engine/score/utils.cc): <=
// MIN_SCORE_BEFORE_BAN is Banned, <= MIN_SCORE_BEFORE_DISCONNECT is
// Disconnected, anything else (NaN included, as in TS) is Healthy. Public:
// reports classify scores by it.
ScoreState score_to_state(double score);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_SCORE_INTERFACE_H_
