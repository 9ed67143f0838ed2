// SplitMix64: the seeded generator of every generated input in the project
// (the simulator's seeded choices and draws, perturbed diff copies). Tiny and the
// same on every platform: never std::rand or std::*_distribution, whose
// outputs are implementation-defined. Test and benchmark support only: the
// engine itself draws nothing (its randomness comes from the trace).
#ifndef PEER_REPLAY_ENGINE_TESTING_SPLIT_MIX64_H_
#define PEER_REPLAY_ENGINE_TESTING_SPLIT_MIX64_H_

#include <cstdint>

namespace peers::testing {

struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace peers::testing

#endif  // PEER_REPLAY_ENGINE_TESTING_SPLIT_MIX64_H_
