// A synthetic trace writer for benchmarks and fuzz seeds: structurally valid
// format-v1 records with realistic shapes and sizes (peer ids, statuses,
// score dumps), generated from a seed. It is NOT behaviourally meaningful:
// conformance traces come only from the recorder (real Lodestar).
#ifndef PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_
#define PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_

#include <cstdint>
#include <string>

namespace bench {

struct SyntheticOptions {
  uint64_t seed = 1;
  uint64_t target_jsonl_bytes = 100u << 20;  // stop after this much JSONL text
  int peers = 200;
  bool zstd = true;
  int zstd_level = 3;
};

struct SyntheticResult {
  uint64_t events = 0;
  uint64_t jsonl_bytes = 0;
  uint64_t file_bytes = 0;
};

// Writes the trace to `path` (via a temporary file renamed into place).
// Returns false and sets *error on I/O failure.
bool write_synthetic_trace(const std::string& path, const SyntheticOptions& opts, SyntheticResult* result,
                           std::string* error);

}  // namespace bench

#endif  // PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_
