#include "sim/simulator.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "peers/status.h"
#include "sim/choices.h"

namespace sim {
namespace {

void require_holds(const SimReport& r) {
  INFO("violation at event " << r.violation_event << ": " << r.violation);
  REQUIRE(r.violation.empty());
}

}  // namespace

// The random-load test: 100,000 seeded inputs in all, at several pool sizes
// up to the 5,000 peers of the limit. The 10,000,000-event run is the soak
// benchmark tools/bench/engine_soak (docs/SOAK.md).
TEST_CASE("random load: invariants hold after every event (100,000 inputs)", "[sim][invariants]") {
  struct Run {
    uint64_t seed;
    uint64_t inputs;
    int peers;
  };
  const Run runs[] = {{1, 40000, 12}, {2, 30000, 60}, {3, 20000, 300}, {4, 10000, kMaxSimPeers}};
  uint64_t total = 0;
  for (const Run& run : runs) {
    const SimReport r = run_seeded(run.seed, run.inputs, run.peers);
    INFO("seed " << run.seed << ", " << run.peers << " peers");
    require_holds(r);
    CHECK(r.inputs == run.inputs);
    CHECK(r.counts.events_stepped >= run.inputs / 2);  // most inputs make an event
    CHECK(r.heartbeats > 0);
    CHECK(r.counts.actions > 0);
    CHECK(r.counts.score_checks > 0);
    CHECK(r.counts.max_connected > 0);
    CHECK(r.counts.unread_inputs > 0);  // committee subscriptions carry draws no heartbeat reads
    total += run.inputs;
  }
  CHECK(total == 100000);
}

TEST_CASE("random load: the same seed gives the same run", "[sim]") {
  const SimReport a = run_seeded(7, 3000, 40);
  const SimReport b = run_seeded(7, 3000, 40);
  require_holds(a);
  CHECK(a.counts.events_stepped == b.counts.events_stepped);
  CHECK(a.counts.actions == b.counts.actions);
  CHECK(a.counts.score_checks == b.counts.score_checks);
  CHECK(a.counts.max_score_entries == b.counts.max_score_entries);
  const SimReport c = run_seeded(8, 3000, 40);
  CHECK(c.counts.actions != a.counts.actions);
}

// The fuzzer's configuration (engine_fuzz.cc): the setup from the choices,
// the accepted events kept and replayed into a fresh engine at the end.
TEST_CASE("fuzz mode: varied setups replay to the same actions and digest", "[sim]") {
  for (uint64_t seed = 1; seed <= 40; seed++) {
    SeededChoices choices(seed);
    SimOptions options;
    options.peers = 10;
    options.vary_setup = true;
    options.keep_events = true;
    Simulator sim(options, &choices);
    bool ok = sim.start();
    for (int i = 0; ok && i < 300; i++) ok = sim.step_input();
    ok = ok && sim.finish();
    const SimReport r = sim.report();
    INFO("seed " << seed);
    require_holds(r);
    CHECK(ok);
    CHECK(r.counts.events_stepped > 0);
  }
}

TEST_CASE("byte choices: each choice takes the bytes its range needs, zeros past the end", "[sim]") {
  const std::vector<uint8_t> bytes = {7, 0x01, 0x02, 200};
  ByteChoices c(bytes.data(), bytes.size());
  CHECK(c.below(1) == 0);  // no byte for a single option
  CHECK(c.below(10) == 7);
  CHECK(c.below(1000) == 0x0102 % 1000);
  CHECK(!c.exhausted());
  CHECK(c.below(256) == 200);
  CHECK(c.exhausted());
  CHECK(c.below(50) == 0);
  CHECK(c.unit() == 0.0);
}

// The typed refusal the simulator acts on: an event that ran but carried
// draws no heartbeat read names how many it read; no message is parsed.
TEST_CASE("refusals are typed: unread draws name the count read", "[sim]") {
  peers::Status ok = peers::Status::ok();
  CHECK(ok.is_ok());
  const peers::Status s = peers::Status::refused(peers::Refusal::kUnreadInputs,
                                                 "the event carries 5 rand draws, the engine used 2", {2, true, false});
  CHECK(s.code() == peers::Status::Code::kInvalidArgument);
  CHECK(s.refusal() == peers::Refusal::kUnreadInputs);
  CHECK(s.inputs_read().rand_draws == 2);
  CHECK(s.inputs_read().active_subnets);
  CHECK(!s.inputs_read().gossip_scores);
  CHECK(peers::Status::invalid_argument("x").refusal() == peers::Refusal::kNone);
}

}  // namespace sim
