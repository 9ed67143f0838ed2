// report_data: see report_data.h.
#include "report/report_data.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "peers/action.h"
#include "peers/goodbye.h"
#include "peers/score_constants.h"
#include "report/downsample.h"
#include "trace/trace_reader.h"
#include "trace/trace_schema.h"

namespace report {

namespace {

using nlohmann::json;
using replay::JsonRef;
using replay::Record;
using replay::RecordType;

// Per-heartbeat series: peers to connect, hangUps, then one per action kind.
constexpr size_t kHeartbeatSeries = 2 + peers::kActionKindCount;

struct Conn {
  std::string id;
  bool outbound = false;
};

struct PeerScore {
  Downsampler series{1, kScoreBuckets, Downsampler::Mode::kMinMax};
  double min = 0, last = 0;
  bool live = false;        // has a score-store entry now
  bool listed = false;      // in Extractor::live_
  uint64_t seen_dump = 0;   // the last full dump that listed it
  uint64_t order = 0;       // first appearance, for stable ties
};

// x values relative to the first event, in ms (the page shows seconds).
json series_json(const Downsampler& ds, int64_t origin_ms, const std::vector<std::string>& names) {
  std::vector<int64_t> x;
  std::vector<std::vector<double>> ys;
  ds.output(&x, &ys);
  for (int64_t& t : x) t -= origin_ms;
  json j = {{"x", x}, {"exact", ds.exact()}, {"bucket_ms", ds.bucket_width_ms()}, {"samples", ds.samples()}};
  for (size_t i = 0; i < names.size(); i++) j["y"][names[i]] = ys[i];
  return j;
}

json goodbye_counts(const std::map<std::string, uint64_t>& by_code) {
  json out = json::array();
  for (const auto& [code, n] : by_code) {
    const std::string_view name = peers::goodbye_known_code_name(code);
    out.push_back({{"code", code}, {"name", name.empty() ? "(not in GOODBYE_KNOWN_CODES)" : std::string(name)},
                   {"count", n}});
  }
  return out;
}

class Extractor {
 public:
  explicit Extractor(const ExtractOptions& options) : options_(options) {
    hb_values_.assign(kHeartbeatSeries, 0.0);
    for (size_t i = 0; i < options.mark_seqs.size() && i < kMaxMarks; i++) marks_[options.mark_seqs[i]] = -1;
    for (const std::string& p : options.involved_peers) involved_.insert(p);
  }

  void add(const Record& rec) {
    if (rec.type == RecordType::kEvent) add_event(rec);
    if (rec.type == RecordType::kExpect) add_expect(rec);
  }

  json finish(const replay::TraceReader& reader);

 private:
  void add_event(const Record& rec);
  void add_expect(const Record& rec);
  void open_connection(std::string_view peer, std::string_view conn, bool outbound);
  void close_connection(std::string_view peer, std::string_view conn);
  void sample_connected(int64_t t_ms);
  void close_heartbeat();
  void add_score(const std::string& peer, double score, uint64_t dump);
  void note_peer(std::string_view peer);
  json scores_json() const;

  const ExtractOptions& options_;
  int64_t origin_ms_ = -1, last_t_ms_ = 0;
  uint64_t events_ = 0, expects_ = 0, actions_ = 0;
  std::map<std::string, uint64_t> events_by_kind_, actions_by_kind_, timers_, goodbye_sent_, goodbye_received_;
  std::unordered_set<std::string> peers_;
  uint64_t peers_beyond_limit_ = 0;

  std::unordered_map<std::string, std::vector<Conn>> conns_;
  int64_t inbound_ = 0, outbound_ = 0;
  Downsampler connected_{2, kChartBuckets, Downsampler::Mode::kMinMax};

  bool in_heartbeat_ = false;
  int64_t heartbeat_t_ms_ = 0;
  uint64_t heartbeats_ = 0;
  std::vector<double> hb_values_;
  Downsampler per_heartbeat_{kHeartbeatSeries, kChartBuckets, Downsampler::Mode::kMean};

  std::unordered_map<std::string, std::unique_ptr<PeerScore>> scores_;
  std::vector<std::pair<const std::string*, PeerScore*>> live_;  // entries at the last full dump and since
  uint64_t dumps_ = 0;
  uint64_t score_peers_untracked_ = 0;

  std::map<uint64_t, int64_t> marks_;  // seq -> t_ms (-1: not reached)
  std::set<std::string> involved_;
  json mark_event_, mark_expect_;
};

void Extractor::note_peer(std::string_view peer) {
  if (peers_.size() >= kMaxPeersTracked) {
    if (!peers_.count(std::string(peer))) peers_beyond_limit_++;
    return;
  }
  peers_.emplace(peer);
}

void Extractor::open_connection(std::string_view peer, std::string_view conn, bool outbound) {
  std::vector<Conn>& list = conns_[std::string(peer)];
  if (list.empty()) (outbound ? outbound_ : inbound_)++;
  list.push_back({std::string(conn), outbound});
}

// A peer counts by the direction of its first open connection.
void Extractor::close_connection(std::string_view peer, std::string_view conn) {
  auto it = conns_.find(std::string(peer));
  if (it == conns_.end()) return;  // a connection the trace never announced
  std::vector<Conn>& list = it->second;
  auto c = std::find_if(list.begin(), list.end(), [&](const Conn& x) { return x.id == conn; });
  if (c == list.end()) return;
  const bool was_outbound = list.front().outbound;
  list.erase(c);
  (was_outbound ? outbound_ : inbound_)--;
  if (list.empty()) {
    conns_.erase(it);
  } else {
    (list.front().outbound ? outbound_ : inbound_)++;
  }
  assert(inbound_ >= 0 && outbound_ >= 0);
}

void Extractor::sample_connected(int64_t t_ms) {
  const double v[2] = {static_cast<double>(inbound_), static_cast<double>(outbound_)};
  connected_.add(t_ms, v);
}

void Extractor::close_heartbeat() {
  if (!in_heartbeat_) return;
  per_heartbeat_.add(heartbeat_t_ms_, hb_values_.data());
  std::fill(hb_values_.begin(), hb_values_.end(), 0.0);
}

void Extractor::add_event(const Record& rec) {
  events_++;
  if (origin_ms_ < 0) origin_ms_ = rec.t_ms;
  last_t_ms_ = rec.t_ms;
  events_by_kind_[rec.kind]++;
  const JsonRef j = rec.root();
  if (const JsonRef p = j.find("peer"); p.is_string()) note_peer(p.str());
  if (auto m = marks_.find(rec.seq); m != marks_.end()) {
    m->second = rec.t_ms;
    if (m == marks_.begin()) mark_event_ = rec.to_json();
  }
  const bool heartbeat = rec.kind == "init" || (rec.kind == "timer" && j["timer"] == "heartbeat");
  if (rec.kind == "timer") timers_[std::string(j["timer"].str())]++;
  if (heartbeat) {
    close_heartbeat();
    in_heartbeat_ = true;
    heartbeat_t_ms_ = rec.t_ms;
    heartbeats_++;
  }
  if (rec.kind == "init") {
    for (const JsonRef c : j["connections"]) {
      open_connection(c["peer"].str(), c["conn"].str(), c["direction"] == "outbound");
      note_peer(c["peer"].str());
    }
    sample_connected(rec.t_ms);
  } else if (rec.kind == "connection_open") {
    open_connection(j["peer"].str(), j["conn"].str(), j["direction"] == "outbound");
    sample_connected(rec.t_ms);
  } else if (rec.kind == "connection_close") {
    close_connection(j["peer"].str(), j["conn"].str());
    sample_connected(rec.t_ms);
  } else if (rec.kind == "request" && j["method"] == "goodbye" && j["body"].is_string()) {
    goodbye_received_[std::string(j["body"].str())]++;
  }
}

void Extractor::add_score(const std::string& peer, double score, uint64_t dump) {
  auto it = scores_.find(peer);
  if (it == scores_.end()) {
    if (scores_.size() >= kMaxPeersTracked) {
      score_peers_untracked_++;
      return;
    }
    it = scores_.emplace(peer, std::make_unique<PeerScore>()).first;
    it->second->order = scores_.size();
  }
  PeerScore& ps = *it->second;
  ps.series.add(last_t_ms_, &score);
  ps.min = std::min(ps.min, score);
  ps.last = score;
  if (dump != 0) ps.seen_dump = dump;
  if (!ps.listed) live_.emplace_back(&it->first, &ps);
  ps.listed = true;
  ps.live = true;
}

void Extractor::add_expect(const Record& rec) {
  expects_++;
  const JsonRef j = rec.root();
  for (const JsonRef a : j["actions"]) {
    actions_++;
    const std::string_view kind = a["kind"].str();
    actions_by_kind_[std::string(kind)]++;
    if (const JsonRef p = a.find("peer"); p.is_string()) note_peer(p.str());
    if (kind == "send_goodbye") goodbye_sent_[std::string(a["reason"].str())]++;
    if (const auto k = peers::enum_from_name<peers::ActionKind>(peers::kActionKindNames, kind)) {
      hb_values_[2 + static_cast<size_t>(*k)] += 1;
      if (*k == peers::ActionKind::kDiscoverPeers) hb_values_[0] += a["peers_to_connect"].as_double();
      if (*k == peers::ActionKind::kDisconnect) hb_values_[1] += 1;
    }
  }
  const bool full = j["scores_full"].is_boolean() && j["scores_full"].as_bool();
  const uint64_t dump = full ? ++dumps_ : 0;
  for (const JsonRef s : j["scores"]) add_score(std::string(s["peer"].str()), *spelled_number(s["score"]), dump);  // checked by the reader
  for (const JsonRef p : j["scores_removed"]) {
    auto it = scores_.find(std::string(p.str()));
    if (it != scores_.end() && it->second->live) add_score(it->first, 0.0, 0), it->second->live = false;
  }
  if (full) {
    // Entries missing from a full dump were deleted: their score is the default.
    std::vector<std::pair<const std::string*, PeerScore*>> still;
    for (auto& [name, ps] : live_) {
      if (ps->live && ps->seen_dump != dump) {
        ps->series.add(last_t_ms_, &peers::kDefaultScore);
        ps->last = peers::kDefaultScore;
        ps->live = false;
      }
      ps->listed = ps->live;
      if (ps->live) still.emplace_back(name, ps);
    }
    live_ = std::move(still);
  }
  if (!marks_.empty() && rec.seq == marks_.begin()->first) {
    mark_expect_ = rec.to_json();
    if (mark_event_.contains("peer")) involved_.insert(mark_event_["peer"].get<std::string>());
    for (const JsonRef a : j["actions"]) {
      if (const JsonRef p = a.find("peer"); p.is_string()) involved_.emplace(p.str());
    }
  }
}

json Extractor::scores_json() const {
  // The worst peers (lowest minimum score; first seen first on ties), then
  // the involved ones wherever they rank.
  std::vector<std::pair<const std::string*, const PeerScore*>> all;
  all.reserve(scores_.size());
  for (const auto& [name, ps] : scores_) all.emplace_back(&name, ps.get());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.second->min != b.second->min) return a.second->min < b.second->min;
    return a.second->order < b.second->order;
  });
  json listed = json::array();
  size_t n = 0;
  for (const auto& [name, ps] : all) {
    const bool involved = involved_.count(*name) > 0;
    if (n >= kPeersListed && !involved) continue;
    n++;
    json s = series_json(ps->series, origin_ms_, {"score"});
    s["peer"] = *name;
    s["min"] = ps->min;
    s["last"] = ps->last;
    s["involved"] = involved;
    listed.push_back(std::move(s));
  }
  return {{"peers", std::move(listed)},
          {"peers_with_scores", scores_.size() + score_peers_untracked_},
          {"untracked", score_peers_untracked_}};
}

json Extractor::finish(const replay::TraceReader& reader) {
  close_heartbeat();
  if (origin_ms_ < 0) origin_ms_ = 0;
  const json h = reader.header().to_json();
  json d;
  d["path"] = reader.path();
  d["header"] = {{"scenario", h.value("scenario", json())}, {"seed", h.value("seed", json())},
                 {"producer", h.value("producer", json())},  {"config", h.value("config", json())},
                 {"local", h.value("local", json())}};
  d["counts"] = {{"events", events_},
                 {"expects", expects_},
                 {"actions", actions_},
                 {"heartbeats", heartbeats_},
                 {"peers", peers_.size() + peers_beyond_limit_},
                 {"first_t_ms", origin_ms_},
                 {"last_t_ms", last_t_ms_},
                 {"file_bytes", reader.bytes_read()},
                 {"jsonl_bytes", reader.bytes_decompressed()},
                 {"events_by_kind", events_by_kind_},
                 {"timers", timers_},
                 {"actions_by_kind", actions_by_kind_}};
  // score/constants.ts, the lines drawn on the score chart.
  d["thresholds"] = json::array({
      {{"name", "MIN_SCORE_BEFORE_DISCONNECT"}, {"value", peers::kMinScoreBeforeDisconnect}},
      {{"name", "MIN_SCORE_BEFORE_BAN"}, {"value", peers::kMinScoreBeforeBan}},
  });
  d["score_range"] = {peers::kMinScore, peers::kMaxScore};
  d["connected"] = series_json(connected_, origin_ms_, {"inbound", "outbound"});
  std::vector<std::string> hb_names = {"peers_to_connect", "disconnect_calls"};
  for (const char* k : peers::kActionKindNames) hb_names.emplace_back(k);
  d["per_heartbeat"] = series_json(per_heartbeat_, origin_ms_, hb_names);
  d["action_kinds"] = peers::kActionKindNames;
  d["scores"] = scores_json();
  d["goodbye_sent"] = goodbye_counts(goodbye_sent_);
  d["goodbye_received"] = goodbye_counts(goodbye_received_);
  json marks = json::array();
  for (const auto& [seq, t] : marks_) {
    if (t >= 0) marks.push_back({{"seq", seq}, {"t_ms", t - origin_ms_}});
  }
  d["marks"] = std::move(marks);
  d["mark_event"] = mark_event_;
  d["mark_expect"] = mark_expect_;
  d["involved_peers"] = json(std::vector<std::string>(involved_.begin(), involved_.end()));
  d["limits"] = {{"chart_buckets", kChartBuckets}, {"score_buckets", kScoreBuckets}, {"peers_listed", kPeersListed}};
  return d;
}

}  // namespace

peers::Status extract_report_data(const std::string& path, const ExtractOptions& options, json* data) {
  replay::ReaderOptions ropts;
  ropts.strict = options.strict;
  auto opened = replay::TraceReader::open(path, ropts);
  if (!opened.is_ok()) return opened.status();
  replay::TraceReader& reader = *opened.value();
  Extractor ex(options);
  Record rec;
  for (;;) {
    bool done = false;
    const peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) return s;
    if (done) break;
    ex.add(rec);
  }
  *data = ex.finish(reader);
  return peers::Status();
}

}  // namespace report
