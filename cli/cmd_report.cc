// `peer-replay report` (and `check --report`): one trace as a self-contained
// HTML page (report/html_report.h), written atomically.
#include <ostream>

#include "cli/commands.h"
#include "report/html_report.h"
#include "trace/atomic_file.h"

namespace replay {

int cmd_report(const ReportOptions& opts, std::ostream& out, std::ostream& err) {
  report::TraceReportOptions ro;
  ro.path = opts.path;
  ro.strict = opts.strict;
  ro.replay = opts.replay;
  ro.ulp = opts.ulp;
  ro.stop_at_seq = opts.stop_at_seq;
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
  out << "report written to " << opts.output << " (" << page.html.size() << " bytes): " << opts.path << " "
      << page.summary << "\n";
  return kExitOk;
}

}  // namespace replay
