#include "replay/impl_process.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "trace/format.h"

namespace replay {

TEST_CASE("impl process: a line goes in and comes back", "[impl_process]") {
  ImplProcess p;
  std::string error;
  REQUIRE(p.start("cat", &error));
  REQUIRE(p.write_line("{\"type\":\"hello\"}", 5000) == IoStatus::kOk);
  std::string line;
  REQUIRE(p.read_line(&line, 5000) == IoStatus::kOk);
  CHECK(line == "{\"type\":\"hello\"}");
  p.stop(5000);
  CHECK(p.exited_cleanly());
  CHECK(p.exit_description() == "exited with status 0");
}

TEST_CASE("impl process: a silent child times out and is killed", "[impl_process]") {
  ImplProcess p;
  std::string error;
  REQUIRE(p.start("sleep 60", &error));
  const auto t0 = std::chrono::steady_clock::now();
  std::string line;
  CHECK(p.read_line(&line, 100) == IoStatus::kTimeout);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  p.kill_now();
  CHECK(p.exited());
  CHECK(p.exit_description() == "was killed by signal 9 (SIGKILL)");
}

TEST_CASE("impl process: how a child ended is told apart", "[impl_process]") {
  std::string error, line;
  {
    ImplProcess p;
    REQUIRE(p.start("sh -c 'exit 3'", &error));
    CHECK(p.read_line(&line, 5000) == IoStatus::kClosed);
    REQUIRE(p.exited_within(5000));
    CHECK(p.exit_description() == "exited with status 3");
    CHECK_FALSE(p.exited_cleanly());
  }
  {
    ImplProcess p;
    REQUIRE(p.start("kill -SEGV $$", &error));
    CHECK(p.read_line(&line, 5000) == IoStatus::kClosed);
    REQUIRE(p.exited_within(5000));
    CHECK(p.exit_description() == "was killed by signal 11 (SIGSEGV)");
  }
}

TEST_CASE("impl process: a line past the limit is refused, a last line without newline is not a line",
          "[impl_process]") {
  std::string error, line;
  {
    ImplProcess p;
    REQUIRE(p.start("head -c " + std::to_string(kMaxLineBytes + 10) + " /dev/zero | tr '\\0' a", &error));
    CHECK(p.read_line(&line, 20000) == IoStatus::kLineTooLong);
  }
  {
    ImplProcess p;
    REQUIRE(p.start("printf 'one\\ntwo'", &error));
    REQUIRE(p.read_line(&line, 5000) == IoStatus::kOk);
    CHECK(line == "one");
    CHECK(p.read_line(&line, 5000) == IoStatus::kClosed);
  }
}

TEST_CASE("impl process: writing to a child that is gone reports it closed", "[impl_process]") {
  ImplProcess p;
  std::string error;
  REQUIRE(p.start("true", &error));
  REQUIRE(p.exited_within(5000));
  IoStatus s = IoStatus::kOk;
  for (int i = 0; i < 100 && s == IoStatus::kOk; i++) s = p.write_line(std::string(4096, 'x'), 1000);
  CHECK(s == IoStatus::kClosed);
}

}  // namespace replay
