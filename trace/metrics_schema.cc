#include "trace/metrics_schema.h"

#include <string>

#include "peers/metrics.h"

namespace replay {

using peers::Status;

namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

bool is_count(JsonRef v) { return v.is_number_integer() && v.as_int64() >= 0 && v.as_int64() <= kMaxSafeInteger; }


// {name, labels}: a known metric and exactly its label names, string values.
Status check_series_id(JsonRef s, const std::string& at, const peers::MetricSpec** spec) {
  if (!s.is_object()) return Status::corruption(at + ": expected an object");
  JsonRef name = s.find("name");
  if (!name.is_string()) return Status::corruption(at + ": expected a string member \"name\"");
  const auto id = peers::metric_from_name(name.str());
  if (!id.has_value()) {
    return Status::corruption(at + ": unknown metric name \"" + std::string(name.str()).substr(0, 80) +
                              "\" (FORMAT.md §8.2 lists the peer-manager metrics)");
  }
  *spec = &peers::metric_spec(*id);
  JsonRef labels = s.find("labels");
  if (!labels.is_object()) return Status::corruption(at + ".labels: expected an object");
  if (labels.size() != (*spec)->label_count) {
    return Status::corruption(at + ".labels: " + std::string((*spec)->name) + " has " +
                              std::to_string((*spec)->label_count) + " label(s), got " + std::to_string(labels.size()));
  }
  for (size_t i = 0; i < (*spec)->label_count; i++) {
    const std::string_view label = (*spec)->label_names[i];
    if (!labels.find(label).is_string()) {
      return Status::corruption(at + ".labels: expected a string member \"" + std::string(label) + "\"");
    }
  }
  return Status::ok();
}

Status check_series(JsonRef s, const SchemaContext& ctx, const std::string& at) {
  const peers::MetricSpec* spec = nullptr;
  Status st = check_series_id(s, at, &spec);
  if (!st.is_ok()) return st;
  size_t members = 2;
  if (spec->type == peers::MetricType::kGauge) {
    if (!spelled_number(s.find("value")).has_value()) {
      return Status::corruption(at + ": expected \"value\", a finite number or \"+Inf\", \"-Inf\", \"NaN\" (a gauge)");
    }
    members += 1;
  } else {
    JsonRef buckets = s.find("buckets");
    JsonRef count = s.find("count");
    if (!buckets.is_array() || buckets.size() != spec->bucket_count) {
      return Status::corruption(at + ": expected \"buckets\", an array of " + std::to_string(spec->bucket_count) +
                                " cumulative counts (a histogram)");
    }
    if (!is_count(count)) return Status::corruption(at + ": expected a non-negative integer \"count\"");
    if (!spelled_number(s.find("sum")).has_value()) {
      return Status::corruption(at + ": expected \"sum\", a finite number or \"+Inf\", \"-Inf\", \"NaN\"");
    }
    uint64_t previous = 0;
    for (const JsonRef b : buckets) {
      if (!is_count(b) || b.as_uint64() < previous || b.as_uint64() > count.as_uint64()) {
        return Status::corruption(at + ".buckets: expected non-decreasing counts, none above \"count\"");
      }
      previous = b.as_uint64();
    }
    members += 3;
  }
  if (s.size() != members) {
    const std::string msg = "metrics series: unknown member(s) beside name, labels and the value";
    if (ctx.strict) return Status::corruption(at + ": " + msg + " (--strict)");
    if (ctx.on_warning) ctx.on_warning(at + ": warning: " + msg);
  }
  return Status::ok();
}

}  // namespace

Status check_metrics(JsonRef j, const SchemaContext& ctx, uint64_t* seq) {
  JsonRef seq_ref = j.find("seq");
  if (!is_count(seq_ref)) return Status::corruption(ctx.at() + "metrics: expected an integer member \"seq\"");
  JsonRef full = j.find("full");
  if (!full.is_boolean()) return Status::corruption(ctx.at() + "metrics: expected a boolean member \"full\"");
  JsonRef series = j.find("series");
  if (!series.is_array()) return Status::corruption(ctx.at() + "metrics: expected an array member \"series\"");
  JsonRef removed = j.find("removed");
  if (full.as_bool() && removed) {
    return Status::corruption(ctx.at() + "metrics: \"removed\" with \"full\":true (a full record lists every series)");
  }
  if (!full.as_bool() && !removed.is_array()) {
    return Status::corruption(ctx.at() + "metrics: expected an array member \"removed\" (\"full\":false)");
  }
  const size_t known = full.as_bool() ? 4 : 5;
  if (j.size() != known) {
    const std::string msg = "metrics: unknown member(s) beside type, seq, full, series and removed";
    if (ctx.strict) return Status::corruption(ctx.at() + msg + " (--strict)");
    if (ctx.on_warning) ctx.on_warning(ctx.at() + "warning: " + msg);
  }
  size_t i = 0;
  for (const JsonRef s : series) {
    Status st = check_series(s, ctx, ctx.at() + "metrics series[" + std::to_string(i++) + "]");
    if (!st.is_ok()) return st;
  }
  i = 0;
  for (const JsonRef r : removed) {
    const peers::MetricSpec* spec = nullptr;
    Status st = check_series_id(r, ctx.at() + "metrics removed[" + std::to_string(i++) + "]", &spec);
    if (!st.is_ok()) return st;
  }
  *seq = seq_ref.as_uint64();
  return Status::ok();
}

}  // namespace replay
