// The peer-replay subcommands as plain functions: main.cc parses arguments
// (CLI11 stays in that one file) and calls these; tests call them directly.
//
// Every command returns the process exit code: 0 conforms / identical / ok,
// 1 diverges / differs, 2 bad input or usage. Errors go to `err` as one line
// "<file>:<line>: <what was expected>".
#ifndef PEER_REPLAY_CLI_COMMANDS_H_
#define PEER_REPLAY_CLI_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "trace/format.h"

namespace replay {

// Expands files and directories (recursively, *.jsonl and *.jsonl.zst, sorted
// by path) into the list of trace files. A directory with no trace is an error.
bool expand_trace_paths(const std::vector<std::string>& inputs, std::vector<std::string>* out, std::string* error);

struct StatsOptions {
  std::string path;
  bool strict = false;
  bool json = false;  // machine-readable output
};
int cmd_stats(const StatsOptions& opts, std::ostream& out, std::ostream& err);

struct CatOptions {
  std::string path;
  bool strict = false;
  bool no_check = false;  // raw decompressed bytes, no validation
};
int cmd_cat(const CatOptions& opts, std::ostream& out, std::ostream& err);

struct CheckOptions {
  std::vector<std::string> inputs;   // trace files and directories
  size_t context = 5;
  std::optional<uint64_t> stop_at_seq;
  uint64_t ulp = 0;
  bool strict = false;
  std::string emit_repro;            // path for the repro prefix (single trace)
  std::string junit;                 // JUnit XML output path
  std::string known_failures;        // file: "<trace file name> <reason>" per line
  bool require_coverage = false;     // fail when a declared kind occurs nowhere
  bool determinism = true;           // replay each trace twice, compare digests
  bool quiet = false;                // no PASS lines, only failures and the summary
};
int cmd_check(const CheckOptions& opts, std::ostream& out, std::ostream& err);

// What the engine declares and the corpus must exercise (--require-coverage):
// "<family>:<name>" items, e.g. "event:timer:heartbeat", "goodbye:129".
std::vector<std::string> required_coverage();

}  // namespace replay

#endif  // PEER_REPLAY_CLI_COMMANDS_H_
