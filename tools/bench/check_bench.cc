// `check` benchmark: in one process, on one trace, the reader-only
// figure next to the replay's, and the replay's time split by stage. Not a
// test: run it by hand (docs/BENCHMARKS.md).
//
//   build/release/tools/bench/check_bench [--mb 100] [--trace PATH] [--repeat 3]
//
// Passes, each --repeat times, the median printed (best beside it):
//   decode     zstd only (copy_decompressed to nowhere);
//   parse      JsonTape::parse of every line held in memory (no I/O, no schema);
//   reader     TraceReader: decode + split + parse + schema checks;
//   check      replay_trace as `check` runs it (determinism on);
//   check-nd   the same with --no-determinism;
//   check-2t   check with the trace parsed ahead on a second thread;
// then one replay with stage timers on (ReplayOptions::time_stages), whose
// clock reads add a little to each stage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "replay/replayer.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/synthetic_trace.h"
#include "trace/json_tape.h"
#include "trace/trace_reader.h"

namespace {

using bench::NullBuf;

struct Figure {
  double median_s = 0;  // wall
  double best_s = 0;    // wall
  double cpu_s = 0;     // process CPU time of the median-wall pass
};

// Runs `pass` `repeat` times; false when a pass fails.
bool measure(int repeat, const std::function<bool()>& pass, Figure* out) {
  std::vector<std::pair<double, double>> times;  // wall, CPU
  for (int i = 0; i < repeat; i++) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = bench::cpu_seconds();
    if (!pass()) return false;
    times.emplace_back(bench::seconds_since(t0), bench::cpu_seconds() - c0);
  }
  std::sort(times.begin(), times.end());
  out->best_s = times.front().first;
  out->median_s = times[times.size() / 2].first;
  out->cpu_s = times[times.size() / 2].second;
  return true;
}

bool replay_pass(const std::string& trace, replay::ReplayOptions options, replay::ReplayResult* out = nullptr) {
  replay::ReplayResult r = replay::replay_trace(trace, options);
  if (r.verdict != replay::Verdict::kConforms) {
    std::fprintf(stderr, "%s\n", r.message.c_str());
    return false;
  }
  if (out != nullptr) *out = std::move(r);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mb = 100;
  std::string trace;
  int repeat = 3;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--mb") && i + 1 < argc) {
      mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) {
      trace = argv[++i];
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: check_bench [--mb N] [--trace PATH] [--repeat N]\n");
      return 2;
    }
  }
  if (trace.empty()) {
    trace = "bench-check-" + std::to_string(mb) + "mb.jsonl.zst";
    if (!bench::ensure_synthetic_trace(trace, mb, true)) return 2;
  }

  NullBuf null_buf;
  std::ostream null_out(&null_buf);
  std::ostringstream text;
  if (peers::Status s = replay::copy_decompressed(trace, text); !s.is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 2;
  }
  std::vector<std::string> lines;
  {
    std::istringstream in(text.str());
    for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  }
  const double text_mb = static_cast<double>(text.str().size()) / 1e6;
  text.str("");

  Figure decode, parse, reader, check, check_nd, check_ahead;
  bench::ReadPass rp;
  bool ok = measure(repeat, [&] { return replay::copy_decompressed(trace, null_out).is_ok(); }, &decode);
  ok = ok && measure(repeat, [&] {
         replay::JsonTape tape;
         std::string why;
         for (const std::string& line : lines) {
           if (!tape.parse(line, &why)) return false;
         }
         return true;
       }, &parse);
  ok = ok && measure(repeat, [&] { return bench::read_pass(trace, &rp); }, &reader);
  replay::ReplayOptions options;
  options.check_determinism = true;
  ok = ok && measure(repeat, [&] { return replay_pass(trace, options); }, &check);
  replay::ReplayOptions no_twin = options;
  no_twin.check_determinism = false;
  ok = ok && measure(repeat, [&] { return replay_pass(trace, no_twin); }, &check_nd);
  replay::ReplayOptions ahead = options;
  ahead.read_ahead = true;
  ok = ok && measure(repeat, [&] { return replay_pass(trace, ahead); }, &check_ahead);
  replay::ReplayResult timed;
  replay::ReplayOptions staged = options;
  staged.time_stages = true;
  ok = ok && replay_pass(trace, staged, &timed);
  if (!ok) return 2;

  std::printf("trace      %s: %.1f MB JSONL, %llu events, %zu lines\n", trace.c_str(), text_mb,
              static_cast<unsigned long long>(rp.events), lines.size());
  std::printf("%-10s %9s %9s %9s %9s %8s %9s %8s\n", "pass", "median s", "best s", "MB/s", "%reader", "CPU s",
              "MB/CPU-s", "%reader");
  auto row = [&](const char* name, const Figure& f) {
    std::printf("%-10s %9.3f %9.3f %9.1f %8.0f%% %8.3f %9.1f %7.0f%%\n", name, f.median_s, f.best_s,
                text_mb / f.median_s, 100.0 * reader.median_s / f.median_s, f.cpu_s, text_mb / f.cpu_s,
                100.0 * reader.cpu_s / f.cpu_s);
  };
  row("decode", decode);
  row("parse", parse);
  row("reader", reader);
  row("check", check);
  row("check-nd", check_nd);
  row("check-2t", check_ahead);
  const replay::ReplayStageTimes& st = timed.stages;
  const double total = st.read_s + st.convert_s + st.invariants_s + st.step_s + st.record_s + st.compare_s + st.twin_s;
  std::printf("stages of one timed check (sum %.3f s):\n", total);
  auto stage = [&](const char* name, double s) { std::printf("  %-34s %8.3f s %6.1f%%\n", name, s, 100.0 * s / total); };
  stage("read (zstd + parse + schema)", st.read_s);
  stage("  of which zstd (decode pass)", decode.median_s);
  stage("  of which JSON parse (parse pass)", parse.median_s);
  stage("  of which the rest (split, schema)", st.read_s - decode.median_s - parse.median_s);
  stage("event conversion", st.convert_s);
  stage("invariant checks (timers)", st.invariants_s);
  stage("engine step", st.step_s);
  stage("score delta + coverage + metrics scrape", st.record_s);
  stage("expect vs actual", st.compare_s);
  stage("determinism (second engine)", st.twin_s);
  return 0;
}
