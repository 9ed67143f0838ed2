// ReadAhead: see read_ahead.h.
#include "trace/read_ahead.h"

#include <cassert>
#include <utility>

namespace replay {

ReadAhead::ReadAhead(TraceReader* reader) : reader_(reader) {
  for (size_t i = 0; i < kBatches; i++) free_.push_back(std::make_unique<Batch>());
  thread_ = std::thread([this] { produce(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  freed_.notify_all();
  thread_.join();
}

void ReadAhead::produce() {
  for (;;) {
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> lock(mu_);
      freed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
      if (stopping_) return;
      b = std::move(free_.front());
      free_.pop_front();
    }
    b->spent.clear();
    b->count = 0;
    b->done = false;
    b->status = peers::Status::ok();
    const uint64_t bytes_before = reader_->bytes_decompressed();
    while (b->count < kBatchRecords && reader_->bytes_decompressed() - bytes_before < kBatchBytes) {
      if (b->records.size() <= b->count) b->records.emplace_back();
      Record& slot = b->records[b->count];
      // A slot keeps its buffers for its next record, unless they grew past
      // kKeepRecordBytes: otherwise a few long lines would, over time, leave
      // every slot as large as the longest.
      if (slot.tape.capacity_bytes() + slot.raw.capacity() > kKeepRecordBytes) slot = Record();
      bool done = false;
      peers::Status s = reader_->next(&slot, &done);
      if (!s.is_ok()) {
        b->status = std::move(s);
        break;
      }
      if (done) {
        b->done = true;
        break;
      }
      b->count++;
    }
    assert(b->count <= kBatchRecords && b->records.size() <= kBatchRecords);
    const bool last = b->done || !b->status.is_ok();
    {
      std::lock_guard<std::mutex> lock(mu_);
      full_.push_back(std::move(b));
    }
    filled_.notify_one();
    if (last) return;
  }
}

peers::Status ReadAhead::next(Record* out, bool* done) {
  *done = false;
  for (;;) {
    if (current_ != nullptr) {
      assert(pos_ <= current_->count);
      if (pos_ < current_->count) {
        std::swap(*out, current_->records[pos_++]);
        return peers::Status::ok();
      }
      // Past its records: the end or the error they stopped at stays put.
      if (!current_->status.is_ok()) return current_->status;
      if (current_->done) {
        *done = true;
        return peers::Status::ok();
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (current_ != nullptr) {
      current_->spent.swap(spent_);
      free_.push_back(std::move(current_));
      freed_.notify_one();
    }
    filled_.wait(lock, [this] { return !full_.empty(); });
    current_ = std::move(full_.front());
    full_.pop_front();
    assert(full_.size() + free_.size() < kBatches);  // the caller holds one
    pos_ = 0;
  }
}

void ReadAhead::recycle(Record&& rec) { spent_.push_back(std::move(rec)); }

}  // namespace replay
