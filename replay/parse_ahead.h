// ParseAhead: a trace read on a second thread while the caller replays it.
// The thread runs the whole of TraceReader::next (decompress, split, parse,
// check), in order, so every record and every error is the one next() gives
// at the same line; the caller's thread only replays. With the simdjson tape
// the reader's work and the replay's are of similar size, so this split keeps
// both cores busy (docs/BENCHMARKS.md, "Two threads"). The caller reads
// nothing of the reader while this object lives but header(), and ended()
// and truncation() once next() has said done.
//
// Ownership and limits: the reader is borrowed and must outlive this object;
// records travel in kBatches batches of kBatchRecords, recycled (next() swaps
// the caller's record with the batch's, so buffers move back and forth and
// nothing is allocated once warm). Destroying it stops the thread, read or not.
#ifndef PEER_REPLAY_REPLAY_PARSE_AHEAD_H_
#define PEER_REPLAY_REPLAY_PARSE_AHEAD_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "peers/status.h"
#include "trace/trace_reader.h"

namespace replay {

class ParseAhead {
 public:
  static constexpr size_t kBatchRecords = 256;
  static constexpr size_t kBatches = 4;

  explicit ParseAhead(TraceReader* reader);
  ~ParseAhead();
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;

  // As TraceReader::next.
  peers::Status next(Record* out, bool* done);

 private:
  struct Batch {
    std::vector<Record> records;
    size_t count = 0;      // records filled
    peers::Status status;  // the read error after them, if any
    bool done = false;     // the trace ended after them
  };
  void produce();

  TraceReader* const reader_;
  std::mutex mu_;
  std::condition_variable filled_;  // full_ grew or the producer stopped
  std::condition_variable freed_;   // free_ grew or stopping_
  std::deque<std::unique_ptr<Batch>> full_;
  std::deque<std::unique_ptr<Batch>> free_;
  bool stopping_ = false;
  std::unique_ptr<Batch> current_;  // the caller's batch
  size_t pos_ = 0;
  std::thread thread_;
};

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_PARSE_AHEAD_H_
