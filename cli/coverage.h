// coverage: `check --require-coverage`, what the engine declares and the
// corpus must exercise, and the sum of every trace's replay::Coverage.
#ifndef PEER_REPLAY_CLI_COVERAGE_H_
#define PEER_REPLAY_CLI_COVERAGE_H_

#include <string>
#include <vector>

#include "replay/replayer.h"

namespace replay {

// "<family>:<name>" items, e.g. "event:timer:heartbeat", "goodbye:129".
std::vector<std::string> required_coverage();

// Adds one trace's counters to *total.
void add_coverage(const Coverage& one, Coverage* total);

// The required items that `total` never saw, in required_coverage() order.
std::vector<std::string> missing_coverage(const Coverage& total);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_COVERAGE_H_
