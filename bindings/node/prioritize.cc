// prioritizePeers (utils/prioritizePeers.ts) through the addon: the engine's
// prioritize_peers decides. Two ways in, one result:
//
//   native.prioritizePeers(connectedPeersInfo, activeAttnets, activeSyncnets,
//                          samplingGroups, opts, config)
//       every argument read member by member through Node-API and checked
//       here: lodestar.js's way when its packer declines an input, because
//       these TypeErrors name the member that is wrong;
//   native.prioritizePeersPacked(n, numbers, bytes, groupStart, groups, args, draws, drawCount, out)
//       the fast path: lodestar.js has checked every argument's type and
//       packed them into typed arrays it keeps between calls (the layouts
//       below), so this reads no JS object.
//
// Both return a Float64Array (the packed path: `out` when it has room, else
// a new one) holding, one after another:
//   peersToConnect,
//   R, then R times: reason (an index into excessPeerDisconnectReasonNames,
//      exported beside these), count, then count input indices,
//   A, then A times: subnet, toSlot, maxPeersToDiscover (attnetQueries),
//   S, then S times the same (syncnetQueries),
//   G, then G times: group, maxPeersToDiscover (custodyGroupQueries).
// lodestar.js turns that into the TS return shape, with the caller's own
// PeerId objects (TS returns the `id`s it was given). A peer's id is not read
// here: TS compares PeerIds by identity, so a peer is its index in the input.
//
// Randomness: the TS shuffle draws Math.random() n-1 times when there are more
// peers than targetPeers (draws_wanted below), after the arguments are read.
// The member-by-member path calls the global Math.random that many times once
// every argument is checked (a TypeError draws nothing); lodestar.js does the
// same before the packed call, which checks it drew that many.
#include <napi.h>

#include <cassert>
#include <optional>
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

// How many Math.random() values TS draws: pruneExcessPeers runs, and
// shuffles the n peers (n-1 draws), only above targetPeers.
size_t draws_wanted(size_t n, int64_t target_peers) {
  return static_cast<int64_t>(n) > target_peers && n > 1 ? n - 1 : 0;
}

// prioritizePeers' arguments after connectedPeersInfo, as the engine takes them.
struct OtherArgs {
  std::vector<peers::RequestedSubnet> active_attnets;
  std::vector<peers::RequestedSubnet> active_syncnets;
  std::optional<std::vector<peers::CustodyIndex>> sampling_groups;
  peers::PrioritizePeersOpts opts;
  peers::ChainConfig config;
};

// Arguments first..first+4, read member by member and checked.
OtherArgs get_other_args(const Napi::CallbackInfo& info, size_t first) {
  const std::string fn = kFn;
  OtherArgs out;
  out.active_attnets = get_requested_subnets(info[first], fn + "activeAttnets");
  out.active_syncnets = get_requested_subnets(info[first + 1], fn + "activeSyncnets");
  if (!info[first + 2].IsUndefined()) out.sampling_groups = get_groups(info[first + 2], fn + "samplingGroups");
  out.opts = get_opts(info[first + 3], fn + "opts");
  const Napi::Value config_value = info[first + 4];
  if (!config_value.IsObject()) throw_type_error(config_value, fn + "config", "a ChainConfig object");
  const Napi::Value groups_value = config_value.As<Napi::Object>().Get("NUMBER_OF_CUSTODY_GROUPS");
  out.config.number_of_custody_groups = get_safe_integer(groups_value, fn + "config.NUMBER_OF_CUSTODY_GROUPS");
  if (out.config.number_of_custody_groups < 0 || out.config.number_of_custody_groups > kMaxCustodyGroups) {
    throw_type_error(groups_value, fn + "config.NUMBER_OF_CUSTODY_GROUPS", "an integer in [0, 65536]");
  }
  return out;
}

// The engine's call, with the draws taken before it.
peers::PrioritizePeersResult run(Napi::Env env, const std::vector<peers::ConnectedPeerInfo>& infos, const OtherArgs& a,
                                 std::span<const double> draws) {
  peers::RandomDraws random(draws);
  auto result = peers::prioritize_peers(infos, a.active_attnets, a.active_syncnets, a.sampling_groups, a.opts, a.config, random);
  if (!result.has_value()) throw Napi::RangeError::New(env, std::string(kFn) + "Math.random() returned a value outside [0, 1)");
  // The draws were taken before the call: the engine must have used them all, as TS would have drawn them.
  if (random.used() != draws.size()) throw Napi::Error::New(env, std::string(kFn) + "internal: the engine used a different number of draws");
  return std::move(*result);
}

// The result in the layout of the header comment: into `out` when it has
// room (the packed path's kept array), else into a new Float64Array.
Napi::Value result_to_js(Napi::Env env, const peers::PrioritizePeersResult& result, std::optional<Napi::Float64Array> out) {
  size_t size = 1 + 1 + 1 + 3 * result.attnet_queries.size() + 1 + 3 * result.syncnet_queries.size() + 1 +
                2 * result.custody_group_queries.size();
  for (const auto& [reason, ids] : result.peers_to_disconnect) size += 2 + ids.size();
  if (!out.has_value() || out->ElementLength() < size) out = Napi::Float64Array::New(env, size);
  double* const data = out->Data();
  size_t at = 0;
  data[at++] = static_cast<double>(result.peers_to_connect);
  data[at++] = static_cast<double>(result.peers_to_disconnect.size());
  for (const auto& [reason, ids] : result.peers_to_disconnect) {
    data[at++] = static_cast<double>(static_cast<size_t>(reason));
    data[at++] = static_cast<double>(ids.size());
    for (const peers::PeerIdStr& id : ids) data[at++] = static_cast<double>(std::stoul(id.str()));
  }
  for (const auto* queries : {&result.attnet_queries, &result.syncnet_queries}) {
    data[at++] = static_cast<double>(queries->size());
    for (const peers::SubnetDiscvQuery& q : *queries) {
      data[at++] = static_cast<double>(q.subnet);
      data[at++] = static_cast<double>(q.to_slot);
      data[at++] = static_cast<double>(q.max_peers_to_discover);
    }
  }
  data[at++] = static_cast<double>(result.custody_group_queries.size());
  for (const auto& [group, count] : result.custody_group_queries) {
    data[at++] = group;
    data[at++] = static_cast<double>(count);
  }
  assert(at == size);
  return *out;
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
  const OtherArgs other = get_other_args(info, 1);
  const std::vector<double> draws = draw_math_random(info.Env(), draws_wanted(n, other.opts.target_peers));
  return result_to_js(info.Env(), run(info.Env(), in.infos, other, draws), std::nullopt);
}

// What the packed path keeps between calls in one Node environment (a worker
// thread has its own; the Scratch lives as long as the function object that
// carries it): the engine's inputs, so a call allocates nothing per peer once
// the vectors have grown to the peer count. No JS runs during a packed call,
// so no second call can come while one is using it.
struct Scratch {
  std::vector<peers::ConnectedPeerInfo> infos;
  std::vector<peers::ChainStatus> statuses;
  // A peer is its index in the input: ids[i] is "i", made once and kept.
  std::vector<peers::PeerIdStr> ids;
  OtherArgs other;

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

// The layouts lodestar.js packs the arguments in (its packPeers and
// packOtherArgs write them):
//   numbers  Float64Array, kNumbersPerPeer a peer: finalizedEpoch, headSlot, score
//   bytes    Uint8Array, kBytesPerPeer a peer: [0] direction (0 null, 1
//            inbound, 2 outbound), [1] has (1 status, 2 attnets, 4 syncnets,
//            8 samplingGroups), [2] syncnets' 4 bits, [8..16) attnets' 64 bits
//            little-endian
//   groupStart Uint32Array (n + 1): peer i's groups are groups[groupStart[i], groupStart[i+1])
//   groups   Uint32Array: every peer's samplingGroups, one after another
//   args     Float64Array: the kArg* slots below, then activeAttnets as
//            (subnet, toSlot) pairs, activeSyncnets the same, then our
//            samplingGroups
// A member whose `has` bit (or flag) is clear is null (undefined) and its
// slots are not read. Every integer was checked to be a safe integer.
constexpr size_t kNumbersPerPeer = 3;
constexpr size_t kBytesPerPeer = 16;
enum : uint8_t { kHasStatus = 1, kHasAttnets = 2, kHasSyncnets = 4, kHasGroups = 8 };
enum : size_t {
  kArgTargetPeers,
  kArgMaxPeers,
  kArgTargetGroupPeers,
  kArgStatusFinalizedEpoch,
  kArgStatusHeadSlot,
  kArgStarved,  // 0 or 1
  kArgStarvationPruneRatio,
  kArgStarvationThresholdSlots,
  kArgFlags,  // kFlag* below
  kArgOutboundPeersRatio,
  kArgTargetSubnetPeers,
  kArgNumberOfCustodyGroups,
  kArgAttnetCount,
  kArgSyncnetCount,
  kArgSamplingGroupCount,
  kArgCount,
};
enum : uint32_t { kFlagOutboundPeersRatio = 1, kFlagTargetSubnetPeers = 2, kFlagSamplingGroups = 4 };

// A typed array argument of `type` with at least `length` elements; its data and length.
// (One napi_get_typedarray_info: node-addon-api's TypedArray accessors make
// one call each.)
template <typename T>
std::span<const T> typed_arg(const Napi::Value& v, napi_typedarray_type type, size_t length, const std::string& what) {
  bool is_typed = false;
  napi_typedarray_type actual = napi_int8_array;
  size_t elements = 0;
  void* data = nullptr;
  if (napi_is_typedarray(v.Env(), v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(v.Env(), v, &actual, &elements, &data, nullptr, nullptr) != napi_ok || actual != type ||
      elements < length) {
    throw_type_error(v, what, "a typed array of the packed layout");
  }
  return {static_cast<const T*>(data), elements};
}

// A packed integer as the engine takes it. lodestar.js packs only safe
// integers there (it checked them); for any other caller a value outside the
// safe range, or NaN, is refused rather than converted, which would be
// undefined. (Only the range: this runs twice per peer, and std::trunc is a
// library call on this build's target.)
[[noreturn, gnu::noinline, gnu::cold]] void throw_unsafe_integer(Napi::Env env, const std::string& fn) {
  throw Napi::RangeError::New(env, fn + "a packed integer is out of the safe range");
}
[[gnu::always_inline]] inline int64_t packed_integer(double d, Napi::Env env, const std::string& fn) {
  constexpr double kMaxSafe = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER
  if (!(d >= -kMaxSafe && d <= kMaxSafe)) [[unlikely]] throw_unsafe_integer(env, fn);
  return static_cast<int64_t>(d);
}

// The args array into `out` (its vectors keep their storage between calls).
void unpack_other_args(std::span<const double> args, const std::string& fn, Napi::Env env, OtherArgs& out) {
  const auto count = [&](size_t slot, size_t limit) {
    const double c = args[slot];
    if (!(c >= 0 && c <= static_cast<double>(limit))) throw Napi::RangeError::New(env, fn + "args: a count out of range");
    return static_cast<size_t>(c);
  };
  const size_t attnets = count(kArgAttnetCount, args.size());
  const size_t syncnets = count(kArgSyncnetCount, args.size());
  const size_t groups = count(kArgSamplingGroupCount, args.size());
  if (kArgCount + 2 * attnets + 2 * syncnets + groups > args.size()) throw Napi::RangeError::New(env, fn + "args: shorter than its counts");
  const auto integer = [&](size_t slot) { return packed_integer(args[slot], env, fn); };
  const int64_t flag_bits = integer(kArgFlags);
  if (flag_bits < 0 || flag_bits > (kFlagOutboundPeersRatio | kFlagTargetSubnetPeers | kFlagSamplingGroups)) {
    throw Napi::RangeError::New(env, fn + "args: unknown flags");
  }
  const auto flags = static_cast<uint32_t>(flag_bits);
  peers::PrioritizePeersOpts& opts = out.opts;
  opts.target_peers = integer(kArgTargetPeers);
  opts.max_peers = integer(kArgMaxPeers);
  opts.target_group_peers = integer(kArgTargetGroupPeers);
  opts.status.finalized_epoch = integer(kArgStatusFinalizedEpoch);
  opts.status.head_slot = integer(kArgStatusHeadSlot);
  opts.starved = args[kArgStarved] != 0;
  opts.starvation_prune_ratio = args[kArgStarvationPruneRatio];
  opts.starvation_threshold_slots = integer(kArgStarvationThresholdSlots);
  opts.outbound_peers_ratio.reset();
  if (flags & kFlagOutboundPeersRatio) opts.outbound_peers_ratio = args[kArgOutboundPeersRatio];
  opts.target_subnet_peers.reset();
  if (flags & kFlagTargetSubnetPeers) opts.target_subnet_peers = integer(kArgTargetSubnetPeers);
  out.config.number_of_custody_groups = integer(kArgNumberOfCustodyGroups);
  if (out.config.number_of_custody_groups < 0 || out.config.number_of_custody_groups > kMaxCustodyGroups) {
    throw Napi::RangeError::New(env, fn + "args: NUMBER_OF_CUSTODY_GROUPS out of range");
  }
  size_t at = kArgCount;
  const auto subnets = [&](std::vector<peers::RequestedSubnet>& list, size_t size) {
    list.resize(size);
    for (peers::RequestedSubnet& r : list) {
      r.subnet = packed_integer(args[at++], env, fn);
      r.to_slot = packed_integer(args[at++], env, fn);
    }
  };
  subnets(out.active_attnets, attnets);
  subnets(out.active_syncnets, syncnets);
  if (flags & kFlagSamplingGroups) {
    if (!out.sampling_groups.has_value()) out.sampling_groups.emplace();
    out.sampling_groups->resize(groups);
    for (peers::CustodyIndex& g : *out.sampling_groups) {
      const int64_t group = packed_integer(args[at++], env, fn);
      if (group < 0 || group > UINT32_MAX) throw Napi::RangeError::New(env, fn + "args: a sampling group out of range");
      g = static_cast<peers::CustodyIndex>(group);
    }
  } else {
    out.sampling_groups.reset();
  }
}

Napi::Value prioritize_peers_packed(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const std::string fn = std::string(kFn) + "packed arguments: ";
  const int64_t n64 = get_safe_integer(info[0], fn + "n");
  if (n64 < 0 || n64 > static_cast<int64_t>(kMaxPeerCount)) throw Napi::RangeError::New(env, fn + "n out of range");
  const size_t n = static_cast<size_t>(n64);
  const double* numbers = typed_arg<double>(info[1], napi_float64_array, kNumbersPerPeer * n, fn + "numbers").data();
  const uint8_t* bytes = typed_arg<uint8_t>(info[2], napi_uint8_array, kBytesPerPeer * n, fn + "bytes").data();
  const uint32_t* group_start = typed_arg<uint32_t>(info[3], napi_uint32_array, n + 1, fn + "groupStart").data();
  const size_t group_total = group_start[n];
  const uint32_t* groups = typed_arg<uint32_t>(info[4], napi_uint32_array, group_total, fn + "groups").data();
  const std::span<const double> args = typed_arg<double>(info[5], napi_float64_array, kArgCount, fn + "args");
  const int64_t draw_count = get_safe_integer(info[7], fn + "drawCount");
  if (draw_count < 0 || draw_count > n64) throw Napi::RangeError::New(env, fn + "drawCount out of range");
  const std::span<const double> draws = typed_arg<double>(info[6], napi_float64_array, draw_count, fn + "draws").first(draw_count);
  typed_arg<double>(info[8], napi_float64_array, 0, fn + "out");
  const Napi::Float64Array out = info[8].As<Napi::Float64Array>();

  Scratch& scratch = *static_cast<Scratch*>(info.Data());
  unpack_other_args(args, fn, env, scratch.other);
  if (static_cast<size_t>(draw_count) != draws_wanted(n, scratch.other.opts.target_peers)) {
    throw Napi::Error::New(env, fn + "internal: drew " + std::to_string(draw_count) + " Math.random() values, TS draws " +
                                    std::to_string(draws_wanted(n, scratch.other.opts.target_peers)));
  }
  scratch.size_to(n);
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
      scratch.statuses[i].finalized_epoch = packed_integer(x[0], env, fn);
      scratch.statuses[i].head_slot = packed_integer(x[1], env, fn);
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
        throw Napi::RangeError::New(env, fn + "groupStart is not ascending");
      }
      peer.sampling_groups.emplace(groups + group_start[i], group_start[i + 1] - group_start[i]);
    }
    peer.score = x[2];
  }
  return result_to_js(env, run(env, infos, scratch.other, draws), out);
}

}  // namespace

void register_prioritize(Napi::Env env, Napi::Object exports) {
  exports.Set("prioritizePeers", Napi::Function::New(env, prioritize_peers, "prioritizePeers"));
  auto* scratch = new Scratch;
  Napi::Function packed = Napi::Function::New(env, prioritize_peers_packed, "prioritizePeersPacked", scratch);
  packed.AddFinalizer([](Napi::Env, Scratch* s) { delete s; }, scratch);
  exports.Set("prioritizePeersPacked", packed);
  Napi::Array names = Napi::Array::New(env, peers::kExcessPeerDisconnectReasonNames.size());
  for (uint32_t k = 0; k < names.Length(); k++) names.Set(k, peers::kExcessPeerDisconnectReasonNames[k]);
  exports.Set("excessPeerDisconnectReasonNames", names);
}

}  // namespace peer_replay_node
