// progress: the one progress line the long commands (check, run, diff, stats)
// draw on stderr while they read: bytes of the input files read, events per
// second and the time left. Drawn only when stderr is a terminal and the user
// did not pass --quiet, so pipes, files and CI logs never see it; cleared
// before any other output so it never mixes with results.
#ifndef PEER_REPLAY_CLI_PROGRESS_H_
#define PEER_REPLAY_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace replay {

// True when stderr is a terminal.
bool stderr_is_terminal();

class ProgressLine {
 public:
  // enabled: stderr_is_terminal() && !quiet, decided by the command.
  // total_bytes: the bytes update() counts up to (0: unknown, no ETA).
  ProgressLine(bool enabled, uint64_t total_bytes, std::ostream& err);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // What is being read now (a trace's path), shown before the numbers.
  void set_label(std::string label) { label_ = std::move(label); }
  // bytes_done and events_done count from the command's start. Redraws at
  // most kRedrawsPerSecond times a second (the first call draws at once).
  void update(uint64_t bytes_done, uint64_t events_done);
  // Erases the line (before the command prints a result).
  void clear();

  static constexpr int kRedrawsPerSecond = 8;

 private:
  std::string text(uint64_t bytes_done, uint64_t events_done, double elapsed_s) const;

  bool enabled_;
  uint64_t total_bytes_;
  std::ostream& err_;
  std::string label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace replay

#endif  // PEER_REPLAY_CLI_PROGRESS_H_
