// `peer-replay cat`: a trace as JSON Lines, decompressed, e.g. for jq. The
// lines are checked by the reader unless --no-check.
#include <ostream>

#include "cli/commands.h"
#include "cli/trace_paths.h"
#include "trace/trace_reader.h"

namespace replay {

int cmd_cat(const CatOptions& opts, std::ostream& out, std::ostream& err) {
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  ropts.keep_raw = true;
  if (opts.no_check) {
    // zstd framing is still checked, but lines are not parsed: a trace the
    // reader rejects can be inspected.
    peers::Status s = copy_decompressed(opts.path, out);
    out.flush();
    if (!s.is_ok()) {
      err << s.message() << "\n";
      return kExitBadInput;
    }
    return kExitOk;
  }
  const std::unique_ptr<TraceReader> opened = open_trace_for_command(opts.path, ropts, err);
  if (opened == nullptr) return kExitBadInput;
  TraceReader& reader = *opened;
  out << reader.header().raw << "\n";
  Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      out.flush();
      err << s.message() << "\n";
      return kExitBadInput;
    }
    if (done) break;
    out << rec.raw << "\n";
  }
  out.flush();
  return kExitOk;
}

}  // namespace replay
