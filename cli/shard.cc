// shard: see shard.h.
#include "cli/shard.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

namespace replay {

namespace {

using nlohmann::json;

constexpr const char* kSummaryFormat = "peer-replay-shard-summary";
constexpr int kSummaryVersion = 1;

bool parse_count(std::string_view text, size_t* out) {
  if (text.empty() || text.size() > 6) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

const char* status_key(OutcomeStatus s) {
  switch (s) {
    case OutcomeStatus::kPass: return "pass";
    case OutcomeStatus::kFail: return "fail";
    case OutcomeStatus::kError: return "error";
    case OutcomeStatus::kKnownFail: return "known-fail";
    case OutcomeStatus::kFixed: return "fixed";
    case OutcomeStatus::kTruncated: return "truncated";
  }
  return "?";
}

bool status_from_key(const std::string& key, OutcomeStatus* out) {
  for (OutcomeStatus s : {OutcomeStatus::kPass, OutcomeStatus::kFail, OutcomeStatus::kError, OutcomeStatus::kKnownFail,
                          OutcomeStatus::kFixed, OutcomeStatus::kTruncated}) {
    if (key == status_key(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

// One outcome from its JSON object; false (with *what) when a member is
// missing or of the wrong type.
bool outcome_from_json(const json& j, TraceOutcome* o, std::string* what) {
  if (!j.is_object()) return *what = "expected an object", false;
  for (const char* key : {"name", "path", "status", "message", "report"}) {
    if (!j.contains(key) || !j[key].is_string()) return *what = std::string("member \"") + key + "\": expected a string", false;
  }
  if (!j.contains("seconds") || !j["seconds"].is_number()) return *what = "member \"seconds\": expected a number", false;
  if (!status_from_key(j["status"].get<std::string>(), &o->status)) {
    return *what = "member \"status\": expected pass, fail, error, known-fail or fixed", false;
  }
  o->name = j["name"].get<std::string>();
  o->path = j["path"].get<std::string>();
  o->message = j["message"].get<std::string>();
  o->report = j["report"].get<std::string>();
  o->seconds = j["seconds"].get<double>();
  return true;
}

}  // namespace

bool parse_shard(std::string_view text, ShardSpec* out, std::string* error) {
  const size_t slash = text.find('/');
  ShardSpec s;
  const bool ok = slash != std::string_view::npos && parse_count(text.substr(0, slash), &s.index) &&
                  parse_count(text.substr(slash + 1), &s.count) && s.count >= 1 && s.count <= kMaxShards &&
                  s.index >= 1 && s.index <= s.count;
  if (!ok) {
    *error = "--shard " + std::string(text) + ": expected I/N with 1 <= I <= N <= " + std::to_string(kMaxShards) +
             " (e.g. --shard 2/4)";
    return false;
  }
  *out = s;
  return true;
}

std::string shard_name(const ShardSpec& spec) { return std::to_string(spec.index) + "/" + std::to_string(spec.count); }

std::vector<std::string> select_shard(const std::vector<std::string>& paths, const ShardSpec& spec) {
  namespace fs = std::filesystem;
  std::vector<size_t> order(paths.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const std::string na = fs::path(paths[a]).filename().string(), nb = fs::path(paths[b]).filename().string();
    return na != nb ? na < nb : paths[a] < paths[b];
  });
  std::vector<bool> mine(paths.size(), false);
  for (size_t k = 0; k < order.size(); k++) mine[order[k]] = k % spec.count + 1 == spec.index;
  std::vector<std::string> out;
  for (size_t i = 0; i < paths.size(); i++) {
    if (mine[i]) out.push_back(paths[i]);
  }
  return out;
}

std::string shard_summary_json(const ShardSpec& spec, const std::vector<TraceOutcome>& outcomes) {
  json traces = json::array();
  for (const TraceOutcome& o : outcomes) {
    traces.push_back(json{{"name", o.name}, {"path", o.path}, {"status", status_key(o.status)}, {"message", o.message},
                          {"report", o.report}, {"seconds", o.seconds}});
  }
  const json j{{"format", kSummaryFormat}, {"format_version", kSummaryVersion}, {"shard", spec.index},
               {"shards", spec.count}, {"traces", std::move(traces)}};
  // Replaced, not thrown on: a message may quote bytes that are not UTF-8.
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

bool read_shard_summary(const std::string& path, ShardSummary* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return *error = path + ": cannot open", false;
  std::ostringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) return *error = path + ": not JSON (expected a shard summary from check --shard-summary)", false;
  if (!j.is_object() || j.value("format", "") != kSummaryFormat || j.value("format_version", 0) != kSummaryVersion) {
    return *error = path + ": not a shard summary (expected \"format\":\"" + kSummaryFormat + "\", version 1)", false;
  }
  if (!j.contains("shard") || !j["shard"].is_number_unsigned() || !j.contains("shards") ||
      !j["shards"].is_number_unsigned() || !j.contains("traces") || !j["traces"].is_array()) {
    return *error = path + ": expected members \"shard\", \"shards\" (integers) and \"traces\" (an array)", false;
  }
  out->spec.index = j["shard"].get<size_t>();
  out->spec.count = j["shards"].get<size_t>();
  if (out->spec.count < 1 || out->spec.count > kMaxShards || out->spec.index < 1 || out->spec.index > out->spec.count) {
    return *error = path + ": shard " + shard_name(out->spec) + " is out of range", false;
  }
  out->outcomes.clear();
  for (size_t i = 0; i < j["traces"].size(); i++) {
    TraceOutcome o;
    std::string what;
    if (!outcome_from_json(j["traces"][i], &o, &what)) {
      return *error = path + ": traces[" + std::to_string(i) + "]: " + what, false;
    }
    out->outcomes.push_back(std::move(o));
  }
  return true;
}

bool merge_shard_summaries(std::vector<ShardSummary> summaries, std::vector<TraceOutcome>* merged,
                           std::string* error) {
  if (summaries.empty()) return *error = "merge-shards: no summary given", false;
  const size_t count = summaries.front().spec.count;
  std::map<size_t, ShardSummary*> by_index;
  for (ShardSummary& s : summaries) {
    if (s.spec.count != count) {
      return *error = "merge-shards: shard " + shard_name(s.spec) + " is from a split into " +
                      std::to_string(s.spec.count) + ", another from a split into " + std::to_string(count), false;
    }
    if (!by_index.emplace(s.spec.index, &s).second) {
      return *error = "merge-shards: shard " + shard_name(s.spec) + " given twice", false;
    }
  }
  for (size_t i = 1; i <= count; i++) {
    if (by_index.count(i) == 0) {
      return *error = "merge-shards: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing", false;
    }
  }
  std::map<std::string, size_t> shard_of;
  merged->clear();
  for (auto& [index, s] : by_index) {
    for (TraceOutcome& o : s->outcomes) {
      auto [it, fresh] = shard_of.emplace(o.path, index);
      if (!fresh) {
        return *error = "merge-shards: " + o.path + " is in shard " + std::to_string(it->second) + " and shard " +
                        std::to_string(index), false;
      }
      merged->push_back(std::move(o));
    }
  }
  std::stable_sort(merged->begin(), merged->end(), [](const TraceOutcome& a, const TraceOutcome& b) {
    return a.path < b.path;
  });
  return true;
}

}  // namespace replay
