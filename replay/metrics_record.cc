#include "replay/metrics_record.h"

#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>

#include "replay/trace_event.h"
#include "trace/metrics_schema.h"

namespace replay {

namespace {

using json = nlohmann::json;

bool same_bits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }

// Bit for bit, except that any NaN equals any NaN: a trace spells NaN "NaN"
// (FORMAT.md §8.1), which keeps no bits.
bool same_number(double a, double b) { return same_bits(a, b) || (std::isnan(a) && std::isnan(b)); }

bool same_value(const peers::MetricSeries& a, const peers::MetricSeries& b) {
  return same_number(a.value, b.value) && a.buckets == b.buckets && same_number(a.sum, b.sum) && a.count == b.count;
}

// A value as a metrics record holds it: a JSON number, or the spelling of one JSON cannot carry.
json number_json(double v) { return std::isfinite(v) ? json(v) : json(spelled_number_text(v)); }

// As prom-client prints a value (util.js getValueAsString): JavaScript's
// Number#toString (-0 is "0"), "+Inf", "-Inf", and "Nan" spelled so.
std::string prometheus_number(double v) {
  if (std::isnan(v)) return "Nan";
  if (!std::isfinite(v)) return v < 0 ? "-Inf" : "+Inf";
  return js_number(v);
}

// As a message shows a value: JavaScript's digits, but -0 kept apart from 0
// (values are compared bit for bit).
std::string message_number(double v) { return v == 0 && std::signbit(v) ? "-0" : js_number(v); }

// Escapes a label value as the exposition format requires: \ " and newline.
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const peers::MetricSpec& spec, const std::vector<std::string>& values, const char* extra_name = nullptr,
                       const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < spec.label_count; i++) {
    if (!out.empty()) out += ',';
    out += std::string(spec.label_names[i]) + "=\"" + escape_label(values[i]) + "\"";
  }
  if (extra_name != nullptr) {
    if (!out.empty()) out += ',';
    out += std::string(extra_name) + "=\"" + extra_value + "\"";
  }
  return out.empty() ? "" : "{" + out + "}";
}

// A series of a metrics record; a `removed` entry has no value (with_value false).
peers::MetricSeries series_from_json(JsonRef s, bool with_value) {
  peers::MetricSeries m;
  m.id = *peers::metric_from_name(s["name"].str());
  const peers::MetricSpec& spec = peers::metric_spec(m.id);
  for (size_t i = 0; i < spec.label_count; i++) m.label_values.emplace_back(s["labels"][spec.label_names[i]].str());
  if (!with_value) return m;
  if (spec.type == peers::MetricType::kGauge) {
    m.value = *spelled_number(s["value"]);  // the reader checked it (check_metrics)
  } else {
    for (const JsonRef b : s["buckets"]) m.buckets.push_back(b.as_uint64());
    m.sum = *spelled_number(s["sum"]);
    m.count = s["count"].as_uint64();
  }
  return m;
}

json series_json(const peers::MetricSeries& s) {
  const peers::MetricSpec& spec = peers::metric_spec(s.id);
  json labels = json::object();
  for (size_t i = 0; i < spec.label_count; i++) labels[std::string(spec.label_names[i])] = s.label_values[i];
  json j = {{"name", std::string(spec.name)}, {"labels", labels}};
  if (spec.type == peers::MetricType::kGauge) {
    j["value"] = number_json(s.value);
  } else {
    j["buckets"] = s.buckets;
    j["sum"] = number_json(s.sum);
    j["count"] = s.count;
  }
  return j;
}

}  // namespace

std::string metric_series_key(const peers::MetricSeries& s) {
  const peers::MetricSpec& spec = peers::metric_spec(s.id);
  return std::string(spec.name) + label_text(spec, s.label_values);
}

std::string metric_series_value_text(const peers::MetricSeries& s) {
  if (peers::metric_spec(s.id).type == peers::MetricType::kGauge) return message_number(s.value);
  std::string out = "buckets [";
  for (size_t i = 0; i < s.buckets.size(); i++) out += (i ? "," : "") + std::to_string(s.buckets[i]);
  return out + "] sum " + message_number(s.sum) + " count " + std::to_string(s.count);
}

void ExpectedMetrics::apply(JsonRef record) {
  if (record["full"].as_bool()) {
    series_.clear();
    touched_all_ = true;
  }
  for (const JsonRef s : record["series"]) {
    peers::MetricSeries m = series_from_json(s, true);
    std::string key = metric_series_key(m);
    if (!touched_all_) touched_.push_back(key);
    series_[std::move(key)] = std::move(m);
  }
  for (const JsonRef r : record["removed"]) {  // absent: iterates as empty
    std::string key = metric_series_key(series_from_json(r, false));
    series_.erase(key);
    if (!touched_all_) touched_.push_back(std::move(key));
  }
  if (touched_.size() > series_.size() + 1024) touched_all_ = true;  // a bound on what waits for a compare
  if (touched_all_) touched_.clear();
}

std::optional<MetricDifference> ExpectedMetrics::compare(const std::vector<peers::MetricSeries>& actual) {
  if (!touched_all_ && agreed_valid_ && same_series_set(actual) && changes_agree(actual)) {
    for (size_t i = 0; i < actual.size(); i++) {
      if (!same_value(actual[i], agreed_[i])) agreed_[i] = actual[i];
    }
    touched_.clear();
    return std::nullopt;
  }
  std::optional<MetricDifference> d = compare_all(actual);
  remember(actual, !d.has_value());
  return d;
}

std::optional<MetricDifference> ExpectedMetrics::compare_all(const std::vector<peers::MetricSeries>& actual) const {
  std::set<std::string> seen;
  for (const peers::MetricSeries& a : actual) {
    std::string key = metric_series_key(a);
    auto it = series_.find(key);
    if (it == series_.end()) return MetricDifference{key, "(absent)", metric_series_value_text(a)};
    if (!same_value(it->second, a)) {
      return MetricDifference{key, metric_series_value_text(it->second), metric_series_value_text(a)};
    }
    seen.insert(std::move(key));
  }
  for (const auto& [key, expected] : series_) {
    if (seen.count(key) == 0) return MetricDifference{key, metric_series_value_text(expected), "(absent)"};
  }
  return std::nullopt;
}

// agreed_ had the same series as series_, value for value. A scrape with the
// same series differs from series_ now only at a series whose value moved in
// the scrape, or at a key a record set or removed since.
bool ExpectedMetrics::changes_agree(const std::vector<peers::MetricSeries>& actual) const {
  for (size_t i = 0; i < actual.size(); i++) {
    if (same_value(actual[i], agreed_[i])) continue;
    auto it = series_.find(metric_series_key(actual[i]));
    if (it == series_.end() || !same_value(it->second, actual[i])) return false;
  }
  for (const std::string& key : touched_) {
    auto at = agreed_index_.find(key);
    auto it = series_.find(key);
    if (at == agreed_index_.end() || it == series_.end()) {
      if (at != agreed_index_.end() || it != series_.end()) return false;  // on one side only
      continue;
    }
    if (!same_value(it->second, actual[at->second])) return false;
  }
  return true;
}

bool ExpectedMetrics::same_series_set(const std::vector<peers::MetricSeries>& actual) const {
  if (actual.size() != agreed_.size()) return false;
  for (size_t i = 0; i < actual.size(); i++) {
    if (actual[i].id != agreed_[i].id || actual[i].label_values != agreed_[i].label_values) return false;
  }
  return true;
}

void ExpectedMetrics::remember(const std::vector<peers::MetricSeries>& actual, bool equal) {
  touched_.clear();
  touched_all_ = false;
  agreed_valid_ = equal;
  if (!equal) return;
  agreed_ = actual;
  agreed_index_.clear();
  for (size_t i = 0; i < agreed_.size(); i++) agreed_index_.emplace(metric_series_key(agreed_[i]), i);
}

json metrics_record_json(uint64_t seq, bool full, const std::vector<peers::MetricSeries>& previous,
                         const std::vector<peers::MetricSeries>& scrape) {
  json series = json::array();
  json removed = json::array();
  std::map<std::string, const peers::MetricSeries*> before;
  for (const peers::MetricSeries& p : previous) before[metric_series_key(p)] = &p;
  std::set<std::string> now;
  for (const peers::MetricSeries& s : scrape) {
    std::string key = metric_series_key(s);
    auto it = before.find(key);
    if (full || it == before.end() || !same_value(*it->second, s)) series.push_back(series_json(s));
    now.insert(std::move(key));
  }
  json rec = {{"type", "metrics"}, {"seq", seq}, {"full", full}, {"series", std::move(series)}};
  if (!full) {
    for (const peers::MetricSeries& p : previous) {
      if (now.count(metric_series_key(p)) == 0) {
        json r = series_json(p);
        removed.push_back({{"name", r["name"]}, {"labels", r["labels"]}});
      }
    }
    rec["removed"] = std::move(removed);
  }
  return rec;
}

std::string prometheus_text(const std::vector<peers::MetricSeries>& scrape) {
  std::string out;
  size_t i = 0;
  for (const peers::MetricSpec& spec : peers::kMetricSpecs) {
    const std::string name(spec.name);
    out += "# HELP " + name + " " + std::string(spec.help) + "\n";
    out += "# TYPE " + name + (spec.type == peers::MetricType::kGauge ? " gauge\n" : " histogram\n");
    for (; i < scrape.size() && scrape[i].id == spec.id; i++) {
      const peers::MetricSeries& s = scrape[i];
      if (spec.type == peers::MetricType::kGauge) {
        out += name + label_text(spec, s.label_values) + " " + prometheus_number(s.value) + "\n";
        continue;
      }
      for (size_t b = 0; b < spec.bucket_count; b++) {
        out += name + "_bucket" + label_text(spec, s.label_values, "le", prometheus_number(spec.buckets[b])) + " " +
               std::to_string(s.buckets[b]) + "\n";
      }
      out += name + "_bucket" + label_text(spec, s.label_values, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + label_text(spec, s.label_values) + " " + prometheus_number(s.sum) + "\n";
      out += name + "_count" + label_text(spec, s.label_values) + " " + std::to_string(s.count) + "\n";
    }
  }
  assert(i == scrape.size());  // a scrape is in registration order
  return out;
}

}  // namespace replay
