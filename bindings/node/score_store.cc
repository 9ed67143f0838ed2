// PeerRpcScoreStore and RealScore (score/store.ts, score/score.ts) and
// scoreToState, updateGossipsubScores (score/utils.ts) through the addon.
//
// Time is injected: every method that reads Date.now() in TS takes `nowMs`
// as its last argument (lodestar.js passes the caller's clock). Peers are
// PeerIdStr strings here; lodestar.js calls toString() on PeerId objects
// where TS does. The native classes own their engine objects; Node's GC
// frees them.
#include <napi.h>

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "js_convert.h"
#include "lodestar_api.h"
#include "engine/score/score.h"
#include "engine/score/store.h"
#include "engine/score/utils.h"

namespace peer_replay_node {

namespace {

peers::PeerAction get_peer_action(const Napi::Value& value, const std::string& what) {
  // TS's enum values are the member names; the engine's parser also takes
  // "PeerAction.X" and digits, which TS would not: only the names here.
  if (value.IsString()) {
    const std::string name = value.As<Napi::String>().Utf8Value();
    for (int k = 0; k < peers::kPeerActionCount; k++) {
      if (name == peers::kPeerActionNames[k]) return static_cast<peers::PeerAction>(k);
    }
  }
  throw_type_error(value, what, "a PeerAction (\"Fatal\", \"LowToleranceError\", \"MidToleranceError\", \"HighToleranceError\")");
}

peers::GoodByeReasonCode get_goodbye(const Napi::Value& value, const std::string& what) {
  return static_cast<peers::GoodByeReasonCode>(get_safe_integer(value, what));
}

Napi::Object stat_to_js(Napi::Env env, const peers::PeerScoreStat& stat) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("lodestarScore", stat.lodestar_score);
  out.Set("gossipScore", stat.gossip_score);
  out.Set("ignoreNegativeGossipScore", stat.ignore_negative_gossip_score);
  out.Set("score", stat.score);
  out.Set("lastUpdate", static_cast<double>(stat.last_update_ms));
  return out;
}

class NativeScoreStore : public Napi::ObjectWrap<NativeScoreStore> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeScoreStore",
                       {InstanceMethod<&NativeScoreStore::get_score>("getScore"),
                        InstanceMethod<&NativeScoreStore::get_gossip_score>("getGossipScore"),
                        InstanceMethod<&NativeScoreStore::get_score_state>("getScoreState"),
                        InstanceMethod<&NativeScoreStore::is_cooling_down>("isCoolingDown"),
                        InstanceMethod<&NativeScoreStore::dump>("dumpPeerScoreStats"),
                        InstanceMethod<&NativeScoreStore::apply_action>("applyAction"),
                        InstanceMethod<&NativeScoreStore::apply_cool_down>("applyReconnectionCoolDown"),
                        InstanceMethod<&NativeScoreStore::update>("update"),
                        InstanceMethod<&NativeScoreStore::update_gossipsub_score>("updateGossipsubScore"),
                        InstanceMethod<&NativeScoreStore::update_gossipsub_scores>("updateGossipsubScores"),
                        InstanceMethod<&NativeScoreStore::size>("size")});
  }

  // new NativeScoreStore(disablePeerScoring: boolean)
  explicit NativeScoreStore(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeScoreStore>(info) {
    store_ = peers::PeerRpcScoreStore(
        peers::PeerRpcScoreOpts{.disable_peer_scoring = get_boolean(info[0], "PeerRpcScoreStore: opts.disablePeerScoring")});
  }

 private:
  static std::string at(const char* method, const char* arg) {
    return std::string("PeerRpcScoreStore.") + method + ": " + arg;
  }

  Napi::Value get_score(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), store_.get_score(get_string(info[0], at("getScore", "peer"))));
  }
  Napi::Value get_gossip_score(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), store_.get_gossip_score(get_string(info[0], at("getGossipScore", "peer"))));
  }
  Napi::Value get_score_state(const Napi::CallbackInfo& info) {
    const peers::ScoreState state = store_.get_score_state(get_string(info[0], at("getScoreState", "peer")));
    return Napi::String::New(info.Env(), std::string(peers::score_state_name(state)));
  }
  Napi::Value is_cooling_down(const Napi::CallbackInfo& info) {
    const std::string peer = get_string(info[0], at("isCoolingDown", "peerIdStr"));
    const int64_t now_ms = get_safe_integer(info[1], at("isCoolingDown", "now (the clock's Date.now())"));
    return Napi::Boolean::New(info.Env(), store_.is_cooling_down(peer, now_ms));
  }
  Napi::Value dump(const Napi::CallbackInfo& info) {
    const int64_t now_ms = get_safe_integer(info[0], at("dumpPeerScoreStats", "now (the clock's Date.now())"));
    const peers::PeerScoreStats stats = store_.dump_peer_score_stats(now_ms);
    Napi::Array out = Napi::Array::New(info.Env(), stats.size());
    for (uint32_t k = 0; k < stats.size(); k++) {
      Napi::Object entry = Napi::Object::New(info.Env());
      entry.Set("peerId", stats[k].peer_id.str());
      const Napi::Object stat = stat_to_js(info.Env(), stats[k].stat);
      for (const char* name : {"lodestarScore", "gossipScore", "ignoreNegativeGossipScore", "score", "lastUpdate"}) {
        entry.Set(name, stat.Get(name));
      }
      out.Set(k, entry);
    }
    return out;
  }
  Napi::Value apply_action(const Napi::CallbackInfo& info) {
    const std::string peer = get_string(info[0], at("applyAction", "peer"));
    const peers::PeerAction action = get_peer_action(info[1], at("applyAction", "action"));
    const std::string name = get_string(info[2], at("applyAction", "actionName"));
    const int64_t now_ms = get_safe_integer(info[3], at("applyAction", "now (the clock's Date.now())"));
    store_.apply_action(peer, action, name, now_ms);
    return info.Env().Undefined();
  }
  Napi::Value apply_cool_down(const Napi::CallbackInfo& info) {
    const std::string peer = get_string(info[0], at("applyReconnectionCoolDown", "peer"));
    const peers::GoodByeReasonCode reason = get_goodbye(info[1], at("applyReconnectionCoolDown", "reason"));
    const int64_t now_ms = get_safe_integer(info[2], at("applyReconnectionCoolDown", "now (the clock's Date.now())"));
    return Napi::Number::New(info.Env(), static_cast<double>(store_.apply_reconnection_cool_down(peer, reason, now_ms)));
  }
  Napi::Value update(const Napi::CallbackInfo& info) {
    store_.update(get_safe_integer(info[0], at("update", "now (the clock's Date.now())")));
    return info.Env().Undefined();
  }
  Napi::Value update_gossipsub_score(const Napi::CallbackInfo& info) {
    const std::string peer = get_string(info[0], at("updateGossipsubScore", "peerId"));
    const double score = get_number(info[1], at("updateGossipsubScore", "newScore"));
    const bool ignore = get_boolean(info[2], at("updateGossipsubScore", "ignore"));
    const int64_t now_ms = get_safe_integer(info[3], at("updateGossipsubScore", "now (the clock's Date.now())"));
    store_.update_gossipsub_score(peer, score, ignore, now_ms);
    return info.Env().Undefined();
  }
  // updateGossipsubScores(peerRpcScores, gossipsubScores, toIgnoreNegativePeers):
  // (entries: [peerIdStr, score][] in the Map's order, toIgnore, now)
  Napi::Value update_gossipsub_scores(const Napi::CallbackInfo& info) {
    const std::string fn = "updateGossipsubScores: ";
    if (!info[0].IsArray()) throw_type_error(info[0], fn + "gossipsubScores", "a Map<PeerIdStr, number>");
    const Napi::Array entries = info[0].As<Napi::Array>();
    std::vector<std::pair<peers::PeerIdStr, double>> scores;
    std::unordered_set<std::string> keys;
    scores.reserve(entries.Length());
    for (uint32_t k = 0; k < entries.Length(); k++) {
      const Napi::Value entry = entries.Get(k);
      const std::string what = fn + "gossipsubScores entry " + std::to_string(k);
      if (!entry.IsArray()) throw_type_error(entry, what, "[PeerIdStr, number]");
      std::string key = get_string(entry.As<Napi::Array>().Get(0u), what + " key");
      if (!keys.insert(key).second) throw_type_error(entry, what, "a key not seen before (a Map's keys are distinct)");
      scores.emplace_back(std::move(key), get_number(entry.As<Napi::Array>().Get(1u), what + " value"));
    }
    const int64_t to_ignore = get_safe_integer(info[1], fn + "toIgnoreNegativePeers");
    const int64_t now_ms = get_safe_integer(info[2], fn + "now (the clock's Date.now())");
    peers::update_gossipsub_scores(store_, scores, to_ignore, now_ms);
    return info.Env().Undefined();
  }
  Napi::Value size(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(store_.size()));
  }

  peers::PeerRpcScoreStore store_;
};

class NativeRealScore : public Napi::ObjectWrap<NativeRealScore> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeRealScore",
                       {InstanceMethod<&NativeRealScore::is_cooling_down>("isCoolingDown"),
                        InstanceMethod<&NativeRealScore::get_score>("getScore"),
                        InstanceMethod<&NativeRealScore::get_gossip_score>("getGossipScore"),
                        InstanceMethod<&NativeRealScore::add>("add"),
                        InstanceMethod<&NativeRealScore::apply_cool_down>("applyReconnectionCoolDown"),
                        InstanceMethod<&NativeRealScore::update>("update"),
                        InstanceMethod<&NativeRealScore::update_gossipsub_score>("updateGossipsubScore"),
                        InstanceMethod<&NativeRealScore::get_stat>("getStat")});
  }

  // new NativeRealScore(nowMs)
  explicit NativeRealScore(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<NativeRealScore>(info),
        score_(get_safe_integer(info[0], "RealScore: now (the clock's Date.now())")) {}

 private:
  static std::string at(const char* method, const char* arg) { return std::string("RealScore.") + method + ": " + arg; }
  static int64_t now(const Napi::CallbackInfo& info, size_t k, const char* method) {
    return get_safe_integer(info[k], at(method, "now (the clock's Date.now())"));
  }

  Napi::Value is_cooling_down(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), score_.is_cooling_down(now(info, 0, "isCoolingDown")));
  }
  Napi::Value get_score(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), score_.get_score()); }
  Napi::Value get_gossip_score(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), score_.get_gossip_score());
  }
  Napi::Value add(const Napi::CallbackInfo& info) {
    const double delta = get_number(info[0], at("add", "scoreDelta"));
    return Napi::Number::New(info.Env(), score_.add(delta, now(info, 1, "add")));
  }
  Napi::Value apply_cool_down(const Napi::CallbackInfo& info) {
    const peers::GoodByeReasonCode reason = get_goodbye(info[0], at("applyReconnectionCoolDown", "reason"));
    return Napi::Number::New(info.Env(), static_cast<double>(score_.apply_reconnection_cool_down(
                                             reason, now(info, 1, "applyReconnectionCoolDown"))));
  }
  Napi::Value update(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), score_.update(now(info, 0, "update")));
  }
  Napi::Value update_gossipsub_score(const Napi::CallbackInfo& info) {
    const double score = get_number(info[0], at("updateGossipsubScore", "newScore"));
    const bool ignore = get_boolean(info[1], at("updateGossipsubScore", "ignore"));
    score_.update_gossipsub_score(score, ignore, now(info, 2, "updateGossipsubScore"));
    return info.Env().Undefined();
  }
  Napi::Value get_stat(const Napi::CallbackInfo& info) { return stat_to_js(info.Env(), score_.get_stat()); }

  peers::RealScore score_;
};

Napi::Value score_to_state(const Napi::CallbackInfo& info) {
  const double score = get_number(info[0], "scoreToState: score");
  return Napi::String::New(info.Env(), std::string(peers::score_state_name(peers::score_to_state(score))));
}

}  // namespace

void register_score_store(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeScoreStore", NativeScoreStore::define(env));
  exports.Set("NativeRealScore", NativeRealScore::define(env));
  exports.Set("scoreToState", Napi::Function::New(env, score_to_state, "scoreToState"));
}

}  // namespace peer_replay_node
