// html_report: the self-contained HTML page of `peer-replay report`,
// `check --report` and `diff --format html`: the page template, uPlot (from
// tools/report/node_modules, inlined at build time: report/CMakeLists.txt),
// the page's own script and style (report/assets/), and the data
// (report_data.h) in one file that opens from file:// with no network (its
// Content-Security-Policy forbids every fetch).
//
// Owner: the report library. The engine's view comes from
// replay/replayer.h (prune reasons, the first divergence); a diff's from
// diff/diff_report.h.
#ifndef PEER_REPLAY_REPORT_HTML_REPORT_H_
#define PEER_REPLAY_REPORT_HTML_REPORT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "diff/diff_report.h"
#include "trace/format.h"

namespace report {

struct TraceReportOptions {
  std::string path;
  bool strict = false;
  // Replay the trace through the engine first: the prune reasons (the engine's
  // prioritizePeers, up to the first divergence) and the divergence marked.
  bool replay = true;
  uint64_t ulp = 0;                     // as check --ulp
  std::optional<uint64_t> stop_at_seq;  // as check --stop-at-seq
  // Called when the replay diverges: fills a diff of the trace (Lodestar's
  // outputs) against the engine's outputs for the same events, or returns
  // false. With it the page lists expected against actual member by member
  // as structured rows and flags every differing entry's peer. (cli's
  // cmd_report provides it: `peer-replay run` then the diff.)
  std::function<bool(replay::DiffReport*)> engine_diff;
};

struct TraceReportResult {
  int code = replay::kExitOk;  // kExitBadInput: `error` says why, no page
  std::string error;           // "<file>:<line>: ..."
  std::string html;
  bool diverged = false;
  std::string summary;  // one line: what the page shows
};

TraceReportResult trace_report_html(const TraceReportOptions& options);

// The page of `diff --format html`: trace b's charts with every divergent
// range of the diff marked and its differences member by member.
TraceReportResult diff_report_html(const replay::DiffReport& diff, size_t top, bool strict);

// The page for a data document (report_data.h members, plus "title" and the
// optional "divergence" and "diff").
std::string render_html(const nlohmann::json& data);

}  // namespace report

#endif  // PEER_REPLAY_REPORT_HTML_REPORT_H_
