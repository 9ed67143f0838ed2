// ImplProcess: one implementation under test, run as a child process that
// speaks the conformance protocol (docs/PROTOCOL.md) on its stdin and stdout.
//
// Owner: the replay library (impl_replayer.cc drives it). It owns the child:
// the child runs in a process group of its own, and the destructor (or
// stop()) kills that group and reaps the child, so no run leaves a zombie or
// an orphaned grandchild behind, whatever the implementation did. stderr is
// inherited (passed through to the harness's stderr). Every read and write is
// bounded by a timeout in milliseconds; a line longer than kMaxLineBytes is
// refused without being buffered whole.
#ifndef PEER_REPLAY_REPLAY_IMPL_PROCESS_H_
#define PEER_REPLAY_REPLAY_IMPL_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace replay {

// How one read or write ended.
enum class IoStatus {
  kOk,
  kTimeout,      // nothing (or no whole line) within the timeout
  kClosed,       // the child's stdout reached end of file / its stdin is closed
  kLineTooLong,  // a line over kMaxLineBytes
  kError,        // a system call failed
};

class ImplProcess {
 public:
  ImplProcess() = default;
  ~ImplProcess();
  ImplProcess(const ImplProcess&) = delete;
  ImplProcess& operator=(const ImplProcess&) = delete;

  // Runs `command` through /bin/sh -c "exec <command>" (so "CMD ARGS" may
  // quote), in a new process group. False with *error on failure.
  bool start(const std::string& command, std::string* error);

  // Writes `line` and a '\n'.
  IoStatus write_line(const std::string& line, int64_t timeout_ms);
  // Reads the next line (without '\n').
  IoStatus read_line(std::string* line, int64_t timeout_ms);

  // Closes the child's stdin (end of input), waits up to grace_ms for it to
  // exit, then kills its process group and reaps it. Idempotent.
  void stop(int64_t grace_ms);
  // Kills the process group at once and reaps the child.
  void kill_now();

  // After the child has exited (stop, kill_now, or exited_within): how it
  // ended, e.g. "exited with status 3", "was killed by signal 11 (SIGSEGV)".
  std::string exit_description() const;
  // Waits up to wait_ms for the child to exit; true when it has (reaped).
  bool exited_within(int64_t wait_ms);
  bool exited() const { return reaped_; }
  // True when it exited normally with status 0.
  bool exited_cleanly() const;
  pid_t pid() const { return pid_; }

 private:
  bool reap(bool block);
  void close_stdin();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  std::string buffer_;  // bytes read from stdout, not yet returned as lines
  bool stdout_eof_ = false;
};

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_IMPL_PROCESS_H_
