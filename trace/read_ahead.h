// ReadAhead: a trace read on a second thread while the caller works on it.
// The thread runs the whole of TraceReader::next (decompress, split, parse,
// check), in order, so every record and every error is the one next() gives
// at the same line. `check -j 2` on one trace replays on the caller's thread
// meanwhile (replay/replayer.cc); `diff --read-ahead` reads each of its two
// traces on one (diff/trace_side.cc).
//
// Ownership and limits: the reader is borrowed, must outlive this object, and
// nothing else reads it while this lives but header(), and ended() and
// truncation() once next() has said done. Records travel in kBatches batches,
// each of at most kBatchRecords records or about kBatchBytes of JSONL (plus
// one line), recycled: next() swaps the caller's record with the batch's, so a
// caller passing the same Record each time hands its buffers back, and once
// warm nothing is allocated but for records longer than kKeepRecordBytes,
// whose buffers are not kept. A caller that keeps the records it takes (the
// diff's window) passes an empty Record each time, so each record is
// allocated afresh, sized to its line, and hands it to recycle() when done.
// Destroying it stops the thread, read or not.
#ifndef PEER_REPLAY_TRACE_READ_AHEAD_H_
#define PEER_REPLAY_TRACE_READ_AHEAD_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "peers/status.h"
#include "trace/trace_reader.h"

namespace replay {

class ReadAhead {
 public:
  static constexpr size_t kBatchRecords = 256;
  static constexpr uint64_t kBatchBytes = uint64_t{4} << 20;
  static constexpr size_t kBatches = 4;
  static constexpr size_t kKeepRecordBytes = size_t{4} << 10;

  explicit ReadAhead(TraceReader* reader);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // As TraceReader::next, but *out is swapped with the record read: pass the
  // same Record each time to hand its buffers back.
  peers::Status next(Record* out, bool* done);
  // For a caller that keeps records: one taken from next() and no longer
  // needed, freed on the reading thread, which allocated it (glibc frees
  // another thread's memory under that arena's lock, which costs more).
  void recycle(Record&& rec);

 private:
  struct Batch {
    std::vector<Record> records;
    size_t count = 0;      // records filled
    peers::Status status;  // the read error after them, if any
    bool done = false;     // the trace ended after them
    std::vector<Record> spent;  // recycled by the caller, freed by the thread
  };
  void produce();

  TraceReader* const reader_;
  std::mutex mu_;
  std::condition_variable filled_;  // full_ grew
  std::condition_variable freed_;   // free_ grew or stopping_
  std::deque<std::unique_ptr<Batch>> full_;  // guarded by mu_
  std::deque<std::unique_ptr<Batch>> free_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::unique_ptr<Batch> current_;  // the caller's batch
  size_t pos_ = 0;                  // the caller's next record in current_
  std::vector<Record> spent_;       // recycled since current_ was taken: at most what the caller kept
  std::thread thread_;              // last: starts once the members above exist
};

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_READ_AHEAD_H_
