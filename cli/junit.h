// junit: `check --junit FILE`, one JUnit XML testcase per trace, for CI.
#ifndef PEER_REPLAY_CLI_JUNIT_H_
#define PEER_REPLAY_CLI_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

namespace replay {

enum class OutcomeStatus { kPass, kFail, kError, kKnownFail, kFixed, kTruncated };
// "PASS", "FAIL", "ERROR", "KNOWN-FAIL", "FIXED", "TRUNCATED": check's status
// column (TRUNCATED: replay/replayer.h Verdict::kTruncated).
std::string_view outcome_status_name(OutcomeStatus status);

// check's result for one trace.
struct TraceOutcome {
  std::string path;
  std::string name;  // the file name
  OutcomeStatus status = OutcomeStatus::kPass;
  std::string message;  // one line
  std::string report;   // the divergence report (FAIL)
  double seconds = 0;
};

// The JUnit document: FAIL, FIXED and TRUNCATED are failures, ERROR errors, KNOWN-FAIL
// skipped. Text that is not UTF-8 or is a control character XML forbids
// becomes '?', so the document stays well-formed whatever a trace held.
std::string junit_xml(const std::vector<TraceOutcome>& outcomes);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_JUNIT_H_
