// progress: see progress.h.
#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <ostream>

namespace replay {

namespace {

std::string bytes_text(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  }
  return buf;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

}  // namespace

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(bool enabled, uint64_t total_bytes, std::ostream& err)
    : enabled_(enabled), total_bytes_(total_bytes), err_(err) {}

ProgressLine::~ProgressLine() { clear(); }

std::string ProgressLine::text(uint64_t bytes_done, uint64_t events_done, double elapsed_s) const {
  std::string s = label_.empty() ? "" : label_ + "  ";
  s += bytes_text(bytes_done);
  if (total_bytes_ > 0) {
    const uint64_t done = bytes_done < total_bytes_ ? bytes_done : total_bytes_;
    s += " of " + bytes_text(total_bytes_) + " (" + std::to_string(done * 100 / total_bytes_) + "%)";
  }
  const double rate = elapsed_s > 0 ? static_cast<double>(events_done) / elapsed_s : 0;
  s += "  " + std::to_string(static_cast<uint64_t>(rate)) + " events/s";
  if (total_bytes_ > 0 && bytes_done > 0 && bytes_done < total_bytes_) {
    const double left_s = elapsed_s * static_cast<double>(total_bytes_ - bytes_done) / static_cast<double>(bytes_done);
    s += "  ETA " + duration_text(left_s);
  }
  return s;
}

void ProgressLine::update(uint64_t bytes_done, uint64_t events_done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(1000 / kRedrawsPerSecond)) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  // "\r" and erase-to-end-of-line: the line is redrawn in place.
  err_ << "\r\x1b[K" << text(bytes_done, events_done, elapsed_s) << std::flush;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  err_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace replay
