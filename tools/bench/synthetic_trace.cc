#include "tools/bench/synthetic_trace.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/peer_manager.h"
#include "replay/score_delta.h"
#include "replay/trace_event.h"
#include "sim/choices.h"
#include "sim/simulator.h"
#include "trace/trace_writer.h"

namespace bench {

namespace {

using nlohmann::json;

// FORMAT.md §2.1 from the simulator's setup.
json header_json(uint64_t seed, const peers::PeerManagerConfig& c, const peers::LocalNode& local) {
  json chain = {{"SLOTS_PER_EPOCH", c.chain.slots_per_epoch},
                {"SLOT_DURATION_MS", c.chain.slot_duration_ms},
                {"CUSTODY_REQUIREMENT", c.chain.custody_requirement},
                {"SAMPLES_PER_SLOT", c.chain.samples_per_slot},
                {"NUMBER_OF_CUSTODY_GROUPS", c.chain.number_of_custody_groups},
                {"NUMBER_OF_COLUMNS", c.chain.number_of_columns},
                {"DATA_COLUMN_SIDECAR_SUBNET_COUNT", c.chain.data_column_sidecar_subnet_count}};
  for (int i = 1; i < peers::kForkCount; i++) {
    std::string member = peers::fork_name(static_cast<peers::ForkSeq>(i));
    for (char& ch : member) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const peers::Epoch epoch = c.chain.fork_epoch[i];
    chain[member + "_FORK_EPOCH"] = epoch == peers::kFarFutureEpoch ? json(nullptr) : json(epoch);
  }
  json config = {{"targetPeers", c.target_peers},
                 {"maxPeers", c.max_peers},
                 {"targetGroupPeers", c.target_group_peers},
                 {"gossipDecayIntervalMs", c.gossip_decay_interval_ms},
                 {"disablePeerScoring", c.disable_peer_scoring},
                 {"genesisTime", c.chain.genesis_time_s},
                 {"discovery", c.discovery},
                 {"chain", std::move(chain)}};
  json local_json = {{"nodeId", replay::to_hex(local.node_id.data(), local.node_id.size())},
                     {"custodyGroupCount", local.custody_group_count},
                     {"sampleGroups", local.sample_groups},
                     {"sampledSubnets", local.sampled_subnets},
                     {"status", replay::status_to_json(local.status)}};
  return {{"type", "header"},
          {"format", "peer-replay-trace"},
          {"format_version", 1},
          {"producer", {{"name", "peer-replay-synthetic"}, {"version", "0.2.0"}, {"mode", "scripted"}}},
          {"scenario", "synthetic-bench"},
          {"seed", std::to_string(seed)},
          {"config", std::move(config)},
          {"local", std::move(local_json)}};
}

const char* direction_name(peers::Direction d) { return d == peers::Direction::kInbound ? "inbound" : "outbound"; }

json connection_json(const peers::ConnectionSpec& c) {
  json j = {{"peer", c.peer.str()}, {"conn", c.conn}, {"direction", direction_name(c.direction)}};
  if (c.node_id.has_value()) j["node_id"] = replay::to_hex(c.node_id->data(), c.node_id->size());
  return j;
}

// An SSZ bitvector in hex: bit i is bit i % 8 of byte i / 8.
template <size_t N>
std::string bitvector_hex(const std::bitset<N>& bits) {
  uint8_t bytes[(N + 7) / 8] = {};
  for (size_t i = 0; i < N; i++) {
    if (bits.test(i)) bytes[i / 8] = static_cast<uint8_t>(bytes[i / 8] | (1u << (i % 8)));
  }
  return replay::to_hex(bytes, sizeof bytes);
}

json metadata_json(const peers::Metadata& m) {
  json j = {{"seqNumber", std::to_string(m.seq_number)}, {"attnets", bitvector_hex(m.attnets)}};
  if (m.syncnets.has_value()) j["syncnets"] = bitvector_hex(*m.syncnets);
  if (m.custody_group_count.has_value()) j["custodyGroupCount"] = std::to_string(*m.custody_group_count);
  return j;
}

json response_value_json(const peers::ResponseValue& ok) {
  using Shape = peers::ResponseValue::Shape;
  switch (ok.shape) {
    case Shape::kNull: return nullptr;
    case Shape::kSeqNumber: return std::to_string(ok.seq_number);
    case Shape::kStatus: return replay::status_to_json(ok.detail->status);
    case Shape::kMetadata: return metadata_json(ok.detail->metadata);
    case Shape::kIdentify: {
      json j = json::object();
      if (ok.detail->agent_version.has_value()) j["agentVersion"] = *ok.detail->agent_version;
      return j;
    }
  }
  return nullptr;
}

json subnets_json(const std::vector<peers::ActiveSubnet>& subnets) {
  json out = json::array();
  for (const peers::ActiveSubnet& a : subnets) out.push_back({{"subnet", a.subnet}, {"toSlot", a.to_slot}});
  return out;
}

// The inputs an event carries (FORMAT.md §2.2): present when the engine read them.
void add_inputs(const peers::EventExtra& extra, json* j) {
  if (extra.rand.has_value() && !extra.rand->empty()) (*j)["rand"] = *extra.rand;
  if (extra.active_attnets.has_value()) (*j)["active_attnets"] = subnets_json(*extra.active_attnets);
  if (extra.active_syncnets.has_value()) (*j)["active_syncnets"] = subnets_json(*extra.active_syncnets);
  if (extra.gossip_scores.has_value()) {
    json scores = json::array();
    for (const auto& [peer, score] : *extra.gossip_scores) scores.push_back(json::array({peer.str(), score}));
    (*j)["gossip_scores"] = std::move(scores);
  }
}

// The members of each kind (FORMAT.md §3.1).
void add_kind_members(const peers::Event& ev, json* j) {
  using peers::EventKind;
  const peers::EventExtra& extra = *ev.extra;
  switch (ev.kind) {
    case EventKind::kInit: {
      if (extra.connections.empty()) break;
      json cs = json::array();
      for (const peers::ConnectionSpec& c : extra.connections) cs.push_back(connection_json(c));
      (*j)["connections"] = std::move(cs);
      break;
    }
    case EventKind::kConnectionOpen: j->update(connection_json(extra.connection)); break;
    case EventKind::kConnectionClose:
      (*j)["peer"] = ev.peer.str();
      (*j)["conn"] = extra.connection.conn;
      break;
    case EventKind::kRequest:
      (*j)["peer"] = ev.peer.str();
      (*j)["method"] = peers::req_resp_method_name(ev.method);
      if (ev.method == peers::ReqRespMethod::Ping || ev.method == peers::ReqRespMethod::Goodbye) (*j)["body"] = std::to_string(ev.body_uint);
      if (extra.body_status.has_value()) (*j)["body"] = replay::status_to_json(*extra.body_status);
      break;
    case EventKind::kResponse:
      (*j)["req"] = ev.req;
      if (ev.is_error) {
        (*j)["error"] = extra.error;
      } else {
        (*j)["ok"] = response_value_json(ev.ok);
      }
      break;
    case EventKind::kTimer:
      (*j)["timer"] = peers::timer_kind_name(ev.timer);
      if (ev.timer == peers::TimerKind::kGoodbyeTimeout) (*j)["req"] = ev.req;
      break;
    case EventKind::kReportPeer:
      (*j)["peer"] = ev.peer.str();
      (*j)["action"] = peers::peer_action_name(extra.action);
      (*j)["action_name"] = extra.action_name;
      break;
    case EventKind::kRestatusPeers: {
      json ids = json::array();
      for (const peers::PeerIdStr& peer : extra.peers) ids.push_back(peer.str());
      (*j)["peers"] = std::move(ids);
      break;
    }
    case EventKind::kLocalStatus: (*j)["status"] = replay::status_to_json(extra.status); break;
    case EventKind::kCommitteeSubscriptions:
    case EventKind::kGoodbyeAll: break;
    case EventKind::kConnectionStatus:
      (*j)["peer"] = ev.peer.str();
      (*j)["conn"] = extra.connection.conn;
      (*j)["status"] = peers::connection_status_name(extra.connection.status);
      break;
    case EventKind::kLocalCustody:
      (*j)["custody_group_count"] = extra.custody_group_count;
      (*j)["sample_groups"] = extra.sample_groups;
      (*j)["sampled_subnets"] = extra.sampled_subnets;
      break;
  }
}

json event_json(const peers::Event& ev) {
  json j = {{"type", "event"}, {"seq", ev.seq}, {"t_ms", ev.t_ms}, {"kind", peers::event_kind_name(ev.kind)}};
  add_kind_members(ev, &j);
  add_inputs(*ev.extra, &j);
  return j;
}

// FORMAT.md §2.3: the full dump after init, heartbeat and
// committee_subscriptions; the entries added or changed, and the removed,
// after every other event.
bool full_dump_after(const peers::Event& ev) {
  return ev.kind == peers::EventKind::kInit || ev.kind == peers::EventKind::kCommitteeSubscriptions ||
         (ev.kind == peers::EventKind::kTimer && ev.timer == peers::TimerKind::kHeartbeat);
}

json expect_json(const peers::Event& ev, const std::vector<peers::Action>& actions, const peers::PeerScoreStats& before,
                 const peers::PeerScoreStats& after) {
  json scores = json::array();
  json removed = json::array();
  const bool full = full_dump_after(ev);
  if (full) {
    for (const peers::PeerScoreStatEntry& e : after) scores.push_back(replay::score_entry_to_json(e));
  } else {
    auto changed = [&](const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat*) {
      scores.push_back(replay::score_entry_to_json(e));
    };
    auto gone = [&](const peers::PeerScoreStatEntry& e) { removed.push_back(e.peer_id.str()); };
    replay::score_delta(before, after, changed, gone);
  }
  return {{"type", "expect"},       {"seq", ev.seq},          {"actions", replay::actions_to_json(actions)},
          {"scores", std::move(scores)}, {"scores_removed", std::move(removed)}, {"scores_full", full}};
}

}  // namespace

bool write_synthetic_trace(const std::string& path, const SyntheticOptions& opts, SyntheticResult* result,
                           std::string* error) {
  // TraceWriter (trace/trace_writer.h) writes through an AtomicFile and picks
  // zstd by the name, so the name must agree with opts.zstd.
  const bool zst_name = path.size() >= 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
  if (zst_name != opts.zstd) {
    *error = path + ": the name must end in .zst exactly when the trace is compressed";
    return false;
  }
  auto created = replay::TraceWriter::create(path, opts.zstd_level);
  if (!created.is_ok()) {
    *error = created.status().message();
    return false;
  }
  replay::TraceWriter& writer = *created.value();
  sim::SeededChoices choices(opts.seed);
  sim::SimOptions sim_options;
  sim_options.peers = opts.peers;
  sim::Simulator simulator(sim_options, &choices);
  peers::Status status = writer.write_line(header_json(opts.seed, simulator.config(), simulator.local()).dump());
  peers::PeerScoreStats before;
  uint64_t events = 0;
  simulator.set_observer([&](const peers::Event& ev, const std::vector<peers::Action>& actions) {
    peers::PeerScoreStats after = simulator.engine().dump_peer_score_stats();
    if (status.is_ok()) status = writer.write_line(event_json(ev).dump());
    if (status.is_ok()) status = writer.write_line(expect_json(ev, actions, before, after).dump());
    before = std::move(after);
    events = ev.seq;
  });
  bool ran = simulator.start();
  while (ran && status.is_ok() && writer.text_bytes() < opts.target_jsonl_bytes) ran = simulator.step_input();
  if (!ran) {
    const sim::SimReport r = simulator.report();
    *error = path + ": the simulator stopped at event " + std::to_string(r.violation_event) + ": " + r.violation;
    return false;
  }
  if (status.is_ok()) status = writer.write_line(json{{"type", "end"}, {"events", events}}.dump());
  if (status.is_ok()) status = writer.commit();
  if (!status.is_ok()) {
    *error = path + ": " + status.message();
    return false;
  }
  result->events = events;
  result->jsonl_bytes = writer.text_bytes();
  result->file_bytes = std::filesystem::file_size(path);
  return true;
}

bool ensure_synthetic_trace(const std::string& path, uint64_t mb, bool zstd) {
  if (std::filesystem::exists(path)) return true;
  SyntheticOptions opts;
  opts.target_jsonl_bytes = mb << 20;
  opts.zstd = zstd;
  SyntheticResult res;
  std::string error;
  std::fprintf(stderr, "generating %s (%llu MB of JSONL)...\n", path.c_str(), static_cast<unsigned long long>(mb));
  if (write_synthetic_trace(path, opts, &res, &error)) return true;
  std::fprintf(stderr, "%s\n", error.c_str());
  return false;
}

}  // namespace bench
