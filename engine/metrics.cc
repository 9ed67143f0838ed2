// network/core/metrics.ts (peer-manager subset) and prom-client 15's Gauge and
// Histogram, as NetworkCoreMetrics uses them. See engine/include/peers/metrics.h.
#include "peers/metrics.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace peers {

namespace {

std::string join_labels(MetricLabels labels) {
  std::string key;
  for (std::string_view l : labels) {
    key += l;
    key += '\x1f';
  }
  return key;
}

bool same_labels(const std::vector<std::string>& a, MetricLabels b) {
  size_t i = 0;
  for (std::string_view l : b) {
    if (a[i++] != l) return false;
  }
  return true;
}

}  // namespace

Metric::Metric(MetricId id) : id_(id) {
  // prom-client: a gauge without labels starts with its one series at 0; so
  // does a histogram without labels, until its first reset().
  if (metric_spec(id).label_count == 0) (void)series_of({});
}

Metric::Series& Metric::series_of(MetricLabels labels) {
  const MetricSpec& spec = metric_spec(id_);
  assert(labels.size() == spec.label_count);
  if (series_.size() <= kScanSeries) {
    for (Series& s : series_) {
      if (same_labels(s.labels, labels)) return s;
    }
  } else {
    auto it = index_.find(join_labels(labels));
    if (it != index_.end()) return series_[it->second];
  }
  index_.emplace(join_labels(labels), series_.size());
  Series s;
  for (std::string_view l : labels) s.labels.emplace_back(l);
  s.bucket_counts.assign(spec.bucket_count, 0);
  series_.push_back(std::move(s));
  return series_.back();
}

void Metric::set(MetricLabels labels, double value) {
  assert(metric_spec(id_).type == MetricType::kGauge);
  series_of(labels).value = value;
}

void Metric::inc(MetricLabels labels, double by) {
  assert(metric_spec(id_).type == MetricType::kGauge);
  Series& s = series_of(labels);
  s.value = s.value + by;
}

void Metric::observe(MetricLabels labels, double value) { observe_at(series_position(labels), value); }

size_t Metric::series_position(MetricLabels labels) {
  const Series& s = series_of(labels);
  return static_cast<size_t>(&s - series_.data());
}

void Metric::observe_at(size_t position, double value) {
  const MetricSpec& spec = metric_spec(id_);
  assert(spec.type == MetricType::kHistogram);
  assert(position < series_.size());
  assert(std::isfinite(value));  // prom-client throws instead: the caller checks first
  Series& s = series_[position];
  // findBound: the first upper bound >= value; none: only the +Inf bucket.
  for (size_t i = 0; i < spec.bucket_count; i++) {
    if (value <= spec.buckets[i]) {
      s.bucket_counts[i] += 1;
      break;
    }
  }
  s.sum = s.sum + value;
  s.count += 1;
}

void Metric::set_at(size_t position, double value) {
  assert(metric_spec(id_).type == MetricType::kGauge);
  assert(position < series_.size());
  series_[position].value = value;
}

void NetworkCoreMetrics::set_peer_count_per_sampling_group(size_t group_index, double count) {
  if (group_index >= kMaxRememberedGroups) {
    peer_count_per_sampling_group.set({std::to_string(group_index)}, count);
    return;
  }
  if (group_index >= sampling_group_series_.size()) sampling_group_series_.resize(group_index + 1, kNoSeries);
  size_t& position = sampling_group_series_[group_index];
  if (position == kNoSeries) position = peer_count_per_sampling_group.series_position({std::to_string(group_index)});
  peer_count_per_sampling_group.set_at(position, count);
}

void Metric::reset() {
  // Only histograms are reset by network/peers; a gauge's reset would keep its
  // unlabelled series at 0, which no caller needs.
  assert(metric_spec(id_).type == MetricType::kHistogram);
  series_.clear();
  index_.clear();
}

void Metric::read(std::vector<MetricSeries>* out, size_t* at) const {
  for (const Series& s : series_) {
    if (*at == out->size()) out->emplace_back();
    MetricSeries& m = (*out)[(*at)++];
    m.id = id_;
    m.label_values = s.labels;
    m.value = s.value;
    m.sum = s.sum;
    m.count = s.count;
    m.buckets.clear();
    uint64_t acc = 0;
    for (uint64_t c : s.bucket_counts) {
      acc += c;
      m.buckets.push_back(acc);
    }
  }
}

std::vector<MetricSeries> NetworkCoreMetrics::read() const {
  std::vector<MetricSeries> out;
  read(&out);
  return out;
}

void NetworkCoreMetrics::read(std::vector<MetricSeries>* out) const {
  size_t at = 0;
  for (const Metric* m : {&peers, &peers_by_direction, &peers_by_client, &peer_long_lived_attnets,
                          &peer_column_group_count, &peer_score_by_client, &peer_gossip_score_by_client,
                          &peer_connection_length, &peers_sync, &peer_connected_event, &peer_disconnected_event,
                          &peer_goodbye_received, &peer_long_connection_disconnect, &peer_goodbye_sent,
                          &peers_requested_to_connect, &peers_requested_to_disconnect,
                          &peers_requested_subnets_to_query, &peers_requested_subnets_peer_count,
                          &peers_report_peer_count, &peer_count_per_sampling_group, &peer_manager_starved,
                          &leaked_connections_count}) {
    m->read(out, &at);
  }
  out->resize(at);
}

}  // namespace peers
