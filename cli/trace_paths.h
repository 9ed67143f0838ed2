// trace_paths: which files are traces, and the two ways commands find them:
// a sorted list under files and directories (check, run), and a map by
// relative path under one directory (diff pairs two of them).
#ifndef PEER_REPLAY_CLI_TRACE_PATHS_H_
#define PEER_REPLAY_CLI_TRACE_PATHS_H_

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "trace/trace_reader.h"

namespace replay {

// *.jsonl or *.jsonl.zst.
bool is_trace_file_name(const std::string& name);

// Expands files and directories (recursively, traces only, sorted by path)
// into the list of trace files; "-" (standard input) is kept as is. A
// directory with no trace is an error (no_trace_error).
bool expand_trace_paths(const std::vector<std::string>& inputs, std::vector<std::string>* out, std::string* error);

// The size of a trace file in bytes, for progress lines (0 for standard
// input, or when it cannot be known).
uint64_t trace_file_bytes(const std::string& path);

// The one error for a directory holding no trace: an empty input set is bad
// input (exit 2) for every command.
std::string no_trace_error(const std::string& dir);

// Relative path -> file, for every trace under `dir` (recursively).
bool list_traces_by_relative_path(const std::string& dir, std::map<std::string, std::string>* out,
                                  std::string* error);

// Opens one trace for a command that reads it through ("-": standard input):
// warnings go to `err` unless quiet; on error the one-line message goes to
// `err` and the result is null (the command then exits 2).
std::unique_ptr<TraceReader> open_trace_for_command(const std::string& path, ReaderOptions options, std::ostream& err,
                                                    bool quiet = false);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_TRACE_PATHS_H_
