// `check` and `diff` measure a difference between two doubles with the same
// ulp_distance (trace/json_compare.h): a score planted in a copy of a recorded
// trace is reported as N ULP by both, `check --ulp N` accepts it and
// `--ulp N-1` does not, for a same-sign pair, an opposite-sign pair and +0
// against -0. The trace's values are Lodestar's; only the planted one is not.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "diff/trace_diff.h"
#include "replay/replayer.h"
#include "trace/json_compare.h"

namespace {

namespace fs = std::filesystem;

const std::string kTrace = std::string(PEER_REPLAY_SOURCE_DIR) + "/traces/report-peer-actions.jsonl.zst";

struct Planted {
  std::string path;
  std::string member;
  double was = 0, now = 0;
};

// Copies kTrace with the first score entry member `member` (in an expect's
// scores) whose value satisfies `pick` replaced by change(value).
Planted plant(const std::string& name, const std::string& member, bool (*pick)(double), double (*change)(double)) {
  replay::CatOptions cat;
  cat.path = kTrace;
  std::ostringstream text, err;
  REQUIRE(replay::cmd_cat(cat, text, err) == replay::kExitOk);
  Planted p;
  p.member = member;
  p.path = (fs::temp_directory_path() / ("peer_replay_ulp_" + name + "_" + std::to_string(::getpid()) + ".jsonl"))
               .string();
  std::ofstream out(p.path, std::ios::trunc);
  const std::string key = "\"" + member + "\":";
  std::istringstream in(text.str());
  bool done = false;
  for (std::string line; std::getline(in, line);) {
    const size_t scores = line.find("\"scores\":[");
    if (!done && line.rfind("{\"type\":\"expect\"", 0) == 0 && scores != std::string::npos) {
      // Each `"<member>":<number>` after the scores start, in order.
      for (size_t at = line.find(key, scores); at != std::string::npos; at = line.find(key, at + 1)) {
        const size_t begin = at + key.size();
        const size_t end = line.find_first_not_of("0123456789.eE+-", begin);
        if (end == begin) continue;
        const double v = nlohmann::json::parse(line.substr(begin, end - begin)).get<double>();
        if (!pick(v)) continue;
        p.was = v;
        p.now = change(v);
        line.replace(begin, end - begin, nlohmann::json(p.now).dump());
        done = true;
        break;
      }
    }
    out << line << "\n";
  }
  REQUIRE(done);
  return p;
}

void require_same_distance(const Planted& p, uint64_t n) {
  INFO(p.member << ": " << p.was << " -> " << p.now);
  REQUIRE(replay::ulp_distance(p.was, p.now) == n);

  // check: the trace (now) against the engine (was).
  replay::ReplayOptions exact;
  const replay::ReplayResult r = replay::replay_trace(p.path, exact);
  INFO(r.report);
  REQUIRE(r.verdict == replay::Verdict::kDiverges);
  CHECK(r.report.find("    distance " + std::to_string(n) + " ulp\n") != std::string::npos);
  replay::ReplayOptions within;
  within.ulp = n;
  CHECK(replay::replay_trace(p.path, within).verdict == replay::Verdict::kConforms);
  replay::ReplayOptions short_by_one;
  short_by_one.ulp = n - 1;
  CHECK(replay::replay_trace(p.path, short_by_one).verdict == replay::Verdict::kDiverges);

  // diff: the recorded trace (was) against the copy (now).
  replay::DiffOptions opts;
  replay::DiffReport report;
  std::string error;
  REQUIRE(replay::diff_trace_files(opts, kTrace, p.path, &report, &error) == replay::kExitDiverges);
  REQUIRE(report.differences == 1);
  REQUIRE(report.items.size() == 1);
  const replay::DiffItem& item = report.items.front();
  CHECK(item.type == replay::DiffItemType::kScoreChanged);
  REQUIRE(item.fields.size() == 1);
  CHECK(item.fields[0].path == p.member);
  CHECK(item.fields[0].has_ulp);
  CHECK(item.fields[0].ulp == n);
  std::ostringstream text;
  replay::write_diff_report(report, opts, text);
  CHECK(text.str().find(", " + std::to_string(n) + " ulp)") != std::string::npos);
  fs::remove(p.path);
}

TEST_CASE("check --ulp and diff agree: three steps on the same side of zero") {
  const Planted p = plant(
      "same_sign", "score", [](double v) { return v != 0 && v != std::trunc(v); },
      [](double v) { return std::nextafter(std::nextafter(std::nextafter(v, 0.0), 0.0), 0.0); });
  require_same_distance(p, 3);
}

TEST_CASE("check --ulp and diff agree: a score of the opposite sign") {
  const Planted p = plant(
      "opposite_sign", "score", [](double v) { return v != 0 && v != std::trunc(v); },
      [](double v) { return -v; });
  // |v| steps from v to 0 on each side, plus the step from -0 to +0.
  require_same_distance(p, 2 * replay::ulp_distance(0.0, std::fabs(p.was)) + 1);
}

TEST_CASE("check --ulp and diff agree: -0 is one step from +0, and --ulp 0 rejects it") {
  const Planted p = plant(
      "negative_zero", "gossip", [](double v) { return v == 0 && !std::signbit(v); }, [](double) { return -0.0; });
  require_same_distance(p, 1);
}

}  // namespace
