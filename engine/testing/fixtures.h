// Engine test fixtures shared by the unit tests (peer_manager_test.cc) and the
// simulator (sim/simulator.cc): one chain, one local node and one
// status, so a change to what a valid engine set-up needs changes one place.
// Tests only; not part of the engine library.
#ifndef PEER_REPLAY_ENGINE_TESTING_FIXTURES_H_
#define PEER_REPLAY_ENGINE_TESTING_FIXTURES_H_

#include <cstdint>

#include "peers/peer_manager.h"
#include "peers/types.h"

namespace peers::testing {

inline constexpr int64_t kGenesisTimeS = 1'600'000'000;
// Slot 1000 + 0.5 s after genesis: a fulu chain well past its first epochs.
inline constexpr UnixMs kT0 = (kGenesisTimeS + 1000 * 12) * 1000 + 500;

// A phase0..fulu status at head_slot (forkDigest aabbccdd, finalized epoch 30).
inline ChainStatus make_status(Slot head_slot = 1000) {
  ChainStatus s;
  s.fork_digest = {0xaa, 0xbb, 0xcc, 0xdd};
  s.finalized_root.fill(1);
  s.finalized_epoch = 30;
  s.head_root.fill(2);
  s.head_slot = head_slot;
  s.earliest_available_slot = 0;
  return s;
}

// Mainnet constants, every fork up to fulu at epoch 0, discovery on.
inline PeerManagerConfig make_config(int64_t target_peers, int64_t max_peers) {
  PeerManagerConfig c;
  c.target_peers = target_peers;
  c.max_peers = max_peers;
  c.target_group_peers = 6;
  c.gossip_decay_interval_ms = 12000;
  c.discovery = true;
  c.chain.genesis_time_s = kGenesisTimeS;
  for (int i = 1; i < kForkCount; i++) c.chain.fork_epoch[i] = i <= 6 ? 0 : kFarFutureEpoch;  // fulu at 0
  return c;
}

// Node id 0x42..., 4 custody groups, sampling groups and subnets 1..8.
inline LocalNode make_local() {
  LocalNode l;
  l.node_id.fill(0x42);
  l.custody_group_count = 4;
  l.sample_groups = {1, 2, 3, 4, 5, 6, 7, 8};
  l.sampled_subnets = {1, 2, 3, 4, 5, 6, 7, 8};
  l.status = make_status();
  return l;
}

// The `timer` event that fires `due` (inputs such as a heartbeat's active
// subnets and draws are the caller's to add).
inline Event make_timer_event(const TimerDue& due) {
  Event ev;
  ev.kind = EventKind::kTimer;
  ev.timer = due.kind;
  ev.t_ms = due.due_ms;
  ev.req = due.req;
  return ev;
}

}  // namespace peers::testing

#endif  // PEER_REPLAY_ENGINE_TESTING_FIXTURES_H_
