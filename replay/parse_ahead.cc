// ParseAhead: see parse_ahead.h.
#include "replay/parse_ahead.h"

#include <utility>

namespace replay {

ParseAhead::ParseAhead(TraceReader* reader) : reader_(reader) {
  for (size_t i = 0; i < kBatches; i++) free_.push_back(std::make_unique<Batch>());
  thread_ = std::thread([this] { produce(); });
}

ParseAhead::~ParseAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  freed_.notify_all();
  thread_.join();
}

void ParseAhead::produce() {
  for (;;) {
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> lock(mu_);
      freed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
      if (stopping_) return;
      b = std::move(free_.front());
      free_.pop_front();
    }
    b->count = 0;
    b->done = false;
    b->status = peers::Status::ok();
    while (b->count < kBatchRecords) {
      if (b->records.size() <= b->count) b->records.emplace_back();
      bool done = false;
      peers::Status s = reader_->next(&b->records[b->count], &done);
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
    const bool last = b->done || !b->status.is_ok();
    {
      std::lock_guard<std::mutex> lock(mu_);
      full_.push_back(std::move(b));
    }
    filled_.notify_one();
    if (last) return;
  }
}

peers::Status ParseAhead::next(Record* out, bool* done) {
  *done = false;
  for (;;) {
    if (current_ != nullptr) {
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
      free_.push_back(std::move(current_));
      freed_.notify_one();
    }
    filled_.wait(lock, [this] { return !full_.empty(); });
    current_ = std::move(full_.front());
    full_.pop_front();
    pos_ = 0;
  }
}

}  // namespace replay
