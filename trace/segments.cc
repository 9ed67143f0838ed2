// segments: see segments.h.
#include "trace/segments.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace replay {

namespace {

// The cookie behind a chained FILE*: the files in order and the one being read.
struct Chain {
  std::vector<FILE*> files;
  size_t current = 0;
};

ssize_t chain_read(void* cookie, char* buf, size_t size) {
  Chain* chain = static_cast<Chain*>(cookie);
  while (chain->current < chain->files.size()) {
    FILE* f = chain->files[chain->current];
    const size_t n = std::fread(buf, 1, size, f);
    if (n > 0) return static_cast<ssize_t>(n);
    if (std::ferror(f)) return -1;
    chain->current++;
  }
  return 0;
}

int chain_close(void* cookie) {
  std::unique_ptr<Chain> chain(static_cast<Chain*>(cookie));
  int rc = 0;
  for (FILE* f : chain->files) rc |= std::fclose(f);
  return rc == 0 ? 0 : EOF;
}

}  // namespace

std::string segment_path(const std::string& path, int index) {
  if (index <= 1) return path;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, ".%06d", index);
  return path + suffix;
}

std::vector<std::string> continuation_segments(const std::string& path) {
  std::vector<std::string> out;
  std::error_code ec;
  for (int i = 2; i <= kMaxSegments; i++) {
    std::string p = segment_path(path, i);
    if (!std::filesystem::is_regular_file(p, ec)) break;
    out.push_back(std::move(p));
  }
  return out;
}

FILE* chain_segments(FILE* first, const std::vector<std::string>& continuations) {
  if (continuations.empty()) return first;
  auto chain = std::make_unique<Chain>();
  chain->files.push_back(first);
  for (const std::string& p : continuations) {
    FILE* f = std::fopen(p.c_str(), "rb");
    if (f == nullptr) {
      const int saved = errno;
      for (FILE* g : chain->files) std::fclose(g);
      errno = saved;
      return nullptr;
    }
    chain->files.push_back(f);
  }
  cookie_io_functions_t io{chain_read, nullptr, nullptr, chain_close};
  FILE* chained = ::fopencookie(chain.get(), "rb", io);
  if (chained == nullptr) {
    for (FILE* g : chain->files) std::fclose(g);
    return nullptr;
  }
  chain.release();
  return chained;
}

}  // namespace replay
