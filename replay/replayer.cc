#include "replay/replayer.h"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/peer_manager.h"
#include "peers/score_interface.h"
#include "replay/score_delta.h"
#include "replay/trace_event.h"
#include "trace/json_compare.h"
#include "trace/trace_reader.h"
#include "trace/trace_writer.h"

namespace replay {

using nlohmann::json;

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kConforms: return "conforms";
    case Verdict::kDiverges: return "diverges";
    case Verdict::kBadInput: return "bad input";
  }
  return "?";
}

namespace {

constexpr size_t kValueCut = 500;              // characters of a value shown in a report
constexpr size_t kMaxAwaitingResults = 4096;   // engine results kept for expects not yet read
constexpr size_t kMaxTrackedPeers = 100000;    // peers with a score history
constexpr size_t kMaxFieldDiffs = 64;          // differing members listed in a report

std::string cut(const std::string& s, size_t max = kValueCut) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "...(" + std::to_string(s.size()) + " chars)";
}

std::string show(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(bits));
    return js_number(d) + (std::signbit(d) && d == 0 ? " (-0)" : "") + " [" + hex + "]";
  }
  return cut(v.dump());
}

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

// "  path:\n    expected X\n    actual   Y\n", and the ULP distance when a
// double is involved (the same number `peer-replay diff` prints).
void write_field_diff(const FieldDiff& d, std::ostream& out) {
  out << "  " << d.path << ":\n    expected " << (d.a_missing ? std::string("(absent)") : show(d.a))
      << "\n    actual   " << (d.b_missing ? std::string("(absent)") : show(d.b)) << "\n";
  if (d.has_ulp) out << "    distance " << d.ulp << " ulp\n";
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

// The engine's output for one event, kept until its expect is read.
struct EventResult {
  uint64_t seq = 0;
  uint64_t line = 0;
  json actions = json::array();
  std::shared_ptr<const peers::PeerScoreStats> scores_full;  // the whole dump after the event
  peers::PeerScoreStats scores_delta;  // added or changed entries, in dump order
  json scores_removed = json::array();
};

json stats_to_json(const peers::PeerScoreStats& stats) {
  json out = json::array();
  for (const peers::PeerScoreStatEntry& e : stats) out.push_back(score_entry_to_json(e));
  return out;
}

struct ContextLine {
  uint64_t line = 0;
  uint64_t seq = 0;
  std::string raw;
};

std::string score_state_of(double score) {
  return std::string(peers::score_state_name(peers::score_to_state(score)));
}

class Replayer {
 public:
  Replayer(std::string path, ReplayOptions options) : path_(std::move(path)), options_(std::move(options)) {}

  ReplayResult run();

 private:
  std::string where(uint64_t line) const { return path_ + ":" + std::to_string(line) + ": "; }
  void bad_input(const std::string& message) {
    result_.verdict = Verdict::kBadInput;
    result_.message = message;
  }
  void diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details,
               const std::vector<std::string>& peers_involved);
  void remember_context(const Record& rec);
  void on_event_record(const Record& rec);
  bool timers_agree(const Record& rec, const peers::Event& ev);
  void on_expect_record(const Record& rec);
  // What differs at one expect, gathered for the report.
  struct Mismatch {
    bool differs = false;
    std::string headline;  // the first difference
    std::ostringstream details;
    std::vector<std::string> involved;  // peers whose score history is shown
  };
  void compare_actions(JsonRef exp_actions, const EventResult& actual, Mismatch* m);
  void compare_scores(const Record& rec, const EventResult& actual, Mismatch* m);
  void note_expected_history(uint64_t seq, JsonRef exp_scores, JsonRef exp_removed);
  void record_scores(peers::PeerScoreStats dump_after, uint64_t seq, EventResult* out);
  void record_score_changes(const std::vector<peers::PeerIdStr>& touched, uint64_t seq, EventResult* out);
  void note_score_change(const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old, uint64_t seq,
                         EventResult* out);
  void count_coverage(const peers::Event& ev, const std::vector<peers::Action>& actions);
  void note_history(std::unordered_map<std::string, std::deque<std::string>>* history, const std::string& peer,
                    const std::string& entry);
  std::string write_repro(uint64_t seq, uint64_t cut_line);

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
  std::deque<ContextLine> context_;  // the last K+1 events (the current one last)
  std::map<uint64_t, EventResult> awaiting_;
  std::unordered_map<std::string, std::deque<std::string>> expected_history_;
  std::unordered_map<std::string, std::deque<std::string>> actual_history_;
  bool stop_ = false;
  uint64_t last_event_seq_ = 0;
  std::string last_event_peer_;
};

void Replayer::remember_context(const Record& rec) {
  context_.push_back(ContextLine{rec.line, rec.seq, rec.raw});
  while (context_.size() > options_.context + 1) context_.pop_front();
}

void Replayer::note_history(std::unordered_map<std::string, std::deque<std::string>>* history, const std::string& peer,
                            const std::string& entry) {
  if (options_.score_history == 0) return;
  auto it = history->find(peer);
  if (it == history->end()) {
    if (history->size() >= kMaxTrackedPeers) return;
    it = history->emplace(peer, std::deque<std::string>{}).first;
  }
  it->second.push_back(entry);
  while (it->second.size() > options_.score_history) it->second.pop_front();
}

void Replayer::note_score_change(const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old, uint64_t seq,
                                 EventResult* out) {
  out->scores_delta.push_back(e);
  if (options_.score_history > 0) {
    note_history(&actual_history_, e.peer_id, "seq " + std::to_string(seq) + ": " + score_entry_to_json(e).dump());
  }
  const std::string from = old == nullptr ? "Healthy" : score_state_of(old->score);
  const std::string to = score_state_of(e.stat.score);
  if (from != to) result_.coverage.score_transitions[from + "->" + to]++;
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
    note_history(&actual_history_, e.peer_id, "seq " + std::to_string(seq) + ": removed");
    const std::string from = score_state_of(e.stat.score);
    if (from != "Healthy") result_.coverage.score_transitions[from + "->Healthy"]++;
  };
  score_delta(before, after, changed, removed);
  out->scores_full = after_ptr;
  prev_dump_ = std::move(after_ptr);
  prev_index_.clear();
  for (size_t i = 0; i < prev_dump_->size(); i++) prev_index_.emplace((*prev_dump_)[i].peer_id, i);
}

void Replayer::count_coverage(const peers::Event& ev, const std::vector<peers::Action>& actions) {
  std::string kind = peers::event_kind_name(ev.kind);
  if (ev.kind == peers::EventKind::kTimer) kind += std::string(":") + peers::timer_kind_name(ev.timer);
  if (ev.kind == peers::EventKind::kRequest) kind += ":" + std::string(peers::req_resp_method_name(ev.method));
  if (ev.kind == peers::EventKind::kResponse) kind += ev.is_error ? ":error" : ":ok";
  result_.coverage.event_kinds[kind]++;
  for (const peers::Action& a : actions) {
    result_.coverage.action_kinds[peers::action_kind_name(a.kind)]++;
    if (a.kind == peers::ActionKind::kSendGoodbye) result_.coverage.goodbye_reasons[std::to_string(a.reason)]++;
  }
}

void Replayer::diverge(uint64_t line, uint64_t seq, const std::string& headline, const std::string& details,
                       const std::vector<std::string>& peers_involved) {
  result_.verdict = Verdict::kDiverges;
  result_.divergence_line = line;
  result_.divergence_seq = seq;
  result_.message = where(line) + "seq " + std::to_string(seq) + ": " + headline;
  std::ostringstream r;
  r << "DIVERGENCE " << path_ << ":" << line << " (event seq " << seq << ")\n";
  r << "  " << headline << "\n\n";
  // The event and the K before it.
  if (!context_.empty()) {
    const ContextLine& current = context_.back();
    if (context_.size() > 1) {
      r << "context (the " << context_.size() - 1 << " events before):\n";
      for (size_t i = 0; i + 1 < context_.size(); i++) {
        r << "  line " << context_[i].line << ": " << cut(context_[i].raw) << "\n";
      }
    }
    r << "event (line " << current.line << "):\n  " << cut(current.raw, 4 * kValueCut) << "\n\n";
  }
  r << details;
  // Score history of the peers involved.
  bool header = false;
  std::vector<std::string> seen;
  for (const std::string& peer : peers_involved) {
    if (peer.empty() || std::find(seen.begin(), seen.end(), peer) != seen.end()) continue;
    seen.push_back(peer);
    auto e = expected_history_.find(peer);
    auto a = actual_history_.find(peer);
    if (e == expected_history_.end() && a == actual_history_.end()) continue;
    if (!header) {
      r << "\nscore history (last " << options_.score_history << " entries per peer):\n";
      header = true;
    }
    r << "  peer " << peer << "\n";
    if (e != expected_history_.end()) {
      for (const std::string& s : e->second) r << "    expected " << cut(s) << "\n";
    }
    if (a != actual_history_.end()) {
      for (const std::string& s : a->second) r << "    actual   " << cut(s) << "\n";
    }
  }
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
  if (pm_->initialized()) {
    std::optional<peers::TimerDue> overdue = pm_->overdue_timer(ev.t_ms);
    if (overdue.has_value()) {
      std::string what = std::string("timer ") + peers::timer_kind_name(overdue->kind);
      if (overdue->kind == peers::TimerKind::kGoodbyeTimeout) what += " (req " + std::to_string(overdue->req) + ")";
      diverge(rec.line, ev.seq,
              "the engine has " + what + " due at t_ms " + std::to_string(overdue->due_ms) +
                  ", but the trace fires no such timer before this event at t_ms " + std::to_string(ev.t_ms),
              "", {ev.peer});
      return false;
    }
  }
  if (ev.kind == peers::EventKind::kTimer) {
    bool due = false;
    std::string armed;
    for (const peers::TimerDue& t : pm_->timers()) {
      if (t.kind != ev.timer) continue;
      if (ev.timer == peers::TimerKind::kGoodbyeTimeout && t.req != ev.req) continue;
      armed += (armed.empty() ? "" : ", ") + std::to_string(t.due_ms);
      if (t.due_ms == ev.t_ms) due = true;
    }
    if (!due) {
      std::string what = std::string("timer ") + peers::timer_kind_name(ev.timer);
      if (ev.timer == peers::TimerKind::kGoodbyeTimeout) what += " (req " + std::to_string(ev.req) + ")";
      diverge(rec.line, ev.seq,
              "the trace fires " + what + " at t_ms " + std::to_string(ev.t_ms) + ", which the engine has " +
                  (armed.empty() ? std::string("not armed") : "due at " + armed),
              "", {});
      return false;
    }
  }
  return true;
}

void Replayer::on_event_record(const Record& rec) {
  remember_context(rec);
  auto parsed = parse_event(rec, where(rec.line), &peer_ids_);
  if (!parsed.is_ok()) {
    bad_input(parsed.status().message());
    stop_ = true;
    return;
  }
  const peers::Event& ev = parsed.value();
  last_event_seq_ = ev.seq;
  last_event_peer_ = ev.peer;

  if (!timers_agree(rec, ev)) return;

  // An expect still awaited keeps the full dump of its event's state, which
  // this step is about to change (the change-note path takes none).
  if (!awaiting_.empty() && awaiting_.rbegin()->second.scores_full == nullptr) {
    awaiting_.rbegin()->second.scores_full = std::make_shared<peers::PeerScoreStats>(pm_->dump_peer_score_stats());
  }

  std::vector<peers::Action> actions;
  peers::Status s = pm_->step(ev, &actions);
  result_.events++;
  if (!s.is_ok()) {
    std::string details = "engine: " + s.message() + "\n";
    if (!actions.empty()) details += "actions before the error: " + cut(actions_to_json(actions).dump()) + "\n";
    diverge(rec.line, ev.seq, "the engine cannot accept this event: " + s.message(), details, {ev.peer});
    return;
  }
  count_coverage(ev, actions);

  EventResult out;
  out.seq = ev.seq;
  out.line = rec.line;
  out.actions = actions_to_json(actions);
  const peers::ScoreChanges changes = pm_->take_score_changes();
  if (track_score_changes_ && !changes.all) {
    record_score_changes(changes.touched, ev.seq, &out);
  } else {
    record_scores(pm_->dump_peer_score_stats(), ev.seq, &out);
  }
  if (awaiting_.size() >= kMaxAwaitingResults) awaiting_.erase(awaiting_.begin());  // never checked: no expect
  awaiting_[ev.seq] = std::move(out);
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
  const EventResult actual = std::move(it->second);
  awaiting_.erase(it);
  result_.expects++;

  if (!j["actions"].is_array()) {
    bad_input(where(rec.line) + "actions: expected an array");
    stop_ = true;
    return;
  }
  Mismatch m;
  m.involved.push_back(last_event_peer_);
  compare_actions(j["actions"], actual, &m);
  compare_scores(rec, actual, &m);
  if (m.differs) {
    diverge(rec.line, rec.seq, m.headline, m.details.str(), m.involved);
    return;
  }
  if (options_.stop_at_seq.has_value() && rec.seq >= *options_.stop_at_seq) stop_ = true;
}

// Actions: exact, in order.
void Replayer::compare_actions(JsonRef exp_actions, const EventResult& actual, Mismatch* m) {
  std::vector<FieldDiff> diffs;
  diff_json(exp_actions, actual.actions, "actions", 0, &diffs);
  result_.actions_compared += exp_actions.size();
  if (diffs.empty()) return;
  m->differs = true;
  // Name the first differing action in the headline.
  const size_t common = std::min(exp_actions.size(), actual.actions.size());
  size_t first = common;
  size_t i = 0;
  for (auto ea = exp_actions.begin(); i < common; ++ea, ++i) {
    if (!json_equal_exact(*ea, actual.actions[i])) {
      first = i;
      break;
    }
  }
  m->headline = "actions differ at actions[" + std::to_string(first) + "] (expected " +
                std::to_string(exp_actions.size()) + " actions, the engine made " +
                std::to_string(actual.actions.size()) + ")";
  m->details << "actions, expected vs actual (differing members only):\n";
  for (const FieldDiff& d : diffs) write_field_diff(d, m->details);
  m->details << "expected actions: " << cut(exp_actions.dump(), 2 * kValueCut) << "\n";
  m->details << "actual actions:   " << cut(actual.actions.dump(), 2 * kValueCut) << "\n";
  for (const JsonRef a : exp_actions) {
    if (a["peer"].is_string()) m->involved.emplace_back(a["peer"].str());
  }
  for (const json& a : actual.actions) {
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
  note_expected_history(rec.seq, exp_scores, exp_removed);
  std::shared_ptr<const peers::PeerScoreStats> full_dump = actual.scores_full;
  if (full && full_dump == nullptr) {
    // A change-note event: no step ran since (else the dump would have been
    // kept), so the engine's state is still the one after this event.
    full_dump = std::make_shared<peers::PeerScoreStats>(pm_->dump_peer_score_stats());
  }
  const json act_scores = stats_to_json(full ? *full_dump : actual.scores_delta);
  std::vector<FieldDiff> diffs;
  diff_json(exp_scores, act_scores, full ? "scores(full)" : "scores", options_.ulp, &diffs);
  if (!full) diff_json(exp_removed, actual.scores_removed, "scores_removed", 0, &diffs);
  result_.scores_compared += exp_scores.size();
  if (diffs.empty()) return;
  if (!m->differs) m->headline = std::string("scores differ") + (full ? " (full dump)" : " (delta)");
  m->differs = true;
  m->details << (full ? "scores (full dump)" : "scores (delta)") << ", expected vs actual (differing members only):\n";
  for (const FieldDiff& d : diffs) {
    write_field_diff(d, m->details);
    // Name the peer of a differing entry.
    const size_t lb = d.path.find('[');
    const size_t rb = d.path.find(']');
    if (lb != std::string::npos && rb != std::string::npos && d.path.rfind("scores_removed", 0) != 0) {
      const size_t index = std::strtoull(d.path.c_str() + lb + 1, nullptr, 10);
      if (const JsonRef e = exp_scores.at(index); e["peer"].is_string()) m->involved.emplace_back(e["peer"].str());
      if (index < act_scores.size()) m->involved.push_back(act_scores[index]["peer"].get<std::string>());
    }
  }
  m->details << "expected scores: " << cut(exp_scores.dump(), 2 * kValueCut) << "\n";
  m->details << "actual scores:   " << cut(act_scores.dump(), 2 * kValueCut) << "\n";
  if (!full) {
    m->details << "expected scores_removed: " << cut(exp_removed.dump()) << "\n";
    m->details << "actual scores_removed:   " << cut(actual.scores_removed.dump()) << "\n";
  }
}

void Replayer::note_expected_history(uint64_t seq, JsonRef exp_scores, JsonRef exp_removed) {
  for (const JsonRef e : exp_scores) {
    if (e["peer"].is_string()) {
      note_history(&expected_history_, std::string(e["peer"].str()), "seq " + std::to_string(seq) + ": " + e.dump());
    }
  }
  for (const JsonRef p : exp_removed) {
    if (p.is_string()) note_history(&expected_history_, std::string(p.str()), "seq " + std::to_string(seq) + ": removed");
  }
}

ReplayResult Replayer::run() {
  ReaderOptions ro;
  ro.keep_raw = true;
  ro.strict = options_.strict;
  auto opened = TraceReader::open(path_, ro);
  if (!opened.is_ok()) {
    bad_input(opened.status().message());
    return result_;
  }
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  auto setup = parse_header(reader->header().root(), where(reader->header().line));
  if (!setup.is_ok()) {
    bad_input(setup.status().message());
    return result_;
  }
  pm_ = std::make_unique<peers::PeerManager>(setup.value().config, setup.value().local);
  track_score_changes_ = !setup.value().config.disable_peer_scoring;
  pm_->track_score_changes(track_score_changes_);

  while (!stop_) {
    Record rec;
    bool done = false;
    peers::Status s = reader->next(&rec, &done);
    if (!s.is_ok()) {
      bad_input(s.message());
      break;
    }
    if (done) break;
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
      case RecordType::kEnd:
      case RecordType::kHeader:
        break;
    }
  }
  result_.state_digest = pm_->state_digest();
  if (result_.verdict == Verdict::kConforms) {
    result_.message = path_ + ": conforms: " + std::to_string(result_.events) + " events, " +
                      std::to_string(result_.expects) + " expects, " + std::to_string(result_.actions_compared) +
                      " actions and " + std::to_string(result_.scores_compared) + " score entries compared";
    if (options_.stop_at_seq.has_value()) result_.message += " (stopped at seq " + std::to_string(*options_.stop_at_seq) + ")";
  }
  for (const auto& [reason, count] : pm_->prune_reason_counts()) result_.coverage.prune_reasons[reason] += count;
  return result_;
}

}  // namespace

ReplayResult replay_trace(const std::string& path, const ReplayOptions& options) {
  ReplayResult result = Replayer(path, options).run();
  if (options.check_determinism && result.verdict != Verdict::kBadInput) {
    ReplayOptions again = options;
    again.check_determinism = false;
    again.emit_repro = false;
    const ReplayResult second = Replayer(path, again).run();
    result.second_digest = second.state_digest;
    if (second.state_digest != result.state_digest || second.verdict != result.verdict) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "state digests differ: %016llx vs %016llx",
                    static_cast<unsigned long long>(result.state_digest),
                    static_cast<unsigned long long>(second.state_digest));
      result.verdict = Verdict::kDiverges;
      result.message = path + ": the engine is not deterministic: two replays end in different states (" + buf + ")";
    }
  }
  return result;
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
