#include "engine/testing/random_load.h"

#include <catch2/catch.hpp>

namespace peers::testing {
namespace {

void require_holds(const RandomLoadReport& r) {
  INFO("violation at event " << r.violation_event << ": " << r.violation);
  REQUIRE(r.violation.empty());
}

}  // namespace

// 100,000 generated inputs in all (issue 6 §4), at several pool sizes up to
// the 5,000 peers of the limit. The 10,000,000-event run is the benchmark
// tools/bench/engine_soak.
TEST_CASE("random load: invariants hold after every event (100,000 inputs)", "[random_load][invariants]") {
  struct Run {
    uint64_t seed;
    uint64_t events;
    int max_peers;
  };
  const Run runs[] = {{1, 40000, 12}, {2, 30000, 60}, {3, 20000, 300}, {4, 10000, kMaxLoadPeers}};
  uint64_t total = 0;
  for (const Run& run : runs) {
    const RandomLoadReport r = run_random_load({run.seed, run.events, run.max_peers});
    INFO("seed " << run.seed << ", " << run.max_peers << " peers");
    require_holds(r);
    CHECK(r.events_stepped >= run.events / 2);  // most inputs are valid and accepted
    CHECK(r.heartbeats > 0);
    CHECK(r.actions > 0);
    CHECK(r.score_checks > 0);
    CHECK(r.max_connected > 0);
    total += run.events;
  }
  CHECK(total == 100000);
}

TEST_CASE("random load: the same seed gives the same run", "[random_load]") {
  const RandomLoadReport a = run_random_load({7, 3000, 40});
  const RandomLoadReport b = run_random_load({7, 3000, 40});
  require_holds(a);
  CHECK(a.events_stepped == b.events_stepped);
  CHECK(a.actions == b.actions);
  CHECK(a.score_checks == b.score_checks);
  CHECK(a.max_score_entries == b.max_score_entries);
  const RandomLoadReport c = run_random_load({8, 3000, 40});
  CHECK(c.actions != a.actions);
}

}  // namespace peers::testing
