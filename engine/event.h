// Event: one input to the PeerManager state machine, mirroring trace format v1
// (traces/FORMAT.md §3.1) member for member. Plain data; replay/trace_event.cc
// builds it from a trace record and PeerManager::step consumes it.
//
// Ownership: an Event is a value; the engine copies what it keeps.
#ifndef PEER_REPLAY_ENGINE_EVENT_H_
#define PEER_REPLAY_ENGINE_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/types.h"

namespace peers {

enum class EventKind {
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
};
inline constexpr int kEventKindCount = 11;
const char* event_kind_name(EventKind kind);  // the FORMAT.md string ("connection_open")

// FORMAT.md §3.1 timers, in that table's order.
enum class TimerKind { kStartupPingStatus, kPingStatus, kHeartbeat, kGossipScores, kGoodbyeTimeout };
inline constexpr int kTimerKindCount = 5;
const char* timer_kind_name(TimerKind kind);

// A libp2p Connection as PeerManager reads it: remotePeer, direction, status,
// timeline.open, plus what computeNodeId(remotePeer) and remotePeer.type give.
struct ConnectionSpec {
  PeerIdStr peer;
  std::string conn;  // the connection's id, unique per trace
  Direction direction = Direction::kInbound;
  std::optional<NodeId> node_id;  // computeNodeId(remotePeer); absent when the trace omits it
  std::string key_type = "secp256k1";
  std::string status = "open";  // "open" | "closing" | "closed"
};

// { subnet, toSlot } as SubnetsService.getActiveSubnets() returns it.
struct ActiveSubnet {
  int64_t subnet = 0;
  Slot to_slot = 0;
  bool operator==(const ActiveSubnet&) const = default;
};

// The value a `response` event resolves a request with. The trace carries it
// as plain JSON; its shape tells which request it answers, and the engine
// checks the shape against the request it has pending under `req`.
struct ResponseValue {
  enum class Shape { kNull, kSeqNumber, kStatus, kMetadata, kIdentify };
  Shape shape = Shape::kNull;
  uint64_t seq_number = 0;                  // kSeqNumber: a Ping (BigInt)
  ChainStatus status;                       // kStatus
  Metadata metadata;                        // kMetadata
  std::optional<std::string> agent_version; // kIdentify: result.agentVersion (may be absent)
};

// Member order: what step() reads for every event, and all that a response
// (three events in four) needs, fills the first three cache lines: the
// header, the presence flags of the four inputs and the response's shape and
// ping number; the rest follows in FORMAT.md order. Aligned to a line, so
// those are three lines of the ~1 KiB, not four or five (a trace held in
// memory is streamed from DRAM: callgrind counts 164k fewer D1 misses in
// step() on the 100k-event bench trace).
struct alignas(64) Event {
  EventKind kind = EventKind::kInit;
  // timer
  TimerKind timer = TimerKind::kHeartbeat;
  uint64_t seq = 0;
  UnixMs t_ms = 0;

  // response (and timer goodbye_timeout)
  int64_t req = 0;
  bool is_error = false;

  // connection_open, connection_close, request, report_peer
  PeerIdStr peer;

  // Inputs read while handling the event (present only when TS read them).
  std::optional<std::vector<double>> rand;
  std::optional<std::vector<ActiveSubnet>> active_attnets;
  std::optional<std::vector<ActiveSubnet>> active_syncnets;
  std::optional<std::vector<std::pair<PeerIdStr, double>>> gossip_scores;

  // response: the value (its shape and a ping's number first) or the error
  ResponseValue ok;
  std::string error;

  // request
  std::string method;                   // ReqRespMethod value: "status", "goodbye", "ping", "metadata", ...
  uint64_t body_uint = 0;               // ping: sequence number; goodbye: reason code (both BigInt)

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
  std::string action;       // "Fatal", "LowToleranceError", "MidToleranceError", "HighToleranceError"
  std::string action_name;

  // restatus_peers
  std::vector<PeerIdStr> peers;

  // local_status
  ChainStatus status;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_EVENT_H_
