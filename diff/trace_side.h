// TraceSide: one of the two traces a diff reads, through its own TraceReader
// (optionally on a ReadAhead thread). It holds only the events whose expect
// may still come: a window bounded by kMaxPendingEvents and kMaxPendingBytes;
// an expect that comes later is counted as late and not compared.
#ifndef PEER_REPLAY_DIFF_TRACE_SIDE_H_
#define PEER_REPLAY_DIFF_TRACE_SIDE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "diff/diff_report.h"
#include "trace/read_ahead.h"
#include "trace/trace_reader.h"

namespace replay {

// One event and its expect (if any), as read.
struct Unit {
  Record event;
  Record expect;
  bool has_expect = false;
  Record metrics;  // FORMAT.md §8
  bool has_metrics = false;
  size_t bytes = 0;
};

class TraceSide {
 public:
  // Counts the side's events, expects and actions into *summary.
  explicit TraceSide(TraceSummary* summary) : summary_(summary) {}

  peers::Status open(const std::string& path, const ReaderOptions& ropts, bool read_ahead);

  const Record& header() const { return reader_->header(); }
  uint64_t late_expects() const { return late_expects_; }
  // Bytes of the file read so far; only without read-ahead (the reader is
  // then on this thread).
  uint64_t bytes_read() const { return read_ahead_ ? 0 : reader_->bytes_read(); }

  // Sets *out to the lowest-seq event not consumed yet, once its expect (if
  // the trace has one within the window) has been read; nullptr at the end.
  peers::Status front(Unit** out);
  // Consumes the unit front() returned.
  void pop();

 private:
  bool front_ready() const;
  void take(Record&& rec);

  TraceSummary* summary_;
  std::unique_ptr<TraceReader> reader_;
  std::unique_ptr<ReadAhead> read_ahead_;  // declared after reader_: stopped before it is destroyed
  std::deque<Unit> pending_;
  size_t pending_bytes_ = 0;
  uint64_t last_expect_seq_ = 0;
  uint64_t late_expects_ = 0;
  bool metrics_ = false;  // the header says a metrics record follows every expect (FORMAT.md §8)
  bool eof_ = false;
};

// Parses a JSON line exactly: like nlohmann::json::parse, except that an
// integer "-0" keeps its sign (nlohmann reads it as the integer 0).
nlohmann::json parse_json_exact(std::string_view line);

// The record's JSON, re-parsed exactly when the line has an integer "-0";
// *storage holds it.
const nlohmann::json& exact_json(const Record& r, nlohmann::json* storage);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_TRACE_SIDE_H_
