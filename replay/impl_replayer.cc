#include "replay/impl_replayer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/score_interface.h"
#include "replay/impl_process.h"
#include "replay/report_text.h"
#include "replay/trace_event.h"
#include "trace/format.h"
#include "trace/json_compare.h"
#include "trace/trace_reader.h"

namespace replay {

using nlohmann::json;

const char* impl_fault_name(ImplFault fault) {
  switch (fault) {
    case ImplFault::kNone: return "none";
    case ImplFault::kStart: return "start";
    case ImplFault::kHandshake: return "handshake";
    case ImplFault::kCrashed: return "crash";
    case ImplFault::kHung: return "hang";
    case ImplFault::kGarbage: return "garbage";
    case ImplFault::kClosedEarly: return "closed early";
    case ImplFault::kNoExit: return "no exit";
  }
  return "?";
}

namespace {

constexpr size_t kValueCut = kReportValueCut;
constexpr size_t kMaxFieldDiffs = 64;         // differing members listed in a report
constexpr size_t kMaxAwaitingAnswers = 4096;  // answers kept for expects not yet read
constexpr int64_t kExitGraceMs = 1000;        // how long a child that closed stdout gets to exit


std::string score_state_of(double score) {
  return std::string(peers::score_state_name(peers::score_to_state(score)));
}

// "request:ping", "timer:heartbeat", "response:ok": the coverage key of an
// event record, as the engine replayer names it.
std::string event_coverage_key(JsonRef ev) {
  std::string kind(ev["kind"].str());
  if (kind == "timer" && ev["timer"].is_string()) kind += ":" + std::string(ev["timer"].str());
  if (kind == "request" && ev["method"].is_string()) kind += ":" + std::string(ev["method"].str());
  if (kind == "response") kind += ev["error"].is_string() ? ":error" : ":ok";
  return kind;
}

struct ContextLine {
  uint64_t line = 0;
  std::string raw;
};

class ImplReplayer {
 public:
  ImplReplayer(std::string path, ImplOptions options) : path_(std::move(path)), options_(std::move(options)) {}
  ImplResult run();

 private:
  std::string where(uint64_t line) const { return path_ + ":" + std::to_string(line) + ": "; }
  int64_t startup_timeout_ms() const { return std::max(options_.timeout_ms, kImplStartupTimeoutMs); }
  void broken(ImplFault fault, std::optional<uint64_t> seq, const std::string& what);
  void fault_on_read(IoStatus status, uint64_t seq, const std::string& awaited);
  bool handshake();
  bool send_header(const Record& header);
  void on_event(const Record& rec);
  bool valid_answer(const json& a, uint64_t seq, std::string* why) const;
  void on_expect(const Record& rec);
  void count_coverage(const Record& rec, const json& answer);
  void diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details);
  void finish_process();

  const std::string path_;
  const ImplOptions options_;
  ImplResult result_;
  ImplProcess proc_;
  bool stop_ = false;
  bool reached_end_ = false;
  std::deque<ContextLine> context_;
  std::map<uint64_t, json> awaiting_;             // answers by seq, until their expect is read
  std::unordered_map<std::string, double> score_; // the implementation's last score per peer
};

void ImplReplayer::broken(ImplFault fault, std::optional<uint64_t> seq, const std::string& what) {
  result_.verdict = ImplVerdict::kBroken;
  result_.fault = fault;
  result_.divergence_seq = seq;
  result_.message = path_ + ": broken implementation (" + impl_fault_name(fault) + "): " + what;
  stop_ = true;
  proc_.kill_now();
}

// A read that returned no line: hang, crash, early close or garbage.
void ImplReplayer::fault_on_read(IoStatus status, uint64_t seq, const std::string& awaited) {
  const std::string at = seq == 0 ? awaited : "event seq " + std::to_string(seq);
  switch (status) {
    case IoStatus::kTimeout:
      broken(ImplFault::kHung, seq == 0 ? std::nullopt : std::optional<uint64_t>(seq),
             "hung: no answer to " + at + " within " +
                 (seq == 0 ? std::to_string(startup_timeout_ms()) + " ms (start-up)"
                           : std::to_string(options_.timeout_ms) + " ms (--timeout)") +
                 "; process group killed");
      return;
    case IoStatus::kLineTooLong:
      broken(ImplFault::kGarbage, seq, "garbage: an answer to " + at + " longer than " +
                                           std::to_string(kMaxLineBytes) + " bytes");
      return;
    case IoStatus::kClosed:
    case IoStatus::kError:
    case IoStatus::kOk:
      break;
  }
  if (proc_.exited_within(kExitGraceMs)) {
    const std::string how = proc_.exit_description();
    if (proc_.exited_cleanly()) {
      broken(ImplFault::kClosedEarly, seq, "closed its stdout early: " + how + " before answering " + at);
    } else {
      broken(ImplFault::kCrashed, seq, "crashed: " + how + " before answering " + at);
    }
    return;
  }
  broken(ImplFault::kClosedEarly, seq, "closed its stdout early, before answering " + at +
                                           " (still running; process group killed)");
}

bool ImplReplayer::handshake() {
  const json hello{{"type", "hello"},
                   {"protocol", kImplProtocolName},
                   {"versions", json::array({kImplProtocolVersion})},
                   {"format_version", kFormatVersion}};
  std::string line;
  IoStatus s = proc_.write_line(hello.dump(), startup_timeout_ms());
  if (s == IoStatus::kOk) s = proc_.read_line(&line, startup_timeout_ms());
  if (s != IoStatus::kOk) {
    fault_on_read(s, 0, "the hello");
    return false;
  }
  const json a = json::parse(line, nullptr, false);
  const std::string got = "answered the hello with " + cut_value(line, 200);
  if (!a.is_object() || !a.contains("type") || !a["type"].is_string()) {
    broken(ImplFault::kHandshake, std::nullopt, "handshake: " + got);
    return false;
  }
  if (a["type"] == "error") {
    broken(ImplFault::kHandshake, std::nullopt,
           "handshake: the implementation refused protocol " + std::string(kImplProtocolName) + " version " +
               std::to_string(kImplProtocolVersion) + ": " + cut_value(a.value("message", std::string("(no message)")), 200));
    return false;
  }
  if (a["type"] != "hello" || a.value("protocol", std::string()) != kImplProtocolName ||
      !a.contains("protocol_version") || !a["protocol_version"].is_number_integer()) {
    broken(ImplFault::kHandshake, std::nullopt,
           "handshake: " + got + " (expected {\"type\":\"hello\",\"protocol\":\"" + kImplProtocolName +
               "\",\"protocol_version\":" + std::to_string(kImplProtocolVersion) + ",...})");
    return false;
  }
  if (a["protocol_version"].get<int64_t>() != kImplProtocolVersion) {
    broken(ImplFault::kHandshake, std::nullopt,
           "handshake: the implementation speaks protocol_version " + a["protocol_version"].dump() +
               ", this harness " + std::to_string(kImplProtocolVersion));
    return false;
  }
  if (a.contains("implementation") && a["implementation"].is_object()) {
    const json& impl = a["implementation"];
    if (impl.contains("name") && impl["name"].is_string()) result_.impl_name = impl["name"];
    if (impl.contains("version") && impl["version"].is_string()) result_.impl_version = impl["version"];
  }
  return true;
}

bool ImplReplayer::send_header(const Record& header) {
  std::string line;
  IoStatus s = proc_.write_line(header.raw, startup_timeout_ms());
  if (s == IoStatus::kOk) s = proc_.read_line(&line, startup_timeout_ms());
  if (s != IoStatus::kOk) {
    fault_on_read(s, 0, "the header");
    return false;
  }
  const json a = json::parse(line, nullptr, false);
  if (a.is_object() && a.contains("type") && a["type"] == "ready") return true;
  if (a.is_object() && a.contains("type") && a["type"] == "error") {
    // It runs but cannot take this trace: a conformance failure, not a fault.
    result_.verdict = ImplVerdict::kDiverges;
    result_.divergence_line = 1;
    result_.message = where(1) + "the implementation refused the header: " +
                      cut_value(a.value("message", std::string("(no message)")), 300);
    stop_ = true;
    return false;
  }
  broken(ImplFault::kGarbage, std::nullopt,
         "garbage: answered the header with " + cut_value(line, 200) + " (expected {\"type\":\"ready\"})");
  return false;
}

// The shape docs/PROTOCOL.md §4 requires of an answer to event `seq`.
bool ImplReplayer::valid_answer(const json& a, uint64_t seq, std::string* why) const {
  if (!a.is_object()) return *why = "not a JSON object", false;
  if (!a.contains("type") || !a["type"].is_string()) return *why = "no string member \"type\"", false;
  if (a["type"] != "expect" && a["type"] != "error") return *why = "type " + a["type"].dump() + " (expected \"expect\" or \"error\")", false;
  if (!a.contains("seq") || !a["seq"].is_number_unsigned() || a["seq"].get<uint64_t>() != seq) {
    return *why = "seq " + (a.contains("seq") ? a["seq"].dump() : std::string("(absent)")) + " (expected " +
                  std::to_string(seq) + ")",
           false;
  }
  if (a["type"] == "error") return true;
  if (!a.contains("actions") || !a["actions"].is_array()) return *why = "actions: expected an array", false;
  if (!a.contains("scores") || !a["scores"].is_array()) return *why = "scores: expected an array", false;
  if (!a.contains("scores_full") || !a["scores_full"].is_boolean()) return *why = "scores_full: expected a boolean", false;
  if (a.contains("scores_removed") && !a["scores_removed"].is_array()) return *why = "scores_removed: expected an array", false;
  return true;
}

void ImplReplayer::count_coverage(const Record& rec, const json& answer) {
  result_.coverage.event_kinds[event_coverage_key(rec.root())]++;
  for (const json& a : answer["actions"]) {
    if (!a.is_object() || !a.contains("kind") || !a["kind"].is_string()) continue;
    result_.coverage.action_kinds[a["kind"].get<std::string>()]++;
    if (a["kind"] == "send_goodbye" && a.contains("reason") && a["reason"].is_string()) {
      result_.coverage.goodbye_reasons[a["reason"].get<std::string>()]++;
    }
  }
  // Score-state transitions, from the entries the implementation reported.
  auto transition = [this](const std::string& from, const std::string& to) {
    if (from != to) result_.coverage.score_transitions[from + "->" + to]++;
  };
  std::unordered_map<std::string, bool> present;
  for (const json& e : answer["scores"]) {
    if (!e.is_object() || !e.contains("peer") || !e["peer"].is_string() || !e.contains("score") || !e["score"].is_number()) continue;
    const std::string peer = e["peer"];
    const double score = e["score"].get<double>();
    auto it = score_.find(peer);
    transition(it == score_.end() ? "Healthy" : score_state_of(it->second), score_state_of(score));
    score_[peer] = score;
    present[peer] = true;
  }
  std::vector<std::string> removed;
  if (answer["scores_full"] == true) {
    for (const auto& [peer, score] : score_) {
      if (!present.count(peer)) removed.push_back(peer);
    }
  } else if (answer.contains("scores_removed")) {
    for (const json& p : answer["scores_removed"]) {
      if (p.is_string()) removed.push_back(p);
    }
  }
  for (const std::string& peer : removed) {
    auto it = score_.find(peer);
    if (it == score_.end()) continue;
    transition(score_state_of(it->second), "Healthy");
    score_.erase(it);
  }
}

void ImplReplayer::on_event(const Record& rec) {
  context_.push_back(ContextLine{rec.line, rec.raw});
  while (context_.size() > options_.context + 1) context_.pop_front();
  IoStatus s = proc_.write_line(rec.raw, options_.timeout_ms);
  std::string line;
  if (s == IoStatus::kOk) s = proc_.read_line(&line, options_.timeout_ms);
  if (s != IoStatus::kOk) {
    fault_on_read(s, rec.seq, "");
    return;
  }
  json answer = json::parse(line, nullptr, false);
  std::string why;
  if (answer.is_discarded()) why = "not JSON";
  if (why.empty()) valid_answer(answer, rec.seq, &why);
  if (!why.empty()) {
    broken(ImplFault::kGarbage, rec.seq,
           "garbage in the answer to event seq " + std::to_string(rec.seq) + ": " + why + ": " + cut_value(line, 200));
    return;
  }
  result_.events++;
  if (answer["type"] == "error") {
    const std::string msg = answer.value("message", std::string("(no message)"));
    diverge(rec.line, rec.seq, "the implementation cannot accept this event: " + cut_value(msg, 300),
            "implementation: " + cut_value(msg, 2 * kValueCut) + "\n");
    return;
  }
  count_coverage(rec, answer);
  if (awaiting_.size() >= kMaxAwaitingAnswers) awaiting_.erase(awaiting_.begin());  // never checked: no expect
  awaiting_[rec.seq] = std::move(answer);
}

void ImplReplayer::on_expect(const Record& rec) {
  auto it = awaiting_.find(rec.seq);
  if (it == awaiting_.end()) {
    result_.verdict = ImplVerdict::kBadInput;
    result_.message = where(rec.line) + "expect for seq " + std::to_string(rec.seq) + " comes more than " +
                      std::to_string(kMaxAwaitingAnswers) + " events after its event";
    stop_ = true;
    return;
  }
  const json actual = std::move(it->second);
  awaiting_.erase(it);
  result_.expects++;
  const json expected = rec.to_json();
  const json empty = json::array();
  const json& exp_actions = expected.contains("actions") ? expected["actions"] : empty;
  const bool exp_full = expected.value("scores_full", false);
  const json& exp_scores = expected.contains("scores") ? expected["scores"] : empty;
  const json& exp_removed = expected.contains("scores_removed") ? expected["scores_removed"] : empty;
  const json& act_removed = actual.contains("scores_removed") ? actual["scores_removed"] : empty;
  result_.actions_compared += exp_actions.size();
  result_.scores_compared += exp_scores.size();

  std::string headline;
  std::ostringstream details;
  CompareOptions o;
  o.arrays_by_element = true;
  o.cap = kMaxFieldDiffs;
  std::vector<FieldDiff> diffs;
  if (!json_equal_exact(exp_actions, actual["actions"])) {
    json_field_diffs(exp_actions, actual["actions"], "actions", o, &diffs, nullptr);
    size_t first = std::min(exp_actions.size(), actual["actions"].size());
    for (size_t i = 0; i < first; i++) {
      if (!json_equal_exact(exp_actions[i], actual["actions"][i])) first = i;
    }
    headline = "actions differ at actions[" + std::to_string(first) + "] (expected " +
               std::to_string(exp_actions.size()) + " actions, the implementation made " +
               std::to_string(actual["actions"].size()) + ")";
    details << "actions, expected vs actual (differing members only):\n";
    for (const FieldDiff& d : diffs) write_field_diff(d, details);
    details << "expected actions: " << cut_value(exp_actions.dump(), 2 * kValueCut) << "\n";
    details << "actual actions:   " << cut_value(actual["actions"].dump(), 2 * kValueCut) << "\n";
  }
  const bool act_full = actual["scores_full"].get<bool>();
  if (exp_full != act_full) {
    if (headline.empty()) {
      headline = std::string("scores_full differs: the trace has ") + (exp_full ? "the full dump" : "a delta") +
                 " here, the implementation sent " + (act_full ? "the full dump" : "a delta") + " (FORMAT.md §2.3)";
    }
    details << "scores_full: expected " << (exp_full ? "true" : "false") << ", actual " << (act_full ? "true" : "false") << "\n";
  } else {
    diffs.clear();
    o.ulp = options_.ulp;
    o.ulp_members = true;
    const std::string label = exp_full ? "scores(full)" : "scores";
    if (!json_equal_exact(exp_scores, actual["scores"], options_.ulp)) {
      json_field_diffs(exp_scores, actual["scores"], label, o, &diffs, nullptr);
    }
    if (!exp_full && !json_equal_exact(exp_removed, act_removed)) {
      CompareOptions exact = o;
      exact.ulp = 0;
      json_field_diffs(exp_removed, act_removed, "scores_removed", exact, &diffs, nullptr);
    }
    if (!diffs.empty()) {
      if (headline.empty()) headline = std::string("scores differ") + (exp_full ? " (full dump)" : " (delta)");
      details << (exp_full ? "scores (full dump)" : "scores (delta)") << ", expected vs actual (differing members only):\n";
      for (const FieldDiff& d : diffs) write_field_diff(d, details);
      details << "expected scores: " << cut_value(exp_scores.dump(), 2 * kValueCut) << "\n";
      details << "actual scores:   " << cut_value(actual["scores"].dump(), 2 * kValueCut) << "\n";
      if (!exp_full) {
        details << "expected scores_removed: " << cut_value(exp_removed.dump()) << "\n";
        details << "actual scores_removed:   " << cut_value(act_removed.dump()) << "\n";
      }
    }
  }
  if (!headline.empty()) {
    diverge(rec.line, rec.seq, headline, details.str());
    return;
  }
  if (options_.stop_at_seq.has_value() && rec.seq >= *options_.stop_at_seq) stop_ = true;
}

void ImplReplayer::diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details) {
  result_.verdict = ImplVerdict::kDiverges;
  result_.divergence_line = line;
  result_.divergence_seq = seq;
  result_.message = where(line) + "seq " + std::to_string(seq) + ": " + headline;
  std::ostringstream r;
  r << "DIVERGENCE " << path_ << ":" << line << " (event seq " << seq << ")\n";
  r << "  implementation: " << options_.command;
  if (!result_.impl_name.empty()) r << " (" << result_.impl_name << " " << result_.impl_version << ")";
  r << "\n  " << headline << "\n\n";
  if (!context_.empty()) {
    if (context_.size() > 1) {
      r << "context (the " << context_.size() - 1 << " events before):\n";
      for (size_t i = 0; i + 1 < context_.size(); i++) {
        r << "  line " << context_[i].line << ": " << cut_value(context_[i].raw) << "\n";
      }
    }
    r << "event (line " << context_.back().line << "):\n  " << cut_value(context_.back().raw, 4 * kValueCut) << "\n\n";
  }
  r << details;
  r << "\nreproduce: " << options_.program << " check --impl '" << options_.command << "' " << path_
    << " --stop-at-seq " << seq << "\n";
  result_.report = r.str();
  stop_ = true;
}

// After the last record: the end record, then the process must exit with 0.
void ImplReplayer::finish_process() {
  if (!reached_end_ || result_.verdict != ImplVerdict::kConforms) {
    proc_.kill_now();  // stopped early: nothing more to learn from it
    return;
  }
  const json end{{"type", "end"}, {"events", result_.events}};
  if (proc_.write_line(end.dump(), options_.timeout_ms) != IoStatus::kOk) {
    // It may have exited already, which the protocol allows once it read every event.
  }
  proc_.stop(options_.timeout_ms);
  if (!proc_.exited_cleanly()) {
    result_.verdict = ImplVerdict::kBroken;
    result_.fault = ImplFault::kNoExit;
    result_.message = path_ + ": broken implementation (" + impl_fault_name(ImplFault::kNoExit) +
                      "): after the end record it " + proc_.exit_description() + " (expected exit status 0 within " +
                      std::to_string(options_.timeout_ms) + " ms)";
  }
}

ImplResult ImplReplayer::run() {
  ReaderOptions ro;
  ro.keep_raw = true;
  ro.strict = options_.strict;
  ro.allow_truncated = true;
  auto opened = TraceReader::open(path_, ro);
  if (!opened.is_ok()) {
    result_.verdict = ImplVerdict::kBadInput;
    result_.message = opened.status().message();
    return result_;
  }
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  std::string error;
  if (!proc_.start(options_.command, &error)) {
    broken(ImplFault::kStart, std::nullopt, "cannot start \"" + options_.command + "\": " + error);
    return result_;
  }
  if (!handshake() || !send_header(reader->header())) return result_;
  while (!stop_) {
    Record rec;
    bool done = false;
    const peers::Status s = reader->next(&rec, &done);
    if (!s.is_ok()) {
      result_.verdict = ImplVerdict::kBadInput;
      result_.message = s.message();
      break;
    }
    if (done) {
      reached_end_ = true;
      break;
    }
    if (rec.type == RecordType::kEvent) {
      if (options_.stop_at_seq.has_value() && rec.seq > *options_.stop_at_seq) break;
      on_event(rec);
    } else if (rec.type == RecordType::kExpect) {
      on_expect(rec);
    }
  }
  finish_process();
  if (result_.verdict == ImplVerdict::kConforms) {
    result_.message = path_ + ": conforms: " + std::to_string(result_.events) + " events, " +
                      std::to_string(result_.expects) + " expects, " + std::to_string(result_.actions_compared) +
                      " actions and " + std::to_string(result_.scores_compared) + " score entries compared";
    if (options_.stop_at_seq.has_value()) result_.message += " (stopped at seq " + std::to_string(*options_.stop_at_seq) + ")";
    // Read to its end: cut, or whole (the Replayer's rule).
    const std::string cut = !reached_end_                     ? ""
                            : !reader->truncation().empty() ? reader->truncation()
                            : reader->ended()               ? ""
                                                            : "no end record";
    if (!cut.empty()) {
      result_.verdict = ImplVerdict::kTruncated;
      result_.message = path_ + ": truncated (" + cut + "): " + std::to_string(result_.events) +
                        " events up to the last complete record conform, " + std::to_string(result_.expects) +
                        " expects compared";
    }
  }
  return result_;
}

}  // namespace

ImplResult check_trace_with_impl(const std::string& path, const ImplOptions& options) {
  return ImplReplayer(path, options).run();
}

}  // namespace replay
