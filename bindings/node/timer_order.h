// The order in which PeerManager's timers fire when several are due at the
// same millisecond, for the addon's PeerManager.timers() and advance().
//
// The engine knows which timers are armed and when each is due
// (PeerManager::timers()), not how ties are broken. Lodestar runs under
// @sinonjs/fake-timers (FORMAT.md §3.1), which fires timers due at the same
// instant by `order`: a counter taken when a timer is created and again each
// time an interval re-arms, which it does before its callback runs. So within
// one step the fired interval re-arms first, then the timers the step creates
// in creation order: goodbye timeouts by request id (req counts in call order;
// at init they come from the constructor's heartbeat, before the constructor
// schedules its own timers), then init's startup_ping_status, ping_status,
// heartbeat, gossip_scores.
#ifndef PEER_REPLAY_BINDINGS_NODE_TIMER_ORDER_H_
#define PEER_REPLAY_BINDINGS_NODE_TIMER_ORDER_H_

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "peers/event.h"
#include "peers/peer_manager.h"

namespace peer_replay_node {

class TimerOrder {
 public:
  // After the engine accepted `event`: `armed_now` is PeerManager::timers().
  void note_step(const peers::Event& event, const std::vector<peers::TimerDue>& armed_now);
  // `armed_now` sorted as Lodestar fires them: by due time, then arm order.
  std::vector<peers::TimerDue> firing_order(const std::vector<peers::TimerDue>& armed_now) const;

 private:
  using Key = std::pair<int, int64_t>;  // (TimerKind, req)
  struct Armed {
    int64_t due_ms = 0;
    uint64_t order = 0;
  };
  std::map<Key, Armed> armed_;
  uint64_t next_order_ = 0;
};

}  // namespace peer_replay_node

#endif  // PEER_REPLAY_BINDINGS_NODE_TIMER_ORDER_H_
