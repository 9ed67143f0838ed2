// `peer-replay diff` as a command: directories paired by relative path, and
// the usage errors checked before any trace is read. The report of one pair
// is diff/trace_diff_test.cc's; the binary's flags are diff_cli_test.sh's.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "trace/testing/trace_fixtures.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> trace_lines(const std::string& last_actions) {
  return {replay::testing::kHeader,
          R"({"type":"event","seq":1,"t_ms":1000,"kind":"timer","timer":"ping_status"})",
          R"({"type":"expect","seq":1,"actions":[]})",
          R"({"type":"event","seq":2,"t_ms":2000,"kind":"timer","timer":"ping_status"})",
          R"({"type":"expect","seq":2,"actions":[)" + last_actions + "]}"};
}

const char* kTag = R"({"kind":"tag_relevant","peer":"P2"})";

void write_lines(const fs::path& path, const std::vector<std::string>& lines) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  for (const std::string& l : lines) f << l << "\n";
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run run(const replay::DiffOptions& opts) {
  std::ostringstream out, err;
  Run r;
  r.code = replay::cmd_diff(opts, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

fs::path root() {
  const fs::path p = fs::temp_directory_path() / ("peer_replay_cmd_diff_test." + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

TEST_CASE("cmd_diff: directories are paired by relative path, unmatched files listed, a total") {
  const fs::path dir = root();
  write_lines(dir / "a" / "same.jsonl", trace_lines(kTag));
  write_lines(dir / "b" / "same.jsonl", trace_lines(kTag));
  write_lines(dir / "a" / "sub" / "changed.jsonl", trace_lines(kTag));
  write_lines(dir / "b" / "sub" / "changed.jsonl", trace_lines(""));
  write_lines(dir / "a" / "only_a.jsonl", trace_lines(kTag));
  write_lines(dir / "b" / "only_b.jsonl", trace_lines(kTag));
  replay::DiffOptions opts;
  opts.a = (dir / "a").string();
  opts.b = (dir / "b").string();
  const Run r = run(opts);
  CHECK(r.code == replay::kExitDiverges);
  CHECK(r.out ==
        "only in a  only_a.jsonl\n"
        "only in b  only_b.jsonl\n"
        "identical  same.jsonl  2 events\n"
        "differs    sub/changed.jsonl  1 differences in 1 of 2 events; inputs identical\n"
        "total: 2 pairs: 1 identical, 1 differ, 0 errors; 1 only in a, 1 only in b\n");

  fs::remove(dir / "a" / "only_a.jsonl");
  fs::remove(dir / "b" / "only_b.jsonl");
  write_lines(dir / "b" / "sub" / "changed.jsonl", trace_lines(kTag));
  const Run same = run(opts);
  CHECK(same.code == replay::kExitOk);
  CHECK(same.out.find("total: 2 pairs: 2 identical, 0 differ, 0 errors; 0 only in a, 0 only in b\n") !=
        std::string::npos);

  opts.format = replay::DiffOutputFormat::kJson;
  const nlohmann::json j = nlohmann::json::parse(run(opts).out);
  CHECK(j["mode"] == "directories");
  CHECK(j["totals"]["identical"] == 2);
  fs::remove_all(dir);
}

TEST_CASE("cmd_diff: a missing path, or a file against a directory, is bad input") {
  const fs::path dir = root();
  write_lines(dir / "b.jsonl", trace_lines(kTag));
  replay::DiffOptions missing;
  missing.a = (dir / "nonexistent.jsonl").string();
  missing.b = (dir / "b.jsonl").string();
  const Run m = run(missing);
  CHECK(m.code == replay::kExitBadInput);
  CHECK(m.err == missing.a + ": no such file or directory\n");

  replay::DiffOptions mixed;
  mixed.a = dir.string();
  mixed.b = (dir / "b.jsonl").string();
  const Run x = run(mixed);
  CHECK(x.code == replay::kExitBadInput);
  CHECK(x.err == "diff: compare two trace files or two directories, not a directory with a file\n");
  fs::remove_all(dir);
}

}  // namespace
