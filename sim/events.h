// The simulator's event builders: every Event the simulator makes is built
// here, one small function per kind, so a change to how an Event spells a
// member (a request's method, a report's PeerAction) is a change to one line.
#ifndef PEER_REPLAY_SIM_EVENTS_H_
#define PEER_REPLAY_SIM_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "peers/event.h"
#include "peers/peer_manager.h"
#include "peers/types.h"

namespace sim {

// The pool's peer ids: "16Uiu2HAmSim<n>" for n = 0, 1, ... (libp2p-like, and
// readable in a violation message).
inline constexpr std::string_view kPeerIdPrefix = "16Uiu2HAmSim";
inline std::string pool_peer_id(int n) { return std::string(kPeerIdPrefix) + std::to_string(n); }
// The n of a pool id below pool_size, or -1 for any other id.
inline int pool_index(std::string_view id, int pool_size) {
  if (id.substr(0, kPeerIdPrefix.size()) != kPeerIdPrefix || id.size() == kPeerIdPrefix.size()) return -1;
  int n = 0;
  for (char c : id.substr(kPeerIdPrefix.size())) {
    if (c < '0' || c > '9' || n > pool_size) return -1;
    n = n * 10 + (c - '0');
  }
  return n < pool_size && pool_peer_id(n) == id ? n : -1;
}

// PeerAction levels (reportPeer), in Lodestar's order.

inline peers::Event make_event(peers::EventKind kind, peers::UnixMs t_ms) {
  peers::Event ev;
  ev.kind = kind;
  ev.t_ms = t_ms;
  return ev;
}

inline peers::Event connection_open(peers::UnixMs t_ms, const peers::PeerIdStr& peer, std::string conn,
                                    peers::Direction direction, const peers::NodeId& node_id) {
  peers::Event ev = make_event(peers::EventKind::kConnectionOpen, t_ms);
  ev.peer = peer;
  peers::ConnectionSpec& c = ev.extra.mut().connection;
  c.peer = peer;
  c.conn = std::move(conn);
  c.direction = direction;
  c.node_id = node_id;
  return ev;
}

inline peers::Event connection_close(peers::UnixMs t_ms, const peers::PeerIdStr& peer, std::string conn) {
  peers::Event ev = make_event(peers::EventKind::kConnectionClose, t_ms);
  ev.peer = peer;
  ev.extra.mut().connection.peer = peer;
  ev.extra.mut().connection.conn = std::move(conn);
  return ev;
}

inline peers::Event request(peers::UnixMs t_ms, const peers::PeerIdStr& peer, peers::ReqRespMethod method) {
  peers::Event ev = make_event(peers::EventKind::kRequest, t_ms);
  ev.peer = peer;
  ev.method = method;
  return ev;
}
inline peers::Event ping_request(peers::UnixMs t_ms, const peers::PeerIdStr& peer, uint64_t seq_number) {
  peers::Event ev = request(t_ms, peer, peers::ReqRespMethod::Ping);
  ev.body_uint = seq_number;
  return ev;
}
inline peers::Event status_request(peers::UnixMs t_ms, const peers::PeerIdStr& peer, const peers::ChainStatus& status) {
  peers::Event ev = request(t_ms, peer, peers::ReqRespMethod::Status);
  ev.extra.mut().body_status = status;
  return ev;
}
inline peers::Event metadata_request(peers::UnixMs t_ms, const peers::PeerIdStr& peer) {
  return request(t_ms, peer, peers::ReqRespMethod::Metadata);
}
inline peers::Event goodbye_request(peers::UnixMs t_ms, const peers::PeerIdStr& peer, uint64_t reason_code) {
  peers::Event ev = request(t_ms, peer, peers::ReqRespMethod::Goodbye);
  ev.body_uint = reason_code;
  return ev;
}

inline peers::Event report_peer(peers::UnixMs t_ms, const peers::PeerIdStr& peer, peers::PeerAction action,
                                std::string action_name) {
  peers::Event ev = make_event(peers::EventKind::kReportPeer, t_ms);
  ev.peer = peer;
  ev.extra.mut().action = action;
  ev.extra.mut().action_name = std::move(action_name);
  return ev;
}

inline peers::Event error_response(peers::UnixMs t_ms, int64_t req, std::string error) {
  peers::Event ev = make_event(peers::EventKind::kResponse, t_ms);
  ev.req = req;
  ev.is_error = true;
  ev.extra.mut().error = std::move(error);
  return ev;
}
// A response with a value: the caller fills ev.ok (its shape says which).
inline peers::Event value_response(peers::UnixMs t_ms, int64_t req) {
  peers::Event ev = make_event(peers::EventKind::kResponse, t_ms);
  ev.req = req;
  return ev;
}

// The `timer` event that fires `due` (a heartbeat's inputs are the caller's to add).
inline peers::Event timer(const peers::TimerDue& due) {
  peers::Event ev = make_event(peers::EventKind::kTimer, due.due_ms);
  ev.timer = due.kind;
  ev.req = due.req;
  return ev;
}

inline peers::Event local_status(peers::UnixMs t_ms, const peers::ChainStatus& status) {
  peers::Event ev = make_event(peers::EventKind::kLocalStatus, t_ms);
  ev.extra.mut().status = status;
  return ev;
}

inline peers::Event restatus_peers(peers::UnixMs t_ms, std::vector<peers::PeerIdStr> peer_ids) {
  peers::Event ev = make_event(peers::EventKind::kRestatusPeers, t_ms);
  ev.extra.mut().peers = std::move(peer_ids);
  return ev;
}

}  // namespace sim

#endif  // PEER_REPLAY_SIM_EVENTS_H_
