// The facts of trace format v1 (traces/FORMAT.md) that more than one library
// needs, and the exit codes every peer-replay command returns. One place:
// the reader, the schema, the writers and the commands include this header
// rather than each other.
#ifndef PEER_REPLAY_TRACE_FORMAT_H_
#define PEER_REPLAY_TRACE_FORMAT_H_

#include <array>
#include <cstddef>

namespace replay {

inline constexpr int kFormatVersion = 2;              // the newest version this reader reads
inline constexpr int kFormatVersionOldest = 1;        // the oldest
inline constexpr const char* kFormatName = "peer-replay-trace";
// FORMAT.md §2.1 header.producer.mode: who wrote the trace.
inline constexpr std::array<const char*, 3> kProducerModeNames = {"scripted", "live", "engine"};
// FORMAT.md §9: the first version with the event kinds connection_status and
// local_custody; a trace of an older version that names them is an error.
inline constexpr int kFormatVersionLiveInputs = 2;
inline constexpr size_t kMaxLineBytes = 8u << 20;     // FORMAT.md §1: 8 MiB

// Process exit codes (README, `--help`): 0 conforms / identical / ok,
// 1 diverges / differs, 2 bad input or usage, 3 (check only) truncated: the
// trace was cut (no end record, or the file ends inside a zstd frame) and
// everything up to its last complete record conforms (FORMAT.md §2.4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitDiverges = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitTruncated = 3;

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_FORMAT_H_
