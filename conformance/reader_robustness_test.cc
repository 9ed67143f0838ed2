// The reader against hostile input, built without the engine:
//  - every file in fuzz/regressions/ (inputs that once crashed the reader or
//    the CLI) is read to the end through the fuzzer's own checks and through
//    TraceReader::open with default and strict options: it must end in a
//    record stream or a Status error, never a crash;
//  - the fixes those inputs led to, with their exact messages;
//  - TraceReader::open_bytes, the in-memory source the fuzzer uses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/trace_reader_check.h"
#include "trace/trace_reader.h"
#include "trace/testing/trace_fixtures.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using replay::testing::kHeader;

// Reads to the end; returns the error message or "" at a clean end.
template <typename Open>
std::string read_all(Open open) {
  auto opened = open();
  if (!opened.is_ok()) return opened.status().message();
  replay::Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = opened.value()->next(&rec, &done);
    if (!s.is_ok()) return s.message();
    if (done) return "";
  }
}

std::string read_bytes(const std::string& bytes, replay::ReaderOptions opts = {}) {
  return read_all([&] { return replay::TraceReader::open_bytes("mem", bytes, opts); });
}

std::string deep(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("every fuzz regression input ends in records or a Status", "[robustness]") {
  const fs::path dir = fs::path(PEER_REPLAY_SOURCE_DIR) / "fuzz" / "regressions";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const fs::path& f : files) {
    DYNAMIC_SECTION(f.filename().string()) {
      const std::string bytes = slurp(f);
      CHECK(replay::check_trace_bytes(bytes) == "");
      for (bool strict : {false, true}) {
        replay::ReaderOptions opts;
        opts.strict = strict;
        const std::string error = read_all([&] { return replay::TraceReader::open(f.string(), opts); });
        INFO(error);
        CHECK((error.empty() || error.rfind(f.string() + ":", 0) == 0));
      }
    }
  }
}

TEST_CASE("values nested 100,000 deep are errors, not stack overflows", "[robustness]") {
  const std::string d = deep(100000);
  const std::string too_deep = ": invalid JSON: nested deeper than 128 levels (traces/FORMAT.md §1)";
  CHECK(read_bytes(R"({"type":"header","format":)" + d + "}\n") == "mem:1" + too_deep);
  std::string h = kHeader;
  h.replace(h.find(R"("aabbccdd")"), 10, d);
  CHECK(read_bytes(h + "\n") == "mem:1" + too_deep);
  CHECK(read_bytes(std::string(kHeader) + "\n" +
                   R"({"type":"event","seq":1,"t_ms":10,"kind":"request","peer":"a","method":"ping","body":)" + d +
                   "}\n") == "mem:2" + too_deep);
  // Deep where any value is allowed (a member of an identify result, the "ok"
  // of a response): up to the limit it is read (the record object is level 1,
  // the result level 2), one level more is an error.
  const std::string ok_prefix =
      std::string(kHeader) + "\n" + R"({"type":"event","seq":1,"t_ms":10,"kind":"response","req":1,"ok":{"x":)";
  CHECK(read_bytes(ok_prefix + deep(replay::kMaxJsonDepth - 2) + "}}\n") == "");
  CHECK(read_bytes(ok_prefix + deep(replay::kMaxJsonDepth - 1) + "}}\n") == "mem:2" + too_deep);
  CHECK(read_bytes(ok_prefix + d + "}}\n") == "mem:2" + too_deep);
}

TEST_CASE("a number beyond the double range is invalid JSON, not an abort", "[robustness]") {
  CHECK(read_bytes(std::string(kHeader) + "\n" + R"({"type":"event","seq":1,"t_ms":1e999,"kind":"goodbye_all"})" +
                   "\n") == "mem:2: invalid JSON: number overflow parsing '1e999'");
}

TEST_CASE("open_bytes reads plain and zstd like a file, and an empty input", "[robustness]") {
  CHECK(read_bytes("") == "mem:1: empty trace: expected the header record on line 1");
  const std::string text = std::string(kHeader) + "\n" + R"({"type":"event","seq":1,"t_ms":10,"kind":"goodbye_all"})" + "\n";
  CHECK(read_bytes(text) == "");
  const fs::path zst = fs::path(PEER_REPLAY_SOURCE_DIR) / "fuzz" / "seeds" / "trace_reader" / "all_kinds.jsonl.zst";
  const std::string z = slurp(zst);
  auto opened = replay::TraceReader::open_bytes("mem", z);
  REQUIRE(opened.is_ok());
  CHECK(opened.value()->compressed());
  CHECK(read_bytes(z) == "");
  CHECK(read_bytes(z.substr(0, z.size() - 3)).find("truncated zstd frame") != std::string::npos);
  // The fuzzer's checks pass on the seeds.
  for (const auto& e : fs::directory_iterator(zst.parent_path())) {
    INFO(e.path().string());
    CHECK(replay::check_trace_bytes(slurp(e.path())) == "");
  }
}
