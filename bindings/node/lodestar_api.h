// The Lodestar-shaped API of the addon: each file registers its
// functions and classes on the module's exports; lodestar.js gives them
// Lodestar 1.44.0's names, argument types and return shapes.
//   prioritize.cc   prioritizePeers            (utils/prioritizePeers.ts)
//   score_store.cc  PeerRpcScoreStore, RealScore, scoreToState,
//                   updateGossipsubScores      (score/*.ts)
//   relevance.cc    assertPeerRelevance        (utils/assertPeerRelevance.ts)
// and, not Lodestar's but registered the same way:
//   shadow_replayer.cc  ShadowReplayer          (shadow mode's comparer, shadow.js)
#ifndef PEER_REPLAY_BINDINGS_NODE_LODESTAR_API_H_
#define PEER_REPLAY_BINDINGS_NODE_LODESTAR_API_H_

#include <napi.h>

namespace peer_replay_node {

void register_prioritize(Napi::Env env, Napi::Object exports);
void register_score_store(Napi::Env env, Napi::Object exports);
void register_relevance(Napi::Env env, Napi::Object exports);
void register_shadow_replayer(Napi::Env env, Napi::Object exports);

// All of the above (addon.cc's init calls this once).
inline void register_lodestar_api(Napi::Env env, Napi::Object exports) {
  register_prioritize(env, exports);
  register_score_store(env, exports);
  register_relevance(env, exports);
  register_shadow_replayer(env, exports);
}

}  // namespace peer_replay_node

#endif  // PEER_REPLAY_BINDINGS_NODE_LODESTAR_API_H_
