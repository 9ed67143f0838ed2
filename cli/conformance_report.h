// conformance_report: `check --impl ... --report FILE`, the conformance
// report of one implementation over a corpus (docs/PROTOCOL.md §7): traces
// passed, the first divergence or fault of each failure, the coverage of
// event and action kinds its answers exercised, and a shields.io endpoint
// badge. FILE ending in .json gets JSON, .md markdown.
#ifndef PEER_REPLAY_CLI_CONFORMANCE_REPORT_H_
#define PEER_REPLAY_CLI_CONFORMANCE_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replay/replayer.h"

namespace replay {

// One trace's line in the report.
struct ConformanceEntry {
  std::string trace;    // file name
  std::string path;
  std::string status;   // "pass", "fail", "broken", "known-fail", "fixed", "bad-input"
  std::string message;  // the one-line verdict (first divergence or fault)
  std::string fault;    // for "broken": crash, hang, garbage, closed early, ...
  std::optional<uint64_t> seq, line;
  uint64_t events = 0;
};

struct ConformanceReport {
  std::string command;               // --impl
  std::string impl_name, impl_version;  // from the implementation's hello
  std::vector<ConformanceEntry> entries;
  Coverage coverage;                 // summed over every trace
  std::vector<std::string> required_missing;     // declared kinds no answer exercised
  std::vector<std::string> not_observable;       // declared kinds the protocol cannot show
  size_t required_total = 0;
};

std::string conformance_report_json(const ConformanceReport& report);
std::string conformance_report_markdown(const ConformanceReport& report);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_CONFORMANCE_REPORT_H_
