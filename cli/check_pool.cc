// check_pool: see check_pool.h.
#include "cli/check_pool.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace replay {

namespace {

// Below this a trace is over before a second thread pays for itself.
constexpr uintmax_t kReadAheadMinFileBytes = 4u << 20;

bool worth_reading_ahead(const std::string& path) {
  std::error_code ec;
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  return !ec && bytes >= kReadAheadMinFileBytes;
}

struct Slot {
  std::optional<ReplayResult> result;
  double seconds = 0;
};

ReplayResult timed_replay(const std::string& path, const ReplayOptions& options, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  ReplayResult r = replay_trace(path, options);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

size_t default_check_jobs() { return std::max<size_t>(1, std::thread::hardware_concurrency()); }

void replay_in_order(const std::vector<std::string>& paths, const ReplayOptions& options, size_t jobs,
                     const std::function<void(size_t, ReplayResult&&, double)>& done) {
  assert(jobs >= 1);
  if (jobs == 1 || paths.size() <= 1) {
    ReplayOptions one = options;
    one.read_ahead = one.read_ahead || (jobs > 1 && paths.size() == 1 && worth_reading_ahead(paths[0]));
    for (size_t i = 0; i < paths.size(); i++) {
      double seconds = 0;
      ReplayResult r = timed_replay(paths[i], one, &seconds);
      done(i, std::move(r), seconds);
    }
    return;
  }
  const size_t workers = std::min(jobs, paths.size());
  std::vector<Slot> slots(paths.size());
  std::mutex mu;
  std::condition_variable ready;      // a slot was filled
  std::condition_variable progressed; // the caller consumed a slot
  size_t next_to_start = 0;
  size_t next_to_report = 0;
  auto work = [&] {
    for (;;) {
      size_t i = 0;
      {
        std::unique_lock<std::mutex> lock(mu);
        progressed.wait(lock, [&] { return next_to_start >= paths.size() || next_to_start < next_to_report + 2 * workers; });
        if (next_to_start >= paths.size()) return;
        i = next_to_start++;
      }
      double seconds = 0;
      ReplayResult r = timed_replay(paths[i], options, &seconds);
      {
        std::lock_guard<std::mutex> lock(mu);
        slots[i].result = std::move(r);
        slots[i].seconds = seconds;
      }
      ready.notify_all();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; w++) threads.emplace_back(work);
  for (size_t i = 0; i < paths.size(); i++) {
    std::optional<ReplayResult> r;
    double seconds = 0;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return slots[i].result.has_value(); });
      r = std::move(slots[i].result);
      slots[i].result.reset();
      seconds = slots[i].seconds;
      next_to_report = i + 1;
    }
    progressed.notify_all();
    done(i, std::move(*r), seconds);
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace replay
