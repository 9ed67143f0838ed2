// Engine side of the full-trace benchmark (tools/bench/side_by_side/run.sh):
// the events of a trace through peers::PeerManager::step only.
//
// Only step() calls are timed (and clearing the action vector), nothing else:
// no JSON, no comparison (`peer-replay check` proves the same trace
// conforms). Two ways to read the events:
//  - --batch 0 (the default): the whole trace is parsed into memory first,
//    then stepped through. The engine's state stays in cache and its heap
//    allocations sit together, after the events'.
//  - --batch N: streamed, as `check` and any live caller run it: each batch
//    of N events is parsed (untimed), then stepped (timed). The parses between
//    batches evict the engine's state and scatter its allocations among the
//    reader's; the TS side of the benchmark runs the same way, between the
//    recorder's own work.
// The loop runs --warmup times untimed, then --repeat times on fresh engines;
// the fastest and the median run are printed, each in wall and CPU time (this
// process's CPU time, read around the same steps: the build machine is shared).
// A last, separately timed run clocks each event to give the time per event kind.
//
//   trace_bench <trace> [--repeat 3] [--warmup 0] [--batch 0] [--json out.json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <span>

#include <nlohmann/json.hpp>

#include "peers/peer_manager.h"
#include "tools/bench/bench_util.h"
#include "replay/trace_event.h"
#include "trace/trace_reader.h"

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The event kind as ts_trace_bench.mjs names it.
std::string kind_of(const peers::Event& ev) {
  std::string kind = peers::event_kind_name(ev.kind);
  if (ev.kind == peers::EventKind::kTimer) kind += std::string(":") + peers::timer_kind_name(ev.timer);
  if (ev.kind == peers::EventKind::kRequest) kind += ":" + std::string(peers::req_resp_method_name(ev.method));
  return kind;
}

// Calls fn(events) for each batch of up to `batch` consecutive events of the
// trace (a vector fn may take the events from). The vector is reused, so a
// batch's storage is the last one's.
// Exits with 2 on a read or parse error.
template <typename F>
void read_batches(const std::string& path, size_t batch, F&& fn) {
  auto opened = replay::TraceReader::open(path);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    std::exit(2);
  }
  std::unique_ptr<replay::TraceReader> reader = std::move(opened).value();
  std::vector<peers::Event> events;
  peers::PeerIdTable ids;  // as check reads: one id per peer (replay::parse_event)
  for (;;) {
    replay::Record rec;
    bool done = false;
    peers::Status s = reader->next(&rec, &done);
    if (!s.is_ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      std::exit(2);
    }
    if (done) break;
    if (rec.type != replay::RecordType::kEvent) continue;
    auto ev = replay::parse_event(rec, path + ":" + std::to_string(rec.line) + ": ", &ids);
    if (!ev.is_ok()) {
      std::fprintf(stderr, "%s\n", ev.status().message().c_str());
      std::exit(2);
    }
    events.push_back(std::move(ev).value());
    if (events.size() == batch) {
      fn(events);
      events.clear();
    }
  }
  if (!events.empty()) fn(events);
}

// The whole trace's events, parsed on the first call and kept. Not a static
// inside the template below: each instantiation would hold its own copy.
const std::vector<peers::Event>& all_events(const std::string& path) {
  static std::vector<peers::Event> all;
  static bool parsed = false;
  if (!parsed) {
    read_batches(path, SIZE_MAX, [&](std::vector<peers::Event>& events) { all = std::move(events); });
    parsed = true;
  }
  return all;
}

// fn(events) over the trace's events in batches of `batch`; for batch 0, over
// all of them at once (all_events).
template <typename F>
void for_each_batch(const std::string& path, size_t batch, F&& fn) {
  if (batch != 0) {
    read_batches(path, batch, fn);
    return;
  }
  fn(std::span<const peers::Event>(all_events(path)));
}

struct StepLoop {
  std::vector<double> step_ms;  // per timed run: step() wall time
  std::vector<double> cpu_ms;   // per timed run: the process's CPU time over the same steps
  double parse_ms = 0;          // the slowest run's untimed parse (the first, for --batch 0)
  size_t events = 0;
};

double median_of(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

// Timed: step() over every event, on a fresh engine per run; the first
// `warmup` runs are not kept.
StepLoop time_step_loop(const std::string& path, size_t batch, int warmup, int repeat, const replay::TraceSetup& setup) {
  StepLoop loop;
  std::vector<peers::Action> actions;
  actions.reserve(1024);
  for (int run = 0; run < warmup + repeat; run++) {
    peers::PeerManager pm(setup.config, setup.local);
    double step_ms = 0;
    double cpu_ms = 0;
    loop.events = 0;
    const double t_run = now_ms();
    for_each_batch(path, batch, [&](std::span<const peers::Event> events) {
      const double c0 = bench::cpu_seconds();
      const double t0 = now_ms();
      for (const peers::Event& ev : events) {
        actions.clear();
        const peers::Status s = pm.step(ev, &actions);
        if (!s.is_ok()) {
          std::fprintf(stderr, "%s: seq %llu: the engine refused the event: %s\n", path.c_str(),
                       static_cast<unsigned long long>(ev.seq), s.message().c_str());
          std::exit(1);
        }
      }
      step_ms += now_ms() - t0;
      cpu_ms += (bench::cpu_seconds() - c0) * 1000.0;
      loop.events += events.size();
    });
    loop.parse_ms = std::max(loop.parse_ms, now_ms() - t_run - step_ms);
    if (run < warmup) continue;
    loop.step_ms.push_back(step_ms);
    loop.cpu_ms.push_back(cpu_ms);
  }
  return loop;
}

// Per kind: every event clocked on its own (the clock reads add a little).
// {"<kind>": {"events", "ms", "median_us"}}.
nlohmann::json time_by_kind(const std::string& path, size_t batch, const replay::TraceSetup& setup) {
  std::map<std::string, std::pair<uint64_t, std::vector<double>>> by_kind;
  std::vector<peers::Action> actions;
  peers::PeerManager pm(setup.config, setup.local);
  for_each_batch(path, batch, [&](std::span<const peers::Event> events) {
    for (const peers::Event& ev : events) {
      actions.clear();
      const double t0 = now_ms();
      (void)pm.step(ev, &actions);
      const double us = (now_ms() - t0) * 1000.0;
      auto& k = by_kind[kind_of(ev)];
      k.first++;
      k.second.push_back(us);
    }
  });
  nlohmann::json kinds = nlohmann::json::object();
  for (auto& [kind, entry] : by_kind) {
    std::vector<double>& us = entry.second;
    double total = 0;
    for (double u : us) total += u;
    std::sort(us.begin(), us.end());
    kinds[kind] = {{"events", entry.first}, {"ms", total / 1000.0}, {"median_us", us[us.size() / 2]}};
  }
  return kinds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: trace_bench <trace> [--repeat N] [--warmup N] [--batch N] [--json out.json]\n");
    return 2;
  }
  const std::string path = argv[1];
  int repeat = 3;
  int warmup = 0;
  size_t batch = 0;
  std::string json_out;
  for (int i = 2; i + 1 < argc; i++) {
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--warmup")) warmup = std::max(0, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--batch")) batch = static_cast<size_t>(std::max(0, std::atoi(argv[i + 1])));
    if (!std::strcmp(argv[i], "--json")) json_out = argv[i + 1];
  }

  auto opened = replay::TraceReader::open(path);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 2;
  }
  auto setup = replay::parse_header(opened.value()->header().root(), path + ":1: ");
  if (!setup.is_ok()) {
    std::fprintf(stderr, "%s\n", setup.status().message().c_str());
    return 2;
  }
  const StepLoop loop = time_step_loop(path, batch, warmup, repeat, setup.value());
  const double best_ms = *std::min_element(loop.step_ms.begin(), loop.step_ms.end());
  const double median_ms = median_of(loop.step_ms);
  const double median_cpu_ms = median_of(loop.cpu_ms);
  const nlohmann::json kinds = time_by_kind(path, batch, setup.value());

  const double events_per_s = static_cast<double>(loop.events) / (best_ms / 1000.0);
  std::printf("engine trace %s: %zu events, step loop best %.1f ms, median %.1f ms wall, %.1f ms CPU (%d runs after %d warm-up, %s) = %.0f events/s best (parse %.0f ms, untimed)\n",
              path.c_str(), loop.events, best_ms, median_ms, median_cpu_ms, repeat, warmup,
              batch == 0 ? "all events parsed first" : ("streamed in batches of " + std::to_string(batch)).c_str(),
              events_per_s, loop.parse_ms);
  if (!json_out.empty()) {
    std::ofstream out(json_out);
    out << nlohmann::json{{"events", loop.events},
                          {"step_loop_ms", best_ms},
                          {"median_ms", median_ms},
                          {"median_cpu_ms", median_cpu_ms},
                          {"runs_ms", loop.step_ms},
                          {"runs_cpu_ms", loop.cpu_ms},
                          {"warmup", warmup},
                          {"events_per_s", events_per_s},
                          {"repeat", repeat},
                          {"batch", batch},
                          {"by_kind", kinds}}
               .dump(1)
        << "\n";
  }
  return 0;
}
