// Timing helpers shared by the benchmarks (reader_bench, diff_bench): wall
// and CPU time, and one full read of a trace through TraceReader.
#ifndef PEER_REPLAY_TOOLS_BENCH_BENCH_UTIL_H_
#define PEER_REPLAY_TOOLS_BENCH_BENCH_UTIL_H_

#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <streambuf>
#include <string>

#include "trace/trace_reader.h"

namespace bench {

// A stream buffer that drops what it is given: output whose cost is measured,
// not kept.
struct NullBuf : std::streambuf {
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU seconds of this process: on the shared 2-core build machine wall time
// swings with the load of other jobs, CPU time much less.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct ReadPass {
  double wall_s = 0;
  double cpu_s = 0;
  uint64_t records = 0;  // the header included
  uint64_t events = 0;
  uint64_t jsonl_bytes = 0;
  uint64_t file_bytes = 0;
  bool compressed = false;
};

// Reads `path` to the end, one Record reused; prints the error and returns
// false on a bad trace.
inline bool read_pass(const std::string& path, ReadPass* out) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  auto opened = replay::TraceReader::open(path);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return false;
  }
  replay::TraceReader& reader = *opened.value();
  replay::Record rec;
  uint64_t records = 1;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return false;
    }
    if (done) break;
    records++;
  }
  out->cpu_s = cpu_seconds() - c0;
  out->wall_s = seconds_since(t0);
  out->records = records;
  out->events = reader.events_read();
  out->jsonl_bytes = reader.bytes_decompressed();
  out->file_bytes = reader.bytes_read();
  out->compressed = reader.compressed();
  return true;
}

}  // namespace bench

#endif  // PEER_REPLAY_TOOLS_BENCH_BENCH_UTIL_H_
