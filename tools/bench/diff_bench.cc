// Diff benchmark: MB/s of JSONL through `peer-replay diff` on two
// generated traces of at least 100 MB each, next to the reader-only figure
// measured in the same process on the same files. Not a test: run it by hand
// (see docs/BENCHMARKS.md, section "Trace diff").
//
//   build/release/tools/bench/diff_bench [--mb 100] [--repeat 2] [--plain]
//
// Each diff runs twice: on one thread (the default of `peer-replay diff`), and
// with --read-ahead (each trace read and parsed on its own thread).
//
// Files (generated once, reused): bench-diff-<mb>mb-a (seed 1),
// bench-diff-<mb>mb-b (a copy of a with 1% of its expects perturbed: an
// action dropped, duplicated or swapped with its neighbour, a peer changed, a
// score moved by one ULP) and bench-diff-<mb>mb-c (seed 2: every event
// differs, the worst case).
//
// Throughput of a diff = (JSONL bytes of a + JSONL bytes of b) / wall time,
// so it compares directly with the reader's MB/s for one trace; the target is
// at least 70% of it.
#include <sys/resource.h>
#include <time.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "diff/trace_diff.h"
#include "trace/trace_reader.h"
#include "engine/testing/split_mix64.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/synthetic_trace.h"

namespace {

struct NullBuf : std::streambuf {
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

using bench::cpu_seconds;
using bench::seconds_since;

struct Timing {
  double wall_s = 1e300;
  double cpu_s = 1e300;
};

using peers::testing::SplitMix64;

// Writes JSONL text, zstd-compressed or plain, to a temporary file renamed
// into place by finish().
class Writer {
 public:
  Writer(std::string path, bool zstd) : path_(std::move(path)), tmp_(path_ + ".tmp"), zstd_(zstd) {
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (zstd_) {
      cctx_ = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
      out_.resize(ZSTD_CStreamOutSize());
    }
  }
  ~Writer() {
    if (cctx_ != nullptr) ZSTD_freeCCtx(cctx_);
    if (f_ != nullptr) std::fclose(f_);
  }
  bool ok() const { return f_ != nullptr && ok_; }
  void line(const std::string& s) {
    write(s.data(), s.size());
    write("\n", 1);
  }
  bool finish() {
    if (zstd_) flush(ZSTD_e_end);
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok_ || !closed) return false;
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    return !ec;
  }

 private:
  void write(const char* p, size_t n) {
    if (!ok_) return;
    if (!zstd_) {
      ok_ = std::fwrite(p, 1, n, f_) == n;
      return;
    }
    ZSTD_inBuffer in{p, n, 0};
    while (ok_ && in.pos < in.size) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      ok_ = !ZSTD_isError(ZSTD_compressStream2(cctx_, &out, &in, ZSTD_e_continue)) &&
            std::fwrite(out_.data(), 1, out.pos, f_) == out.pos;
    }
  }
  void flush(ZSTD_EndDirective mode) {
    for (;;) {
      ZSTD_inBuffer in{nullptr, 0, 0};
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t r = ZSTD_compressStream2(cctx_, &out, &in, mode);
      ok_ = ok_ && !ZSTD_isError(r) && std::fwrite(out_.data(), 1, out.pos, f_) == out.pos;
      if (!ok_ || r == 0) return;
    }
  }

  std::string path_, tmp_;
  bool zstd_;
  FILE* f_ = nullptr;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> out_;
  bool ok_ = true;
};

// b = a with 1 expect in 100 perturbed; every other line copied byte for byte.
bool write_perturbed_copy(const std::string& from, const std::string& to, bool zstd, uint64_t* perturbed) {
  replay::ReaderOptions ropts;
  ropts.keep_raw = true;
  auto opened = replay::TraceReader::open(from, ropts);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return false;
  }
  replay::TraceReader& reader = *opened.value();
  Writer w(to, zstd);
  if (!w.ok()) return false;
  w.line(reader.header().raw);
  SplitMix64 rng{42};
  replay::Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return false;
    }
    if (done) break;
    if (rec.type != replay::RecordType::kExpect || rng.next() % 100 != 0) {
      w.line(rec.raw);
      continue;
    }
    nlohmann::json j = rec.to_json();
    nlohmann::json& actions = j["actions"];
    switch (rng.next() % 5) {
      case 0:
        if (!actions.empty()) actions.erase(actions.size() - 1);
        break;
      case 1:
        if (!actions.empty()) actions.push_back(actions[0]);
        break;
      case 2:
        if (actions.size() >= 2) std::swap(actions[0], actions[1]);
        break;
      case 3:
        if (!actions.empty() && actions[0].contains("peer")) actions[0]["peer"] = "16Uiu2HAmPerturbedPeer";
        break;
      case 4:
        if (j.contains("scores") && !j["scores"].empty()) {
          nlohmann::json& e = j["scores"][0];
          e["score"] = std::nextafter(e["score"].get<double>(), -INFINITY);
        }
        break;
    }
    ++*perturbed;
    w.line(j.dump());
  }
  return w.finish();
}

struct ReadFigures {
  Timing t;
  uint64_t jsonl_bytes = 0;
};

bool read_only(const std::string& path, ReadFigures* f) {
  bench::ReadPass pass;
  if (!bench::read_pass(path, &pass)) return false;
  f->t.cpu_s = pass.cpu_s;
  f->t.wall_s = pass.wall_s;
  f->jsonl_bytes = pass.jsonl_bytes;
  return true;
}

bool ensure(const std::string& path, uint64_t seed, uint64_t mb, bool plain) {
  if (std::filesystem::exists(path)) return true;
  bench::SyntheticOptions opts;
  opts.seed = seed;
  opts.target_jsonl_bytes = mb << 20;
  opts.zstd = !plain;
  bench::SyntheticResult res;
  std::string error;
  std::fprintf(stderr, "generating %s (%llu MB of JSONL, seed %llu)...\n", path.c_str(),
               static_cast<unsigned long long>(mb), static_cast<unsigned long long>(seed));
  if (!bench::write_synthetic_trace(path, opts, &res, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return false;
  }
  return true;
}

// The three files, generated (or reused) as the header says.
bool prepare_files(uint64_t mb, bool plain, std::string* a, std::string* b, std::string* c) {
  const std::string ext = plain ? ".jsonl" : ".jsonl.zst";
  const std::string stem = "bench-diff-" + std::to_string(mb) + "mb-";
  *a = stem + "a" + ext;
  *b = stem + "b" + ext;
  *c = stem + "c" + ext;
  if (!ensure(*a, 1, mb, plain) || !ensure(*c, 2, mb, plain)) return false;
  if (!std::filesystem::exists(*b)) {
    uint64_t perturbed = 0;
    std::fprintf(stderr, "writing %s (perturbed copy of %s)...\n", b->c_str(), a->c_str());
    if (!write_perturbed_copy(*a, *b, !plain, &perturbed)) return false;
    std::fprintf(stderr, "  %llu expects perturbed\n", static_cast<unsigned long long>(perturbed));
  }
  return true;
}

// fn() -> Timing, `repeat` times; the best wall and the best CPU time.
template <typename Fn>
Timing best_of(int repeat, Fn&& fn) {
  Timing best;
  for (int r = 0; r < repeat; r++) {
    const Timing t = fn();
    best.wall_s = std::min(best.wall_s, t.wall_s);
    best.cpu_s = std::min(best.cpu_s, t.cpu_s);
  }
  return best;
}

double megabytes(uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

void print_reader_line(const char* name, const Timing& t, uint64_t bytes, const char* suffix) {
  std::printf("%-28s %9.3f %9.3f %12.1f %12.1f   (%.1f MB%s)\n", name, t.wall_s, t.cpu_s, megabytes(bytes) / t.wall_s,
              megabytes(bytes) / t.cpu_s, megabytes(bytes), suffix);
}

struct Case {
  const char* name;
  std::string other;
  uint64_t other_bytes;
};

// One diff of a against k.other, timed, and its line; `reader` is a's
// reader-only figure the line compares with.
void run_case(const std::string& a, uint64_t a_bytes, const Case& k, bool read_ahead, int repeat, const Timing& reader) {
  NullBuf null_buf;
  std::ostream null_out(&null_buf);
  replay::DiffReport report;
  int code = 0;
  const Timing t = best_of(repeat, [&] {
    replay::DiffOptions opts;
    opts.read_ahead = read_ahead;
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    code = replay::diff_trace_files(opts, a, k.other, &report, &error);
    if (code == 2) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::exit(2);
    }
    replay::write_diff_report(report, opts, null_out);  // text, no colour
    return Timing{seconds_since(t0), cpu_seconds() - c0};
  });
  const uint64_t bytes = a_bytes + k.other_bytes;  // both traces
  const double cpu_mbs = megabytes(bytes) / t.cpu_s;
  const double reader_cpu_mbs = megabytes(a_bytes) / reader.cpu_s;
  const double reader_wall_mbs = megabytes(a_bytes) / reader.wall_s;
  std::printf(
      "%-28s %9.3f %9.3f %12.1f %12.1f   = %.0f%% of reader-only (cpu), %.0f%% (wall); exit %d, "
      "%llu differences, %llu events differ\n",
      k.name, t.wall_s, t.cpu_s, megabytes(bytes) / t.wall_s, cpu_mbs, 100.0 * cpu_mbs / reader_cpu_mbs,
      100.0 * (megabytes(bytes) / t.wall_s) / reader_wall_mbs, code, static_cast<unsigned long long>(report.differences),
      static_cast<unsigned long long>(report.events_differing));
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mb = 100;
  int repeat = 2;
  bool plain = false;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--mb") && i + 1 < argc) {
      mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--plain")) {
      plain = true;
    } else {
      std::fprintf(stderr, "usage: diff_bench [--mb N] [--repeat N] [--plain]\n");
      return 2;
    }
  }
  std::string a, b, c;
  if (!prepare_files(mb, plain, &a, &b, &c)) return 2;

  ReadFigures fa, fb, fc;
  const Timing read_a = best_of(repeat, [&] { return read_only(a, &fa) ? fa.t : Timing{}; });
  const Timing read_b = best_of(repeat, [&] { return read_only(b, &fb) ? fb.t : Timing{}; });
  const Timing read_c = best_of(repeat, [&] { return read_only(c, &fc) ? fc.t : Timing{}; });
  std::printf("files  %s %s %s (%s)\n", a.c_str(), b.c_str(), c.c_str(), plain ? "plain" : "zstd");
  std::printf("%-28s %9s %9s %12s %12s\n", "", "wall s", "cpu s", "MB/s wall", "MB/s cpu");
  print_reader_line("reader only: a", read_a, fa.jsonl_bytes, " of JSONL");
  print_reader_line("reader only: b", read_b, fb.jsonl_bytes, "");
  print_reader_line("reader only: c", read_c, fc.jsonl_bytes, "");

  for (const bool read_ahead : {false, true}) {
    std::printf("%s\n",
                read_ahead ? "diff --read-ahead (a reader thread per trace):" : "diff (one thread, the default):");
    for (const Case& k :
         {Case{"diff a a (identical)", a, fa.jsonl_bytes}, Case{"diff a b (1% perturbed)", b, fb.jsonl_bytes},
          Case{"diff a c (other seed)", c, fc.jsonl_bytes}}) {
      run_case(a, fa.jsonl_bytes, k, read_ahead, repeat, read_a);
    }
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %.1f MiB (includes writing the perturbed copy on a first run)\n",
              static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
