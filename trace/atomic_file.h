// AtomicFile: write a file so that nobody (a reader, a crash, a SIGKILL, a CI
// timeout) ever sees a half-written one. Every file the tools write (repro
// traces, `run -o` traces, JUnit, reports) goes through it.
//
// How: the bytes go to "<path>.tmp.<pid>" in the same directory, are fsync'ed,
// and that file is renamed over <path> (rename(2) is atomic within one file
// system); then the directory is fsync'ed so the rename itself is durable. On
// any error, or when commit() is never reached, the temp file is removed and
// <path> keeps its old content (or stays absent). A process killed with
// SIGKILL cannot clean up: it leaves a stale "<path>.tmp.<pid>" beside an
// untouched <path>; the next writer with the same pid replaces it.
//
//   auto file = replay::AtomicFile::create(path);
//   if (!file.is_ok()) return file.status();
//   file.value()->stream() << xml;             // or append(bytes)
//   peers::Status s = file.value()->commit();  // the only step that publishes
//
// Limits: one writer per path per process at a time; <path> itself is
// replaced (a symlink at <path> is replaced by a regular file, not followed);
// the new file gets mode 0666 & ~umask, like std::ofstream.
//
// Owned by the reliability work; depends on nothing but status.h, so
// it lives in trace_io and every tool can use it without the engine.
#ifndef PEER_REPLAY_TRACE_ATOMIC_FILE_H_
#define PEER_REPLAY_TRACE_ATOMIC_FILE_H_

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "peers/status.h"

namespace replay {

class AtomicFile {
 public:
  // Creates (truncating a stale one) "<path>.tmp.<pid>". Fails if the
  // directory of `path` does not exist or is not writable.
  static peers::Result<std::unique_ptr<AtomicFile>> create(const std::string& path);

  // Abandons the write unless commit() succeeded: the temp file is removed.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Buffered; errors are sticky and reported here or by commit().
  peers::Status append(std::string_view bytes);

  // A std::ostream over append(), for writers that format with <<. A failed
  // write sets badbit and commit() returns the error.
  std::ostream& stream() { return stream_; }

  // Flushes, fsyncs, closes, renames over the destination and fsyncs the
  // directory. After an error the destination is untouched and the temp file
  // is gone. Call once; later calls return the first result.
  peers::Status commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  class Buf : public std::streambuf {
   public:
    explicit Buf(AtomicFile* owner) : owner_(owner) {}

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;

   private:
    AtomicFile* owner_;
  };

  AtomicFile(std::string path, std::string temp_path, int fd);
  peers::Status flush_buffer();
  peers::Status fail(peers::Status status);  // records the first error, abandons
  void abandon();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  bool committed_ = false;
  peers::Status sticky_;
  Buf buf_{this};
  std::ostream stream_{&buf_};
};

// The common case: `contents` replaces the file at `path` atomically.
peers::Status write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_ATOMIC_FILE_H_
