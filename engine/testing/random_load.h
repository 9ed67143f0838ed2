// Random load for the engine (issue 6): a seeded generator of valid event
// streams (any peer count up to kMaxLoadPeers, any order of valid events)
// driving a PeerManager, with the engine's invariants checked after every
// event. Used by a 100,000-event test (random_load_test.cc) and by the
// 10,000,000-event soak benchmark (tools/bench/engine_soak.cc).
//
// Checked after every event:
//   - every score entry the event created or changed is finite and within
//     [-100, 100] (the store's change notes name them; all entries after an
//     event that ran update());
//   - every action names a peer the stream opened a connection for (except
//     discover_peers, which names none);
//   - the event's peer is in connectedPeers exactly when the stream holds an
//     open connection for it (never both connected and disconnected);
//   - the score store holds at most MAX_ENTRIES entries, pending requests and
//     connected peers stay under their limits;
// and every 4,096 events (and at the end) the last two over all peers.
//
// Inputs the stream cannot predict (how many Math.random() draws a heartbeat
// takes, whether an event runs one) are supplied generously: the engine
// consumes the draws it needs in order and refuses only the surplus, after the
// event has run; such an event counts as accepted with exactly the inputs it
// read. Any other refusal is a violation.
//
// Not part of the engine library: test support, with no output of its own.
#ifndef PEER_REPLAY_ENGINE_TESTING_RANDOM_LOAD_H_
#define PEER_REPLAY_ENGINE_TESTING_RANDOM_LOAD_H_

#include <cstdint>
#include <string>

namespace peers::testing {

inline constexpr int kMaxLoadPeers = 5000;

struct RandomLoadOptions {
  uint64_t seed = 1;
  uint64_t events = 100000;  // inputs generated (due timers come on top)
  int max_peers = 50;        // the pool of peer ids, 1..kMaxLoadPeers
};

struct RandomLoadReport {
  uint64_t events_stepped = 0;  // accepted by the engine, timers included
  uint64_t timers = 0;
  uint64_t heartbeats = 0;
  uint64_t actions = 0;
  uint64_t score_checks = 0;     // entries checked in range
  size_t max_connected = 0;
  size_t max_score_entries = 0;
  size_t max_pending_requests = 0;
  std::string violation;  // empty: every invariant held
  uint64_t violation_event = 0;
};

RandomLoadReport run_random_load(const RandomLoadOptions& options);

}  // namespace peers::testing

#endif  // PEER_REPLAY_ENGINE_TESTING_RANDOM_LOAD_H_
