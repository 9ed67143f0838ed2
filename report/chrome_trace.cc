// chrome_trace: see chrome_trace.h.
#include "report/chrome_trace.h"

#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "trace/trace_reader.h"
#include "trace/trace_schema.h"

namespace report {

namespace {

using nlohmann::json;
using replay::JsonRef;
using replay::Record;
using replay::RecordType;

constexpr int kPid = 1;
constexpr int kGlobalTid = 0;  // events that name no peer, and the counters

struct OpenSpan {
  std::string cat, name, id;
  int tid = 0;
};

class Exporter {
 public:
  Exporter(std::ostream& out, ExportStats* stats) : out_(out), stats_(stats) {}

  void begin() {
    out_ << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    emit({{"name", "process_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", kGlobalTid},
          {"args", {{"name", "peer manager"}}}});
    emit({{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", kGlobalTid},
          {"args", {{"name", "(no peer)"}}}});
  }

  void add(const Record& rec) {
    if (rec.type == RecordType::kEvent) add_event(rec);
    if (rec.type == RecordType::kExpect) add_expect(rec);
  }

  // Spans still open end where the trace ends.
  void end() {
    for (auto& [key, span] : open_) end_span(span, last_us_);
    open_.clear();
    out_ << "\n]}\n";
  }

 private:
  void emit(const json& e) {
    if (stats_->trace_events > 0) out_ << ",\n";
    out_ << e.dump(-1, ' ', false, json::error_handler_t::replace);
    stats_->trace_events++;
  }

  int tid_of(std::string_view peer) {
    auto it = tids_.find(std::string(peer));
    if (it != tids_.end()) return it->second;
    const int tid = static_cast<int>(tids_.size()) + 1;
    tids_.emplace(std::string(peer), tid);
    stats_->peers++;
    emit({{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", {{"name", std::string(peer)}}}});
    emit({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", {{"sort_index", tid}}}});
    return tid;
  }

  void begin_span(const std::string& key, OpenSpan span, json args) {
    emit({{"name", span.name}, {"cat", span.cat}, {"ph", "b"}, {"id", span.id}, {"pid", kPid}, {"tid", span.tid},
          {"ts", now_us_}, {"args", std::move(args)}});
    open_[key] = std::move(span);
  }

  void end_span(const OpenSpan& span, int64_t ts_us) {
    emit({{"name", span.name}, {"cat", span.cat}, {"ph", "e"}, {"id", span.id}, {"pid", kPid}, {"tid", span.tid},
          {"ts", ts_us}});
  }

  void end_span_named(const std::string& key, json args = json::object()) {
    auto it = open_.find(key);
    if (it == open_.end()) return;
    emit({{"name", it->second.name}, {"cat", it->second.cat}, {"ph", "e"}, {"id", it->second.id}, {"pid", kPid},
          {"tid", it->second.tid}, {"ts", now_us_}, {"args", std::move(args)}});
    open_.erase(it);
  }

  void open_connection(std::string_view peer, std::string_view conn, std::string_view direction) {
    const int tid = tid_of(peer);
    const std::string key = "conn:" + std::string(peer) + "/" + std::string(conn);
    begin_span(key, {"connection", "connection " + std::string(direction), key, tid},
               {{"conn", conn}, {"direction", direction}});
    if (direction == "outbound") outbound_++; else inbound_++;
  }

  void close_connection(std::string_view peer, std::string_view conn, std::string_view direction) {
    const std::string key = "conn:" + std::string(peer) + "/" + std::string(conn);
    if (open_.count(key) == 0) return;  // never announced: nothing to close
    end_span_named(key);
    if (direction == "outbound") outbound_--; else inbound_--;
  }

  void counters() {
    emit({{"name", "connections"}, {"ph", "C"}, {"pid", kPid}, {"tid", kGlobalTid}, {"ts", now_us_},
          {"args", {{"inbound", inbound_}, {"outbound", outbound_}}}});
  }

  void add_event(const Record& rec) {
    stats_->events++;
    if (origin_ms_ < 0) origin_ms_ = rec.t_ms;
    now_us_ = (rec.t_ms - origin_ms_) * 1000;
    last_us_ = now_us_;
    const JsonRef j = rec.root();
    json args = rec.to_json();
    args.erase("type");
    const JsonRef peer = j.find("peer");
    std::string name = rec.kind;
    if (rec.kind == "timer") name += " " + std::string(j["timer"].str());
    if (rec.kind == "request") name += " " + std::string(j["method"].str());
    json instant = {{"name", name}, {"cat", "event"}, {"ph", "i"}, {"pid", kPid}, {"ts", now_us_},
                    {"args", std::move(args)}};
    if (peer.is_string()) {
      instant["tid"] = tid_of(peer.str());
      instant["s"] = "t";
    } else {
      instant["tid"] = kGlobalTid;
      instant["s"] = "p";
    }
    emit(instant);
    if (rec.kind == "init") {
      for (const JsonRef c : j["connections"]) open_connection(c["peer"].str(), c["conn"].str(), c["direction"].str());
      counters();
    } else if (rec.kind == "connection_open") {
      open_connection(peer.str(), j["conn"].str(), j["direction"].str());
      counters();
    } else if (rec.kind == "connection_close") {
      close_connection(peer.str(), j["conn"].str(), j["direction"].is_string() ? j["direction"].str() : "");
      counters();
    } else if (rec.kind == "response") {
      json result = j.contains("ok") ? json{{"ok", j["ok"].to_json()}} : json{{"error", j["error"].to_json()}};
      end_span_named("req:" + std::to_string(j["req"].as_uint64()), std::move(result));
    } else if (rec.kind == "timer" && j["timer"] == "goodbye_timeout" && j["req"].is_number()) {
      end_span_named("req:" + std::to_string(j["req"].as_uint64()), {{"timeout", true}});
    }
  }

  void add_expect(const Record& rec) {
    const JsonRef j = rec.root();
    for (const JsonRef a : j["actions"]) {
      const JsonRef req = a.find("req");
      if (!req.is_number() || !a["peer"].is_string()) continue;
      const std::string key = "req:" + std::to_string(req.as_uint64());
      begin_span(key, {"request", std::string(a["kind"].str()), key, tid_of(a["peer"].str())}, a.to_json());
    }
    for (const JsonRef s : j["scores"]) {
      emit({{"name", "score " + std::string(s["peer"].str())}, {"ph", "C"}, {"pid", kPid}, {"tid", kGlobalTid},
            {"ts", now_us_}, {"args", {{"score", *spelled_number(s["score"])}}}});  // checked by the reader
    }
    for (const JsonRef p : j["scores_removed"]) {
      emit({{"name", "score " + std::string(p.str())}, {"ph", "C"}, {"pid", kPid}, {"tid", kGlobalTid},
            {"ts", now_us_}, {"args", {{"score", 0}}}});
    }
  }

  std::ostream& out_;
  ExportStats* stats_;
  int64_t origin_ms_ = -1, now_us_ = 0, last_us_ = 0;
  int64_t inbound_ = 0, outbound_ = 0;
  std::unordered_map<std::string, int> tids_;
  std::map<std::string, OpenSpan> open_;  // ordered: the spans closed at the end come out deterministically
};

}  // namespace

peers::Status export_chrome_trace(const std::string& path, bool strict, std::ostream& out, ExportStats* stats) {
  replay::ReaderOptions ropts;
  ropts.strict = strict;
  auto opened = replay::TraceReader::open(path, ropts);
  if (!opened.is_ok()) return opened.status();
  replay::TraceReader& reader = *opened.value();
  *stats = {};
  Exporter ex(out, stats);
  ex.begin();
  Record rec;
  for (;;) {
    bool done = false;
    const peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) return s;
    if (done) break;
    ex.add(rec);
  }
  ex.end();
  if (!out) return peers::Status::io_error("write failed");
  return peers::Status();
}

}  // namespace report
