#include "timer_order.h"

#include <algorithm>

namespace peer_replay_node {

namespace {

// Creation order within one step (see timer_order.h): goodbye timeouts by
// req first, then init's timers in the order the constructor schedules them.
int creation_rank(peers::TimerKind kind) {
  switch (kind) {
    case peers::TimerKind::kGoodbyeTimeout: return 0;
    case peers::TimerKind::kStartupPingStatus: return 1;
    case peers::TimerKind::kPingStatus: return 2;
    case peers::TimerKind::kHeartbeat: return 3;
    case peers::TimerKind::kGossipScores: return 4;
  }
  return 5;
}

}  // namespace

void TimerOrder::note_step(const peers::Event& event, const std::vector<peers::TimerDue>& armed_now) {
  std::vector<peers::TimerDue> changed;
  std::map<Key, Armed> next;
  for (const peers::TimerDue& t : armed_now) {
    const Key key{static_cast<int>(t.kind), t.req};
    auto it = armed_.find(key);
    if (it != armed_.end() && it->second.due_ms == t.due_ms) {
      next.emplace(key, it->second);
    } else {
      changed.push_back(t);
    }
  }
  const bool fired_interval = event.kind == peers::EventKind::kTimer && event.timer != peers::TimerKind::kGoodbyeTimeout &&
                              event.timer != peers::TimerKind::kStartupPingStatus;
  std::stable_sort(changed.begin(), changed.end(), [&](const peers::TimerDue& a, const peers::TimerDue& b) {
    const bool a_fired = fired_interval && a.kind == event.timer;
    const bool b_fired = fired_interval && b.kind == event.timer;
    if (a_fired != b_fired) return a_fired;
    if (creation_rank(a.kind) != creation_rank(b.kind)) return creation_rank(a.kind) < creation_rank(b.kind);
    return a.req < b.req;
  });
  for (const peers::TimerDue& t : changed) next[{static_cast<int>(t.kind), t.req}] = Armed{t.due_ms, next_order_++};
  armed_ = std::move(next);
}

std::vector<peers::TimerDue> TimerOrder::firing_order(const std::vector<peers::TimerDue>& armed_now) const {
  std::vector<std::pair<uint64_t, peers::TimerDue>> keyed;
  keyed.reserve(armed_now.size());
  for (const peers::TimerDue& t : armed_now) {
    auto it = armed_.find({static_cast<int>(t.kind), t.req});
    // note_step sees every change of an engine that accepted its events; after
    // a step the engine refused (its state is then unspecified) a timer it has
    // not seen sorts after the others at its time rather than stopping the process.
    const bool known = it != armed_.end() && it->second.due_ms == t.due_ms;
    keyed.emplace_back(known ? it->second.order : UINT64_MAX, t);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    if (a.second.due_ms != b.second.due_ms) return a.second.due_ms < b.second.due_ms;
    return a.first < b.first;
  });
  std::vector<peers::TimerDue> out;
  out.reserve(keyed.size());
  for (const auto& [order, t] : keyed) out.push_back(t);
  return out;
}

}  // namespace peer_replay_node
