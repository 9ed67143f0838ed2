// NetworkCoreMetrics: the peer-manager subset of network/core/metrics.ts, the
// metrics network/peers updates (traces/FORMAT.md §8.2), with prom-client's
// semantics for the two kinds Lodestar uses there:
//   - gauge: set / inc; a gauge without labels has its one series (value 0)
//     from construction, a labelled one gains a series at its first set/inc;
//   - histogram: observe(v) counts v in the first bucket whose upper bound is
//     >= v (none: only +Inf), adds v to sum and 1 to count; reset() drops
//     every series, the unlabelled one included.
// Series keep prom-client's hash-map order (insertion order).
//
// Owner: the PeerManager that holds it (engine/peer_manager_impl.h) updates it
// at the statements Lodestar does; scrape() is runPeerCountMetrics plus a read.
// The table of specs is the one fact shared with the trace reader and the
// Prometheus text writer; strings leave only through it.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_METRICS_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace peers {

enum class MetricType : uint8_t { kGauge, kHistogram };

// In createNetworkCoreMetrics' registration order.
enum class MetricId : uint8_t {
  kPeers,
  kPeersByDirection,
  kPeersByClient,
  kPeerLongLivedAttnets,
  kPeerColumnGroupCount,
  kPeerScoreByClient,
  kPeerGossipScoreByClient,
  kPeerConnectionLength,
  kPeersSync,
  kPeerConnectedEvent,
  kPeerDisconnectedEvent,
  kPeerGoodbyeReceived,
  kPeerLongConnectionDisconnect,
  kPeerGoodbyeSent,
  kPeersRequestedToConnect,
  kPeersRequestedToDisconnect,
  kPeersRequestedSubnetsToQuery,
  kPeersRequestedSubnetsPeerCount,
  kPeersReportPeerCount,
  kPeerCountPerSamplingGroup,
  kPeerManagerStarved,
  kLeakedConnectionsCount,
};
inline constexpr size_t kMetricCount = 22;
inline constexpr size_t kMaxMetricLabels = 2;
inline constexpr size_t kMaxMetricBuckets = 9;

struct MetricSpec {
  MetricId id;
  std::string_view name;
  std::string_view help;
  MetricType type;
  size_t label_count;
  std::array<std::string_view, kMaxMetricLabels> label_names;
  size_t bucket_count;
  std::array<double, kMaxMetricBuckets> buckets;  // finite upper bounds, ascending
};

// Indexed by MetricId. // createNetworkCoreMetrics, the entries network/peers updates, in its order.
inline constexpr std::array<MetricSpec, kMetricCount> kMetricSpecs = {{
    {MetricId::kPeers, "libp2p_peers", "number of connected peers", MetricType::kGauge, 0, {}, 0, {}},
    {MetricId::kPeersByDirection, "lodestar_peers_by_direction_count", "number of peers, labeled by direction", MetricType::kGauge, 1,
     {"direction"}, 0, {}},
    {MetricId::kPeersByClient, "lodestar_peers_by_client_count", "number of peers, labeled by client", MetricType::kGauge, 1, {"client"},
     0, {}},
    {MetricId::kPeerLongLivedAttnets, "lodestar_peer_long_lived_attnets_count",
     "Histogram of current count of long lived attnets of connected peers", MetricType::kHistogram, 0, {}, 5, {0, 4, 16, 32, 64}},
    {MetricId::kPeerColumnGroupCount, "lodestar_peer_column_group_count",
     "Histogram of current count of column groups of connected peers", MetricType::kHistogram, 0, {}, 7, {0, 4, 8, 16, 32, 64, 128}},
    {MetricId::kPeerScoreByClient, "lodestar_app_peer_score", "Current peer score at lodestar app side", MetricType::kHistogram, 1,
     {"client"}, 5, {-100, -50, -20, 0, 25}},
    {MetricId::kPeerGossipScoreByClient, "lodestar_gossip_score_by_client", "Gossip peer score by client", MetricType::kHistogram, 1,
     {"client"}, 7, {-16000, -8000, -4000, -1000, 0, 5, 100}},
    {MetricId::kPeerConnectionLength, "lodestar_peer_connection_seconds", "Current peer connection length in second", MetricType::kHistogram,
     0, {}, 9, {5, 20, 60, 180, 600, 1200, 3600, 21600, 86400}},
    {MetricId::kPeersSync, "lodestar_peers_sync_count", "Current count of peers useful for sync", MetricType::kGauge, 0, {}, 0, {}},
    {MetricId::kPeerConnectedEvent, "lodestar_peer_connected_total",
     "Total number of peer:connected event, labeled by direction", MetricType::kGauge, 2, {"direction", "status"}, 0, {}},
    {MetricId::kPeerDisconnectedEvent, "lodestar_peer_disconnected_total",
     "Total number of peer:disconnected event, labeled by direction", MetricType::kGauge, 1, {"direction"}, 0, {}},
    {MetricId::kPeerGoodbyeReceived, "lodestar_peer_goodbye_received_total",
     "Total number of goodbye received, labeled by reason", MetricType::kGauge, 1, {"reason"}, 0, {}},
    {MetricId::kPeerLongConnectionDisconnect, "lodestar_peer_long_connection_disconnect_total",
     "For peers with long connection, track disconnect reason", MetricType::kGauge, 1, {"reason"}, 0, {}},
    {MetricId::kPeerGoodbyeSent, "lodestar_peer_goodbye_sent_total", "Total number of goodbye sent, labeled by reason",
     MetricType::kGauge, 1, {"reason"}, 0, {}},
    {MetricId::kPeersRequestedToConnect, "lodestar_peers_requested_total_to_connect",
     "Prioritization results total peers count requested to connect", MetricType::kGauge, 0, {}, 0, {}},
    {MetricId::kPeersRequestedToDisconnect, "lodestar_peers_requested_total_to_disconnect",
     "Prioritization results total peers count requested to disconnect", MetricType::kGauge, 1, {"reason"}, 0, {}},
    {MetricId::kPeersRequestedSubnetsToQuery, "lodestar_peers_requested_total_subnets_to_query",
     "Prioritization results total subnets to query and discover peers in", MetricType::kGauge, 1, {"type"}, 0, {}},
    {MetricId::kPeersRequestedSubnetsPeerCount, "lodestar_peers_requested_total_subnets_peers_count",
     "Prioritization results total peers in subnets to query and discover peers in", MetricType::kGauge, 1, {"type"}, 0, {}},
    {MetricId::kPeersReportPeerCount, "lodestar_peers_report_peer_count", "network.reportPeer count by reason", MetricType::kGauge, 1,
     {"reason"}, 0, {}},
    {MetricId::kPeerCountPerSamplingGroup, "lodestar_peer_count_per_sampling_group",
     "Current count of peers per sampling group", MetricType::kGauge, 1, {"groupIndex"}, 0, {}},
    {MetricId::kPeerManagerStarved, "lodestar_peer_manager_starved_bool",
     "Whether lodestar is starved of data while syncing", MetricType::kGauge, 0, {}, 0, {}},
    {MetricId::kLeakedConnectionsCount, "lodestar_peer_manager_leaked_connections_count",
     "Total libp2p leaked connections detected by lodestar", MetricType::kGauge, 0, {}, 0, {}},
}};
constexpr bool metric_specs_in_id_order() {
  for (size_t i = 0; i < kMetricCount; i++) {
    if (static_cast<size_t>(kMetricSpecs[i].id) != i) return false;
  }
  return true;
}
static_assert(metric_specs_in_id_order());

constexpr const MetricSpec& metric_spec(MetricId id) { return kMetricSpecs[static_cast<size_t>(id)]; }

constexpr std::optional<MetricId> metric_from_name(std::string_view name) {
  for (const MetricSpec& spec : kMetricSpecs) {
    if (spec.name == name) return spec.id;
  }
  return std::nullopt;
}

// One series as a scrape reads it.
struct MetricSeries {
  MetricId id = MetricId::kPeers;
  std::vector<std::string> label_values;  // in the spec's label_names order
  double value = 0;                       // gauge
  std::vector<uint64_t> buckets;          // histogram: cumulative count per finite bound
  double sum = 0;                         // histogram
  uint64_t count = 0;                     // histogram
  bool operator==(const MetricSeries&) const = default;
};

// Label values in the spec's label_names order; copied when a series is made.
using MetricLabels = std::initializer_list<std::string_view>;

// One metric: its series by label values, in insertion order.
class Metric {
 public:
  explicit Metric(MetricId id);
  void set(MetricLabels labels, double value);
  void inc(MetricLabels labels, double by = 1);
  void observe(MetricLabels labels, double value);
  // observe() split in two, for a caller that observes one series many times
  // between resets: the series' position (made now if new, as observe would)
  // and an observation at that position, valid until the next reset().
  size_t series_position(MetricLabels labels);
  void observe_at(size_t position, double value);
  // set() split the same way, for a gauge (never reset: a position stays valid).
  void set_at(size_t position, double value);
  void reset();
  MetricId id() const { return id_; }
  // Writes every series (histogram buckets made cumulative) into (*out)[*at...],
  // reusing the elements already there, and advances *at past them.
  void read(std::vector<MetricSeries>* out, size_t* at) const;

 private:
  // Up to this many series a lookup scans them: metrics have a few (clients,
  // directions, reasons), and a scrape looks them up once per connected peer.
  static constexpr size_t kScanSeries = 16;

  struct Series {
    std::vector<std::string> labels;
    double value = 0;
    std::vector<uint64_t> bucket_counts;  // per finite bound, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  Series& series_of(MetricLabels labels);

  MetricId id_;
  std::vector<Series> series_;
  std::unordered_map<std::string, size_t> index_;  // joined labels -> series_ position; only looked up
};

// The registry's peer-manager metrics; member names follow metrics.ts.
struct NetworkCoreMetrics {
  Metric peers{MetricId::kPeers};
  Metric peers_by_direction{MetricId::kPeersByDirection};
  Metric peers_by_client{MetricId::kPeersByClient};
  Metric peer_long_lived_attnets{MetricId::kPeerLongLivedAttnets};
  Metric peer_column_group_count{MetricId::kPeerColumnGroupCount};
  Metric peer_score_by_client{MetricId::kPeerScoreByClient};
  Metric peer_gossip_score_by_client{MetricId::kPeerGossipScoreByClient};
  Metric peer_connection_length{MetricId::kPeerConnectionLength};
  Metric peers_sync{MetricId::kPeersSync};
  Metric peer_connected_event{MetricId::kPeerConnectedEvent};
  Metric peer_disconnected_event{MetricId::kPeerDisconnectedEvent};
  Metric peer_goodbye_received{MetricId::kPeerGoodbyeReceived};
  Metric peer_long_connection_disconnect{MetricId::kPeerLongConnectionDisconnect};
  Metric peer_goodbye_sent{MetricId::kPeerGoodbyeSent};
  Metric peers_requested_to_connect{MetricId::kPeersRequestedToConnect};
  Metric peers_requested_to_disconnect{MetricId::kPeersRequestedToDisconnect};
  Metric peers_requested_subnets_to_query{MetricId::kPeersRequestedSubnetsToQuery};
  Metric peers_requested_subnets_peer_count{MetricId::kPeersRequestedSubnetsPeerCount};
  Metric peers_report_peer_count{MetricId::kPeersReportPeerCount};
  Metric peer_count_per_sampling_group{MetricId::kPeerCountPerSamplingGroup};
  Metric peer_manager_starved{MetricId::kPeerManagerStarved};
  Metric leaked_connections_count{MetricId::kLeakedConnectionsCount};

  // peerCountPerSamplingGroup.set({groupIndex: String(groupIndex)}, count):
  // prioritizePeers sets every custody group's series on every heartbeat, so
  // each group's series position is remembered (the lookup by label text, a
  // hash of a joined string per group, was a tenth of a heartbeat).
  void set_peer_count_per_sampling_group(size_t group_index, double count);

  // Every series of every metric, in registration order (no collect run).
  std::vector<MetricSeries> read() const;
  // The same into *out, reusing its elements' storage (a scrape per event).
  void read(std::vector<MetricSeries>* out) const;

 private:
  // Group index -> its series' position in peer_count_per_sampling_group,
  // kNoSeries until the series is made (in the order the groups are first
  // set, as by label).
  static constexpr size_t kNoSeries = SIZE_MAX;
  static constexpr size_t kMaxRememberedGroups = 1 << 16;  // NUMBER_OF_CUSTODY_GROUPS is 128; beyond this, by label
  std::vector<size_t> sampling_group_series_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_METRICS_H_
