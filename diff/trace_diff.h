// trace_diff: `peer-replay diff <a> <b>`, every difference between two traces'
// outputs, with a summary.
//
// Owner: the diff tool. It depends only on the trace library (trace/), never
// on the engine, so it builds and runs while the engine does not compile.
//
// How it works. Both traces are read in lock-step by seq, each through its
// own TraceReader; a side holds only the events whose expect may still come
// (a window bounded by kMaxPendingEvents and kMaxPendingBytes). For each seq:
//   - inputs: the two events are compared as parsed JSON with doubles compared
//     bit for bit (trace/json_compare.h; text differences such as member
//     order or "1.0" vs "1" are not differences); the header's inputs
//     (scenario, seed, config, local) too. The producer is shown, never compared.
//   - outputs: the two action lists are aligned (Myers' O(ND) shortest edit
//     script on the key kind+peer); matched pairs are compared member by
//     member; a removed and an added action with the same key are a move
//     (reported as such), and within one hunk a removed and an added action
//     of the same kind are one change (its peer changed). Score entries are
//     matched by peer; doubles are compared
//     bit for bit (-0 and 0 differ), with the delta and the ULP
//     distance. A `req` id that differs only because earlier actions were
//     added or removed (the 1, 2, 3 numbering shifted) is counted as
//     "renumbered", not listed (--exact-req lists it).
// Everything the report keeps is bounded whatever the traces' size: counters,
// a top-K heap of score deltas, the first `limit` detailed differences, the
// first kMaxRanges divergent seq ranges, a capped set of affected peers.
// With read_ahead, each trace is read on its own thread (read_ahead.h); the
// report is the same.
//
// Files: trace_side.h (one trace and its window), differ.h (the comparison),
// edit_script.h (Myers' alignment), the writers text_report.h, json_report.h
// and markdown_report.h. Directories and the command: cli/cmd_diff.cc.
#ifndef PEER_REPLAY_DIFF_TRACE_DIFF_H_
#define PEER_REPLAY_DIFF_TRACE_DIFF_H_

#include <iosfwd>
#include <string>

#include "diff/diff_report.h"

namespace replay {

// Compares two trace files. Returns the exit code: 0 identical, 1 differs,
// 2 bad input (then *error holds "<file>:<line>: ..." lines, and with
// --inputs-must-match the first input difference).
int diff_trace_files(const DiffOptions& opts, const std::string& a, const std::string& b, DiffReport* report,
                     std::string* error);

// Writes one pair's report in opts.format (opts.color, opts.top).
void write_diff_report(const DiffReport& report, const DiffOptions& opts, std::ostream& out);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_TRACE_DIFF_H_
