// Recorded Math.random() values at and beyond the edges of [0, 1), for tests
// that inject them into an event's draws (the shuffle, prioritize_peers).
// Tests only; not part of the engine library.
#ifndef PEER_REPLAY_ENGINE_TESTING_DRAWS_H_
#define PEER_REPLAY_ENGINE_TESTING_DRAWS_H_

#include <cmath>
#include <limits>
#include <vector>

namespace peers::testing {

// Out of range (negative, 1 and above, infinite, NaN of either sign) and the
// in-range values next to the edges (-0, the largest below 1, the smallest
// subnormal).
inline const std::vector<double>& edge_draws() {
  static const std::vector<double> kDraws = {-0.0,
                                             1.0,
                                             -0.5,
                                             1.5,
                                             2.0,
                                             std::numeric_limits<double>::infinity(),
                                             -std::numeric_limits<double>::infinity(),
                                             std::numeric_limits<double>::quiet_NaN(),
                                             -std::numeric_limits<double>::quiet_NaN(),
                                             std::nextafter(1.0, 0.0),
                                             std::numeric_limits<double>::denorm_min(),
                                             -std::numeric_limits<double>::denorm_min()};
  return kDraws;
}

}  // namespace peers::testing

#endif  // PEER_REPLAY_ENGINE_TESTING_DRAWS_H_
