// libFuzzer target for the engine (issue 6): a structured decoder turns the
// bytes into a run of events the PeerManager can accept (init first, t_ms
// never going back, timers fired when the engine has them due, responses only
// to requests it made), steps a PeerManager through them and checks:
//   - no crash, hang, leak or failed engine assert (the fuzz preset keeps
//     asserts on, so PeerManager::check_invariants runs after every step);
//   - request ids in actions count 1, 2, 3 ... over the run;
//   - every score the store dumps is a finite number;
//   - determinism: replaying the accepted events into a fresh engine gives
//     the same actions, event by event, and the same state digest.
//
// The decoder cannot know how many Math.random draws an event consumes, or
// whether it runs a heartbeat (which reads the active subnets): it guesses,
// and when the engine refuses the event for its inputs, it corrects them
// from the error, rebuilds the engine from the accepted events (the state
// after an error is unspecified) and tries once more; an event refused again
// is dropped. Any other refusal also drops the event: the decoder's model of
// what is acceptable is approximate on purpose.
//
//   bash fuzz/run.sh 600      # runs every fuzzer, this one included
//
// Owned by the reliability work (issue 6); the engine is engine/peer_manager.*.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/action.h"
#include "engine/event.h"
#include "engine/peer_manager.h"

namespace {

using peers::Action;
using peers::ActionKind;
using peers::Event;
using peers::EventKind;

constexpr int kPeerPool = 10;       // peer ids p0..p9: small, so events meet
constexpr int kMaxEvents = 64;      // per input: keeps an input fast
constexpr size_t kGenerousDraws = 64;

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "engine_fuzz: invariant broken: %s\n", what.c_str());
  std::abort();
}

class Decoder {
 public:
  Decoder(const uint8_t* data, size_t size) : in_(data, size) {}

  void run() {
    make_config();
    pm_ = std::make_unique<peers::PeerManager>(config_, local_);
    Event init;
    init.kind = EventKind::kInit;
    init.t_ms = static_cast<peers::UnixMs>(in_.ConsumeIntegralInRange<int64_t>(0, 1) ? 1600000000000 : 1700000000000);
    const int initial = in_.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < initial; i++) init.extra.mut().connections.push_back(connection_spec(pick_peer()));
    add_heartbeat_inputs(&init);
    if (!submit(&init)) return;  // an engine that refuses every init is not the fuzzer's subject
    for (int n = 0; n < kMaxEvents && in_.remaining_bytes() > 0; n++) {
      Event ev = next_event();
      submit(&ev);
    }
    check_scores();
    if (std::getenv("ENGINE_FUZZ_VERBOSE") != nullptr) {  // triage: how deep did this input get?
      std::fprintf(stderr, "engine_fuzz: %zu events accepted, %zu dropped, %lld requests; kinds:", accepted_.size(),
                   dropped_, static_cast<long long>(next_req_ - 1));
      for (const Event& e : accepted_) std::fprintf(stderr, " %s", peers::event_kind_name(e.kind));
      std::fprintf(stderr, "\n");
    }
    // Determinism: a fresh engine fed the accepted events agrees throughout.
    const uint64_t digest = pm_->state_digest();
    rebuild();
    if (pm_->state_digest() != digest) broken("state digest differs after replaying the accepted events");
  }

 private:
  void make_config() {
    config_.target_peers = in_.ConsumeIntegralInRange<int64_t>(0, 8);
    config_.max_peers = config_.target_peers + in_.ConsumeIntegralInRange<int64_t>(0, 4);
    config_.target_group_peers = in_.ConsumeIntegralInRange<int64_t>(0, 6);
    config_.gossip_decay_interval_ms = in_.ConsumeIntegralInRange<int64_t>(1, 20) * 1000;
    config_.disable_peer_scoring = in_.ConsumeIntegralInRange(0, 7) == 0;
    config_.discovery = in_.ConsumeBool();
    config_.chain.genesis_time_s = 1600000000;
    if (in_.ConsumeBool()) {  // every fork at genesis (fulu: PeerDAS custody) or phase0 only
      for (auto& e : config_.chain.fork_epoch) e = 0;
      if (in_.ConsumeBool()) config_.chain.fork_epoch.back() = peers::kFarFutureEpoch;  // no gloas
    }
    for (auto& b : local_.node_id) b = in_.ConsumeIntegral<uint8_t>();
    local_.custody_group_count = 4;
    local_.sample_groups = {0, 1, 2, 3};
    local_.sampled_subnets = {0, 1, 2, 3};
    local_.status = status(/*ours=*/true);
  }

  peers::ChainStatus status(bool ours) {
    peers::ChainStatus s;
    if (ours || in_.ConsumeIntegralInRange(0, 3) != 0) {
      s.fork_digest = {0xaa, 0xbb, 0xcc, 0xdd};  // relevant most of the time
    } else {
      for (auto& b : s.fork_digest) b = in_.ConsumeIntegral<uint8_t>();
    }
    s.finalized_root.fill(ours ? 1 : in_.ConsumeIntegralInRange<uint8_t>(0, 2));
    s.head_root.fill(2);
    s.finalized_epoch = in_.ConsumeIntegralInRange<int64_t>(0, 100);
    s.head_slot = s.finalized_epoch * 32 + in_.ConsumeIntegralInRange<int64_t>(0, 200);
    if (in_.ConsumeBool()) s.earliest_available_slot = in_.ConsumeIntegralInRange<int64_t>(0, s.head_slot);
    return s;
  }

  std::string pick_peer() { return "p" + std::to_string(in_.ConsumeIntegralInRange(0, kPeerPool - 1)); }

  peers::ConnectionSpec connection_spec(const std::string& peer) {
    peers::ConnectionSpec c;
    c.peer = peer;
    c.conn = "c" + std::to_string(next_conn_++);
    c.direction = in_.ConsumeBool() ? peers::Direction::kInbound : peers::Direction::kOutbound;
    peers::NodeId id{};
    for (auto& b : id) b = in_.ConsumeIntegral<uint8_t>();
    c.node_id = id;
    return c;
  }

  // Math.random() values in [0, 1). From a generator reseeded by the input
  // once per event, not from the input itself: an event carries up to
  // thousands of draws and they would eat the bytes meant for events.
  void reseed_draws() { rng_ = 0x9E3779B97F4A7C15ull ^ in_.ConsumeIntegral<uint32_t>(); }
  double draw() {
    rng_ ^= rng_ << 13;  // xorshift64
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return static_cast<double>(rng_ >> 11) * 0x1.0p-53;
  }

  void add_heartbeat_inputs(Event* ev) {
    peers::EventExtra& extra = ev->extra.mut();
    extra.active_attnets.emplace();
    extra.active_syncnets.emplace();
    const int n = in_.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < n; i++) {
      extra.active_attnets->push_back({in_.ConsumeIntegralInRange<int64_t>(0, 63), in_.ConsumeIntegralInRange<int64_t>(0, 5000)});
    }
    reseed_draws();
    std::vector<double>& rand = extra.rand.emplace();
    for (size_t i = 0; i < kGenerousDraws; i++) rand.push_back(draw());
  }

  Event next_event() {
    Event ev;
    ev.t_ms = pm_->now_ms() + (in_.ConsumeBool() ? 0 : in_.ConsumeIntegralInRange<int64_t>(1, 40000));
    // A timer due before the new time fires first (as in a recorded trace).
    if (auto due = pm_->overdue_timer(ev.t_ms)) return timer_event(*due);
    switch (in_.ConsumeIntegralInRange(0, 10)) {
      case 0:
      case 1: {
        ev.kind = EventKind::kConnectionOpen;
        ev.peer = pick_peer();
        ev.extra.mut().connection = connection_spec(ev.peer);
        break;
      }
      case 2: {
        ev.kind = EventKind::kConnectionClose;
        ev.peer = pick_peer();
        const peers::Connection* c = pm_->get_connection(ev.peer);
        ev.extra.mut().connection.peer = ev.peer;
        ev.extra.mut().connection.conn = c != nullptr ? c->conn : "c-unknown";
        break;
      }
      case 3: {
        ev.kind = EventKind::kRequest;
        ev.peer = pick_peer();
        static const peers::ReqRespMethod kMethods[] = {peers::ReqRespMethod::Ping, peers::ReqRespMethod::Status,
                                                       peers::ReqRespMethod::Goodbye, peers::ReqRespMethod::Metadata};
        ev.method = kMethods[in_.ConsumeIntegralInRange(0, 3)];
        ev.body_uint = in_.ConsumeIntegralInRange<uint64_t>(0, 300);
        if (ev.method == peers::ReqRespMethod::Status) ev.extra.mut().body_status = status(false);
        break;
      }
      case 4:
      case 5: {
        if (pending_.empty()) return filler(ev.t_ms);
        ev.kind = EventKind::kResponse;
        const size_t i = in_.ConsumeIntegralInRange<size_t>(0, pending_.size() - 1);
        ev.req = pending_[i];
        ev.is_error = in_.ConsumeIntegralInRange(0, 4) == 0;
        if (ev.is_error) {
          ev.extra.mut().error = "timeout";
        } else {
          fill_response(&ev);
        }
        break;
      }
      case 6: {
        auto timers = pm_->timers();
        if (timers.empty()) return filler(ev.t_ms);
        const auto& t = timers[in_.ConsumeIntegralInRange<size_t>(0, timers.size() - 1)];
        if (t.due_ms < pm_->now_ms()) return filler(ev.t_ms);
        if (auto due = pm_->overdue_timer(t.due_ms)) return timer_event(*due);
        return timer_event(t);
      }
      case 7: {
        ev.kind = EventKind::kReportPeer;
        ev.peer = pick_peer();
        static const peers::PeerAction kActions[] = {peers::PeerAction::Fatal, peers::PeerAction::LowToleranceError,
                                                    peers::PeerAction::MidToleranceError, peers::PeerAction::HighToleranceError};
        ev.extra.mut().action = kActions[in_.ConsumeIntegralInRange(0, 3)];
        ev.extra.mut().action_name = "fuzz";
        break;
      }
      case 8: {
        ev.kind = EventKind::kCommitteeSubscriptions;
        add_heartbeat_inputs(&ev);
        break;
      }
      case 9: {
        ev.kind = EventKind::kRestatusPeers;
        const int n = in_.ConsumeIntegralInRange(0, 3);
        for (int i = 0; i < n; i++) ev.extra.mut().peers.push_back(pick_peer());
        break;
      }
      default: {
        ev.kind = in_.ConsumeBool() ? EventKind::kLocalStatus : EventKind::kGoodbyeAll;
        if (ev.kind == EventKind::kLocalStatus) ev.extra.mut().status = status(false);
        break;
      }
    }
    return ev;
  }

  Event filler(peers::UnixMs t_ms) {
    Event ev;
    ev.kind = EventKind::kLocalStatus;
    ev.t_ms = t_ms;
    ev.extra.mut().status = local_.status;
    return ev;
  }

  Event timer_event(const peers::TimerDue& due) {
    Event ev;
    ev.kind = EventKind::kTimer;
    ev.t_ms = due.due_ms;
    ev.timer = due.kind;
    ev.req = due.req;
    if (due.kind == peers::TimerKind::kHeartbeat) add_heartbeat_inputs(&ev);
    if (due.kind == peers::TimerKind::kGossipScores) {
      // What gossip.getScore() returned, for the peers the engine will read:
      // the connected ones, in order (corrected from the error otherwise).
      ev.extra.mut().gossip_scores.emplace();
      for (const auto& peer : pm_->get_connected_peer_ids()) {
        ev.extra.mut().gossip_scores->push_back({peer, in_.ConsumeFloatingPointInRange<double>(-1000, 100)});
      }
    }
    reseed_draws();
    std::vector<double>& rand = ev.extra.mut().rand.emplace();
    for (size_t i = 0; i < kGenerousDraws; i++) rand.push_back(draw());
    return ev;
  }

  void fill_response(Event* ev) {
    using Shape = peers::ResponseValue::Shape;
    const auto kind = pm_->pending_request_kind(ev->req);
    if (!kind) return;
    switch (*kind) {
      case ActionKind::kSendPing:
        ev->ok.shape = Shape::kSeqNumber;
        ev->ok.seq_number = in_.ConsumeIntegralInRange<uint64_t>(0, 10);
        break;
      case ActionKind::kSendStatus:
        ev->ok.shape = Shape::kStatus;
        ev->ok.detail.mut().status = status(false);
        break;
      case ActionKind::kSendMetadata: {
        ev->ok.shape = Shape::kMetadata;
        peers::Metadata& metadata = ev->ok.detail.mut().metadata;
        metadata.seq_number = in_.ConsumeIntegralInRange<uint64_t>(0, 10);
        metadata.attnets = peers::Attnets(in_.ConsumeIntegral<uint64_t>());
        if (in_.ConsumeBool()) metadata.syncnets = peers::Syncnets(in_.ConsumeIntegralInRange<uint64_t>(0, 15));
        if (in_.ConsumeBool()) metadata.custody_group_count = in_.ConsumeIntegralInRange<uint64_t>(0, 130);
        break;
      }
      case ActionKind::kIdentify:
        ev->ok.shape = Shape::kIdentify;
        if (in_.ConsumeBool()) ev->ok.detail.mut().agent_version = in_.ConsumeBool() ? "Lighthouse/v5.0.0" : "teku/v24";
        break;
      default:
        ev->ok.shape = Shape::kNull;
        break;
    }
  }

  // Steps the engine; on a refusal for the event's inputs, corrects them and
  // tries once more on a rebuilt engine. Returns whether the event was taken.
  bool submit(Event* ev) {
    ev->seq = accepted_.size() + 1;
    std::vector<Action> actions;
    peers::Status s = pm_->step(*ev, &actions);
    if (!s.is_ok()) {
      const bool fixed = correct_inputs(s.message(), ev);
      rebuild();
      if (!fixed) {
        dropped_++;
        return false;
      }
      actions.clear();
      s = pm_->step(*ev, &actions);
      if (!s.is_ok()) {
        rebuild();
        dropped_++;
        return false;
      }
    }
    accept(*ev, actions);
    return true;
  }

  // The engine names what was wrong with the inputs; take its word.
  bool correct_inputs(const std::string& msg, Event* ev) {
    peers::EventExtra& extra = ev->extra.mut();
    unsigned long given = 0, used = 0;
    if (std::sscanf(msg.c_str(), "the event carries %lu rand draws, the engine used %lu", &given, &used) == 2) {
      extra.rand->resize(used);
      if (used == 0) extra.rand.reset();
      return true;
    }
    if (msg.find("rand") != std::string::npos && extra.rand && extra.rand->size() < 4096) {
      while (extra.rand->size() < 4096) extra.rand->push_back(draw());  // exhausted: give plenty, learn the count
      return true;
    }
    if (msg.find("carries no active_attnets") != std::string::npos) {
      add_heartbeat_inputs(ev);
      return true;
    }
    if (msg.find("carries active subnets but") != std::string::npos) {
      extra.active_attnets.reset();
      extra.active_syncnets.reset();
      return true;
    }
    if (msg.find("gossip_scores") != std::string::npos && extra.gossip_scores) {
      extra.gossip_scores.reset();
      return true;
    }
    return false;
  }

  void accept(const Event& ev, const std::vector<Action>& actions) {
    for (const Action& a : actions) {
      if (a.req != 0) {
        if (a.req != next_req_) broken("action req " + std::to_string(a.req) + ", expected " + std::to_string(next_req_));
        next_req_++;
        pending_.push_back(a.req);
      }
      if (a.kind != ActionKind::kDiscoverPeers && a.peer.empty()) broken("an action without a peer");
    }
    // Forget requests the engine no longer has pending.
    std::vector<int64_t> still;
    for (int64_t r : pending_) {
      if (pm_->pending_request_kind(r)) still.push_back(r);
    }
    pending_.swap(still);
    accepted_.push_back(ev);
    accepted_actions_.push_back(actions);
  }

  // A fresh engine fed the accepted events, which must take them all and do
  // exactly what the first one did.
  void rebuild() {
    pm_ = std::make_unique<peers::PeerManager>(config_, local_);
    for (size_t i = 0; i < accepted_.size(); i++) {
      std::vector<Action> actions;
      peers::Status s = pm_->step(accepted_[i], &actions);
      if (!s.is_ok()) broken("replaying accepted event " + std::to_string(i + 1) + " failed: " + s.message());
      if (!(actions == accepted_actions_[i])) broken("replaying accepted event " + std::to_string(i + 1) + " made other actions");
    }
  }

  void check_scores() {
    for (const auto& e : pm_->dump_peer_score_stats()) {
      if (!std::isfinite(e.stat.lodestar_score) || !std::isfinite(e.stat.score) || !std::isfinite(e.stat.gossip_score)) broken("a score that is not finite");
    }
  }

  FuzzedDataProvider in_;
  peers::PeerManagerConfig config_;
  peers::LocalNode local_;
  std::unique_ptr<peers::PeerManager> pm_;
  std::vector<Event> accepted_;
  std::vector<std::vector<Action>> accepted_actions_;
  std::vector<int64_t> pending_;
  int64_t next_req_ = 1;
  int next_conn_ = 0;
  size_t dropped_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ull;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Decoder(data, size).run();
  return 0;
}
