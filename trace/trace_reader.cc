#include "trace/trace_reader.h"

#include <zstd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/metrics_schema.h"
#include "trace/segments.h"
#include "trace/trace_schema.h"

namespace replay {

using peers::Status;

namespace {

constexpr size_t kReadChunkBytes = 1u << 17;  // 128 KiB of file per read

bool has_zstd_magic(const unsigned char* b, size_t n) {
  if (n < 4) return false;
  const uint32_t magic = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  return magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u;
}

std::string cut(const std::string& s, size_t max_chars = 120) {
  if (s.size() <= max_chars) return s;
  return s.substr(0, max_chars) + "...";
}

}  // namespace

// A byte source: the file as is, or the file through a zstd stream decoder.
// Owns the FILE*. read() fills up to `cap` bytes and returns 0 only at a clean
// end of input; a truncated or corrupt stream is an error.
class TraceReader::Source {
 public:
  virtual ~Source() {
    if (file_ != nullptr) std::fclose(file_);
  }
  virtual Status read(char* buf, size_t cap, size_t* n) = 0;
  virtual bool compressed() const = 0;
  // With allow_truncated: 0, or the frame the file ends inside (read() then
  // returned a clean end instead of an error).
  uint64_t cut_frame() const { return cut_frame_; }
  void allow_cut() { allow_cut_ = true; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_out() const { return bytes_out_; }

 protected:
  Source(FILE* file, std::string prefix) : file_(file), prefix_(std::move(prefix)) {}
  // Bytes peeked to detect the format are replayed before the file.
  size_t read_file(char* buf, size_t cap) {
    size_t n = 0;
    if (prefix_pos_ < prefix_.size()) {
      n = std::min(cap, prefix_.size() - prefix_pos_);
      std::memcpy(buf, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      return n;
    }
    n = std::fread(buf, 1, cap, file_);
    bytes_read_ += n;
    return n;
  }
  bool file_error() const { return std::ferror(file_) != 0; }

  FILE* file_;
  std::string prefix_;
  size_t prefix_pos_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t bytes_out_ = 0;
  bool allow_cut_ = false;
  uint64_t cut_frame_ = 0;
};

namespace {

class PlainSource final : public TraceReader::Source {
 public:
  PlainSource(FILE* file, std::string prefix, uint64_t prefix_bytes) : Source(file, std::move(prefix)) {
    bytes_read_ = prefix_bytes;
  }
  Status read(char* buf, size_t cap, size_t* n) override {
    *n = read_file(buf, cap);
    if (*n == 0 && file_error()) return Status::io_error("read error: " + std::string(std::strerror(errno)));
    bytes_out_ += *n;
    return Status::ok();
  }
  bool compressed() const override { return false; }
};

class ZstdSource final : public TraceReader::Source {
 public:
  ZstdSource(FILE* file, std::string prefix, uint64_t prefix_bytes)
      : Source(file, std::move(prefix)), dctx_(ZSTD_createDCtx()), in_buf_(ZSTD_DStreamInSize()) {
    bytes_read_ = prefix_bytes;
    assert(dctx_ != nullptr);
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  Status read(char* buf, size_t cap, size_t* n) override {
    ZSTD_outBuffer out{buf, cap, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        const size_t got = read_file(in_buf_.data(), in_buf_.size());
        if (got == 0) {
          if (file_error()) return Status::io_error("read error: " + std::string(std::strerror(errno)));
          // End of file: the last frame must be complete (the decoder returns 0
          // exactly at a frame boundary).
          if (last_ret_ != 0 && allow_cut_) {
            cut_frame_ = frames_ + 1;
          } else if (last_ret_ != 0) {
            return Status::corruption("truncated zstd frame: the file ends inside frame " +
                                      std::to_string(frames_ + 1));
          }
          *n = 0;
          return Status::ok();
        }
        in_ = ZSTD_inBuffer{in_buf_.data(), got, 0};
        consumed_before_ += in_consumed_;
        in_consumed_ = got;
      }
      const size_t before = in_.pos;
      const size_t ret = ZSTD_decompressStream(dctx_, &out, &in_);
      (void)before;
      if (ZSTD_isError(ret)) {
        const uint64_t offset = consumed_before_ + in_.pos;
        if (last_ret_ == 0 && frames_ > 0) {
          return Status::corruption("bytes after zstd frame " + std::to_string(frames_) +
                                    " are not a zstd frame (near byte offset " + std::to_string(offset) +
                                    "): " + ZSTD_getErrorName(ret));
        }
        return Status::corruption(std::string("corrupt zstd data (frame ") + std::to_string(frames_ + 1) +
                                  ", near byte offset " + std::to_string(offset) + "): " + ZSTD_getErrorName(ret));
      }
      if (ret == 0) frames_++;
      last_ret_ = ret;
    }
    *n = out.pos;
    bytes_out_ += out.pos;
    return Status::ok();
  }
  bool compressed() const override { return true; }

 private:
  ZSTD_DCtx* dctx_;
  std::vector<char> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  size_t last_ret_ = 0;   // 0: at a frame boundary
  uint64_t frames_ = 0;   // complete frames decoded
  uint64_t consumed_before_ = 0;
  uint64_t in_consumed_ = 0;
};

}  // namespace

TraceReader::TraceReader(std::string path, ReaderOptions options, std::unique_ptr<Source> source)
    : path_(std::move(path)), options_(std::move(options)), source_(std::move(source)) {}

TraceReader::~TraceReader() = default;

bool TraceReader::compressed() const { return source_->compressed(); }
uint64_t TraceReader::bytes_read() const { return source_->bytes_read(); }
uint64_t TraceReader::bytes_decompressed() const { return source_->bytes_out(); }

std::string TraceReader::where(uint64_t line) const { return path_ + ":" + std::to_string(line) + ": "; }

namespace {

// Opens a trace file for reading; "-" is standard input. A file named .zst
// must start with a zstd frame: read as plain text it would fail later with
// a puzzling JSON error about its first byte.
Status open_trace_file(const std::string& path, FILE** out) {
  *out = nullptr;
  if (path == "-") {
    const int fd = ::dup(STDIN_FILENO);
    FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "rb");
    if (file == nullptr) return Status::io_error("-: cannot read standard input: " + std::string(std::strerror(errno)));
    *out = file;
    return Status::ok();
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::io_error(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::io_error(path + ": is a directory, expected a trace file");
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::io_error(path + ": cannot open: " + std::strerror(errno));
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0) {
    unsigned char magic[4] = {0, 0, 0, 0};
    const size_t got = std::fread(magic, 1, sizeof(magic), file);
    if (!has_zstd_magic(magic, got) || std::fseek(file, 0, SEEK_SET) != 0) {
      std::fclose(file);
      return Status::corruption(path +
                                ": not zstd-compressed: a file named .zst must start with a zstd frame (a plain "
                                "trace is named .jsonl)");
    }
  }
  *out = file;
  return Status::ok();
}

}  // namespace

peers::Result<std::unique_ptr<TraceReader>> TraceReader::open(const std::string& path, ReaderOptions options) {
  FILE* file = nullptr;
  Status s = open_trace_file(path, &file);
  if (!s.is_ok()) return s;
  // A rotated live capture reads on through its continuation files.
  file = chain_segments(file, continuation_segments(path));
  if (file == nullptr) return Status::io_error(path + ": cannot open a continuation segment: " + std::strerror(errno));
  return open_stream(path, file, std::move(options));
}

peers::Result<std::unique_ptr<TraceReader>> TraceReader::open_bytes(const std::string& name, std::string_view bytes,
                                                                    ReaderOptions options) {
  // fmemopen does not write to the buffer in "rb" mode; the const_cast only
  // meets its C signature. glibc accepts a size of 0 (an empty trace) but a
  // null buffer would make it allocate one, hence `empty`.
  static char empty = 0;
  char* buf = bytes.empty() ? &empty : const_cast<char*>(bytes.data());
  FILE* file = ::fmemopen(buf, bytes.size(), "rb");
  if (file == nullptr) return Status::io_error(name + ": cannot open in-memory trace: " + std::strerror(errno));
  return open_stream(name, file, std::move(options));
}

peers::Result<std::unique_ptr<TraceReader>> TraceReader::open_lines(const std::string& name,
                                                                    std::string_view header_line,
                                                                    ReaderOptions options) {
  // An empty source: every line comes through push().
  static char empty = 0;
  FILE* file = ::fmemopen(&empty, 0, "rb");
  if (file == nullptr) return Status::io_error(name + ": cannot open an empty stream: " + std::strerror(errno));
  std::unique_ptr<TraceReader> reader(
      new TraceReader(name, std::move(options), std::make_unique<PlainSource>(file, std::string(), 0)));
  Record header;
  Status s = reader->push(header_line, &header);
  if (!s.is_ok()) return s;
  reader->header_ = std::move(header);
  return reader;
}

peers::Result<std::unique_ptr<TraceReader>> TraceReader::open_stream(const std::string& path, FILE* file,
                                                                     ReaderOptions options) {
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t got = std::fread(magic, 1, sizeof(magic), file);
  std::string prefix(reinterpret_cast<const char*>(magic), got);
  std::unique_ptr<Source> source;
  if (has_zstd_magic(magic, got)) {
    source = std::make_unique<ZstdSource>(file, std::move(prefix), got);
  } else {
    source = std::make_unique<PlainSource>(file, std::move(prefix), got);
  }
  if (options.allow_truncated) source->allow_cut();
  std::unique_ptr<TraceReader> reader(new TraceReader(path, std::move(options), std::move(source)));

  Record header;
  bool done = false;
  Status s = reader->next(&header, &done);
  if (!s.is_ok()) return s;
  if (done && reader->source_->cut_frame() != 0) {
    // Cut before its header: nothing of it can be read, a cut trace or not.
    return Status::corruption(reader->where(1) + "truncated zstd frame: the file ends inside frame " +
                              std::to_string(reader->source_->cut_frame()));
  }
  if (done) return Status::corruption(reader->where(1) + "empty trace: expected the header record on line 1");
  reader->header_ = std::move(header);
  return reader;
}

Status TraceReader::read_line(std::string* line, bool* eof) {
  line->clear();
  *eof = false;
  for (;;) {
    if (chunk_pos_ < chunk_.size()) {
      const char* start = chunk_.data() + chunk_pos_;
      const size_t avail = chunk_.size() - chunk_pos_;
      const void* nl = std::memchr(start, '\n', avail);
      const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
      if (line->size() + take > options_.max_line_bytes) {
        return Status::corruption(where(line_ + 1) + "line longer than the limit of " +
                                  std::to_string(options_.max_line_bytes) + " bytes");
      }
      line->append(start, take);
      chunk_pos_ += take;
      if (nl) {
        chunk_pos_ += 1;
        line_++;
        return Status::ok();
      }
    }
    chunk_.resize(kReadChunkBytes);
    size_t n = 0;
    Status s = source_->read(chunk_.data(), chunk_.size(), &n);
    if (!s.is_ok()) return Status::corruption(where(line_ + 1) + s.message());
    chunk_.resize(n);
    chunk_pos_ = 0;
    if (n == 0) {
      if (source_->cut_frame() != 0 && truncation_.empty()) {
        // A killed writer: the partial last line is dropped, the file read to
        // its last complete line.
        truncation_ = "the file ends inside zstd frame " + std::to_string(source_->cut_frame()) +
                      (line->empty() ? "" : ", in the middle of line " + std::to_string(line_ + 1));
        line->clear();
      }
      if (line->empty()) {
        *eof = true;
      } else {
        line_++;  // a last line without "\n" is accepted
        unterminated_ = true;
      }
      return Status::ok();
    }
  }
}

Status TraceReader::next(Record* out, bool* done) {
  if (!check_sticky_.is_ok()) return check_sticky_;
  Status s = read_parsed(out, done);
  if (!s.is_ok() || *done) return s;
  return check_parsed(out);
}

Status TraceReader::check_parsed(Record* rec) {
  if (!check_sticky_.is_ok()) return check_sticky_;
  Status s = check_record(rec);
  if (!s.is_ok()) return check_sticky_ = s;
  return Status::ok();
}

Status TraceReader::read_parsed(Record* out, bool* done) {
  *done = false;
  if (!sticky_.is_ok()) return sticky_;
  std::string& line = line_buf_;
  bool eof = false;
  Status s = read_line(&line, &eof);
  if (!s.is_ok()) return sticky_ = s;
  if (eof) {
    *done = true;
    return Status::ok();
  }
  if (line_ == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF &&
      static_cast<unsigned char>(line[1]) == 0xBB && static_cast<unsigned char>(line[2]) == 0xBF) {
    line.erase(0, 3);  // UTF-8 byte order mark
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return sticky_ = Status::corruption(where(line_) + "empty line: expected a JSON object");
  return parse_line(line, out, done);
}

Status TraceReader::parse_line(std::string_view line, Record* out, bool* done) {
  // Parsed in place: the tape's and raw's buffers are reused from the record
  // the caller read before.
  Record& rec = *out;
  rec.line = line_;
  rec.seq = 0;
  rec.t_ms = 0;
  rec.kind.clear();
  std::string why;
  if (!rec.tape.parse(line, &why)) {
    if (unterminated_ && options_.allow_truncated && truncation_.empty()) {
      // A plain file cut by a killed writer: its last line, without "\n", is partial.
      truncation_ = "the file ends in the middle of line " + std::to_string(line_);
      *done = true;
      return Status::ok();
    }
    return sticky_ = Status::corruption(where(line_) + cut(why, 200));
  }
  if (options_.keep_raw) {
    rec.raw.assign(line);
  } else {
    rec.raw.clear();
  }
  return Status::ok();
}

Status TraceReader::push(std::string_view line, Record* out) {
  if (!sticky_.is_ok()) return sticky_;
  if (!check_sticky_.is_ok()) return check_sticky_;
  if (line.size() > options_.max_line_bytes) {
    return sticky_ = Status::corruption(where(line_ + 1) + "line longer than the limit of " +
                                        std::to_string(options_.max_line_bytes) + " bytes");
  }
  line_++;
  if (line.empty()) return sticky_ = Status::corruption(where(line_) + "empty line: expected a JSON object");
  bool done = false;
  Status s = parse_line(line, out, &done);
  if (!s.is_ok()) return s;
  return check_parsed(out);
}

Status TraceReader::check_record(Record* rec) {
  const JsonRef j = rec->root();
  if (!j.is_object()) return Status::corruption(where(rec->line) + "expected a JSON object, got " + std::string(j.type_name()));
  const JsonRef type_ref = j.find("type");
  if (!type_ref.is_string()) {
    return Status::corruption(where(rec->line) + "expected a string member \"type\" (header, event, expect or end)");
  }
  const std::string_view type = type_ref.str();
  SchemaContext ctx{path_, rec->line, options_.strict, options_.on_warning};

  if (rec->line == 1) {
    if (type != "header") {
      return Status::corruption(where(rec->line) + "expected the header record (\"type\":\"header\") on line 1, got \"type\":\"" +
                                cut(std::string(type), 40) + "\"");
    }
    rec->type = RecordType::kHeader;
    Status s = check_header(j, ctx);
    if (s.is_ok()) metrics_ = j.find("metrics").is_boolean() && j.find("metrics").as_bool();
    if (s.is_ok()) format_version_ = j["format_version"].as_int64();
    return s;
  }
  if (ended_) return Status::corruption(where(rec->line) + "expected nothing after the \"end\" record");

  if (type == "event") {
    rec->type = RecordType::kEvent;
    uint64_t seq = 0;
    int64_t t_ms = 0;
    Status s = check_event(j, ctx, &seq, &t_ms, &rec->kind);
    if (!s.is_ok()) return s;
    if (metrics_ && !options_.events_only && events_read_ > 0 && last_metrics_seq_ != events_read_) {
      return Status::corruption(where(rec->line) + "expected the metrics record of event " + std::to_string(events_read_) +
                                " before the next event (the header says \"metrics\":true)");
    }
    if (format_version_ < kFormatVersionLiveInputs && (rec->kind == "connection_status" || rec->kind == "local_custody")) {
      return Status::corruption(where(rec->line) + "event kind \"" + rec->kind + "\" needs format_version " +
                                std::to_string(kFormatVersionLiveInputs) + " (the header says " +
                                std::to_string(format_version_) + ")");
    }
    if (seq != events_read_ + 1) {
      return Status::corruption(where(rec->line) + "expected event seq " + std::to_string(events_read_ + 1) + ", got " +
                                std::to_string(seq) + " (seq counts 1, 2, 3 with no gap)");
    }
    if (t_ms < last_t_ms_) {
      return Status::corruption(where(rec->line) + "t_ms went back: " + std::to_string(t_ms) + " < " + std::to_string(last_t_ms_) +
                                " of the previous event");
    }
    rec->seq = seq;
    rec->t_ms = t_ms;
    last_t_ms_ = t_ms;
    events_read_++;
    return Status::ok();
  }
  if (type == "expect") {
    rec->type = RecordType::kExpect;
    uint64_t seq = 0;
    Status s = check_expect(j, ctx, &seq);
    if (!s.is_ok()) return s;
    if (seq > events_read_) {
      return Status::corruption(where(rec->line) + "expect names seq " + std::to_string(seq) +
                                ", an event not read yet (last event seq " + std::to_string(events_read_) + ")");
    }
    if (seq <= last_expect_seq_) {
      return Status::corruption(where(rec->line) + "expect names seq " + std::to_string(seq) +
                                " again or out of order (previous expect: seq " + std::to_string(last_expect_seq_) +
                                ")");
    }
    rec->seq = seq;
    last_expect_seq_ = seq;
    return Status::ok();
  }
  if (type == "metrics") return check_metrics_record(rec, ctx);
  if (type == "end") {
    rec->type = RecordType::kEnd;
    if (metrics_ && events_read_ > 0 && last_metrics_seq_ != events_read_) {
      return Status::corruption(where(rec->line) + "expected the metrics record of event " + std::to_string(events_read_) +
                                " before \"end\" (the header says \"metrics\":true)");
    }
    uint64_t events = 0;
    Status s = check_end(j, ctx, &events);
    if (!s.is_ok()) return s;
    if (events != events_read_) {
      return Status::corruption(where(rec->line) + "\"end\" says " + std::to_string(events) + " events, but " +
                                std::to_string(events_read_) + " were read");
    }
    ended_ = true;
    return Status::ok();
  }
  if (type == "header") return Status::corruption(where(rec->line) + "a second header record: the header must be line 1 only");
  return Status::corruption(where(rec->line) + "unknown record type \"" + cut(std::string(type), 40) +
                            "\": expected event, expect, metrics or end");
}

Status TraceReader::check_metrics_record(Record* rec, const SchemaContext& ctx) {
  rec->type = RecordType::kMetrics;
  if (!metrics_) {
    return Status::corruption(where(rec->line) + "a metrics record, but the header lacks \"metrics\":true (FORMAT.md §8)");
  }
  uint64_t seq = 0;
  Status s = check_metrics(rec->root(), ctx, &seq);
  if (!s.is_ok()) return s;
  if (seq != events_read_ || seq == last_metrics_seq_) {
    return Status::corruption(where(rec->line) + "metrics names seq " + std::to_string(seq) +
                              ": expected the last event read (seq " + std::to_string(events_read_) + "), once");
  }
  rec->seq = seq;
  last_metrics_seq_ = seq;
  return Status::ok();
}

peers::Status copy_decompressed(const std::string& path, std::ostream& out) {
  FILE* file = nullptr;
  Status opened = open_trace_file(path, &file);
  if (!opened.is_ok()) return opened;
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t got = std::fread(magic, 1, sizeof(magic), file);
  std::string prefix(reinterpret_cast<const char*>(magic), got);
  std::unique_ptr<TraceReader::Source> source;
  if (has_zstd_magic(magic, got)) {
    source = std::make_unique<ZstdSource>(file, std::move(prefix), got);
  } else {
    source = std::make_unique<PlainSource>(file, std::move(prefix), got);
  }
  std::vector<char> buf(kReadChunkBytes);
  for (;;) {
    size_t n = 0;
    Status s = source->read(buf.data(), buf.size(), &n);
    if (!s.is_ok()) return Status::corruption(path + ": " + s.message());
    if (n == 0) return Status::ok();
    out.write(buf.data(), static_cast<std::streamsize>(n));
  }
}

}  // namespace replay
