// prioritizePeers (utils/prioritizePeers.ts) through the addon: the
// arguments read and checked here, the engine's prioritize_peers decides.
//
//   native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets,
//                          samplingGroups, opts, config)
//   native.prioritizePeersPacked(packed, ...the same..., drawRandom): the
//                          fast path (lodestar.js packs the peers; below)
//     -> [peersToConnect, [[reason, Uint32Array of input indices]...],
//         attnetQueries Float64Array (subnet, toSlot, maxPeersToDiscover)*,
//         syncnetQueries (the same), custodyGroupQueries Float64Array (group, count)*]
//
// lodestar.js turns that into the TS return shape, with the caller's own
// PeerId objects (TS returns the `id`s it was given). A peer's id is not read
// here: TS compares PeerIds by identity, so a peer is its index in the input.
//
// Randomness: the TS shuffle draws Math.random() n-1 times when there are more
// peers than targetPeers; this calls the global Math.random exactly that many
// times, after every argument is checked (a TypeError draws nothing).
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

#include "js_convert.h"
#include "lodestar_api.h"
#include "engine/shuffle.h"
#include "engine/utils/prioritize_peers.h"

namespace peer_replay_node {

namespace {

constexpr const char* kFn = "prioritizePeers: ";
constexpr int64_t kMaxCustodyGroups = 1 << 16;  // NUMBER_OF_CUSTODY_GROUPS is 128 on every network
constexpr size_t kMaxPeerCount = 1u << 20;

Napi::Array get_array(const Napi::Value& value, const std::string& what) {
  if (!value.IsArray()) throw_type_error(value, what, "an array");
  return value.As<Napi::Array>();
}

std::vector<peers::CustodyIndex> get_groups(const Napi::Value& value, const std::string& what) {
  const Napi::Array array = get_array(value, what);
  std::vector<peers::CustodyIndex> groups(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    const std::string at = what + "[" + std::to_string(i) + "]";
    const int64_t group = get_safe_integer(array.Get(i), at);
    if (group < 0 || group > UINT32_MAX) throw_type_error(array.Get(i), at, "a CustodyIndex (an integer >= 0)");
    groups[i] = static_cast<peers::CustodyIndex>(group);
  }
  return groups;
}

std::vector<peers::RequestedSubnet> get_requested_subnets(const Napi::Value& value, const std::string& what) {
  const Napi::Array array = get_array(value, what);
  std::vector<peers::RequestedSubnet> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    const std::string at = what + "[" + std::to_string(i) + "]";
    const Napi::Value item = array.Get(i);
    if (!item.IsObject()) throw_type_error(item, at, "a RequestedSubnet {subnet, toSlot}");
    out[i].subnet = get_safe_integer(item.As<Napi::Object>().Get("subnet"), at + ".subnet");
    out[i].to_slot = get_safe_integer(item.As<Napi::Object>().Get("toSlot"), at + ".toSlot");
  }
  return out;
}

// The peers' infos; `statuses` and `groups` own what the infos point at.
struct PeerInputs {
  std::vector<peers::ConnectedPeerInfo> infos;
  std::vector<peers::ChainStatus> statuses;
  std::vector<std::vector<peers::CustodyIndex>> groups;
};

void get_peer(const Napi::Value& item, const std::string& at, size_t i, PeerInputs& in) {
  if (!item.IsObject()) throw_type_error(item, at, "an object {id, direction, status, attnets, syncnets, samplingGroups, score}");
  const Napi::Object peer = item.As<Napi::Object>();
  peers::ConnectedPeerInfo& info = in.infos[i];
  info.id = peers::PeerIdStr(std::to_string(i));
  const Napi::Value direction = peer.Get("direction");
  if (!direction.IsNull()) {
    const std::string d = direction.IsString() ? direction.As<Napi::String>().Utf8Value() : "";
    if (d != "inbound" && d != "outbound") throw_type_error(direction, at + ".direction", "\"inbound\", \"outbound\" or null");
    info.direction = d == "inbound" ? peers::Direction::kInbound : peers::Direction::kOutbound;
  }
  const Napi::Value status = peer.Get("status");
  if (!status.IsNull()) {
    in.statuses[i] = get_status_for_priority(status, at + ".status");
    info.status = &in.statuses[i];
  }
  const Napi::Value attnets = peer.Get("attnets");
  if (!attnets.IsNull()) info.attnets = get_bit_array<64>(attnets, at + ".attnets");
  const Napi::Value syncnets = peer.Get("syncnets");
  if (!syncnets.IsNull()) info.syncnets = get_bit_array<4>(syncnets, at + ".syncnets");
  const Napi::Value groups = peer.Get("samplingGroups");
  if (!groups.IsNull()) {
    in.groups[i] = get_groups(groups, at + ".samplingGroups");
    info.sampling_groups = &in.groups[i];
  }
  info.score = get_number(peer.Get("score"), at + ".score");
}

peers::PrioritizePeersOpts get_opts(const Napi::Value& value, const std::string& what) {
  if (!value.IsObject()) throw_type_error(value, what, "a PrioritizePeersOpts object");
  const Napi::Object o = value.As<Napi::Object>();
  peers::PrioritizePeersOpts opts;
  opts.target_peers = get_safe_integer(o.Get("targetPeers"), what + ".targetPeers");
  opts.max_peers = get_safe_integer(o.Get("maxPeers"), what + ".maxPeers");
  opts.target_group_peers = get_safe_integer(o.Get("targetGroupPeers"), what + ".targetGroupPeers");
  opts.status = get_status_for_priority(o.Get("status"), what + ".status");
  opts.starved = get_boolean(o.Get("starved"), what + ".starved");
  opts.starvation_prune_ratio = get_number(o.Get("starvationPruneRatio"), what + ".starvationPruneRatio");
  opts.starvation_threshold_slots = get_safe_integer(o.Get("starvationThresholdSlots"), what + ".starvationThresholdSlots");
  const Napi::Value ratio = o.Get("outboundPeersRatio");
  if (!ratio.IsUndefined()) opts.outbound_peers_ratio = get_number(ratio, what + ".outboundPeersRatio");
  const Napi::Value subnet_peers = o.Get("targetSubnetPeers");
  if (!subnet_peers.IsUndefined()) opts.target_subnet_peers = get_safe_integer(subnet_peers, what + ".targetSubnetPeers");
  return opts;
}

// n-1 values of the global Math.random(), as TS's shuffle draws them.
std::vector<double> draw_math_random(Napi::Env env, size_t count) {
  std::vector<double> draws(count);
  if (count == 0) return draws;
  const Napi::Function random = env.Global().Get("Math").As<Napi::Object>().Get("random").As<Napi::Function>();
  for (size_t k = 0; k < count; k++) draws[k] = get_number(random.Call({}), std::string(kFn) + "Math.random()");
  return draws;
}

Napi::Float64Array queries_to_js(Napi::Env env, const std::vector<peers::SubnetDiscvQuery>& queries) {
  Napi::Float64Array out = Napi::Float64Array::New(env, queries.size() * 3);
  for (size_t k = 0; k < queries.size(); k++) {
    out[3 * k] = static_cast<double>(queries[k].subnet);
    out[3 * k + 1] = static_cast<double>(queries[k].to_slot);
    out[3 * k + 2] = static_cast<double>(queries[k].max_peers_to_discover);
  }
  return out;
}

Napi::Value result_to_js(Napi::Env env, const peers::PrioritizePeersResult& result) {
  Napi::Array disconnect = Napi::Array::New(env);
  uint32_t r = 0;
  for (const auto& [reason, ids] : result.peers_to_disconnect) {
    Napi::Uint32Array indices = Napi::Uint32Array::New(env, ids.size());
    for (size_t k = 0; k < ids.size(); k++) indices[k] = static_cast<uint32_t>(std::stoul(ids[k].str()));
    Napi::Array entry = Napi::Array::New(env, 2);
    entry.Set(0u, peers::kExcessPeerDisconnectReasonNames[static_cast<size_t>(reason)]);
    entry.Set(1u, indices);
    disconnect.Set(r++, entry);
  }
  Napi::Float64Array groups = Napi::Float64Array::New(env, result.custody_group_queries.size() * 2);
  for (size_t k = 0; k < result.custody_group_queries.size(); k++) {
    groups[2 * k] = result.custody_group_queries[k].first;
    groups[2 * k + 1] = static_cast<double>(result.custody_group_queries[k].second);
  }
  Napi::Array out = Napi::Array::New(env, 5);
  out.Set(0u, static_cast<double>(result.peers_to_connect));
  out.Set(1u, disconnect);
  out.Set(2u, queries_to_js(env, result.attnet_queries));
  out.Set(3u, queries_to_js(env, result.syncnet_queries));
  out.Set(4u, groups);
  return out;
}

// A peer is its index in the input; the ids are made once and kept, per
// thread (the addon is loaded by worker threads too: shadow-thread.js).
const peers::PeerIdStr& index_id(size_t i) {
  thread_local std::vector<peers::PeerIdStr> ids;
  while (ids.size() <= i) ids.emplace_back(std::to_string(ids.size()));
  return ids[i];
}

// Arguments 1..5 (after the peers), checked, then the call. `draw` gives
// `count` Math.random() values: called only once every argument is checked.
Napi::Value prioritize_rest(const Napi::CallbackInfo& info, size_t first, PeerInputs& in,
                            const std::function<std::vector<double>(size_t)>& draw) {
  const std::string fn = kFn;
  const size_t n = in.infos.size();
  const auto active_attnets = get_requested_subnets(info[first], fn + "activeAttnets");
  const auto active_syncnets = get_requested_subnets(info[first + 1], fn + "activeSyncnets");
  std::optional<std::vector<peers::CustodyIndex>> sampling_groups;
  if (!info[first + 2].IsUndefined()) sampling_groups = get_groups(info[first + 2], fn + "samplingGroups");
  const peers::PrioritizePeersOpts opts = get_opts(info[first + 3], fn + "opts");
  peers::ChainConfig config;
  const Napi::Value config_value = info[first + 4];
  if (!config_value.IsObject()) throw_type_error(config_value, fn + "config", "a ChainConfig object");
  const Napi::Value groups_value = config_value.As<Napi::Object>().Get("NUMBER_OF_CUSTODY_GROUPS");
  config.number_of_custody_groups = get_safe_integer(groups_value, fn + "config.NUMBER_OF_CUSTODY_GROUPS");
  if (config.number_of_custody_groups < 0 || config.number_of_custody_groups > kMaxCustodyGroups) {
    throw_type_error(groups_value, fn + "config.NUMBER_OF_CUSTODY_GROUPS", "an integer in [0, 65536]");
  }
  // pruneExcessPeers runs, and shuffles, only above targetPeers.
  const bool prunes = static_cast<int64_t>(n) > opts.target_peers;
  const std::vector<double> draws = draw(prunes && n > 1 ? n - 1 : 0);
  peers::RandomDraws random(draws);
  const auto result = peers::prioritize_peers(in.infos, active_attnets, active_syncnets, sampling_groups, opts, config, random);
  if (!result.has_value()) throw Napi::RangeError::New(info.Env(), fn + "Math.random() returned a value outside [0, 1)");
  // The draws were taken before the call: the engine must have used them all, as TS would have drawn them.
  if (random.used() != draws.size()) throw Napi::Error::New(info.Env(), fn + "internal: the engine used a different number of draws");
  return result_to_js(info.Env(), *result);
}

// native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config):
// reads every peer member by member; slow, and its TypeErrors name the member.
Napi::Value prioritize_peers(const Napi::CallbackInfo& info) {
  const std::string fn = kFn;
  const Napi::Array peers_array = get_array(info[0], fn + "connectedPeersInfo");
  const size_t n = peers_array.Length();
  if (n > kMaxPeerCount) throw Napi::RangeError::New(info.Env(), fn + "connectedPeersInfo: more than 2^20 peers");
  PeerInputs in;
  in.infos.resize(n);
  in.statuses.resize(n);
  in.groups.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    get_peer(peers_array.Get(i), fn + "connectedPeersInfo[" + std::to_string(i) + "]", i, in);
  }
  return prioritize_rest(info, 1, in, [&](size_t count) { return draw_math_random(info.Env(), count); });
}

// native.prioritizePeersPacked(packed, activeAttnets, activeSyncnets, samplingGroups, opts, config, drawRandom):
// the peers as lodestar.js packs them into typed arrays after checking their
// types (one crossing instead of ~30 per peer):
//   packed = {n, direction: Int8Array (-1 null, 0 inbound, 1 outbound),
//             has: Uint8Array (1 status, 2 attnets, 4 syncnets, 8 samplingGroups),
//             finalizedEpoch, headSlot, score: Float64Array,
//             attnets: Uint8Array (8 a peer), syncnets: Uint8Array (1 a peer),
//             groupStart: Uint32Array (n + 1), groups: Uint32Array}
// drawRandom(count) returns a Float64Array of count Math.random() values.
Napi::Value prioritize_peers_packed(const Napi::CallbackInfo& info) {
  const std::string fn = std::string(kFn) + "packed peers: ";
  if (!info[0].IsObject()) throw_type_error(info[0], fn, "an object");
  const Napi::Object packed = info[0].As<Napi::Object>();
  const int64_t n64 = get_safe_integer(packed.Get("n"), fn + "n");
  if (n64 < 0 || n64 > static_cast<int64_t>(kMaxPeerCount)) throw Napi::RangeError::New(info.Env(), fn + "n out of range");
  const size_t n = static_cast<size_t>(n64);
  auto typed = [&](const char* name, napi_typedarray_type type, size_t length) {
    const Napi::Value v = packed.Get(name);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type || v.As<Napi::TypedArray>().ElementLength() < length) {
      throw_type_error(v, fn + name, "a typed array of the packed layout");
    }
    const Napi::TypedArray a = v.As<Napi::TypedArray>();
    return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  };
  const auto* direction = reinterpret_cast<const int8_t*>(typed("direction", napi_int8_array, n));
  const uint8_t* has = typed("has", napi_uint8_array, n);
  const auto* epochs = reinterpret_cast<const double*>(typed("finalizedEpoch", napi_float64_array, n));
  const auto* slots = reinterpret_cast<const double*>(typed("headSlot", napi_float64_array, n));
  const auto* scores = reinterpret_cast<const double*>(typed("score", napi_float64_array, n));
  const uint8_t* attnets = typed("attnets", napi_uint8_array, 8 * n);
  const uint8_t* syncnets = typed("syncnets", napi_uint8_array, n);
  const auto* group_start = reinterpret_cast<const uint32_t*>(typed("groupStart", napi_uint32_array, n + 1));
  const size_t group_total = n == 0 ? 0 : group_start[n];
  const auto* groups = reinterpret_cast<const uint32_t*>(typed("groups", napi_uint32_array, group_total));
  PeerInputs in;
  in.infos.resize(n);
  in.statuses.resize(n);
  in.groups.resize(n);
  for (size_t i = 0; i < n; i++) {
    peers::ConnectedPeerInfo& peer = in.infos[i];
    peer.id = index_id(i);
    if (direction[i] >= 0) peer.direction = direction[i] == 0 ? peers::Direction::kInbound : peers::Direction::kOutbound;
    if (has[i] & 1) {
      in.statuses[i].finalized_epoch = static_cast<int64_t>(epochs[i]);
      in.statuses[i].head_slot = static_cast<int64_t>(slots[i]);
      peer.status = &in.statuses[i];
    }
    if (has[i] & 2) {
      uint64_t bits = 0;
      for (int b = 0; b < 8; b++) bits |= uint64_t{attnets[8 * i + b]} << (8 * b);
      peer.attnets = peers::Attnets(bits);
    }
    if (has[i] & 4) peer.syncnets = peers::Syncnets(syncnets[i] & 0xf);
    if (has[i] & 8) {
      if (group_start[i] > group_start[i + 1] || group_start[i + 1] > group_total) {
        throw Napi::RangeError::New(info.Env(), fn + "groupStart is not ascending");
      }
      in.groups[i].assign(groups + group_start[i], groups + group_start[i + 1]);
      peer.sampling_groups = &in.groups[i];
    }
    peer.score = scores[i];
  }
  if (!info[6].IsFunction()) throw_type_error(info[6], fn + "drawRandom", "a function");
  const Napi::Function draw_random = info[6].As<Napi::Function>();
  return prioritize_rest(info, 1, in, [&](size_t count) {
    std::vector<double> draws(count);
    if (count == 0) return draws;
    const Napi::Value v = draw_random.Call({Napi::Number::New(info.Env(), static_cast<double>(count))});
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        v.As<Napi::TypedArray>().ElementLength() != count) {
      throw_type_error(v, fn + "drawRandom()", "a Float64Array of the draws asked for");
    }
    const Napi::Float64Array a = v.As<Napi::Float64Array>();
    for (size_t k = 0; k < count; k++) draws[k] = a[k];
    return draws;
  });
}

}  // namespace

void register_prioritize(Napi::Env env, Napi::Object exports) {
  exports.Set("prioritizePeers", Napi::Function::New(env, prioritize_peers, "prioritizePeers"));
  exports.Set("prioritizePeersPacked", Napi::Function::New(env, prioritize_peers_packed, "prioritizePeersPacked"));
}

}  // namespace peer_replay_node
