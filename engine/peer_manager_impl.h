// PeerManagerImpl: the state and methods of the port of peerManager.ts,
// behind the public PeerManager (engine/include/peers/peer_manager.h), which owns one and
// forwards to it. Only engine code and white-box tests include this header:
// it pulls in the engine's containers (OrderedMap, SequentialMap), PeersData
// and the score store, which are not part of the engine's interface.
#ifndef PEER_REPLAY_ENGINE_PEER_MANAGER_IMPL_H_
#define PEER_REPLAY_ENGINE_PEER_MANAGER_IMPL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/ordered_map.h"
#include "engine/peers_data.h"
#include "engine/score/store.h"
#include "engine/sequential_map.h"
#include "engine/utils/prioritize_peers.h"
#include "peers/action.h"
#include "peers/event.h"
#include "peers/goodbye.h"
#include "peers/metrics.h"
#include "peers/peer_manager.h"
#include "peers/status.h"
#include "peers/types.h"

namespace peers {

class PeerManagerImpl {
 public:
  PeerManagerImpl(PeerManagerConfig config, LocalNode local);
  PeerManagerImpl(const PeerManagerImpl&) = delete;
  PeerManagerImpl& operator=(const PeerManagerImpl&) = delete;

  // Runs one event and appends, in call order, every action it caused
  // (including the continuations of promises it settled) to *actions.
  Status step(const Event& event, std::vector<Action>* actions, RandomSource* random = nullptr);

  // The timers armed now. A `timer` event is acceptable only if it names one
  // of these with due_ms == its t_ms.
  std::vector<TimerDue> timers() const;
  // The first armed timer due strictly before `t_ms` (it should have fired
  // before an event at t_ms), if any.
  std::optional<TimerDue> overdue_timer(UnixMs t_ms) const;

  // dumpPeerScoreStats(), in the store's insertion order.
  // MaxScore entries (disablePeerScoring) read Date.now(): now_ms() here.
  PeerScoreStats dump_peer_score_stats() const;

  // FNV-1a (64-bit) over the engine's full state: time, request counter,
  // connection mirror, connected peers, pending requests, timers, local
  // status, scores. Two replays of one trace must agree.
  uint64_t state_digest() const;

  // A metrics scrape: runPeerCountMetrics, then every series; empty when
  // config.metrics is off (TS `metrics: null`).
  void scrape_metrics(std::vector<MetricSeries>* out);

  // Read access for tests and tools.
  bool initialized() const { return initialized_; }
  UnixMs now_ms() const { return now_ms_; }
  const OrderedMap<PeerIdStr, PeerData>& connected_peers() const { return peers_data_.connected_peers; }
  const PeerRpcScoreStore& peer_rpc_scores() const { return *peer_rpc_scores_; }
  // The score store's change tracking (PeerRpcScoreStore::Changes), for the
  // replayer's score deltas. Not part of the TS state.
  void track_score_changes(bool on) { peer_rpc_scores_->set_track_changes(on); }
  PeerRpcScoreStore::Changes take_score_changes() { return peer_rpc_scores_->take_changes(); }
  std::vector<PeerIdStr> get_connected_peer_ids() const;
  // The same into *out, reusing its elements (see heartbeat_peers_).
  void connected_peer_ids_into(std::vector<PeerIdStr>* out) const;
  bool has_some_connected_peer() const;
  size_t pending_request_count() const { return pending_.size(); }
  // The kind of action a pending request was made by, or nullopt.
  std::optional<ActionKind> pending_request_kind(int64_t req) const;
  const Connection* get_connection(const PeerIdStr& peer_id_str) const;
  // How many peers each prioritizePeers disconnect reason has named so far.
  const std::map<std::string, uint64_t>& prune_reason_counts() const { return prune_reason_counts_; }
  // currentSlot as clock.currentSlot computes it at now_ms().
  Slot current_slot() const;

 private:
  // What the TS does after an awaited call settles.
  enum class Continuation {
    kRequestPing,              // onPing + lastReceivedMsgUnixTsMs
    kRequestMetadata,          // onMetadata
    kRequestStatus,            // onStatus
    kGoodbyeSend,              // goodbyeAndDisconnect: withTimeout race settles -> finally: disconnect()
    kGoodbyeHangUp,            // goodbyeAndDisconnect: disconnect() returned -> applyReconnectionCoolDown
    kDisconnect,               // onGoodbye's `void this.disconnect(peer)`: nothing after
    kIdentify,                 // identifyPeer: agentVersion
  };
  struct PendingRequest {
    ActionKind kind = ActionKind::kSendPing;
    Continuation continuation = Continuation::kRequestPing;
    PeerIdStr peer;
    GoodByeReasonCode goodbye = GoodByeReasonCode::CLIENT_SHUTDOWN;  // goodbyeAndDisconnect's reason code
    bool raced_out = false;      // kGoodbyeSend whose withTimeout already rejected: a late response does nothing
    UnixMs timeout_due_ms = -1;  // kGoodbyeSend: the withTimeout sleep, -1 when cleared
  };
  struct Outcome {  // a settled promise
    bool is_error = false;
    // The resolved value, in the event that settled the promise (a microtask
    // runs before step() returns, while the event is alive); nullptr for a
    // rejection, whose continuations read no value.
    const ResponseValue* value = nullptr;
  };
  struct Microtask {
    int64_t req = 0;
    size_t slot_hint = SIZE_MAX;  // where pending_ held req when the task was queued (see SequentialMap::slot_of)
    Outcome outcome;
  };
  // Per-step context: the event's inputs and where actions go.
  struct StepContext {
    const Event* event = nullptr;
    std::vector<Action>* actions = nullptr;
    size_t rand_used = 0;
    RandomSource* random_source = nullptr;  // draws asked for as used, when the event carries no rand
    bool read_active_subnets = false;
    bool read_gossip_scores = false;
    size_t gossip_scores_used = 0;
    Status error;  // the first error met while running TS code (sticky)

    // StepContext{} with these two pointers, field by field: assigning a
    // fresh Status moved its message string twice per event.
    void reset(const Event* new_event, std::vector<Action>* new_actions) {
      event = new_event;
      actions = new_actions;
      rand_used = 0;
      random_source = nullptr;
      read_active_subnets = false;
      read_gossip_scores = false;
      gossip_scores_used = 0;
      if (!error.is_ok()) error = Status::ok();
    }
  };

  // ---- event dispatch (step) ----
  Status add_to_mirror(const ConnectionSpec& spec);
  Status on_init(const Event& event);
  Status on_connection_open(const Event& event);
  Status on_connection_close(const Event& event, const PeerIdStr& peer);  // peer: canonical_peer_id(event.peer)
  Status on_connection_status(const Event& event);
  bool timer_fires_now(int64_t due_ms) const;
  int64_t rearm(int64_t due_ms, int64_t period_ms) const;
  Status on_response(const Event& event);
  Status on_timer(const Event& event);
  void run_microtasks();
  void check_invariants();  // asserts, after every accepted event
  void run_continuation(int64_t req, const PendingRequest& pending, const Outcome& outcome);

  // ---- peerManager.ts, in file order ----
  void goodbye_and_disconnect_all_peers();
  void on_committee_subscriptions();
  void report_peer(const PeerIdStr& peer, PeerAction action, const std::string& action_name);
  void re_status_peers(const std::vector<PeerIdStr>& peers);
  void on_request(const PeerIdStr& peer, const Event& event);
  // onPing, with the peer's connectedPeers entry already looked up (nullptr:
  // none): both callers have it at hand.
  void on_ping(const PeerIdStr& peer, const PeerData* peer_data, uint64_t seq_number);
  // Returns false where the TS throws (getCustodyGroups with a count above
  // NUMBER_OF_CUSTODY_GROUPS); the caller's catch swallows it.
  bool on_metadata(const PeerIdStr& peer, const Metadata& metadata);
  void on_goodbye(const PeerIdStr& peer, uint64_t goodbye);
  bool on_status(const PeerIdStr& peer, const ChainStatus& status);
  void request_metadata(const PeerIdStr& peer);
  void request_ping(const PeerIdStr& peer);
  void request_status(const PeerIdStr& peer, const ChainStatus& local_status);
  void request_status_many(const std::vector<PeerIdStr>& peers);
  void heartbeat();
  bool get_active_subnets(std::vector<RequestedSubnet>* attnets, std::vector<RequestedSubnet>* syncnets);
  const std::vector<ConnectedPeerInfo>& connected_peer_infos(const std::vector<PeerIdStr>& connected_healthy_peers,
                                                             const std::vector<double>& connected_healthy_scores);
  void update_gossipsub_scores();
  void ping_and_status_timeouts();
  void bootstrap_already_open_connections();
  bool track_libp2p_connection(const Connection& connection, bool overwrite_existing, bool trigger_handshake_now);
  void on_libp2p_peer_connect(const Connection& connection);
  void on_libp2p_peer_disconnect(const Connection& connection);
  void disconnect(const PeerIdStr& peer, Continuation continuation, GoodByeReasonCode goodbye);
  void identify_peer(const PeerIdStr& peer_id_str, const Connection* connection);
  void goodbye_and_disconnect(const PeerIdStr& peer, GoodByeReasonCode goodbye);
  void run_peer_count_metrics(NetworkCoreMetrics& metrics);

  // ---- helpers ----
  // A call whose promise a later event settles: records the pending request
  // and emits its action (kind, peer and req set), returned for the caller to
  // fill the kind's own fields; nullptr when the table is full (the step
  // fails).
  Action* call_module(ActionKind kind, const PeerIdStr& peer, PendingRequest&& pending);
  void emit(Action&& action);  // rvalue: an Action is ~250 bytes, moved once into the output
  // An action made in place in the output (no ~250-byte move): the caller
  // fills the kind's fields before anything else is emitted.
  Action& emit(ActionKind kind, const PeerIdStr& peer);
  void fail(Status status);  // records the first error of the step
  // The refusal of an event that carries inputs the step did not read ("the
  // event carries " + what), with what it read.
  [[gnu::cold, gnu::noinline]] Status unread_inputs(const std::string& what) const;
  std::optional<NodeId> compute_node_id(const PeerIdStr& peer) const;
  const ChainStatus& status_cache_get() const { return status_cache_; }

  const PeerManagerConfig config_;
  LocalNode local_;  // custody members change with local_custody events

  bool initialized_ = false;
  UnixMs now_ms_ = 0;
  UnixMs init_ms_ = 0;
  int64_t next_req_ = 1;

  // libp2p's connection map (peer -> connections, insertion order).
  OrderedMap<PeerIdStr, std::vector<Connection>> connections_;
  // The ids of the mirror's connections, to their peer: a connection id is
  // unique among open connections (add_to_mirror refuses a duplicate) and the
  // check must not scan every connection. Never iterated for an output.
  OrderedMap<std::string, PeerIdStr> connection_ids_;
  PeersData peers_data_;
  std::unique_ptr<NetworkCoreMetrics> metrics_;  // null: metrics off; declared before the store that points to it
  std::unique_ptr<PeerRpcScoreStore> peer_rpc_scores_;
  ChainStatus status_cache_;  // statusCache.get()
  ChainStatus last_status_;   // this.lastStatus

  // Pending awaited calls, by req. Inserted in req order and never
  // re-inserted, so iteration (digest, timers) is in ascending req order.
  SequentialMap<PendingRequest> pending_;  // by req; reqs only grow (next_req_)
  // The microtask queue, FIFO: microtasks_[microtask_head_..] wait to run.
  // An event queues at most one (its response or its goodbye timeout) and a
  // step that succeeds runs it (check_invariants), so the vector reuses one
  // slot of storage: no deque block to allocate and free per event.
  std::vector<Microtask> microtasks_;
  size_t microtask_head_ = 0;

  // Timers: -1 when not armed.
  UnixMs startup_ping_status_due_ms_ = -1;
  UnixMs ping_status_due_ms_ = -1;
  UnixMs heartbeat_due_ms_ = -1;
  UnixMs gossip_scores_due_ms_ = -1;

  StepContext ctx_;
  // heartbeat()'s ConnectedPeerInfo list, kept between heartbeats for its
  // storage only (each heartbeat assigns every field before reading one; the
  // status and sampling-group pointers left from the last heartbeat may
  // dangle and are never read). Not part of the TS state, not hashed.
  std::vector<ConnectedPeerInfo> heartbeat_infos_;
  // heartbeat()'s connectedPeers and connectedHealthyPeers lists, kept the
  // same way: refilled by assignment, so in the steady state (the same peers
  // in the same order) an element already holds its id and nothing is
  // allocated, copied or counted. Their ids may outlive a peer until the next
  // heartbeat; nothing reads them between heartbeats. Not hashed.
  std::vector<PeerIdStr> heartbeat_peers_;
  std::vector<PeerIdStr> heartbeat_healthy_peers_;
  std::vector<double> heartbeat_healthy_scores_;
  uint64_t invariant_checks_ = 0;  // check_invariants calls, to space out its O(n) scans
  std::map<std::string, uint64_t> prune_reason_counts_;  // coverage only; not part of the TS state

  // The id stored for an open connection of `peer`, or `peer` itself: equal
  // text, one shared instance (see step()).
  PeerIdStr canonical_peer_id(const PeerIdStr& peer) const;

  // getCustodyGroups memoized. It is pure (SHA-256 chains over the node id)
  // and peers are statused again and again with the same (node id, count):
  // it was a sixth of the step loop on a testnet-like trace. Not part of the
  // TS state and invisible to outputs (the same vector either way); bounded
  // by clearing it when full.
  const std::vector<CustodyIndex>& custody_groups_of(const NodeId& node_id, int64_t custody_group_count);
  static constexpr size_t kMaxCustodyGroupsCache = size_t{1} << 14;
  // Hashed, not ordered: a std::map paid ~13 32-byte compares per lookup.
  // Only looked up, never iterated; nodes keep returned references valid.
  struct CustodyGroupsKeyHash {
    size_t operator()(const std::pair<NodeId, int64_t>& key) const {
      const std::string_view bytes(reinterpret_cast<const char*>(key.first.data()), key.first.size());
      return static_cast<size_t>(ordered_map_mix64(ordered_map_hash_bytes(bytes) ^ static_cast<uint64_t>(key.second)));
    }
  };
  std::unordered_map<std::pair<NodeId, int64_t>, std::vector<CustodyIndex>, CustodyGroupsKeyHash> custody_groups_cache_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_PEER_MANAGER_IMPL_H_
