// AtomicFile: the destination holds the old or the new complete content,
// never a part, even when the writer is killed with SIGKILL midway.
#include "trace/atomic_file.h"

#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("peer_replay_atomic_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The new content: 256 lines of 1 KiB, each naming its number, so a prefix of
// it is recognizably partial.
std::string new_content() {
  std::string s;
  for (int i = 0; i < 256; i++) {
    std::string line = "line " + std::to_string(i) + " ";
    line.resize(1023, 'n');
    s += line + "\n";
  }
  return s;
}

}  // namespace

TEST_CASE("write_file_atomically creates and replaces a file", "[atomic_file]") {
  const fs::path dir = fresh_dir("basic");
  const fs::path p = dir / "out.xml";
  REQUIRE(replay::write_file_atomically(p.string(), "first").is_ok());
  CHECK(slurp(p) == "first");
  REQUIRE(replay::write_file_atomically(p.string(), new_content()).is_ok());
  CHECK(slurp(p) == new_content());
  // Nothing but the destination is left in the directory.
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("AtomicFile: stream, append and an abandoned write", "[atomic_file]") {
  const fs::path dir = fresh_dir("stream");
  const fs::path p = dir / "report.html";
  put(p, "old");
  {
    auto f = replay::AtomicFile::create(p.string());
    REQUIRE(f.is_ok());
    f.value()->stream() << "<html>" << 42;
    REQUIRE(f.value()->append("</html>").is_ok());
    CHECK(fs::exists(f.value()->temp_path()));
    CHECK(slurp(p) == "old");  // nothing is visible before commit
    // Destroyed without commit: abandoned.
  }
  CHECK(slurp(p) == "old");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

  auto f = replay::AtomicFile::create(p.string());
  REQUIRE(f.is_ok());
  f.value()->stream() << "<html>" << 42;
  REQUIRE(f.value()->append(std::string(200000, 'x')).is_ok());  // bigger than the buffer
  REQUIRE(f.value()->commit().is_ok());
  CHECK(slurp(p) == "<html>42" + std::string(200000, 'x'));
  CHECK(!fs::exists(f.value()->temp_path()));
}

TEST_CASE("AtomicFile: errors leave the destination untouched", "[atomic_file]") {
  const fs::path dir = fresh_dir("errors");
  // No such directory: create fails with the path in the message.
  auto missing = replay::AtomicFile::create((dir / "nope" / "out.txt").string());
  REQUIRE(!missing.is_ok());
  CHECK(missing.status().message().find("nope/out.txt: cannot create") != std::string::npos);

  // The destination is a directory: the rename fails, the temp file goes.
  const fs::path target = dir / "a_dir";
  fs::create_directories(target / "inside");
  auto f = replay::AtomicFile::create(target.string());
  REQUIRE(f.is_ok());
  REQUIRE(f.value()->append("data").is_ok());
  peers::Status s = f.value()->commit();
  REQUIRE(!s.is_ok());
  INFO(s.message());
  CHECK(s.message().find("cannot rename") != std::string::npos);
  CHECK(!fs::exists(f.value()->temp_path()));
  CHECK(fs::is_directory(target / "inside"));
  // Errors are sticky.
  CHECK(!f.value()->append("more").is_ok());
  CHECK(!f.value()->commit().is_ok());
}

// The property the helper exists for. A child writes the new content slowly
// through AtomicFile and is SIGKILLed at increasing delays; after each kill
// the destination must be exactly the old or exactly the new content. The
// delays cover the whole write, so some kills land midway (the temp file
// holds a part) and the last ones after the commit.
TEST_CASE("AtomicFile: a writer SIGKILLed midway leaves old or new, never a part", "[atomic_file]") {
  const fs::path dir = fresh_dir("kill");
  const fs::path p = dir / "trace.jsonl";
  const std::string old_content = "old complete content\n";
  const std::string fresh = new_content();
  int saw_old_with_partial_temp = 0, saw_new = 0;

  // Kill after 0, 10, ... 230 ms (the write takes ~160 ms on an idle
  // machine), then, if the writer never finished in time (a loaded CI box),
  // after 0.4, 0.8, 1.6 ... s until it does.
  std::vector<int> delays_ms;
  for (int i = 0; i < 24; i++) delays_ms.push_back(10 * i);
  for (size_t i = 0; i < delays_ms.size(); i++) {
    if (i >= 24 && saw_new > 0) break;
    if (i == delays_ms.size() - 1 && saw_new == 0 && delays_ms.back() < 12800) {
      delays_ms.push_back(std::max(400, 2 * delays_ms.back()));
    }
    put(p, old_content);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Child: no Catch2 here, only exit codes. 256 appends of 1 KiB with a
      // 10 ms pause every 16: ~160 ms. The 64 KiB buffer reaches the temp
      // file from the 65th line on, so later kills find a part there.
      auto f = replay::AtomicFile::create(p.string());
      if (!f.is_ok()) ::_exit(3);
      for (size_t off = 0; off < fresh.size(); off += 1024) {
        if (!f.value()->append(std::string_view(fresh).substr(off, 1024)).is_ok()) ::_exit(4);
        if ((off / 1024) % 16 == 15) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      ::_exit(f.value()->commit().is_ok() ? 0 : 6);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[i]));
    const fs::path temp = p.string() + ".tmp." + std::to_string(child);
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    if (WIFEXITED(status)) REQUIRE(WEXITSTATUS(status) == 0);  // finished before the kill

    const std::string now = slurp(p);
    INFO("kill after " << delays_ms[i] << " ms: destination holds " << now.size() << " bytes");
    REQUIRE((now == old_content || now == fresh));
    if (now == fresh) saw_new++;
    if (now == old_content && fs::exists(temp) && fs::file_size(temp) > 0 && fs::file_size(temp) < fresh.size()) {
      saw_old_with_partial_temp++;
    }
    fs::remove(temp);  // a SIGKILLed writer cannot clean up after itself
  }
  // The test proves something only if kills landed both midway and after.
  CHECK(saw_old_with_partial_temp > 0);
  CHECK(saw_new > 0);
}
