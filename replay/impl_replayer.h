// The conformance harness against an external implementation: a trace's
// header and events are fed to a child process speaking the protocol of
// docs/PROTOCOL.md (impl_process.h), and each expect record of the trace is
// compared with the record the implementation answered for that event.
//
// Owner: the replay library; `peer-replay check --impl` (cli/check_impl.cc)
// is its caller. The comparison is JSON against JSON through the one comparer,
// trace/json_compare.h, with the rules `check` applies to the engine: actions
// exact (order, kind, peer, every member, req ids), scores bit for bit unless
// ulp > 0, the score delta as FORMAT.md §2.3 defines it (the implementation
// sends the full dump exactly where the recorder did, the delta elsewhere),
// scores_removed exact.
//
// Verdicts: conforms; diverges (an answer differs, or the implementation
// answered an event with an error record); broken (the process crashed, hung
// past the timeout, printed something that is not an answer, closed its
// stdout early, failed the version handshake, or did not exit after the end);
// bad input (the trace itself cannot be read). Every fault names the seq.
#ifndef PEER_REPLAY_REPLAY_IMPL_REPLAYER_H_
#define PEER_REPLAY_REPLAY_IMPL_REPLAYER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "replay/impl_protocol.h"
#include "replay/replayer.h"

namespace replay {

struct ImplOptions {
  std::string command;                     // "CMD ARGS", run by /bin/sh -c
  int64_t timeout_ms = kImplDefaultTimeoutMs;  // per answer (and for the exit after end)
  size_t context = 5;                      // events shown before the divergent one
  std::optional<uint64_t> stop_at_seq;     // stop after this event (and its expect)
  uint64_t ulp = 0;                        // score tolerance; 0 = bit-exact
  bool strict = false;                     // reader: unknown members are errors
  std::string program = "peer-replay";     // the command name in the reproduce line
};

// kTruncated: a cut trace (FORMAT.md §2.4: a zstd file that ends inside a
// frame, a plain file whose last line is partial, or no end record) that
// conforms up to its last complete record, as `check` says of it.
enum class ImplVerdict { kConforms, kDiverges, kBroken, kBadInput, kTruncated };

// What went wrong with the process when the verdict is kBroken.
enum class ImplFault { kNone, kStart, kHandshake, kCrashed, kHung, kGarbage, kClosedEarly, kNoExit };
// "start", "handshake", "crash", "hang", "garbage", "closed early", "no exit".
const char* impl_fault_name(ImplFault fault);

struct ImplResult {
  ImplVerdict verdict = ImplVerdict::kConforms;
  ImplFault fault = ImplFault::kNone;
  std::string message;  // one line, starting with "<trace>:<line>: " when a line is to blame
  std::string report;   // the first-divergence report (kDiverges)
  uint64_t events = 0;  // events the implementation answered
  uint64_t expects = 0;
  uint64_t actions_compared = 0;
  uint64_t scores_compared = 0;
  std::optional<uint64_t> divergence_seq;  // also the seq of a fault
  std::optional<uint64_t> divergence_line;
  std::string impl_name, impl_version;  // from the implementation's hello
  Coverage coverage;  // event kinds, action kinds, goodbye reasons, score transitions
};

ImplResult check_trace_with_impl(const std::string& path, const ImplOptions& options);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_IMPL_REPLAYER_H_
