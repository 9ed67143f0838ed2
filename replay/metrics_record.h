// The metrics side of a trace (traces/FORMAT.md §8), outside the engine:
//   - ExpectedMetrics: the registry rebuilt from a trace's metrics records
//     (full replaces, a delta sets and removes), compared with an engine
//     scrape as a set of series, values bit for bit;
//   - metrics_record_json: an engine scrape as a metrics record (for `run`);
//   - prometheus_text: a scrape in the Prometheus text exposition format 0.0.4.
// Owner: the replayer and `peer-replay run`; the bindings render through
// prometheus_text too, so there is one writer of the format.
#ifndef PEER_REPLAY_REPLAY_METRICS_RECORD_H_
#define PEER_REPLAY_REPLAY_METRICS_RECORD_H_

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/metrics.h"
#include "trace/json_tape.h"

namespace replay {

// `name{label="value",...}`, the series' identity in messages and maps.
std::string metric_series_key(const peers::MetricSeries& s);
// The series' value as a message shows it: "3" or "buckets [..] sum S count N".
std::string metric_series_value_text(const peers::MetricSeries& s);

struct MetricDifference {
  std::string series;    // metric_series_key
  std::string expected;  // value text, or "(absent)"
  std::string actual;
};

// The registry the records rebuild, compared with each scrape. A compare that
// found the two equal is remembered (agreed_): the next compare then looks
// only at what changed since on either side, the series whose value moved in
// the scrape and the keys the records set or removed, which is enough by
// induction and costs a few series per event instead of every one. Any
// difference, or a change of the scrape's set of series, goes through
// compare_all, so the answer and its message are the full compare's.
class ExpectedMetrics {
 public:
  // Applies one metrics record the reader has checked (check_metrics).
  void apply(JsonRef record);
  // The first series (engine order, then the expected ones the engine lacks)
  // whose value differs, or nullopt when the two registries are equal.
  std::optional<MetricDifference> compare(const std::vector<peers::MetricSeries>& actual);
  size_t size() const { return series_.size(); }

 private:
  std::optional<MetricDifference> compare_all(const std::vector<peers::MetricSeries>& actual) const;
  // True when the changes since the last equal compare leave the two equal.
  bool changes_agree(const std::vector<peers::MetricSeries>& actual) const;
  bool same_series_set(const std::vector<peers::MetricSeries>& actual) const;
  void remember(const std::vector<peers::MetricSeries>& actual, bool equal);

  std::map<std::string, peers::MetricSeries> series_;
  // Since the last compare: the keys the records set or removed, or all of them.
  std::vector<std::string> touched_;
  bool touched_all_ = true;
  // The last scrape found equal to series_ (valid only then), and where each key is in it.
  std::vector<peers::MetricSeries> agreed_;
  std::unordered_map<std::string, size_t> agreed_index_;  // only looked up
  bool agreed_valid_ = false;
};

// The record FORMAT.md §8 writes for `scrape` after event `seq`: the series
// that differ from `previous` (every series when `full`), and those gone.
nlohmann::json metrics_record_json(uint64_t seq, bool full, const std::vector<peers::MetricSeries>& previous,
                                   const std::vector<peers::MetricSeries>& scrape);

// The scrape as Prometheus text format 0.0.4: # HELP and # TYPE per metric,
// then its samples (histograms: _bucket{le=...} cumulative, +Inf, _sum,
// _count), as prom-client's registry.metrics() lays them out.
std::string prometheus_text(const std::vector<peers::MetricSeries>& scrape);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_METRICS_RECORD_H_
