// `peer-replay report` (and `check --report`): one trace as a self-contained
// HTML page (report/html_report.h), written atomically.
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "diff/trace_diff.h"
#include "report/html_report.h"
#include "trace/atomic_file.h"

namespace replay {

namespace {

// The engine's outputs for the trace's events (`peer-replay run`, to a
// temporary file), diffed against the trace: expected against actual as
// structured differences. False when the engine refused an event on the way.
bool diff_against_engine(const ReportOptions& opts, DiffReport* diff) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path temp = fs::temp_directory_path(ec) / ("peer-replay-report-" + std::to_string(::getpid()) + ".jsonl");
  RunOptions run;
  run.inputs = {opts.path};
  run.output = temp.string();
  run.strict = opts.strict;
  std::ostringstream run_out, run_err;
  bool ok = cmd_run(run, run_out, run_err) == kExitOk;
  if (ok) {
    DiffOptions d;
    d.a = opts.path;
    d.b = temp.string();
    d.strict = opts.strict;
    std::string error;
    ok = diff_trace_files(d, d.a, d.b, diff, &error) != kExitBadInput;
  }
  fs::remove(temp, ec);
  return ok;
}

}  // namespace

int cmd_report(const ReportOptions& opts, std::ostream& out, std::ostream& err) {
  report::TraceReportOptions ro;
  ro.path = opts.path;
  ro.strict = opts.strict;
  ro.replay = opts.replay;
  ro.ulp = opts.ulp;
  ro.stop_at_seq = opts.stop_at_seq;
  ro.engine_diff = [&opts](DiffReport* diff) { return diff_against_engine(opts, diff); };
  const report::TraceReportResult page = report::trace_report_html(ro);
  if (page.code != kExitOk) {
    err << page.error << "\n";
    return page.code;
  }
  const peers::Status written = write_file_atomically(opts.output, page.html);
  if (!written.is_ok()) {
    err << opts.output << ": " << written.message() << "\n";
    return kExitBadInput;
  }
  if (!opts.quiet) out << "report written to " << opts.output << " (" << page.html.size() << " bytes): " << opts.path << " "
      << page.summary << "\n";
  return kExitOk;
}

}  // namespace replay
