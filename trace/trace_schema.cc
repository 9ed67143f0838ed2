#include "trace/trace_schema.h"

#include <array>
#include <cassert>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>

#include "trace/format.h"

#include "peers/action.h"
#include "peers/event.h"
#include "peers/score_interface.h"

namespace replay {

using peers::Status;

namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

enum class T {
  kString,
  kUint,      // integer in [0, 2^53-1]
  kInt,       // integer in [-(2^53-1), 2^53-1]
  kNumber,    // finite double
  kScore,     // a finite double or its spelling "+Inf", "-Inf", "NaN" (FORMAT.md §4)
  kBool,
  kObject,
  kArray,
  kAny,
  kDecimal,   // BigInt as a decimal string, e.g. "129" or "-1"
  kHex8,      // 4 bytes
  kHex64,     // 32 bytes
  kStatus,    // FORMAT.md §3.3
  kUintOrNull,
  kPeers,     // array of peer id strings
  kInts,      // array of integers
  kSubnets,   // [{"subnet":int,"toSlot":int}]
  kRand,      // array of doubles in [0, 1)
  kGossipScores,  // [[peer, number], ...]
};

struct Member {
  const char* name;
  T type;
  bool required;
};

const char* type_text(T t) {
  switch (t) {
    case T::kString: return "a string";
    case T::kUint: return "an integer in [0, 2^53-1]";
    case T::kInt: return "an integer of magnitude below 2^53";
    case T::kNumber: return "a finite number";
    case T::kScore: return "a finite number or \"+Inf\", \"-Inf\", \"NaN\"";
    case T::kBool: return "true or false";
    case T::kObject: return "an object";
    case T::kArray: return "an array";
    case T::kAny: return "any value";
    case T::kDecimal: return "a decimal integer string (BigInt)";
    case T::kHex8: return "8 lowercase hex digits";
    case T::kHex64: return "64 lowercase hex digits";
    case T::kStatus: return "a Status object";
    case T::kUintOrNull: return "an integer in [0, 2^53-1] or null";
    case T::kPeers: return "an array of peer id strings";
    case T::kInts: return "an array of integers";
    case T::kSubnets: return "an array of {\"subnet\":int,\"toSlot\":int}";
    case T::kRand: return "an array of numbers in [0, 1)";
    case T::kGossipScores: return "an array of [peer, score] pairs (a score: a finite number or \"+Inf\", \"-Inf\", \"NaN\")";
  }
  return "?";
}

bool is_int_in(JsonRef v, int64_t lo, int64_t hi) {
  if (v.is_number_unsigned()) return v.as_uint64() <= static_cast<uint64_t>(hi) && lo <= 0 + hi;
  if (v.is_number_integer()) {
    const int64_t x = v.as_int64();
    return x >= lo && x <= hi;
  }
  if (v.is_number_float()) {  // JS prints 1e21-style integers as floats only beyond 2^53
    const double d = v.as_double();
    return std::isfinite(d) && std::floor(d) == d && d >= static_cast<double>(lo) && d <= static_cast<double>(hi);
  }
  return false;
}

bool is_hex(JsonRef v, size_t digits) {
  if (!v.is_string()) return false;
  const auto& s = v.str();
  if (s.size() != digits) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Members are looked at in place, never copied (json::value) or dumped whole:
// both recurse once per nesting level, and a line of the 8 MiB limit can nest
// millions of levels deep, which overflowed the stack (found by
// fuzz/trace_reader_fuzz; inputs in fuzz/regressions/deep-*).
bool is_hex_member(JsonRef obj, const char* key, size_t digits) {
  JsonRef it = obj.find(key);
  return it.valid() && is_hex(it, digits);
}

bool is_decimal(JsonRef v) {
  if (!v.is_string()) return false;
  const auto& s = v.str();
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.size() > 80) return false;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// FORMAT.md §3.3: a uint64 (BigInt) is 1 to 20 decimal digits of a value below 2^64.
bool is_uint64_decimal(JsonRef v) {
  if (!v.is_string()) return false;
  const std::string_view s = v.str();
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return s.size() < 20 || s <= "18446744073709551615";
}

// FORMAT.md §3.3: an SSZ bitvector of `bits` bits as exactly `digits`
// lowercase hex digits, the padding bits above `bits` zero.
bool is_bitvector(JsonRef v, size_t digits, size_t bits) {
  if (!is_hex(v, digits)) return false;
  const std::string_view s = v.str();
  for (size_t i = 0; i < digits / 2; i++) {
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    const unsigned byte = static_cast<unsigned>(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
    for (size_t b = 0; b < 8; b++) {
      if ((byte >> b & 1u) != 0 && i * 8 + b >= bits) return false;
    }
  }
  return true;
}

bool is_finite_number(JsonRef v) { return v.is_number() && std::isfinite(v.as_double()); }
bool is_spelled_number(JsonRef v) { return spelled_number(v).has_value(); }

Status check_type(JsonRef v, T t, const std::string& at, const std::string& name);

// The fast path of check_type for the common member types: no allocation.
bool type_ok(JsonRef v, T t) {
  switch (t) {
    case T::kString: return v.is_string();
    case T::kUint: return is_int_in(v, 0, kMaxSafeInteger);
    case T::kInt: return is_int_in(v, -kMaxSafeInteger, kMaxSafeInteger);
    case T::kNumber: return is_finite_number(v);
    case T::kScore: return is_spelled_number(v);
    case T::kBool: return v.is_boolean();
    case T::kObject: return v.is_object();
    case T::kArray: return v.is_array();
    case T::kAny: return true;
    default: return false;  // composite types: check_type decides
  }
}

Status check_members(JsonRef obj, std::initializer_list<Member> members, const SchemaContext& ctx,
                     const std::string& what, std::initializer_list<const char*> also_known = {}) {
  size_t found = 0;
  for (const Member& m : members) {
    JsonRef it = obj.find(m.name);
    if (!it) {
      if (m.required) {
        return Status::corruption(ctx.at() + what + ": expected member \"" + m.name + "\" (" + type_text(m.type) + ")");
      }
      continue;
    }
    found++;
    if (type_ok(it, m.type)) continue;  // the message is only built on failure
    Status s = check_type(it, m.type, ctx.at(), what + " member \"" + m.name + "\"");
    if (!s.is_ok()) return s;
  }
  // Keys are unique, so when every key was one of `members` there is nothing
  // unknown; only then is the slower scan below skipped (the common case).
  if (found == obj.size()) return Status::ok();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const Member& m : members) known = known || it.key() == m.name;
    for (const char* k : also_known) known = known || it.key() == k;
    if (known) continue;
    const std::string msg = what + ": unknown member \"" + std::string(it.key()) + "\"";
    if (ctx.strict) return Status::corruption(ctx.at() + msg + " (--strict)");
    if (ctx.on_warning) ctx.on_warning(ctx.at() + "warning: " + msg);
  }
  return Status::ok();
}

Status check_status(JsonRef v, const std::string& at, const std::string& name) {
  if (!v.is_object()) return Status::corruption(at + name + ": expected a Status object");
  static const char* kMembers[] = {"forkDigest", "finalizedRoot", "finalizedEpoch", "headRoot", "headSlot"};
  if (!is_hex_member(v, "forkDigest", 8)) return Status::corruption(at + name + ".forkDigest: expected 8 hex digits");
  if (!is_hex_member(v, "finalizedRoot", 64))
    return Status::corruption(at + name + ".finalizedRoot: expected 64 hex digits");
  if (!is_hex_member(v, "headRoot", 64)) return Status::corruption(at + name + ".headRoot: expected 64 hex digits");
  for (const char* k : {"finalizedEpoch", "headSlot"}) {
    if (!v.contains(k) || !is_int_in(v[k], 0, kMaxSafeInteger))
      return Status::corruption(at + name + "." + k + ": expected an integer in [0, 2^53-1]");
  }
  if (v.contains("earliestAvailableSlot") && !is_int_in(v["earliestAvailableSlot"], 0, kMaxSafeInteger))
    return Status::corruption(at + name + ".earliestAvailableSlot: expected an integer in [0, 2^53-1]");
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = it.key() == "earliestAvailableSlot";
    for (const char* k : kMembers) known = known || it.key() == k;
    if (!known) return Status::corruption(at + name + ": unknown Status member \"" + std::string(it.key()) + "\"");
  }
  return Status::ok();
}

// A response's `ok` value, told apart by its shape as replay/trace_event.cc
// does (FORMAT.md §3.2): null, a ping's sequence number, a Status, a Metadata
// or an identify result.
Status check_response_value(JsonRef v, const std::string& at, const std::string& name) {
  if (v.is_null()) return Status::ok();
  if (v.is_string()) {
    if (is_uint64_decimal(v)) return Status::ok();
    return Status::corruption(at + name + ": expected a ping sequence number (a uint64 decimal string)");
  }
  if (!v.is_object()) return Status::corruption(at + name + ": expected null, a decimal string or an object");
  if (v.contains("forkDigest")) return check_status(v, at, name);
  if (v.contains("seqNumber")) {
    if (!is_uint64_decimal(v["seqNumber"]))
      return Status::corruption(at + name + ".seqNumber: expected a uint64 decimal string");
    JsonRef attnets = v.find("attnets");
    if (!attnets || !is_bitvector(attnets, 16, 64))
      return Status::corruption(at + name + ".attnets: expected 16 lowercase hex digits");
    JsonRef syncnets = v.find("syncnets");
    if (syncnets.valid() && !is_bitvector(syncnets, 2, 4))
      return Status::corruption(at + name + ".syncnets: expected 2 lowercase hex digits, the padding bits 4..7 zero");
    JsonRef cgc = v.find("custodyGroupCount");
    if (cgc.valid() && !is_uint64_decimal(cgc))
      return Status::corruption(at + name + ".custodyGroupCount: expected a uint64 decimal string");
    return Status::ok();
  }
  JsonRef agent = v.find("agentVersion");
  if (agent.valid() && !agent.is_string()) return Status::corruption(at + name + ".agentVersion: expected a string");
  return Status::ok();
}

Status check_type(JsonRef v, T t, const std::string& at, const std::string& name) {
  bool ok = true;
  switch (t) {
    case T::kString: ok = v.is_string(); break;
    case T::kUint: ok = is_int_in(v, 0, kMaxSafeInteger); break;
    case T::kInt: ok = is_int_in(v, -kMaxSafeInteger, kMaxSafeInteger); break;
    case T::kNumber: ok = is_finite_number(v); break;
    case T::kScore: ok = is_spelled_number(v); break;
    case T::kBool: ok = v.is_boolean(); break;
    case T::kObject: ok = v.is_object(); break;
    case T::kArray: ok = v.is_array(); break;
    case T::kAny: ok = true; break;
    case T::kDecimal: ok = is_decimal(v); break;
    case T::kHex8: ok = is_hex(v, 8); break;
    case T::kHex64: ok = is_hex(v, 64); break;
    case T::kStatus: return check_status(v, at, name);
    case T::kUintOrNull: ok = v.is_null() || is_int_in(v, 0, kMaxSafeInteger); break;
    case T::kPeers:
      ok = v.is_array();
      for (auto it = v.begin(); ok && it != v.end(); ++it) ok = (*it).is_string();
      break;
    case T::kInts:
      ok = v.is_array();
      for (auto it = v.begin(); ok && it != v.end(); ++it) ok = is_int_in(*it, -kMaxSafeInteger, kMaxSafeInteger);
      break;
    case T::kSubnets:
      ok = v.is_array();
      for (auto it = v.begin(); ok && it != v.end(); ++it) {
        const JsonRef e = *it;
        ok = e.is_object() && e.size() == 2 && e.contains("subnet") && e.contains("toSlot") &&
             is_int_in(e["subnet"], 0, 1 << 20) && is_int_in(e["toSlot"], 0, kMaxSafeInteger);
      }
      break;
    case T::kRand:
      ok = v.is_array();
      for (auto it = v.begin(); ok && it != v.end(); ++it) {
        const JsonRef e = *it;
        ok = is_finite_number(e) && e.as_double() >= 0.0 && e.as_double() < 1.0;
      }
      break;
    case T::kGossipScores:
      ok = v.is_array();
      for (auto it = v.begin(); ok && it != v.end(); ++it) {
        const JsonRef e = *it;
        ok = e.is_array() && e.size() == 2 && e.at(0).is_string() && is_spelled_number(e.at(1));
      }
      break;
  }
  if (!ok) return Status::corruption(at + name + ": expected " + type_text(t));
  return Status::ok();
}

// Inputs an event may carry whatever its kind (FORMAT.md §2.2).
#define PEER_REPLAY_EVENT_COMMON                                                                   \
  {"type", T::kString, true}, {"seq", T::kUint, true}, {"t_ms", T::kUint, true},                  \
      {"kind", T::kString, true}, {"rand", T::kRand, false}, {"active_attnets", T::kSubnets, false}, \
      {"active_syncnets", T::kSubnets, false}, {"gossip_scores", T::kGossipScores, false}

template <size_t N>
Status check_name(JsonRef obj, const char* member, const std::array<const char*, N>& names, const std::string& at,
                  const std::string& what) {
  JsonRef it = obj.find(member);
  if (!it || peers::enum_from_name<int>(names, it.str()).has_value()) return Status::ok();
  std::string list;
  for (const char* v : names) {
    list += list.empty() ? "" : ", ";
    list += v;
  }
  return Status::corruption(at + what + " member \"" + member + "\": expected one of " + list + ", got \"" +
                            std::string(it.str().substr(0, 40)) + "\"");
}

// discover_peers: its members, then each query's.
Status check_discover_peers(JsonRef a, const SchemaContext& ctx, const std::string& w) {
  Status s = check_members(a,
                           {{"kind", T::kString, true},
                            {"peers_to_connect", T::kInt, true},
                            {"custody_group_queries", T::kArray, true},
                            {"subnet_queries", T::kArray, true}},
                           ctx, w);
  if (!s.is_ok()) return s;
  for (JsonRef q : a["custody_group_queries"]) {
    if (!q.is_array() || q.size() != 2 || !is_int_in(q.at(0), 0, 1 << 20) || !is_int_in(q.at(1), -kMaxSafeInteger, kMaxSafeInteger))
      return Status::corruption(ctx.at() + w + " custody_group_queries: expected [group, count] integer pairs");
  }
  for (JsonRef q : a["subnet_queries"]) {
    if (!q.is_object()) return Status::corruption(ctx.at() + w + " subnet_queries: expected objects");
    s = check_members(q,
                      {{"subnet", T::kUint, true},
                       {"type", T::kString, true},
                       {"max_peers_to_discover", T::kInt, true},
                       {"to_unix_ms", T::kNumber, true}},
                      ctx, w + " subnet query");
    if (!s.is_ok()) return s;
    s = check_name(q, "type", peers::kSubnetTypeNames, ctx.at(), w + " subnet query");
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

Status check_action(JsonRef a, const SchemaContext& ctx, size_t index) {
  const std::string what = "actions[" + std::to_string(index) + "]";
  if (!a.is_object()) return Status::corruption(ctx.at() + what + ": expected an object");
  JsonRef k = a.find("kind");
  if (!k || !k.is_string()) return Status::corruption(ctx.at() + what + ": expected a string member \"kind\"");
  const std::string_view kind = k.str();
  const std::optional<peers::ActionKind> parsed = peers::enum_from_name<peers::ActionKind>(peers::kActionKindNames, kind);
  if (!parsed.has_value()) {
    return Status::corruption(ctx.at() + what + ": unknown action kind \"" + std::string(kind.substr(0, 40)) +
                              "\" (FORMAT.md §3.2 lists the known kinds)");
  }
  const std::string w = what + " (" + std::string(kind) + ")";
  using peers::ActionKind;
  switch (*parsed) {
    case ActionKind::kSendPing:
    case ActionKind::kSendMetadata:
    case ActionKind::kDisconnect:
    case ActionKind::kIdentify:
      return check_members(a, {{"kind", T::kString, true}, {"peer", T::kString, true}, {"req", T::kUint, true}}, ctx, w);
    case ActionKind::kSendStatus:
      return check_members(
          a, {{"kind", T::kString, true}, {"peer", T::kString, true}, {"req", T::kUint, true}, {"status", T::kStatus, true}},
          ctx, w);
    case ActionKind::kSendGoodbye:
      return check_members(
          a, {{"kind", T::kString, true}, {"peer", T::kString, true}, {"req", T::kUint, true}, {"reason", T::kDecimal, true}},
          ctx, w);
    case ActionKind::kTagRelevant:
    case ActionKind::kUntagRelevant:
    case ActionKind::kPeerDisconnected:
      return check_members(a, {{"kind", T::kString, true}, {"peer", T::kString, true}}, ctx, w);
    case ActionKind::kPeerConnected:
      return check_members(a,
                           {{"kind", T::kString, true},
                            {"peer", T::kString, true},
                            {"client", T::kString, true},
                            {"custody_columns", T::kInts, true},
                            {"status", T::kStatus, true}},
                           ctx, w);
    case ActionKind::kDiscoverPeers:
      return check_discover_peers(a, ctx, w);
  }
  return Status::corruption(ctx.at() + w + ": no schema for this action kind");
}

// FORMAT.md §3.4, checked without building any string; on false the caller
// runs the general check to produce the message.
bool score_entry_ok(JsonRef e) {
  if (!e.is_object() || e.size() != 6) return false;
  static const char* kScores[] = {"lodestar", "gossip", "score"};
  for (const char* k : kScores) {
    JsonRef it = e.find(k);
    if (!it || !is_spelled_number(it)) return false;
  }
  JsonRef last_update = e.find("last_update_ms");
  if (!last_update || !is_finite_number(last_update)) return false;
  JsonRef peer = e.find("peer");
  JsonRef ignore = e.find("ignore_negative");
  return peer.valid() && peer.is_string() && ignore.valid() && ignore.is_boolean();
}

}  // namespace

namespace {

template <size_t N>
std::vector<std::string_view> names_of(const std::array<const char*, N>& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

}  // namespace

const std::vector<std::string_view>& event_kinds() {
  static const std::vector<std::string_view> kKinds = names_of(peers::kEventKindNames);
  return kKinds;
}

const std::vector<std::string_view>& action_kinds() {
  static const std::vector<std::string_view> kKinds = names_of(peers::kActionKindNames);
  return kKinds;
}

const std::vector<std::string_view>& timer_kinds() {
  static const std::vector<std::string_view> kKinds = names_of(peers::kTimerKindNames);
  return kKinds;
}

Status check_header(JsonRef j, const SchemaContext& ctx) {
  // format first, then format_version: a future format may change anything else.
  JsonRef f = j.find("format");
  if (!f || !f.is_string() || f.str() != kFormatName) {
    // A structured value is named by its type, not dumped (see is_hex_member).
    std::string got = !f          ? "no \"format\" member"
                      : f.is_structured() ? "\"format\": an " + std::string(f.type_name())
                                           : "\"format\": " + f.dump().substr(0, 60);
    return Status::corruption(ctx.at() + "expected \"format\":\"" + kFormatName + "\" in the header, got " + got);
  }
  JsonRef v = j.find("format_version");
  if (!v || !is_int_in(v, 0, kMaxSafeInteger)) {
    return Status::corruption(ctx.at() + "expected an integer \"format_version\" in the header");
  }
  const int64_t version = v.as_int64();
  if (version > kFormatVersion) {
    return Status::not_supported(ctx.at() + "trace format_version " + std::to_string(version) +
                                 " is newer than this reader (reads " + std::to_string(kFormatVersionOldest) + ".." +
                                 std::to_string(kFormatVersion) + "); use a newer peer-replay");
  }
  if (version < kFormatVersionOldest) {
    return Status::not_supported(ctx.at() + "trace format_version " + std::to_string(version) +
                                 " is older than this reader supports (" + std::to_string(kFormatVersionOldest) + ".." +
                                 std::to_string(kFormatVersion) + ")");
  }
  Status s = check_members(j,
                           {{"type", T::kString, true},
                            {"format", T::kString, true},
                            {"format_version", T::kUint, true},
                            {"producer", T::kObject, true},
                            {"scenario", T::kString, true},
                            {"seed", T::kString, true},
                            {"config", T::kObject, true},
                            {"local", T::kObject, true},
                            {"metrics", T::kBool, false}},  // FORMAT.md §8
                           ctx, "header");
  if (!s.is_ok()) return s;
  JsonRef producer = j["producer"];
  s = check_members(producer, {{"name", T::kString, true}, {"version", T::kString, true}, {"mode", T::kString, true}},
                    ctx, "header.producer",
                    {"packages", "node", "peer_replay_version", "git_commit", "source", "seed", "note"});
  if (!s.is_ok()) return s;
  s = check_name(producer, "mode", kProducerModeNames, ctx.at(), "header.producer");
  if (!s.is_ok()) return s;
  JsonRef config = j["config"];
  s = check_members(config,
                    {{"targetPeers", T::kUint, true},
                     {"maxPeers", T::kUint, true},
                     {"targetGroupPeers", T::kUint, true},
                     {"gossipDecayIntervalMs", T::kUint, true},
                     {"disablePeerScoring", T::kBool, true},
                     {"genesisTime", T::kUint, true},
                     {"discovery", T::kBool, true},
                     {"chain", T::kObject, true}},
                    ctx, "header.config");
  if (!s.is_ok()) return s;
  if (config["gossipDecayIntervalMs"].as_int64() <= 0)
    return Status::corruption(ctx.at() + "header.config member \"gossipDecayIntervalMs\": expected a positive interval");
  s = check_members(config["chain"],
                    {{"SLOTS_PER_EPOCH", T::kUint, true},
                     {"SLOT_DURATION_MS", T::kUint, true},
                     {"CUSTODY_REQUIREMENT", T::kUint, true},
                     {"SAMPLES_PER_SLOT", T::kUint, true},
                     {"NUMBER_OF_CUSTODY_GROUPS", T::kUint, true},
                     {"NUMBER_OF_COLUMNS", T::kUint, true},
                     {"DATA_COLUMN_SIDECAR_SUBNET_COUNT", T::kUint, true},
                     {"ALTAIR_FORK_EPOCH", T::kUintOrNull, true},
                     {"BELLATRIX_FORK_EPOCH", T::kUintOrNull, true},
                     {"CAPELLA_FORK_EPOCH", T::kUintOrNull, true},
                     {"DENEB_FORK_EPOCH", T::kUintOrNull, true},
                     {"ELECTRA_FORK_EPOCH", T::kUintOrNull, true},
                     {"FULU_FORK_EPOCH", T::kUintOrNull, true},
                     {"GLOAS_FORK_EPOCH", T::kUintOrNull, true}},
                    ctx, "header.config.chain");
  if (!s.is_ok()) return s;
  for (const char* k : {"SLOTS_PER_EPOCH", "SLOT_DURATION_MS", "NUMBER_OF_CUSTODY_GROUPS", "NUMBER_OF_COLUMNS"}) {
    if (config["chain"][k].as_int64() <= 0)
      return Status::corruption(ctx.at() + "header.config.chain member \"" + k + "\": expected a positive integer");
  }
  return check_members(j["local"],
                       {{"nodeId", T::kHex64, true},
                        {"custodyGroupCount", T::kUint, true},
                        {"sampleGroups", T::kInts, true},
                        {"sampledSubnets", T::kInts, true},
                        {"status", T::kStatus, true}},
                       ctx, "header.local");
}

Status check_event(JsonRef j, const SchemaContext& ctx, uint64_t* seq, int64_t* t_ms, std::string* kind) {
  JsonRef k = j.find("kind");
  if (!k || !k.is_string()) return Status::corruption(ctx.at() + "event: expected a string member \"kind\"");
  *kind = std::string(k.str());
  const std::optional<peers::EventKind> parsed = peers::enum_from_name<peers::EventKind>(peers::kEventKindNames, *kind);
  if (!parsed.has_value()) {
    return Status::corruption(ctx.at() + "unknown event kind \"" + kind->substr(0, 40) +
                              "\" (FORMAT.md §3.1 lists the known kinds)");
  }
  const std::string w = "event (" + *kind + ")";
  Status s;
  using peers::EventKind;
  switch (*parsed) {
    case EventKind::kInit:
      s = check_members(j, {PEER_REPLAY_EVENT_COMMON, {"connections", T::kArray, false}}, ctx, w);
      break;
    case EventKind::kConnectionOpen:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"peer", T::kString, true},
                         {"conn", T::kString, true},
                         {"direction", T::kString, true},
                         {"node_id", T::kHex64, false},
                         {"key_type", T::kString, false},
                         {"status", T::kString, false}},
                        ctx, w);
      if (s.is_ok()) s = check_name(j, "direction", peers::kDirectionNames, ctx.at(), w);
      if (s.is_ok()) s = check_name(j, "status", peers::kConnectionStatusNames, ctx.at(), w);
      if (s.is_ok() && (!j.contains("key_type") || j["key_type"] == "secp256k1") && !j.contains("node_id"))
        s = Status::corruption(ctx.at() + w + ": expected member \"node_id\" for a secp256k1 peer");
      break;
    case EventKind::kConnectionClose:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"peer", T::kString, true},
                         {"conn", T::kString, true},
                         {"direction", T::kString, false}},
                        ctx, w);
      if (s.is_ok()) s = check_name(j, "direction", peers::kDirectionNames, ctx.at(), w);
      break;
    case EventKind::kRequest:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"peer", T::kString, true},
                         {"method", T::kString, true},
                         {"body", T::kAny, false}},
                        ctx, w);
      if (s.is_ok()) s = check_name(j, "method", peers::kReqRespMethodNames, ctx.at(), w);
      if (s.is_ok()) {
        const std::string_view m = j["method"].str();
        JsonRef body = j.find("body");
        if ((m == "ping" || m == "goodbye") && (!body || !is_uint64_decimal(body)))
          s = Status::corruption(ctx.at() + w + " member \"body\": expected a uint64 decimal string for " + std::string(m));
        else if (m == "status" && !j.contains("body"))
          s = Status::corruption(ctx.at() + w + ": expected member \"body\" (a Status) for status");
        else if (m == "status")
          s = check_status(j["body"], ctx.at(), w + " member \"body\"");
      }
      break;
    case EventKind::kResponse:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON, {"req", T::kUint, true}, {"ok", T::kAny, false}, {"error", T::kString, false}},
                        ctx, w);
      if (s.is_ok() && j.contains("ok") == j.contains("error"))
        s = Status::corruption(ctx.at() + w + ": expected exactly one of \"ok\" or \"error\"");
      if (s.is_ok() && j.contains("ok")) s = check_response_value(j["ok"], ctx.at(), w + " member \"ok\"");
      break;
    case EventKind::kTimer:
      s = check_members(j, {PEER_REPLAY_EVENT_COMMON, {"timer", T::kString, true}, {"req", T::kUint, false}}, ctx, w);
      if (s.is_ok()) s = check_name(j, "timer", peers::kTimerKindNames, ctx.at(), w);
      if (s.is_ok() && (j["timer"] == "goodbye_timeout") != j.contains("req"))
        s = Status::corruption(ctx.at() + w + ": member \"req\" is required for goodbye_timeout and only there");
      break;
    case EventKind::kReportPeer:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"peer", T::kString, true},
                         {"action", T::kString, true},
                         {"action_name", T::kString, true}},
                        ctx, w);
      if (s.is_ok()) s = check_name(j, "action", peers::kPeerActionNames, ctx.at(), w);
      break;
    case EventKind::kCommitteeSubscriptions:
    case EventKind::kGoodbyeAll:
      s = check_members(j, {PEER_REPLAY_EVENT_COMMON}, ctx, w);
      break;
    case EventKind::kRestatusPeers:
      s = check_members(j, {PEER_REPLAY_EVENT_COMMON, {"peers", T::kPeers, true}}, ctx, w);
      break;
    case EventKind::kLocalStatus:
      s = check_members(j, {PEER_REPLAY_EVENT_COMMON, {"status", T::kStatus, true}}, ctx, w);
      break;
    case EventKind::kConnectionStatus:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"peer", T::kString, true},
                         {"conn", T::kString, true},
                         {"status", T::kString, true}},
                        ctx, w);
      if (s.is_ok()) s = check_name(j, "status", peers::kConnectionStatusNames, ctx.at(), w);
      break;
    case EventKind::kLocalCustody:
      s = check_members(j,
                        {PEER_REPLAY_EVENT_COMMON,
                         {"custody_group_count", T::kUint, true},
                         {"sample_groups", T::kInts, true},
                         {"sampled_subnets", T::kInts, true}},
                        ctx, w);
      break;
  }
  if (!s.is_ok()) return s;
  *seq = j["seq"].as_uint64();
  *t_ms = j["t_ms"].as_int64();
  return Status::ok();
}

Status check_expect(JsonRef j, const SchemaContext& ctx, uint64_t* seq) {
  Status s = check_members(j,
                           {{"type", T::kString, true},
                            {"seq", T::kUint, true},
                            {"actions", T::kArray, true},
                            {"scores", T::kArray, false},
                            {"scores_removed", T::kPeers, false},
                            {"scores_full", T::kBool, false}},
                           ctx, "expect");
  if (!s.is_ok()) return s;
  size_t i = 0;
  for (const JsonRef action : j["actions"]) {
    s = check_action(action, ctx, i++);
    if (!s.is_ok()) return s;
  }
  i = 0;
  for (const JsonRef entry : j["scores"]) {  // an absent member iterates as empty
    if (score_entry_ok(entry)) {  // a full dump has up to 1000 entries: no allocation per entry
      i++;
      continue;
    }
    {
      if (!entry.is_object()) return Status::corruption(ctx.at() + "scores[" + std::to_string(i) + "]: expected an object");
      s = check_members(entry,
                        {{"peer", T::kString, true},
                         {"lodestar", T::kScore, true},
                         {"gossip", T::kScore, true},
                         {"ignore_negative", T::kBool, true},
                         {"score", T::kScore, true},
                         {"last_update_ms", T::kNumber, true}},
                        ctx, "scores[" + std::to_string(i) + "]");
      if (!s.is_ok()) return s;
    }
    i++;
  }
  *seq = j["seq"].as_uint64();
  return Status::ok();
}

Status check_end(JsonRef j, const SchemaContext& ctx, uint64_t* events) {
  Status s = check_members(j, {{"type", T::kString, true}, {"events", T::kUint, true}}, ctx, "end");
  if (!s.is_ok()) return s;
  *events = j["events"].as_uint64();
  return Status::ok();
}

std::optional<double> spelled_number(JsonRef v) {
  if (v.is_number()) {
    const double d = v.as_double();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  if (v.str() == "+Inf") return std::numeric_limits<double>::infinity();
  if (v.str() == "-Inf") return -std::numeric_limits<double>::infinity();
  if (v.str() == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

std::string spelled_number_text(double v) {
  assert(!std::isfinite(v));
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

}  // namespace replay
