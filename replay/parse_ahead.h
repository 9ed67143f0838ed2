// ParseAhead: a trace read on a second thread while the caller replays it.
// Unlike the diff's ReadAhead (diff/read_ahead.h), which runs the whole of
// TraceReader::next on its worker, the work is split so that two cores stay
// busy on one trace: the thread decompresses, splits lines and parses each into its tape
// (TraceReader::read_parsed, about two thirds of the reader's time); the
// caller's thread checks each record as it takes it (check_parsed), in
// order, so every error is the one TraceReader::next gives at the same line.
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
  peers::Status failed_;            // the first check error: sticky, as in TraceReader
  size_t pos_ = 0;
  std::thread thread_;
};

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_PARSE_AHEAD_H_
