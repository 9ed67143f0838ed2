// Every invariant the simulator checks, in one place. The simulator steps
// the engine and hands each accepted event here; the first violation is kept
// (with its event's seq) and the run stops there.
//
// Checked after every event:
//   - the engine accepted it, or refused it only for inputs it did not read
//     (Refusal::kUnreadInputs: the simulator supplies draws and subnets
//     generously, see simulator.h); any other refusal is a violation;
//   - request ids in actions count 1, 2, 3 ... over the run;
//   - every action names a peer the stream opened a connection for (except
//     discover_peers, which names none);
//   - the event's peer is in connectedPeers exactly when the stream holds an
//     open connection for it;
//   - every score entry the event created or changed (all of them after a
//     heartbeat's update()) is finite and within [-100, 100];
//   - the score store holds at most MAX_ENTRIES entries after update(), and
//     the engine's limits on score entries, connected peers and pending
//     requests hold;
// every 4,096 events and at the end, the connectedPeers agreement for every
// peer and every score (score, lodestar and gossip parts finite, score in
// range); and, for a run that keeps its events, that a fresh engine fed the
// accepted events takes each one, makes the same actions and ends in the same
// state digest.
#ifndef PEER_REPLAY_SIM_INVARIANTS_H_
#define PEER_REPLAY_SIM_INVARIANTS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/peer_manager.h"
#include "peers/status.h"

namespace sim {

inline constexpr uint64_t kFullCheckEvery = 4096;

struct Counts {
  uint64_t events_stepped = 0;  // accepted by the engine, timers included
  uint64_t unread_inputs = 0;   // of those, refused only for inputs they did not read
  uint64_t actions = 0;
  uint64_t score_checks = 0;    // entries checked in range
  size_t max_connected = 0;
  size_t max_score_entries = 0;
  size_t max_pending_requests = 0;
};

class Invariants {
 public:
  // `peer_ids` is the stream's pool; peers outside it are never opened.
  explicit Invariants(const std::vector<peers::PeerIdStr>& peer_ids);

  // Whether `status` (step()'s answer to `ev`) accepts the event; a
  // violation otherwise.
  bool accepted(const peers::Event& ev, const peers::Status& status);
  // After an accepted event: updates the stream's view of open connections
  // and checks the engine against it and its limits.
  void after_event(peers::PeerManager& pm, const peers::Event& ev, std::span<const peers::Action> actions);
  void full_check(const peers::PeerManager& pm);
  // A fresh engine fed `events` makes `actions` event by event and ends in `digest`.
  void check_replay(const peers::PeerManagerConfig& config, const peers::LocalNode& local,
                    const std::vector<peers::Event>& events, const std::vector<std::vector<peers::Action>>& actions,
                    uint64_t digest);

  // The stream's view: open connections per pool index.
  int open_connections(int peer) const { return open_[peer]; }
  int64_t last_req() const { return next_req_ - 1; }  // the highest request id issued so far

  // Records a violation the simulator found itself (the first one is kept).
  void violate(const peers::Event& ev, const std::string& what);

  bool ok() const { return violation_.empty(); }
  const std::string& violation() const { return violation_; }
  uint64_t violation_event() const { return violation_event_; }
  const Counts& counts() const { return counts_; }

 private:
  int peer_index(std::string_view id) const;
  void check_connected(const peers::PeerManager& pm, int n, const peers::Event& ev);
  void check_score(const peers::PeerManager& pm, const peers::PeerIdStr& peer, const peers::Event& ev);
  void check_bounds(const peers::PeerManager& pm, const peers::Event& ev, bool ran_update);

  const std::vector<peers::PeerIdStr>& ids_;
  std::vector<int> open_;    // open connections per peer, as the stream sees them
  std::vector<bool> known_;  // peers the stream ever opened a connection for
  int64_t next_req_ = 1;
  Counts counts_;
  std::string violation_;
  uint64_t violation_event_ = 0;
};

}  // namespace sim

#endif  // PEER_REPLAY_SIM_INVARIANTS_H_
