// check_output: see check_output.h.
#include "cli/check_output.h"

#include <cassert>
#include <cstdio>

namespace replay {

namespace {

constexpr size_t kStatusColumn = 11;  // the status word, padded: paths line up

const char* status_color(OutcomeStatus status) {
  switch (status) {
    case OutcomeStatus::kPass: return "\x1b[32m";       // green
    case OutcomeStatus::kFail:
    case OutcomeStatus::kError: return "\x1b[31m";      // red
    case OutcomeStatus::kKnownFail:
    case OutcomeStatus::kFixed:
    case OutcomeStatus::kTruncated: return "\x1b[33m";  // yellow
  }
  return "";
}

}  // namespace

std::string seconds_text(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  } else {
    std::snprintf(buf, sizeof buf, "%dm%04.1fs", static_cast<int>(seconds / 60),
                  seconds - 60 * static_cast<int>(seconds / 60));
  }
  return buf;
}

std::string verdict_line(const TraceOutcome& o, bool color) {
  const std::string name(outcome_status_name(o.status));
  assert(name.size() < kStatusColumn);
  const std::string shown = color ? status_color(o.status) + name + "\x1b[0m" : name;
  return shown + std::string(kStatusColumn - name.size(), ' ') + o.path + ": " + o.message + " (" + seconds_text(o.seconds) + ")";
}

nlohmann::ordered_json check_json(const std::vector<TraceOutcome>& outcomes, const CheckSummary& summary) {
  nlohmann::ordered_json traces = nlohmann::ordered_json::array();
  for (const TraceOutcome& o : outcomes) {
    nlohmann::ordered_json t = {{"path", o.path},
                                {"name", o.name},
                                {"status", outcome_status_name(o.status)},
                                {"message", o.message},
                                {"seconds", o.seconds}};
    if (!o.report.empty()) t["report"] = o.report;
    traces.push_back(std::move(t));
  }
  nlohmann::ordered_json doc = {{"traces", std::move(traces)},
                                {"summary",
                                 {{"passed", summary.passed},
                                  {"failed", summary.failed},
                                  {"errors", summary.errors},
                                  {"known_failures", summary.known_failed}}}};
  if (!summary.coverage_missing.empty()) doc["coverage_missing"] = summary.coverage_missing;
  doc["exit_code"] = summary.exit_code;
  return doc;
}

}  // namespace replay
