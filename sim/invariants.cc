#include "sim/invariants.h"

#include <algorithm>
#include <cmath>

#include "peers/score_constants.h"
#include "sim/events.h"

namespace sim {

using peers::Action;
using peers::ActionKind;
using peers::Event;
using peers::EventKind;
using peers::PeerManager;

Invariants::Invariants(const std::vector<peers::PeerIdStr>& peer_ids)
    : ids_(peer_ids), open_(peer_ids.size(), 0), known_(peer_ids.size(), false) {}

int Invariants::peer_index(std::string_view id) const { return pool_index(id, static_cast<int>(ids_.size())); }

void Invariants::violate(const Event& ev, const std::string& what) {
  if (!violation_.empty()) return;
  violation_ = what;
  violation_event_ = ev.seq;
}

bool Invariants::accepted(const Event& ev, const peers::Status& status) {
  if (status.is_ok()) return true;
  if (status.refusal() == peers::Refusal::kUnreadInputs) {
    counts_.unread_inputs++;
    return true;
  }
  violate(ev, "event " + std::to_string(ev.seq) + " (" + peers::event_kind_name(ev.kind) +
                  ") refused: " + status.message());
  return false;
}

void Invariants::after_event(PeerManager& pm, const Event& ev, std::span<const Action> actions) {
  counts_.events_stepped++;
  counts_.actions += actions.size();
  const int event_peer = ev.peer.empty() ? -1 : peer_index(ev.peer);
  if (ev.kind == EventKind::kConnectionOpen) {
    open_[event_peer]++;
    known_[event_peer] = true;
  }
  if (ev.kind == EventKind::kConnectionClose) open_[event_peer]--;
  for (const peers::ConnectionSpec& c : ev.extra->connections) {  // init: connections already open
    const int n = peer_index(c.peer);
    open_[n]++;
    known_[n] = true;
  }
  for (const Action& a : actions) {
    if (a.req != 0) {
      if (a.req != next_req_) {
        violate(ev, "action req " + std::to_string(a.req) + ", expected " + std::to_string(next_req_));
      }
      next_req_ = a.req + 1;
    }
    if (a.kind == ActionKind::kDiscoverPeers) continue;
    const int n = peer_index(a.peer);
    if (n < 0 || !known_[n]) violate(ev, std::string(peers::action_kind_name(a.kind)) + " for unknown peer " + a.peer);
  }
  if (event_peer >= 0) check_connected(pm, event_peer, ev);
  const peers::ScoreChanges changes = pm.take_score_changes();
  if (changes.all) {
    for (const peers::PeerScoreStatEntry& e : pm.dump_peer_score_stats()) check_score(pm, e.peer_id, ev);
  } else {
    for (const peers::PeerIdStr& peer : changes.touched) check_score(pm, peer, ev);
  }
  check_bounds(pm, ev, ev.kind == EventKind::kTimer && ev.timer == peers::TimerKind::kHeartbeat);
  if (ok() && counts_.events_stepped % kFullCheckEvery == 0) full_check(pm);
}

void Invariants::check_connected(const PeerManager& pm, int n, const Event& ev) {
  const bool connected = pm.is_connected(ids_[n]);
  if (connected != (open_[n] > 0)) {
    violate(ev, std::string(ids_[n]) + (connected ? " is in connectedPeers with no open connection"
                                                  : " has an open connection but is not in connectedPeers"));
  }
}

void Invariants::check_score(const PeerManager& pm, const peers::PeerIdStr& peer, const Event& ev) {
  const double score = pm.get_score(peer);
  counts_.score_checks++;
  if (!std::isfinite(score) || score < peers::kMinScore || score > peers::kMaxScore) {
    violate(ev, std::string(peer) + ": score " + std::to_string(score) + " outside [-100, 100]");
  }
}

void Invariants::check_bounds(const PeerManager& pm, const Event& ev, bool ran_update) {
  const size_t entries = pm.score_entry_count();
  const size_t connected = pm.connected_peer_count();
  const size_t pending = pm.pending_request_count();
  counts_.max_score_entries = std::max(counts_.max_score_entries, entries);
  counts_.max_connected = std::max(counts_.max_connected, connected);
  counts_.max_pending_requests = std::max(counts_.max_pending_requests, pending);
  // MAX_ENTRIES (1000) holds after update() prunes (the heartbeat); between
  // heartbeats new peers may add entries, bounded by the engine's own limit.
  if (entries > peers::kMaxScoreEntries) violate(ev, "score store grew past its limit");
  if (connected > ids_.size()) violate(ev, "more connected peers than the stream opened");
  if (ran_update && entries > static_cast<size_t>(peers::kMaxEntries)) {
    violate(ev, "MAX_ENTRIES: " + std::to_string(entries) + " score entries after update()");
  }
  if (pending > peers::kMaxPendingRequests) violate(ev, "pending requests past their limit");
}

void Invariants::full_check(const PeerManager& pm) {
  Event at;  // the violation's event: the last one stepped
  at.seq = counts_.events_stepped;
  for (size_t n = 0; n < ids_.size(); n++) check_connected(pm, static_cast<int>(n), at);
  for (const peers::PeerScoreStatEntry& e : pm.dump_peer_score_stats()) {
    check_score(pm, e.peer_id, at);
    if (!std::isfinite(e.stat.lodestar_score) || !std::isfinite(e.stat.gossip_score)) {
      violate(at, std::string(e.peer_id) + ": a score part that is not finite");
    }
  }
}

void Invariants::check_replay(const peers::PeerManagerConfig& config, const peers::LocalNode& local,
                              const std::vector<Event>& events, const std::vector<std::vector<Action>>& actions,
                              uint64_t digest) {
  PeerManager fresh(config, local);
  std::vector<Action> out;
  for (size_t i = 0; i < events.size() && ok(); i++) {
    out.clear();
    const peers::Status s = fresh.step(events[i], &out);
    const std::string which = "replaying accepted event " + std::to_string(events[i].seq);
    if (!s.is_ok()) violate(events[i], which + " failed: " + s.message());
    if (out != actions[i]) violate(events[i], which + " made other actions");
  }
  if (ok() && fresh.state_digest() != digest) {
    Event at;
    at.seq = counts_.events_stepped;
    violate(at, "state digest differs after replaying the accepted events");
  }
}

}  // namespace sim
