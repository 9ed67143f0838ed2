// `peer-replay run`: replays a trace's events through the engine and writes a
// trace of the same format whose expect records are the engine's actions and
// scores (issue 7 §1). The events are copied byte for byte; the header keeps
// the source's config and local node and says who produced the new file.
//
// A conforming trace run through the engine gives expect records equal (as
// parsed values) to the source's: `peer-replay diff source.jsonl.zst out.jsonl.zst`
// then reports no difference. That is how a baseline for a regression diff is
// made: run the corpus once, change the engine, run again, diff.
#ifndef PEER_REPLAY_CLI_RUN_TRACE_H_
#define PEER_REPLAY_CLI_RUN_TRACE_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace replay {

struct RunOptions {
  std::vector<std::string> inputs;  // trace files or directories
  std::string output;               // a file (one input file) or a directory
  bool strict = false;
  int zstd_level = 3;               // for outputs named *.zst
};

// Exit code: 0 every trace ran, 1 the engine rejected an event of some trace
// (nothing is written for it), 2 bad input or usage.
int cmd_run(const RunOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_RUN_TRACE_H_
