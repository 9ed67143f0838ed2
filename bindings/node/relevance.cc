// assertPeerRelevance (utils/assertPeerRelevance.ts) through the addon.
//
//   native.assertPeerRelevance(forkName, remote, local, currentSlot)
//     -> null, or [code, slotDiff] (slotDiff only meaningful for DIFFERENT_CLOCKS)
//
// lodestar.js builds the TS object ({code, ours, theirs} ...) from the
// caller's own Uint8Arrays, as TS returns them.
#include <napi.h>

#include <string>

#include "js_convert.h"
#include "lodestar_api.h"
#include "engine/utils/assert_peer_relevance.h"

namespace peer_replay_node {

namespace {

Napi::Value assert_peer_relevance(const Napi::CallbackInfo& info) {
  const std::string fn = "assertPeerRelevance: ";
  const peers::ForkSeq fork = get_fork_name(info[0], fn + "forkName");
  const peers::ChainStatus remote = get_status_for_relevance(info[1], fn + "remote");
  const peers::ChainStatus local = get_status_for_relevance(info[2], fn + "local");
  const peers::Slot current_slot = get_safe_integer(info[3], fn + "currentSlot");
  const auto irrelevant = peers::assert_peer_relevance(fork, remote, local, current_slot);
  if (!irrelevant.has_value()) return info.Env().Null();
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, std::string(peers::irrelevant_peer_code_value(irrelevant->code)));
  out.Set(1u, static_cast<double>(irrelevant->slot_diff));
  return out;
}

}  // namespace

void register_relevance(Napi::Env env, Napi::Object exports) {
  exports.Set("assertPeerRelevance", Napi::Function::New(env, assert_peer_relevance, "assertPeerRelevance"));
}

}  // namespace peer_replay_node
