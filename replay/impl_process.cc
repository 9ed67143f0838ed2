#include "replay/impl_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include "trace/format.h"

extern char** environ;

namespace replay {

namespace {

using Clock = std::chrono::steady_clock;

int64_t ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : left;
}

// poll() one fd until `events` or the deadline; false on timeout.
bool wait_fd(int fd, short events, Clock::time_point deadline, short* revents) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int64_t left = ms_left(deadline);
    const int n = poll(&p, 1, static_cast<int>(left > INT32_MAX ? INT32_MAX : left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    *revents = p.revents;
    return true;
  }
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGINT: return "SIGINT";
    default: return "?";
  }
}

}  // namespace

ImplProcess::~ImplProcess() { kill_now(); }

bool ImplProcess::start(const std::string& command, std::string* error) {
  assert(pid_ < 0);
  // A child that dies makes our writes fail with EPIPE instead of killing us.
  std::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    close(in[0]);
    close(in[1]);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // a group of its own: kill(-pid) reaches its children
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  const std::string script = "exec " + command;
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
  const int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    pid_ = -1;
    close(in[1]);
    close(out[0]);
    *error = std::string("cannot start /bin/sh: ") + std::strerror(rc);
    return false;
  }
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  fcntl(stdin_fd_, F_SETFL, fcntl(stdin_fd_, F_GETFL) | O_NONBLOCK);
  return true;
}

IoStatus ImplProcess::write_line(const std::string& line, int64_t timeout_ms) {
  if (stdin_fd_ < 0) return IoStatus::kClosed;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string data = line;
  data.push_back('\n');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(stdin_fd_, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return IoStatus::kClosed;
    if (n < 0 && errno != EAGAIN) return IoStatus::kError;
    short revents = 0;
    if (!wait_fd(stdin_fd_, POLLOUT, deadline, &revents)) return IoStatus::kTimeout;
    if ((revents & (POLLERR | POLLHUP)) != 0 && (revents & POLLOUT) == 0) return IoStatus::kClosed;
  }
  return IoStatus::kOk;
}

IoStatus ImplProcess::read_line(std::string* line, int64_t timeout_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t scanned = 0;
  for (;;) {
    const size_t nl = buffer_.find('\n', scanned);
    if (nl != std::string::npos) {
      if (nl > kMaxLineBytes) return IoStatus::kLineTooLong;
      line->assign(buffer_, 0, nl);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      buffer_.erase(0, nl + 1);
      return IoStatus::kOk;
    }
    scanned = buffer_.size();
    if (buffer_.size() > kMaxLineBytes) return IoStatus::kLineTooLong;
    if (stdout_eof_ || stdout_fd_ < 0) return IoStatus::kClosed;
    short revents = 0;
    if (!wait_fd(stdout_fd_, POLLIN, deadline, &revents)) return IoStatus::kTimeout;
    char chunk[65536];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return IoStatus::kError;
    if (n == 0) {
      stdout_eof_ = true;
      continue;  // a last line without '\n' is not a line: kClosed next round
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void ImplProcess::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

bool ImplProcess::reap(bool block) {
  if (pid_ < 0 || reaped_) return true;
  for (;;) {
    const pid_t r = waitpid(pid_, &wait_status_, block ? 0 : WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return true;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {  // ECHILD: nothing left to reap
      reaped_ = true;
      return true;
    }
    return false;
  }
}

bool ImplProcess::exited_within(int64_t wait_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    if (reap(false)) return true;
    if (ms_left(deadline) == 0) return false;
    usleep(2000);
  }
}

void ImplProcess::stop(int64_t grace_ms) {
  close_stdin();
  if (pid_ < 0) return;
  if (!exited_within(grace_ms)) kill_now();
  // The group may hold children of the implementation that outlive it.
  kill(-pid_, SIGKILL);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

void ImplProcess::kill_now() {
  close_stdin();
  if (pid_ >= 0) {
    kill(-pid_, SIGKILL);
    reap(true);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

bool ImplProcess::exited_cleanly() const {
  return reaped_ && WIFEXITED(wait_status_) && WEXITSTATUS(wait_status_) == 0;
}

std::string ImplProcess::exit_description() const {
  if (!reaped_) return "is still running";
  if (WIFEXITED(wait_status_)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) {
    const int sig = WTERMSIG(wait_status_);
    return "was killed by signal " + std::to_string(sig) + " (" + signal_name(sig) + ")";
  }
  return "ended (wait status " + std::to_string(wait_status_) + ")";
}

}  // namespace replay
