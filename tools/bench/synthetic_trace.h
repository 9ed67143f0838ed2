// Synthetic traces for benchmarks: the shared simulator (sim/simulator.h),
// seeded, drives the engine over a pool of peers, and every event it steps is
// written with the engine's own actions and scores as its expect. The result
// is a valid format-v1 trace that `peer-replay check` passes (the replay of
// an engine run by the same engine) with realistic shapes and sizes: score
// dumps after heartbeats, statuses, metadata, gossip scores. It is NOT
// evidence of conformance: expected values come only from the recorder (real
// Lodestar).
#ifndef PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_
#define PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_

#include <cstdint>
#include <string>

namespace bench {

struct SyntheticOptions {
  uint64_t seed = 1;
  uint64_t target_jsonl_bytes = 100u << 20;  // stop after this much JSONL text
  int peers = 200;                           // the simulator's pool
  bool zstd = true;
  int zstd_level = 3;
};

struct SyntheticResult {
  uint64_t events = 0;
  uint64_t jsonl_bytes = 0;
  uint64_t file_bytes = 0;
};

// Writes the trace to `path` (via a temporary file renamed into place).
// Returns false and sets *error on I/O failure or a broken engine invariant.
bool write_synthetic_trace(const std::string& path, const SyntheticOptions& opts, SyntheticResult* result,
                           std::string* error);

// The benchmarks' input: `path` as it is when it exists, else a synthetic
// trace of about `mb` MB of JSONL written there (opts.zstd must agree with
// the name). Says on stderr that it generates; prints the error and returns
// false when it cannot.
bool ensure_synthetic_trace(const std::string& path, uint64_t mb, bool zstd);

}  // namespace bench

#endif  // PEER_REPLAY_TOOLS_BENCH_SYNTHETIC_TRACE_H_
