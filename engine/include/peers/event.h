// Event: one input to the PeerManager state machine, mirroring trace format v1
// (traces/FORMAT.md §3.1) member for member, the rarer members boxed in
// Event::extra. Plain data; replay/trace_event.cc builds it from a trace
// record and PeerManager::step consumes it.
//
// Ownership: an Event is a value; the engine copies what it keeps.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_EVENT_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_EVENT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "peers/boxed.h"
#include "peers/enum_names.h"
#include "peers/score_interface.h"
#include "peers/types.h"

namespace peers {

enum class EventKind : uint8_t {
  kInit,
  kConnectionOpen,
  kConnectionClose,
  kRequest,
  kResponse,
  kTimer,
  kReportPeer,
  kCommitteeSubscriptions,
  kRestatusPeers,
  kLocalStatus,
  kGoodbyeAll,
  kConnectionStatus,  // format version 2 (FORMAT.md §9)
  kLocalCustody,      // format version 2
};
inline constexpr int kEventKindCount = 13;
// The FORMAT.md §3.1 names, by enumerator.
inline constexpr std::array<const char*, kEventKindCount> kEventKindNames = {
    "init",           "connection_open", "connection_close", "request",
    "response",       "timer",           "report_peer",      "committee_subscriptions",
    "restatus_peers", "local_status",    "goodbye_all",      "connection_status",
    "local_custody"};
inline const char* event_kind_name(EventKind kind) { return enum_name(kEventKindNames, kind); }

// FORMAT.md §3.1 timers, in that table's order.
enum class TimerKind : uint8_t { kStartupPingStatus, kPingStatus, kHeartbeat, kGossipScores, kGoodbyeTimeout };
inline constexpr int kTimerKindCount = 5;
inline constexpr std::array<const char*, kTimerKindCount> kTimerKindNames = {
    "startup_ping_status", "ping_status", "heartbeat", "gossip_scores", "goodbye_timeout"};
inline const char* timer_kind_name(TimerKind kind) { return enum_name(kTimerKindNames, kind); }

// libp2p's ConnectionStatus ("open" | "closing" | "closed").
enum class ConnectionStatus : uint8_t { kOpen, kClosing, kClosed };
inline constexpr std::array<const char*, 3> kConnectionStatusNames = {"open", "closing", "closed"};
inline const char* connection_status_name(ConnectionStatus status) { return enum_name(kConnectionStatusNames, status); }

// export enum ReqRespMethod (network/reqresp/types.ts), members in source
// order under their TS names; the names are the TS values.
enum class ReqRespMethod : uint8_t {
  Status,
  Goodbye,
  Ping,
  Metadata,
  BeaconBlocksByRange,
  BeaconBlocksByRoot,
  BeaconBlocksByHead,
  BlobSidecarsByRange,
  BlobSidecarsByRoot,
  DataColumnSidecarsByRange,
  DataColumnSidecarsByRoot,
  ExecutionPayloadEnvelopesByRoot,
  ExecutionPayloadEnvelopesByRange,
  LightClientBootstrap,
  LightClientUpdatesByRange,
  LightClientFinalityUpdate,
  LightClientOptimisticUpdate,
};
inline constexpr std::array<const char*, 17> kReqRespMethodNames = {
    "status",
    "goodbye",
    "ping",
    "metadata",
    "beacon_blocks_by_range",
    "beacon_blocks_by_root",
    "beacon_blocks_by_head",
    "blob_sidecars_by_range",
    "blob_sidecars_by_root",
    "data_column_sidecars_by_range",
    "data_column_sidecars_by_root",
    "execution_payload_envelopes_by_root",
    "execution_payload_envelopes_by_range",
    "light_client_bootstrap",
    "light_client_updates_by_range",
    "light_client_finality_update",
    "light_client_optimistic_update"};
inline const char* req_resp_method_name(ReqRespMethod method) { return enum_name(kReqRespMethodNames, method); }

// A libp2p Connection as PeerManager reads it: remotePeer, direction, status,
// timeline.open, plus what computeNodeId(remotePeer) and remotePeer.type give.
struct ConnectionSpec {
  PeerIdStr peer;
  std::string conn;  // the connection's id, unique per trace
  Direction direction = Direction::kInbound;
  std::optional<NodeId> node_id;  // computeNodeId(remotePeer); absent when the trace omits it
  std::string key_type = "secp256k1";
  ConnectionStatus status = ConnectionStatus::kOpen;
};

// { subnet, toSlot } as SubnetsService.getActiveSubnets() returns it.
struct ActiveSubnet {
  int64_t subnet = 0;
  Slot to_slot = 0;
  bool operator==(const ActiveSubnet&) const = default;
};

// The value a `response` event resolves a request with. The trace carries it
// as plain JSON; its shape tells which request it answers, and the engine
// checks the shape against the request it has pending under `req`. A ping's
// number is inline (three responses in four answer a ping); the rest is
// boxed.
struct ResponseDetail {
  ChainStatus status;                       // kStatus
  Metadata metadata;                        // kMetadata
  std::optional<std::string> agent_version; // kIdentify: result.agentVersion (may be absent)
  bool operator==(const ResponseDetail&) const = default;
};
struct ResponseValue {
  enum class Shape { kNull, kSeqNumber, kStatus, kMetadata, kIdentify };
  Shape shape = Shape::kNull;
  uint64_t seq_number = 0;          // kSeqNumber: a Ping (BigInt)
  Boxed<ResponseDetail> detail;     // kStatus, kMetadata, kIdentify
  bool operator==(const ResponseValue&) const = default;
};

// What only some events carry, in FORMAT.md order: boxed in Event::extra,
// which most events (responses, pings, timers without inputs) leave unmade.
struct EventExtra {
  // Inputs read while handling the event (present only when TS read them).
  std::optional<std::vector<double>> rand;
  std::optional<std::vector<ActiveSubnet>> active_attnets;
  std::optional<std::vector<ActiveSubnet>> active_syncnets;
  std::optional<std::vector<std::pair<PeerIdStr, double>>> gossip_scores;

  // response: the error
  std::string error;

  // connection_open (the whole connection) and connection_close (peer, conn)
  ConnectionSpec connection;
  // connection_close: the closed connection's direction, when the trace gives
  // it. Needed only for a connection the mirror does not have (TS reads the
  // direction from the Connection object the event carries).
  std::optional<Direction> close_direction;
  // init: connections already open, in libp2p map order
  std::vector<ConnectionSpec> connections;

  // request
  std::optional<ChainStatus> body_status;  // status

  // report_peer
  PeerAction action = PeerAction::Fatal;
  std::string action_name;

  // restatus_peers
  std::vector<PeerIdStr> peers;

  // local_status
  ChainStatus status;

  // connection_status: the connection (peer, conn) and its new status go in
  // `connection`.

  // local_custody: networkConfig.custodyConfig after updateTargetCustodyGroupCount
  int64_t custody_group_count = 0;
  std::vector<CustodyIndex> sample_groups;
  std::vector<int64_t> sampled_subnets;
};

// Two cache lines, line-aligned: the header, the extra's pointer and the
// response's shape and ping number in the first (all that a response, three
// events in four, reads), a request's method and number in the second;
// everything else is boxed in `extra`. A trace held in memory is streamed
// from DRAM while it is stepped through: at 128 bytes an event, consecutive
// events are consecutive lines the prefetcher follows, and the stream is
// about an eighth of the 960-byte flat Event's, which evicted the engine's
// own state from the caches it shares with its neighbours.
struct alignas(64) Event {
  EventKind kind = EventKind::kInit;
  // timer
  TimerKind timer = TimerKind::kHeartbeat;
  // response
  bool is_error = false;
  uint64_t seq = 0;
  UnixMs t_ms = 0;

  // response (and timer goodbye_timeout)
  int64_t req = 0;

  // connection_open, connection_close, request, report_peer
  PeerIdStr peer;

  // Everything else the event carries (inputs, connection, bodies, ...).
  Boxed<EventExtra> extra;

  // response: the value (its shape and a ping's number inline)
  ResponseValue ok;

  // request
  ReqRespMethod method = ReqRespMethod::Status;
  uint64_t body_uint = 0;               // ping: sequence number; goodbye: reason code (both BigInt)
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_EVENT_H_
