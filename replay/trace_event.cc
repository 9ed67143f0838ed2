#include "replay/trace_event.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "trace/trace_schema.h"

namespace replay {

using nlohmann::json;
using peers::Result;
using peers::Status;

namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Small typed getters: each returns an error naming the member.
class Getter {
 public:
  Getter(JsonRef obj, std::string where, std::string path) : obj_(obj), where_(std::move(where)), path_(std::move(path)) {}

  Status error(const std::string& member, const std::string& expected) const {
    return Status::corruption(where_ + path_ + member + ": expected " + expected);
  }
  bool has(const char* member) const { return obj_.is_object() && obj_.contains(member) && !obj_[member].is_null(); }
  JsonRef find(const char* member) const {
    JsonRef it = obj_.find(member);
    return it;
  }

  Status integer(const char* member, int64_t min, int64_t max, int64_t* out) const {
    JsonRef v = find(member);
    if (!v) return error(member, "an integer (member missing)");
    return as_integer(v, member, min, max, out);
  }
  Status as_integer(JsonRef v, const std::string& member, int64_t min, int64_t max, int64_t* out) const {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned()) {
        const uint64_t u = v.as_uint64();
        if (u > static_cast<uint64_t>(max)) return error(member, "an integer <= " + std::to_string(max));
        *out = static_cast<int64_t>(u);
      } else {
        *out = v.as_int64();
      }
    } else if (v.is_number_float()) {
      const double d = v.as_double();
      if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > static_cast<double>(kMaxSafeInteger)) {
        return error(member, "an integer");
      }
      *out = static_cast<int64_t>(d);
    } else {
      return error(member, "an integer");
    }
    if (*out < min || *out > max) {
      return error(member, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return Status::ok();
  }
  Status boolean(const char* member, bool* out) const {
    JsonRef v = find(member);
    if (!v || !v.is_boolean()) return error(member, "a boolean");
    *out = v.as_bool();
    return Status::ok();
  }
  // A string member, as std::string or as a PeerIdStr (made once, with its hash).
  template <typename Out>
  Status string(const char* member, Out* out) const {
    JsonRef v = find(member);
    if (!v || !v.is_string()) return error(member, "a string");
    *out = Out(v.str());
    return Status::ok();
  }
  // A string member naming an enumerator of `names` (engine/include/peers/enum_names.h).
  template <typename E, size_t N>
  Status name(const char* member, const std::array<const char*, N>& names, E* out) const {
    JsonRef v = find(member);
    std::optional<E> parsed;
    if (v.valid() && v.is_string()) parsed = peers::enum_from_name<E>(names, v.str());
    if (parsed.has_value()) {
      *out = *parsed;
      return Status::ok();
    }
    std::string list;
    for (const char* n : names) list += (list.empty() ? "one of \"" : ", \"") + std::string(n) + "\"";
    return error(member, list);
  }
  // A peer id member, from `ids` when given (see peers::PeerIdTable).
  Status peer_id(const char* member, peers::PeerIdTable* ids, peers::PeerIdStr* out) const {
    JsonRef v = find(member);
    if (!v || !v.is_string()) return error(member, "a string");
    *out = make_peer_id(ids, v.str());
    return Status::ok();
  }
  static peers::PeerIdStr make_peer_id(peers::PeerIdTable* ids, std::string_view text) {
    return ids != nullptr ? ids->get(text) : peers::PeerIdStr(text);
  }
  // A BigInt / uint64 written as a decimal string.
  Status decimal_u64(const char* member, uint64_t* out) const {
    JsonRef v = find(member);
    if (!v) return error(member, "a decimal string");
    return as_decimal_u64(v, member, out);
  }
  Status as_decimal_u64(JsonRef v, const std::string& member, uint64_t* out) const {
    if (!v.is_string()) return error(member, "a decimal string");
    const std::string_view s = v.str();
    if (s.empty() || s.size() > 20) return error(member, "a decimal string of a uint64");
    uint64_t value = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return error(member, "a decimal string of a uint64");
      const uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (UINT64_MAX - digit) / 10) return error(member, "a decimal string of a uint64 (overflow)");
      value = value * 10 + digit;
    }
    *out = value;
    return Status::ok();
  }
  // Fixed-width lowercase hex, into `n` bytes.
  Status hex(const char* member, uint8_t* out, size_t n) const {
    JsonRef v = find(member);
    if (!v) return error(member, std::to_string(2 * n) + " hex digits (member missing)");
    return as_hex(v, member, out, n);
  }
  Status as_hex(JsonRef v, const std::string& member, uint8_t* out, size_t n) const {
    if (!v.is_string()) return error(member, std::to_string(2 * n) + " hex digits");
    std::string s = std::string(v.str());
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
    if (s.size() != 2 * n) return error(member, std::to_string(2 * n) + " hex digits, got " + std::to_string(s.size()));
    for (size_t i = 0; i < n; i++) {
      int hi = hex_digit(s[2 * i]);
      int lo = hex_digit(s[2 * i + 1]);
      if (hi < 0 || lo < 0) return error(member, "hex digits");
      out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return Status::ok();
  }
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  Getter sub(const char* member) const {
    JsonRef v = find(member);
    return Getter(v, where_, path_ + member + ".");
  }
  JsonRef obj() const { return obj_; }
  const std::string& where() const { return where_; }
  const std::string& path() const { return path_; }

 private:
  JsonRef obj_;  // may be the missing value
  std::string where_;
  std::string path_;
};

Status parse_status(JsonRef v, const std::string& where, const std::string& path, peers::ChainStatus* out) {
  if (!v.is_object()) return Status::corruption(where + path + ": expected a Status object");
  Getter g(v, where, path + ".");
  Status s = g.hex("forkDigest", out->fork_digest.data(), 4);
  if (s.is_ok()) s = g.hex("finalizedRoot", out->finalized_root.data(), 32);
  if (s.is_ok()) s = g.integer("finalizedEpoch", 0, kMaxSafeInteger, &out->finalized_epoch);
  if (s.is_ok()) s = g.hex("headRoot", out->head_root.data(), 32);
  if (s.is_ok()) s = g.integer("headSlot", 0, kMaxSafeInteger, &out->head_slot);
  if (s.is_ok() && g.has("earliestAvailableSlot")) {
    int64_t eas = 0;
    s = g.integer("earliestAvailableSlot", 0, kMaxSafeInteger, &eas);
    out->earliest_available_slot = eas;
  } else {
    out->earliest_available_slot.reset();
  }
  return s;
}

// An SSZ bitvector in hex: bit i is bit i % 8 of byte i / 8.
template <size_t N>
Status parse_bitvector(JsonRef v, const std::string& where, const std::string& member, std::bitset<N>* out) {
  if (!v.is_string()) return Status::corruption(where + member + ": expected hex digits");
  std::string s = std::string(v.str());
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
  const size_t bytes = (N + 7) / 8;
  // syncnets (4 bits) may be written as one hex digit.
  if (s.size() == 1 && bytes == 1) s = "0" + s;
  if (s.size() != 2 * bytes) {
    return Status::corruption(where + member + ": expected " + std::to_string(2 * bytes) + " hex digits");
  }
  out->reset();
  for (size_t i = 0; i < bytes; i++) {
    const int hi = Getter::hex_digit(s[2 * i]);
    const int lo = Getter::hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::corruption(where + member + ": expected hex digits");
    const unsigned byte = static_cast<unsigned>(hi << 4 | lo);
    for (size_t b = 0; b < 8; b++) {
      if ((byte >> b & 1u) == 0) continue;
      const size_t bit = i * 8 + b;
      if (bit >= N) return Status::corruption(where + member + ": bit " + std::to_string(bit) + " set beyond the length");
      out->set(bit);
    }
  }
  return Status::ok();
}

Status parse_metadata(JsonRef v, const std::string& where, const std::string& path, peers::Metadata* out) {
  Getter g(v, where, path + ".");
  Status s = g.decimal_u64("seqNumber", &out->seq_number);
  if (!s.is_ok()) return s;
  JsonRef attnets = g.find("attnets");
  if (!attnets) return g.error("attnets", "hex digits");
  s = parse_bitvector(attnets, where, path + ".attnets", &out->attnets);
  if (!s.is_ok()) return s;
  out->syncnets.reset();
  if (g.has("syncnets")) {
    peers::Syncnets syncnets;
    s = parse_bitvector(g.find("syncnets"), where, path + ".syncnets", &syncnets);
    if (!s.is_ok()) return s;
    out->syncnets = syncnets;
  }
  out->custody_group_count.reset();
  if (g.has("custodyGroupCount")) {
    JsonRef c = g.find("custodyGroupCount");
    uint64_t cgc = 0;
    if (c.is_string()) {
      s = g.decimal_u64("custodyGroupCount", &cgc);
    } else {
      int64_t i = 0;
      s = g.as_integer(c, "custodyGroupCount", 0, kMaxSafeInteger, &i);
      cgc = static_cast<uint64_t>(i);
    }
    if (!s.is_ok()) return s;
    out->custody_group_count = cgc;
  }
  return Status::ok();
}

Status parse_node_id(const Getter& g, const char* member, peers::NodeId* out) { return g.hex(member, out->data(), 32); }

Status parse_connection(JsonRef v, const std::string& where, const std::string& path, peers::PeerIdTable* ids,
                        peers::ConnectionSpec* out) {
  Getter g(v, where, path);
  Status s = g.peer_id("peer", ids, &out->peer);
  if (s.is_ok()) s = g.string("conn", &out->conn);
  std::string direction;
  if (s.is_ok()) s = g.string("direction", &direction);
  if (s.is_ok()) {
    if (direction == "inbound") {
      out->direction = peers::Direction::kInbound;
    } else if (direction == "outbound") {
      out->direction = peers::Direction::kOutbound;
    } else {
      return g.error("direction", "\"inbound\" or \"outbound\"");
    }
  }
  if (s.is_ok() && g.has("node_id")) {
    peers::NodeId node_id{};
    s = parse_node_id(g, "node_id", &node_id);
    out->node_id = node_id;
  }
  if (s.is_ok() && g.has("key_type")) s = g.string("key_type", &out->key_type);
  if (s.is_ok() && g.has("status")) s = g.name("status", peers::kConnectionStatusNames, &out->status);
  return s;
}

Status parse_subnets(JsonRef v, const std::string& where, const std::string& member,
                     std::vector<peers::ActiveSubnet>* out) {
  if (!v.is_array()) return Status::corruption(where + member + ": expected an array of {subnet, toSlot}");
  size_t i = 0;
  for (const JsonRef e : v) {
    Getter g(e, where, member + "[" + std::to_string(i++) + "].");
    peers::ActiveSubnet a;
    Status s = g.integer("subnet", 0, 1 << 20, &a.subnet);
    if (s.is_ok()) s = g.integer("toSlot", 0, kMaxSafeInteger, &a.to_slot);
    if (!s.is_ok()) return s;
    out->push_back(a);
  }
  return Status::ok();
}

Status parse_inputs(JsonRef j, const std::string& where, peers::PeerIdTable* ids, peers::Event* ev) {
  if (j.contains("rand")) {
    JsonRef r = j["rand"];
    if (!r.is_array()) return Status::corruption(where + "rand: expected an array of numbers in [0, 1)");
    std::vector<double> draws;
    for (JsonRef d : r) {
      if (!d.is_number()) return Status::corruption(where + "rand: expected numbers");
      const double x = d.as_double();
      if (!(x >= 0.0 && x < 1.0)) return Status::corruption(where + "rand: expected numbers in [0, 1)");
      draws.push_back(x);
    }
    ev->extra.mut().rand = std::move(draws);
  }
  if (j.contains("active_attnets")) {
    std::vector<peers::ActiveSubnet> subnets;
    Status s = parse_subnets(j["active_attnets"], where, "active_attnets", &subnets);
    if (!s.is_ok()) return s;
    ev->extra.mut().active_attnets = std::move(subnets);
  }
  if (j.contains("active_syncnets")) {
    std::vector<peers::ActiveSubnet> subnets;
    Status s = parse_subnets(j["active_syncnets"], where, "active_syncnets", &subnets);
    if (!s.is_ok()) return s;
    ev->extra.mut().active_syncnets = std::move(subnets);
  }
  if (j.contains("gossip_scores")) {
    JsonRef g = j["gossip_scores"];
    if (!g.is_array()) return Status::corruption(where + "gossip_scores: expected an array of [peer, score]");
    std::vector<std::pair<peers::PeerIdStr, double>> scores;
    for (JsonRef e : g) {
      const std::optional<double> score = e.is_array() && e.size() == 2 ? spelled_number(e.at(1)) : std::nullopt;
      if (!score.has_value() || !e.at(0).is_string()) {
        return Status::corruption(where + "gossip_scores: expected [peer, score] pairs, a score a finite number or \"+Inf\", \"-Inf\", \"NaN\"");
      }
      scores.emplace_back(Getter::make_peer_id(ids, e.at(0).str()), *score);
    }
    ev->extra.mut().gossip_scores = std::move(scores);
  }
  return Status::ok();
}

// One function per event kind below: each reads the members its kind
// defines (FORMAT.md) into *ev, whose kind, seq, t_ms and inputs are set.
Status parse_init(JsonRef j, const Getter& g, const std::string& where, peers::PeerIdTable* ids, peers::Event* ev) {
  if (!j.contains("connections")) return Status::ok();
  JsonRef cs = j["connections"];
  if (!cs.is_array()) return g.error("connections", "an array");
  size_t i = 0;
  for (const JsonRef e : cs) {
    peers::ConnectionSpec c;
    Status s = parse_connection(e, where, "connections[" + std::to_string(i++) + "].", ids, &c);
    if (!s.is_ok()) return s;
    ev->extra.mut().connections.push_back(std::move(c));
  }
  return Status::ok();
}

Status parse_connection_close(const Getter& g, peers::PeerIdTable* ids, peers::Event* ev) {
  Status s = g.peer_id("peer", ids, &ev->peer);
  if (s.is_ok()) s = g.string("conn", &ev->extra.mut().connection.conn);
  if (!s.is_ok()) return s;
  ev->extra.mut().connection.peer = ev->peer;
  if (!g.has("direction")) return Status::ok();
  std::string direction;
  s = g.string("direction", &direction);
  if (!s.is_ok()) return s;
  if (direction == "inbound") {
    ev->extra.mut().close_direction = peers::Direction::kInbound;
  } else if (direction == "outbound") {
    ev->extra.mut().close_direction = peers::Direction::kOutbound;
  } else {
    return g.error("direction", "\"inbound\" or \"outbound\"");
  }
  return Status::ok();
}

Status parse_request(const Getter& g, const std::string& where, peers::PeerIdTable* ids, peers::Event* ev) {
  Status s = g.peer_id("peer", ids, &ev->peer);
  if (s.is_ok()) s = g.name("method", peers::kReqRespMethodNames, &ev->method);
  if (!s.is_ok()) return s;
  if (ev->method == peers::ReqRespMethod::Ping || ev->method == peers::ReqRespMethod::Goodbye) {
    return g.decimal_u64("body", &ev->body_uint);
  }
  if (ev->method == peers::ReqRespMethod::Status) {
    JsonRef body = g.find("body");
    if (!body) return g.error("body", "a Status");
    peers::ChainStatus st;
    s = parse_status(body, where, "body", &st);
    if (!s.is_ok()) return s;
    ev->extra.mut().body_status = st;
  }
  return Status::ok();
}

// A response's value: its shape is told by the JSON type and, for objects, by
// a member only that shape has.
Status parse_response_value(JsonRef ok, const Getter& g, const std::string& where, peers::Event* ev) {
  if (ok.is_null()) {
    ev->ok.shape = peers::ResponseValue::Shape::kNull;
    return Status::ok();
  }
  if (ok.is_string()) {
    ev->ok.shape = peers::ResponseValue::Shape::kSeqNumber;
    return g.decimal_u64("ok", &ev->ok.seq_number);
  }
  if (ok.is_object() && ok.contains("forkDigest")) {
    ev->ok.shape = peers::ResponseValue::Shape::kStatus;
    return parse_status(ok, where, "ok", &ev->ok.detail.mut().status);
  }
  if (ok.is_object() && ok.contains("seqNumber")) {
    ev->ok.shape = peers::ResponseValue::Shape::kMetadata;
    return parse_metadata(ok, where, "ok", &ev->ok.detail.mut().metadata);
  }
  if (ok.is_object()) {
    ev->ok.shape = peers::ResponseValue::Shape::kIdentify;
    Getter og(ok, where, "ok.");
    if (!og.has("agentVersion")) return Status::ok();
    std::string agent;
    Status s = og.string("agentVersion", &agent);
    ev->ok.detail.mut().agent_version = agent;
    return s;
  }
  return g.error("ok", "a response value (null, a decimal string, a Status, a Metadata or an identify result)");
}

Status parse_response(const Getter& g, const std::string& where, peers::Event* ev) {
  Status s = g.integer("req", 1, kMaxSafeInteger, &ev->req);
  if (!s.is_ok()) return s;
  JsonRef ok = g.find("ok");
  JsonRef err = g.find("error");
  if ((!ok) == (!err)) return g.error("ok", "exactly one of \"ok\" and \"error\"");
  if (!err.valid()) return parse_response_value(ok, g, where, ev);
  ev->is_error = true;
  if (!err.is_string()) return g.error("error", "a string");
  ev->extra.mut().error = std::string(err.str());
  return Status::ok();
}

Status parse_timer(const Getter& g, peers::Event* ev) {
  Status s = g.name("timer", peers::kTimerKindNames, &ev->timer);
  if (!s.is_ok()) return s;
  if (ev->timer == peers::TimerKind::kGoodbyeTimeout) return g.integer("req", 1, kMaxSafeInteger, &ev->req);
  return Status::ok();
}

Status parse_report_peer(const Getter& g, peers::PeerIdTable* ids, peers::Event* ev) {
  Status s = g.peer_id("peer", ids, &ev->peer);
  if (s.is_ok()) s = g.name("action", peers::kPeerActionNames, &ev->extra.mut().action);
  if (s.is_ok()) s = g.string("action_name", &ev->extra.mut().action_name);
  return s;
}

Status parse_restatus_peers(const Getter& g, peers::PeerIdTable* ids, peers::Event* ev) {
  JsonRef ps = g.find("peers");
  if (!ps || !ps.is_array()) return g.error("peers", "an array of peer ids");
  for (JsonRef p : ps) {
    if (!p.is_string()) return g.error("peers", "an array of peer ids");
    ev->extra.mut().peers.push_back(Getter::make_peer_id(ids, p.str()));
  }
  return Status::ok();
}

Status parse_local_status(const Getter& g, const std::string& where, peers::Event* ev) {
  JsonRef st = g.find("status");
  if (!st) return g.error("status", "a Status");
  return parse_status(st, where, "status", &ev->extra.mut().status);
}

// connection_status (FORMAT.md §9): libp2p changed a connection's status.
Status parse_connection_status(const Getter& g, peers::PeerIdTable* ids, peers::Event* ev) {
  Status s = g.peer_id("peer", ids, &ev->peer);
  if (s.is_ok()) s = g.string("conn", &ev->extra.mut().connection.conn);
  if (s.is_ok()) s = g.name("status", peers::kConnectionStatusNames, &ev->extra.mut().connection.status);
  ev->extra.mut().connection.peer = ev->peer;
  return s;
}

// An array of small non-negative integers (custody groups, subnets).
template <typename T>
Status parse_int_array(const Getter& g, const char* member, std::vector<T>* out) {
  JsonRef a = g.find(member);
  if (!a || !a.is_array()) return g.error(member, "an array of integers");
  for (JsonRef x : a) {
    int64_t v = 0;
    Status s = g.as_integer(x, member, 0, 1 << 20, &v);
    if (!s.is_ok()) return s;
    out->push_back(static_cast<T>(v));
  }
  return Status::ok();
}

// local_custody (FORMAT.md §9): custodyConfig after updateTargetCustodyGroupCount.
Status parse_local_custody(const Getter& g, peers::Event* ev) {
  peers::EventExtra& x = ev->extra.mut();
  Status s = g.integer("custody_group_count", 0, 1 << 20, &x.custody_group_count);
  if (s.is_ok()) s = parse_int_array(g, "sample_groups", &x.sample_groups);
  if (s.is_ok()) s = parse_int_array(g, "sampled_subnets", &x.sampled_subnets);
  return s;
}

// The members of the event's kind (ev->kind, read from its name).
Status parse_event_kind(JsonRef j, const Getter& g, const std::string& where, peers::PeerIdTable* ids,
                        peers::Event* ev) {
  using peers::EventKind;
  switch (ev->kind) {
    case EventKind::kInit: return parse_init(j, g, where, ids, ev);
    case EventKind::kConnectionOpen: {
      Status s = parse_connection(j, where, "", ids, &ev->extra.mut().connection);
      if (s.is_ok()) ev->peer = ev->extra->connection.peer;
      return s;
    }
    case EventKind::kConnectionClose: return parse_connection_close(g, ids, ev);
    case EventKind::kRequest: return parse_request(g, where, ids, ev);
    case EventKind::kResponse: return parse_response(g, where, ev);
    case EventKind::kTimer: return parse_timer(g, ev);
    case EventKind::kReportPeer: return parse_report_peer(g, ids, ev);
    case EventKind::kRestatusPeers: return parse_restatus_peers(g, ids, ev);
    case EventKind::kLocalStatus: return parse_local_status(g, where, ev);
    case EventKind::kConnectionStatus: return parse_connection_status(g, ids, ev);
    case EventKind::kLocalCustody: return parse_local_custody(g, ev);
    case EventKind::kCommitteeSubscriptions:
    case EventKind::kGoodbyeAll: return Status::ok();
  }
  return g.error("kind", "a known event kind");
}

Result<peers::Event> parse_event_inner(const Record& record, const std::string& where, peers::PeerIdTable* ids) {
  const JsonRef j = record.root();
  if (!j.is_object()) return Status::corruption(where + "expected an event object");
  peers::Event ev;
  ev.seq = record.seq;
  ev.t_ms = record.t_ms;
  Getter g(j, where, "");
  Status s = g.name("kind", peers::kEventKindNames, &ev.kind);
  if (!s.is_ok()) return s;
  s = parse_inputs(j, where, ids, &ev);
  if (!s.is_ok()) return s;
  s = parse_event_kind(j, g, where, ids, &ev);
  if (!s.is_ok()) return s;
  return ev;
}

peers::Epoch parse_fork_epoch(JsonRef chain, const char* member, const std::string& where, Status* s) {
  const JsonRef it = chain.find(member);
  if (!it) {
    *s = Status::corruption(where + "config.chain." + member + ": expected an integer or null (member missing)");
    return 0;
  }
  if (it.is_null()) return peers::kFarFutureEpoch;
  if (it.is_number_float() && std::isinf(it.as_double())) return peers::kFarFutureEpoch;
  int64_t epoch = 0;
  Getter g(chain, where, "config.chain.");
  *s = g.integer(member, 0, INT64_MAX, &epoch);
  return epoch;
}

}  // namespace

Result<TraceSetup> parse_header(JsonRef header, const std::string& where) {
  try {
    TraceSetup setup;
    if (!header.is_object()) return Status::corruption(where + "expected a header object");
    Getter h(header, where, "");
    if (h.has("scenario")) (void)h.string("scenario", &setup.scenario);
    if (h.has("seed")) (void)h.string("seed", &setup.seed);
    Getter c = h.sub("config");
    if (!c.obj().is_object()) return c.error("", "an object (config)");
    peers::PeerManagerConfig& cfg = setup.config;
    JsonRef producer = header.find("producer");
    cfg.live_timers = producer.is_object() && producer.find("mode") == "live";
    Status s = c.integer("targetPeers", 0, 1 << 20, &cfg.target_peers);
    if (s.is_ok()) s = c.integer("maxPeers", 0, 1 << 20, &cfg.max_peers);
    if (s.is_ok()) s = c.integer("targetGroupPeers", 0, 1 << 20, &cfg.target_group_peers);
    if (s.is_ok()) s = c.integer("gossipDecayIntervalMs", 1, kMaxSafeInteger, &cfg.gossip_decay_interval_ms);
    if (s.is_ok()) s = c.boolean("disablePeerScoring", &cfg.disable_peer_scoring);
    if (s.is_ok()) s = c.integer("genesisTime", 0, kMaxSafeInteger, &cfg.chain.genesis_time_s);
    if (s.is_ok()) s = c.boolean("discovery", &cfg.discovery);
    if (!s.is_ok()) return s;
    if (h.has("metrics")) {
      s = h.boolean("metrics", &cfg.metrics);  // FORMAT.md §8
      if (!s.is_ok()) return s;
    }
    Getter ch = c.sub("chain");
    if (!ch.obj().is_object()) return c.error("chain", "an object");
    s = ch.integer("SLOTS_PER_EPOCH", 1, 1 << 20, &cfg.chain.slots_per_epoch);
    if (s.is_ok()) s = ch.integer("SLOT_DURATION_MS", 1, kMaxSafeInteger, &cfg.chain.slot_duration_ms);
    if (s.is_ok()) s = ch.integer("CUSTODY_REQUIREMENT", 0, 1 << 20, &cfg.chain.custody_requirement);
    if (s.is_ok()) s = ch.integer("SAMPLES_PER_SLOT", 0, 1 << 20, &cfg.chain.samples_per_slot);
    if (s.is_ok()) s = ch.integer("NUMBER_OF_CUSTODY_GROUPS", 1, 1 << 20, &cfg.chain.number_of_custody_groups);
    if (s.is_ok()) s = ch.integer("NUMBER_OF_COLUMNS", 1, 1 << 20, &cfg.chain.number_of_columns);
    if (s.is_ok()) {
      s = ch.integer("DATA_COLUMN_SIDECAR_SUBNET_COUNT", 1, 1 << 20, &cfg.chain.data_column_sidecar_subnet_count);
    }
    if (!s.is_ok()) return s;
    static const char* kForkMembers[] = {"ALTAIR_FORK_EPOCH",  "BELLATRIX_FORK_EPOCH", "CAPELLA_FORK_EPOCH",
                                         "DENEB_FORK_EPOCH",   "ELECTRA_FORK_EPOCH",   "FULU_FORK_EPOCH",
                                         "GLOAS_FORK_EPOCH"};
    cfg.chain.fork_epoch[0] = 0;
    for (int i = 0; i < 7; i++) {
      cfg.chain.fork_epoch[i + 1] = parse_fork_epoch(ch.obj(), kForkMembers[i], where, &s);
      if (!s.is_ok()) return s;
    }

    Getter l = h.sub("local");
    if (!l.obj().is_object()) return l.error("", "an object (local)");
    peers::LocalNode& local = setup.local;
    s = parse_node_id(l, "nodeId", &local.node_id);
    if (s.is_ok()) s = l.integer("custodyGroupCount", 0, 1 << 20, &local.custody_group_count);
    if (!s.is_ok()) return s;
    JsonRef sample_groups = l.find("sampleGroups");
    if (!sample_groups || !sample_groups.is_array()) return l.error("sampleGroups", "an array of integers");
    for (JsonRef x : sample_groups) {
      int64_t v = 0;
      s = l.as_integer(x, "sampleGroups", 0, 1 << 20, &v);
      if (!s.is_ok()) return s;
      local.sample_groups.push_back(static_cast<peers::CustodyIndex>(v));
    }
    JsonRef sampled_subnets = l.find("sampledSubnets");
    if (!sampled_subnets || !sampled_subnets.is_array()) {
      return l.error("sampledSubnets", "an array of integers");
    }
    for (JsonRef x : sampled_subnets) {
      int64_t v = 0;
      s = l.as_integer(x, "sampledSubnets", 0, 1 << 20, &v);
      if (!s.is_ok()) return s;
      local.sampled_subnets.push_back(v);
    }
    JsonRef status = l.find("status");
    if (!status) return l.error("status", "a Status");
    s = parse_status(status, where, "local.status", &local.status);
    if (!s.is_ok()) return s;
    return setup;
  } catch (const json::exception& e) {
    return Status::corruption(where + "header: " + e.what());
  }
}

Result<peers::Event> parse_event(const Record& record, const std::string& where, peers::PeerIdTable* ids) {
  try {
    return parse_event_inner(record, where, ids);
  } catch (const json::exception& e) {
    return Status::corruption(where + "event: " + e.what());
  }
}

std::string to_hex(const uint8_t* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

json status_to_json(const peers::ChainStatus& status) {
  json j = json::object();
  j["forkDigest"] = to_hex(status.fork_digest.data(), 4);
  j["finalizedRoot"] = to_hex(status.finalized_root.data(), 32);
  j["finalizedEpoch"] = status.finalized_epoch;
  j["headRoot"] = to_hex(status.head_root.data(), 32);
  j["headSlot"] = status.head_slot;
  if (status.earliest_available_slot.has_value()) j["earliestAvailableSlot"] = *status.earliest_available_slot;
  return j;
}

namespace {

// A JS number: integers as JSON integers, other finite values as doubles,
// the rest spelled (FORMAT.md §4).
json js_value(double v) {
  if (!std::isfinite(v)) return spelled_number_text(v);
  if (std::floor(v) == v && std::fabs(v) <= static_cast<double>(kMaxSafeInteger) &&
      !(v == 0 && std::signbit(v))) {
    return static_cast<int64_t>(v);
  }
  return v;
}

}  // namespace

json action_to_json(const peers::Action& a) {
  json j = json::object();
  j["kind"] = peers::action_kind_name(a.kind);
  if (a.kind != peers::ActionKind::kDiscoverPeers) j["peer"] = a.peer;
  if (peers::action_has_req(a.kind)) j["req"] = a.req;
  switch (a.kind) {
    case peers::ActionKind::kSendStatus:
      j["status"] = status_to_json(a.status);
      break;
    case peers::ActionKind::kSendGoodbye:
      j["reason"] = std::to_string(a.reason);
      break;
    case peers::ActionKind::kPeerConnected: {
      j["client"] = a.client;
      json cols = json::array();
      for (peers::ColumnIndex c : a.custody_columns) cols.push_back(c);
      j["custody_columns"] = std::move(cols);
      j["status"] = status_to_json(a.status);
      break;
    }
    case peers::ActionKind::kDiscoverPeers: {
      // Built as arrays and objects moved in whole (a heartbeat's action has
      // dozens of queries; the NativePeerManager renders one per heartbeat).
      j["peers_to_connect"] = a.peers_to_connect;
      json::array_t groups;
      groups.reserve(a.custody_group_queries.size());
      for (const auto& [group, count] : a.custody_group_queries) {
        json::array_t pair;
        pair.reserve(2);
        pair.emplace_back(group);
        pair.emplace_back(count);
        groups.emplace_back(std::move(pair));
      }
      j["custody_group_queries"] = std::move(groups);
      json::array_t subnets;
      subnets.reserve(a.subnet_queries.size());
      for (const peers::SubnetQuery& q : a.subnet_queries) {
        json::object_t query;
        query.emplace("subnet", q.subnet);
        query.emplace("type", peers::subnet_type_name(q.type));
        query.emplace("max_peers_to_discover", q.max_peers_to_discover);
        query.emplace("to_unix_ms", js_value(q.to_unix_ms));
        subnets.emplace_back(std::move(query));
      }
      j["subnet_queries"] = std::move(subnets);
      break;
    }
    default:
      break;
  }
  return j;
}

json actions_to_json(const std::vector<peers::Action>& actions) {
  json out = json::array();
  for (const peers::Action& a : actions) out.push_back(action_to_json(a));
  return out;
}

json score_entry_to_json(const peers::PeerScoreStatEntry& entry) {
  return json{{"peer", entry.peer_id},
              {"lodestar", js_value(entry.stat.lodestar_score)},
              {"gossip", js_value(entry.stat.gossip_score)},
              {"ignore_negative", entry.stat.ignore_negative_gossip_score},
              {"score", js_value(entry.stat.score)},
              {"last_update_ms", entry.stat.last_update_ms}};
}

std::string js_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";  // String(-0) is "0" too
  // Shortest digits that round-trip.
  char buf[64];
  int precision = 1;
  for (; precision <= 17; precision++) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  // buf = [-]d.ddde[+-]xx
  std::string s(buf);
  const bool negative = s[0] == '-';
  if (negative) s = s.substr(1);
  const size_t e = s.find('e');
  std::string digits = s.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::atoi(s.c_str() + e + 1);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // JS: the decimal point sits after n digits
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    const int exp = n - 1;
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += exp >= 0 ? "e+" : "e-";
    out += std::to_string(exp >= 0 ? exp : -exp);
  }
  return negative ? "-" + out : out;
}

}  // namespace replay
