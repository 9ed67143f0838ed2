// Engine soak: drives a PeerManager with a seeded random stream of valid
// events from the shared simulator (sim/simulator.h) and checks every
// invariant (sim/invariants.h) after every event. Not a test: the test suite
// runs 100,000 inputs (sim/simulator_test.cc); this runs 10,000,000 by
// default. The last result and its command are in docs/SOAK.md.
//
//   build/release/tools/bench/engine_soak [--events 10000000] [--seed 1] [--max-peers 1000]
//
// Exit code 0 when every invariant held, 1 at the first violation (printed
// with its event number), 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/simulator.h"

namespace {

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

}  // namespace

int main(int argc, char** argv) {
  uint64_t inputs = 10'000'000;
  uint64_t seed = 1;
  int pool = 1000;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc) {
      inputs = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--max-peers") && i + 1 < argc) {
      pool = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: engine_soak [--events N] [--seed S] [--max-peers 1..%d]\n", sim::kMaxSimPeers);
      return 2;
    }
  }
  if (pool < 1 || pool > sim::kMaxSimPeers) {
    std::fprintf(stderr, "engine_soak: --max-peers must be in 1..%d\n", sim::kMaxSimPeers);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const sim::SimReport r = sim::run_seeded(seed, inputs, pool);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const sim::Counts& c = r.counts;
  std::printf("inputs %llu, seed %llu, pool %d peers\n", ull(r.inputs), ull(seed), pool);
  std::printf("events stepped %llu (timers %llu, heartbeats %llu; %llu with unread inputs), actions %llu\n",
              ull(c.events_stepped), ull(r.timers), ull(r.heartbeats), ull(c.unread_inputs), ull(c.actions));
  std::printf("invariant checks after every event; score checks %llu\n", ull(c.score_checks));
  std::printf("max connected %zu, max score entries %zu, max pending requests %zu\n", c.max_connected,
              c.max_score_entries, c.max_pending_requests);
  std::printf("%.2f s, %.0f events/s (generation and checks included)\n", s, static_cast<double>(c.events_stepped) / s);
  if (!r.violation.empty()) {
    std::printf("VIOLATION at event %llu: %s\n", ull(r.violation_event), r.violation.c_str());
    return 1;
  }
  std::printf("every invariant held after every event\n");
  return 0;
}
