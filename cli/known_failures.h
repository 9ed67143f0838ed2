// known_failures: `check --known-failures FILE`, traces expected to diverge
// and why. A listed trace that diverges is KNOWN-FAIL; one that conforms is
// FIXED (a failure: remove the entry).
#ifndef PEER_REPLAY_CLI_KNOWN_FAILURES_H_
#define PEER_REPLAY_CLI_KNOWN_FAILURES_H_

#include <map>
#include <string>
#include <vector>

namespace replay {

struct KnownFailure {
  std::string reason;
  bool seen = false;  // some checked trace had this name
};

// Parses "<trace file name> <reason...>" lines into *out, by file name; '#'
// starts a comment. Every entry must give a reason: a known failure nobody
// can explain is a failure.
bool load_known_failures(const std::string& path, std::map<std::string, KnownFailure>* out, std::string* error);

// What every `check` starts from, with the engine or with --impl: the trace
// files its inputs name (trace_paths.h) and, when `known_failures_path` is
// not empty, the known failures. False with *error set on bad input.
bool load_check_inputs(const std::vector<std::string>& inputs, const std::string& known_failures_path,
                       std::vector<std::string>* paths, std::map<std::string, KnownFailure>* known,
                       std::string* error);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_KNOWN_FAILURES_H_
