// The engine as a Node addon (Node-API, so one binary serves every Node
// version with N-API 8). It takes and returns trace records (traces/FORMAT.md)
// as JSON text: the same parsing, checks and rendering as `peer-replay check`,
// so what a JS caller gets is what the conformance gate compares.
//
//   native.create(headerJson)        -> handle   (a header record, §2.1)
//   native.step(handle, eventJson)   -> actions JSON text (§3.2), in order
//   native.step(handle, eventJson, draw)
//                                    -> the same for an event without `rand`: the
//                                       Math.random() draws it consumes come from
//                                       draw(count) -> Float64Array(count), called
//                                       as the engine needs them (NativePeerManager)
//   native.connectedPeers(handle)    -> JSON text: peersData.connectedPeers' keys, in order
//   native.scores(handle)            -> the score dump JSON text (§3.4)
//   native.digest(handle)            -> the state digest, 16 hex digits
//   native.metrics(handle)           -> a scrape of the peer-manager metrics,
//                                       Prometheus text format 0.0.4 (FORMAT.md §8)
//   native.timers(handle)            -> JSON text {seq, t_ms, timers: [{timer, req?, t_ms}]}:
//                                       the last event's seq and time, the armed timers in
//                                       the order Lodestar fires them (timer_order.h)
//   native.nextDue(handle)           -> the t_ms of the earliest armed timer, or null when
//                                       none: whether one is due, without the timers' JSON
//
// step() refuses (throws, changing nothing) an event that comes after a
// timer that was due before it: firing that timer is the caller's job (a
// timer event, or PeerManager.advance in index.js), never skipped in silence.
//
// index.js wraps these in the PeerManager class that index.d.ts types.
// Ownership: a handle owns its PeerManager; Node's GC frees it (finalizer).
#include <napi.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <span>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lodestar_api.h"
#include "timer_order.h"
#include "peers/peer_manager.h"
#include "replay/metrics_record.h"
#include "replay/trace_event.h"
#include "trace/json_tape.h"
#include "trace/trace_schema.h"

namespace {

constexpr size_t kMaxRecordBytes = 8u << 20;  // FORMAT.md §1: a record is one line of at most 8 MiB

struct Instance {
  std::unique_ptr<peers::PeerManager> pm;
  uint64_t events = 0;       // accepted events, for "event:<n>: " in messages
  uint64_t last_seq = 0;
  int64_t last_t_ms = -1;
  peers::PeerIdTable peer_ids;  // the events' ids, shared (see replay::parse_event); JS runs on one thread
  peer_replay_node::TimerOrder timer_order;
  bool tracking_score_changes = false;  // score_changes() was called: the engine keeps change notes
  bool live_timers = false;  // a live header (FORMAT.md §9.5): timers fire when the trace says, late or not
};

std::string timer_text(const peers::TimerDue& t) {
  std::string out = std::string("timer ") + peers::timer_kind_name(t.kind);
  if (t.kind == peers::TimerKind::kGoodbyeTimeout) out += " (req " + std::to_string(t.req) + ")";
  return out + " due at t_ms " + std::to_string(t.due_ms);
}

const std::function<void(const std::string&)> kNoWarnings;  // unknown members are ignored, as without --strict

void throw_error(napi_env env, const std::string& message) { napi_throw_error(env, nullptr, message.c_str()); }

bool get_string(napi_env env, napi_value value, const char* what, std::string* out) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &n) != napi_ok) {
    throw_error(env, std::string(what) + ": expected a string (JSON text of one record)");
    return false;
  }
  if (n > kMaxRecordBytes) {
    throw_error(env, std::string(what) + ": longer than the record limit of " + std::to_string(kMaxRecordBytes) + " bytes");
    return false;
  }
  out->resize(n);
  napi_get_value_string_utf8(env, value, out->data(), n + 1, &n);
  return true;
}

napi_value make_string(napi_env env, const std::string& s) {
  napi_value v = nullptr;
  napi_create_string_utf8(env, s.data(), s.size(), &v);
  return v;
}

// A JS function draw(count) -> Float64Array of `count` values, as the engine's
// RandomSource. A throw inside it stays pending in `env` and refuses the event.
class JsRandomSource : public peers::RandomSource {
 public:
  JsRandomSource(napi_env env, napi_value draw) : env_(env), draw_(draw) {}
  bool draw(std::span<double> out) override {
    napi_value count = nullptr;
    napi_value result = nullptr;
    napi_value global = nullptr;
    napi_create_uint32(env_, static_cast<uint32_t>(out.size()), &count);
    napi_get_global(env_, &global);
    if (napi_call_function(env_, global, draw_, 1, &count, &result) != napi_ok) return false;
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* data = nullptr;
    bool is_typed = false;
    napi_is_typedarray(env_, result, &is_typed);
    if (is_typed) napi_get_typedarray_info(env_, result, &type, &length, &data, nullptr, nullptr);
    if (!is_typed || type != napi_float64_array || length != out.size()) {
      throw_error(env_, "draw(" + std::to_string(out.size()) + "): expected a Float64Array of " +
                            std::to_string(out.size()) + " Math.random() values");
      return false;
    }
    std::memcpy(out.data(), data, out.size() * sizeof(double));
    return true;
  }

 private:
  napi_env env_;
  napi_value draw_;
};

bool exception_pending(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  return pending;
}

bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value* args) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < want) {
    throw_error(env, "expected " + std::to_string(want) + " argument(s)");
    return false;
  }
  return true;
}

Instance* get_instance(napi_env env, napi_value handle) {
  void* data = nullptr;
  if (napi_get_value_external(env, handle, &data) != napi_ok || data == nullptr) {
    throw_error(env, "expected a handle made by create()");
    return nullptr;
  }
  return static_cast<Instance*>(data);
}

napi_value create(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  std::string text;
  if (!get_string(env, args[0], "header", &text)) return nullptr;
  replay::JsonTape tape;
  std::string why;
  if (!tape.parse(text, &why)) {
    throw_error(env, "header: " + why);
    return nullptr;
  }
  // The same checks as the trace reader's line 1, then the engine's setup.
  const std::string path = "header";
  const replay::SchemaContext ctx{path, 1, /*strict=*/false, kNoWarnings};
  peers::Status s = replay::check_header(tape.root(), ctx);
  if (!s.is_ok()) {
    throw_error(env, s.message());
    return nullptr;
  }
  auto setup = replay::parse_header(tape.root(), "header: ");
  if (!setup.is_ok()) {
    throw_error(env, setup.status().message());
    return nullptr;
  }
  auto* instance = new Instance;
  // Metrics on, as in a beacon node with metrics enabled: metrics() scrapes.
  peers::PeerManagerConfig config = setup.value().config;
  config.metrics = true;
  instance->live_timers = config.live_timers;
  instance->pm = std::make_unique<peers::PeerManager>(config, setup.value().local);
  napi_value handle = nullptr;
  napi_create_external(
      env, instance, [](napi_env, void* data, void*) { delete static_cast<Instance*>(data); }, nullptr, &handle);
  return handle;
}

napi_value step(napi_env env, napi_callback_info info) {
  napi_value args[3] = {nullptr, nullptr, nullptr};
  size_t argc = 3;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 2) {
    throw_error(env, "expected 2 argument(s)");
    return nullptr;
  }
  napi_valuetype draw_type = napi_undefined;
  if (args[2] != nullptr) napi_typeof(env, args[2], &draw_type);
  if (draw_type != napi_undefined && draw_type != napi_function) {
    throw_error(env, "draw: expected a function (count) => Float64Array, or nothing");
    return nullptr;
  }
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  std::string text;
  if (!get_string(env, args[1], "event", &text)) return nullptr;
  const std::string path = "event";
  const uint64_t n = instance->events + 1;
  const std::string at = path + ":" + std::to_string(n) + ": ";  // as SchemaContext::at() prints it
  replay::Record rec;
  std::string why;
  if (!rec.tape.parse(text, &why)) {
    throw_error(env, at + why);
    return nullptr;
  }
  if (!rec.root().is_object() || !(rec.root()["type"] == "event")) {
    throw_error(env, at + "expected an event record ({\"type\":\"event\",...})");
    return nullptr;
  }
  const replay::SchemaContext ctx{path, n, /*strict=*/false, kNoWarnings};
  peers::Status s = replay::check_event(rec.root(), ctx, &rec.seq, &rec.t_ms, &rec.kind);
  if (!s.is_ok()) {
    throw_error(env, s.message());
    return nullptr;
  }
  // The reader's stream checks: seq counts up, time never goes back.
  if (rec.seq <= instance->last_seq || rec.t_ms < instance->last_t_ms) {
    throw_error(env, at + "expected seq above " + std::to_string(instance->last_seq) + " and t_ms at least " +
                         std::to_string(instance->last_t_ms));
    return nullptr;
  }
  rec.type = replay::RecordType::kEvent;
  rec.line = n;
  auto ev = replay::parse_event(rec, at, &instance->peer_ids);
  if (!ev.is_ok()) {
    throw_error(env, ev.status().message());
    return nullptr;
  }
  if (instance->pm->initialized() && !instance->live_timers) {
    if (std::optional<peers::TimerDue> overdue = instance->pm->overdue_timer(rec.t_ms)) {
      throw_error(env, at + "the engine has " + timer_text(*overdue) + ", before this event at t_ms " +
                           std::to_string(rec.t_ms) + ": fire it first (a timer event, or PeerManager.advance())");
      return nullptr;
    }
  }
  std::vector<peers::Action> actions;
  if (draw_type == napi_function) {
    JsRandomSource random(env, args[2]);
    s = instance->pm->step(ev.value(), &actions, &random);
  } else {
    s = instance->pm->step(ev.value(), &actions);
  }
  if (exception_pending(env)) return nullptr;  // draw() threw: its exception goes to the caller
  if (!s.is_ok()) {
    throw_error(env, at + "the engine cannot accept this event: " + s.message());
    return nullptr;
  }
  instance->timer_order.note_step(ev.value(), instance->pm->timers());
  instance->events = n;
  instance->last_seq = rec.seq;
  instance->last_t_ms = rec.t_ms;
  return make_string(env, replay::actions_to_json(actions).dump());
}

napi_value scores(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  nlohmann::json out = nlohmann::json::array();
  for (const peers::PeerScoreStatEntry& e : instance->pm->dump_peer_score_stats()) {
    out.push_back(replay::score_entry_to_json(e));
  }
  return make_string(env, out.dump());
}

// Score changes without a full dump: the first call turns the engine's change
// notes on (from then on they accumulate until taken). Returns {"all": true}
// when update() ran (any entry may have changed or gone: dump instead), else
// the current entries of the peers the store wrote since the last call, in
// dump order, each once (written is not changed: the caller compares).
napi_value score_changes(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  if (!instance->tracking_score_changes) {
    instance->pm->track_score_changes(true);
    instance->tracking_score_changes = true;
  }
  const peers::ScoreChanges changes = instance->pm->take_score_changes();
  nlohmann::json out{{"all", changes.all}, {"entries", nlohmann::json::array()}};
  if (changes.all) return make_string(env, out.dump());
  std::vector<std::pair<size_t, const peers::PeerIdStr*>> noted;
  noted.reserve(changes.touched.size());
  for (const peers::PeerIdStr& peer : changes.touched) {
    const std::optional<size_t> position = instance->pm->score_dump_position(peer);
    if (position.has_value()) noted.emplace_back(*position, &peer);
  }
  std::sort(noted.begin(), noted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  noted.erase(std::unique(noted.begin(), noted.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
              noted.end());
  for (const auto& [position, peer] : noted) {
    out["entries"].push_back(replay::score_entry_to_json({.peer_id = *peer, .stat = *instance->pm->score_stat(*peer)}));
  }
  return make_string(env, out.dump());
}

napi_value digest(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(instance->pm->state_digest()));
  return make_string(env, hex);
}

// A scrape runs runPeerCountMetrics, as Lodestar's registry does on each
// Prometheus scrape (lodestar_peer_column_group_count accumulates per scrape).
napi_value metrics(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  return make_string(env, replay::prometheus_text(instance->pm->scrape_metrics()));
}

napi_value connected_peers(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  nlohmann::json list = nlohmann::json::array();
  for (const peers::PeerIdStr& peer : instance->pm->connected_peer_ids()) list.push_back(peer.str());
  return make_string(env, list.dump());
}

napi_value timers(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  nlohmann::json list = nlohmann::json::array();
  for (const peers::TimerDue& t : instance->timer_order.firing_order(instance->pm->timers())) {
    nlohmann::json timer{{"timer", peers::timer_kind_name(t.kind)}, {"t_ms", t.due_ms}};
    if (t.kind == peers::TimerKind::kGoodbyeTimeout) timer["req"] = t.req;
    list.push_back(std::move(timer));
  }
  const nlohmann::json out{{"seq", instance->last_seq}, {"t_ms", instance->last_t_ms}, {"timers", std::move(list)}};
  return make_string(env, out.dump());
}

// The first timer in firing order is due at the earliest due time, so this
// is all a caller needs to know whether any timer is due at a given time.
napi_value next_due(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!get_args(env, info, 1, args)) return nullptr;
  Instance* instance = get_instance(env, args[0]);
  if (instance == nullptr) return nullptr;
  std::optional<int64_t> earliest;
  for (const peers::TimerDue& t : instance->pm->timers()) {
    if (!earliest.has_value() || t.due_ms < *earliest) earliest = t.due_ms;
  }
  napi_value out = nullptr;
  if (earliest.has_value()) {
    napi_create_double(env, static_cast<double>(*earliest), &out);
  } else {
    napi_get_null(env, &out);
  }
  return out;
}

napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"create", nullptr, create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"step", nullptr, step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scores", nullptr, scores, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"digest", nullptr, digest, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scoreChanges", nullptr, score_changes, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"metrics", nullptr, metrics, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"timers", nullptr, timers, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"nextDue", nullptr, next_due, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"connectedPeers", nullptr, connected_peers, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  peer_replay_node::register_lodestar_api(Napi::Env(env), Napi::Object(env, exports));  // lodestar_api.h
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
