// Downsampler: see downsample.h.
#include "report/downsample.h"

#include <algorithm>
#include <cassert>

namespace report {

Downsampler::Downsampler(size_t series, size_t max_buckets, Mode mode)
    : series_(series), max_buckets_(max_buckets), mode_(mode) {
  assert(series > 0);
  assert(max_buckets >= 4);
}

void Downsampler::open_bucket(int64_t key, int64_t t_ms, const double* values) {
  buckets_.push_back({key, t_ms, t_ms, 1});
  for (size_t s = 0; s < series_; s++) {
    stats_.push_back(values[s]);
    stats_.push_back(values[s]);
    stats_.push_back(values[s]);
  }
}

void Downsampler::merge_into(size_t into, size_t from) {
  Bucket& a = buckets_[into];
  const Bucket& b = buckets_[from];
  a.t_last = b.t_last;
  a.n += b.n;
  double* sa = &stats_[into * series_ * 3];
  const double* sb = &stats_[from * series_ * 3];
  for (size_t s = 0; s < series_; s++) {
    sa[3 * s] = std::min(sa[3 * s], sb[3 * s]);
    sa[3 * s + 1] = std::max(sa[3 * s + 1], sb[3 * s + 1]);
    sa[3 * s + 2] += sb[3 * s + 2];
  }
}

void Downsampler::rebucket() {
  if (width_ms_ == 0) {
    origin_ms_ = buckets_.front().t_first;
    const int64_t span_ms = buckets_.back().t_last - origin_ms_;
    width_ms_ = std::max<int64_t>(1, span_ms / static_cast<int64_t>(max_buckets_ / 2) + 1);
  } else {
    width_ms_ *= 2;
  }
  size_t kept = 0;
  for (size_t i = 0; i < buckets_.size(); i++) {
    const int64_t key = key_of(buckets_[i].t_first);
    if (i > 0 && buckets_[kept - 1].key == key) {
      merge_into(kept - 1, i);
      continue;
    }
    if (kept != i) {
      buckets_[kept] = buckets_[i];
      std::copy_n(&stats_[i * series_ * 3], series_ * 3, &stats_[kept * series_ * 3]);
    }
    buckets_[kept].key = key;
    kept++;
  }
  buckets_.resize(kept);
  stats_.resize(kept * series_ * 3);
  assert(buckets_.size() <= max_buckets_);
}

void Downsampler::add(int64_t t_ms, const double* values) {
  assert(buckets_.empty() || t_ms >= buckets_.back().t_last);
  samples_++;
  const int64_t key = key_of(t_ms);
  if (!buckets_.empty() && buckets_.back().key == key) {
    Bucket& b = buckets_.back();
    b.t_last = t_ms;
    b.n++;
    double* st = &stats_[(buckets_.size() - 1) * series_ * 3];
    for (size_t s = 0; s < series_; s++) {
      st[3 * s] = std::min(st[3 * s], values[s]);
      st[3 * s + 1] = std::max(st[3 * s + 1], values[s]);
      st[3 * s + 2] += values[s];
    }
    return;
  }
  open_bucket(key, t_ms, values);
  while (buckets_.size() > max_buckets_) rebucket();
}

void Downsampler::output(std::vector<int64_t>* x, std::vector<std::vector<double>>* ys) const {
  x->clear();
  ys->assign(series_, {});
  for (size_t i = 0; i < buckets_.size(); i++) {
    const Bucket& b = buckets_[i];
    const double* st = &stats_[i * series_ * 3];
    if (mode_ == Mode::kMean) {
      x->push_back(b.t_first);
      for (size_t s = 0; s < series_; s++) (*ys)[s].push_back(st[3 * s + 2] / static_cast<double>(b.n));
      continue;
    }
    x->push_back(b.t_first);
    for (size_t s = 0; s < series_; s++) (*ys)[s].push_back(st[3 * s]);
    if (b.n == 1) continue;
    x->push_back(b.t_last);
    for (size_t s = 0; s < series_; s++) (*ys)[s].push_back(st[3 * s + 1]);
  }
}

}  // namespace report
