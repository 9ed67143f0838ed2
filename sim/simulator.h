// The engine simulator: generates valid event streams for a PeerManager from
// a source of choices (sim/choices.h), steps the engine through them and
// checks every invariant after every event (sim/invariants.h). One generator
// for the random-load test (sim/simulator_test.cc), the 10M-event soak
// (tools/bench/engine_soak.cc), the engine fuzzer (fuzz/engine_fuzz.cc) and
// the synthetic benchmark traces (tools/bench/synthetic_trace.cc).
//
// The stream is what a node sees: connections open and close (now and then a
// second one for a connected peer), connected peers send requests and are
// reported, the engine's requests are answered (in any order, with values or
// errors), chain and subscription updates arrive, and every timer the engine
// has due fires before time moves past it. While many requests are open the
// stream answers them and holds the clock still, so pending requests stay
// bounded as in a node.
//
// Inputs the stream cannot predict (how many Math.random() draws a heartbeat
// takes, whether an event runs one) are supplied generously: the engine
// consumes the draws it needs in order and refuses only the surplus, after
// the event has run (Refusal::kUnreadInputs); such an event counts as
// accepted with exactly the inputs it read, and is kept that way.
//
// Test and benchmark support only: not part of the engine library.
#ifndef PEER_REPLAY_SIM_SIMULATOR_H_
#define PEER_REPLAY_SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/peer_manager.h"
#include "sim/choices.h"
#include "sim/invariants.h"

namespace sim {

inline constexpr int kMaxSimPeers = 5000;

struct SimOptions {
  int peers = 50;            // the pool of peer ids, 1..kMaxSimPeers
  bool vary_setup = false;   // config and local node drawn from the choices (the fuzzer); else the fixtures'
  bool keep_events = false;  // keep the accepted events for the replay check in finish() (the fuzzer)
};

struct SimReport {
  uint64_t inputs = 0;  // inputs generated (the timers that fire before them come on top)
  uint64_t timers = 0;
  uint64_t heartbeats = 0;
  Counts counts;
  std::string violation;  // empty: every invariant held
  uint64_t violation_event = 0;
};

class Simulator {
 public:
  // `choices` outlives the simulator.
  Simulator(const SimOptions& options, Choices* choices);
  ~Simulator();

  // Steps init; false if an invariant broke.
  bool start();
  // One input, after the timers due before it; false once an invariant broke.
  bool step_input();
  // The check over every peer and score, and the replay check when the
  // events are kept; false if an invariant broke.
  bool finish();

  SimReport report() const;
  const peers::PeerManager& engine() const { return *pm_; }
  const peers::PeerManagerConfig& config() const { return config_; }
  const peers::LocalNode& local() const { return local_; }

  // Called after every accepted event (init and timers included), with the
  // event as it ran (exactly the inputs the engine read) and its actions: a
  // trace of the run (tools/bench/synthetic_trace.cc). Set before start().
  using Observer = std::function<void(const peers::Event&, const std::vector<peers::Action>&)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

 private:
  void choose_setup();
  peers::ChainStatus choose_status(peers::Slot head_slot);
  peers::Event next_input(bool* made);
  peers::Event peer_input(int p, uint64_t what, bool* made);
  peers::Event response(bool* made);
  void fill_response_value(peers::Event* ev);
  void add_heartbeat_inputs(peers::Event* ev);
  void add_gossip_scores(peers::Event* ev);
  bool fire_due_timers(peers::UnixMs target_ms);
  bool draining() const;
  peers::Slot slot_now() const;
  peers::Direction choose_direction();
  bool step(peers::Event ev);

  SimOptions options_;
  Choices& choices_;
  peers::PeerManagerConfig config_;
  peers::LocalNode local_;
  std::unique_ptr<peers::PeerManager> pm_;
  std::vector<peers::PeerIdStr> ids_;
  std::vector<peers::NodeId> node_ids_;
  Invariants invariants_;
  peers::testing::SplitMix64 draws_{0};  // Math.random() values, reseeded from the choices per event
  std::vector<peers::Action> actions_;
  std::vector<peers::Event> kept_events_;
  std::vector<std::vector<peers::Action>> kept_actions_;
  Observer observer_;
  peers::UnixMs now_ms_ = 0;
  uint64_t seq_ = 0;
  uint64_t conn_counter_ = 0;
  int64_t oldest_req_ = 1;
  uint64_t inputs_ = 0;
  uint64_t timers_ = 0;
  uint64_t heartbeats_ = 0;
};

// A seeded run of `inputs` inputs over a pool of `peers` (the random-load
// test and the soak).
SimReport run_seeded(uint64_t seed, uint64_t inputs, int peers);

}  // namespace sim

#endif  // PEER_REPLAY_SIM_SIMULATOR_H_
