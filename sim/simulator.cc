#include "sim/simulator.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "engine/testing/fixtures.h"
#include "sim/events.h"

namespace sim {

namespace {

using peers::ActionKind;
using peers::Event;
using peers::EventKind;
using peers::UnixMs;

std::vector<peers::PeerIdStr> pool_ids(int peers) {
  assert(peers >= 1 && peers <= kMaxSimPeers);
  std::vector<peers::PeerIdStr> ids;
  for (int i = 0; i < peers; i++) ids.emplace_back(pool_peer_id(i));
  return ids;
}

}  // namespace

Simulator::Simulator(const SimOptions& options, Choices* choices)
    : options_(options), choices_(*choices), ids_(pool_ids(options.peers)), invariants_(ids_) {
  choose_setup();
  pm_ = std::make_unique<peers::PeerManager>(config_, local_);
  pm_->track_score_changes(true);
  draws_.state = choices_.below(uint64_t{1} << 32);
  for (size_t i = 0; i < ids_.size(); i++) {
    peers::NodeId id{};
    for (uint8_t& b : id) b = static_cast<uint8_t>(draws_.next());
    node_ids_.push_back(id);
  }
}

Simulator::~Simulator() = default;

// The fixtures' chain and node, with targets below the pool so heartbeats
// prune and peers churn; or (vary_setup) targets, scoring, discovery, forks
// and the node id from the choices.
void Simulator::choose_setup() {
  local_ = peers::testing::make_local();
  now_ms_ = peers::testing::kT0;
  if (!options_.vary_setup) {
    const int64_t target_peers = std::max<int64_t>(1, options_.peers * 2 / 3);
    config_ = peers::testing::make_config(target_peers, target_peers + std::max<int64_t>(1, target_peers / 10));
    return;
  }
  const int64_t target_peers = static_cast<int64_t>(choices_.below(9));
  config_ = peers::testing::make_config(target_peers, target_peers + static_cast<int64_t>(choices_.below(5)));
  config_.target_group_peers = static_cast<int64_t>(choices_.below(7));
  config_.gossip_decay_interval_ms = static_cast<int64_t>(1 + choices_.below(20)) * 1000;
  config_.disable_peer_scoring = choices_.one_in(8);
  config_.discovery = choices_.one_in(2);
  switch (choices_.below(3)) {
    case 0: break;  // the fixtures': every fork to fulu at genesis (PeerDAS custody)
    case 1:
      for (int i = 1; i < peers::kForkCount; i++) config_.chain.fork_epoch[i] = peers::kFarFutureEpoch;  // phase0 only
      break;
    default:
      for (int i = 1; i < peers::kForkCount; i++) config_.chain.fork_epoch[i] = 0;  // gloas too
      break;
  }
  for (uint8_t& b : local_.node_id) b = static_cast<uint8_t>(choices_.below(256));
}

// The fixtures' status at head_slot mostly; one in eight differs in fork
// digest (irrelevant), finalized checkpoint, head or earliest slot.
peers::ChainStatus Simulator::choose_status(peers::Slot head_slot) {
  peers::ChainStatus s = peers::testing::make_status(head_slot);
  if (!choices_.one_in(8)) return s;
  if (choices_.one_in(2)) {
    for (uint8_t& b : s.fork_digest) b = static_cast<uint8_t>(choices_.below(256));
  }
  s.finalized_root.fill(static_cast<uint8_t>(choices_.below(3)));
  s.finalized_epoch = static_cast<peers::Epoch>(choices_.below(101));
  s.head_slot = s.finalized_epoch * 32 + static_cast<peers::Slot>(choices_.below(201));
  if (choices_.one_in(2)) {
    s.earliest_available_slot = static_cast<peers::Slot>(choices_.below(static_cast<uint64_t>(s.head_slot) + 1));
  }
  return s;
}

bool Simulator::start() {
  Event init = make_event(EventKind::kInit, now_ms_);
  // Connections libp2p already had open when the PeerManager started.
  std::vector<bool> opened(ids_.size(), false);
  for (uint64_t k = 0, n = choices_.below(4); k < n; k++) {
    const int p = static_cast<int>(choices_.below(ids_.size()));
    if (opened[p]) continue;  // one each
    opened[p] = true;
    Event open = connection_open(now_ms_, ids_[p], "c" + std::to_string(p) + "." + std::to_string(conn_counter_++),
                                 choose_direction(), node_ids_[p]);
    init.extra.mut().connections.push_back(open.extra->connection);
  }
  add_heartbeat_inputs(&init);
  return step(std::move(init));
}

bool Simulator::step_input() {
  if (!invariants_.ok()) return false;
  inputs_++;
  // While draining, time stands still so no timer adds requests.
  const uint64_t dt_ms = choices_.one_in(32) ? choices_.below(40000) : choices_.below(4000);
  const UnixMs target_ms = draining() ? now_ms_ : now_ms_ + static_cast<UnixMs>(dt_ms);
  if (!fire_due_timers(target_ms)) return false;
  now_ms_ = target_ms;
  bool made = false;
  Event ev = next_input(&made);
  return !made || step(std::move(ev));
}

bool Simulator::finish() {
  if (!invariants_.ok()) return false;
  invariants_.full_check(*pm_);
  if (options_.keep_events) invariants_.check_replay(config_, local_, kept_events_, kept_actions_, pm_->state_digest());
  return invariants_.ok();
}

SimReport Simulator::report() const {
  SimReport r;
  r.inputs = inputs_;
  r.timers = timers_;
  r.heartbeats = heartbeats_;
  r.counts = invariants_.counts();
  r.violation = invariants_.violation();
  r.violation_event = invariants_.violation_event();
  return r;
}

peers::Direction Simulator::choose_direction() {
  return choices_.one_in(2) ? peers::Direction::kInbound : peers::Direction::kOutbound;
}

// The clock's slot at the stream's time (the engine's clock starts at init).
peers::Slot Simulator::slot_now() const {
  return (now_ms_ - config_.chain.genesis_time_s * 1000) / config_.chain.slot_duration_ms;
}

// Every request ends (libp2p fails those of closed connections): while many
// are open, inputs are responses, so pending requests stay bounded as in a node.
bool Simulator::draining() const { return pm_->pending_request_count() > 2 * pm_->connected_peer_count() + 32; }

// Generous inputs: the engine takes what it needs (see simulator.h).
void Simulator::add_heartbeat_inputs(Event* ev) {
  peers::EventExtra& extra = ev->extra.mut();
  const size_t n = std::min<size_t>(peers::kMaxRandDraws, 4 * pm_->connected_peer_count() + 64);
  draws_.state = choices_.below(uint64_t{1} << 32);
  std::vector<double>& rand = extra.rand.emplace();
  rand.reserve(n);
  for (size_t i = 0; i < n; i++) rand.push_back(draws_.unit());
  std::vector<peers::ActiveSubnet>& attnets = extra.active_attnets.emplace();
  for (uint64_t k = 0, m = choices_.below(4); k < m; k++) {
    const auto subnet = static_cast<int64_t>(choices_.below(64));
    attnets.push_back({subnet, slot_now() + 1 + static_cast<peers::Slot>(choices_.below(64))});
  }
  std::vector<peers::ActiveSubnet>& syncnets = extra.active_syncnets.emplace();
  if (choices_.one_in(3)) syncnets.push_back({static_cast<int64_t>(choices_.below(4)), slot_now() + 1});
}

// One score per connected peer, in connectedPeers order (what gossipsub
// reports); one in eight far below the negative thresholds.
void Simulator::add_gossip_scores(Event* ev) {
  draws_.state = choices_.below(uint64_t{1} << 32);
  std::vector<std::pair<peers::PeerIdStr, double>>& scores = ev->extra.mut().gossip_scores.emplace();
  for (const peers::PeerIdStr& peer : pm_->connected_peer_ids()) {
    const double u = draws_.unit();
    scores.emplace_back(peer, draws_.below(8) == 0 ? u * 1100 - 1000 : u * 40 - 30);
  }
}

bool Simulator::fire_due_timers(UnixMs target_ms) {
  for (;;) {
    const std::optional<peers::TimerDue> due = pm_->overdue_timer(target_ms + 1);
    if (!due.has_value()) return true;
    Event ev = timer(*due);
    if (due->kind == peers::TimerKind::kHeartbeat) add_heartbeat_inputs(&ev);
    if (due->kind == peers::TimerKind::kGossipScores) add_gossip_scores(&ev);
    timers_++;
    if (due->kind == peers::TimerKind::kHeartbeat) heartbeats_++;
    if (!step(std::move(ev))) return false;
  }
}

Event Simulator::next_input(bool* made) {
  *made = true;
  if (draining()) return response(made);
  const int p = static_cast<int>(choices_.below(ids_.size()));
  const uint64_t what = choices_.below(100);
  if (what < 50) return peer_input(p, what, made);
  if (what < 90) return response(made);
  if (what < 93) {
    Event ev = make_event(EventKind::kCommitteeSubscriptions, now_ms_);
    add_heartbeat_inputs(&ev);
    return ev;
  }
  if (what < 96) return local_status(now_ms_, choose_status(slot_now()));
  if (what < 99) {
    std::vector<peers::PeerIdStr> peer_ids;
    for (uint64_t k = 0, n = choices_.below(4); k < n; k++) peer_ids.push_back(ids_[choices_.below(ids_.size())]);
    return restatus_peers(now_ms_, std::move(peer_ids));
  }
  *made = choices_.one_in(20);  // rare: it empties the node
  return make_event(EventKind::kGoodbyeAll, now_ms_);
}

// What peer p does (what < 50): connect, disconnect, misbehave, send a request.
Event Simulator::peer_input(int p, uint64_t what, bool* made) {
  const peers::PeerIdStr& peer = ids_[p];
  const int open = invariants_.open_connections(p);
  // Below target, more opens than closes, so large pools fill up and heartbeats prune.
  const uint64_t opens = pm_->connected_peer_count() < static_cast<size_t>(config_.target_peers) ? 25 : 20;
  if (what < opens && open < 2) {
    // A second connection of a connected peer now and then.
    if (open == 1 && !choices_.one_in(8)) {
      *made = false;
      return Event{};
    }
    return connection_open(now_ms_, peer, "c" + std::to_string(p) + "." + std::to_string(conn_counter_++),
                           choose_direction(), node_ids_[p]);
  }
  if (open == 0) return response(made);  // nothing else for a peer without a connection
  if (what < 30) {
    const peers::Connection* c = pm_->get_connection(peer);
    if (c == nullptr) {
      Event at;
      at.seq = seq_;
      invariants_.violate(at, std::string(peer) + ": the stream holds a connection the engine does not");
      *made = false;
      return Event{};
    }
    return connection_close(now_ms_, peer, c->conn);
  }
  if (what < 36) {
    const auto action = choices_.one_in(40) ? peers::PeerAction::Fatal
                                            : static_cast<peers::PeerAction>(1 + choices_.below(peers::kPeerActionCount - 1));
    return report_peer(now_ms_, peer, action, "sim");
  }
  switch (choices_.below(4)) {
    case 0: return ping_request(now_ms_, peer, choices_.below(4));
    case 1: return status_request(now_ms_, peer, choose_status(1000 + static_cast<peers::Slot>(choices_.below(8))));
    case 2: return metadata_request(now_ms_, peer);
    default: {
      // Mostly CLIENT_SHUTDOWN (1) or TOO_MANY_PEERS (129); now and then any code.
      const uint64_t reason = choices_.one_in(4) ? choices_.below(301) : choices_.one_in(2) ? 1 : 129;
      return goodbye_request(now_ms_, peer, reason);
    }
  }
}

// Answers a pending request, oldest first but not always, with a value or an error.
Event Simulator::response(bool* made) {
  const int64_t last_req = invariants_.last_req();
  while (oldest_req_ <= last_req && !pm_->pending_request_kind(oldest_req_).has_value()) oldest_req_++;
  if (oldest_req_ > last_req) {
    *made = false;
    return Event{};
  }
  int64_t req = oldest_req_;
  for (int64_t k = req + static_cast<int64_t>(choices_.below(4)); k > req; k--) {
    if (k <= last_req && pm_->pending_request_kind(k).has_value()) {
      req = k;
      break;
    }
  }
  if (choices_.one_in(6)) return error_response(now_ms_, req, "sim: request failed");
  Event ev = value_response(now_ms_, req);
  fill_response_value(&ev);
  return ev;
}

void Simulator::fill_response_value(Event* ev) {
  using Shape = peers::ResponseValue::Shape;
  switch (*pm_->pending_request_kind(ev->req)) {
    case ActionKind::kSendPing:
      ev->ok.shape = Shape::kSeqNumber;
      ev->ok.seq_number = choices_.below(4);
      break;
    case ActionKind::kSendStatus:
      ev->ok.shape = Shape::kStatus;
      ev->ok.detail.mut().status = choose_status(1000 + static_cast<peers::Slot>(choices_.below(8)));
      break;
    case ActionKind::kSendMetadata: {
      ev->ok.shape = Shape::kMetadata;
      peers::Metadata& metadata = ev->ok.detail.mut().metadata;
      metadata.seq_number = choices_.below(4);
      uint64_t attnets = 0;
      for (uint64_t k = 0, n = choices_.below(9); k < n; k++) attnets |= uint64_t{1} << choices_.below(64);
      metadata.attnets = peers::Attnets(attnets);
      if (choices_.one_in(2)) metadata.syncnets = peers::Syncnets(choices_.below(16));
      // Mostly a count at or above CUSTODY_REQUIREMENT; now and then any, or none.
      if (choices_.one_in(8)) {
        if (choices_.one_in(2)) {
          metadata.custody_group_count = choices_.below(131);
        } else {
          metadata.custody_group_count.reset();
        }
      } else {
        metadata.custody_group_count = 4 + choices_.below(5);
      }
      break;
    }
    case ActionKind::kIdentify: {
      ev->ok.shape = Shape::kIdentify;
      static const char* const kAgents[] = {"Lighthouse/v7", "Lodestar/v1.44.0", "teku/v24"};
      if (!choices_.one_in(4)) ev->ok.detail.mut().agent_version = kAgents[choices_.below(3)];
      break;
    }
    default: ev->ok.shape = Shape::kNull; break;
  }
}

// Steps the engine; false once an invariant broke.
bool Simulator::step(Event ev) {
  ev.seq = ++seq_;
  actions_.clear();
  const peers::Status s = pm_->step(ev, &actions_);
  if (!invariants_.accepted(ev, s)) return false;
  if (!s.is_ok()) {
    // As it ran: with exactly the inputs the engine read (kept, observed).
    const peers::InputsRead& read = s.inputs_read();
    peers::EventExtra& extra = ev.extra.mut();
    if (extra.rand.has_value()) extra.rand->resize(read.rand_draws);
    if (!read.active_subnets) {
      extra.active_attnets.reset();
      extra.active_syncnets.reset();
    }
    if (!read.gossip_scores) extra.gossip_scores.reset();
  }
  now_ms_ = ev.t_ms;
  invariants_.after_event(*pm_, ev, actions_);
  if (observer_) observer_(ev, actions_);
  if (options_.keep_events) {
    kept_events_.push_back(std::move(ev));
    kept_actions_.push_back(actions_);
  }
  return invariants_.ok();
}

SimReport run_seeded(uint64_t seed, uint64_t inputs, int peers) {
  SeededChoices choices(seed);
  SimOptions options;
  options.peers = peers;
  Simulator sim(options, &choices);
  if (sim.start()) {
    for (uint64_t i = 0; i < inputs && sim.step_input(); i++) {
    }
    sim.finish();
  }
  return sim.report();
}

}  // namespace sim
