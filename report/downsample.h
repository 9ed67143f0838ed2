// Downsampler: a time series of one or more values (sharing one x) kept in
// bounded memory however long the trace, for the HTML report's charts.
//
// It keeps at most `max_buckets` buckets. While the series has fewer distinct
// instants than that, each bucket is one instant (exact). Past that, buckets
// become fixed-width time ranges; the width is chosen so the series so far
// fills half the budget, and doubles (merging neighbours) each time the
// budget is reached again. So memory is O(max_buckets * series) and the cost
// of add() is amortised O(series).
//
// Each bucket keeps, per value, min, max and sum (and the count). Output:
// kMinMax gives two points per bucket (its first instant with the minima, its
// last with the maxima), so spikes survive downsampling; kMean gives one point
// per bucket (the mean), for per-heartbeat counts stacked in a chart.
#ifndef PEER_REPLAY_REPORT_DOWNSAMPLE_H_
#define PEER_REPLAY_REPORT_DOWNSAMPLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace report {

class Downsampler {
 public:
  enum class Mode { kMinMax, kMean };

  Downsampler(size_t series, size_t max_buckets, Mode mode);

  // t_ms never decreases from one call to the next; `values` has `series`
  // elements.
  void add(int64_t t_ms, const double* values);

  size_t series() const { return series_; }
  bool exact() const { return width_ms_ == 0; }  // one bucket per instant so far
  int64_t bucket_width_ms() const { return width_ms_; }
  uint64_t samples() const { return samples_; }

  // The points, x ascending (equal x allowed: a bucket's min and max at one
  // instant). ys->size() == series(), each ys[i].size() == x->size().
  void output(std::vector<int64_t>* x, std::vector<std::vector<double>>* ys) const;

 private:
  struct Bucket {
    int64_t key;  // the instant (exact) or floor((t - origin) / width)
    int64_t t_first, t_last;
    uint64_t n;
  };
  int64_t key_of(int64_t t_ms) const { return width_ms_ == 0 ? t_ms : (t_ms - origin_ms_) / width_ms_; }
  void open_bucket(int64_t key, int64_t t_ms, const double* values);
  void merge_into(size_t into, size_t from);  // bucket `from` folded into `into`
  void rebucket();                            // widen until under half the budget

  size_t series_;
  size_t max_buckets_;
  Mode mode_;
  int64_t width_ms_ = 0;
  int64_t origin_ms_ = 0;
  uint64_t samples_ = 0;
  std::vector<Bucket> buckets_;
  std::vector<double> stats_;  // per bucket, per series: min, max, sum
};

}  // namespace report

#endif  // PEER_REPLAY_REPORT_DOWNSAMPLE_H_
