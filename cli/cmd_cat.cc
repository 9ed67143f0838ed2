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
  if (opts.no_check && opts.json) {
    err << "cat: --format json parses every line; it cannot go with --no-check\n";
    return kExitBadInput;
  }
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
  const std::unique_ptr<TraceReader> opened = open_trace_for_command(opts.path, ropts, err, opts.quiet);
  if (opened == nullptr) return kExitBadInput;
  TraceReader& reader = *opened;
  // --format json: one array of the records (the lines as they are, joined).
  const char* separator = opts.json ? ",\n" : "\n";
  if (opts.json) out << "[\n";
  out << reader.header().raw;
  Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      if (!opts.json) out << "\n";  // the lines read so far, each whole
      out.flush();
      err << s.message() << "\n";
      return kExitBadInput;
    }
    if (done) break;
    out << separator << rec.raw;
  }
  out << (opts.json ? "\n]\n" : "\n");
  out.flush();
  return kExitOk;
}

}  // namespace replay
