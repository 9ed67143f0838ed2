// Proof that peers::js_exp and peers::js_round are bit-identical to Node's
// Math.exp and Math.round.
//
// The expected values come from Node itself: the test runs
//   node engine/testdata/exp_pairs.mjs <dir>
// (node found through PATH) which writes (x, Math.exp(x)) and (x, Math.round(x))
// pairs as raw little-endian doubles. <dir> is $PEER_REPLAY_TEST_TMPDIR if set,
// else js_math_test_data beside the test executable (in the build tree), never
// the source tree.
#include "engine/js_math.h"

#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "peers/score_constants.h"

namespace peers {
namespace {

namespace fs = std::filesystem;

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

// JS "same value" on the bit level, except that every NaN equals every NaN
// (V8 may return any NaN payload; JS cannot observe it).
bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return bits(a) == bits(b);
}

// Where the generated pairs go: $PEER_REPLAY_TEST_TMPDIR, else a directory
// beside the test executable (in the build tree), else the current directory;
// then a subdirectory per process, so that tests run in parallel (ctest -j)
// never read each other's half-written files. Removed when the process exits.
class DataDir {
 public:
  DataDir() {
    const char* env = std::getenv("PEER_REPLAY_TEST_TMPDIR");
    fs::path base;
    if (env != nullptr && env[0] != '\0') {
      base = fs::path(env);
    } else {
      std::error_code ec;
      const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
      base = (ec ? fs::current_path() : exe.parent_path()) / "js_math_test_data";
    }
    path_ = base / ("pid-" + std::to_string(getpid()));
    fs::create_directories(path_);
  }
  ~DataDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const fs::path& data_dir() {
  static const DataDir dir;
  return dir.path();
}

void require_node() {
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    FAIL(
        "`node` is not on PATH. The js_math proof needs Node 20 (the same major version the "
        "recorder uses) to compute the expected Math.exp/Math.round values.");
  }
}

fs::path script_path() { return fs::path(PEER_REPLAY_SOURCE_DIR) / "engine" / "testdata" / "exp_pairs.mjs"; }

std::string run_capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int rc = pclose(pipe);
  if (rc != 0) out = "";
  return out;
}

std::vector<double> read_doubles(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(raw.size() % 16 == 0);
  std::vector<double> out(raw.size() / 8);
  for (size_t i = 0; i < out.size(); i++) {
    uint64_t u = 0;
    for (int b = 7; b >= 0; b--) u = (u << 8) | static_cast<uint8_t>(raw[i * 8 + static_cast<size_t>(b)]);
    out[i] = std::bit_cast<double>(u);
  }
  return out;
}

// Runs the Node generator once per test process and returns its JSON summary.
const nlohmann::json& node_pairs() {
  static const nlohmann::json summary = [] {
    require_node();
    const std::string cmd = "node '" + script_path().string() + "' '" + data_dir().string() + "'";
    const std::string out = run_capture(cmd);
    if (out.empty()) FAIL("command failed: " << cmd);
    return nlohmann::json::parse(out);
  }();
  return summary;
}

TEST_CASE("js_exp matches Node Math.exp bit for bit", "[js_math][node]") {
  const nlohmann::json& summary = node_pairs();
  const std::vector<double> pairs = read_doubles(data_dir() / "exp_pairs.bin");
  const size_t n = pairs.size() / 2;
  REQUIRE(n == summary["exp_pairs"].get<size_t>());
  REQUIRE(n >= 3'000'000);

  size_t mismatches = 0;
  size_t glibc_mismatches = 0;
  size_t glibc_grid_mismatches = 0;  // among the first 2,000,000: the decay grid
  for (size_t i = 0; i < n; i++) {
    const double x = pairs[2 * i];
    const double expected = pairs[2 * i + 1];
    const double got = js_exp(x);
    if (!same_bits(got, expected)) {
      if (mismatches < 10) {
        UNSCOPED_INFO("x=" << std::hexfloat << x << " node=" << expected << " js_exp=" << got << std::defaultfloat);
      }
      mismatches++;
    }
    if (!same_bits(std::exp(x), expected)) {
      glibc_mismatches++;
      if (i < 2'000'000) glibc_grid_mismatches++;
    }
  }
  WARN("js_exp vs Node Math.exp: " << n << " arguments, " << mismatches << " mismatches. "
                                   << "(For information: glibc exp() differs on " << glibc_mismatches << " of them, "
                                   << glibc_grid_mismatches << " on the 2,000,000-point decay grid.)");
  CHECK(mismatches == 0);
}

TEST_CASE("HALFLIFE_DECAY_MS equals the value Node computes", "[js_math][node]") {
  require_node();
  const std::string cmd = "node '" + script_path().string() + "' --constants";
  const std::string out = run_capture(cmd);
  if (out.empty()) FAIL("command failed: " << cmd);
  const double node_value = nlohmann::json::parse(out)["halflife_decay_ms"].get<double>();
  CHECK(bits(kHalflifeDecayMs) == bits(node_value));
  CHECK(bits(kHalflifeDecayMs) == 0xbeb361bda42cdf18ULL);
  CHECK(bits(kHalflifeDecayMs) == bits(-std::log(2.0) / static_cast<double>(kScoreHalflifeMs)));
}

TEST_CASE("js_round matches Node Math.round bit for bit", "[js_math][node]") {
  const nlohmann::json& summary = node_pairs();
  const std::vector<double> pairs = read_doubles(data_dir() / "round_pairs.bin");
  const size_t n = pairs.size() / 2;
  REQUIRE(n == summary["round_pairs"].get<size_t>());
  size_t mismatches = 0;
  for (size_t i = 0; i < n; i++) {
    const double x = pairs[2 * i];
    if (!same_bits(js_round(x), pairs[2 * i + 1])) {
      if (mismatches < 10) UNSCOPED_INFO("x=" << std::hexfloat << x << " node=" << pairs[2 * i + 1]);
      mismatches++;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("js_round edge cases", "[js_math]") {
  CHECK(bits(js_round(-0.5)) == bits(-0.0));
  CHECK(bits(js_round(-0.2)) == bits(-0.0));
  CHECK(bits(js_round(-0.0)) == bits(-0.0));
  CHECK(bits(js_round(0.2)) == bits(0.0));
  CHECK(js_round(0.5) == 1.0);
  CHECK(js_round(2.5) == 3.0);
  CHECK(js_round(-2.5) == -2.0);
  CHECK(js_round(-1.5) == -1.0);
  CHECK(js_round(0.49999999999999994) == 0.0);  // floor(x + 0.5) would give 1
  CHECK(js_round(4503599627370495.5) == 4503599627370496.0);
  CHECK(js_round(9007199254740991.0) == 9007199254740991.0);
  CHECK(std::isnan(js_round(NAN)));
  CHECK(js_round(INFINITY) == INFINITY);
  CHECK(js_floor(-0.5) == -1.0);
  CHECK(js_ceil(-0.5) == 0.0);
  CHECK(std::signbit(js_ceil(-0.5)));
}

TEST_CASE("js_exp special values", "[js_math]") {
  CHECK(js_exp(0.0) == 1.0);
  CHECK(js_exp(-0.0) == 1.0);
  CHECK(js_exp(1.0) == 2.718281828459045);
  CHECK(js_exp(INFINITY) == INFINITY);
  CHECK(bits(js_exp(-INFINITY)) == bits(0.0));
  CHECK(std::isnan(js_exp(NAN)));
  CHECK(js_exp(710.0) == INFINITY);
  CHECK(js_exp(-746.0) == 0.0);
  // exp(a)*exp(b) is not exp(a+b) in floating point: decay must run at the
  // same timestamps as TS, never be merged.
  const double a = kHalflifeDecayMs * 30000.0;
  CHECK(bits(js_exp(a) * js_exp(a)) != bits(js_exp(a + a)));
}

}  // namespace
}  // namespace peers
