// Reader benchmark: MB/s and records/s of decompress + line split + JSON parse
// + schema check over a generated trace of at least 100 MB of JSONL, on one
// core. Not a test: run it by hand (see docs/BENCHMARKS.md).
//
//   build/release/tools/bench/reader_bench [--mb 100] [--trace PATH] [--plain]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>

#include "replay/trace_reader.h"
#include "tools/bench/synthetic_trace.h"

namespace {

struct NullBuf : std::streambuf {
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mb = 100;
  std::string trace;
  bool plain = false;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--mb") && i + 1 < argc) {
      mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) {
      trace = argv[++i];
    } else if (!std::strcmp(argv[i], "--plain")) {
      plain = true;
    } else {
      std::fprintf(stderr, "usage: reader_bench [--mb N] [--trace PATH] [--plain]\n");
      return 2;
    }
  }
  if (trace.empty()) {
    trace = "bench-reader-" + std::to_string(mb) + "mb" + (plain ? ".jsonl" : ".jsonl.zst");
    if (!std::filesystem::exists(trace)) {
      bench::SyntheticOptions opts;
      opts.target_jsonl_bytes = mb << 20;
      opts.zstd = !plain;
      bench::SyntheticResult res;
      std::string error;
      std::fprintf(stderr, "generating %s (%llu MB of JSONL)...\n", trace.c_str(), static_cast<unsigned long long>(mb));
      if (!bench::write_synthetic_trace(trace, opts, &res, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
      }
    }
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

  t0 = std::chrono::steady_clock::now();
  auto opened = replay::TraceReader::open(trace);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 2;
  }
  replay::TraceReader& reader = *opened.value();
  replay::Record rec;
  uint64_t records = 1;
  for (;;) {
    bool done = false;
    s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 2;
    }
    if (done) break;
    records++;
  }
  const double read_s = seconds_since(t0);
  const double text_mb = static_cast<double>(reader.bytes_decompressed()) / 1e6;
  const double file_mb = static_cast<double>(reader.bytes_read()) / 1e6;
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("trace            %s (%s)\n", trace.c_str(), reader.compressed() ? "zstd" : "plain");
  std::printf("size             %.1f MB JSONL, %.1f MB on disk, %llu records, %llu events\n", text_mb, file_mb,
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(reader.events_read()));
  std::printf("decode only      %.3f s  %.0f MB/s of JSONL\n", decode_s, text_mb / decode_s);
  std::printf("read+parse+check %.3f s  %.1f MB/s of JSONL  %.0f records/s\n", read_s, text_mb / read_s,
              static_cast<double>(records) / read_s);
  std::printf("peak RSS         %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
