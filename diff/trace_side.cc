// TraceSide and exact parsing: see trace_side.h.
#include "diff/trace_side.h"

#include <cassert>
#include <utility>

namespace replay {

using nlohmann::json;
using peers::Status;

Status TraceSide::open(const std::string& path, const ReaderOptions& ropts, bool read_ahead) {
  auto opened = TraceReader::open(path, ropts);
  if (!opened.is_ok()) return opened.status();
  reader_ = std::move(opened).value();
  if (read_ahead) read_ahead_ = std::make_unique<ReadAhead>(reader_.get());
  const json h = reader_->header().to_json();
  summary_->path = path;
  summary_->scenario = h.value("scenario", "");
  summary_->seed = h.value("seed", "");
  summary_->producer = h.value("producer", json::object());
  metrics_ = h.value("metrics", false);
  return Status::ok();
}

// The front event may be compared: its expect (and, in a trace with metrics,
// the metrics record after it) came, or can no longer come within the
// window. Records of an event end where the next event begins.
bool TraceSide::front_ready() const {
  const Unit& u = pending_.front();
  const bool complete = u.has_expect && (!metrics_ || u.has_metrics);
  const bool next_event_read = pending_.size() > 1;
  return complete || (u.has_expect && next_event_read) || last_expect_seq_ > u.event.seq || eof_ ||
         pending_.size() > kMaxPendingEvents || pending_bytes_ > kMaxPendingBytes;
}

Status TraceSide::front(Unit** out) {
  *out = nullptr;
  for (;;) {
    if (!pending_.empty() && front_ready()) {
      *out = &pending_.front();
      return Status::ok();
    }
    if (pending_.empty() && eof_) return Status::ok();
    Record rec;
    bool done = false;
    Status s = read_ahead_ ? read_ahead_->next(&rec, &done) : reader_->next(&rec, &done);
    if (!s.is_ok()) return s;
    if (done) {
      eof_ = true;
      continue;
    }
    take(std::move(rec));
  }
}

// An event opens a unit; an expect joins its event's unit while that is in
// the window. kEnd: the reader checked it; nothing to compare.
void TraceSide::take(Record&& rec) {
  if (rec.type == RecordType::kEvent) {
    summary_->events++;
    if (summary_->first_t_ms < 0) summary_->first_t_ms = rec.t_ms;
    Unit u;
    u.bytes = rec.raw.size();
    u.event = std::move(rec);
    pending_bytes_ += u.bytes;
    pending_.push_back(std::move(u));
  } else if (rec.type == RecordType::kMetrics) {
    // The reader checked it names the last event read: the back of the window.
    if (!pending_.empty() && pending_.back().event.seq == rec.seq) {
      Unit& u = pending_.back();
      u.bytes += rec.raw.size();
      pending_bytes_ += rec.raw.size();
      u.metrics = std::move(rec);
      u.has_metrics = true;
    }
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
}

void TraceSide::pop() {
  assert(!pending_.empty());
  Unit& u = pending_.front();
  pending_bytes_ -= u.bytes;
  if (read_ahead_) {
    read_ahead_->recycle(std::move(u.event));
    if (u.has_expect) read_ahead_->recycle(std::move(u.expect));
    if (u.has_metrics) read_ahead_->recycle(std::move(u.metrics));
  }
  pending_.pop_front();
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

namespace {

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

}  // namespace

const json& exact_json(const Record& r, json* storage) {
  *storage = may_have_integer_negative_zero(r.raw) ? parse_json_exact(r.raw) : r.to_json();
  assert(!storage->is_discarded());  // the reader parsed the same line
  return *storage;
}

}  // namespace replay
