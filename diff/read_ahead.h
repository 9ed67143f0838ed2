// ReadAhead: one trace read and parsed on its own thread for the diff. A
// worker thread owns the reader after the header and hands records over in
// batches through a bounded queue, so the two traces are decompressed and
// parsed in parallel while the main thread diffs. Order is preserved, so the
// report is the same with or without it (DiffOptions::read_ahead).
#ifndef PEER_REPLAY_DIFF_READ_AHEAD_H_
#define PEER_REPLAY_DIFF_READ_AHEAD_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "trace/trace_reader.h"

namespace replay {

class ReadAhead {
 public:
  // `reader` must outlive this object; it is read only by the worker from now on.
  explicit ReadAhead(TraceReader* reader) : reader_(reader), thread_([this] { run(); }) {}
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next record, as TraceReader::next would return it.
  peers::Status next(Record* out, bool* done);

  // Hands consumed records back so the worker frees them: the DOM nodes were
  // allocated on its thread, and freeing them there avoids malloc's
  // cross-thread (arena) path, which is slower (docs/BENCHMARKS.md, "Trace diff").
  void recycle(Record&& rec);

 private:
  static constexpr size_t kBatchRecords = 256;
  static constexpr size_t kBatchBytes = 4u << 20;
  static constexpr size_t kMaxBatches = 4;  // queued: at most ~16 MiB of lines plus one line

  void run();

  TraceReader* reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Record>> ready_;  // guarded by mu_
  std::deque<std::vector<Record>> trash_;  // guarded by mu_: consumed, to free on the worker
  bool finished_ = false;                  // guarded by mu_
  bool stop_ = false;                      // guarded by mu_
  peers::Status final_;                    // guarded by mu_
  std::vector<Record> current_;            // consumer only
  std::vector<Record> spent_;              // consumer only: consumed, not yet handed back
  size_t pos_ = 0;                         // consumer only
  std::thread thread_;                     // last: starts after the members above exist
};

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_READ_AHEAD_H_
