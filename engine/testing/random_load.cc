#include "engine/testing/random_load.h"

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/action.h"
#include "engine/event.h"
#include "engine/peer_manager.h"
#include "engine/score/constants.h"
#include "engine/testing/fixtures.h"
#include "engine/testing/split_mix64.h"

namespace peers::testing {

namespace {

constexpr uint64_t kFullCheckEvery = 4096;
using Rng = SplitMix64;

class Load {
 public:
  explicit Load(const RandomLoadOptions& o) : options_(o), rng_{o.seed} {
    assert(o.max_peers >= 1 && o.max_peers <= kMaxLoadPeers);
    const int64_t pool = o.max_peers;
    // Targets below the pool, so heartbeats prune and peers churn.
    const int64_t target_peers = std::max<int64_t>(1, pool * 2 / 3);
    const PeerManagerConfig config = make_config(target_peers, target_peers + std::max<int64_t>(1, target_peers / 10));
    target_peers_ = config.target_peers;
    pm_ = std::make_unique<PeerManager>(config, make_local());
    pm_->track_score_changes(true);
    for (int i = 0; i < o.max_peers; i++) {
      ids_.push_back("16Uiu2HAmLoad" + std::to_string(i));
      NodeId id{};
      for (uint8_t& b : id) b = static_cast<uint8_t>(rng_.next());
      node_ids_.push_back(id);
    }
    open_.assign(ids_.size(), 0);
    known_.assign(ids_.size(), false);
    draws_.resize(kMaxRandDraws);
    for (double& d : draws_) d = rng_.unit();
  }

  RandomLoadReport run() {
    Event init;
    init.kind = EventKind::kInit;
    init.t_ms = now_;
    init.extra.mut().active_attnets.emplace();
    init.extra.mut().active_syncnets.emplace();
    init.extra.mut().rand = std::vector<double>(draws_.begin(), draws_.begin() + 64);
    if (!step(init)) return report_;
    for (uint64_t i = 0; i < options_.events && report_.violation.empty(); i++) {
      // While draining, time stands still so no timer adds requests.
      const UnixMs target = draining() ? now_ : now_ + static_cast<UnixMs>(rng_.below(4000));
      fire_due_timers(target);
      if (!report_.violation.empty()) break;
      now_ = target;
      Event ev;
      if (make_input(&ev)) step(ev);
      if (report_.violation.empty() && report_.events_stepped % kFullCheckEvery == 0) full_check();
    }
    if (report_.violation.empty()) full_check();
    return report_;
  }

 private:
  int peer_index(std::string_view id) const {
    constexpr std::string_view kPrefix = "16Uiu2HAmLoad";
    if (id.substr(0, kPrefix.size()) != kPrefix) return -1;
    const int n = std::atoi(std::string(id.substr(kPrefix.size())).c_str());
    return n >= 0 && n < static_cast<int>(ids_.size()) && ids_[n] == id ? n : -1;
  }

  // Every request ends (libp2p fails those of closed connections): while many
  // are open, inputs are responses, so pending requests stay bounded as in a node.
  bool draining() const { return pm_->pending_request_count() > 2 * pm_->connected_peers().size() + 32; }

  void violation(const std::string& what) {
    if (!report_.violation.empty()) return;
    report_.violation = what;
    report_.violation_event = seq_;
  }

  // Generous inputs: the engine takes what it needs (see random_load.h).
  void supply_heartbeat_inputs(Event* ev) {
    const size_t n = std::min<size_t>(kMaxRandDraws, 4 * pm_->connected_peers().size() + 64);
    ev->extra.mut().rand = std::vector<double>(draws_.begin(), draws_.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<ActiveSubnet> attnets;
    for (uint64_t k = 0, m = rng_.below(4); k < m; k++) {
      attnets.push_back({static_cast<int64_t>(rng_.below(64)), pm_->current_slot() + 1 + static_cast<Slot>(rng_.below(64))});
    }
    ev->extra.mut().active_attnets = std::move(attnets);
    ev->extra.mut().active_syncnets = std::vector<ActiveSubnet>{};
    if (rng_.below(3) == 0) {
      ev->extra.mut().active_syncnets->push_back({static_cast<int64_t>(rng_.below(4)), pm_->current_slot() + 1});
    }
  }

  void fire_due_timers(UnixMs target) {
    for (;;) {
      const std::optional<TimerDue> due = pm_->overdue_timer(target + 1);
      if (!due.has_value()) return;
      Event ev = make_timer_event(*due);
      if (due->kind == TimerKind::kHeartbeat) supply_heartbeat_inputs(&ev);
      if (due->kind == TimerKind::kGossipScores) {
        std::vector<std::pair<PeerIdStr, double>> scores;
        // One score per connected peer, in connectedPeers order (what gossipsub reports).
        for (const auto& [peer, data] : pm_->connected_peers()) scores.emplace_back(peer, rng_.unit() * 40 - 30);
        ev.extra.mut().gossip_scores = std::move(scores);
      }
      report_.timers++;
      if (due->kind == TimerKind::kHeartbeat) report_.heartbeats++;
      if (!step(ev)) return;
    }
  }

  bool make_input(Event* ev) {
    ev->t_ms = now_;
    if (draining()) return make_response(ev);
    const int p = static_cast<int>(rng_.below(ids_.size()));
    const std::string& peer = ids_[p];
    const uint64_t what = rng_.below(100);
    // Below target, more opens than closes, so large pools fill up and heartbeats prune.
    const uint64_t opens = pm_->connected_peers().size() < static_cast<size_t>(target_peers_) ? 25 : 20;
    if (what < opens && open_[p] < 2) {  // a second connection of a connected peer now and then
      if (open_[p] == 1 && rng_.below(8) != 0) return false;
      ev->kind = EventKind::kConnectionOpen;
      ev->peer = peer;
      ev->extra.mut().connection.peer = peer;
      ev->extra.mut().connection.conn = "c" + std::to_string(p) + "." + std::to_string(conn_counter_++);
      ev->extra.mut().connection.direction = rng_.below(2) ? Direction::kInbound : Direction::kOutbound;
      ev->extra.mut().connection.node_id = node_ids_[p];
      return true;
    }
    if (what < 30 && open_[p] > 0) {
      const Connection* c = pm_->get_connection(peer);
      if (c == nullptr) {
        violation(peer + ": the stream holds a connection the engine does not");
        return false;
      }
      ev->kind = EventKind::kConnectionClose;
      ev->peer = peer;
      ev->extra.mut().connection.peer = peer;
      ev->extra.mut().connection.conn = c->conn;
      return true;
    }
    if (what < 36 && open_[p] > 0) {
      static const PeerAction kActions[] = {PeerAction::Fatal, PeerAction::LowToleranceError,
                                            PeerAction::MidToleranceError, PeerAction::HighToleranceError};
      ev->kind = EventKind::kReportPeer;
      ev->peer = peer;
      ev->extra.mut().action = kActions[rng_.below(40) == 0 ? 0 : 1 + rng_.below(3)];
      ev->extra.mut().action_name = "load";
      return true;
    }
    if (what < 50 && open_[p] > 0) {  // a request from the peer
      ev->kind = EventKind::kRequest;
      ev->peer = peer;
      switch (rng_.below(4)) {
        case 0:
          ev->method = ReqRespMethod::Ping;
          ev->body_uint = rng_.below(4);
          break;
        case 1:
          ev->method = ReqRespMethod::Status;
          ev->extra.mut().body_status = make_status(1000 + static_cast<Slot>(rng_.below(8)));
          break;
        case 2: ev->method = ReqRespMethod::Metadata; break;
        default:
          ev->method = ReqRespMethod::Goodbye;
          ev->body_uint = rng_.below(2) ? 1 : 129;
          break;
      }
      return true;
    }
    if (what < 90) return make_response(ev);
    if (what < 93) {
      ev->kind = EventKind::kCommitteeSubscriptions;
      supply_heartbeat_inputs(ev);
      return true;
    }
    if (what < 96) {
      ev->kind = EventKind::kLocalStatus;
      ev->extra.mut().status = make_status(pm_->current_slot());
      return true;
    }
    if (what < 99) {
      ev->kind = EventKind::kRestatusPeers;
      for (int k = 0; k < 3; k++) ev->extra.mut().peers.push_back(ids_[rng_.below(ids_.size())]);
      return true;
    }
    ev->kind = EventKind::kGoodbyeAll;
    return rng_.below(20) == 0;  // rare: it empties the node
  }

  // Answers a pending request, oldest first, with a value or an error.
  bool make_response(Event* ev) {
    while (oldest_req_ <= max_req_ && !pm_->pending_request_kind(oldest_req_).has_value()) oldest_req_++;
    if (oldest_req_ > max_req_) return false;
    int64_t req = oldest_req_;
    // Not always the oldest: responses arrive in any order.
    for (int64_t k = req + static_cast<int64_t>(rng_.below(4)); k > req; k--) {
      if (k <= max_req_ && pm_->pending_request_kind(k).has_value()) {
        req = k;
        break;
      }
    }
    ev->kind = EventKind::kResponse;
    ev->req = req;
    if (rng_.below(6) == 0) {
      ev->is_error = true;
      ev->extra.mut().error = "load: request failed";
      return true;
    }
    switch (*pm_->pending_request_kind(req)) {
      case ActionKind::kSendPing:
        ev->ok.shape = ResponseValue::Shape::kSeqNumber;
        ev->ok.seq_number = rng_.below(4);
        break;
      case ActionKind::kSendStatus:
        ev->ok.shape = ResponseValue::Shape::kStatus;
        ev->ok.detail.mut().status = make_status(1000 + static_cast<Slot>(rng_.below(8)));
        break;
      case ActionKind::kSendMetadata:
        ev->ok.shape = ResponseValue::Shape::kMetadata;
        ev->ok.detail.mut().metadata.seq_number = rng_.below(4);
        for (size_t b = 0; b < ev->ok.detail.mut().metadata.attnets.size(); b++) ev->ok.detail.mut().metadata.attnets.set(b, rng_.below(8) == 0);
        ev->ok.detail.mut().metadata.custody_group_count = 4 + rng_.below(5);
        break;
      case ActionKind::kIdentify:
        ev->ok.shape = ResponseValue::Shape::kIdentify;
        if (rng_.below(4) != 0) ev->ok.detail.mut().agent_version = rng_.below(2) ? "Lighthouse/v7" : "Lodestar/v1.44.0";
        break;
      default: ev->ok.shape = ResponseValue::Shape::kNull; break;
    }
    return true;
  }

  // Steps the engine; false (and a violation) if it refused the event.
  bool step(Event& ev) {
    ev.seq = ++seq_;
    actions_.clear();
    const Status s = pm_->step(ev, &actions_);
    if (!s.is_ok() && !surplus_only(ev, s)) {
      violation("event " + std::to_string(seq_) + " (" + event_kind_name(ev.kind) + ") refused: " + s.message());
      return false;
    }
    now_ = ev.t_ms;
    report_.events_stepped++;
    report_.actions += actions_.size();
    if (ev.kind == EventKind::kConnectionOpen) {
      open_[peer_index(ev.peer)]++;
      known_[peer_index(ev.peer)] = true;
    }
    if (ev.kind == EventKind::kConnectionClose) open_[peer_index(ev.peer)]--;
    for (const Action& a : actions_) {
      max_req_ = std::max(max_req_, a.req);
      if (a.kind == ActionKind::kDiscoverPeers) continue;
      const int n = peer_index(a.peer);
      if (n < 0 || !known_[n]) violation(std::string(action_kind_name(a.kind)) + " for unknown peer " + a.peer);
    }
    if (!ev.peer.empty() && peer_index(ev.peer) >= 0) check_connected(peer_index(ev.peer));
    last_event_ran_update_ = ev.kind == EventKind::kTimer && ev.timer == TimerKind::kHeartbeat;
    check_scores();
    check_bounds();
    return report_.violation.empty();
  }

  // The engine runs the event to the end and then refuses inputs it did not
  // read: rand draws beyond those it took, subnets or gossip scores of an
  // event that ran no heartbeat. Such an event ran as if given exactly what it
  // read.
  static bool surplus_only(const Event& ev, const Status& s) {
    const std::string& m = s.message();
    if (m.rfind("the event carries ", 0) != 0) return false;
    if (m.find("rand draws, the engine used") != std::string::npos) {
      const size_t given = ev.extra->rand.has_value() ? ev.extra->rand->size() : 0;
      const size_t used = std::strtoull(m.c_str() + m.rfind(' ') + 1, nullptr, 10);
      return used < given;
    }
    return m.find("active subnets but the engine ran no heartbeat") != std::string::npos ||
           m.find("gossip_scores but the engine read none") != std::string::npos;
  }

  void check_connected(int n) {
    const bool connected = pm_->connected_peers().contains(ids_[n]);
    if (connected != (open_[n] > 0)) {
      violation(ids_[n] + (connected ? " is in connectedPeers with no open connection"
                                     : " has an open connection but is not in connectedPeers"));
    }
  }

  void check_score(const PeerIdStr& peer) {
    const double score = pm_->peer_rpc_scores().get_score(peer);
    report_.score_checks++;
    if (!std::isfinite(score) || score < kMinScore || score > kMaxScore) {
      violation(peer + ": score " + std::to_string(score) + " outside [-100, 100]");
    }
  }

  void check_scores() {
    const PeerRpcScoreStore::Changes changes = pm_->take_score_changes();
    if (changes.all) {
      for (const PeerScoreStatEntry& e : pm_->dump_peer_score_stats()) check_score(e.peer_id);
    } else {
      for (const PeerIdStr& peer : changes.touched) check_score(peer);
    }
  }

  void check_bounds() {
    const size_t entries = pm_->peer_rpc_scores().size();
    const size_t connected = pm_->connected_peers().size();
    const size_t pending = pm_->pending_request_count();
    report_.max_score_entries = std::max(report_.max_score_entries, entries);
    report_.max_connected = std::max(report_.max_connected, connected);
    report_.max_pending_requests = std::max(report_.max_pending_requests, pending);
    // MAX_ENTRIES (1000) holds after update() prunes (the heartbeat); between
    // heartbeats new peers may add entries, bounded by the engine's own limit.
    if (entries > static_cast<size_t>(kMaxScoreEntries)) violation("score store grew past its limit");
    if (connected > ids_.size()) violation("more connected peers than the stream opened");
    if (last_event_ran_update_ && entries > static_cast<size_t>(kMaxEntries)) {
      violation("MAX_ENTRIES: " + std::to_string(entries) + " score entries after update()");
    }
    if (pending > kMaxPendingRequests) violation("pending requests past their limit");
  }

  void full_check() {
    for (size_t n = 0; n < ids_.size(); n++) check_connected(static_cast<int>(n));
    for (const PeerScoreStatEntry& e : pm_->dump_peer_score_stats()) check_score(e.peer_id);
  }

  RandomLoadOptions options_;
  Rng rng_;
  std::unique_ptr<PeerManager> pm_;
  std::vector<PeerIdStr> ids_;
  std::vector<NodeId> node_ids_;
  std::vector<int> open_;     // open connections per peer, as the stream sees them
  std::vector<bool> known_;   // peers the stream ever opened a connection for
  std::vector<double> draws_;
  std::vector<Action> actions_;
  UnixMs now_ = kT0;
  uint64_t seq_ = 0;
  uint64_t conn_counter_ = 0;
  int64_t oldest_req_ = 1;
  int64_t max_req_ = 0;
  bool last_event_ran_update_ = false;
  int64_t target_peers_ = 0;
  RandomLoadReport report_;
};

}  // namespace

RandomLoadReport run_random_load(const RandomLoadOptions& options) { return Load(options).run(); }

}  // namespace peers::testing
