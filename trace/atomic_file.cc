#include "trace/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace replay {

using peers::Status;

namespace {

constexpr size_t kBufferBytes = 64u << 10;

std::string errno_text() { return std::strerror(errno); }

// write(2) until done: partial writes and EINTR are normal.
Status write_all(int fd, const char* data, size_t n, const std::string& temp_path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::io_error(temp_path + ": write failed: " + errno_text());
    }
    assert(w > 0);  // write(2) returns 0 only for n == 0
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

std::string directory_of(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

peers::Result<std::unique_ptr<AtomicFile>> AtomicFile::create(const std::string& path) {
  if (path.empty()) return Status::invalid_argument("atomic file: empty path");
  std::string temp_path = path + ".tmp." + std::to_string(::getpid());
  // O_TRUNC: a file of that name is a stale temp file of a killed process
  // that had our pid (ours is alive, so it is not in use). O_NOFOLLOW: never
  // write through a symlink planted at the temp name.
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return Status::io_error(path + ": cannot create " + temp_path + ": " + errno_text());
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp_path), fd));
}

AtomicFile::AtomicFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

AtomicFile::~AtomicFile() {
  if (!committed_) abandon();
}

void AtomicFile::abandon() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
  }
}

Status AtomicFile::fail(Status status) {
  assert(!status.is_ok());
  if (sticky_.is_ok()) sticky_ = status;
  abandon();
  stream_.setstate(std::ios::badbit);
  return sticky_;
}

Status AtomicFile::flush_buffer() {
  if (buffer_.empty()) return Status::ok();
  Status s = write_all(fd_, buffer_.data(), buffer_.size(), temp_path_);
  buffer_.clear();
  return s;
}

Status AtomicFile::append(std::string_view bytes) {
  if (!sticky_.is_ok()) return sticky_;
  if (committed_ || fd_ < 0) return fail(Status::invalid_argument(path_ + ": append after commit"));
  if (buffer_.size() + bytes.size() <= kBufferBytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    return Status::ok();
  }
  Status s = flush_buffer();
  if (s.is_ok() && bytes.size() >= kBufferBytes) {
    s = write_all(fd_, bytes.data(), bytes.size(), temp_path_);  // large: no copy
  } else if (s.is_ok()) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }
  if (!s.is_ok()) return fail(s);
  return Status::ok();
}

Status AtomicFile::commit() {
  if (committed_) return Status::ok();
  if (!sticky_.is_ok()) return sticky_;
  if (fd_ < 0) return fail(Status::invalid_argument(path_ + ": commit after an error"));
  Status s = flush_buffer();
  if (!s.is_ok()) return fail(s);
  // The data must be on disk before the rename makes it visible: otherwise a
  // power loss could publish an empty or partial file under the final name.
  if (::fsync(fd_) != 0) return fail(Status::io_error(temp_path_ + ": fsync failed: " + errno_text()));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    ::unlink(temp_path_.c_str());
    return fail(Status::io_error(temp_path_ + ": close failed: " + errno_text()));
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(temp_path_.c_str());
    return fail(Status::io_error(path_ + ": cannot rename " + temp_path_ + " into place: " + why));
  }
  committed_ = true;
  // Make the rename durable. The new content is already in place whatever
  // happens here, so a failure is reported but nothing is undone.
  const std::string dir = directory_of(path_);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::io_error(path_ + ": written, but cannot open " + dir + " to fsync it: " + errno_text());
  const int rc = ::fsync(dfd);
  const std::string why = errno_text();
  ::close(dfd);
  if (rc != 0) return Status::io_error(path_ + ": written, but fsync of " + dir + " failed: " + why);
  return Status::ok();
}

AtomicFile::Buf::int_type AtomicFile::Buf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  return owner_->append(std::string_view(&ch, 1)).is_ok() ? c : traits_type::eof();
}

std::streamsize AtomicFile::Buf::xsputn(const char* s, std::streamsize n) {
  return owner_->append(std::string_view(s, static_cast<size_t>(n))).is_ok() ? n : 0;
}

Status write_file_atomically(const std::string& path, std::string_view contents) {
  auto file = AtomicFile::create(path);
  if (!file.is_ok()) return file.status();
  Status s = file.value()->append(contents);
  if (!s.is_ok()) return s;
  return file.value()->commit();
}

}  // namespace replay
