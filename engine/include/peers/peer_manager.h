// PeerManager: a port of network/peers/peerManager.ts as a
// tick-driven state machine.
//
//   step(event) -> actions
//
// Every input arrives in an Event (engine/include/peers/event.h, FORMAT.md §3.1) and every
// call the TS makes into its modules leaves as an Action (engine/include/peers/action.h,
// FORMAT.md §3.2). The engine is pure: no I/O, no clock (time is the event's
// t_ms), no threads, no randomness except the event's `rand` draws.
//
// How JS async is modelled. Every module call the TS awaits (sendPing,
// sendStatus, sendMetadata, sendGoodbye, hangUp, identify) is an action with a
// request id `req` (1, 2, 3 ... over the run, in call order). The engine keeps
// a table of pending requests, each with its continuation: what the TS does
// after the await (requestPing -> onPing + lastReceivedMsg, requestStatus ->
// onStatus, requestMetadata -> onMetadata, goodbyeAndDisconnect -> its
// withTimeout race, then finally -> disconnect -> hangUp -> cool-down,
// identifyPeer -> agentVersion). A `response` event (or the `goodbye_timeout`
// timer) queues that continuation as a microtask; the queue is drained FIFO
// before step() returns, as `await clock.tickAsync(0)` does in the recorder.
//
// The engine mirrors libp2p's connection map (insertion-ordered peer -> list
// of connections) from connection_open/connection_close events;
// getConnectedPeerIds and getConnection read the mirror.
//
// Methods keep the TS names in snake_case and their statements in the TS
// order, so peer_manager.cc reads side by side with peerManager.ts.
//
// Errors: an event the engine cannot accept (a response for an unknown req, a
// peer that does not match, a timer that is not armed, draws missing or left
// over, a limit exceeded) makes step() return an error Status. The engine's
// state after an error is unspecified: discard the engine.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_MANAGER_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_MANAGER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/metrics.h"
#include "peers/random_source.h"
#include "peers/score_interface.h"
#include "peers/status.h"
#include "peers/types.h"

namespace peers {

// Explicit bounds on everything that grows (TigerBeetle style). An event that
// would exceed one is refused with an error Status.
inline constexpr size_t kMaxPeers = 8192;                 // keys of the connection mirror and connectedPeers (benchmarks run 5000)
inline constexpr size_t kMaxConnectionsPerPeer = 64;
inline constexpr size_t kMaxPendingRequests = 1u << 16;
inline constexpr size_t kMaxActionsPerEvent = 1u << 16;
inline constexpr size_t kMaxRandDraws = 1u << 16;
// Score entries: TS prunes them to MAX_ENTRIES (1000) only at each heartbeat,
// so between two heartbeats reports on unknown peers can add entries; refuse
// an event that would take the store past this.
inline constexpr size_t kMaxScoreEntries = 1u << 20;

// PeerManager constants (peerManager.ts).
inline constexpr int64_t kHeartbeatIntervalMs = 30 * 1000;
inline constexpr int64_t kPingIntervalInboundMs = 15 * 1000;
inline constexpr int64_t kPingIntervalOutboundMs = 20 * 1000;
inline constexpr int64_t kStatusIntervalMs = 5 * 60 * 1000;
inline constexpr int64_t kStatusInboundGracePeriod = 15 * 1000;
inline constexpr int64_t kCheckPingStatusInterval = 10 * 1000;
inline constexpr int64_t kLongPeerConnectionMs = 24 * 60 * 60 * 1000;
inline constexpr double kStarvationPruneRatio = 0.05;
inline constexpr double kAllowedNegativeGossipsubFactor = 0.1;
inline constexpr int64_t kGoodbyeTimeoutMs = 1000;  // withTimeout(sendGoodbye, 1_000)

// The trace header's `config` (FORMAT.md §2.1): PeerManagerOpts, the score
// store option, the gossip decay interval and the chain constants.
struct PeerManagerConfig {
  int64_t target_peers = 200;
  int64_t max_peers = 210;
  int64_t target_group_peers = 6;
  int64_t gossip_decay_interval_ms = 12000;
  bool disable_peer_scoring = false;
  bool discovery = true;
  bool metrics = false;  // NetworkCoreMetrics present (trace header `metrics`, FORMAT.md §8)
  // A live capture (header producer.mode "live", FORMAT.md §9.5): Node fires
  // timers late under load and re-arms an interval from the moment its
  // callback starts, so a timer fires when the trace says it did: step()
  // checks only that it is armed, and re-arms intervals from that event's t_ms.
  bool live_timers = false;
  ChainConfig chain;  // chain.genesis_time_s is clock.genesisTime
};

// The trace header's `local`: our own node.
struct LocalNode {
  NodeId node_id{};
  int64_t custody_group_count = 4;
  std::vector<CustodyIndex> sample_groups;  // networkConfig.custodyConfig.sampleGroups
  std::vector<int64_t> sampled_subnets;     // networkConfig.custodyConfig.sampledSubnets
  ChainStatus status;                       // statusCache at construction
};

// One connection of the mirror: what PeerManager reads of a libp2p Connection.
struct Connection {
  std::string conn;
  PeerIdStr remote_peer;
  Direction direction = Direction::kInbound;
  ConnectionStatus status = ConnectionStatus::kOpen;
  UnixMs open_ms = 0;  // timeline.open
  std::optional<NodeId> node_id;  // computeNodeId(remotePeer), as the trace gives it
  std::string key_type = "secp256k1";

  // status === "open"
  bool is_open() const { return status == ConnectionStatus::kOpen; }
};

// A timer the engine has armed, with the time it is next due.
struct TimerDue {
  TimerKind kind = TimerKind::kHeartbeat;
  int64_t req = 0;  // goodbye_timeout: the goodbye's req
  UnixMs due_ms = 0;
};

class PeerManagerImpl;

// What the score store wrote since the last take_score_changes(), for a
// caller that derives score deltas without diffing full dumps. Not part of
// the TS state.
struct ScoreChanges {
  std::vector<PeerIdStr> touched;  // in call order, possibly repeated
  bool all = false;                // update() ran: any entry may have changed or gone
};

class PeerManager {
 public:
  PeerManager(PeerManagerConfig config, LocalNode local);
  ~PeerManager();
  PeerManager(const PeerManager&) = delete;
  PeerManager& operator=(const PeerManager&) = delete;

  // Runs one event and appends, in call order, every action it caused
  // (including the continuations of promises it settled) to *actions.
  Status step(const Event& event, std::vector<Action>* actions);
  // The same, with the Math.random() draws taken from `random` as the event
  // consumes them, for an event that carries no `rand` (a live caller's).
  Status step(const Event& event, std::vector<Action>* actions, RandomSource* random);

  // The timers armed now. A `timer` event is acceptable only if it names one
  // of these with due_ms == its t_ms.
  std::vector<TimerDue> timers() const;
  // The first armed timer due strictly before `t_ms` (it should have fired
  // before an event at t_ms), if any.
  std::optional<TimerDue> overdue_timer(UnixMs t_ms) const;

  // dumpPeerScoreStats(), in the store's insertion order.
  // MaxScore entries (disablePeerScoring) read Date.now(): now_ms() here.
  PeerScoreStats dump_peer_score_stats() const;
  // One entry of that dump at now_ms(), or nullopt when the peer has none.
  std::optional<PeerScoreStat> score_stat(const PeerIdStr& peer) const;
  // The entry's place in dump order (larger = later), or nullopt.
  std::optional<size_t> score_dump_position(const PeerIdStr& peer) const;
  // getScore(peer) and the number of entries in the store.
  double get_score(const PeerIdStr& peer) const;
  size_t score_entry_count() const;
  // Score change tracking, off by default.
  void track_score_changes(bool on);
  ScoreChanges take_score_changes();

  // FNV-1a (64-bit) over the engine's full state: time, request counter,
  // connection mirror, connected peers, pending requests, timers, local
  // status, scores. Two replays of one trace must agree.
  uint64_t state_digest() const;

  // A scrape of the peer-manager metrics (FORMAT.md §8): runs
  // runPeerCountMetrics (which observes lodestar_peer_column_group_count
  // again: a scrape changes state) and returns every series in registry
  // order. Empty when config.metrics is off.
  std::vector<MetricSeries> scrape_metrics();
  // The same into *out, reusing its storage: for a caller that scrapes after every event.
  void scrape_metrics(std::vector<MetricSeries>* out);

  bool initialized() const;
  UnixMs now_ms() const;
  // currentSlot as clock.currentSlot computes it at now_ms().
  Slot current_slot() const;
  // peersData.connectedPeers: its size, membership and keys in insertion order.
  size_t connected_peer_count() const;
  bool is_connected(const PeerIdStr& peer) const;
  std::vector<PeerIdStr> connected_peer_ids() const;
  // getConnectedPeerIds(): the peers with an open connection in the mirror.
  std::vector<PeerIdStr> get_connected_peer_ids() const;
  // getConnection(peer): the mirror's connection libp2p would return, or nullptr.
  const Connection* get_connection(const PeerIdStr& peer_id_str) const;
  size_t pending_request_count() const;
  // The kind of action a pending request was made by, or nullopt.
  std::optional<ActionKind> pending_request_kind(int64_t req) const;
  // How many peers each prioritizePeers disconnect reason has named so far.
  const std::map<std::string, uint64_t>& prune_reason_counts() const;

  // The implementation, for the engine's white-box tests (which include
  // engine/peer_manager_impl.h); nothing else needs it.
  const PeerManagerImpl& impl() const { return *impl_; }

 private:
  std::unique_ptr<PeerManagerImpl> impl_;  // never null
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_MANAGER_H_
