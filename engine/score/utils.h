// Score helpers: a port of packages/beacon-node/src/network/peers/score/utils.ts.
//
// Owner: engine pure layers (score). Time: updateGossipsubScores ends in
// RealScore.updateGossipsubScore, which reads Date.now(); here it takes now_ms.
#ifndef PEER_REPLAY_ENGINE_SCORE_UTILS_H_
#define PEER_REPLAY_ENGINE_SCORE_UTILS_H_

#include <cstdint>
#include <span>
#include <utility>

#include "engine/ordered_map.h"
#include "peers/score_interface.h"
#include "peers/types.h"

namespace peers {

class PeerRpcScoreStore;

// scoreToState is declared with ScoreState in peers/score_interface.h.

// updateGossipsubScores(peerRpcScores, gossipsubScores, toIgnoreNegativePeers):
// sorts the peer ids by gossipsub score, descending, with a stable sort on the
// map's insertion order and the TS comparator `(b ?? 0) - (a ?? 0)`; then, in
// that order, ignores the negative score (-1000 < s < 0) of the first
// `to_ignore_negative_peers` such peers, and stores every score in the store.
// `gossipsub_scores` is the TS Map<peerIdStr, number>, in its insertion order.
void update_gossipsub_scores(PeerRpcScoreStore& peer_rpc_scores, const OrderedMap<PeerIdStr, double>& gossipsub_scores,
                             int64_t to_ignore_negative_peers, UnixMs now_ms);
// The same, with the Map given as its entries in insertion order (the keys
// must be distinct): the function only iterates the Map, so this is the Map
// without building one.
void update_gossipsub_scores(PeerRpcScoreStore& peer_rpc_scores,
                             std::span<const std::pair<PeerIdStr, double>> gossipsub_scores,
                             int64_t to_ignore_negative_peers, UnixMs now_ms);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_SCORE_UTILS_H_
