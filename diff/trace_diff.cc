// trace_diff: see trace_diff.h for what and why; docs/DIFF_FORMAT.md for the
// JSON schema. Sections: exact JSON helpers, the edit script, the streaming
// sides, the differ, the three writers, directories and cmd_diff.
#include "diff/trace_diff.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <ostream>
#include <queue>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "engine/goodbye.h"
#include "trace/format.h"
#include "trace/trace_reader.h"

namespace replay {

using nlohmann::json;
using peers::Status;

// ---------------------------------------------------------------------------
// Exact JSON helpers.

namespace {

uint64_t double_bits(double d) { return std::bit_cast<uint64_t>(d); }

// Maps doubles onto unsigned integers in the same order, -0 just below +0.
uint64_t ordered_bits(double d) {
  const uint64_t u = double_bits(d);
  return (u >> 63) != 0 ? ~u : (u | (uint64_t{1} << 63));
}

std::string join_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void add_leaf(const json& a, const json& b, bool a_missing, bool b_missing, const std::string& path, bool ulp_members,
              std::vector<FieldDiff>* out, size_t cap, size_t* omitted) {
  if (out->size() >= cap) {
    ++*omitted;
    return;
  }
  FieldDiff f;
  f.path = path;
  f.a_missing = a_missing;
  f.b_missing = b_missing;
  if (!a_missing) f.a = a;
  if (!b_missing) f.b = b;
  if (!a_missing && !b_missing && a.is_number() && b.is_number()) {
    const double da = a.get<double>(), db = b.get<double>();
    f.has_delta = true;
    f.delta = db - da;
    if (ulp_members || a.is_number_float() || b.is_number_float()) {
      f.has_ulp = true;
      f.ulp = ulp_distance(da, db);
    }
  }
  out->push_back(std::move(f));
}

void field_diffs_rec(const json& a, const json& b, const std::string& path, bool ulp_members,
                     std::vector<FieldDiff>* out, size_t cap, size_t* omitted) {
  if (json_equal_exact(a, b)) return;
  if (a.is_object() && b.is_object()) {
    // nlohmann objects are sorted maps: a merge walk visits the union of keys in order.
    auto ia = a.begin(), ib = b.begin();
    while (ia != a.end() || ib != b.end()) {
      if (ib == b.end() || (ia != a.end() && ia.key() < ib.key())) {
        add_leaf(*ia, json(), false, true, join_path(path, ia.key()), ulp_members, out, cap, omitted);
        ++ia;
      } else if (ia == a.end() || ib.key() < ia.key()) {
        add_leaf(json(), *ib, true, false, join_path(path, ib.key()), ulp_members, out, cap, omitted);
        ++ib;
      } else {
        field_diffs_rec(*ia, *ib, join_path(path, ia.key()), ulp_members, out, cap, omitted);
        ++ia;
        ++ib;
      }
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); i++) {
      field_diffs_rec(a[i], b[i], path + "[" + std::to_string(i) + "]", ulp_members, out, cap, omitted);
    }
    return;
  }
  add_leaf(a, b, false, false, path, ulp_members, out, cap, omitted);
}

}  // namespace

bool json_equal_exact(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return double_bits(a.get<double>()) == double_bits(b.get<double>());
    return a == b;  // two integers: nlohmann compares signed and unsigned by value
  }
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !json_equal_exact(*ia, *ib)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
      if (!json_equal_exact(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

void json_field_diffs(const json& a, const json& b, std::vector<FieldDiff>* out, size_t cap, size_t* omitted,
                      bool ulp_members) {
  field_diffs_rec(a, b, "", ulp_members, out, cap, omitted);
}

uint64_t ulp_distance(double a, double b) {
  assert(std::isfinite(a) && std::isfinite(b));
  const uint64_t oa = ordered_bits(a), ob = ordered_bits(b);
  return oa > ob ? oa - ob : ob - oa;
}

json parse_json_exact(std::string_view line) {
  if (line.find("-0") == std::string_view::npos) {
    return json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  }
  // Rewrite every integer token "-0" (outside strings, not an exponent) as
  // "-0.0" so nlohmann reads a negative-zero double.
  std::string fixed;
  fixed.reserve(line.size() + 16);
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < line.size(); i++) {
    const char c = line[i];
    fixed.push_back(c);
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c == '-' && i + 1 < line.size() && line[i + 1] == '0' &&
        (i == 0 || (line[i - 1] != 'e' && line[i - 1] != 'E'))) {
      const char n = i + 2 < line.size() ? line[i + 2] : '\0';
      if (n != '.' && n != 'e' && n != 'E' && !(n >= '0' && n <= '9')) {
        fixed += "0.0";
        i++;
      }
    }
  }
  return json::parse(fixed, nullptr, /*allow_exceptions=*/false);
}

// ---------------------------------------------------------------------------
// Edit script (Myers 1986, "An O(ND) Difference Algorithm and Its Variations").

std::vector<Edit> align_keys(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t max_d) {
  const size_t n = a.size(), m = b.size();
  std::vector<Edit> edits;
  edits.reserve(n + m);
  size_t pre = 0;
  while (pre < n && pre < m && a[pre] == b[pre]) pre++;
  size_t suf = 0;
  while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf]) suf++;
  for (size_t i = 0; i < pre; i++) edits.push_back({EditOp::kKeep, i, i});

  const int64_t big_n = static_cast<int64_t>(n - pre - suf), big_m = static_cast<int64_t>(m - pre - suf);
  std::vector<Edit> middle;  // in reverse order while backtracking
  bool solved = false;
  if (big_n > 0 && big_m > 0) {
    const int64_t d_max = std::min<int64_t>(big_n + big_m, static_cast<int64_t>(max_d));
    const int64_t offset = d_max + 1;
    std::vector<int64_t> v(static_cast<size_t>(2 * d_max + 3), 0);
    std::vector<std::vector<int64_t>> trace;  // v before each round d: O(D^2) ints, D <= max_d
    auto at = [&](std::vector<int64_t>& vec, int64_t k) -> int64_t& { return vec[static_cast<size_t>(k + offset)]; };
    int64_t found_d = -1;
    for (int64_t d = 0; d <= d_max && found_d < 0; d++) {
      trace.push_back(v);
      for (int64_t k = -d; k <= d; k += 2) {
        int64_t x = (k == -d || (k != d && at(v, k - 1) < at(v, k + 1))) ? at(v, k + 1) : at(v, k - 1) + 1;
        int64_t y = x - k;
        while (x < big_n && y < big_m && a[pre + static_cast<size_t>(x)] == b[pre + static_cast<size_t>(y)]) {
          x++;
          y++;
        }
        at(v, k) = x;
        if (x >= big_n && y >= big_m) {
          found_d = d;
          break;
        }
      }
    }
    if (found_d >= 0) {
      solved = true;
      int64_t x = big_n, y = big_m;
      for (int64_t d = found_d; d >= 0; d--) {
        std::vector<int64_t>& vd = trace[static_cast<size_t>(d)];
        const int64_t k = x - y;
        const int64_t prev_k = (k == -d || (k != d && at(vd, k - 1) < at(vd, k + 1))) ? k + 1 : k - 1;
        const int64_t prev_x = at(vd, prev_k), prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
          x--;
          y--;
          middle.push_back({EditOp::kKeep, pre + static_cast<size_t>(x), pre + static_cast<size_t>(y)});
        }
        if (d > 0) {
          if (x == prev_x) {
            middle.push_back({EditOp::kInsert, 0, pre + static_cast<size_t>(prev_y)});
          } else {
            middle.push_back({EditOp::kDelete, pre + static_cast<size_t>(prev_x), 0});
          }
        }
        x = prev_x;
        y = prev_y;
      }
      std::reverse(middle.begin(), middle.end());
    }
  }
  if (!solved) {  // one side empty, or beyond max_d: replace the middle whole
    middle.clear();
    for (int64_t i = 0; i < big_n; i++) middle.push_back({EditOp::kDelete, pre + static_cast<size_t>(i), 0});
    for (int64_t j = 0; j < big_m; j++) middle.push_back({EditOp::kInsert, 0, pre + static_cast<size_t>(j)});
  }
  edits.insert(edits.end(), middle.begin(), middle.end());
  for (size_t i = 0; i < suf; i++) edits.push_back({EditOp::kKeep, n - suf + i, m - suf + i});
  return edits;
}

std::string_view diff_item_type_name(DiffItemType type) {
  switch (type) {
    case DiffItemType::kActionAdded:
      return "action_added";
    case DiffItemType::kActionRemoved:
      return "action_removed";
    case DiffItemType::kActionChanged:
      return "action_changed";
    case DiffItemType::kActionMoved:
      return "action_moved";
    case DiffItemType::kScoreAdded:
      return "score_added";
    case DiffItemType::kScoreRemoved:
      return "score_removed";
    case DiffItemType::kScoreChanged:
      return "score_changed";
    case DiffItemType::kScoresOrder:
      return "scores_order";
    case DiffItemType::kScoresFull:
      return "scores_full";
    case DiffItemType::kScoreDeletionAdded:
      return "score_deletion_added";
    case DiffItemType::kScoreDeletionRemoved:
      return "score_deletion_removed";
    case DiffItemType::kExpectOnlyInA:
      return "expect_only_in_a";
    case DiffItemType::kExpectOnlyInB:
      return "expect_only_in_b";
  }
  return "?";
}

namespace {

// ---------------------------------------------------------------------------
// Read-ahead: a worker thread owns the reader after the header and hands
// records over in batches through a bounded queue, so the two traces are
// decompressed and parsed in parallel (2 cores) while the main thread diffs.
// Order is preserved, so the report is the same with or without it.

class ReadAhead {
 public:
  explicit ReadAhead(TraceReader* reader) : reader_(reader), thread_([this] { run(); }) {}
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  Status next(Record* out, bool* done) {
    *done = false;
    if (pos_ == current_.size()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !ready_.empty() || finished_; });
      if (ready_.empty()) {  // finished, everything handed over
        if (!final_.is_ok()) return final_;
        *done = true;
        return Status::ok();
      }
      current_ = std::move(ready_.front());
      ready_.pop_front();
      pos_ = 0;
      lock.unlock();
      cv_.notify_all();  // room for another batch
    }
    *out = std::move(current_[pos_++]);
    return Status::ok();
  }

  // Hands consumed records back so the worker frees them: the DOM nodes were
  // allocated on its thread, and freeing them there avoids malloc's
  // cross-thread (arena) path, which doubled the CPU time of a diff.
  void recycle(Record&& rec) {
    spent_.push_back(std::move(rec));
    if (spent_.size() < kBatchRecords) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      trash_.push_back(std::move(spent_));
    }
    spent_.clear();
    cv_.notify_all();
  }

 private:
  static constexpr size_t kBatchRecords = 256;
  static constexpr size_t kBatchBytes = 4u << 20;
  static constexpr size_t kMaxBatches = 4;  // queued: at most ~16 MiB of lines plus one line

  void run() {
    for (;;) {
      {
        std::deque<std::vector<Record>> trash;
        {
          std::lock_guard<std::mutex> lock(mu_);
          trash.swap(trash_);
        }
      }  // freed here, on this thread, outside the lock
      std::vector<Record> batch;
      batch.reserve(kBatchRecords);
      size_t bytes = 0;
      Status s;
      bool done = false;
      while (batch.size() < kBatchRecords && bytes < kBatchBytes) {
        Record rec;
        s = reader_->next(&rec, &done);
        if (!s.is_ok() || done) break;
        bytes += rec.raw.size();
        batch.push_back(std::move(rec));
      }
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return ready_.size() < kMaxBatches || stop_; });
      if (stop_) return;
      // (trash_ is bounded: the consumer only recycles what it took from ready_.)
      if (!batch.empty()) ready_.push_back(std::move(batch));
      if (!s.is_ok() || done) {
        final_ = s;
        finished_ = true;
        lock.unlock();
        cv_.notify_all();
        return;
      }
      lock.unlock();
      cv_.notify_all();
    }
  }

  TraceReader* reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Record>> ready_;  // guarded by mu_
  std::deque<std::vector<Record>> trash_;  // guarded by mu_: consumed, to free on the worker
  bool finished_ = false;                  // guarded by mu_
  bool stop_ = false;                      // guarded by mu_
  Status final_;                           // guarded by mu_
  std::vector<Record> current_;            // consumer only
  std::vector<Record> spent_;              // consumer only: consumed, not yet handed back
  size_t pos_ = 0;                         // consumer only
  std::thread thread_;                     // last: starts after the members above exist
};

// ---------------------------------------------------------------------------
// One side: a reader and the events whose expect may still come.

struct Unit {
  Record event;
  Record expect;
  bool has_expect = false;
  size_t bytes = 0;
};

class TraceSide {
 public:
  explicit TraceSide(TraceSummary* summary) : summary_(summary) {}

  Status open(const std::string& path, const ReaderOptions& ropts, bool read_ahead) {
    auto opened = TraceReader::open(path, ropts);
    if (!opened.is_ok()) return opened.status();
    reader_ = std::move(opened).value();
    if (read_ahead) read_ahead_ = std::make_unique<ReadAhead>(reader_.get());
    const json h = reader_->header().to_json();
    summary_->path = path;
    summary_->scenario = h.value("scenario", "");
    summary_->seed = h.value("seed", "");
    summary_->producer = h.value("producer", json::object());
    return Status::ok();
  }

  const Record& header() const { return reader_->header(); }
  uint64_t late_expects() const { return late_expects_; }

  // Sets *out to the lowest-seq event not consumed yet, once its expect (if
  // the trace has one within the window) has been read; nullptr at the end.
  Status front(Unit** out) {
    *out = nullptr;
    for (;;) {
      if (!pending_.empty()) {
        const Unit& u = pending_.front();
        if (u.has_expect || last_expect_seq_ > u.event.seq || eof_ || pending_.size() > kMaxPendingEvents ||
            pending_bytes_ > kMaxPendingBytes) {
          *out = &pending_.front();
          return Status::ok();
        }
      } else if (eof_) {
        return Status::ok();
      }
      Record rec;
      bool done = false;
      Status s = read_ahead_ ? read_ahead_->next(&rec, &done) : reader_->next(&rec, &done);
      if (!s.is_ok()) return s;
      if (done) {
        eof_ = true;
        continue;
      }
      if (rec.type == RecordType::kEvent) {
        summary_->events++;
        Unit u;
        u.bytes = rec.raw.size();
        u.event = std::move(rec);
        pending_bytes_ += u.bytes;
        pending_.push_back(std::move(u));
      } else if (rec.type == RecordType::kExpect) {
        summary_->expects++;
        summary_->actions += rec.root()["actions"].size();
        last_expect_seq_ = rec.seq;
        if (!pending_.empty() && rec.seq >= pending_.front().event.seq) {
          Unit& u = pending_[rec.seq - pending_.front().event.seq];
          assert(u.event.seq == rec.seq && !u.has_expect);  // the reader checks seq order
          u.bytes += rec.raw.size();
          pending_bytes_ += rec.raw.size();
          u.expect = std::move(rec);
          u.has_expect = true;
        } else {
          late_expects_++;  // its event left the window: not compared
        }
      }
      // kEnd: the reader checked it; nothing to compare.
    }
  }

  void pop() {
    assert(!pending_.empty());
    Unit& u = pending_.front();
    pending_bytes_ -= u.bytes;
    if (read_ahead_) {
      read_ahead_->recycle(std::move(u.event));
      if (u.has_expect) read_ahead_->recycle(std::move(u.expect));
    }
    pending_.pop_front();
  }

 private:
  TraceSummary* summary_;
  std::unique_ptr<TraceReader> reader_;
  std::unique_ptr<ReadAhead> read_ahead_;  // declared after reader_: stopped before it is destroyed
  std::deque<Unit> pending_;
  size_t pending_bytes_ = 0;
  uint64_t last_expect_seq_ = 0;
  uint64_t late_expects_ = 0;
  bool eof_ = false;
};

// True when `line` may hold an integer token "-0" (a "-0" not followed by a
// digit, '.' or an exponent). Strings are not skipped: a false positive only
// costs an exact re-parse, which does skip them.
bool may_have_integer_negative_zero(std::string_view line) {
  for (size_t i = line.find("-0"); i != std::string_view::npos; i = line.find("-0", i + 2)) {
    const char n = i + 2 < line.size() ? line[i + 2] : '\0';
    if (n != '.' && n != 'e' && n != 'E' && !(n >= '0' && n <= '9')) return true;
  }
  return false;
}

// The record's JSON, re-parsed exactly when the line has an integer "-0".
const json& exact(const Record& r, json* storage) {
  *storage = may_have_integer_negative_zero(r.raw) ? parse_json_exact(r.raw) : r.to_json();
  assert(!storage->is_discarded());  // the reader parsed the same line
  return *storage;
}

std::string str_member(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string str_member(JsonRef j, const char* name) {
  const JsonRef v = j.find(name);
  if (!v) return "";
  return v.is_string() ? std::string(v.str()) : v.dump();
}

size_t count_reqs(JsonRef actions) {
  size_t n = 0;
  for (const JsonRef a : actions) n += a.contains("req") ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------------------
// The differ: consumes aligned units and fills the report's bounded state.

struct BetterDelta {  // "a ranks before b": larger |delta|, then earlier seq, then peer
  bool operator()(const ScoreDelta& a, const ScoreDelta& b) const {
    if (a.abs_delta != b.abs_delta) return a.abs_delta > b.abs_delta;
    if (a.seq != b.seq) return a.seq < b.seq;
    if (a.peer != b.peer) return a.peer < b.peer;
    return a.field < b.field;
  }
};

class Differ {
 public:
  Differ(const DiffOptions& opts, DiffReport* report) : opts_(opts), r_(report) { r_->limit = opts.limit; }

  // Header inputs (everything but the producer) and the producer (shown only).
  void compare_headers(const json& ha, const json& hb) {
    json ia = ha, ib = hb;
    for (json* j : {&ia, &ib}) {
      j->erase("producer");
      j->erase("type");
    }
    json_field_diffs(ia, ib, &r_->header_diffs, kMaxHeaderDiffs, &r_->header_diffs_omitted);
    json_field_diffs(ha.value("producer", json::object()), hb.value("producer", json::object()), &r_->producer_diffs,
                     kMaxHeaderDiffs, &r_->producer_diffs_omitted);
  }

  std::string header_mismatch_message() const {
    if (r_->header_diffs.empty()) return "";
    const FieldDiff& f = r_->header_diffs.front();
    return "header member " + f.path + " differs: " + (f.a_missing ? "(absent)" : f.a.dump()) + " in " + r_->a.path +
           ", " + (f.b_missing ? "(absent)" : f.b.dump()) + " in " + r_->b.path;
  }

  // Compares event `seq` and its expects. Returns false with *error when the
  // inputs differ and they must match.
  bool compare(const Unit& ua, const Unit& ub, std::string* error) {
    assert(ua.event.seq == ub.event.seq);
    const uint64_t seq = ua.event.seq;
    r_->events_compared++;
    r_->last_seq_compared = seq;
    if (ua.event.raw != ub.event.raw) {
      json sa, sb;
      const json& ja = exact(ua.event, &sa);
      const json& jb = exact(ub.event, &sb);
      if (!json_equal_exact(ja, jb)) {
        r_->events_differing++;
        r_->last_event_diff_seq = seq;
        if (!r_->has_first_event_diff) {
          r_->has_first_event_diff = true;
          FirstEventDiff& f = r_->first_event_diff;
          f.seq = seq;
          f.a_line = ua.event.line;
          f.b_line = ub.event.line;
          f.a_kind = ua.event.kind;
          f.b_kind = ub.event.kind;
          json_field_diffs(ja, jb, &f.fields, kMaxFieldDiffsPerItem, &f.fields_omitted);
        }
        if (opts_.inputs_must_match) {
          const FieldDiff& f = r_->first_event_diff.fields.front();
          *error = "inputs differ at seq " + std::to_string(seq) + " (" + r_->a.path + ":" +
                   std::to_string(ua.event.line) + ", " + r_->b.path + ":" + std::to_string(ub.event.line) +
                   "): event member " + (f.path.empty() ? "value" : f.path) + " " +
                   (f.a_missing ? "(absent)" : f.a.dump()) + " vs " + (f.b_missing ? "(absent)" : f.b.dump()) +
                   "; --inputs-must-match requires the same events";
          return false;
        }
      }
    }

    ctx_ = Context{};
    ctx_.seq = seq;
    ctx_.t_ms = ua.event.t_ms;
    ctx_.event_kind = ua.event.kind;
    ctx_.event_peer = str_member(ua.event.root(), "peer");
    ctx_.a_line = ua.has_expect ? ua.expect.line : 0;
    ctx_.b_line = ub.has_expect ? ub.expect.line : 0;
    const uint64_t before = r_->differences;
    if (ua.has_expect && ub.has_expect) {
      r_->expects_compared++;
      const JsonRef aa = ua.expect.root()["actions"];
      const JsonRef ab = ub.expect.root()["actions"];
      if (ua.expect.raw == ub.expect.raw) {
        reqs_a_ += count_reqs(aa);
        reqs_b_ += count_reqs(ab);
      } else {
        json sa, sb;
        const json& ea = exact(ua.expect, &sa);
        const json& eb = exact(ub.expect, &sb);
        compare_actions(ea["actions"], eb["actions"]);
        compare_scores(ea, eb);
      }
    } else if (ua.has_expect || ub.has_expect) {
      const bool in_a = ua.has_expect;
      const JsonRef e = in_a ? ua.expect.root() : ub.expect.root();
      (in_a ? reqs_a_ : reqs_b_) += count_reqs(e["actions"]);
      (in_a ? r_->expects_only_in_a : r_->expects_only_in_b)++;
      DiffItem* item = add_item(in_a ? DiffItemType::kExpectOnlyInA : DiffItemType::kExpectOnlyInB);
      if (item != nullptr) {
        json summary = {{"actions", e["actions"].size()}, {"scores", e.contains("scores") ? e["scores"].size() : 0}};
        (in_a ? item->a : item->b) = std::move(summary);
      }
    }
    note_seq(seq, r_->differences > before);
    return true;
  }

  // An event present in one trace only (the other ended earlier).
  bool tail(const Unit& u, bool in_a, std::string* error) {
    const uint64_t seq = u.event.seq;
    uint64_t& events = in_a ? r_->only_in_a_events : r_->only_in_b_events;
    SeqRange& range = in_a ? r_->only_in_a_seqs : r_->only_in_b_seqs;
    if (events == 0) range.first = seq;
    range.last = seq;
    events++;
    if (u.has_expect) (in_a ? r_->only_in_a_actions : r_->only_in_b_actions) += u.expect.root()["actions"].size();
    if (opts_.inputs_must_match) {
      *error = std::string("inputs differ: ") + (in_a ? r_->b.path : r_->a.path) + " ends after " +
               std::to_string(seq - 1) + " events, " + (in_a ? r_->a.path : r_->b.path) + " goes on (seq " +
               std::to_string(seq) + " at line " + std::to_string(u.event.line) +
               "); --inputs-must-match requires the same events";
      return false;
    }
    return true;
  }

  void finish(uint64_t late_a, uint64_t late_b) {
    close_run();
    r_->late_expects_a = late_a;
    r_->late_expects_b = late_b;
    r_->peers_affected = peers_.size();
    r_->largest_deltas.clear();
    while (!heap_.empty()) {
      r_->largest_deltas.push_back(heap_.top());
      heap_.pop();
    }
    std::sort(r_->largest_deltas.begin(), r_->largest_deltas.end(), BetterDelta());
  }

 private:
  struct Context {
    uint64_t seq = 0;
    int64_t t_ms = 0;
    std::string event_kind, event_peer;
    uint64_t a_line = 0, b_line = 0;
  };

  // Counts one difference; returns the item to fill when it is within --limit.
  DiffItem* add_item(DiffItemType type) {
    r_->differences++;
    if (r_->items.size() >= opts_.limit) return nullptr;
    DiffItem& item = r_->items.emplace_back();
    item.type = type;
    item.seq = ctx_.seq;
    item.t_ms = ctx_.t_ms;
    item.event_kind = ctx_.event_kind;
    item.event_peer = ctx_.event_peer;
    item.a_line = ctx_.a_line;
    item.b_line = ctx_.b_line;
    return &item;
  }

  void note_peer(const std::string& peer) {
    if (peer.empty()) return;
    if (peers_.size() < kMaxPeersTracked) {
      peers_.insert(peer);
    } else if (!peers_.count(peer)) {
      r_->peers_affected_saturated = true;
    }
  }

  static void count_reason(std::map<std::string, uint64_t>* m, const std::string& reason, uint64_t* other) {
    auto it = m->find(reason);
    if (it != m->end()) {
      it->second++;
    } else if (m->size() < kMaxReasonKeys) {
      (*m)[reason] = 1;
    } else {
      ++*other;
    }
  }

  void note_reasons(const json* a, const json* b, bool changed) {
    struct Which {
      const char* member;
      ReasonCounts* counts;
      bool goodbye_only;
    };
    for (const Which& w :
         {Which{"reason", &r_->goodbye_reasons, true}, Which{"prune_reason", &r_->prune_reasons, false}}) {
      auto reason = [&](const json* act) -> std::string {
        if (act == nullptr || !act->contains(w.member)) return "";
        if (w.goodbye_only && (*act)["kind"] != "send_goodbye") return "";
        return str_member(*act, w.member);
      };
      const std::string ra = reason(a), rb = reason(b);
      if (changed) {
        if (ra == rb || (ra.empty() && rb.empty())) continue;
        auto key = std::make_pair(ra, rb);
        auto it = w.counts->changed.find(key);
        if (it != w.counts->changed.end()) {
          it->second++;
        } else if (w.counts->changed.size() < kMaxReasonKeys) {
          w.counts->changed[key] = 1;
        } else {
          w.counts->other++;
        }
      } else if (a != nullptr && !ra.empty()) {
        count_reason(&w.counts->removed, ra, &w.counts->other);
      } else if (b != nullptr && !rb.empty()) {
        count_reason(&w.counts->added, rb, &w.counts->other);
      }
    }
  }

  // Removes a `req` difference that only reflects renumbering (b's id minus
  // a's equals the shift in how many req-carrying actions came before).
  bool drop_renumbered_req(std::vector<FieldDiff>* fields, int64_t ria, int64_t rib) const {
    if (opts_.exact_req) return false;
    for (auto it = fields->begin(); it != fields->end(); ++it) {
      if (it->path != "req" || it->a_missing || it->b_missing) continue;
      if (!it->a.is_number_integer() || !it->b.is_number_integer()) return false;
      const int64_t ra = it->a.get<int64_t>(), rb = it->b.get<int64_t>();
      if (rb - ra != rib - ria) return false;
      fields->erase(it);
      return true;
    }
    return false;
  }

  void compare_actions(const json& A, const json& B) {
    const size_t n = A.size(), m = B.size();
    std::vector<int64_t> ria(n), rib(m);
    for (size_t i = 0; i < n; i++) {
      ria[i] = reqs_a_;
      reqs_a_ += A[i].contains("req") ? 1 : 0;
    }
    for (size_t j = 0; j < m; j++) {
      rib[j] = reqs_b_;
      reqs_b_ += B[j].contains("req") ? 1 : 0;
    }
    std::unordered_map<std::string, uint32_t> ids;
    auto key_of = [&ids](const json& act) {
      std::string k = str_member(act, "kind");
      k.push_back('\0');
      k += str_member(act, "peer");
      return ids.emplace(std::move(k), static_cast<uint32_t>(ids.size())).first->second;
    };
    std::vector<uint32_t> ka(n), kb(m);
    for (size_t i = 0; i < n; i++) ka[i] = key_of(A[i]);
    for (size_t j = 0; j < m; j++) kb[j] = key_of(B[j]);
    const std::vector<Edit> edits = align_keys(ka, kb);

    // A removed and an added action with the same key are one move.
    std::vector<int64_t> partner(edits.size(), -1);
    std::unordered_map<uint32_t, std::deque<size_t>> inserts;
    for (size_t e = 0; e < edits.size(); e++) {
      if (edits[e].op == EditOp::kInsert) inserts[kb[edits[e].ib]].push_back(e);
    }
    for (size_t e = 0; e < edits.size(); e++) {
      if (edits[e].op != EditOp::kDelete) continue;
      auto it = inserts.find(ka[edits[e].ia]);
      if (it == inserts.end() || it->second.empty()) continue;
      partner[e] = static_cast<int64_t>(it->second.front());
      partner[it->second.front()] = static_cast<int64_t>(e);
      it->second.pop_front();
    }
    // Within one hunk (a run of edits between two kept actions), a removed and
    // an added action of the same kind are one action whose peer (and maybe
    // more) changed: "send_ping to X became send_ping to Y".
    std::vector<char> substituted(edits.size(), 0);
    for (size_t lo = 0; lo < edits.size();) {
      if (edits[lo].op == EditOp::kKeep) {
        lo++;
        continue;
      }
      size_t hi = lo;
      while (hi < edits.size() && edits[hi].op != EditOp::kKeep) hi++;
      for (size_t e = lo; e < hi; e++) {
        if (edits[e].op != EditOp::kDelete || partner[e] >= 0) continue;
        const json& kind = A[edits[e].ia]["kind"];
        for (size_t f = lo; f < hi; f++) {
          if (edits[f].op != EditOp::kInsert || partner[f] >= 0 || B[edits[f].ib]["kind"] != kind) continue;
          partner[e] = static_cast<int64_t>(f);
          partner[f] = static_cast<int64_t>(e);
          substituted[e] = 1;
          break;
        }
      }
      lo = hi;
    }

    for (size_t e = 0; e < edits.size(); e++) {
      const Edit& ed = edits[e];
      if (ed.op == EditOp::kInsert && partner[e] >= 0) continue;  // reported with its delete
      const bool paired = ed.op == EditOp::kDelete && partner[e] >= 0;
      const bool moved = paired && !substituted[e];
      const size_t ia = ed.ia;
      const size_t ib = paired ? edits[static_cast<size_t>(partner[e])].ib : ed.ib;
      if (ed.op == EditOp::kKeep || paired) {
        const json& x = A[ia];
        const json& y = B[ib];
        std::vector<FieldDiff> fields;
        size_t omitted = 0;
        if (!json_equal_exact(x, y)) json_field_diffs(x, y, &fields, kMaxFieldDiffsPerItem, &omitted);
        const bool renumbered = drop_renumbered_req(&fields, ria[ia], rib[ib]);
        if (!moved && fields.empty() && omitted == 0) {
          if (renumbered) r_->req_renumbered++;
          continue;
        }
        const std::string kind = str_member(x, "kind");
        KindCounts& kc = r_->actions_by_kind[kind];
        (moved ? kc.moved : kc.changed)++;
        (moved ? r_->actions.moved : r_->actions.changed)++;
        note_peer(str_member(x, "peer"));
        note_peer(str_member(y, "peer"));
        note_reasons(&x, &y, true);
        DiffItem* item = add_item(moved ? DiffItemType::kActionMoved : DiffItemType::kActionChanged);
        if (item != nullptr) {
          item->kind = kind;
          item->peer = str_member(x, "peer");
          item->a_index = static_cast<int64_t>(ia);
          item->b_index = static_cast<int64_t>(ib);
          item->a = x;
          item->b = y;
          item->fields = std::move(fields);
          item->fields_omitted = omitted;
        }
        continue;
      }
      const bool added = ed.op == EditOp::kInsert;
      const json& act = added ? B[ed.ib] : A[ed.ia];
      const std::string kind = str_member(act, "kind");
      KindCounts& kc = r_->actions_by_kind[kind];
      (added ? kc.added : kc.removed)++;
      (added ? r_->actions.added : r_->actions.removed)++;
      note_peer(str_member(act, "peer"));
      note_reasons(added ? nullptr : &act, added ? &act : nullptr, false);
      DiffItem* item = add_item(added ? DiffItemType::kActionAdded : DiffItemType::kActionRemoved);
      if (item != nullptr) {
        item->kind = kind;
        item->peer = str_member(act, "peer");
        (added ? item->b_index : item->a_index) = static_cast<int64_t>(added ? ed.ib : ed.ia);
        (added ? item->b : item->a) = act;
      }
    }
  }

  void offer_delta(const std::vector<FieldDiff>& fields, const std::string& peer) {
    if (opts_.top == 0) return;
    const FieldDiff* best = nullptr;
    for (const char* name : {"score", "lodestar", "gossip"}) {
      for (const FieldDiff& f : fields) {
        if (f.path == name && f.has_delta && (best == nullptr || std::fabs(f.delta) > std::fabs(best->delta)))
          best = &f;
      }
    }
    if (best == nullptr) return;
    ScoreDelta d;
    d.abs_delta = std::fabs(best->delta);
    d.delta = best->delta;
    d.a = best->a.get<double>();
    d.b = best->b.get<double>();
    d.ulp = best->ulp;
    d.seq = ctx_.seq;
    d.peer = peer;
    d.field = best->path;
    if (heap_.size() < opts_.top) {
      heap_.push(std::move(d));
    } else if (BetterDelta()(d, heap_.top())) {
      heap_.pop();
      heap_.push(std::move(d));
    }
  }

  void compare_scores(const json& ea, const json& eb) {
    static const json kEmpty = json::array();
    const json& sa = ea.contains("scores") ? ea["scores"] : kEmpty;
    const json& sb = eb.contains("scores") ? eb["scores"] : kEmpty;
    const bool full_a = ea.value("scores_full", false), full_b = eb.value("scores_full", false);
    if (full_a != full_b) {
      r_->scores_full++;
      DiffItem* item = add_item(DiffItemType::kScoresFull);
      if (item != nullptr) {
        FieldDiff f;
        f.path = "scores_full";
        f.a = full_a;
        f.b = full_b;
        item->fields.push_back(std::move(f));
      }
    }
    if (!json_equal_exact(sa, sb)) {
      std::unordered_map<std::string_view, size_t> in_b;
      for (size_t j = 0; j < sb.size(); j++) in_b.emplace(sb[j]["peer"].get_ref<const std::string&>(), j);
      std::vector<char> matched(sb.size(), 0);
      std::vector<size_t> b_order_of_common;  // b positions of common peers, in a's order
      for (size_t i = 0; i < sa.size(); i++) {
        const std::string& peer = sa[i]["peer"].get_ref<const std::string&>();
        auto it = in_b.find(peer);
        if (it == in_b.end() || matched[it->second]) {
          r_->scores_removed++;
          note_peer(peer);
          DiffItem* item = add_item(DiffItemType::kScoreRemoved);
          if (item != nullptr) {
            item->peer = peer;
            item->a_index = static_cast<int64_t>(i);
            item->a = sa[i];
          }
          continue;
        }
        const size_t j = it->second;
        matched[j] = 1;
        b_order_of_common.push_back(j);
        if (json_equal_exact(sa[i], sb[j])) continue;
        std::vector<FieldDiff> fields;
        size_t omitted = 0;
        json_field_diffs(sa[i], sb[j], &fields, kMaxFieldDiffsPerItem, &omitted, /*ulp_members=*/true);
        for (FieldDiff& f : fields) {  // ULP distances only for the doubles of §3.4
          if (f.path != "lodestar" && f.path != "gossip" && f.path != "score")
            f.has_ulp = f.has_ulp && f.a.is_number_float();
          auto c = r_->score_fields_changed.find(f.path);
          if (c != r_->score_fields_changed.end()) {
            c->second++;
          } else if (r_->score_fields_changed.size() < kMaxReasonKeys) {
            r_->score_fields_changed[f.path] = 1;
          }
        }
        r_->scores_changed++;
        note_peer(peer);
        offer_delta(fields, peer);
        DiffItem* item = add_item(DiffItemType::kScoreChanged);
        if (item != nullptr) {
          item->peer = peer;
          item->a_index = static_cast<int64_t>(i);
          item->b_index = static_cast<int64_t>(j);
          item->a = sa[i];
          item->b = sb[j];
          item->fields = std::move(fields);
          item->fields_omitted = omitted;
        }
      }
      for (size_t j = 0; j < sb.size(); j++) {
        if (matched[j]) continue;
        const std::string& peer = sb[j]["peer"].get_ref<const std::string&>();
        r_->scores_added++;
        note_peer(peer);
        DiffItem* item = add_item(DiffItemType::kScoreAdded);
        if (item != nullptr) {
          item->peer = peer;
          item->b_index = static_cast<int64_t>(j);
          item->b = sb[j];
        }
      }
      // The dump order (insertion order in TS) is an output too.
      for (size_t k = 1; k < b_order_of_common.size(); k++) {
        if (b_order_of_common[k] > b_order_of_common[k - 1]) continue;
        size_t ia = 0;  // position in a of the k-th common entry
        for (size_t i = 0, c = 0; i < sa.size(); i++) {
          auto it = in_b.find(sa[i]["peer"].get_ref<const std::string&>());
          if (it != in_b.end() && c++ == k) {
            ia = i;
            break;
          }
        }
        r_->scores_order++;
        DiffItem* item = add_item(DiffItemType::kScoresOrder);
        if (item != nullptr) {
          item->peer = sb[b_order_of_common[k]]["peer"].get<std::string>();
          item->a_index = static_cast<int64_t>(ia);
          item->b_index = static_cast<int64_t>(b_order_of_common[k]);
        }
        break;
      }
    }
    // scores_removed: the peers whose entry was deleted.
    static const json kNone = json::array();
    const json& da = ea.contains("scores_removed") ? ea["scores_removed"] : kNone;
    const json& db = eb.contains("scores_removed") ? eb["scores_removed"] : kNone;
    if (!json_equal_exact(da, db)) {
      std::set<std::string> set_a, set_b;
      for (const json& p : da) set_a.insert(p.get<std::string>());
      for (const json& p : db) set_b.insert(p.get<std::string>());
      for (const json& p : da) {
        if (set_b.count(p.get<std::string>())) continue;
        r_->score_deletions_removed++;
        note_peer(p.get<std::string>());
        if (DiffItem* item = add_item(DiffItemType::kScoreDeletionRemoved)) item->peer = p.get<std::string>();
      }
      for (const json& p : db) {
        if (set_a.count(p.get<std::string>())) continue;
        r_->score_deletions_added++;
        note_peer(p.get<std::string>());
        if (DiffItem* item = add_item(DiffItemType::kScoreDeletionAdded)) item->peer = p.get<std::string>();
      }
    }
  }

  void note_seq(uint64_t seq, bool differs) {
    if (!differs) {
      close_run();
      return;
    }
    r_->expects_differing++;
    if (run_open_ && seq == run_.last + 1) {
      run_.last = seq;
      return;
    }
    close_run();
    run_open_ = true;
    run_ = SeqRange{seq, seq};
  }

  void close_run() {
    if (!run_open_) return;
    run_open_ = false;
    r_->divergent_ranges_total++;
    if (r_->divergent_ranges.size() < kMaxRanges) r_->divergent_ranges.push_back(run_);
  }

  const DiffOptions& opts_;
  DiffReport* r_;
  Context ctx_;
  int64_t reqs_a_ = 0, reqs_b_ = 0;  // req-carrying actions so far, per side
  std::unordered_set<std::string> peers_;
  std::priority_queue<ScoreDelta, std::vector<ScoreDelta>, BetterDelta> heap_;  // top = the weakest kept
  bool run_open_ = false;
  SeqRange run_;
};

}  // namespace

int diff_trace_files(const DiffOptions& opts, const std::string& a, const std::string& b, DiffReport* report,
                     std::string* error) {
  *report = DiffReport{};
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  ropts.keep_raw = true;  // byte-identical lines skip the structural compare
  TraceSide side_a(&report->a), side_b(&report->b);
  Status s = side_a.open(a, ropts, opts.read_ahead);
  if (!s.is_ok()) {
    *error = s.message();
    return kExitBadInput;
  }
  s = side_b.open(b, ropts, opts.read_ahead);
  if (!s.is_ok()) {
    *error = s.message();
    return kExitBadInput;
  }
  Differ differ(opts, report);
  differ.compare_headers(side_a.header().to_json(), side_b.header().to_json());
  if (opts.inputs_must_match && !report->header_diffs.empty()) {
    *error = "inputs differ: " + differ.header_mismatch_message() + "; --inputs-must-match requires the same inputs";
    return kExitBadInput;
  }
  for (;;) {
    Unit* ua = nullptr;
    Unit* ub = nullptr;
    s = side_a.front(&ua);
    if (s.is_ok()) s = side_b.front(&ub);
    if (!s.is_ok()) {
      *error = s.message();
      return kExitBadInput;
    }
    if (ua == nullptr && ub == nullptr) break;
    bool ok = true;
    if (ua != nullptr && ub != nullptr) {
      ok = differ.compare(*ua, *ub, error);
      side_a.pop();
      side_b.pop();
    } else if (ua != nullptr) {
      ok = differ.tail(*ua, true, error);
      side_a.pop();
    } else {
      ok = differ.tail(*ub, false, error);
      side_b.pop();
    }
    if (!ok) return kExitBadInput;
  }
  differ.finish(side_a.late_expects(), side_b.late_expects());
  return report->identical() ? kExitOk : kExitDiverges;
}

// ---------------------------------------------------------------------------
// Writers.

namespace {

constexpr size_t kValueChars = 80;   // a value shown in text is cut here
constexpr size_t kMemberChars = 40;  // a member shown inline in an action line

std::string cut_text(std::string s, size_t max) {
  if (s.size() <= max) return s;
  s.resize(max - 3);
  return s + "...";
}

// A double as JavaScript prints it (shortest round trip, no ".0" on integral
// values), except that -0 keeps its sign: it is a difference here.
std::string num_text(double d) {
  std::string s = json(d).dump();
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string value_text(const json& v, bool missing) {
  if (missing) return "(absent)";
  if (v.is_number_float()) return num_text(v.get<double>());
  return cut_text(v.dump(), kValueChars);
}

std::string reason_text(const std::string& code) {
  const std::string_view name = peers::goodbye_known_code_name(code);
  return name.empty() ? code : code + " (" + std::string(name) + ")";
}

// "send_goodbye 16Uiu2... req=7 reason=\"3\"": kind, peer, then the other members.
std::string action_text(const json& act) {
  std::string s = str_member(act, "kind");
  if (act.contains("peer")) s += " " + str_member(act, "peer");
  for (auto it = act.begin(); it != act.end(); ++it) {
    if (it.key() == "kind" || it.key() == "peer") continue;
    s += " " + it.key() + "=" + cut_text(it->dump(), kMemberChars);
  }
  return s;
}

std::string field_text(const FieldDiff& f) {
  std::string s = (f.path.empty() ? std::string("value") : f.path) + ": " + value_text(f.a, f.a_missing) + " -> " +
                  value_text(f.b, f.b_missing);
  if (f.has_delta && f.has_ulp) {
    s += " (delta " + num_text(f.delta) + ", " + std::to_string(f.ulp) + " ulp)";
  } else if (f.has_delta) {
    s += " (delta " + num_text(f.delta) + ")";
  }
  return s;
}

std::string counts_text(const KindCounts& c) {
  std::vector<std::string> parts;
  if (c.added) parts.push_back(std::to_string(c.added) + " added");
  if (c.removed) parts.push_back(std::to_string(c.removed) + " removed");
  if (c.changed) parts.push_back(std::to_string(c.changed) + " changed");
  if (c.moved) parts.push_back(std::to_string(c.moved) + " moved");
  std::string s;
  for (size_t i = 0; i < parts.size(); i++) s += (i ? ", " : "") + parts[i];
  return s;
}

std::string producer_text(const TraceSummary& t) {
  const json& p = t.producer;
  std::string s = str_member(p, "name") + " " + str_member(p, "version") + " " + str_member(p, "mode");
  if (auto it = p.find("packages"); it != p.end() && it->is_object() && it->contains("@lodestar/beacon-node")) {
    s += ", @lodestar/beacon-node " + str_member(*it, "@lodestar/beacon-node");
  }
  return s;
}

// The item's marker and one-line text; field lines are written by the caller.
struct ItemText {
  char marker;  // '+', '-', '~', '>'
  std::string line;
};

ItemText item_text(const DiffItem& it) {
  const std::string ai = "a#" + std::to_string(it.a_index), bi = "b#" + std::to_string(it.b_index);
  auto score_value = [](const json& e) { return e.contains("score") ? e["score"].dump() : std::string("?"); };
  switch (it.type) {
    case DiffItemType::kActionAdded:
      return {'+', bi + " " + action_text(it.b)};
    case DiffItemType::kActionRemoved:
      return {'-', ai + " " + action_text(it.a)};
    case DiffItemType::kActionChanged:
      return {'~', ai + " " + bi + " " + it.kind + (it.peer.empty() ? "" : " " + it.peer)};
    case DiffItemType::kActionMoved:
      return {'>', ai + " " + bi + " " + it.kind + (it.peer.empty() ? "" : " " + it.peer) + " moved"};
    case DiffItemType::kScoreAdded:
      return {'+', "score " + it.peer + " score=" + score_value(it.b)};
    case DiffItemType::kScoreRemoved:
      return {'-', "score " + it.peer + " score=" + score_value(it.a)};
    case DiffItemType::kScoreChanged:
      return {'~', "score " + it.peer};
    case DiffItemType::kScoresOrder:
      return {'~', "scores order differs from " + it.peer + " (" + ai + " " + bi + ")"};
    case DiffItemType::kScoresFull:
      return {'~', "scores"};
    case DiffItemType::kScoreDeletionAdded:
      return {'+', "score deleted " + it.peer};
    case DiffItemType::kScoreDeletionRemoved:
      return {'-', "score deleted " + it.peer};
    case DiffItemType::kExpectOnlyInA:
      return {'-', "expect only in a (" + it.a["actions"].dump() + " actions, " + it.a["scores"].dump() + " scores)"};
    case DiffItemType::kExpectOnlyInB:
      return {'+', "expect only in b (" + it.b["actions"].dump() + " actions, " + it.b["scores"].dump() + " scores)"};
  }
  return {'?', ""};
}

std::string seq_head(const DiffItem& it) {
  std::string s = "seq " + std::to_string(it.seq) + " (t_ms " + std::to_string(it.t_ms) + ", " + it.event_kind;
  if (!it.event_peer.empty()) s += " " + it.event_peer;
  s += ", a:" + (it.a_line ? std::to_string(it.a_line) : std::string("-")) +
       " b:" + (it.b_line ? std::to_string(it.b_line) : std::string("-")) + ")";
  return s;
}

std::string range_text(const SeqRange& r) {
  return r.first == r.last ? std::to_string(r.first) : std::to_string(r.first) + ".." + std::to_string(r.last);
}

std::string result_text(const DiffReport& r) {
  if (r.identical()) return "identical";
  if (r.inputs_identical()) return "outputs differ";
  if (r.outputs_identical()) return "inputs differ, outputs identical on the common events";
  return "inputs and outputs differ";
}

struct Colors {
  bool on;
  std::string wrap(char marker, const std::string& s) const {
    if (!on) return s;
    const char* c = marker == '+' ? "\x1b[32m" : marker == '-' ? "\x1b[31m" : marker == '~' ? "\x1b[33m" : "\x1b[36m";
    return c + s + "\x1b[0m";
  }
  std::string bold(const std::string& s) const { return on ? "\x1b[1m" + s + "\x1b[0m" : s; }
};

void write_reasons(const char* title, const ReasonCounts& rc, const std::string& indent, std::ostream& out) {
  if (rc.empty()) return;
  out << indent << title << ":\n";
  for (const auto& [k, n] : rc.added) out << indent << "  added " << reason_text(k) << ": " << n << "\n";
  for (const auto& [k, n] : rc.removed) out << indent << "  removed " << reason_text(k) << ": " << n << "\n";
  for (const auto& [k, n] : rc.changed) {
    out << indent << "  changed " << reason_text(k.first) << " -> " << reason_text(k.second) << ": " << n << "\n";
  }
  if (rc.other) out << indent << "  other reasons: " << rc.other << "\n";
}

}  // namespace

void write_diff_text(const DiffReport& r, bool color, size_t top, std::ostream& out) {
  const Colors c{color};
  out << "a: " << r.a.path << " (scenario " << r.a.scenario << ", seed " << r.a.seed << "; " << producer_text(r.a)
      << ")\n";
  out << "b: " << r.b.path << " (scenario " << r.b.scenario << ", seed " << r.b.seed << "; " << producer_text(r.b)
      << ")\n";
  for (const FieldDiff& f : r.producer_diffs) out << "producer " << field_text(f) << "\n";

  if (r.inputs_identical()) {
    out << "inputs: identical (" << r.events_compared << " events)\n";
  } else {
    out << c.bold("inputs: DIFFER") << "\n";
    for (const FieldDiff& f : r.header_diffs) out << "  header " << field_text(f) << "\n";
    if (r.header_diffs_omitted) out << "  header: " << r.header_diffs_omitted << " more differences\n";
    if (r.events_differing) {
      const FirstEventDiff& f = r.first_event_diff;
      out << "  " << r.events_differing << " of " << r.events_compared << " events differ, first at seq " << f.seq
          << " (a:" << f.a_line << " b:" << f.b_line << ", " << f.a_kind;
      if (f.b_kind != f.a_kind) out << " vs " << f.b_kind;
      out << ")";
      if (r.events_differing > 1) out << ", last at seq " << r.last_event_diff_seq;
      out << "\n";
      for (const FieldDiff& fd : f.fields) out << "    " << field_text(fd) << "\n";
      if (f.fields_omitted) out << "    ... " << f.fields_omitted << " more members differ\n";
    }
    if (r.only_in_a_events || r.only_in_b_events) {
      const bool a_longer = r.only_in_a_events > 0;
      out << "  a has " << r.a.events << " events, b has " << r.b.events << ": seqs "
          << range_text(a_longer ? r.only_in_a_seqs : r.only_in_b_seqs) << " only in " << (a_longer ? "a" : "b") << " ("
          << (a_longer ? r.only_in_a_actions : r.only_in_b_actions) << " actions not compared)\n";
    }
  }
  if (r.late_expects_a || r.late_expects_b) {
    out << "warning: " << r.late_expects_a << " expects in a and " << r.late_expects_b << " in b came more than "
        << kMaxPendingEvents << " events after their event and were not compared\n";
  }
  if (r.outputs_identical()) {
    out << "outputs: identical (" << r.expects_compared << " expects compared)\n";
  } else {
    out << c.bold("outputs: " + std::to_string(r.differences) + " differences in " +
                  std::to_string(r.expects_differing) + " of " + std::to_string(r.events_compared) + " events")
        << "\n";
  }

  uint64_t last_seq = 0;
  for (const DiffItem& it : r.items) {
    if (it.seq != last_seq) {
      out << "\n" << seq_head(it) << "\n";
      last_seq = it.seq;
    }
    const ItemText t = item_text(it);
    out << c.wrap(t.marker, std::string("  ") + t.marker + " " + t.line) << "\n";
    for (const FieldDiff& f : it.fields) out << "      " << field_text(f) << "\n";
    if (it.fields_omitted) out << "      ... " << it.fields_omitted << " more members differ\n";
  }
  if (r.differences > r.items.size()) {
    out << "... " << (r.differences - r.items.size()) << " more differences not listed (--limit " << r.limit << ")\n";
  }

  if (!r.identical()) {
    out << "\n" << c.bold("summary") << "\n";
    out << "  actions: " << r.actions.added << " added, " << r.actions.removed << " removed, " << r.actions.changed
        << " changed, " << r.actions.moved << " moved\n";
    for (const auto& [kind, kc] : r.actions_by_kind) out << "    " << kind << ": " << counts_text(kc) << "\n";
    if (r.req_renumbered) {
      out << "  req renumbered only: " << r.req_renumbered << " actions (not listed; --exact-req lists them)\n";
    }
    write_reasons("goodbye reasons", r.goodbye_reasons, "  ", out);
    write_reasons("prune reasons", r.prune_reasons, "  ", out);
    out << "  scores: " << r.scores_changed << " changed, " << r.scores_added << " added, " << r.scores_removed
        << " removed\n";
    if (!r.score_fields_changed.empty()) {
      out << "    members:";
      for (const auto& [k, n] : r.score_fields_changed) out << " " << k << " " << n;
      out << "\n";
    }
    if (r.scores_order) out << "    dump order differs: " << r.scores_order << " expects\n";
    if (r.scores_full) out << "    scores_full differs: " << r.scores_full << " expects\n";
    if (r.score_deletions_added || r.score_deletions_removed) {
      out << "    deletions: " << r.score_deletions_added << " only in b, " << r.score_deletions_removed
          << " only in a\n";
    }
    if (r.expects_only_in_a || r.expects_only_in_b) {
      out << "  expects only in a: " << r.expects_only_in_a << ", only in b: " << r.expects_only_in_b << "\n";
    }
    out << "  peers affected: " << (r.peers_affected_saturated ? "at least " : "") << r.peers_affected << "\n";
    if (!r.largest_deltas.empty()) {
      out << "  largest score deltas:\n";
      for (size_t i = 0; i < r.largest_deltas.size() && i < top; i++) {
        const ScoreDelta& d = r.largest_deltas[i];
        out << "    " << num_text(d.delta) << " " << d.peer << " seq " << d.seq << " " << d.field << ": "
            << num_text(d.a) << " -> " << num_text(d.b) << " (" << d.ulp << " ulp)\n";
      }
    }
    if (r.divergent_ranges_total) {
      constexpr size_t kShown = 10;
      out << "  divergent seqs (" << r.divergent_ranges_total << (r.divergent_ranges_total == 1 ? " range" : " ranges")
          << "):\n";
      for (size_t i = 0; i < r.divergent_ranges.size() && i < kShown; i++) {
        const SeqRange& range = r.divergent_ranges[i];
        out << "    " << range_text(range);
        if (range.last < r.last_seq_compared) {
          out << ", agree again at " << range.last + 1 << "\n";
        } else {
          out << ", to the end\n";
        }
      }
      if (r.divergent_ranges_total > kShown) {
        out << "    ... " << (r.divergent_ranges_total - kShown) << " more (--format json lists the first "
            << kMaxRanges << ")\n";
      }
    }
  }
  out << "result: " << result_text(r) << "\n";
}

namespace {

json field_json(const FieldDiff& f) {
  json j = {{"path", f.path}};
  if (!f.a_missing) j["a"] = f.a;
  if (!f.b_missing) j["b"] = f.b;
  if (f.has_delta) j["delta"] = f.delta;
  if (f.has_ulp) j["ulp"] = f.ulp;
  return j;
}

json fields_json(const std::vector<FieldDiff>& fields) {
  json arr = json::array();
  for (const FieldDiff& f : fields) arr.push_back(field_json(f));
  return arr;
}

json reasons_json(const ReasonCounts& rc) {
  json changed = json::array();
  for (const auto& [k, n] : rc.changed) changed.push_back({{"a", k.first}, {"b", k.second}, {"count", n}});
  return {{"added", rc.added}, {"removed", rc.removed}, {"changed", changed}, {"other", rc.other}};
}

json counts_json(const KindCounts& c) {
  return {{"added", c.added}, {"removed", c.removed}, {"changed", c.changed}, {"moved", c.moved}};
}

json trace_json(const TraceSummary& t) {
  return {{"path", t.path},     {"scenario", t.scenario}, {"seed", t.seed},      {"producer", t.producer},
          {"events", t.events}, {"expects", t.expects},   {"actions", t.actions}};
}

json range_json(const SeqRange& r) { return {{"first", r.first}, {"last", r.last}}; }

}  // namespace

json diff_report_json(const DiffReport& r, size_t top) {
  json inputs = {{"identical", r.inputs_identical()},
                 {"header", fields_json(r.header_diffs)},
                 {"header_omitted", r.header_diffs_omitted},
                 {"events_compared", r.events_compared},
                 {"events_differing", r.events_differing},
                 {"first_differing_event", nullptr},
                 {"last_differing_seq", r.events_differing ? json(r.last_event_diff_seq) : json(nullptr)},
                 {"only_in_a", nullptr},
                 {"only_in_b", nullptr},
                 {"late_expects", {{"a", r.late_expects_a}, {"b", r.late_expects_b}}}};
  if (r.has_first_event_diff) {
    const FirstEventDiff& f = r.first_event_diff;
    inputs["first_differing_event"] = {{"seq", f.seq},
                                       {"a_line", f.a_line},
                                       {"b_line", f.b_line},
                                       {"a_kind", f.a_kind},
                                       {"b_kind", f.b_kind},
                                       {"fields", fields_json(f.fields)},
                                       {"fields_omitted", f.fields_omitted}};
  }
  if (r.only_in_a_events) {
    inputs["only_in_a"] = {
        {"events", r.only_in_a_events}, {"seqs", range_json(r.only_in_a_seqs)}, {"actions", r.only_in_a_actions}};
  }
  if (r.only_in_b_events) {
    inputs["only_in_b"] = {
        {"events", r.only_in_b_events}, {"seqs", range_json(r.only_in_b_seqs)}, {"actions", r.only_in_b_actions}};
  }
  json by_kind = json::object();
  for (const auto& [k, c] : r.actions_by_kind) by_kind[k] = counts_json(c);
  json deltas = json::array();
  for (size_t i = 0; i < r.largest_deltas.size() && i < top; i++) {
    const ScoreDelta& d = r.largest_deltas[i];
    deltas.push_back({{"seq", d.seq},
                      {"peer", d.peer},
                      {"field", d.field},
                      {"a", d.a},
                      {"b", d.b},
                      {"delta", d.delta},
                      {"ulp", d.ulp}});
  }
  json ranges = json::array();
  for (const SeqRange& range : r.divergent_ranges) {
    json jr = range_json(range);
    jr["agree_again_at"] = range.last < r.last_seq_compared ? json(range.last + 1) : json(nullptr);
    ranges.push_back(std::move(jr));
  }
  json summary = {{"actions", counts_json(r.actions)},
                  {"actions_by_kind", by_kind},
                  {"req_renumbered", r.req_renumbered},
                  {"goodbye_reasons", reasons_json(r.goodbye_reasons)},
                  {"prune_reasons", reasons_json(r.prune_reasons)},
                  {"scores",
                   {{"changed", r.scores_changed},
                    {"added", r.scores_added},
                    {"removed", r.scores_removed},
                    {"order", r.scores_order},
                    {"full_flag", r.scores_full},
                    {"deletions_added", r.score_deletions_added},
                    {"deletions_removed", r.score_deletions_removed},
                    {"members_changed", r.score_fields_changed}}},
                  {"expects_only_in_a", r.expects_only_in_a},
                  {"expects_only_in_b", r.expects_only_in_b},
                  {"peers_affected", r.peers_affected},
                  {"peers_affected_saturated", r.peers_affected_saturated},
                  {"largest_score_deltas", deltas},
                  {"divergent_ranges", ranges},
                  {"divergent_ranges_total", r.divergent_ranges_total},
                  {"last_seq_compared", r.last_seq_compared}};
  json items = json::array();
  for (const DiffItem& it : r.items) {
    json j = {{"type", diff_item_type_name(it.type)},
              {"seq", it.seq},
              {"t_ms", it.t_ms},
              {"event_kind", it.event_kind},
              {"a_line", it.a_line ? json(it.a_line) : json(nullptr)},
              {"b_line", it.b_line ? json(it.b_line) : json(nullptr)}};
    if (!it.event_peer.empty()) j["event_peer"] = it.event_peer;
    if (!it.kind.empty()) j["kind"] = it.kind;
    if (!it.peer.empty()) j["peer"] = it.peer;
    if (it.a_index >= 0) j["a_index"] = it.a_index;
    if (it.b_index >= 0) j["b_index"] = it.b_index;
    if (!it.a.is_null()) j["a"] = it.a;
    if (!it.b.is_null()) j["b"] = it.b;
    if (!it.fields.empty()) j["fields"] = fields_json(it.fields);
    if (it.fields_omitted) j["fields_omitted"] = it.fields_omitted;
    items.push_back(std::move(j));
  }
  return {{"diff_format_version", kDiffFormatVersion},
          {"mode", "files"},
          {"a", trace_json(r.a)},
          {"b", trace_json(r.b)},
          {"result", result_text(r)},
          {"identical", r.identical()},
          {"producer_differences", fields_json(r.producer_diffs)},
          {"inputs", inputs},
          {"outputs",
           {{"identical", r.outputs_identical()},
            {"expects_compared", r.expects_compared},
            {"expects_differing", r.expects_differing},
            {"differences", r.differences}}},
          {"summary", summary},
          {"differences", items},
          {"differences_listed", r.items.size()},
          {"limit", r.limit}};
}

void write_diff_markdown(const DiffReport& r, size_t top, std::ostream& out) {
  auto code = [](const std::string& s) { return "`" + s + "`"; };
  out << "### peer-replay diff: " << result_text(r) << "\n\n";
  out << "| | a | b |\n|---|---|---|\n";
  out << "| trace | " << code(r.a.path) << " | " << code(r.b.path) << " |\n";
  out << "| producer | " << producer_text(r.a) << " | " << producer_text(r.b) << " |\n";
  out << "| events / expects / actions | " << r.a.events << " / " << r.a.expects << " / " << r.a.actions << " | "
      << r.b.events << " / " << r.b.expects << " / " << r.b.actions << " |\n\n";
  if (r.inputs_identical()) {
    out << "**Inputs:** identical (" << r.events_compared << " events)\n\n";
  } else {
    out << "**Inputs differ:**";
    if (!r.header_diffs.empty()) out << " header " << code(field_text(r.header_diffs.front())) << ";";
    if (r.events_differing) {
      out << " " << r.events_differing << " of " << r.events_compared << " events, first at seq "
          << r.first_event_diff.seq;
      if (!r.first_event_diff.fields.empty()) out << " (" << code(field_text(r.first_event_diff.fields.front())) << ")";
      out << ";";
    }
    if (r.only_in_a_events) out << " seqs " << range_text(r.only_in_a_seqs) << " only in a;";
    if (r.only_in_b_events) out << " seqs " << range_text(r.only_in_b_seqs) << " only in b;";
    out << "\n\n";
  }
  if (r.outputs_identical()) {
    out << "**Outputs:** identical (" << r.expects_compared << " expects compared)\n";
    return;
  }
  out << "**Outputs:** " << r.differences << " differences in " << r.expects_differing << " of " << r.events_compared
      << " events; " << (r.peers_affected_saturated ? "at least " : "") << r.peers_affected << " peers affected\n\n";
  if (!r.actions_by_kind.empty()) {
    out << "| action | added | removed | changed | moved |\n|---|--:|--:|--:|--:|\n";
    for (const auto& [k, c] : r.actions_by_kind) {
      out << "| " << k << " | " << c.added << " | " << c.removed << " | " << c.changed << " | " << c.moved << " |\n";
    }
    out << "\n";
  }
  if (r.req_renumbered) out << "req renumbered only: " << r.req_renumbered << " actions\n\n";
  auto reasons_md = [&](const char* title, const ReasonCounts& rc) {
    if (rc.empty()) return;
    out << "**" << title << ":**";
    for (const auto& [k, n] : rc.added) out << " +" << n << " " << reason_text(k) << ";";
    for (const auto& [k, n] : rc.removed) out << " -" << n << " " << reason_text(k) << ";";
    for (const auto& [k, n] : rc.changed)
      out << " " << n << " " << reason_text(k.first) << " → " << reason_text(k.second) << ";";
    out << "\n\n";
  };
  reasons_md("Goodbye reasons", r.goodbye_reasons);
  reasons_md("Prune reasons", r.prune_reasons);
  out << "**Scores:** " << r.scores_changed << " changed, " << r.scores_added << " added, " << r.scores_removed
      << " removed\n\n";
  const size_t shown = std::min<size_t>(top, 5);
  if (!r.largest_deltas.empty() && shown > 0) {
    out << "| largest deltas | seq | member | a | b | delta | ulp |\n|---|--:|---|--:|--:|--:|--:|\n";
    for (size_t i = 0; i < r.largest_deltas.size() && i < shown; i++) {
      const ScoreDelta& d = r.largest_deltas[i];
      out << "| " << code(d.peer) << " | " << d.seq << " | " << d.field << " | " << num_text(d.a) << " | "
          << num_text(d.b) << " | " << num_text(d.delta) << " | " << d.ulp << " |\n";
    }
    out << "\n";
  }
  if (r.divergent_ranges_total) {
    out << "**Divergent seqs:**";
    for (size_t i = 0; i < r.divergent_ranges.size() && i < 10; i++)
      out << (i ? ", " : " ") << range_text(r.divergent_ranges[i]);
    if (r.divergent_ranges_total > 10) out << ", ... (" << r.divergent_ranges_total << " ranges)";
    out << "\n\n";
  }
  if (!r.items.empty()) {
    out << "<details><summary>" << r.items.size() << " of " << r.differences << " differences</summary>\n\n```diff\n";
    uint64_t last_seq = 0;
    for (const DiffItem& it : r.items) {
      if (it.seq != last_seq) {
        out << "@@ " << seq_head(it) << " @@\n";
        last_seq = it.seq;
      }
      const ItemText t = item_text(it);
      const char marker = t.marker == '~' ? '!' : t.marker == '>' ? '!' : t.marker;
      out << marker << " " << cut_text(t.line, 160) << "\n";
      for (const FieldDiff& f : it.fields) out << "      " << cut_text(field_text(f), 160) << "\n";
    }
    out << "```\n\n</details>\n";
  }
}

// ---------------------------------------------------------------------------
// Directories and the command.

namespace {

namespace fs = std::filesystem;

bool is_trace_file(const fs::path& p) {
  const std::string name = p.filename().string();
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".jsonl") || ends(".jsonl.zst");
}

// Relative path -> file, for every trace under `dir`, sorted.
bool list_traces(const std::string& dir, std::map<std::string, std::string>* out, std::string* error) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && is_trace_file(it->path())) {
      (*out)[fs::relative(it->path(), dir, ec).generic_string()] = it->path().string();
    }
  }
  if (ec) {
    *error = dir + ": cannot list directory: " + ec.message();
    return false;
  }
  return true;
}

struct PairLine {
  std::string rel;
  std::string b_rel;   // b's name when only the .zst suffix differs
  std::string status;  // identical, differs, error, only in a, only in b
  std::string detail;
  int code = kExitOk;
  json report;  // JSON mode
};

std::string pair_detail(const DiffReport& r) {
  std::string s;
  if (r.outputs_identical()) {
    s = "outputs identical";
  } else {
    s = std::to_string(r.differences) + " differences in " + std::to_string(r.expects_differing) + " of " +
        std::to_string(r.events_compared) + " events";
  }
  if (!r.inputs_identical()) {
    s += "; inputs differ";
    if (r.events_differing) s += " (" + std::to_string(r.events_differing) + " events)";
    if (r.only_in_a_events || r.only_in_b_events)
      s += " (lengths " + std::to_string(r.a.events) + " vs " + std::to_string(r.b.events) + ")";
    if (!r.header_diffs.empty()) s += " (header)";
  } else {
    s += "; inputs identical";
  }
  return s;
}

int diff_directories(const DiffOptions& opts, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> in_a, in_b;
  std::string error;
  if (!list_traces(opts.a, &in_a, &error) || !list_traces(opts.b, &in_b, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  // A trace compressed on one side only still pairs: x.jsonl with x.jsonl.zst.
  std::map<std::string, std::string> b_alias;  // a's name -> b's name, when they differ
  for (const auto& [rel, path] : in_a) {
    if (in_b.count(rel)) continue;
    const bool zst = rel.size() > 4 && rel.compare(rel.size() - 4, 4, ".zst") == 0;
    const std::string other = zst ? rel.substr(0, rel.size() - 4) : rel + ".zst";
    if (in_b.count(other) && !in_a.count(other)) b_alias[rel] = other;
  }
  for (const auto& [rel, other] : b_alias) {
    in_b[rel] = in_b[other];
    in_b.erase(other);
  }
  std::set<std::string> names;
  for (const auto& [k, v] : in_a) names.insert(k);
  for (const auto& [k, v] : in_b) names.insert(k);
  std::vector<PairLine> lines;
  size_t identical = 0, differ = 0, errors = 0, only_a = 0, only_b = 0;
  int code = kExitOk;
  for (const std::string& rel : names) {
    PairLine line;
    line.rel = rel;
    if (auto alias = b_alias.find(rel); alias != b_alias.end()) line.b_rel = alias->second;
    auto ia = in_a.find(rel), ib = in_b.find(rel);
    if (ia == in_a.end() || ib == in_b.end()) {
      const bool a_side = ia != in_a.end();
      line.status = a_side ? "only in a" : "only in b";
      (a_side ? only_a : only_b)++;
      line.code = kExitDiverges;
    } else {
      DiffReport report;
      std::string pair_error;
      line.code = diff_trace_files(opts, ia->second, ib->second, &report, &pair_error);
      if (line.code == kExitBadInput) {
        line.status = "error";
        line.detail = pair_error;
        errors++;
      } else {
        line.status = line.code == kExitOk ? "identical" : "differs";
        line.detail = line.code == kExitOk ? std::to_string(report.events_compared) + " events" : pair_detail(report);
        (line.code == kExitOk ? identical : differ)++;
        if (opts.format == DiffOutputFormat::kJson) line.report = diff_report_json(report, opts.top);
      }
    }
    code = std::max(code, line.code);
    if (opts.format == DiffOutputFormat::kText) {
      const Colors c{opts.color};
      const char marker = line.status == "identical"   ? 0
                          : line.status == "only in b" ? '+'
                          : line.status == "only in a" ? '-'
                                                       : '~';
      std::string text = line.status + std::string(11 - std::min<size_t>(line.status.size(), 10), ' ') + rel;
      if (!line.b_rel.empty()) text += " (b: " + line.b_rel + ")";
      if (!line.detail.empty()) text += "  " + line.detail;
      out << (marker ? c.wrap(marker, text) : text) << "\n";
    }
    lines.push_back(std::move(line));
  }
  const std::string total = std::to_string(identical + differ + errors) + " pairs: " + std::to_string(identical) +
                            " identical, " + std::to_string(differ) + " differ, " + std::to_string(errors) +
                            " errors; " + std::to_string(only_a) + " only in a, " + std::to_string(only_b) +
                            " only in b";
  if (opts.format == DiffOutputFormat::kText) {
    out << "total: " << total << "\n";
  } else if (opts.format == DiffOutputFormat::kJson) {
    json pairs = json::array();
    for (const PairLine& l : lines) {
      json j = {{"path", l.rel}, {"status", l.status}, {"exit_code", l.code}};
      if (!l.b_rel.empty()) j["b_path"] = l.b_rel;
      if (l.status == "error") j["error"] = l.detail;
      if (!l.report.is_null()) j["report"] = l.report;
      pairs.push_back(std::move(j));
    }
    json doc = {{"diff_format_version", kDiffFormatVersion},
                {"mode", "directories"},
                {"a", opts.a},
                {"b", opts.b},
                {"pairs", pairs},
                {"totals",
                 {{"pairs", identical + differ + errors},
                  {"identical", identical},
                  {"differ", differ},
                  {"errors", errors},
                  {"only_in_a", only_a},
                  {"only_in_b", only_b}}},
                {"exit_code", code}};
    out << doc.dump(2) << "\n";
  } else {
    out << "### peer-replay diff: " << total << "\n\n| trace | result | details |\n|---|---|---|\n";
    for (const PairLine& l : lines) {
      std::string detail = l.detail;
      std::replace(detail.begin(), detail.end(), '|', '/');
      out << "| `" << l.rel << "` | " << l.status << " | " << cut_text(detail, 160) << " |\n";
    }
  }
  for (const PairLine& l : lines) {
    if (l.status == "error") err << l.detail << "\n";
  }
  return code;
}

}  // namespace

bool stdout_wants_color(bool no_color) {
  if (no_color) return false;
  const char* env = std::getenv("NO_COLOR");
  if (env != nullptr && env[0] != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

int cmd_diff(const DiffOptions& opts, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const bool dir_a = fs::is_directory(opts.a, ec), dir_b = fs::is_directory(opts.b, ec);
  for (const std::string* p : {&opts.a, &opts.b}) {
    if (!fs::exists(*p, ec)) {
      err << *p << ": no such file or directory\n";
      return kExitBadInput;
    }
  }
  if (dir_a != dir_b) {
    err << "diff: compare two trace files or two directories, not " << (dir_a ? "a directory" : "a file") << " with "
        << (dir_b ? "a directory" : "a file") << "\n";
    return kExitBadInput;
  }
  if (dir_a) return diff_directories(opts, out, err);

  DiffReport report;
  std::string error;
  const int code = diff_trace_files(opts, opts.a, opts.b, &report, &error);
  if (code == kExitBadInput) {
    err << error << "\n";
    return code;
  }
  switch (opts.format) {
    case DiffOutputFormat::kText:
      write_diff_text(report, opts.color, opts.top, out);
      break;
    case DiffOutputFormat::kJson:
      out << diff_report_json(report, opts.top).dump(2) << "\n";
      break;
    case DiffOutputFormat::kMarkdown:
      write_diff_markdown(report, opts.top, out);
      break;
  }
  out.flush();
  return code;
}

}  // namespace replay
