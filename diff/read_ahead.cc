// ReadAhead: see read_ahead.h.
#include "diff/read_ahead.h"

#include <utility>

namespace replay {

using peers::Status;

ReadAhead::~ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status ReadAhead::next(Record* out, bool* done) {
  *done = false;
  if (pos_ == current_.size()) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !ready_.empty() || finished_; });
    if (ready_.empty()) {  // finished, everything handed over
      if (!final_.is_ok()) return final_;
      *done = true;
      return Status::ok();
    }
    current_ = std::move(ready_.front());
    ready_.pop_front();
    pos_ = 0;
    lock.unlock();
    cv_.notify_all();  // room for another batch
  }
  *out = std::move(current_[pos_++]);
  return Status::ok();
}

void ReadAhead::recycle(Record&& rec) {
  spent_.push_back(std::move(rec));
  if (spent_.size() < kBatchRecords) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    trash_.push_back(std::move(spent_));
  }
  spent_.clear();
  cv_.notify_all();
}

void ReadAhead::run() {
  for (;;) {
    {
      std::deque<std::vector<Record>> trash;
      {
        std::lock_guard<std::mutex> lock(mu_);
        trash.swap(trash_);
      }
    }  // freed here, on this thread, outside the lock
    std::vector<Record> batch;
    batch.reserve(kBatchRecords);
    size_t bytes = 0;
    Status s;
    bool done = false;
    while (batch.size() < kBatchRecords && bytes < kBatchBytes) {
      Record rec;
      s = reader_->next(&rec, &done);
      if (!s.is_ok() || done) break;
      bytes += rec.raw.size();
      batch.push_back(std::move(rec));
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return ready_.size() < kMaxBatches || stop_; });
    if (stop_) return;
    // (trash_ is bounded: the consumer only recycles what it took from ready_.)
    if (!batch.empty()) ready_.push_back(std::move(batch));
    if (!s.is_ok() || done) {
      final_ = s;
      finished_ = true;
      lock.unlock();
      cv_.notify_all();
      return;
    }
    lock.unlock();
    cv_.notify_all();
  }
}

}  // namespace replay
