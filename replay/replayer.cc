#include "replay/replayer.h"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/peer_manager.h"
#include "peers/score_interface.h"
#include "replay/expect_match.h"
#include "replay/expect_record.h"
#include "replay/metrics_record.h"
#include "replay/lodestar_version.h"
#include "replay/report_text.h"
#include "replay/score_delta.h"
#include "replay/trace_event.h"
#include "trace/display_text.h"
#include "trace/json_compare.h"
#include "trace/read_ahead.h"
#include "trace/trace_reader.h"
#include "trace/trace_writer.h"

namespace replay {

using nlohmann::json;

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kConforms: return "conforms";
    case Verdict::kDiverges: return "diverges";
    case Verdict::kBadInput: return "bad input";
    case Verdict::kTruncated: return "truncated";
  }
  return "?";
}

// Named rather than anonymous: LineReplayer (replayer.h) holds a Replayer.
namespace replayer_detail {

constexpr size_t kValueCut = kReportValueCut;
constexpr size_t kMaxAwaitingResults = 4096;   // engine results kept for expects not yet read
constexpr size_t kMaxTrackedPeers = 100000;    // peers with a score history
constexpr size_t kMaxFieldDiffs = 64;          // differing members listed in a report
constexpr size_t kOverdueRecheck = 1024;       // events between full overdue-timer scans at one t_ms
constexpr uint64_t kProgressEvery = 4096;      // records between two calls of ReplayOptions::on_progress

// The members where the expected value (the trace's tape) and the actual one
// (the engine's) differ, appended to *out (at most kMaxFieldDiffs in all).
// The equality test runs on the tape; only a difference materializes a DOM.
void diff_json(JsonRef exp, const json& act, const std::string& path, uint64_t ulp, std::vector<FieldDiff>* out) {
  if (json_equal_exact(exp, act, ulp)) return;
  CompareOptions o;
  o.ulp = ulp;
  o.arrays_by_element = true;
  o.cap = kMaxFieldDiffs;
  json_field_diffs(exp.to_json(), act, path, o, out, nullptr);
}

// An empty JSON array on a tape: what an absent "scores" member reads as.
JsonRef empty_array() {
  static const JsonTape tape = [] {
    JsonTape t;
    std::string why;
    const bool ok = t.parse("[]", &why);
    assert(ok);
    (void)ok;
    return t;
  }();
  return tape.root();
}

// A member's value in a LineDivergence: its JSON text, or "(none)".
std::string brief_value(const json& v, bool missing) { return missing ? std::string("(none)") : v.dump(); }

LineDivergence brief_of(const FieldDiff& d) {
  LineDivergence b;
  b.member = d.path;
  b.expected = brief_value(d.a, d.a_missing);
  b.actual = brief_value(d.b, d.b_missing);
  return b;
}

// "timer heartbeat" for a timer, else the kind: how a divergence names its event.
std::string event_name(JsonRef event) {
  std::string name(event["kind"].is_string() ? event["kind"].str() : std::string_view("?"));
  if (name == "timer" && event["timer"].is_string()) name += " " + std::string(event["timer"].str());
  return name;
}

// An event the engine could not take: Lodestar did.
LineDivergence refused(const std::string& why) {
  return LineDivergence{.member = "event", .expected = json("accepted").dump(), .actual = json("refused: " + why).dump(), .headline = "", .event = ""};
}

// The engine's output for one event, kept until its expect is read.
struct EventResult {
  uint64_t seq = 0;
  uint64_t line = 0;
  std::vector<peers::Action> actions;
  std::shared_ptr<const peers::PeerScoreStats> scores_full;  // the whole dump after the event
  peers::PeerScoreStats scores_delta;  // added or changed entries, in dump order
  std::vector<peers::PeerIdStr> scores_removed;
};

json peer_ids_to_json(const std::vector<peers::PeerIdStr>& ids) {
  json out = json::array();
  for (const peers::PeerIdStr& id : ids) out.push_back(id.str());
  return out;
}

// One note of a peer's score history as the engine made it; formatted only
// when a report shows it.
struct ActualNote {
  uint64_t seq = 0;
  bool removed = false;
  peers::PeerScoreStatEntry entry;
};

// Wall time of one stage, added to *total_s when options ask for stage times.
class StageTimer {
 public:
  explicit StageTimer(double* total_s) : total_s_(total_s) {
    if (total_s_ != nullptr) start_ = std::chrono::steady_clock::now();
  }
  ~StageTimer() {
    if (total_s_ != nullptr) *total_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  double* total_s_;
  std::chrono::steady_clock::time_point start_;
};

json stats_to_json(const peers::PeerScoreStats& stats) {
  json out = json::array();
  for (const peers::PeerScoreStatEntry& e : stats) out.push_back(score_entry_to_json(e));
  return out;
}

// What a report needs from the trace text, read again when one is written:
// the raw lines of the context, the expected side of the score history.
struct LookBack {
  std::map<uint64_t, std::string> raw;                                 // by line
  std::unordered_map<std::string, std::deque<std::string>> expected;  // by peer
};

// The score-state transition of one entry, counted under "From->To" when the
// state changed (a peer without an entry is Healthy).
void count_transition(peers::ScoreState from, peers::ScoreState to, Coverage* coverage) {
  if (from == to) return;
  coverage->score_transitions[std::string(peers::score_state_name(from)) + "->" +
                              std::string(peers::score_state_name(to))]++;
}

class Replayer {
 public:
  Replayer(std::string path, ReplayOptions options) : path_(std::move(path)), options_(std::move(options)) {}

  ReplayResult run();

  // Fed one line at a time (LineReplayer): no file to read a report from, so
  // a divergence is kept as a LineDivergence and the replay goes on.
  bool start_lines(std::string_view header_line);
  peers::Status feed_line(std::string_view line, std::optional<LineDivergence>* divergence);
  std::string answer();
  const ReplayResult& result() const { return result_; }
  bool stopped() const { return stop_; }

 private:
  std::string where(uint64_t line) const { return path_ + ":" + std::to_string(line) + ": "; }
  void bad_input(const std::string& message) {
    result_.verdict = Verdict::kBadInput;
    result_.message = message;
  }
  void diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details,
               const std::vector<std::string>& peers_involved, LineDivergence brief = {});
  void remember_context(const Record& rec);
  bool start(const Record& header);
  void on_record(const Record& rec);
  void finish();
  void on_event_record(const Record& rec);
  bool timers_agree(const Record& rec, const peers::Event& ev);
  void on_expect_record(const Record& rec);
  void on_metrics_record(const Record& rec);
  // What differs at one expect, gathered for the report.
  struct Mismatch {
    bool differs = false;
    std::string headline;  // the first difference
    std::ostringstream details;
    std::vector<std::string> involved;  // peers whose score history is shown
    std::optional<FieldDiff> first;     // the first differing member, for a LineDivergence
  };
  void perturb(std::vector<peers::Action>* actions, peers::PeerScoreStats* scores);
  void compare_actions(JsonRef exp_actions, const EventResult& actual, Mismatch* m);
  void compare_scores(const Record& rec, const EventResult& actual, Mismatch* m);
  void score_diffs(JsonRef exp_scores, const json& act_scores, const std::string& path, std::vector<FieldDiff>* diffs,
                   std::vector<std::string>* involved) const;
  void record_scores(peers::PeerScoreStats dump_after, uint64_t seq, EventResult* out);
  void record_score_changes(const std::vector<peers::PeerIdStr>& touched, uint64_t seq, EventResult* out);
  void note_score_change(const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old, uint64_t seq,
                         EventResult* out);
  void count_coverage(const peers::Event& ev, const std::vector<peers::Action>& actions);
  void name_coverage();
  void note_actual(const peers::PeerScoreStatEntry& e, uint64_t seq, bool removed);
  LookBack look_back(uint64_t last_line, const std::vector<uint64_t>& lines, const std::vector<std::string>& peers) const;
  void write_score_history(const LookBack& back, const std::vector<std::string>& peers_involved, std::ostream& r) const;
  std::string write_repro(uint64_t seq, uint64_t cut_line);
  void step_twin(const peers::Event& ev, const peers::Status& first);
  double* stage(double ReplayStageTimes::*member) {
    return options_.time_stages ? &(result_.stages.*member) : nullptr;
  }

  const std::string path_;
  const ReplayOptions options_;
  ReplayResult result_;
  std::unique_ptr<peers::PeerManager> pm_;
  peers::PeerIdTable peer_ids_;  // the events' ids, one per peer (see parse_event)
  // The engine's score entries after the last event, in dump order (what the
  // next delta is taken against), and each peer's index in it. Shared with
  // the result of the event that made it while its expect is awaited.
  std::shared_ptr<peers::PeerScoreStats> prev_dump_ = std::make_shared<peers::PeerScoreStats>();
  std::unordered_map<std::string, size_t> prev_index_;
  // The store's change notes drive the deltas (PeerManager::take_score_changes);
  // off with disable_peer_scoring, whose entries read the clock.
  bool track_score_changes_ = false;
  bool live_timers_ = false;  // FORMAT.md §9.5: timers fire when the trace says; the engine checks they are armed
  // The (line, t_ms) of the last K+1 events, a ring (the current one at
  // context_next_ - 1); their text is read again for a report (look_back).
  std::vector<std::pair<uint64_t, int64_t>> context_;
  size_t context_next_ = 0;
  size_t context_size_ = 0;
  TimeStyle time_{-1, options_.raw_times};  // event times in messages: from the first event's t_ms
  std::map<uint64_t, EventResult> awaiting_;
  // The engine's last score_history notes per peer (at most kMaxTrackedPeers
  // peers), oldest first. The expected side is read again from the trace when
  // a report needs it (look_back).
  std::unordered_map<std::string, std::deque<ActualNote>> actual_history_;
  // With options_.check_determinism: a second engine stepped with the same
  // events, whose digest must equal pm_'s at the end.
  std::unique_ptr<peers::PeerManager> twin_;
  std::vector<peers::Action> twin_actions_;
  // timers_agree: the t_ms at which no timer was overdue, and the events since
  // the last scan.
  int64_t no_overdue_at_t_ms_ = INT64_MIN;
  size_t events_since_overdue_scan_ = 0;
  // Coverage counted by enum per event, named once in finish().
  std::map<std::pair<int, int>, uint64_t> event_counts_;  // (kind, timer | method | is_error)
  std::map<int, uint64_t> action_counts_;                 // by ActionKind
  std::map<int64_t, uint64_t> goodbye_counts_;            // by reason code
  bool twin_disagrees_ = false;
  // FORMAT.md §8: the engine's scrape after the last event, and the registry
  // the trace's metrics records rebuild.
  bool metrics_ = false;
  std::vector<peers::MetricSeries> last_scrape_;
  ExpectedMetrics expected_metrics_;
  bool stop_ = false;
  std::string version_note_;  // the Lodestar version mismatch allowed by any_lodestar_version
  std::string cut_;  // why the trace read to its end is cut ("" when it is whole)
  // Fed line by line (start_lines): the reader lines are pushed to, the
  // divergence of the event in hand until the record that closes it, and
  // whether the last event writes a full dump (answer()).
  std::unique_ptr<TraceReader> line_reader_;
  Record line_rec_;
  std::optional<LineDivergence> held_;
  LineDivergence pending_;  // set by diverge() in line mode
  bool last_event_full_ = false;
  // The last event's kind and timer: a divergence names its event (named only then).
  peers::EventKind last_event_kind_ = peers::EventKind::kInit;
  peers::TimerKind last_event_timer_ = peers::TimerKind::kHeartbeat;
  uint64_t perturb_seen_ = 0;  // actions or score entries counted for options_.perturb
  uint64_t last_event_seq_ = 0;
  std::string last_event_peer_;
};

void Replayer::remember_context(const Record& rec) {
  if (time_.start_ms < 0) time_.start_ms = rec.t_ms;
  const size_t capacity = options_.context + 1;
  if (context_.size() < capacity) context_.resize(capacity);
  context_[context_next_] = {rec.line, rec.t_ms};
  context_next_ = (context_next_ + 1) % capacity;
  context_size_ = std::min(context_size_ + 1, capacity);
}

void Replayer::note_actual(const peers::PeerScoreStatEntry& e, uint64_t seq, bool removed) {
  if (options_.score_history == 0) return;
  auto it = actual_history_.find(e.peer_id.str());
  if (it == actual_history_.end()) {
    if (actual_history_.size() >= kMaxTrackedPeers) return;
    it = actual_history_.emplace(e.peer_id.str(), std::deque<ActualNote>{}).first;
  }
  if (it->second.size() >= options_.score_history) it->second.pop_front();
  it->second.push_back(ActualNote{seq, removed, e});
}

void Replayer::note_score_change(const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old, uint64_t seq,
                                 EventResult* out) {
  out->scores_delta.push_back(e);
  note_actual(e, seq, false);
  count_transition(old == nullptr ? peers::ScoreState::Healthy : peers::score_to_state(old->score),
                   peers::score_to_state(e.stat.score), &result_.coverage);
}

// The delta of an event that did not run PeerRpcScoreStore.update(): no entry
// was deleted (only update() deletes), and only the entries the store noted
// can differ from prev_dump_ (the others were not written). Existing entries
// keep their place and new ones are appended in insertion order, so sorting
// the noted entries by dump position gives FORMAT.md §2.3's dump order, and
// prev_dump_ patched in place equals the full dump record_scores would diff.
// O(entries noted) instead of O(entries).
void Replayer::record_score_changes(const std::vector<peers::PeerIdStr>& touched, uint64_t seq, EventResult* out) {
  std::vector<std::pair<size_t, const peers::PeerIdStr*>> noted;
  noted.reserve(touched.size());
  for (const peers::PeerIdStr& peer : touched) {
    const std::optional<size_t> position = pm_->score_dump_position(peer);
    assert(position.has_value());  // noted entries are created, never deleted without update()
    if (position.has_value()) noted.emplace_back(*position, &peer);
  }
  std::sort(noted.begin(), noted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  noted.erase(std::unique(noted.begin(), noted.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
              noted.end());
  if (noted.empty()) return;
  // Copy on write: the previous event's result may still hold this dump.
  if (prev_dump_.use_count() > 1) prev_dump_ = std::make_shared<peers::PeerScoreStats>(*prev_dump_);
  peers::PeerScoreStats& dump = *prev_dump_;
  for (const auto& [position, peer] : noted) {
    const peers::PeerScoreStatEntry entry{.peer_id = *peer, .stat = *pm_->score_stat(*peer)};
    auto it = prev_index_.find(*peer);
    if (it == prev_index_.end()) {
      note_score_change(entry, nullptr, seq, out);
      prev_index_.emplace(*peer, dump.size());
      dump.push_back(entry);
    } else if (!same_stat(dump[it->second].stat, entry.stat)) {
      const peers::PeerScoreStat old = dump[it->second].stat;
      note_score_change(entry, &old, seq, out);
      dump[it->second].stat = entry.stat;
    }
  }
}

void Replayer::record_scores(peers::PeerScoreStats after_value, uint64_t seq, EventResult* out) {
  // FORMAT.md §2.3: entries added or changed during the event, in dump order;
  // peers whose entry was deleted.
  auto after_ptr = std::make_shared<peers::PeerScoreStats>(std::move(after_value));
  const peers::PeerScoreStats& after = *after_ptr;
  const peers::PeerScoreStats& before = *prev_dump_;
  auto changed = [&](const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old) {
    note_score_change(e, old, seq, out);
  };
  auto removed = [&](const peers::PeerScoreStatEntry& e) {
    out->scores_removed.push_back(e.peer_id);
    note_actual(e, seq, true);
    count_transition(peers::score_to_state(e.stat.score), peers::ScoreState::Healthy, &result_.coverage);
  };
  score_delta(before, after, changed, removed);
  out->scores_full = after_ptr;
  prev_dump_ = std::move(after_ptr);
  prev_index_.clear();
  for (size_t i = 0; i < prev_dump_->size(); i++) prev_index_.emplace((*prev_dump_)[i].peer_id, i);
}

void Replayer::count_coverage(const peers::Event& ev, const std::vector<peers::Action>& actions) {
  int sub = 0;
  if (ev.kind == peers::EventKind::kTimer) sub = static_cast<int>(ev.timer);
  if (ev.kind == peers::EventKind::kRequest) sub = static_cast<int>(ev.method);
  if (ev.kind == peers::EventKind::kResponse) sub = ev.is_error ? 1 : 0;
  event_counts_[{static_cast<int>(ev.kind), sub}]++;
  for (const peers::Action& a : actions) {
    action_counts_[static_cast<int>(a.kind)]++;
    if (a.kind == peers::ActionKind::kSendGoodbye) goodbye_counts_[a.reason]++;
  }
}

// The enum-keyed counts of count_coverage under their trace names
// ("request:ping", "timer:heartbeat", "response:error", ...).
void Replayer::name_coverage() {
  for (const auto& [key, n] : event_counts_) {
    const auto kind = static_cast<peers::EventKind>(key.first);
    std::string name = peers::event_kind_name(kind);
    if (kind == peers::EventKind::kTimer) name += std::string(":") + peers::timer_kind_name(static_cast<peers::TimerKind>(key.second));
    if (kind == peers::EventKind::kRequest) {
      name += ":" + std::string(peers::req_resp_method_name(static_cast<peers::ReqRespMethod>(key.second)));
    }
    if (kind == peers::EventKind::kResponse) name += key.second != 0 ? ":error" : ":ok";
    result_.coverage.event_kinds[name] += n;
  }
  for (const auto& [kind, n] : action_counts_) {
    result_.coverage.action_kinds[peers::action_kind_name(static_cast<peers::ActionKind>(kind))] += n;
  }
  for (const auto& [reason, n] : goodbye_counts_) result_.coverage.goodbye_reasons[std::to_string(reason)] += n;
}

void Replayer::diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details,
                       const std::vector<std::string>& peers_involved, LineDivergence brief) {
  result_.verdict = Verdict::kDiverges;
  if (line_reader_ != nullptr) {
    // Line by line there is no file to read a report from, and the replay
    // goes on: the divergence waits for the record that closes its event.
    brief.seq = seq;
    brief.headline = headline;
    brief.event = peers::event_kind_name(last_event_kind_);
    if (last_event_kind_ == peers::EventKind::kTimer) brief.event += std::string(" ") + peers::timer_kind_name(last_event_timer_);
    result_.message = where(line) + "seq " + std::to_string(seq) + ": " + headline;
    if (!held_.has_value()) held_ = std::move(brief);  // one per event: the first
    return;
  }
  result_.divergence_line = line;
  result_.divergence_seq = seq;
  result_.message = where(line) + "seq " + std::to_string(seq) + ": " + headline;
  std::ostringstream r;
  r << "DIVERGENCE " << path_ << ":" << line << " (event seq " << seq;
  if (context_size_ > 0) r << ", " << time_.text(context_[(context_next_ + context_.size() - 1) % context_.size()].second);
  r << ")\n";
  r << "  " << headline << "\n\n";
  // The event and the K before it, oldest first: the ring's slots from
  // context_next_ - context_size_ on.
  std::vector<uint64_t> lines;
  std::vector<int64_t> times_ms;
  for (size_t i = 0; i < context_size_; i++) {
    const auto& [l, t_ms] = context_[(context_next_ + context_.size() - context_size_ + i) % context_.size()];
    lines.push_back(l);
    times_ms.push_back(t_ms);
  }
  const LookBack back = look_back(line, lines, peers_involved);
  auto raw = [&](uint64_t l) {
    auto it = back.raw.find(l);
    return it == back.raw.end() ? std::string() : it->second;
  };
  if (!lines.empty()) {
    if (lines.size() > 1) {
      r << "context (the " << lines.size() - 1 << " events before):\n";
      for (size_t i = 0; i + 1 < lines.size(); i++) {
        r << "  line " << lines[i] << " (" << time_.text(times_ms[i]) << "): " << cut_value(raw(lines[i])) << "\n";
      }
    }
    r << "event (line " << lines.back() << "):\n  " << cut_value(raw(lines.back()), 4 * kValueCut) << "\n\n";
  }
  r << details;
  write_score_history(back, peers_involved, r);
  r << "\nreproduce: " << options_.program << " check " << path_ << " --stop-at-seq " << seq << "\n";
  if (options_.emit_repro) {
    const std::string written = write_repro(seq, line);
    if (!written.empty()) {
      result_.repro_path = written;
      r << "repro trace: " << written << "\n";
    }
  }
  result_.report = r.str();
  stop_ = true;
}

// The trace read again up to `last_line` for a report: the text of `lines`,
// and the expected side of the score history, the last score_history notes of
// each of `peers` in the expect records (peers count towards kMaxTrackedPeers
// in the order they first appear, as the engine's side does). Only a report
// needs either, so the replay itself keeps neither.
LookBack Replayer::look_back(uint64_t last_line, const std::vector<uint64_t>& lines,
                             const std::vector<std::string>& peers) const {
  LookBack back;
  std::unordered_map<std::string, std::deque<std::string>>& history = back.expected;
  ReaderOptions ro;
  ro.allow_truncated = true;
  ro.keep_raw = true;
  auto reader = TraceReader::open(path_, ro);
  if (!reader.is_ok()) return back;
  std::unordered_set<std::string> tracked;
  auto note = [&](std::string_view peer, std::string entry) {
    std::string key(peer);
    if (tracked.count(key) == 0) {
      if (tracked.size() >= kMaxTrackedPeers) return;
      tracked.insert(key);
    }
    if (std::find(peers.begin(), peers.end(), key) == peers.end()) return;
    std::deque<std::string>& notes = history[key];
    notes.push_back(std::move(entry));
    while (notes.size() > options_.score_history) notes.pop_front();
  };
  Record rec;
  bool done = false;
  while (reader.value()->next(&rec, &done).is_ok() && !done && rec.line <= last_line) {
    if (std::find(lines.begin(), lines.end(), rec.line) != lines.end()) back.raw[rec.line] = rec.raw;
    if (rec.type != RecordType::kExpect || options_.score_history == 0) continue;
    const JsonRef j = rec.root();
    if (!j["actions"].is_array()) break;  // where the first pass stopped as bad input
    const std::string prefix = "seq " + std::to_string(rec.seq) + ": ";
    for (const JsonRef e : j["scores"]) {
      if (e["peer"].is_string()) note(e["peer"].str(), prefix + e.dump());
    }
    for (const JsonRef p : j["scores_removed"]) {
      if (p.is_string()) note(p.str(), prefix + "removed");
    }
  }
  return back;
}

void Replayer::write_score_history(const LookBack& back, const std::vector<std::string>& peers_involved,
                                   std::ostream& r) const {
  const auto& expected = back.expected;
  bool header = false;
  std::vector<std::string> seen;
  for (const std::string& peer : peers_involved) {
    if (peer.empty() || std::find(seen.begin(), seen.end(), peer) != seen.end()) continue;
    seen.push_back(peer);
    auto e = expected.find(peer);
    auto a = actual_history_.find(peer);
    if (e == expected.end() && a == actual_history_.end()) continue;
    if (!header) {
      r << "\nscore history (last " << options_.score_history << " entries per peer):\n";
      header = true;
    }
    r << "  peer " << peer << "\n";
    if (e != expected.end()) {
      for (const std::string& s : e->second) r << "    expected " << cut_value(s) << "\n";
    }
    if (a != actual_history_.end()) {
      for (const ActualNote& n : a->second) {
        const std::string what = n.removed ? std::string("removed") : score_entry_to_json(n.entry).dump();
        r << "    actual   " << cut_value("seq " + std::to_string(n.seq) + ": " + what) << "\n";
      }
    }
  }
}

std::string Replayer::write_repro(uint64_t seq, uint64_t cut_line) {
  // Copy the header and every record up to and including the divergent
  // event's expect (or the event itself when the divergence is at the event).
  std::string out_path = options_.repro_path;
  if (out_path.empty()) {
    std::string base = path_;
    const size_t slash = base.find_last_of('/');
    if (slash != std::string::npos) base = base.substr(slash + 1);
    for (const char* ext : {".zst", ".jsonl"}) {
      const size_t n = std::strlen(ext);
      if (base.size() > n && base.compare(base.size() - n, n, ext) == 0) base.resize(base.size() - n);
    }
    out_path = base + ".repro-seq" + std::to_string(seq) + ".jsonl";
  }
  ReaderOptions ro;
  ro.allow_truncated = true;
  ro.keep_raw = true;
  ro.strict = false;
  auto reader = TraceReader::open(path_, ro);
  if (!reader.is_ok()) return "";
  // Through TraceWriter's AtomicFile: an interrupted run leaves no half repro.
  auto created = TraceWriter::create(out_path);
  if (!created.is_ok()) return "";
  TraceWriter& writer = *created.value();
  peers::Status s = writer.write_line(reader.value()->header().raw);
  uint64_t events = 0;
  Record rec;
  while (s.is_ok()) {
    bool done = false;
    if (!reader.value()->next(&rec, &done).is_ok() || done) break;
    if (rec.type == RecordType::kEnd) break;
    const bool own_expect = rec.type == RecordType::kExpect && rec.seq == seq;
    if (rec.line > cut_line && !own_expect) break;
    s = writer.write_line(rec.raw);
    if (rec.type == RecordType::kEvent) events++;
    if (own_expect) break;
  }
  if (s.is_ok()) s = writer.write_line("{\"type\":\"end\",\"events\":" + std::to_string(events) + "}");
  if (s.is_ok()) s = writer.commit();
  if (!s.is_ok()) return "";
  return out_path;
}

// Timers: the engine must have this one due now, and none overdue. False
// (after diverge) when they do not.
bool Replayer::timers_agree(const Record& rec, const peers::Event& ev) {
  if (live_timers_) return true;
  // overdue_timer scans the pending requests. A step arms timers at or after
  // its own t_ms, never before, so once none is overdue at t_ms none becomes
  // overdue until the clock moves on: the scan runs once per distinct t_ms,
  // and on every kOverdueRecheck-th event besides, should that ever not hold.
  const bool recheck = ++events_since_overdue_scan_ >= kOverdueRecheck;
  if (pm_->initialized() && (ev.t_ms != no_overdue_at_t_ms_ || recheck)) {
    events_since_overdue_scan_ = 0;
    std::optional<peers::TimerDue> overdue = pm_->overdue_timer(ev.t_ms);
    if (!overdue.has_value()) no_overdue_at_t_ms_ = ev.t_ms;
    if (overdue.has_value()) {
      std::string what = std::string("timer ") + peers::timer_kind_name(overdue->kind);
      if (overdue->kind == peers::TimerKind::kGoodbyeTimeout) what += " (req " + std::to_string(overdue->req) + ")";
      const std::string headline = "the engine has " + what + " due at " + time_.text(overdue->due_ms) +
                                   ", but the trace fires no such timer before this event at " + time_.text(ev.t_ms);
      diverge(rec.line, ev.seq, headline, "", {ev.peer}, refused(headline));
      stop_ = true;
      return false;
    }
  }
  if (ev.kind == peers::EventKind::kTimer) {
    bool due = false;
    std::string armed;
    for (const peers::TimerDue& t : pm_->timers()) {
      if (t.kind != ev.timer) continue;
      if (ev.timer == peers::TimerKind::kGoodbyeTimeout && t.req != ev.req) continue;
      armed += (armed.empty() ? "" : ", ") + time_.text(t.due_ms);
      if (t.due_ms == ev.t_ms) due = true;
    }
    if (!due) {
      std::string what = std::string("timer ") + peers::timer_kind_name(ev.timer);
      if (ev.timer == peers::TimerKind::kGoodbyeTimeout) what += " (req " + std::to_string(ev.req) + ")";
      const std::string headline = "the trace fires " + what + " at " + time_.text(ev.t_ms) + ", which the engine has " +
                                   (armed.empty() ? std::string("not armed") : "due at " + armed);
      diverge(rec.line, ev.seq, headline, "", {}, refused(headline));
      stop_ = true;
      return false;
    }
  }
  return true;
}

void Replayer::on_event_record(const Record& rec) {
  remember_context(rec);
  auto parsed = [&] {
    StageTimer timer(stage(&ReplayStageTimes::convert_s));
    return parse_event(rec, where(rec.line), &peer_ids_);
  }();
  if (!parsed.is_ok()) {
    bad_input(parsed.status().message());
    stop_ = true;
    return;
  }
  const peers::Event& ev = parsed.value();
  last_event_seq_ = ev.seq;
  last_event_full_ = writes_full_dump(rec.root());
  last_event_kind_ = ev.kind;
  last_event_timer_ = ev.timer;
  last_event_peer_ = ev.peer;

  {
    StageTimer timer(stage(&ReplayStageTimes::invariants_s));
    if (!timers_agree(rec, ev)) return;
  }

  // An expect still awaited keeps the full dump of its event's state, which
  // this step is about to change (the change-note path takes none).
  if (!awaiting_.empty() && awaiting_.rbegin()->second.scores_full == nullptr) {
    awaiting_.rbegin()->second.scores_full = std::make_shared<peers::PeerScoreStats>(pm_->dump_peer_score_stats());
  }

  EventResult out;
  peers::Status s;
  {
    StageTimer timer(stage(&ReplayStageTimes::step_s));
    s = pm_->step(ev, &out.actions);
  }
  step_twin(ev, s);
  result_.events++;
  if (!s.is_ok()) {
    std::string details = "engine: " + s.message() + "\n";
    if (!out.actions.empty()) details += "actions before the error: " + cut_value(actions_to_json(out.actions).dump()) + "\n";
    diverge(rec.line, ev.seq, "the engine cannot accept this event: " + s.message(), details, {ev.peer},
            refused(s.message()));
    stop_ = true;
    return;
  }
  StageTimer timer(stage(&ReplayStageTimes::record_s));
  // A scrape changes the registry (lodestar_peer_column_group_count): the
  // engine scrapes after every event, as the recorder did.
  if (metrics_) pm_->scrape_metrics(&last_scrape_);
  count_coverage(ev, out.actions);
  out.seq = ev.seq;
  out.line = rec.line;
  const peers::ScoreChanges changes = pm_->take_score_changes();
  if (track_score_changes_ && !changes.all) {
    record_score_changes(changes.touched, ev.seq, &out);
  } else {
    record_scores(pm_->dump_peer_score_stats(), ev.seq, &out);
  }
  if (awaiting_.size() >= kMaxAwaitingResults) awaiting_.erase(awaiting_.begin());  // never checked: no expect
  awaiting_[ev.seq] = std::move(out);
}

// The determinism check: the twin takes the event pm_ just took, from the
// same state, so it must answer the same; its digest is compared at the end.
void Replayer::step_twin(const peers::Event& ev, const peers::Status& first) {
  if (twin_ == nullptr) return;
  StageTimer timer(stage(&ReplayStageTimes::twin_s));
  twin_actions_.clear();
  const peers::Status s = twin_->step(ev, &twin_actions_);
  twin_->take_score_changes();  // as pm_ does: the notes are dropped
  if (s.is_ok() != first.is_ok()) twin_disagrees_ = true;
}

void Replayer::on_expect_record(const Record& rec) {
  const JsonRef j = rec.root();
  auto it = awaiting_.find(rec.seq);
  if (it == awaiting_.end()) {
    // The reader guarantees the event was read; its result aged out.
    bad_input(where(rec.line) + "expect for seq " + std::to_string(rec.seq) + " comes more than " +
              std::to_string(kMaxAwaitingResults) + " events after its event");
    stop_ = true;
    return;
  }
  EventResult actual = std::move(it->second);
  awaiting_.erase(it);
  result_.expects++;

  if (!j["actions"].is_array()) {
    bad_input(where(rec.line) + "actions: expected an array");
    stop_ = true;
    return;
  }
  if (options_.perturb.what != Perturbation::What::kNone) {
    if (j["scores_full"].is_boolean() && j["scores_full"].as_bool()) {
      // A copy: the full dump is shared with the next delta's base.
      peers::PeerScoreStats dump = actual.scores_full != nullptr ? *actual.scores_full : pm_->dump_peer_score_stats();
      perturb(&actual.actions, &dump);
      actual.scores_full = std::make_shared<const peers::PeerScoreStats>(std::move(dump));
    } else {
      perturb(&actual.actions, &actual.scores_delta);
    }
  }
  Mismatch m;
  {
    StageTimer timer(stage(&ReplayStageTimes::compare_s));
    m.involved.push_back(last_event_peer_);
    compare_actions(j["actions"], actual, &m);
    compare_scores(rec, actual, &m);
  }
  if (m.differs) {
    assert(m.first.has_value());
    diverge(rec.line, rec.seq, m.headline, m.details.str(), m.involved, brief_of(*m.first));
    return;
  }
  if (options_.stop_at_seq.has_value() && rec.seq >= *options_.stop_at_seq) stop_ = true;
}

// Metrics: the registry the records rebuilt equals the engine's after the
// event, series for series, values bit for bit.
void Replayer::on_metrics_record(const Record& rec) {
  if (rec.seq != last_event_seq_) return;  // the reader guarantees it; an event refused above stopped the replay
  expected_metrics_.apply(rec.root());
  // Coverage: each metric, and each value of each of its labels, Lodestar emitted.
  for (const JsonRef s : rec.root()["series"]) {
    const std::string name(s["name"].str());
    result_.coverage.metric_series[name]++;
    for (auto it = s["labels"].begin(); it != s["labels"].end(); ++it) {
      result_.coverage.metric_series[name + "{" + std::string(it.key()) + "=\"" + std::string((*it).str()) + "\"}"]++;
    }
  }
  result_.metrics_compared += last_scrape_.size();
  const std::optional<MetricDifference> d = expected_metrics_.compare(last_scrape_);
  if (!d.has_value()) return;
  std::ostringstream details;
  details << "metric " << d->series << "\n  expected: " << d->expected << "\n  actual:   " << d->actual << "\n";
  diverge(rec.line, rec.seq, "metric " + d->series + ": expected " + d->expected + ", got " + d->actual, details.str(),
          {last_event_peer_}, LineDivergence{.member = "metric " + d->series, .expected = d->expected, .actual = d->actual, .headline = "", .event = ""});
}

// Actions: exact, in order.
void Replayer::compare_actions(JsonRef exp_actions, const EventResult& actual, Mismatch* m) {
  result_.actions_compared += exp_actions.size();
  if (actions_match(exp_actions, actual.actions)) return;
  const json act_actions = actions_to_json(actual.actions);
  std::vector<FieldDiff> diffs;
  diff_json(exp_actions, act_actions, "actions", 0, &diffs);
  if (diffs.empty()) return;
  m->differs = true;
  // Name the first differing action in the headline.
  const size_t common = std::min(exp_actions.size(), act_actions.size());
  size_t first = common;
  size_t i = 0;
  for (auto ea = exp_actions.begin(); i < common; ++ea, ++i) {
    if (!json_equal_exact(*ea, act_actions[i])) {
      first = i;
      break;
    }
  }
  // The first member of that action (or the action itself, when one side
  // has none there) is the one-line form of the difference.
  const std::string at = "actions[" + std::to_string(first) + "]";
  for (const FieldDiff& d : diffs) {
    if (d.path.compare(0, at.size(), at) == 0) {
      m->first = d;
      break;
    }
  }
  if (!m->first.has_value()) {
    FieldDiff d;
    d.path = at;
    size_t k = 0;
    d.a_missing = true;
    for (auto ea = exp_actions.begin(); ea != exp_actions.end(); ++ea, ++k) {
      if (k == first) {
        d.a = (*ea).to_json();
        d.a_missing = false;
        break;
      }
    }
    d.b_missing = first >= act_actions.size();
    if (!d.b_missing) d.b = act_actions[first];
    m->first = std::move(d);
  }
  m->headline = "actions differ at actions[" + std::to_string(first) + "] (expected " +
                std::to_string(exp_actions.size()) + " actions, the engine made " +
                std::to_string(act_actions.size()) + ")";
  m->details << "actions, expected vs actual (differing members only):\n";
  for (const FieldDiff& d : diffs) write_field_diff(d, m->details);
  write_whole_arrays("actions", exp_actions.dump(), act_actions.dump(), m->details);
  for (const JsonRef a : exp_actions) {
    if (a["peer"].is_string()) m->involved.emplace_back(a["peer"].str());
  }
  for (const json& a : act_actions) {
    if (a.contains("peer") && a["peer"].is_string()) m->involved.push_back(a["peer"].get<std::string>());
  }
}

// Scores: bit for bit unless options_.ulp; the delta (entries and removed
// peers) or the full dump, as the expect says.
void Replayer::compare_scores(const Record& rec, const EventResult& actual, Mismatch* m) {
  const JsonRef j = rec.root();
  const bool full = j["scores_full"].is_boolean() && j["scores_full"].as_bool();
  // An absent member reads as an empty array (the reader checked the types).
  const JsonRef exp_scores = j["scores"].is_array() ? j["scores"] : empty_array();
  const JsonRef exp_removed = j["scores_removed"].is_array() ? j["scores_removed"] : empty_array();
  std::shared_ptr<const peers::PeerScoreStats> full_dump = actual.scores_full;
  if (full && full_dump == nullptr) {
    // A change-note event: no step ran since (else the dump would have been
    // kept), so the engine's state is still the one after this event.
    full_dump = std::make_shared<peers::PeerScoreStats>(pm_->dump_peer_score_stats());
  }
  const peers::PeerScoreStats& act_entries = full ? *full_dump : actual.scores_delta;
  result_.scores_compared += exp_scores.size();
  if (score_entries_match(exp_scores, act_entries, options_.ulp) &&
      (full || peer_ids_match(exp_removed, actual.scores_removed))) {
    return;
  }
  const json act_scores = stats_to_json(act_entries);
  const json act_removed = peer_ids_to_json(actual.scores_removed);
  std::vector<FieldDiff> diffs;
  score_diffs(exp_scores, act_scores, full ? "scores(full)" : "scores", &diffs, &m->involved);
  if (!full) diff_json(exp_removed, act_removed, "scores_removed", 0, &diffs);
  if (diffs.empty()) return;
  if (!m->differs) {
    m->headline = std::string("scores differ") + (full ? " (full dump)" : " (delta)");
    m->first = diffs.front();
  }
  m->differs = true;
  m->details << (full ? "scores (full dump)" : "scores (delta)") << ", expected vs actual (differing members only):\n";
  for (const FieldDiff& d : diffs) write_field_diff(d, m->details);
  write_whole_arrays("scores", exp_scores.dump(), act_scores.dump(), m->details);
  if (!full) write_whole_arrays("scores_removed", exp_removed.dump(), act_removed.dump(), m->details);
}

// The differing score entries, paired by peer id so that one peer added or
// missing is one difference rather than a shift of every later entry. Paths
// name the expected entry's index ("scores[3].score"); an engine entry for a
// peer the expect lacks is "scores[peer <id>]". Every differing number carries
// its ULP distance. When every entry pairs up equal, the order differs, and
// that is the one difference reported.
void Replayer::score_diffs(JsonRef exp_scores, const json& act_scores, const std::string& path,
                           std::vector<FieldDiff>* diffs, std::vector<std::string>* involved) const {
  CompareOptions o;
  o.ulp = options_.ulp;
  o.ulp_members = true;
  o.arrays_by_element = true;
  o.cap = kMaxFieldDiffs;
  auto add = [&](FieldDiff d) {
    if (diffs->size() < kMaxFieldDiffs) diffs->push_back(std::move(d));
  };
  std::unordered_map<std::string, size_t> act_index;  // the first entry of each peer
  for (size_t k = 0; k < act_scores.size(); k++) act_index.emplace(act_scores[k]["peer"].get<std::string>(), k);
  std::vector<bool> paired(act_scores.size(), false);
  bool differs = false;
  size_t i = 0;
  for (const JsonRef e : exp_scores) {
    const std::string at = path + "[" + std::to_string(i++) + "]";
    const std::string peer = e["peer"].is_string() ? std::string(e["peer"].str()) : std::string();
    auto it = act_index.find(peer);
    if (it == act_index.end() || paired[it->second]) {
      differs = true;
      FieldDiff d;
      d.path = at;
      d.a = e.to_json();
      d.b_missing = true;
      add(std::move(d));
      involved->push_back(peer);
      continue;
    }
    paired[it->second] = true;
    if (json_equal_exact(e, act_scores[it->second], options_.ulp)) continue;
    differs = true;
    json_field_diffs(e.to_json(), act_scores[it->second], at, o, diffs, nullptr);
    involved->push_back(peer);
  }
  for (size_t k = 0; k < act_scores.size(); k++) {
    if (paired[k]) continue;
    differs = true;
    const std::string peer = act_scores[k]["peer"].get<std::string>();
    FieldDiff d;
    d.path = path + "[peer " + peer + "]";
    d.a_missing = true;
    d.b = act_scores[k];
    add(std::move(d));
    involved->push_back(peer);
  }
  if (differs) return;
  FieldDiff d;
  d.path = path + " (order of peers)";
  d.a = json::array();
  d.b = json::array();
  for (const JsonRef e : exp_scores) d.a.push_back(e["peer"].to_json());
  for (const json& e : act_scores) d.b.push_back(e["peer"]);
  add(std::move(d));
}

ReplayResult Replayer::run() {
  ReaderOptions ro;
  ro.allow_truncated = true;
  ro.strict = options_.strict;  // no raw text: a report reads what it shows again (look_back)
  auto opened = TraceReader::open(path_, ro);
  if (!opened.is_ok()) {
    bad_input(opened.status().message());
    return result_;
  }
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  if (!start(reader->header())) return result_;

  std::unique_ptr<ReadAhead> ahead;  // destroyed before the reader it reads
  if (options_.read_ahead) ahead = std::make_unique<ReadAhead>(reader.get());
  Record rec;
  while (!stop_) {
    bool done = false;
    peers::Status s;
    {
      StageTimer timer(stage(&ReplayStageTimes::read_s));
      s = ahead != nullptr ? ahead->next(&rec, &done) : reader->next(&rec, &done);
    }
    if (!s.is_ok()) {
      bad_input(s.message());
      break;
    }
    if (done) break;
    // Progress from the reader's own count; a reader running ahead on its
    // thread is not read from this one.
    if (options_.on_progress && ahead == nullptr && rec.line % kProgressEvery == 0) {
      options_.on_progress(reader->bytes_read(), result_.events);
    }
    on_record(rec);
  }
  if (!stop_ && result_.verdict == Verdict::kConforms) {
    cut_ = !reader->truncation().empty() ? reader->truncation() : reader->ended() ? "" : "no end record";
  }
  finish();
  return result_;
}

bool Replayer::start(const Record& header) {
  version_note_ = lodestar_version_mismatch(header.root());
  if (!version_note_.empty() && !options_.any_lodestar_version) {
    bad_input(where(header.line) + version_note_ +
              ": its expected outputs are another Lodestar's (--any-lodestar-version replays it anyway)");
    return false;
  }
  auto setup = parse_header(header.root(), where(header.line));
  if (!setup.is_ok()) {
    bad_input(setup.status().message());
    return false;
  }
  pm_ = std::make_unique<peers::PeerManager>(setup.value().config, setup.value().local);
  metrics_ = setup.value().config.metrics;
  track_score_changes_ = !setup.value().config.disable_peer_scoring;
  live_timers_ = setup.value().config.live_timers;
  pm_->track_score_changes(track_score_changes_);
  if (options_.check_determinism) {
    twin_ = std::make_unique<peers::PeerManager>(setup.value().config, setup.value().local);
    twin_->track_score_changes(track_score_changes_);
  }
  return true;
}

void Replayer::on_record(const Record& rec) {
  switch (rec.type) {
    case RecordType::kEvent:
      if (options_.stop_at_seq.has_value() && rec.seq > *options_.stop_at_seq) {
        stop_ = true;
        break;
      }
      on_event_record(rec);
      break;
    case RecordType::kExpect:
      on_expect_record(rec);
      break;
    case RecordType::kMetrics:
      on_metrics_record(rec);
      break;
    case RecordType::kEnd:
    case RecordType::kHeader:
      break;
  }
}

void Replayer::finish() {
  name_coverage();
  result_.state_digest = pm_->state_digest();
  if (twin_ != nullptr && result_.verdict != Verdict::kBadInput) {
    result_.second_digest = twin_->state_digest();
    if (*result_.second_digest != result_.state_digest || twin_disagrees_) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "state digests differ: %016llx vs %016llx",
                    static_cast<unsigned long long>(result_.state_digest),
                    static_cast<unsigned long long>(*result_.second_digest));
      result_.verdict = Verdict::kDiverges;
      result_.message = path_ + ": the engine is not deterministic: two replays end in different states (" + buf + ")";
    }
  }
  if (result_.verdict == Verdict::kConforms) {
    result_.message = path_ + ": conforms: " + std::to_string(result_.events) + " events, " +
                      std::to_string(result_.expects) + " expects, " + std::to_string(result_.actions_compared) +
                      " actions and " + std::to_string(result_.scores_compared) + " score entries compared";
    if (metrics_) result_.message += ", " + std::to_string(result_.metrics_compared) + " metric series";
    if (options_.stop_at_seq.has_value()) result_.message += " (stopped at seq " + std::to_string(*options_.stop_at_seq) + ")";
    if (!cut_.empty()) {
      result_.verdict = Verdict::kTruncated;
      result_.message = path_ + ": truncated (" + cut_ + "): " + std::to_string(result_.events) +
                        " events up to the last complete record conform, " + std::to_string(result_.expects) +
                        " expects compared";
    }
  }
  if (!version_note_.empty() && result_.verdict != Verdict::kBadInput) result_.message += " (" + version_note_ + ")";
  for (const auto& [reason, count] : pm_->prune_reason_counts()) result_.coverage.prune_reasons[reason] += count;
}


// ---------------------------------------------------------------- line by line

bool Replayer::start_lines(std::string_view header_line) {
  ReaderOptions ro;
  ro.strict = options_.strict;
  ro.events_only = options_.events_only;
  auto opened = TraceReader::open_lines(path_, header_line, ro);
  if (!opened.is_ok()) {
    bad_input(opened.status().message());
    return false;
  }
  line_reader_ = std::move(opened).value();
  return start(line_reader_->header());
}

peers::Status Replayer::feed_line(std::string_view line, std::optional<LineDivergence>* divergence) {
  assert(line_reader_ != nullptr);
  divergence->reset();
  // The record that closes an event: its expect, or its metrics record when
  // the header says metrics follow.
  auto closes = [this](RecordType type, uint64_t seq) {
    return held_.has_value() && held_->seq == seq &&
           ((type == RecordType::kExpect && !metrics_) || type == RecordType::kMetrics);
  };
  auto release = [this, divergence] {
    *divergence = std::move(held_);
    held_.reset();
  };
  if (stop_) {
    // Nothing is compared after a refused event; its own closing record
    // still brings its divergence out.
    if (!held_.has_value()) return peers::Status::ok();
    JsonTape tape;
    std::string why;
    if (!tape.parse(line, &why) || !tape.root()["seq"].is_number()) return peers::Status::ok();
    const JsonRef type = tape.root()["type"];
    const RecordType t = type == "expect" ? RecordType::kExpect : type == "metrics" ? RecordType::kMetrics : RecordType::kEnd;
    if (closes(t, static_cast<uint64_t>(tape.root()["seq"].as_int64()))) release();
    return peers::Status::ok();
  }
  peers::Status s = line_reader_->push(line, &line_rec_);
  if (!s.is_ok()) {
    stop_ = true;
    bad_input(s.message());
    // An event out of order (a seq again, time going back) is one the
    // engine cannot take: a divergence at the seq it claims.
    JsonTape tape;
    std::string why;
    if (tape.parse(line, &why) && tape.root()["type"] == "event" && tape.root()["seq"].is_number()) {
      held_ = refused(s.message());
      held_->event = event_name(tape.root());
      held_->seq = static_cast<uint64_t>(tape.root()["seq"].as_int64());
      held_->headline = "the engine cannot accept this event: " + s.message();
      return peers::Status::ok();
    }
    return s;
  }
  on_record(line_rec_);
  if (closes(line_rec_.type, line_rec_.seq)) release();
  return peers::Status::ok();
}

std::string Replayer::answer() {
  if (awaiting_.empty() || awaiting_.rbegin()->first != last_event_seq_) return "";
  EventResult r = std::move(awaiting_.rbegin()->second);
  awaiting_.erase(std::prev(awaiting_.end()));
  nlohmann::ordered_json expect{{"type", "expect"}, {"seq", r.seq}};
  if (last_event_full_) {
    // No step ran since the event: the engine's dump now is the one after it.
    peers::PeerScoreStats dump = r.scores_full != nullptr ? *r.scores_full : pm_->dump_peer_score_stats();
    perturb(&r.actions, &dump);
    expect["actions"] = actions_to_json(r.actions);
    expect["scores"] = stats_to_json(dump);
    expect["scores_full"] = true;
  } else {
    perturb(&r.actions, &r.scores_delta);
    expect["actions"] = actions_to_json(r.actions);
    expect["scores"] = stats_to_json(r.scores_delta);
    expect["scores_removed"] = peer_ids_to_json(r.scores_removed);
    expect["scores_full"] = false;
  }
  return expect.dump();
}

void Replayer::perturb(std::vector<peers::Action>* actions, peers::PeerScoreStats* scores) {
  const Perturbation& p = options_.perturb;
  if (p.what == Perturbation::What::kNone) return;
  const bool is_action = p.what == Perturbation::What::kAction;
  const uint64_t size = is_action ? actions->size() : scores->size();
  const uint64_t seen = perturb_seen_;
  perturb_seen_ += size;
  if (p.n <= seen || p.n > seen + size) return;
  const size_t k = static_cast<size_t>(p.n - 1 - seen);  // where the n-th item of the run falls in this list
  if (is_action) {
    actions->erase(actions->begin() + static_cast<std::ptrdiff_t>(k));
  } else {
    (*scores)[k].stat.score += 1;
  }
}

}  // namespace replayer_detail

peers::Result<std::unique_ptr<LineReplayer>> LineReplayer::create(std::string_view header_line, ReplayOptions options) {
  auto impl = std::make_unique<replayer_detail::Replayer>("capture", std::move(options));
  if (!impl->start_lines(header_line)) return peers::Status::corruption(impl->result().message);
  return std::unique_ptr<LineReplayer>(new LineReplayer(std::move(impl)));
}

LineReplayer::LineReplayer(std::unique_ptr<replayer_detail::Replayer> impl) : impl_(std::move(impl)) {}
LineReplayer::~LineReplayer() = default;

peers::Status LineReplayer::feed(std::string_view line, std::optional<LineDivergence>* divergence) {
  return impl_->feed_line(line, divergence);
}

std::string LineReplayer::answer() { return impl_->answer(); }
bool LineReplayer::stopped() const { return impl_->stopped(); }
const std::string& LineReplayer::why_stopped() const { return impl_->result().message; }
uint64_t LineReplayer::expects_compared() const { return impl_->result().expects; }

ReplayResult replay_trace(const std::string& path, const ReplayOptions& options) {
  return replayer_detail::Replayer(path, options).run();
}

std::string format_coverage(const Coverage& c) {
  std::ostringstream o;
  auto family = [&o](const char* name, const std::map<std::string, uint64_t>& m) {
    o << name << ":";
    if (m.empty()) o << " (none)";
    for (const auto& [k, v] : m) o << " " << k << "=" << v;
    o << "\n";
  };
  family("event kinds", c.event_kinds);
  family("action kinds", c.action_kinds);
  family("goodbye reasons", c.goodbye_reasons);
  family("prune reasons", c.prune_reasons);
  family("score transitions", c.score_transitions);
  return o.str();
}

}  // namespace replay
