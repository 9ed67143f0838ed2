// expect_match: see expect_match.h for what and why.
#include "replay/expect_match.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "trace/json_compare.h"
#include "trace/trace_schema.h"

namespace replay {

namespace {

using Type = JsonRef::Type;

// JS's Number.MAX_SAFE_INTEGER: js_value's bound for printing as an integer.
constexpr double kMaxSafeInteger = 9007199254740991.0;

bool doubles_equal(double a, double b, uint64_t ulp) {
  if (std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b)) return true;
  if (ulp == 0) return false;
  const uint64_t d = ulp_distance(a, b);
  return d != kUlpNotComparable && d <= ulp;
}

// Against a value the DOM holds as number_integer (a signed C++ integer).
bool int_equal(JsonRef e, int64_t v, uint64_t ulp = 0) {
  switch (e.type()) {
    case Type::kInteger: return e.as_int64() == v;
    case Type::kUnsigned: return v >= 0 && e.as_uint64() == static_cast<uint64_t>(v);
    case Type::kFloat: return doubles_equal(e.as_double(), static_cast<double>(v), ulp);
    default: return false;
  }
}

// Against a value the DOM holds as number_unsigned.
bool uint_equal(JsonRef e, uint64_t v) {
  switch (e.type()) {
    case Type::kInteger: return e.as_int64() >= 0 && static_cast<uint64_t>(e.as_int64()) == v;
    case Type::kUnsigned: return e.as_uint64() == v;
    case Type::kFloat: return doubles_equal(e.as_double(), static_cast<double>(v), 0);
    default: return false;
  }
}

// Against js_value(v) (trace_event.cc): an integer when v is a safe integer
// other than -0, a double when finite, else its spelling, where any NaN
// equals any NaN (the spelling keeps no bits).
bool js_number_equal(JsonRef e, double v, uint64_t ulp) {
  if (!std::isfinite(v)) {
    const std::optional<double> d = e.is_string() ? spelled_number(e) : std::nullopt;
    return d.has_value() && (std::isnan(v) ? std::isnan(*d) : *d == v);
  }
  if (std::floor(v) == v && std::fabs(v) <= kMaxSafeInteger && !(v == 0 && std::signbit(v))) {
    return int_equal(e, static_cast<int64_t>(v), ulp);
  }
  return e.is_number() && doubles_equal(e.as_double(), v, ulp);
}

bool string_equal(JsonRef e, std::string_view v) { return e.is_string() && e.str() == v; }

// Lowercase hex without 0x, as to_hex writes it.
template <size_t N>
bool hex_equal(JsonRef e, const std::array<uint8_t, N>& bytes) {
  if (!e.is_string() || e.str().size() != 2 * N) return false;
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::string_view s = e.str();
  for (size_t i = 0; i < N; i++) {
    if (s[2 * i] != kDigits[bytes[i] >> 4] || s[2 * i + 1] != kDigits[bytes[i] & 0xf]) return false;
  }
  return true;
}

bool status_equal(JsonRef e, const peers::ChainStatus& s) {
  const size_t members = 5 + (s.earliest_available_slot.has_value() ? 1 : 0);
  if (!e.is_object() || e.size() != members) return false;
  if (s.earliest_available_slot.has_value() && !int_equal(e["earliestAvailableSlot"], *s.earliest_available_slot)) {
    return false;
  }
  return hex_equal(e["forkDigest"], s.fork_digest) && hex_equal(e["finalizedRoot"], s.finalized_root) &&
         int_equal(e["finalizedEpoch"], s.finalized_epoch) && hex_equal(e["headRoot"], s.head_root) &&
         int_equal(e["headSlot"], s.head_slot);
}

bool columns_equal(JsonRef e, const std::vector<peers::ColumnIndex>& columns) {
  if (!e.is_array() || e.size() != columns.size()) return false;
  size_t i = 0;
  for (const JsonRef c : e) {
    if (!uint_equal(c, columns[i++])) return false;
  }
  return true;
}

bool group_queries_equal(JsonRef e, const std::vector<std::pair<peers::CustodyIndex, int64_t>>& queries) {
  if (!e.is_array() || e.size() != queries.size()) return false;
  size_t i = 0;
  for (const JsonRef q : e) {
    if (!q.is_array() || q.size() != 2) return false;
    auto it = q.begin();
    if (!uint_equal(*it, queries[i].first)) return false;
    ++it;
    if (!int_equal(*it, queries[i].second)) return false;
    i++;
  }
  return true;
}

bool subnet_queries_equal(JsonRef e, const std::vector<peers::SubnetQuery>& queries) {
  if (!e.is_array() || e.size() != queries.size()) return false;
  size_t i = 0;
  for (const JsonRef q : e) {
    const peers::SubnetQuery& s = queries[i++];
    if (!q.is_object() || q.size() != 4) return false;
    if (!int_equal(q["subnet"], s.subnet) || !string_equal(q["type"], peers::subnet_type_name(s.type)) ||
        !int_equal(q["max_peers_to_discover"], s.max_peers_to_discover) ||
        !js_number_equal(q["to_unix_ms"], s.to_unix_ms, 0)) {
      return false;
    }
  }
  return true;
}

// The members action_to_json writes for each kind beyond kind, peer and req.
bool kind_members_equal(JsonRef e, const peers::Action& a, size_t* members) {
  switch (a.kind) {
    case peers::ActionKind::kSendStatus:
      *members += 1;
      return status_equal(e["status"], a.status);
    case peers::ActionKind::kSendGoodbye: {
      *members += 1;
      char buf[24];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a.reason);
      return ec == std::errc() && string_equal(e["reason"], std::string_view(buf, static_cast<size_t>(end - buf)));
    }
    case peers::ActionKind::kPeerConnected:
      *members += 3;
      return string_equal(e["client"], a.client) && columns_equal(e["custody_columns"], a.custody_columns) &&
             status_equal(e["status"], a.status);
    case peers::ActionKind::kDiscoverPeers:
      *members += 3;
      return int_equal(e["peers_to_connect"], a.peers_to_connect) &&
             group_queries_equal(e["custody_group_queries"], a.custody_group_queries) &&
             subnet_queries_equal(e["subnet_queries"], a.subnet_queries);
    default:
      return true;
  }
}

}  // namespace

bool action_matches(JsonRef e, const peers::Action& a) {
  if (!e.is_object() || !string_equal(e["kind"], peers::action_kind_name(a.kind))) return false;
  size_t members = 1;
  if (a.kind != peers::ActionKind::kDiscoverPeers) {
    members++;
    if (!string_equal(e["peer"], a.peer.str())) return false;
  }
  if (peers::action_has_req(a.kind)) {
    members++;
    if (!int_equal(e["req"], a.req)) return false;
  }
  return kind_members_equal(e, a, &members) && e.size() == members;
}

bool actions_match(JsonRef e, const std::vector<peers::Action>& actions) {
  if (!e.is_array() || e.size() != actions.size()) return false;
  size_t i = 0;
  for (const JsonRef a : e) {
    if (!action_matches(a, actions[i++])) return false;
  }
  return true;
}

bool score_entry_matches(JsonRef e, const peers::PeerScoreStatEntry& entry, uint64_t ulp) {
  const peers::PeerScoreStat& s = entry.stat;
  return e.is_object() && e.size() == 6 && string_equal(e["peer"], entry.peer_id.str()) &&
         js_number_equal(e["lodestar"], s.lodestar_score, ulp) && js_number_equal(e["gossip"], s.gossip_score, ulp) &&
         e["ignore_negative"].is_boolean() && e["ignore_negative"].as_bool() == s.ignore_negative_gossip_score &&
         js_number_equal(e["score"], s.score, ulp) && int_equal(e["last_update_ms"], s.last_update_ms, ulp);
}

bool score_entries_match(JsonRef e, const peers::PeerScoreStats& entries, uint64_t ulp) {
  if (!e.is_array() || e.size() != entries.size()) return false;
  size_t i = 0;
  for (const JsonRef x : e) {
    if (!score_entry_matches(x, entries[i++], ulp)) return false;
  }
  return true;
}

bool peer_ids_match(JsonRef e, const std::vector<peers::PeerIdStr>& ids) {
  if (!e.is_array() || e.size() != ids.size()) return false;
  size_t i = 0;
  for (const JsonRef x : e) {
    if (!string_equal(x, ids[i++].str())) return false;
  }
  return true;
}

}  // namespace replay
