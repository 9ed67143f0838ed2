// check_output: how `peer-replay check` shows its results: the verdict line
// of one trace (status, path, message, the time it took; the status coloured
// on a terminal) and the --format json document (per-trace verdicts and the
// summary). cmd_check.cc decides what to print when; this file how.
#ifndef PEER_REPLAY_CLI_CHECK_OUTPUT_H_
#define PEER_REPLAY_CLI_CHECK_OUTPUT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/junit.h"

namespace replay {

// "PASS       traces/x.jsonl.zst: conforms: ... (0.42 s)".
std::string verdict_line(const TraceOutcome& o, bool color);

// "0.42 s", "1m56.3s": how long one trace took.
std::string seconds_text(double seconds);

struct CheckSummary {
  int passed = 0, failed = 0, errors = 0, known_failed = 0;
  std::vector<std::string> coverage_missing;  // with --require-coverage
  int exit_code = 0;
};

// {"traces": [{"path", "name", "status", "message", "seconds", "report"?}],
//  "summary": {"passed", "failed", "errors", "known_failures"}, "exit_code"}.
nlohmann::ordered_json check_json(const std::vector<TraceOutcome>& outcomes, const CheckSummary& summary);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_CHECK_OUTPUT_H_
