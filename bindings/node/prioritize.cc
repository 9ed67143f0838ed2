// prioritizePeers (utils/prioritizePeers.ts) through the addon: the
// arguments read and checked here, the engine's prioritize_peers decides.
//
//   native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets,
//                          samplingGroups, opts, config)
//   native.prioritizePeersPacked(n, numbers, bytes, groupStart, groups,
//                          ...the same five..., draw): the fast path
//                          (lodestar.js packs the peers; the layout below)
//     -> [peersToConnect, [[reason, Uint32Array of input indices]...],
//         attnetQueries Float64Array (subnet, toSlot, maxPeersToDiscover)*,
//         syncnetQueries (the same), custodyGroupQueries Float64Array (group, count)*]
//
// lodestar.js turns that into the TS return shape, with the caller's own
// PeerId objects (TS returns the `id`s it was given). A peer's id is not read
// here: TS compares PeerIds by identity, so a peer is its index in the input.
//
// Randomness: the TS shuffle draws Math.random() n-1 times when there are more
// peers than targetPeers; this calls the global Math.random (the packed path:
// lodestar.js's draw callback) exactly that many times, after every argument
// is checked (a TypeError draws nothing).
#include <napi.h>

#include <functional>
#include <span>
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
    info.sampling_groups.emplace(in.groups[i]);
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

// What the packed path keeps between calls in one Node environment (a worker
// thread has its own; the Scratch lives as long as the function object that
// carries it): the engine's inputs, so a call allocates nothing per peer once
// the vectors have grown to the peer count.
struct Scratch {
  std::vector<peers::ConnectedPeerInfo> infos;
  std::vector<peers::ChainStatus> statuses;
  // A peer is its index in the input: ids[i] is "i", made once and kept.
  std::vector<peers::PeerIdStr> ids;
  // A call is under way. The draw callback runs JS, which may call
  // prioritizePeers again: that inner call gets a Scratch of its own instead
  // of overwriting what the outer call's infos point at.
  bool busy = false;

  // infos holds exactly n peers (the engine takes the vector's size as the
  // peer count), with their ids set; statuses room for n. Once grown to a
  // peer count, a call with that many or fewer allocates nothing.
  void size_to(size_t n) {
    while (ids.size() < n) ids.emplace_back(std::to_string(ids.size()));
    if (statuses.size() < n) statuses.resize(n);
    const size_t had = infos.size();
    infos.resize(n);
    for (size_t i = had; i < n; i++) infos[i].id = ids[i];
  }
};

// The layout lodestar.js packs the peers in (its packPeers writes it):
//   numbers  Float64Array, kNumbersPerPeer a peer: finalizedEpoch, headSlot, score
//   bytes    Uint8Array, kBytesPerPeer a peer: [0] direction (0 null, 1
//            inbound, 2 outbound), [1] has (1 status, 2 attnets, 4 syncnets,
//            8 samplingGroups), [2] syncnets' 4 bits, [8..16) attnets' 64 bits
//            little-endian
//   groupStart Uint32Array (n + 1): peer i's groups are groups[groupStart[i], groupStart[i+1])
//   groups   Uint32Array: every peer's samplingGroups, one after another
// A member whose `has` bit is clear is null and its slots are not read.
constexpr size_t kNumbersPerPeer = 3;
constexpr size_t kBytesPerPeer = 16;
enum : uint8_t { kHasStatus = 1, kHasAttnets = 2, kHasSyncnets = 4, kHasGroups = 8 };

// A typed array argument of `type` with at least `length` elements; its data.
template <typename T>
const T* typed_arg(const Napi::Value& v, napi_typedarray_type type, size_t length, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type || v.As<Napi::TypedArray>().ElementLength() < length) {
    throw_type_error(v, what, "a typed array of the packed layout");
  }
  const Napi::TypedArray a = v.As<Napi::TypedArray>();
  return reinterpret_cast<const T*>(static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

// Arguments first..first+4 (after the peers), checked, then the call. `draw`
// gives `count` Math.random() values: called only once every argument is checked.
Napi::Value prioritize_rest(const Napi::CallbackInfo& info, size_t first, const std::vector<peers::ConnectedPeerInfo>& infos,
                            const std::function<std::span<const double>(size_t)>& draw) {
  const std::string fn = kFn;
  const size_t n = infos.size();
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
  const std::span<const double> draws = draw(prunes && n > 1 ? n - 1 : 0);
  peers::RandomDraws random(draws);
  const auto result = peers::prioritize_peers(infos, active_attnets, active_syncnets, sampling_groups, opts, config, random);
  if (!result.has_value()) throw Napi::RangeError::New(info.Env(), fn + "Math.random() returned a value outside [0, 1)");
  // The draws were taken before the call: the engine must have used them all, as TS would have drawn them.
  if (random.used() != draws.size()) throw Napi::Error::New(info.Env(), fn + "internal: the engine used a different number of draws");
  return result_to_js(info.Env(), *result);
}

// native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets, samplingGroups, opts, config):
// reads every peer member by member. Slower than the packed path; lodestar.js
// takes it when its packer declines an input, because its TypeErrors name the
// member that is wrong.
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
  std::vector<double> draws;
  return prioritize_rest(info, 1, in.infos, [&](size_t count) {
    draws = draw_math_random(info.Env(), count);
    return std::span<const double>(draws);
  });
}

// native.prioritizePeersPacked(n, numbers, bytes, groupStart, groups,
//                              activeAttnets, activeSyncnets, samplingGroups, opts, config, draw):
// the peers as lodestar.js packs them after checking their types (the layout
// above; one crossing instead of ~30 per peer, into arrays it keeps between
// calls). draw(count) puts count Math.random() values at the start of a
// Float64Array and returns it.
Napi::Value prioritize_peers_packed(const Napi::CallbackInfo& info) {
  const std::string fn = std::string(kFn) + "packed peers: ";
  const int64_t n64 = get_safe_integer(info[0], fn + "n");
  if (n64 < 0 || n64 > static_cast<int64_t>(kMaxPeerCount)) throw Napi::RangeError::New(info.Env(), fn + "n out of range");
  const size_t n = static_cast<size_t>(n64);
  const double* numbers = typed_arg<double>(info[1], napi_float64_array, kNumbersPerPeer * n, fn + "numbers");
  const uint8_t* bytes = typed_arg<uint8_t>(info[2], napi_uint8_array, kBytesPerPeer * n, fn + "bytes");
  const uint32_t* group_start = typed_arg<uint32_t>(info[3], napi_uint32_array, n + 1, fn + "groupStart");
  const size_t group_total = group_start[n];
  const uint32_t* groups = typed_arg<uint32_t>(info[4], napi_uint32_array, group_total, fn + "groups");
  if (!info[10].IsFunction()) throw_type_error(info[10], fn + "draw", "a function");
  const Napi::Function draw = info[10].As<Napi::Function>();

  auto* kept = static_cast<Scratch*>(info.Data());
  Scratch own;  // only for a call made while another is under way
  Scratch& scratch = kept->busy ? own : *kept;
  scratch.size_to(n);
  scratch.busy = true;
  struct Release {
    Scratch& s;
    ~Release() { s.busy = false; }
  } release{scratch};
  // Every member of every info is written: they hold the last call's peers.
  std::vector<peers::ConnectedPeerInfo>& infos = scratch.infos;
  for (size_t i = 0; i < n; i++) {
    peers::ConnectedPeerInfo& peer = infos[i];
    const uint8_t* b = bytes + kBytesPerPeer * i;
    const double* x = numbers + kNumbersPerPeer * i;
    const uint8_t has = b[1];
    peer.direction.reset();
    if (b[0] != 0) peer.direction = b[0] == 1 ? peers::Direction::kInbound : peers::Direction::kOutbound;
    peer.status = nullptr;
    if (has & kHasStatus) {
      scratch.statuses[i].finalized_epoch = static_cast<int64_t>(x[0]);
      scratch.statuses[i].head_slot = static_cast<int64_t>(x[1]);
      peer.status = &scratch.statuses[i];
    }
    peer.attnets.reset();
    if (has & kHasAttnets) {
      uint64_t bits = 0;
      for (int k = 0; k < 8; k++) bits |= uint64_t{b[8 + k]} << (8 * k);
      peer.attnets = peers::Attnets(bits);
    }
    peer.syncnets.reset();
    if (has & kHasSyncnets) peer.syncnets = peers::Syncnets(b[2] & 0xf);
    peer.sampling_groups.reset();
    if (has & kHasGroups) {
      if (group_start[i] > group_start[i + 1] || group_start[i + 1] > group_total) {
        throw Napi::RangeError::New(info.Env(), fn + "groupStart is not ascending");
      }
      peer.sampling_groups.emplace(groups + group_start[i], group_start[i + 1] - group_start[i]);
    }
    peer.score = x[2];
  }
  return prioritize_rest(info, 5, infos, [&](size_t count) {
    if (count == 0) return std::span<const double>();
    const Napi::Value v = draw.Call({Napi::Number::New(info.Env(), static_cast<double>(count))});
    return std::span<const double>(typed_arg<double>(v, napi_float64_array, count, fn + "draw()"), count);
  });
}

}  // namespace

void register_prioritize(Napi::Env env, Napi::Object exports) {
  exports.Set("prioritizePeers", Napi::Function::New(env, prioritize_peers, "prioritizePeers"));
  auto* scratch = new Scratch;
  Napi::Function packed = Napi::Function::New(env, prioritize_peers_packed, "prioritizePeersPacked", scratch);
  packed.AddFinalizer([](Napi::Env, Scratch* s) { delete s; }, scratch);
  exports.Set("prioritizePeersPacked", packed);
}

}  // namespace peer_replay_node
