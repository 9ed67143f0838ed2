#include "replay/metrics_record.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "trace/json_tape.h"

using peers::MetricId;
using peers::MetricSeries;
using replay::ExpectedMetrics;

namespace {

void apply_record(ExpectedMetrics* em, const nlohmann::json& record) {
  replay::JsonTape tape;
  std::string why;
  REQUIRE(tape.parse(record.dump(), &why));
  em->apply(tape.root());
}

MetricSeries gauge(MetricId id, std::vector<std::string> labels, double value) {
  MetricSeries s;
  s.id = id;
  s.label_values = std::move(labels);
  s.value = value;
  return s;
}

// The registries as sets of series: what compare() must decide.
std::map<std::string, MetricSeries> as_set(const std::vector<MetricSeries>& r) {
  std::map<std::string, MetricSeries> out;
  for (const MetricSeries& s : r) out[replay::metric_series_key(s)] = s;
  return out;
}

}  // namespace

// compare() remembers the last scrape it found equal and then looks only at
// what changed; this walk checks it against the plain set comparison, over
// records that add, change and remove series, scrapes that drift from the
// records in every way, and records applied twice before one compare.
TEST_CASE("ExpectedMetrics::compare agrees with a comparison of the whole registries", "[metrics]") {
  std::mt19937 rng(20261207);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto below = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::vector<std::string> clients = {"Lodestar", "Lighthouse", "Prysm", "Teku", "Nimbus", "Grandine", "Unknown"};

  std::vector<MetricSeries> registry = {gauge(MetricId::kPeers, {}, 0)};  // the engine's, in its order
  std::vector<MetricSeries> recorded;                                      // as of the last record
  ExpectedMetrics em;
  bool next_full = true;
  int differences = 0;
  for (uint64_t seq = 1; seq <= 20000; seq++) {
    for (MetricSeries& s : registry) {
      if (chance(0.1)) s.value = static_cast<double>(below(5));
    }
    if (chance(0.05)) {
      const std::string c = clients[below(clients.size())];
      const MetricSeries s = gauge(MetricId::kPeersByClient, {c}, static_cast<double>(below(3)));
      if (as_set(registry).count(replay::metric_series_key(s)) == 0) registry.push_back(s);
    }
    if (registry.size() > 1 && chance(0.04)) registry.erase(registry.begin() + 1 + static_cast<long>(below(registry.size() - 1)));
    apply_record(&em, replay::metrics_record_json(seq, next_full, recorded, registry));
    recorded = registry;
    next_full = false;
    if (chance(0.2)) continue;  // another event before this record is compared

    std::vector<MetricSeries> actual = registry;
    const size_t kind = chance(0.15) ? below(4) : 4;
    if (kind == 0) actual[below(actual.size())].value += 1;
    if (kind == 1) actual.erase(actual.begin() + static_cast<long>(below(actual.size())));
    if (kind == 2) actual.push_back(gauge(MetricId::kPeersByDirection, {"inbound"}, 1));
    if (kind == 3) std::reverse(actual.begin(), actual.end());  // the same set: no difference
    const bool differ = as_set(actual) != as_set(registry);
    INFO("seq " << seq << ", drift " << kind);
    const std::optional<replay::MetricDifference> d = em.compare(actual);
    REQUIRE(d.has_value() == differ);
    if (!differ) continue;
    // The message is the full comparison's, as a fresh registry gives it.
    ExpectedMetrics fresh;
    apply_record(&fresh, replay::metrics_record_json(seq, true, {}, registry));
    const std::optional<replay::MetricDifference> f = fresh.compare(actual);
    REQUIRE(f.has_value());
    CHECK(d->series == f->series);
    CHECK(d->expected == f->expected);
    CHECK(d->actual == f->actual);
    differences++;
    em = ExpectedMetrics();  // a replay stops at its first difference: start over
    next_full = true;
  }
  CHECK(differences > 100);
}

TEST_CASE("ExpectedMetrics::compare sees a series the engine changed and no record did", "[metrics]") {
  const std::vector<MetricSeries> r = {gauge(MetricId::kPeers, {}, 3), gauge(MetricId::kPeersByClient, {"Teku"}, 1)};
  ExpectedMetrics em;
  apply_record(&em, replay::metrics_record_json(1, true, {}, r));
  REQUIRE_FALSE(em.compare(r).has_value());
  apply_record(&em, replay::metrics_record_json(2, false, r, r));  // an empty delta
  std::vector<MetricSeries> moved = r;
  moved[1].value = 2;
  const std::optional<replay::MetricDifference> d = em.compare(moved);
  REQUIRE(d.has_value());
  CHECK(d->series == "lodestar_peers_by_client_count{client=\"Teku\"}");
  CHECK(d->expected == "1");
  CHECK(d->actual == "2");
}

// FORMAT.md §8.1: a value JSON cannot carry is spelled "+Inf", "-Inf", "NaN";
// written so by the engine's records and read back equal, any NaN equal to any NaN.
TEST_CASE("metrics values that are not finite are written as +Inf, -Inf, NaN and compare equal", "[metrics]") {
  MetricSeries h;
  h.id = MetricId::kPeerGossipScoreByClient;
  h.label_values = {"Teku"};
  h.buckets.assign(peers::metric_spec(h.id).bucket_count, 2);
  h.count = 2;
  h.sum = -std::numeric_limits<double>::infinity();
  const std::vector<MetricSeries> r = {gauge(MetricId::kPeers, {}, std::numeric_limits<double>::infinity()), h};
  const nlohmann::json record = replay::metrics_record_json(1, true, {}, r);
  CHECK(record["series"][0]["value"] == "+Inf");
  CHECK(record["series"][1]["sum"] == "-Inf");
  ExpectedMetrics em;
  apply_record(&em, record);
  CHECK_FALSE(em.compare(r).has_value());
  // prom-client's spelling in the text format (util.js getValueAsString, "Nan" included)
  const std::string text = replay::prometheus_text(r);
  CHECK(text.find("\nlibp2p_peers +Inf\n") != std::string::npos);
  CHECK(text.find("lodestar_gossip_score_by_client_sum{client=\"Teku\"} -Inf\n") != std::string::npos);

  std::vector<MetricSeries> nan = r;
  nan[0].value = std::bit_cast<double>(uint64_t{0xfff8000000000000});  // x86's default NaN: inf - inf
  const nlohmann::json nan_record = replay::metrics_record_json(2, true, {}, nan);
  CHECK(nan_record["series"][0]["value"] == "NaN");
  CHECK(replay::prometheus_text(nan).find("\nlibp2p_peers Nan\n") != std::string::npos);
  ExpectedMetrics em2;
  apply_record(&em2, nan_record);
  CHECK_FALSE(em2.compare(nan).has_value());
  std::vector<MetricSeries> finite = nan;
  finite[0].value = 1;
  CHECK(em2.compare(finite).has_value());
}
