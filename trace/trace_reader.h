// TraceReader: the streaming reader of trace format v1 (traces/FORMAT.md).
//
// Reads .jsonl and .jsonl.zst (several frames allowed) in bounded memory: one
// decompression buffer, one line buffer capped at the line limit, the current
// record. It checks the structure FORMAT.md makes normative (header first,
// format and version, seq contiguous, t_ms monotonic, expects naming events
// already read, known kinds, required members and their JSON types) and
// reports the first violation as "<file>:<line>: <what was expected>".
//
// Ownership: the reader owns its file handle and buffers; a Record returned by
// next() is the caller's (moved out), valid after the next call.
#ifndef PEER_REPLAY_TRACE_TRACE_READER_H_
#define PEER_REPLAY_TRACE_TRACE_READER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/status.h"
#include "trace/format.h"
#include "trace/json_tape.h"

namespace replay {

struct SchemaContext;  // trace/trace_schema.h

enum class RecordType { kHeader, kEvent, kExpect, kEnd, kMetrics };  // kMetrics: FORMAT.md §8

struct Record {
  RecordType type = RecordType::kHeader;
  uint64_t line = 0;     // 1-based line number in the decompressed text
  uint64_t seq = 0;      // event, expect and metrics records
  int64_t t_ms = 0;      // event records
  std::string kind;      // event records: the event kind
  JsonTape tape;         // the whole record as parsed (see json_tape.h)
  std::string raw;       // the line as read (no "\r\n"), for repro files and `cat`

  JsonRef root() const { return tape.root(); }
  // A DOM copy of the record, for consumers that compare or edit whole
  // records (the diff on lines that differ, reports); it costs about what
  // json::parse of the line costs, so the hot paths read the tape.
  nlohmann::json to_json() const { return tape.root().to_json(); }
};

struct ReaderOptions {
  bool strict = false;                  // unknown members are errors, not warnings
  size_t max_line_bytes = kMaxLineBytes;
  bool keep_raw = false;                // fill Record::raw
  // A trace cut by a killed writer (FORMAT.md §2.4): a zstd file that ends
  // inside a frame reads as ending at its last complete line instead of being
  // an error; truncation() then says so. Off: such a file is an error.
  bool allow_truncated = false;
  // Only event records follow the header (a conformance-protocol
  // implementation is fed the events alone, docs/PROTOCOL.md): no metrics
  // record is required between two events.
  bool events_only = false;
  // Receives "<file>:<line>: warning: ..." for unknown members when !strict.
  // Null: warnings are dropped.
  std::function<void(const std::string&)> on_warning;
};

class TraceReader {
 public:
  // Opens `path` and reads and checks the header (line 1). The error message
  // names the file and line.
  static peers::Result<std::unique_ptr<TraceReader>> open(const std::string& path, ReaderOptions options = {});
  // Reads a trace held in memory (plain or zstd, decided by content as for a
  // file); `name` stands for the path in messages. `bytes` is not copied and
  // must outlive the reader. Added for the fuzzer (fuzz/trace_reader_fuzz.cc)
  // and for tests: it goes through the same stdio (fmemopen) and decoder code
  // as open(), so what is fuzzed is what reads files.
  static peers::Result<std::unique_ptr<TraceReader>> open_bytes(const std::string& name, std::string_view bytes,
                                                                ReaderOptions options = {});
  // A reader of lines its caller hands over one at a time (shadow mode, where
  // the lines are those of a capture as it is being written): `header_line`
  // is checked as line 1, then each push() checks one more line as next()
  // checks a line read from a file. No file is read; next() finds none.
  static peers::Result<std::unique_ptr<TraceReader>> open_lines(const std::string& name, std::string_view header_line,
                                                                ReaderOptions options = {});
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  const Record& header() const { return header_; }
  const std::string& path() const { return path_; }

  // Reads the next record after the header into *out, reusing its buffers
  // (pass the same Record each time to read without allocating). Sets *done
  // and leaves *out untouched at a clean end of the trace; after an error
  // *out holds nothing of use. Any error is sticky.
  peers::Status next(Record* out, bool* done);

  // The next line (no "\n"), handed over by the caller of a reader made by
  // open_lines(): parsed and checked into *out as next() would. Errors are
  // sticky, as next()'s are.
  peers::Status push(std::string_view line, Record* out);

  bool compressed() const;
  uint64_t bytes_read() const;          // bytes of the file consumed so far
  uint64_t bytes_decompressed() const;  // bytes of JSONL text produced so far
  uint64_t events_read() const { return events_read_; }
  uint64_t line() const { return line_; }
  // The header's "metrics": a metrics record follows every event.
  bool has_metrics() const { return metrics_; }
  // After the last record: whether an "end" record was read, and, with
  // allow_truncated, why the file was cut ("" when it was not).
  bool ended() const { return ended_; }
  const std::string& truncation() const { return truncation_; }

  // Formats "<file>:<line>: <message>" for errors about the current line.
  std::string where(uint64_t line) const;

  class Source;  // byte source: plain file or zstd stream (trace_reader.cc)

 private:
  TraceReader(std::string path, ReaderOptions options, std::unique_ptr<Source> source);
  // The common part of open() and open_bytes(): takes `file`, reads the header.
  static peers::Result<std::unique_ptr<TraceReader>> open_stream(const std::string& path, FILE* file,
                                                                 ReaderOptions options);
  peers::Status read_line(std::string* line, bool* eof);
  // next() in two halves, each with its own sticky error: read_parsed() reads
  // the next line and parses it into out's tape (line and raw set, nothing
  // checked); check_parsed() checks that record and fills its seq, t_ms and
  // kind. push() parses its line and shares the second half.
  peers::Status read_parsed(Record* out, bool* done);
  peers::Status check_parsed(Record* out);
  // Parses line `line_` into *out's tape (line and raw set, nothing checked).
  peers::Status parse_line(std::string_view line, Record* out, bool* done);
  peers::Status check_record(Record* rec);
  peers::Status check_metrics_record(Record* rec, const SchemaContext& ctx);

  std::string path_;
  ReaderOptions options_;
  std::unique_ptr<Source> source_;
  Record header_;
  std::string line_buf_;
  std::vector<char> chunk_;  // decompressed bytes not yet split into lines
  size_t chunk_pos_ = 0;
  uint64_t line_ = 0;
  uint64_t events_read_ = 0;
  uint64_t last_expect_seq_ = 0;
  int64_t last_t_ms_ = -1;
  bool ended_ = false;  // an "end" record was read
  bool metrics_ = false;            // the header says "metrics":true (FORMAT.md §8)
  uint64_t last_metrics_seq_ = 0;   // the seq of the last metrics record
  int64_t format_version_ = 0;  // the header's
  bool unterminated_ = false;   // the last line read had no "\n" (the end of the file)
  std::string truncation_;  // allow_truncated: the file ends inside a zstd frame
  peers::Status sticky_;        // read_parsed's first error
  peers::Status check_sticky_;  // check_parsed's first error
};

// Streams the decompressed bytes of `path` (plain or zstd) to `out` without
// parsing them: for inspecting a trace the reader rejects. Checks framing only.
peers::Status copy_decompressed(const std::string& path, std::ostream& out);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_TRACE_READER_H_
