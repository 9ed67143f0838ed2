// TraceWriter: writes a trace (JSON Lines, optionally zstd) through an
// AtomicFile, so a run that stops midway leaves the old file or none, never a
// half-written trace. Compression is chosen by the name: "*.zst" is zstd.
//
// Ownership: the writer owns its AtomicFile and zstd context; nothing is
// published before commit().
#ifndef PEER_REPLAY_TRACE_TRACE_WRITER_H_
#define PEER_REPLAY_TRACE_TRACE_WRITER_H_

#include <memory>
#include <string>
#include <string_view>

#include "peers/status.h"

namespace replay {

class TraceWriter {
 public:
  static peers::Result<std::unique_ptr<TraceWriter>> create(const std::string& path, int zstd_level = 3);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Appends `line` and a "\n". `line` must not contain a newline.
  peers::Status write_line(std::string_view line);
  // Ends the zstd frame, then publishes the file atomically.
  peers::Status commit();

  uint64_t lines() const { return lines_; }
  uint64_t text_bytes() const { return text_bytes_; }

  class Impl;

 private:
  explicit TraceWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  uint64_t lines_ = 0;
  uint64_t text_bytes_ = 0;
};

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_TRACE_WRITER_H_
