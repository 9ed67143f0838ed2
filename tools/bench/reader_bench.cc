// Reader benchmark: MB/s and records/s of decompress + line split + JSON parse
// + schema check over a generated trace of at least 100 MB of JSONL, on one
// core. Not a test: run it by hand (see docs/BENCHMARKS.md).
//
//   build/release/tools/bench/reader_bench [--mb 100] [--trace PATH] [--plain] [--repeat 3]
//
// The read pass runs --repeat times; the best and the median are printed, each
// with the process CPU time of that pass (on a shared machine CPU time moves
// less than wall time).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "trace/trace_reader.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/synthetic_trace.h"

namespace {

using bench::NullBuf;

using bench::seconds_since;
using Pass = bench::ReadPass;

}  // namespace

int main(int argc, char** argv) {
  uint64_t mb = 100;
  std::string trace;
  bool plain = false;
  int repeat = 3;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--mb") && i + 1 < argc) {
      mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) {
      trace = argv[++i];
    } else if (!std::strcmp(argv[i], "--plain")) {
      plain = true;
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: reader_bench [--mb N] [--trace PATH] [--plain] [--repeat N]\n");
      return 2;
    }
  }
  if (trace.empty()) {
    trace = "bench-reader-" + std::to_string(mb) + "mb" + (plain ? ".jsonl" : ".jsonl.zst");
    if (!bench::ensure_synthetic_trace(trace, mb, !plain)) return 2;
  }

  // Baseline: decompression and copying only.
  NullBuf null_buf;
  std::ostream null_out(&null_buf);
  auto t0 = std::chrono::steady_clock::now();
  peers::Status s = replay::copy_decompressed(trace, null_out);
  const double decode_s = seconds_since(t0);
  if (!s.is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 2;
  }

  std::vector<Pass> passes(static_cast<size_t>(repeat));
  for (Pass& p : passes) {
    if (!bench::read_pass(trace, &p)) return 2;
  }
  std::sort(passes.begin(), passes.end(), [](const Pass& x, const Pass& y) { return x.wall_s < y.wall_s; });
  const Pass& best = passes.front();
  const Pass& median = passes[passes.size() / 2];
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const double text_mb = static_cast<double>(best.jsonl_bytes) / 1e6;
  std::printf("trace            %s (%s)\n", trace.c_str(), best.compressed ? "zstd" : "plain");
  std::printf("size             %.1f MB JSONL, %.1f MB on disk, %llu records, %llu events\n", text_mb, static_cast<double>(best.file_bytes) / 1e6,
              static_cast<unsigned long long>(best.records), static_cast<unsigned long long>(best.events));
  std::printf("decode only      %.3f s  %.0f MB/s of JSONL\n", decode_s, text_mb / decode_s);
  std::printf("read+parse+check best of %d:  %.3f s wall  %.1f MB/s  %.0f records/s  (CPU %.3f s: %.1f MB/s)\n", repeat,
              best.wall_s, text_mb / best.wall_s, static_cast<double>(best.records) / best.wall_s, best.cpu_s,
              text_mb / best.cpu_s);
  std::printf("read+parse+check median:     %.3f s wall  %.1f MB/s  (CPU %.3f s: %.1f MB/s)\n", median.wall_s,
              text_mb / median.wall_s, median.cpu_s, text_mb / median.cpu_s);
  std::printf("peak RSS         %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
