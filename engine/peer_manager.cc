// A port of network/peers/peerManager.ts. Read it side by
// side with the TS: methods are in the TS file order, under the TS names in
// snake_case, with their statements in the TS order. Metrics and logging are
// left out (metrics are null in every recording; logs make no call into the
// modules). See peer_manager.h for how async and time are modelled.
#include "engine/peer_manager_impl.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>
#include <span>
#include <utility>

#include "engine/data_columns.h"
#include "engine/score/utils.h"
#include "engine/utils/assert_peer_relevance.h"
#include "engine/utils/prioritize_peers.h"
#include "peers/goodbye.h"

namespace peers {

namespace {

std::string req_str(int64_t req) { return std::to_string(req); }

}  // namespace

bool action_has_req(ActionKind kind) {
  switch (kind) {
    case ActionKind::kSendPing:
    case ActionKind::kSendStatus:
    case ActionKind::kSendMetadata:
    case ActionKind::kSendGoodbye:
    case ActionKind::kDisconnect:
    case ActionKind::kIdentify:
      return true;
    default:
      return false;
  }
}

PeerManagerImpl::PeerManagerImpl(PeerManagerConfig config, LocalNode local)
    : config_(std::move(config)), local_(std::move(local)) {
  assert(config_.chain.slot_duration_ms > 0);
  assert(config_.chain.slots_per_epoch > 0);
  if (config_.metrics) metrics_ = std::make_unique<NetworkCoreMetrics>();
  peer_rpc_scores_ = std::make_unique<PeerRpcScoreStore>(PeerRpcScoreOpts{config_.disable_peer_scoring}, metrics_.get());
  status_cache_ = local_.status;
  last_status_ = local_.status;
}

// ---------------------------------------------------------------------------
// step: event dispatch

Status PeerManagerImpl::step(const Event& event, std::vector<Action>* actions, RandomSource* random) {
  assert(actions != nullptr);
  if (!initialized_ && event.kind != EventKind::kInit) {
    return Status::invalid_argument(std::string("event ") + event_kind_name(event.kind) +
                                    " before init: the first event must be init");
  }
  if (initialized_ && event.kind == EventKind::kInit) {
    return Status::invalid_argument("a second init event: the PeerManager is constructed once");
  }
  if (event.t_ms < now_ms_) {
    return Status::invalid_argument("t_ms " + std::to_string(event.t_ms) + " goes back from " + std::to_string(now_ms_));
  }
  const EventExtra& extra = *event.extra;  // a shared empty one when the event has none
  if (extra.rand.has_value() && extra.rand->size() > kMaxRandDraws) {
    return Status::invalid_argument("more than " + std::to_string(kMaxRandDraws) + " rand draws in one event");
  }
  if (random != nullptr && extra.rand.has_value()) {
    return Status::invalid_argument("an event with rand draws and a RandomSource: the draws come from one of them");
  }
  now_ms_ = event.t_ms;
  ctx_.reset(&event, actions);
  ctx_.random_source = random;
  const size_t actions_before = actions->size();

  // Lodestar gets one PeerId object per peer from libp2p, in every event; a
  // trace gives each event its own copy of the text. The id the engine stored
  // when the peer's connection opened stands for the event's from here on,
  // so the engine's own lookups meet equal pointers, not 53 bytes to compare.
  const bool reads_peer = event.kind == EventKind::kRequest || event.kind == EventKind::kReportPeer ||
                          event.kind == EventKind::kConnectionClose;
  const PeerIdStr peer = reads_peer ? canonical_peer_id(event.peer) : PeerIdStr();
  Status s;
  switch (event.kind) {
    case EventKind::kInit:
      s = on_init(event);
      break;
    case EventKind::kConnectionOpen:
      s = on_connection_open(event);
      break;
    case EventKind::kConnectionClose:
      s = on_connection_close(event, peer);
      break;
    case EventKind::kRequest:
      on_request(peer, event);
      break;
    case EventKind::kResponse:
      s = on_response(event);
      break;
    case EventKind::kTimer:
      s = on_timer(event);
      break;
    case EventKind::kReportPeer:
      report_peer(peer, extra.action, extra.action_name);
      break;
    case EventKind::kCommitteeSubscriptions:
      on_committee_subscriptions();
      break;
    case EventKind::kRestatusPeers:
      re_status_peers(extra.peers);
      break;
    case EventKind::kLocalStatus:
      // The chain updated statusCache; PeerManager reads it on its next use.
      status_cache_ = extra.status;
      break;
    case EventKind::kGoodbyeAll:
      goodbye_and_disconnect_all_peers();
      break;
    case EventKind::kConnectionStatus:
      s = on_connection_status(event);
      break;
    case EventKind::kLocalCustody:
      // custodyConfig.updateTargetCustodyGroupCount(n): what PeerManager reads
      // of custodyConfig from here on (its heartbeat's sampleGroups).
      local_.custody_group_count = extra.custody_group_count;
      local_.sample_groups = extra.sample_groups;
      local_.sampled_subnets = extra.sampled_subnets;
      break;
  }
  if (s.is_ok()) run_microtasks();
  if (!s.is_ok()) return s;
  if (!ctx_.error.is_ok()) return ctx_.error;

  // Every input the event carries must have been read, and only those.
  const size_t rand_given = extra.rand.has_value() ? extra.rand->size() : 0;
  if (random == nullptr && ctx_.rand_used != rand_given) {
    return unread_inputs(std::to_string(rand_given) + " rand draws, the engine used " + std::to_string(ctx_.rand_used));
  }
  if (!ctx_.read_active_subnets && (extra.active_attnets.has_value() || extra.active_syncnets.has_value())) {
    return unread_inputs("active subnets but the engine ran no heartbeat");
  }
  if (!ctx_.read_gossip_scores && extra.gossip_scores.has_value() && !extra.gossip_scores->empty()) {
    return unread_inputs("gossip_scores but the engine read none");
  }
  if (actions->size() - actions_before > kMaxActionsPerEvent) {
    return Status::invalid_argument("more than " + std::to_string(kMaxActionsPerEvent) + " actions in one event");
  }
  if (peer_rpc_scores_->size() > kMaxScoreEntries) {
    return Status::invalid_argument("more than " + std::to_string(kMaxScoreEntries) + " score entries");
  }
  check_invariants();
  ctx_.reset(nullptr, nullptr);
  return Status::ok();
}

PeerIdStr PeerManagerImpl::canonical_peer_id(const PeerIdStr& peer) const {
  const PeerIdStr* stored = connections_.find_key(peer);
  return stored != nullptr ? *stored : peer;
}

const std::vector<CustodyIndex>& PeerManagerImpl::custody_groups_of(const NodeId& node_id, int64_t custody_group_count) {
  const auto key = std::make_pair(node_id, custody_group_count);
  auto it = custody_groups_cache_.find(key);
  if (it != custody_groups_cache_.end()) return it->second;
  if (custody_groups_cache_.size() >= kMaxCustodyGroupsCache) custody_groups_cache_.clear();
  std::vector<CustodyIndex> groups = get_custody_groups(config_.chain, node_id, static_cast<uint64_t>(custody_group_count));
  return custody_groups_cache_.emplace(key, std::move(groups)).first->second;
}

void PeerManagerImpl::check_invariants() {
  // Bounds (every growth path refuses the event before crossing them).
  assert(connections_.size() <= kMaxPeers);
  assert(peers_data_.connected_peers.size() <= kMaxPeers);
  assert(pending_.size() <= kMaxPendingRequests);
  // Every microtask ran before the event returned.
  assert(microtasks_.empty() && microtask_head_ == 0);
  // Interval timers are armed from init on.
  assert(ping_status_due_ms_ > 0 && heartbeat_due_ms_ > 0 && gossip_scores_due_ms_ > 0);
  // The scans below are O(pending requests + peers), over tombstones too,
  // and asserts stay on in release builds, where a scan per event would cost
  // as much as the step itself: they run on every 1024th accepted event, so
  // a broken invariant that persists is still caught, at most 1023 events
  // late, at O(1) amortized cost per event. The point assertions where
  // requests and connections are added and removed run on every one.
  if (++invariant_checks_ % 1024 != 0) return;
  // Request ids are handed out in order; a pending one was handed out.
  for (const auto& [req, pending] : pending_) {
    assert(req >= 1 && req < next_req_);
    assert(!pending.peer.empty());
    // Only an unanswered goodbye has a timer; a raced-out one has none.
    assert(pending.timeout_due_ms < 0 || (pending.continuation == Continuation::kGoodbyeSend && !pending.raced_out));
    (void)req;
    (void)pending;
  }
  // The mirror holds no empty connection list (libp2p deletes the key), and
  // the id index holds as many connections as the mirror (add_to_mirror and
  // on_connection_close keep the two in step, id by id).
  size_t connection_count = 0;
  for (const auto& [peer, conns] : connections_) {
    assert(!conns.empty() && conns.size() <= kMaxConnectionsPerPeer);
    connection_count += conns.size();
    (void)peer;
  }
  assert(connection_ids_.size() == connection_count);
  (void)connection_count;
}

Status PeerManagerImpl::add_to_mirror(const ConnectionSpec& spec) {
  // libp2p appends a new connection to its peer's list; a new peer key goes
  // to the end of the map.
  std::vector<Connection>* list = connections_.find(spec.peer);
  if (list == nullptr && connections_.size() >= kMaxPeers) {
    return Status::invalid_argument("more than " + std::to_string(kMaxPeers) + " peers in the connection map");
  }
  if (list != nullptr && list->size() >= kMaxConnectionsPerPeer) {
    return Status::invalid_argument("more than " + std::to_string(kMaxConnectionsPerPeer) + " connections for " +
                                    spec.peer);
  }
  if (connection_ids_.contains(spec.conn)) return Status::invalid_argument("duplicate connection id " + spec.conn);
  connection_ids_.set(spec.conn, spec.peer);
  if (list == nullptr) list = &connections_.set(spec.peer, {});
  list->push_back(Connection{spec.conn, spec.peer, spec.direction, spec.status, now_ms_, spec.node_id, spec.key_type});
  return Status::ok();
}

Status PeerManagerImpl::on_init(const Event& event) {
  init_ms_ = event.t_ms;
  // The connections already in libp2p's map, in the order they were opened.
  // Only the mirror is updated: the listeners are not attached yet.
  for (const ConnectionSpec& spec : event.extra->connections) {
    Status s = add_to_mirror(spec);
    if (!s.is_ok()) return s;
  }

  // constructor(modules, opts, discovery)
  last_status_ = status_cache_get();

  // A connection may already be open before listeners are attached.
  bootstrap_already_open_connections();
  // callInNextEventLoop(() => this.pingAndStatusTimeouts()): setTimeout(cb, 0)
  startup_ping_status_due_ms_ = now_ms_;

  // On start-up will connected to existing peers in libp2p.peerStore
  heartbeat();
  ping_status_due_ms_ = now_ms_ + kCheckPingStatusInterval;
  heartbeat_due_ms_ = now_ms_ + kHeartbeatIntervalMs;
  gossip_scores_due_ms_ = now_ms_ + config_.gossip_decay_interval_ms;
  initialized_ = true;
  return Status::ok();
}

Status PeerManagerImpl::on_connection_open(const Event& event) {
  const ConnectionSpec& spec = event.extra->connection;
  if (spec.peer != event.peer) return Status::invalid_argument("connection peer does not match the event's peer");
  // libp2p added the connection to its map before dispatching connection:open.
  Status s = add_to_mirror(spec);
  if (!s.is_ok()) return s;
  const std::vector<Connection>* list = connections_.find(spec.peer);
  assert(list != nullptr && !list->empty());
  const Connection connection = list->back();
  on_libp2p_peer_connect(connection);
  return Status::ok();
}

Status PeerManagerImpl::on_connection_close(const Event& event, const PeerIdStr& peer) {
  // libp2p removed the connection (and the peer key, when it was its last)
  // before dispatching connection:close.
  const EventExtra& extra = *event.extra;
  std::vector<Connection>* list = connections_.find(peer);
  auto it = list != nullptr ? std::find_if(list->begin(), list->end(),
                                           [&](const Connection& c) { return c.conn == extra.connection.conn; })
                            : std::vector<Connection>::iterator{};
  if (list == nullptr || it == list->end()) {
    // A close for a connection libp2p's map does not hold (never opened, or
    // already gone): TS runs the handler with the event's Connection, whose
    // direction only the trace can tell.
    if (!extra.close_direction.has_value()) {
      return Status::invalid_argument("connection_close for connection " + extra.connection.conn + " of " + peer +
                                      ", which is not open, and the event gives no direction");
    }
    if (peer_rpc_scores_->size() >= kMaxScoreEntries && !peer_rpc_scores_->has_entry(peer)) {
      return Status::invalid_argument("more than " + std::to_string(kMaxScoreEntries) + " score entries");
    }
    Connection unknown;
    unknown.conn = extra.connection.conn;
    unknown.remote_peer = peer;
    unknown.direction = *extra.close_direction;
    unknown.status = ConnectionStatus::kClosed;
    on_libp2p_peer_disconnect(unknown);
    return Status::ok();
  }
  Connection closed = *it;
  if (extra.close_direction.has_value() && *extra.close_direction != closed.direction) {
    return Status::invalid_argument("connection_close direction differs from connection " + closed.conn + "'s");
  }
  list->erase(it);
  if (list->empty()) connections_.erase(peer);
  const bool indexed = connection_ids_.erase(closed.conn);
  assert(indexed);
  (void)indexed;
  closed.status = ConnectionStatus::kClosed;
  on_libp2p_peer_disconnect(closed);
  return Status::ok();
}

Status PeerManagerImpl::on_connection_status(const Event& event) {
  // libp2p set connection.status (to "closing" when it starts closing) and
  // dispatched nothing: only the mirror changes. PeerManager sees it where it
  // reads statuses (getConnectedPeerIds, the open-connection filters).
  const ConnectionSpec& spec = event.extra->connection;
  const PeerIdStr* owner = connection_ids_.find(spec.conn);
  if (owner == nullptr || *owner != event.peer) {
    return Status::invalid_argument("connection_status for connection " + spec.conn + " of " + event.peer +
                                    ", which is not in the connection map");
  }
  std::vector<Connection>* list = connections_.find(*owner);
  assert(list != nullptr);
  auto it = std::find_if(list->begin(), list->end(), [&](const Connection& c) { return c.conn == spec.conn; });
  assert(it != list->end());
  it->status = spec.status;
  return Status::ok();
}

Status PeerManagerImpl::on_response(const Event& event) {
  const size_t slot = pending_.slot_of(event.req);
  if (slot == SequentialMap<PendingRequest>::kNoSlot) {
    return Status::invalid_argument("response for unknown req " + req_str(event.req));
  }
  const PendingRequest& pending = pending_.at_slot(slot);
  if (!event.is_error) {
    // The value's shape must be the one the call resolves with.
    ResponseValue::Shape want = ResponseValue::Shape::kNull;
    switch (pending.kind) {
      case ActionKind::kSendPing: want = ResponseValue::Shape::kSeqNumber; break;
      case ActionKind::kSendStatus: want = ResponseValue::Shape::kStatus; break;
      case ActionKind::kSendMetadata: want = ResponseValue::Shape::kMetadata; break;
      case ActionKind::kIdentify: want = ResponseValue::Shape::kIdentify; break;
      default: want = ResponseValue::Shape::kNull; break;
    }
    if (event.ok.shape != want) {
      return Status::invalid_argument("response to req " + req_str(event.req) + " (" + action_kind_name(pending.kind) +
                                      ") has a value of the wrong shape");
    }
  }
  if (pending.raced_out) {
    // The goodbye's withTimeout already rejected on its timer; nothing awaits
    // this promise any more.
    assert(pending.continuation == Continuation::kGoodbyeSend);
    pending_.erase_slot(slot);
    return Status::ok();
  }
  // The continuation runs as a microtask (run_microtasks, which also retires
  // the request; for a goodbye, withTimeout's finally clears its timer).
  microtasks_.push_back(Microtask{event.req, slot, Outcome{event.is_error, event.is_error ? nullptr : &event.ok}});
  return Status::ok();
}

// Whether an armed timer due at `due_ms` may fire now: exactly at its due
// time under fake timers; whenever the trace says with live timers.
bool PeerManagerImpl::timer_fires_now(int64_t due_ms) const {
  return config_.live_timers ? due_ms >= 0 : due_ms == now_ms_;
}

// The next due time of an interval timer that fired now: fake timers step it
// by the period; Node's setInterval re-arms from the callback's start.
int64_t PeerManagerImpl::rearm(int64_t due_ms, int64_t period_ms) const {
  return config_.live_timers ? now_ms_ + period_ms : due_ms + period_ms;
}

Status PeerManagerImpl::on_timer(const Event& event) {
  switch (event.timer) {
    case TimerKind::kStartupPingStatus:
      if (!timer_fires_now(startup_ping_status_due_ms_)) return Status::invalid_argument("timer startup_ping_status is not due");
      startup_ping_status_due_ms_ = -1;
      ping_and_status_timeouts();
      return Status::ok();
    case TimerKind::kPingStatus:
      if (!timer_fires_now(ping_status_due_ms_)) return Status::invalid_argument("timer ping_status is not due");
      ping_status_due_ms_ = rearm(ping_status_due_ms_, kCheckPingStatusInterval);
      ping_and_status_timeouts();
      return Status::ok();
    case TimerKind::kHeartbeat:
      if (!timer_fires_now(heartbeat_due_ms_)) return Status::invalid_argument("timer heartbeat is not due");
      heartbeat_due_ms_ = rearm(heartbeat_due_ms_, kHeartbeatIntervalMs);
      heartbeat();
      return Status::ok();
    case TimerKind::kGossipScores:
      if (!timer_fires_now(gossip_scores_due_ms_)) return Status::invalid_argument("timer gossip_scores is not due");
      gossip_scores_due_ms_ = rearm(gossip_scores_due_ms_, config_.gossip_decay_interval_ms);
      update_gossipsub_scores();
      return Status::ok();
    case TimerKind::kGoodbyeTimeout: {
      const size_t slot = pending_.slot_of(event.req);
      PendingRequest* goodbye = slot != SequentialMap<PendingRequest>::kNoSlot ? &pending_.at_slot(slot) : nullptr;
      if (goodbye == nullptr || goodbye->continuation != Continuation::kGoodbyeSend || goodbye->raced_out) {
        return Status::invalid_argument("timer goodbye_timeout for req " + req_str(event.req) +
                                        ", which is no pending goodbye");
      }
      if (!timer_fires_now(goodbye->timeout_due_ms)) {
        return Status::invalid_argument("timer goodbye_timeout for req " + req_str(event.req) + " is due at " +
                                        std::to_string(goodbye->timeout_due_ms) + ", not now");
      }
      // sleep() resolves, timeoutPromise throws TimeoutError, the race rejects.
      goodbye->raced_out = true;
      goodbye->timeout_due_ms = -1;
      microtasks_.push_back(Microtask{event.req, slot, Outcome{true, nullptr}});
      return Status::ok();
    }
  }
  return Status::invalid_argument("unknown timer");
}

void PeerManagerImpl::run_microtasks() {
  while (microtask_head_ < microtasks_.size() && ctx_.error.is_ok()) {
    const Microtask task = microtasks_[microtask_head_++];
    if (microtask_head_ == microtasks_.size()) {
      microtasks_.clear();
      microtask_head_ = 0;
    }
    // The hint is the slot on_response or on_timer found; an earlier task's
    // continuation may have sent a request since (an append may compact).
    const size_t slot = pending_.slot_of(task.req, task.slot_hint);
    assert(slot != SequentialMap<PendingRequest>::kNoSlot);
    PendingRequest& found = pending_.at_slot(slot);
    // A goodbye raced out by its timeout stays in the table (a late response
    // is accepted and ignored); every other settled request leaves it.
    const PendingRequest pending = found.raced_out ? found : std::move(found);
    if (!pending.raced_out) pending_.erase_slot(slot);
    run_continuation(task.req, pending, task.outcome);
  }
}

void PeerManagerImpl::run_continuation(int64_t /*req*/, const PendingRequest& pending, const Outcome& outcome) {
  assert(outcome.is_error || outcome.value != nullptr);
  const PeerIdStr& peer = pending.peer;
  switch (pending.continuation) {
    case Continuation::kRequestPing: {
      // requestPing: this.onPing(peer, await this.reqResp.sendPing(peer));
      if (outcome.is_error) return;  // catch: log only
      // One lookup for both: onPing only requests metadata, which leaves
      // connectedPeers (and this pointer) as they are.
      PeerData* peer_data = peers_data_.connected_peers.find(peer);
      on_ping(peer, peer_data, outcome.value->seq_number);
      // If peer replies a PING request also update lastReceivedMsg
      if (peer_data != nullptr) peer_data->last_received_msg_unix_ts_ms = now_ms_;
      return;
    }
    case Continuation::kRequestMetadata:
      // requestMetadata: this.onMetadata(peer, await this.reqResp.sendMetadata(peer));
      if (outcome.is_error) return;
      (void)on_metadata(peer, outcome.value->detail->metadata);  // a throw is caught and logged
      return;
    case Continuation::kRequestStatus:
      // requestStatus: this.onStatus(peer, await this.reqResp.sendStatus(peer, localStatus));
      if (outcome.is_error) return;
      (void)on_status(peer, outcome.value->detail->status);
      return;
    case Continuation::kGoodbyeSend:
      // goodbyeAndDisconnect: the withTimeout race settled (either way: the
      // catch only logs). finally { await this.disconnect(peer); ... }
      disconnect(peer, Continuation::kGoodbyeHangUp, pending.goodbye);
      return;
    case Continuation::kGoodbyeHangUp: {
      // disconnect() swallows hangUp's error; then, still in finally:
      // prevent automatic/immediate reconnects
      (void)peer_rpc_scores_->apply_reconnection_cool_down(peer, pending.goodbye, now_ms_);
      return;
    }
    case Continuation::kDisconnect:
      return;
    case Continuation::kIdentify: {
      // identifyPeer: const result = await identify(connection)
      if (outcome.is_error) return;
      const std::optional<std::string>& agent_version = outcome.value->detail->agent_version;
      if (agent_version.has_value() && !agent_version->empty()) {
        PeerData* connected_peer_data = peers_data_.connected_peers.find(peer);
        if (connected_peer_data != nullptr) {
          connected_peer_data->agent_version = *agent_version;
          connected_peer_data->agent_client = get_known_client_from_agent_version(*agent_version);
        }
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// peerManager.ts

std::vector<PeerIdStr> PeerManagerImpl::get_connected_peer_ids() const {
  std::vector<PeerIdStr> peer_ids;
  peer_ids.reserve(connections_.size());
  connected_peer_ids_into(&peer_ids);
  return peer_ids;
}

void PeerManagerImpl::connected_peer_ids_into(std::vector<PeerIdStr>* out) const {
  // getConnectedPeerIds(libp2p): peers with at least one "open" connection.
  // An element that already holds the id is assigned its own Rep: no count changes.
  size_t count = 0;
  for (const auto& [peer, conns] : connections_) {
    for (const Connection& c : conns) {
      if (c.is_open()) {
        if (count < out->size()) {
          (*out)[count] = c.remote_peer;
        } else {
          out->push_back(c.remote_peer);
        }
        count++;
        break;
      }
    }
  }
  out->resize(count);
}

bool PeerManagerImpl::has_some_connected_peer() const {
  for (const auto& [peer, conns] : connections_) {
    for (const Connection& c : conns) {
      if (c.is_open()) return true;
    }
  }
  return false;
}

void PeerManagerImpl::goodbye_and_disconnect_all_peers() {
  // Promise.all(this.getConnectedPeerIds().map(async (peer) => this.goodbyeAndDisconnect(peer, CLIENT_SHUTDOWN)))
  for (const PeerIdStr& peer : get_connected_peer_ids()) {
    goodbye_and_disconnect(peer, GoodByeReasonCode::CLIENT_SHUTDOWN);
  }
}

void PeerManagerImpl::on_committee_subscriptions() {
  // Request to run heartbeat fn
  heartbeat();
}

void PeerManagerImpl::report_peer(const PeerIdStr& peer, PeerAction action, const std::string& action_name) {
  if (peer_rpc_scores_->size() >= kMaxScoreEntries && !peer_rpc_scores_->has_entry(peer)) {
    fail(Status::invalid_argument("more than " + std::to_string(kMaxScoreEntries) + " score entries"));
    return;
  }
  peer_rpc_scores_->apply_action(peer, action, action_name, now_ms_);
}

void PeerManagerImpl::re_status_peers(const std::vector<PeerIdStr>& peers) {
  for (const PeerIdStr& peer : peers) {
    PeerData* peer_data = peers_data_.connected_peers.find(peer);
    if (peer_data != nullptr) {
      // Set to 0 to trigger a status request after calling pingAndStatusTimeouts()
      peer_data->last_status_unix_ts_ms = 0;
    }
  }
  ping_and_status_timeouts();
}

void PeerManagerImpl::on_request(const PeerIdStr& peer, const Event& event) {
  // try { ... } catch (e) { log }: a throw ends the handler, nothing else.
  PeerData* peer_data = peers_data_.connected_peers.find(peer);
  if (peer_data != nullptr) {
    peer_data->last_received_msg_unix_ts_ms = now_ms_;
  }

  if (event.method == ReqRespMethod::Ping) {
    on_ping(peer, peer_data, event.body_uint);
  } else if (event.method == ReqRespMethod::Goodbye) {
    on_goodbye(peer, event.body_uint);
  } else if (event.method == ReqRespMethod::Status) {
    if (!event.extra->body_status.has_value()) {
      fail(Status::invalid_argument("status request without a body"));
      return;
    }
    (void)on_status(peer, *event.extra->body_status);
  }
}

void PeerManagerImpl::on_ping(const PeerIdStr& peer, const PeerData* peer_data, uint64_t seq_number) {
  // if the sequence number is unknown update the peer's metadata
  const PeerMetadata* metadata = peer_data != nullptr && peer_data->metadata.has_value() ? &*peer_data->metadata : nullptr;
  if (metadata == nullptr || metadata->seq_number < seq_number) {
    request_metadata(peer);
  }
}

bool PeerManagerImpl::on_metadata(const PeerIdStr& peer, const Metadata& metadata) {
  // Store metadata always in case the peer updates attnets but not the sequence number
  PeerData* peer_data = peers_data_.connected_peers.find(peer);
  if (peer_data != nullptr) {
    // oldMetadata: read in place. Its vectors are moved out when they carry
    // over unchanged, since peerData.metadata is replaced below.
    PeerMetadata* const old_metadata = peer_data->metadata.has_value() ? &*peer_data->metadata : nullptr;
    // custodyGroupCount is a UintNum64 (a JS number); getCustodyGroups throws
    // for any count above NUMBER_OF_CUSTODY_GROUPS, which bounds it below.
    const uint64_t custody_group_count_u =
        metadata.custody_group_count.value_or(static_cast<uint64_t>(config_.chain.custody_requirement));
    if (custody_group_count_u > static_cast<uint64_t>(config_.chain.number_of_custody_groups)) {
      // getCustodyGroups throws "Invalid custody group count"... but only if
      // it is called: it is, since the count differs from any stored one.
      return false;
    }
    const int64_t custody_group_count = static_cast<int64_t>(custody_group_count_u);
    const int64_t sampling_group_count = std::max(config_.chain.samples_per_slot, custody_group_count);
    const std::optional<NodeId> maybe_node_id = peer_data->node_id.has_value() ? peer_data->node_id : compute_node_id(peer);
    if (!maybe_node_id.has_value()) {
      fail(Status::invalid_argument("onMetadata needs the node id of " + peer + "; the trace gave none"));
      return false;
    }
    const NodeId node_id = *maybe_node_id;
    const bool custody_group_count_changed =
        old_metadata == nullptr || custody_group_count != old_metadata->custody_group_count;
    const int64_t old_sampling_group_count =
        std::max(config_.chain.samples_per_slot, old_metadata != nullptr ? old_metadata->custody_group_count : 0);
    std::vector<CustodyIndex> custody_groups = custody_group_count_changed
                                                   ? custody_groups_of(node_id, custody_group_count)
                                                   : std::move(old_metadata->custody_groups);
    std::vector<CustodyIndex> sampling_groups = old_metadata == nullptr || sampling_group_count != old_sampling_group_count
                                                    ? custody_groups_of(node_id, sampling_group_count)
                                                    : std::move(old_metadata->sampling_groups);
    PeerMetadata stored;
    stored.seq_number = metadata.seq_number;
    stored.attnets = metadata.attnets;
    stored.syncnets = metadata.syncnets.value_or(Syncnets{});
    stored.custody_group_count = custody_group_count;
    stored.custody_groups = std::move(custody_groups);
    stored.sampling_groups = std::move(sampling_groups);
    peer_data->metadata = std::move(stored);
    // if (!oldMetadata || oldMetadata.custodyGroupCount !== peerData.metadata.custodyGroupCount)
    if (custody_group_count_changed) {
      request_status(peer, status_cache_get());
    }
  }
  return true;
}

void PeerManagerImpl::on_goodbye(const PeerIdStr& peer, uint64_t goodbye) {
  if (metrics_ != nullptr) {
    // GOODBYE_KNOWN_CODES[goodbye.toString()] || ""
    const std::string reason(goodbye_known_code_name(std::to_string(goodbye)));
    metrics_->peer_goodbye_received.inc({reason});
    const Connection* conn = get_connection(peer);
    if (conn != nullptr && now_ms_ - conn->open_ms > kLongPeerConnectionMs) {
      metrics_->peer_long_connection_disconnect.inc({reason});
    }
  }
  disconnect(peer, Continuation::kDisconnect, GoodByeReasonCode::CLIENT_SHUTDOWN);  // no cool-down follows
}

bool PeerManagerImpl::on_status(const PeerIdStr& peer, const ChainStatus& status) {
  // reset the to-status timer of this peer
  PeerData* peer_data = peers_data_.connected_peers.find(peer);
  if (peer_data != nullptr) {
    peer_data->last_status_unix_ts_ms = now_ms_;
    peer_data->status = status;
  }

  const Slot current_slot = this->current_slot();
  const ForkSeq fork = config_.chain.fork_seq_at_slot(current_slot);

  // try { assertPeerRelevance(...) } catch: it does not throw for any Status.
  const bool is_irrelevant = assert_peer_relevance(fork, status, status_cache_get(), current_slot).has_value();

  if (is_irrelevant) {
    if (peer_data != nullptr) peer_data->relevant_status = RelevantPeerStatus::kIrrelevant;
    goodbye_and_disconnect(peer, GoodByeReasonCode::IRRELEVANT_NETWORK);
    return true;
  }

  // Peer is usable, send it to the rangeSync
  if (peer_data != nullptr && peer_data->relevant_status != RelevantPeerStatus::kRelevant) {
    emit(ActionKind::kTagRelevant, peer);
    peer_data->relevant_status = RelevantPeerStatus::kRelevant;
  }
  if (get_connection(peer) != nullptr) {
    const bool has_metadata = peer_data != nullptr && peer_data->metadata.has_value();
    const std::optional<NodeId> node_id =
        peer_data != nullptr && peer_data->node_id.has_value() ? peer_data->node_id : compute_node_id(peer);
    if (!node_id.has_value()) {
      const Connection* c = get_connection(peer);
      if (c != nullptr && c->key_type != "secp256k1") return false;  // computeNodeId throws; the catch logs
      if (!has_metadata) {
        fail(Status::invalid_argument("onStatus needs the node id of " + peer + "; the trace gave none"));
        return false;
      }
    }
    const int64_t custody_group_count =
        has_metadata ? peer_data->metadata->custody_group_count : config_.chain.custody_requirement;
    // A reference: nothing below touches the metadata or the memo before the last read.
    const std::vector<CustodyIndex>& custody_groups =
        has_metadata ? peer_data->metadata->custody_groups
                     : custody_groups_of(*node_id, custody_group_count);
    std::vector<ColumnIndex> custody_columns;
    const int64_t columns_per_group_hint =  // a capacity hint only: append_columns_... decides
        config_.chain.number_of_columns / std::max<int64_t>(1, config_.chain.number_of_custody_groups);
    custody_columns.reserve(custody_groups.size() * static_cast<size_t>(std::max<int64_t>(1, columns_per_group_hint)));
    for (CustodyIndex g : custody_groups) {
      append_columns_for_custody_group(config_.chain, g, &custody_columns);  // flatMap(computeColumnsForCustodyGroup)
    }
    // .sort((a, b) => a - b) on integers: equal ones cannot be told apart, so
    // any sort gives the same array, and sorted groups with one column each
    // (mainnet's 128/128) give it already sorted.
    if (!std::is_sorted(custody_columns.begin(), custody_columns.end())) {
      std::sort(custody_columns.begin(), custody_columns.end());
    }
    (void)custody_group_count;  // logged only

    const ClientKind client_agent =
        peer_data != nullptr && peer_data->agent_client.has_value() ? *peer_data->agent_client : ClientKind::kUnknown;

    Action& connected = emit(ActionKind::kPeerConnected, peer);
    connected.status = status;
    connected.client = client_kind_name(client_agent);
    connected.custody_columns = std::move(custody_columns);

    // Identify peer after status proves the connection is usable.
    if (peer_data != nullptr && !peer_data->agent_version.has_value()) {
      identify_peer(peer, get_connection(peer));
    }
  }
  return true;
}

void PeerManagerImpl::request_metadata(const PeerIdStr& peer) {
  PendingRequest pending;
  pending.continuation = Continuation::kRequestMetadata;
  (void)call_module(ActionKind::kSendMetadata, peer, std::move(pending));
}

void PeerManagerImpl::request_ping(const PeerIdStr& peer) {
  PendingRequest pending;
  pending.continuation = Continuation::kRequestPing;
  (void)call_module(ActionKind::kSendPing, peer, std::move(pending));
}

void PeerManagerImpl::request_status(const PeerIdStr& peer, const ChainStatus& local_status) {
  PendingRequest pending;
  pending.continuation = Continuation::kRequestStatus;
  Action* action = call_module(ActionKind::kSendStatus, peer, std::move(pending));
  if (action != nullptr) action->status = local_status;
}

void PeerManagerImpl::request_status_many(const std::vector<PeerIdStr>& peers) {
  const ChainStatus local_status = status_cache_get();
  for (const PeerIdStr& peer : peers) request_status(peer, local_status);
}

// The PeerInfo list heartbeat() passes to prioritizePeers: TS's
// connectedHealthyPeers.map((peer) => ...) in its call. Every field of each
// entry is assigned: the vector is the last heartbeat's, kept for its
// storage. The status and sampling groups point into connectedPeers, which
// nothing changes until prioritize_peers has returned (the goodbyes before
// it only send).
const std::vector<ConnectedPeerInfo>& PeerManagerImpl::connected_peer_infos(
    const std::vector<PeerIdStr>& connected_healthy_peers, const std::vector<double>& connected_healthy_scores) {
  std::vector<ConnectedPeerInfo>& infos = heartbeat_infos_;
  infos.resize(connected_healthy_peers.size());
  for (size_t k = 0; k < connected_healthy_peers.size(); k++) {
    const PeerIdStr& peer = connected_healthy_peers[k];
    const PeerData* peer_data = peers_data_.connected_peers.find(peer);
    ConnectedPeerInfo& info = infos[k];
    info.id = peer;
    info.direction.reset();
    info.status = nullptr;
    const bool has_metadata = peer_data != nullptr && peer_data->metadata.has_value();
    if (peer_data != nullptr) {
      info.direction = peer_data->direction;
      if (peer_data->status.has_value()) info.status = &*peer_data->status;
    }
    if (has_metadata) {
      info.attnets = peer_data->metadata->attnets;
      info.syncnets = peer_data->metadata->syncnets;
      // here we care samplingGroups not custodyGroups in order to know which column subnets peers subscribe to
      info.sampling_groups.emplace(peer_data->metadata->sampling_groups);
    } else {
      info.attnets.reset();
      info.syncnets.reset();
      info.sampling_groups.reset();
    }
    info.score = connected_healthy_scores[k];  // getScore(peer), read above
  }
  return infos;
}

// attnetsService.getActiveSubnets() and syncnetsService.getActiveSubnets():
// the event's active_attnets and active_syncnets. False (and the step fails)
// when the event carries none.
bool PeerManagerImpl::get_active_subnets(std::vector<RequestedSubnet>* attnets, std::vector<RequestedSubnet>* syncnets) {
  const EventExtra& extra = *ctx_.event->extra;
  ctx_.read_active_subnets = true;
  if (!extra.active_attnets.has_value() || !extra.active_syncnets.has_value()) {
    fail(Status::refused(Refusal::kActiveSubnetsMissing,
                         "heartbeat reads the active subnets; the event carries no active_attnets/active_syncnets"));
    return false;
  }
  for (const ActiveSubnet& a : *extra.active_attnets) attnets->push_back(RequestedSubnet{a.subnet, a.to_slot});
  for (const ActiveSubnet& a : *extra.active_syncnets) syncnets->push_back(RequestedSubnet{a.subnet, a.to_slot});
  return true;
}

// A statement-by-statement port of PeerManager.heartbeat (peerManager.ts), kept whole to read beside it.
void PeerManagerImpl::heartbeat() {
  std::vector<PeerIdStr>& connected_peers = heartbeat_peers_;
  connected_peer_ids_into(&connected_peers);

  // Decay scores before reading them. Also prunes scores
  peer_rpc_scores_->update(now_ms_);

  // ban and disconnect peers with bad score, collect rest of healthy peers
  // getScoreState(peer) is scoreToState(getScore(peer)); the score is kept
  // for the PeerInfo below, which reads getScore(peer) again: nothing in
  // between writes a score (goodbyeAndDisconnect only sends; its
  // continuations run after the heartbeat).
  std::vector<PeerIdStr>& connected_healthy_peers = heartbeat_healthy_peers_;
  std::vector<double>& connected_healthy_scores = heartbeat_healthy_scores_;
  connected_healthy_scores.clear();
  size_t healthy = 0;
  for (const PeerIdStr& peer : connected_peers) {
    const double score = peer_rpc_scores_->get_score(peer);
    switch (score_to_state(score)) {
      case ScoreState::Banned:
        goodbye_and_disconnect(peer, GoodByeReasonCode::BANNED);
        break;
      case ScoreState::Disconnected:
        goodbye_and_disconnect(peer, GoodByeReasonCode::SCORE_TOO_LOW);
        break;
      case ScoreState::Healthy:
        if (healthy < connected_healthy_peers.size()) {
          connected_healthy_peers[healthy] = peer;
        } else {
          connected_healthy_peers.push_back(peer);
        }
        healthy++;
        connected_healthy_scores.push_back(score);
    }
  }
  connected_healthy_peers.resize(healthy);

  const ChainStatus status = status_cache_get();
  const Slot current_slot = this->current_slot();
  const int64_t starvation_threshold_slots = config_.chain.slots_per_epoch * 2;
  const bool starved =
      // while syncing progress is happening, we aren't starved
      last_status_.head_slot == status.head_slot &&
      // if the head falls behind the threshold, we are starved
      current_slot - status.head_slot > starvation_threshold_slots;
  last_status_ = status;
  if (metrics_ != nullptr) metrics_->peer_manager_starved.set({}, starved ? 1 : 0);
  const ForkSeq fork_seq = config_.chain.fork_seq_at_slot(current_slot);

  const std::vector<ConnectedPeerInfo>& infos = connected_peer_infos(connected_healthy_peers, connected_healthy_scores);
  // Collect subnets which we need peers for in the current slot
  std::vector<RequestedSubnet> active_attnets;
  std::vector<RequestedSubnet> active_syncnets;
  if (!get_active_subnets(&active_attnets, &active_syncnets)) return;
  PrioritizePeersOpts opts;
  opts.target_peers = config_.target_peers;
  opts.max_peers = config_.max_peers;
  opts.target_group_peers = config_.target_group_peers;
  opts.status = status;
  opts.starved = starved;
  opts.starvation_prune_ratio = kStarvationPruneRatio;
  opts.starvation_threshold_slots = starvation_threshold_slots;
  // The event's Math.random() draws not used yet.
  const EventExtra& extra = *ctx_.event->extra;
  std::span<const double> draws;
  if (extra.rand.has_value()) draws = std::span<const double>(*extra.rand).subspan(ctx_.rand_used);
  RandomDraws random = ctx_.random_source != nullptr ? RandomDraws(ctx_.random_source) : RandomDraws(draws);
  const std::optional<PrioritizePeersResult> prioritized = prioritize_peers(
      infos, active_attnets, active_syncnets,
      // ignore samplingGroups for pre-fulu forks
      fork_seq >= ForkSeq::fulu ? std::optional<std::vector<CustodyIndex>>(local_.sample_groups) : std::nullopt, opts,
      config_.chain, random, metrics_.get());
  ctx_.rand_used += random.used();
  if (!prioritized.has_value()) {
    fail(random.error() == RandomDraws::Error::kExhausted
             ? Status::refused(Refusal::kRandExhausted,
                               "prioritizePeers drew Math.random() more often than the event's rand holds")
             : Status::refused(Refusal::kRandOutOfRange, "a rand draw is outside [0, 1)"));
    return;
  }
  const PrioritizePeersResult& result = *prioritized;

  std::vector<SubnetQuery> queries_merged;
  const std::pair<SubnetType, const std::vector<SubnetDiscvQuery>*> typed_queries[] = {
      {SubnetType::attnets, &result.attnet_queries}, {SubnetType::syncnets, &result.syncnet_queries}};
  for (const auto& [type, queries] : typed_queries) {
    if (!queries->empty()) {
      int64_t count = 0;
      for (const SubnetDiscvQuery& query : *queries) {
        count += query.max_peers_to_discover;
        SubnetQuery merged;
        merged.subnet = query.subnet;
        merged.type = type;
        merged.max_peers_to_discover = query.max_peers_to_discover;
        // computeTimeAtSlot(config, toSlot, genesisTime) * 1000, in doubles
        merged.to_unix_ms = (static_cast<double>(config_.chain.genesis_time_s) +
                             static_cast<double>(query.to_slot) * (static_cast<double>(config_.chain.slot_duration_ms) / 1000.0)) *
                            1000.0;
        queries_merged.push_back(merged);
      }

      if (metrics_ != nullptr) {
        const std::string type_name = kSubnetTypeNames[static_cast<size_t>(type)];
        metrics_->peers_requested_subnets_to_query.inc({type_name}, static_cast<double>(queries->size()));
        metrics_->peers_requested_subnets_peer_count.inc({type_name}, static_cast<double>(count));
      }
    }
  }

  if (metrics_ != nullptr) {
    for (const auto& [group, max_peers_to_discover] : result.custody_group_queries) {
      metrics_->peers_requested_subnets_to_query.inc({"column"}, 1);
      metrics_->peers_requested_subnets_peer_count.inc({"column"}, static_cast<double>(max_peers_to_discover));
    }
  }

  // disconnect first to have more slots before we dial new peers
  for (const auto& [reason, peers] : result.peers_to_disconnect) {
    prune_reason_counts_[std::string(excess_peer_disconnect_reason_value(reason))] += peers.size();
    if (metrics_ != nullptr) {
      metrics_->peers_requested_to_disconnect.inc({std::string(excess_peer_disconnect_reason_value(reason))},
                                                  static_cast<double>(peers.size()));
    }
    for (const PeerIdStr& peer : peers) {
      goodbye_and_disconnect(peer, GoodByeReasonCode::TOO_MANY_PEERS);
    }
  }

  if (config_.discovery) {
    if (metrics_ != nullptr) metrics_->peers_requested_to_connect.inc({}, static_cast<double>(result.peers_to_connect));
    Action discover;
    discover.kind = ActionKind::kDiscoverPeers;
    discover.peers_to_connect = result.peers_to_connect;
    for (const auto& [group, count] : result.custody_group_queries) discover.custody_group_queries.emplace_back(group, count);
    discover.subnet_queries = std::move(queries_merged);
    emit(std::move(discover));
  }

  // Prune connectedPeers map in case it leaks.
  if (static_cast<double>(peers_data_.connected_peers.size()) > static_cast<double>(connected_peers.size()) * 1.1) {
    const std::set<PeerIdStr> actual_connected_peer_ids(connected_peers.begin(), connected_peers.end());
    std::vector<PeerIdStr> leaked;
    for (const auto& [peer_id_str, data] : peers_data_.connected_peers) {
      if (actual_connected_peer_ids.count(peer_id_str) == 0) leaked.push_back(peer_id_str);
    }
    for (const PeerIdStr& peer_id_str : leaked) {
      peers_data_.connected_peers.erase(peer_id_str);
      if (metrics_ != nullptr) metrics_->leaked_connections_count.inc({});
    }
  }
}

void PeerManagerImpl::update_gossipsub_scores() {
  // gossipsubScores.set(peerIdStr, this.gossipsub.getScore(peerIdStr)) for each connected peer, in order
  const EventExtra& extra = *ctx_.event->extra;
  ctx_.read_gossip_scores = true;
  const std::vector<std::pair<PeerIdStr, double>> empty;
  const std::vector<std::pair<PeerIdStr, double>>& given = extra.gossip_scores.has_value() ? *extra.gossip_scores : empty;
  // gossipsubScores, once each of `given` is checked against the connected
  // peers (whose ids are distinct), with the engine's own id of each peer
  // (see step()): passed as the Map's entries. `given` itself when its ids
  // are the engine's already (a parsed trace's are: one id per peer), else a
  // copy with the engine's ids.
  bool given_ids_are_ours = true;
  size_t i = 0;
  for (const auto& [peer_id_str, data] : peers_data_.connected_peers) {
    if (i >= given.size()) {
      fail(Status::refused(Refusal::kGossipScoresMismatch,
                           "gossip_scores has " + std::to_string(given.size()) +
                               " entries; the engine reads one per connected peer (" +
                               std::to_string(peers_data_.connected_peers.size()) + ")"));
      return;
    }
    if (given[i].first != peer_id_str) {
      fail(Status::refused(Refusal::kGossipScoresMismatch, "gossip_scores[" + std::to_string(i) + "] is for " +
                                                               given[i].first + "; the engine reads " + peer_id_str +
                                                               " there"));
      return;
    }
    given_ids_are_ours &= given[i].first.shares_text_with(peer_id_str);
    i++;
  }
  if (i != given.size()) {
    fail(Status::refused(Refusal::kGossipScoresMismatch,
                         "gossip_scores has " + std::to_string(given.size()) + " entries, the engine read " +
                             std::to_string(i)));
    return;
  }
  std::vector<std::pair<PeerIdStr, double>> with_our_ids;
  if (!given_ids_are_ours) {
    with_our_ids.reserve(given.size());
    size_t k = 0;
    for (const auto& [peer_id_str, data] : peers_data_.connected_peers) {
      with_our_ids.emplace_back(peer_id_str, given[k++].second);
    }
  }
  const std::vector<std::pair<PeerIdStr, double>>& gossipsub_scores = given_ids_are_ours ? given : with_our_ids;

  const int64_t to_ignore_negative_peers =
      static_cast<int64_t>(std::ceil(static_cast<double>(config_.target_peers) * kAllowedNegativeGossipsubFactor));
  ::peers::update_gossipsub_scores(*peer_rpc_scores_, std::span<const std::pair<PeerIdStr, double>>(gossipsub_scores),
                                   to_ignore_negative_peers, now_ms_);
}

void PeerManagerImpl::ping_and_status_timeouts() {
  const UnixMs now = now_ms_;
  std::vector<PeerIdStr> peers_to_status;

  for (const auto& [peer_id_str, peer] : peers_data_.connected_peers) {
    // Every interval request to send some peers our seqNumber and process theirs
    const int64_t ping_interval = peer.direction == Direction::kInbound ? kPingIntervalInboundMs : kPingIntervalOutboundMs;
    if (now > peer.last_received_msg_unix_ts_ms + ping_interval) {
      request_ping(peer.peer_id);
    }

    // Every interval request to send some peers our status, and process theirs
    if (now > peer.last_status_unix_ts_ms + kStatusIntervalMs) {
      peers_to_status.push_back(peer.peer_id);
    }
  }

  if (!peers_to_status.empty()) {
    request_status_many(peers_to_status);
  }
}

void PeerManagerImpl::bootstrap_already_open_connections() {
  // for (const {value: connections} of getConnectionsMap(this.libp2p).values())
  std::vector<Connection> all;
  for (const auto& [peer, conns] : connections_) {
    for (const Connection& c : conns) all.push_back(c);
  }
  for (const Connection& connection : all) {
    // trackLibp2pConnection handles deduplication via overwriteExisting: false
    (void)track_libp2p_connection(connection, /*overwrite_existing=*/false, /*trigger_handshake_now=*/false);
  }
}

bool PeerManagerImpl::track_libp2p_connection(const Connection& connection, bool overwrite_existing,
                                          bool trigger_handshake_now) {
  const PeerIdStr& remote_peer_str = connection.remote_peer;

  if (!connection.is_open()) {
    return false;
  }

  // Ethereum uses secp256k1 for node IDs, reject peers with other key types
  if (connection.key_type != "secp256k1") {
    goodbye_and_disconnect(connection.remote_peer, GoodByeReasonCode::IRRELEVANT_NETWORK);
    return false;
  }

  if (!overwrite_existing && peers_data_.connected_peers.find(remote_peer_str) != nullptr) {
    return false;
  }

  const UnixMs now = now_ms_;
  const PeerData* existing_peer_data = peers_data_.connected_peers.find(remote_peer_str);
  const bool outbound = connection.direction == Direction::kOutbound;
  PeerData peer_data;
  // Keep existing timestamps if this peer already had another open connection.
  peer_data.last_received_msg_unix_ts_ms =
      existing_peer_data != nullptr ? existing_peer_data->last_received_msg_unix_ts_ms : (outbound ? 0 : now);
  // If inbound, request after STATUS_INBOUND_GRACE_PERIOD
  peer_data.last_status_unix_ts_ms = existing_peer_data != nullptr
                                         ? existing_peer_data->last_status_unix_ts_ms
                                         : (outbound ? 0 : now - kStatusIntervalMs + kStatusInboundGracePeriod);
  peer_data.connected_unix_ts_ms = existing_peer_data != nullptr ? existing_peer_data->connected_unix_ts_ms : now;
  peer_data.relevant_status =
      existing_peer_data != nullptr ? existing_peer_data->relevant_status : RelevantPeerStatus::kUnknown;
  peer_data.direction = connection.direction;
  peer_data.node_id = connection.node_id;  // computeNodeId(remotePeer)
  peer_data.peer_id = connection.remote_peer;
  if (existing_peer_data != nullptr) {
    peer_data.status = existing_peer_data->status;
    peer_data.metadata = existing_peer_data->metadata;
    peer_data.agent_version = existing_peer_data->agent_version;
    peer_data.agent_client = existing_peer_data->agent_client;
  }
  if (existing_peer_data == nullptr && peers_data_.connected_peers.size() >= kMaxPeers) {
    fail(Status::invalid_argument("more than " + std::to_string(kMaxPeers) + " connected peers"));
    return false;
  }
  peers_data_.connected_peers.set(remote_peer_str, std::move(peer_data));

  if (outbound && trigger_handshake_now) {
    request_ping(connection.remote_peer);
    request_status(connection.remote_peer, status_cache_get());
  }

  return true;
}

void PeerManagerImpl::on_libp2p_peer_connect(const Connection& connection) {
  // NOTE: The peerConnect event is not emitted here here, but after asserting peer relevance
  if (metrics_ != nullptr) {
    metrics_->peer_connected_event.inc(
        {kDirectionNames[static_cast<size_t>(connection.direction)], connection_status_name(connection.status)});
  }
  (void)track_libp2p_connection(connection, /*overwrite_existing=*/true, /*trigger_handshake_now=*/true);
}

void PeerManagerImpl::on_libp2p_peer_disconnect(const Connection& connection) {
  const PeerIdStr& peer_id_str = connection.remote_peer;

  const std::vector<Connection>* remaining = connections_.find(peer_id_str);
  size_t open_connections = 0;
  if (remaining != nullptr) {
    for (const Connection& c : *remaining) {
      if (c.is_open()) open_connections++;
    }
  }
  if (open_connections > 0) {
    // Ignoring peer disconnect event while another connection is still open
    return;
  }

  // Some clients do not send good-bye requests (Nimbus) so check for inbound
  // disconnects and apply reconnection cool-down period
  if (connection.direction == Direction::kInbound) {
    (void)peer_rpc_scores_->apply_reconnection_cool_down(peer_id_str, GoodByeReasonCode::INBOUND_DISCONNECT, now_ms_);
  }

  // remove the ping and status timer for the peer
  peers_data_.connected_peers.erase(peer_id_str);

  emit(ActionKind::kPeerDisconnected, peer_id_str);
  if (metrics_ != nullptr) metrics_->peer_disconnected_event.inc({kDirectionNames[static_cast<size_t>(connection.direction)]});
  emit(ActionKind::kUntagRelevant, peer_id_str);
}

void PeerManagerImpl::disconnect(const PeerIdStr& peer, Continuation continuation, GoodByeReasonCode goodbye) {
  // try { await this.libp2p.hangUp(peer); } catch (e) { log }
  PendingRequest pending;
  pending.continuation = continuation;
  pending.goodbye = goodbye;
  (void)call_module(ActionKind::kDisconnect, peer, std::move(pending));
}

void PeerManagerImpl::identify_peer(const PeerIdStr& peer_id_str, const Connection* connection) {
  if (connection == nullptr || !connection->is_open()) {
    return;
  }
  PendingRequest pending;
  pending.continuation = Continuation::kIdentify;
  (void)call_module(ActionKind::kIdentify, peer_id_str, std::move(pending));
}

void PeerManagerImpl::goodbye_and_disconnect(const PeerIdStr& peer, GoodByeReasonCode goodbye) {
  if (metrics_ != nullptr) {
    const std::string reason(goodbye_known_code_name(goodbye));
    metrics_->peer_goodbye_sent.inc({reason});
    const Connection* conn = get_connection(peer);
    if (conn != nullptr && now_ms_ - conn->open_ms > kLongPeerConnectionMs) {
      metrics_->peer_long_connection_disconnect.inc({reason});
    }
  }
  // await withTimeout(() => this.reqResp.sendGoodbye(peer, BigInt(goodbye)), 1_000);
  PendingRequest pending;
  pending.continuation = Continuation::kGoodbyeSend;
  pending.goodbye = goodbye;
  pending.timeout_due_ms = now_ms_ + kGoodbyeTimeoutMs;
  Action* action = call_module(ActionKind::kSendGoodbye, peer, std::move(pending));
  if (action != nullptr) action->reason = static_cast<int64_t>(goodbye);
}

// runPeerCountMetrics, the collect callback of metrics.peers: a scrape runs it.
// A scrape runs after every event of a trace with metrics, over every
// connected peer, so its Maps keyed by a small enum are arrays here (a count
// per key, and the keys in the order a Map iterates them), and each
// histogram series is looked up once per scrape, not once per peer.
void PeerManagerImpl::run_peer_count_metrics(NetworkCoreMetrics& metrics) {
  int64_t total = 0;

  // peersByDirection: a Map, iterated in insertion order (first seen first).
  std::array<int64_t, kDirectionNames.size()> peers_by_direction{};
  std::array<Direction, kDirectionNames.size()> directions_seen{};
  size_t direction_count = 0;
  // peersByClient: every client is set to 0 first, so it iterates in enum order.
  constexpr size_t kClientCount = static_cast<size_t>(ClientKind::kUnknown) + 1;
  std::array<int64_t, kClientCount> peers_by_client{};
  const UnixMs now = now_ms_;

  // peerLongLivedAttnets metric is a count
  metrics.peer_long_lived_attnets.reset();
  metrics.peer_score_by_client.reset();
  metrics.peer_connection_length.reset();
  metrics.peer_gossip_score_by_client.reset();

  // Each series' position, made at its first observation as observe() would
  // make it (a reset histogram has no series until then).
  constexpr size_t kNoSeries = SIZE_MAX;
  size_t attnets_at = kNoSeries;
  size_t column_group_count_at = kNoSeries;
  size_t connection_length_at = kNoSeries;
  std::array<size_t, kClientCount> score_series;
  std::array<size_t, kClientCount> gossip_score_series;
  score_series.fill(kNoSeries);
  gossip_score_series.fill(kNoSeries);
  auto observe = [](Metric& metric, size_t& at, MetricLabels labels, double value) {
    if (at == kNoSeries) at = metric.series_position(labels);
    metric.observe_at(at, value);
  };

  for (const auto& [peer_key, connections] : connections_) {
    const Connection* open_cnx = nullptr;
    for (const Connection& c : connections) {
      if (c.is_open()) {
        open_cnx = &c;
        break;
      }
    }
    if (open_cnx == nullptr) continue;
    const Direction direction = open_cnx->direction;
    int64_t& by_direction = peers_by_direction[static_cast<size_t>(direction)];
    if (by_direction == 0) directions_seen[direction_count++] = direction;
    by_direction++;
    const PeerIdStr& peer_id = open_cnx->remote_peer;
    const PeerData* peer_data = peers_data_.connected_peers.find(peer_id);
    const ClientKind client =
        peer_data != nullptr && peer_data->agent_client.has_value() ? *peer_data->agent_client : ClientKind::kUnknown;
    peers_by_client[static_cast<size_t>(client)]++;

    const bool has_metadata = peer_data != nullptr && peer_data->metadata.has_value();
    observe(metrics.peer_long_lived_attnets, attnets_at, {},
            has_metadata ? static_cast<double>(peer_data->metadata->attnets.count()) : 0);
    observe(metrics.peer_column_group_count, column_group_count_at, {},
            has_metadata ? static_cast<double>(peer_data->metadata->custody_group_count) : 0);
    // prom-client's observe() throws on a value that is not finite, before it
    // makes the series; the collect callback drops the rejected promise, so
    // the scrape reads the registry as the throw left it: the rest of this
    // function does not run (the gauges below keep their last values).
    const auto [score, gossip_score] = peer_rpc_scores_->get_score_and_gossip_score(peer_id);
    if (!std::isfinite(score)) return;
    observe(metrics.peer_score_by_client, score_series[static_cast<size_t>(client)], {client_kind_name(client)}, score);
    if (!std::isfinite(gossip_score)) return;
    observe(metrics.peer_gossip_score_by_client, gossip_score_series[static_cast<size_t>(client)],
            {client_kind_name(client)}, gossip_score);
    observe(metrics.peer_connection_length, connection_length_at, {}, static_cast<double>(now - open_cnx->open_ms) / 1000);
    total++;
  }

  for (size_t k = 0; k < direction_count; k++) {
    const Direction direction = directions_seen[k];
    metrics.peers_by_direction.set({kDirectionNames[static_cast<size_t>(direction)]},
                                   static_cast<double>(peers_by_direction[static_cast<size_t>(direction)]));
  }
  for (size_t k = 0; k < kClientCount; k++) {
    metrics.peers_by_client.set({client_kind_name(static_cast<ClientKind>(k))}, static_cast<double>(peers_by_client[k]));
  }

  int64_t sync_peers = 0;
  for (const auto& [peer_id_str, peer] : peers_data_.connected_peers) {
    if (peer.relevant_status == RelevantPeerStatus::kRelevant) sync_peers++;
  }

  metrics.peers.set({}, static_cast<double>(total));
  metrics.peers_sync.set({}, static_cast<double>(sync_peers));
}

void PeerManagerImpl::scrape_metrics(std::vector<MetricSeries>* out) {
  if (metrics_ == nullptr) {
    out->clear();
    return;
  }
  run_peer_count_metrics(*metrics_);
  metrics_->read(out);
}

// ---------------------------------------------------------------------------
// helpers

Action* PeerManagerImpl::call_module(ActionKind kind, const PeerIdStr& peer, PendingRequest&& pending) {
  assert(action_has_req(kind));
  if (pending_.size() >= kMaxPendingRequests) {
    fail(Status::invalid_argument("more than " + std::to_string(kMaxPendingRequests) + " pending requests"));
    return nullptr;
  }
  // What check_invariants' scan asserts of every pending request, at entry.
  assert(!peer.empty());
  assert(pending.timeout_due_ms < 0 || (pending.continuation == Continuation::kGoodbyeSend && !pending.raced_out));
  const int64_t req = next_req_++;
  pending.kind = kind;
  pending.peer = peer;
  pending_.append(req, std::move(pending));
  Action& action = emit(kind, peer);
  action.req = req;
  return &action;
}

void PeerManagerImpl::emit(Action&& action) {
  assert(ctx_.actions != nullptr);
  assert(action.kind == ActionKind::kDiscoverPeers || !action.peer.empty());
  ctx_.actions->push_back(std::move(action));
}

Action& PeerManagerImpl::emit(ActionKind kind, const PeerIdStr& peer) {
  assert(ctx_.actions != nullptr);
  assert(!peer.empty());
  PeerIdStr id = peer;  // taken before the output grows, in case `peer` lives in it
  Action& action = ctx_.actions->emplace_back();
  action.kind = kind;
  action.peer = std::move(id);
  return action;
}

// Out of line and cold: step() only tests for the refusal.
Status PeerManagerImpl::unread_inputs(const std::string& what) const {
  return Status::refused(Refusal::kUnreadInputs, "the event carries " + what,
                         InputsRead{ctx_.rand_used, ctx_.read_active_subnets, ctx_.read_gossip_scores});
}

void PeerManagerImpl::fail(Status status) {
  assert(!status.is_ok());
  if (ctx_.error.is_ok()) ctx_.error = std::move(status);
}

std::optional<NodeId> PeerManagerImpl::compute_node_id(const PeerIdStr& peer) const {
  // computeNodeId(peerId) hashes the peer's secp256k1 public key; the trace
  // carries the result with each connection.
  const Connection* connection = get_connection(peer);
  if (connection == nullptr || connection->key_type != "secp256k1") return std::nullopt;
  return connection->node_id;  // nullopt when the trace omitted it
}

const Connection* PeerManagerImpl::get_connection(const PeerIdStr& peer_id_str) const {
  // getConnectionsMap(libp2p).get(peerIdStr)?.value[0]
  const std::vector<Connection>* list = connections_.find(peer_id_str);
  if (list == nullptr || list->empty()) return nullptr;
  return &list->front();
}

Slot PeerManagerImpl::current_slot() const {
  // getCurrentSlot: Math.floor((Date.now() / 1000 - genesisTime) / (SLOT_DURATION_MS / 1000)), in doubles
  const double diff_in_seconds = static_cast<double>(now_ms_) / 1000.0 - static_cast<double>(config_.chain.genesis_time_s);
  return static_cast<Slot>(std::floor(diff_in_seconds / (static_cast<double>(config_.chain.slot_duration_ms) / 1000.0)));
}

std::optional<ActionKind> PeerManagerImpl::pending_request_kind(int64_t req) const {
  const PendingRequest* pending = pending_.find(req);
  if (pending == nullptr) return std::nullopt;
  return pending->kind;
}

std::vector<TimerDue> PeerManagerImpl::timers() const {
  std::vector<TimerDue> out;
  if (startup_ping_status_due_ms_ >= 0) out.push_back({TimerKind::kStartupPingStatus, 0, startup_ping_status_due_ms_});
  if (ping_status_due_ms_ >= 0) out.push_back({TimerKind::kPingStatus, 0, ping_status_due_ms_});
  if (heartbeat_due_ms_ >= 0) out.push_back({TimerKind::kHeartbeat, 0, heartbeat_due_ms_});
  if (gossip_scores_due_ms_ >= 0) out.push_back({TimerKind::kGossipScores, 0, gossip_scores_due_ms_});
  for (const auto& [req, pending] : pending_) {
    if (pending.continuation == Continuation::kGoodbyeSend && pending.timeout_due_ms >= 0) {
      out.push_back({TimerKind::kGoodbyeTimeout, req, pending.timeout_due_ms});
    }
  }
  return out;
}

std::optional<TimerDue> PeerManagerImpl::overdue_timer(UnixMs t_ms) const {
  std::optional<TimerDue> first;
  for (const TimerDue& t : timers()) {
    if (t.due_ms < t_ms && (!first.has_value() || t.due_ms < first->due_ms)) first = t;
  }
  return first;
}

PeerScoreStats PeerManagerImpl::dump_peer_score_stats() const { return peer_rpc_scores_->dump_peer_score_stats(now_ms_); }

namespace {

class Fnv1a {
 public:
  void bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; i++) {
      hash_ ^= p[i];
      hash_ *= 0x100000001b3ull;
    }
  }
  void u64(uint64_t v) { bytes(&v, sizeof v); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void str(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  template <size_t N>
  void arr(const std::array<uint8_t, N>& a) {
    bytes(a.data(), N);
  }
  void status(const ChainStatus& s) {
    arr(s.fork_digest);
    arr(s.finalized_root);
    i64(s.finalized_epoch);
    arr(s.head_root);
    i64(s.head_slot);
    u64(s.earliest_available_slot.has_value());
    i64(s.earliest_available_slot.value_or(0));
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace

uint64_t PeerManagerImpl::state_digest() const {
  Fnv1a h;
  h.u64(initialized_);
  h.i64(now_ms_);
  h.i64(init_ms_);
  h.i64(next_req_);
  h.u64(connections_.size());
  for (const auto& [peer, conns] : connections_) {
    h.str(peer);
    h.u64(conns.size());
    for (const Connection& c : conns) {
      h.str(c.conn);
      h.str(c.remote_peer);
      h.u64(c.direction == Direction::kOutbound);
      h.str(connection_status_name(c.status));
      h.i64(c.open_ms);
      h.u64(c.node_id.has_value());
      if (c.node_id.has_value()) h.arr(*c.node_id);
      h.str(c.key_type);
    }
  }
  h.u64(peers_data_.connected_peers.size());
  for (const auto& [peer, d] : peers_data_.connected_peers) {
    h.str(peer);
    h.i64(d.last_received_msg_unix_ts_ms);
    h.i64(d.last_status_unix_ts_ms);
    h.i64(d.connected_unix_ts_ms);
    h.u64(static_cast<uint64_t>(d.relevant_status));
    h.u64(d.direction == Direction::kOutbound);
    h.str(d.peer_id);
    h.u64(d.node_id.has_value());
    if (d.node_id.has_value()) h.arr(*d.node_id);
    h.u64(d.metadata.has_value());
    if (d.metadata.has_value()) {
      h.u64(d.metadata->seq_number);
      h.u64(d.metadata->attnets.to_ullong());
      h.u64(d.metadata->syncnets.to_ullong());
      h.i64(d.metadata->custody_group_count);
      h.u64(d.metadata->custody_groups.size());
      for (CustodyIndex g : d.metadata->custody_groups) h.u64(g);
      h.u64(d.metadata->sampling_groups.size());
      for (CustodyIndex g : d.metadata->sampling_groups) h.u64(g);
    }
    h.u64(d.status.has_value());
    if (d.status.has_value()) h.status(*d.status);
    h.u64(d.agent_version.has_value());
    if (d.agent_version.has_value()) h.str(*d.agent_version);
    h.i64(d.agent_client.has_value() ? static_cast<int64_t>(*d.agent_client) : -1);
  }
  h.u64(pending_.size());
  for (const auto& [req, p] : pending_) {
    h.i64(req);
    h.u64(static_cast<uint64_t>(p.kind));
    h.u64(static_cast<uint64_t>(p.continuation));
    h.str(p.peer);
    h.i64(static_cast<int64_t>(p.goodbye));
    h.u64(p.raced_out);
    h.i64(p.timeout_due_ms);
  }
  h.i64(startup_ping_status_due_ms_);
  h.i64(ping_status_due_ms_);
  h.i64(heartbeat_due_ms_);
  h.i64(gossip_scores_due_ms_);
  h.status(status_cache_);
  h.status(last_status_);
  const PeerScoreStats scores = dump_peer_score_stats();
  h.u64(scores.size());
  for (const PeerScoreStatEntry& e : scores) {
    h.str(e.peer_id);
    h.f64(e.stat.lodestar_score);
    h.f64(e.stat.gossip_score);
    h.u64(e.stat.ignore_negative_gossip_score);
    h.f64(e.stat.score);
    h.i64(e.stat.last_update_ms);
  }
  return h.value();
}

// ---- PeerManager: the interface, forwarding to the implementation ----

PeerManager::PeerManager(PeerManagerConfig config, LocalNode local)
    : impl_(std::make_unique<PeerManagerImpl>(std::move(config), std::move(local))) {}
PeerManager::~PeerManager() = default;

Status PeerManager::step(const Event& event, std::vector<Action>* actions) { return impl_->step(event, actions); }
Status PeerManager::step(const Event& event, std::vector<Action>* actions, RandomSource* random) {
  assert(random != nullptr);
  return impl_->step(event, actions, random);
}
std::vector<TimerDue> PeerManager::timers() const { return impl_->timers(); }
std::optional<TimerDue> PeerManager::overdue_timer(UnixMs t_ms) const { return impl_->overdue_timer(t_ms); }
PeerScoreStats PeerManager::dump_peer_score_stats() const { return impl_->dump_peer_score_stats(); }
std::optional<PeerScoreStat> PeerManager::score_stat(const PeerIdStr& peer) const {
  return impl_->peer_rpc_scores().get_stat(peer, impl_->now_ms());
}
std::optional<size_t> PeerManager::score_dump_position(const PeerIdStr& peer) const {
  return impl_->peer_rpc_scores().dump_position(peer);
}
double PeerManager::get_score(const PeerIdStr& peer) const { return impl_->peer_rpc_scores().get_score(peer); }
size_t PeerManager::score_entry_count() const { return impl_->peer_rpc_scores().size(); }
void PeerManager::track_score_changes(bool on) { impl_->track_score_changes(on); }
ScoreChanges PeerManager::take_score_changes() {
  PeerRpcScoreStore::Changes changes = impl_->take_score_changes();
  return ScoreChanges{.touched = std::move(changes.touched), .all = changes.all};
}
uint64_t PeerManager::state_digest() const { return impl_->state_digest(); }
std::vector<MetricSeries> PeerManager::scrape_metrics() {
  std::vector<MetricSeries> out;
  impl_->scrape_metrics(&out);
  return out;
}
void PeerManager::scrape_metrics(std::vector<MetricSeries>* out) { impl_->scrape_metrics(out); }
bool PeerManager::initialized() const { return impl_->initialized(); }
UnixMs PeerManager::now_ms() const { return impl_->now_ms(); }
Slot PeerManager::current_slot() const { return impl_->current_slot(); }
size_t PeerManager::connected_peer_count() const { return impl_->connected_peers().size(); }
bool PeerManager::is_connected(const PeerIdStr& peer) const { return impl_->connected_peers().contains(peer); }
std::vector<PeerIdStr> PeerManager::connected_peer_ids() const {
  std::vector<PeerIdStr> ids;
  ids.reserve(impl_->connected_peers().size());
  for (const auto& [peer, data] : impl_->connected_peers()) ids.push_back(peer);
  return ids;
}
std::vector<PeerIdStr> PeerManager::get_connected_peer_ids() const { return impl_->get_connected_peer_ids(); }
const Connection* PeerManager::get_connection(const PeerIdStr& peer_id_str) const {
  return impl_->get_connection(peer_id_str);
}
size_t PeerManager::pending_request_count() const { return impl_->pending_request_count(); }
std::optional<ActionKind> PeerManager::pending_request_kind(int64_t req) const {
  return impl_->pending_request_kind(req);
}
const std::map<std::string, uint64_t>& PeerManager::prune_reason_counts() const {
  return impl_->prune_reason_counts();
}

}  // namespace peers
