// Engine soak (issue 6 §4): drives a PeerManager with a seeded random stream
// of valid events (engine/testing/random_load.h) and checks its invariants
// after every event. Not a test: the test suite runs 100,000 events
// (engine/testing/random_load_test.cc); this runs 10,000,000 by default.
//
//   build/release/tools/bench/engine_soak [--events 10000000] [--seed 1] [--max-peers 200]
//
// Exit code 0 when every invariant held, 1 at the first violation (printed
// with its event number), 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/testing/random_load.h"

int main(int argc, char** argv) {
  peers::testing::RandomLoadOptions options;
  options.events = 10'000'000;
  options.max_peers = 200;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc) {
      options.events = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--max-peers") && i + 1 < argc) {
      options.max_peers = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: engine_soak [--events N] [--seed S] [--max-peers 1..%d]\n",
                   peers::testing::kMaxLoadPeers);
      return 2;
    }
  }
  if (options.max_peers < 1 || options.max_peers > peers::testing::kMaxLoadPeers) {
    std::fprintf(stderr, "engine_soak: --max-peers must be in 1..%d\n", peers::testing::kMaxLoadPeers);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const peers::testing::RandomLoadReport r = peers::testing::run_random_load(options);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("inputs %llu, seed %llu, pool %d peers\n", static_cast<unsigned long long>(options.events),
              static_cast<unsigned long long>(options.seed), options.max_peers);
  std::printf("events stepped %llu (timers %llu, heartbeats %llu), actions %llu, score checks %llu\n",
              static_cast<unsigned long long>(r.events_stepped), static_cast<unsigned long long>(r.timers),
              static_cast<unsigned long long>(r.heartbeats), static_cast<unsigned long long>(r.actions),
              static_cast<unsigned long long>(r.score_checks));
  std::printf("max connected %zu, max score entries %zu, max pending requests %zu\n", r.max_connected,
              r.max_score_entries, r.max_pending_requests);
  std::printf("%.2f s, %.0f events/s (generation and checks included)\n", s,
              static_cast<double>(r.events_stepped) / s);
  if (!r.violation.empty()) {
    std::printf("VIOLATION at event %llu: %s\n", static_cast<unsigned long long>(r.violation_event),
                r.violation.c_str());
    return 1;
  }
  std::printf("every invariant held after every event\n");
  return 0;
}
