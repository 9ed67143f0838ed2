// `peer-replay export --format chrome-trace`: a trace in the Trace Event
// Format (report/chrome_trace.h), streamed into an AtomicFile that is
// published only when the whole trace was read.
#include <ostream>

#include "cli/commands.h"
#include "report/chrome_trace.h"
#include "trace/atomic_file.h"

namespace replay {

int cmd_export(const ExportOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.format != "chrome-trace") {
    err << "export: unknown --format " << opts.format << " (known: chrome-trace)\n";
    return kExitBadInput;
  }
  auto file = AtomicFile::create(opts.output);
  if (!file.is_ok()) {
    err << opts.output << ": " << file.status().message() << "\n";
    return kExitBadInput;
  }
  report::ExportStats stats;
  const peers::Status s = report::export_chrome_trace(opts.path, opts.strict, file.value()->stream(), &stats);
  if (!s.is_ok()) {
    err << s.message() << "\n";
    return kExitBadInput;  // the AtomicFile's destructor removes the partial output
  }
  const peers::Status committed = file.value()->commit();
  if (!committed.is_ok()) {
    err << opts.output << ": " << committed.message() << "\n";
    return kExitBadInput;
  }
  if (!opts.quiet) out << "chrome trace written to " << opts.output << ": " << stats.events << " events, " << stats.peers
      << " peer tracks, " << stats.trace_events << " trace events\n";
  return kExitOk;
}

}  // namespace replay
