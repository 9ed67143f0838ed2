// chrome_trace: a trace as Chrome's Trace Event Format (the JSON object form,
// {"traceEvents": [...]}), which ui.perfetto.dev and chrome://tracing open:
// `peer-replay export --format chrome-trace`.
//
//   - one thread (track) per peer, named by its peer id, in process 1;
//   - each connection an async span ("b"/"e", cat "connection") from its
//     connection_open (or init) to its connection_close, or the trace's end;
//   - each request action (send_*, disconnect, identify) an async slice
//     (cat "request") from the action to its response event (or, for a
//     goodbye, its goodbye_timeout), or the trace's end;
//   - every event an instant ("i") on its peer's track, or process-wide when
//     it names no peer (timers, init, ...), with its members as args;
//   - counters ("C"): connected peers by direction, and each peer's score.
// Timestamps are microseconds since the first event. Streamed: memory holds
// the peers' track ids and the open spans only.
#ifndef PEER_REPLAY_REPORT_CHROME_TRACE_H_
#define PEER_REPLAY_REPORT_CHROME_TRACE_H_

#include <ostream>
#include <string>

#include "peers/status.h"

namespace report {

struct ExportStats {
  uint64_t events = 0;        // trace events read
  uint64_t trace_events = 0;  // Trace Event Format objects written
  uint64_t peers = 0;
};

// Writes the export of `path` to `out`. On an error (the reader's
// "<file>:<line>: ...") what was written is incomplete: write to an AtomicFile
// and commit only on success.
peers::Status export_chrome_trace(const std::string& path, bool strict, std::ostream& out, ExportStats* stats);

}  // namespace report

#endif  // PEER_REPLAY_REPORT_CHROME_TRACE_H_
