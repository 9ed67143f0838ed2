// The peer-replay subcommands as plain functions: main.cc parses arguments
// (the only file that includes CLI11) and calls these; tests call them
// directly.
//
// Where a command goes (the one rule): a subcommand `peer-replay X` is the
// function cmd_X declared here with its XOptions struct, defined in
// cli/cmd_X.cc, and registered in main.cc by add_X (its flags and the call). A
// cmd_X.cc holds that command's own steps only; what two commands share
// (trace_paths.h) or what one command writes in a standard format
// (junit.h, known_failures.h, coverage.h) is a small file of its own here;
// work on traces that is not about the command line (reading, replaying,
// comparing) belongs to trace/, replay/ or diff/, never to cli/.
//
// Every command returns the process exit code (trace/format.h): 0 conforms /
// identical / ok, 1 diverges / differs, 2 bad input or usage. Errors go to
// `err` as one line "<file>:<line>: <what was expected>".
#ifndef PEER_REPLAY_CLI_COMMANDS_H_
#define PEER_REPLAY_CLI_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "diff/diff_report.h"
#include "replay/impl_protocol.h"
#include "trace/format.h"

namespace replay {

// check: replay traces through the engine and compare with what Lodestar did
// (the conformance gate runs this over traces/).
struct CheckOptions {
  std::vector<std::string> inputs;   // trace files and directories
  size_t context = 5;
  std::optional<uint64_t> stop_at_seq;
  uint64_t ulp = 0;                  // score tolerance (trace/json_compare.h); 0 = bit-exact
  bool strict = false;
  std::string emit_repro;            // path for the repro prefix (single trace)
  std::string junit;                 // JUnit XML output path
  std::string known_failures;        // file: "<trace file name> <reason>" per line
  bool require_coverage = false;     // fail when a declared kind occurs nowhere
  bool determinism = true;           // replay each trace twice, compare digests
  bool quiet = false;                // no PASS lines, only failures and the summary
  size_t jobs = 0;                   // traces replayed at once; 0 = the number of cores (cli/check_pool.h)
  std::string shard;                 // "I/N": check only shard I of N (cli/shard.h)
  std::string shard_summary;         // JSON summary of this run, for merge-shards
  bool json = false;                 // --format json: per-trace verdicts and the summary
  bool color = false;                // coloured verdicts (main: a terminal and NO_COLOR unset)
  bool raw_times = false;            // t_ms in reports instead of "+1m02.500s"
  bool any_lodestar_version = false; // replay traces of another @lodestar/beacon-node (replay/lodestar_version.h)
  // --report FILE: *.html, the HTML page of one trace (cmd_report); with
  // --impl, *.json or *.md, the conformance report (cli/conformance_report.h).
  std::string report;
  // --impl: judge an external implementation (docs/PROTOCOL.md) instead of
  // the engine; cli/check_impl.cc runs it.
  std::string impl;                  // "CMD ARGS"
  int64_t timeout_ms = kImplDefaultTimeoutMs;  // per answer of the implementation
};
int cmd_check(const CheckOptions& opts, std::ostream& out, std::ostream& err);

// check --impl: cmd_check hands over to this when opts.impl is set.
int cmd_check_impl(const CheckOptions& opts, std::ostream& out, std::ostream& err);

// merge-shards: the summaries of `check --shard I/N --shard-summary FILE`
// for I = 1..N merged into one verdict (cli/shard.h): the failures, the
// closing line check prints, its exit code; with `junit`, one JUnit file for
// the whole corpus. A shard missing, given twice or from another split is bad
// input (exit 2).
struct MergeShardsOptions {
  std::vector<std::string> summaries;
  std::string junit;
};
int cmd_merge_shards(const MergeShardsOptions& opts, std::ostream& out, std::ostream& err);
// serve: the engine speaking the conformance protocol (docs/PROTOCOL.md) on
// stdin/stdout, the implementation `check --impl "peer-replay serve"` runs.
struct ServeOptions {
  // Test fixtures only (conformance/impl_check_test.sh): "crash", "hang",
  // "garbage", "close" at event fault_at_seq; "version" (a wrong protocol
  // version); "goodbye" (TOO_MANY_PEERS goodbyes sent as 128).
  std::string fault;
  uint64_t fault_at_seq = 1;
};
int cmd_serve(const ServeOptions& opts, std::ostream& out, std::ostream& err);

// run: replays a trace's events through the engine and writes a trace of the
// same format whose expect records are the engine's actions and scores. The
// events are copied byte for byte; the header keeps the source's config and
// local node and says who produced the new file. A conforming trace run
// through the engine diffs as identical to its source: that is how a
// baseline for a regression diff is made (run, change the engine, run, diff).
struct RunOptions {
  std::vector<std::string> inputs;  // trace files or directories
  std::string output;               // a file (one input file) or a directory
  bool strict = false;
  int zstd_level = 3;               // for outputs named *.zst
  bool quiet = false;               // no "wrote" lines, no progress
  bool json = false;                // --format json: one object listing the outputs
  std::string metrics_out;          // Prometheus text (0.0.4) of the metrics after the last event; one input only
};
// Exit code: 0 every trace ran, 1 the engine rejected an event of some trace
// (nothing is written for it), 2 bad input or usage.
int cmd_run(const RunOptions& opts, std::ostream& out, std::ostream& err);

// stats: what is inside a trace (counts by kind, peers, time span, bytes).
struct StatsOptions {
  std::string path;
  bool strict = false;
  bool json = false;  // machine-readable output
  bool quiet = false;  // no progress line
  bool raw_times = false;
};
int cmd_stats(const StatsOptions& opts, std::ostream& out, std::ostream& err);

// cat: a trace as JSON Lines, decompressed (and validated unless no_check).
struct CatOptions {
  std::string path;
  bool strict = false;
  bool no_check = false;  // raw decompressed bytes, no validation
  bool quiet = false;     // no warnings about unknown members
  bool json = false;      // --format json: one JSON array of the records
};
int cmd_cat(const CatOptions& opts, std::ostream& out, std::ostream& err);

// report: one trace as a self-contained HTML page (report/html_report.h):
// header and config, counts, connected peers, per-peer scores with Lodestar's
// thresholds, actions per heartbeat, goodbye and prune reasons, and the first
// divergence marked on every chart. Written atomically; exit 0 written (the
// verdict is in the page and the printed line), 2 bad input.
struct ReportOptions {
  std::string path;
  std::string output;  // the .html file
  bool strict = false;
  bool replay = true;  // false: no engine replay (no prune reasons, no divergence)
  uint64_t ulp = 0;
  std::optional<uint64_t> stop_at_seq;
  bool quiet = false;  // no "report written" line
};
int cmd_report(const ReportOptions& opts, std::ostream& out, std::ostream& err);

// export: a trace in another tool's format; today `chrome-trace`, the Trace
// Event Format of ui.perfetto.dev and chrome://tracing (report/chrome_trace.h).
// Written atomically; exit 0 written, 2 bad input or usage.
struct ExportOptions {
  std::string path;
  std::string output;
  std::string format = "chrome-trace";
  bool strict = false;
  bool quiet = false;  // no "chrome trace written" line
};
int cmd_export(const ExportOptions& opts, std::ostream& out, std::ostream& err);

// diff: every difference between two traces' outputs (diff/trace_diff.h), or
// between two directories of traces paired by relative path (a .jsonl with
// its .jsonl.zst). Options: diff/diff_report.h.
int cmd_diff(const DiffOptions& opts, std::ostream& out, std::ostream& err);
// True when a command's text output to stdout should be coloured (diff,
// check): a terminal, NO_COLOR unset, and the user did not pass --no-color.
bool stdout_wants_color(bool no_color);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_COMMANDS_H_
