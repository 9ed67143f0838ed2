// `peer-replay diff` on small traces written by each test: every case asserts
// the exact report lines and the exit code (0 identical, 1 differs, 2 bad
// input). Plus the building blocks: exact parsing and the edit script (the
// comparer itself is trace/json_compare_test.cc; directories and the command
// line are cli/cmd_diff_test.cc and cli/diff_cli_test.sh).
#include "diff/trace_diff.h"
#include "diff/edit_script.h"
#include "diff/trace_side.h"
#include "trace/format.h"
#include "trace/testing/trace_fixtures.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using replay::testing::kHeader;

const char* kStatus =
    R"({"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101",)"
    R"("finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000})";

std::string ev(int seq, const std::string& kind_and_members) {
  return R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"t_ms":)" + std::to_string(1000 * seq) +
         R"(,"kind":)" + kind_and_members + "}";
}
std::string ex(int seq, const std::string& actions, const std::string& rest = "") {
  return R"({"type":"expect","seq":)" + std::to_string(seq) + R"(,"actions":[)" + actions + "]" + rest + "}";
}
std::string ping(const std::string& peer, int req) {
  return R"({"kind":"send_ping","peer":")" + peer + R"(","req":)" + std::to_string(req) + "}";
}
std::string status(const std::string& peer, int req, const std::string& st = kStatus) {
  return R"({"kind":"send_status","peer":")" + peer + R"(","req":)" + std::to_string(req) + R"(,"status":)" + st + "}";
}
std::string goodbye(const std::string& peer, int req, const std::string& reason) {
  return R"({"kind":"send_goodbye","peer":")" + peer + R"(","req":)" + std::to_string(req) + R"(,"reason":")" + reason +
         "\"}";
}
std::string tag(const std::string& peer) { return R"({"kind":"tag_relevant","peer":")" + peer + "\"}"; }
std::string score(const std::string& peer, const std::string& value, const std::string& lodestar = "") {
  const std::string l = lodestar.empty() ? value : lodestar;
  return R"({"peer":")" + peer + R"(","lodestar":)" + l + R"(,"gossip":0,"ignore_negative":false,"score":)" + value +
         R"(,"last_update_ms":2000})";
}
const std::string kTimer = R"("timer","timer":"ping_status")";
std::string report(const std::string& peer, const std::string& action) {
  return R"("report_peer","peer":")" + peer + R"(","action":")" + action + R"(","action_name":"test")";
}

// The baseline trace: 3 events, each with an expect.
std::vector<std::string> base_lines() {
  return {kHeader,
          ev(1, kTimer),
          ex(1, ping("P1", 1) + "," + status("P1", 2)),
          ev(2, report("P1", "LowToleranceError")),
          ex(2, "", R"(,"scores":[)" + score("P1", "-14.406093444266025") + "]"),
          ev(3, kTimer),
          ex(3, ping("P2", 3) + "," + tag("P2"))};
}

// One directory per process (ctest runs cases and build trees in parallel),
// removed at exit.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("peer_replay_diff_test." + std::to_string(::getpid()));
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path temp_dir() {
  static TempDir dir;
  fs::create_directories(dir.path);
  return dir.path;
}

std::string write_lines(const fs::path& path, const std::vector<std::string>& lines) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  for (const std::string& l : lines) f << l << "\n";
  return path.string();
}

struct Run {
  int code = -1;
  std::string out, err;
  std::vector<std::string> lines;
  bool has(const std::string& line) const { return std::find(lines.begin(), lines.end(), line) != lines.end(); }
};

// One pair of files, as `peer-replay diff a b` prints it.
Run run_diff(replay::DiffOptions opts) {
  std::ostringstream out;
  Run r;
  replay::DiffReport report;
  std::string error;
  r.code = replay::diff_trace_files(opts, opts.a, opts.b, &report, &error);
  if (r.code == replay::kExitBadInput) {
    r.err = error + "\n";
  } else {
    replay::write_diff_report(report, opts, out);
  }
  r.out = out.str();
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) r.lines.push_back(l);
  return r;
}

Run diff_lines(const std::string& name, const std::vector<std::string>& a, const std::vector<std::string>& b,
               replay::DiffOptions opts = {}) {
  opts.a = write_lines(temp_dir() / name / "a.jsonl", a);
  opts.b = write_lines(temp_dir() / name / "b.jsonl", b);
  return run_diff(opts);
}

// Prints the output when a line is missing, so a failure shows the report.
#define REQUIRE_LINE(run, line)     \
  do {                              \
    INFO("output:\n" << (run).out); \
    REQUIRE((run).has(line));       \
  } while (0)

}  // namespace

TEST_CASE("identical traces: exit 0") {
  const Run r = diff_lines("identical", base_lines(), base_lines());
  REQUIRE(r.code == 0);
  REQUIRE(r.err.empty());
  const fs::path dir = temp_dir() / "identical";
  REQUIRE(r.lines == std::vector<std::string>{
                         "a: " + (dir / "a.jsonl").string() + " (scenario t, seed 1; test 0 scripted)",
                         "b: " + (dir / "b.jsonl").string() + " (scenario t, seed 1; test 0 scripted)",
                         "inputs: identical (3 events)",
                         "outputs: identical (3 expects compared)",
                         "result: identical",
                     });
}

TEST_CASE("text-only differences (member order, 1.0 vs 1) are not differences") {
  std::vector<std::string> b = base_lines();
  b[2] = R"({"seq":1,"type":"expect","actions":[{"peer":"P1","kind":"send_ping","req":1.0},)" + status("P1", 2) + "]}";
  const Run r = diff_lines("textonly", base_lines(), b);
  REQUIRE(r.code == 0);
  REQUIRE_LINE(r, "result: identical");
}

TEST_CASE("one changed action") {
  std::vector<std::string> b = base_lines();
  std::string st = kStatus;
  st.replace(st.find("\"headSlot\":1000"), 15, "\"headSlot\":1001");
  b[2] = ex(1, ping("P1", 1) + "," + status("P1", 2, st));
  const Run r = diff_lines("changed", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "inputs: identical (3 events)");
  REQUIRE_LINE(r, "outputs: 1 differences in 1 of 3 events");
  REQUIRE_LINE(r, "seq 1 (+0.000s, timer, a:3 b:3)");
  REQUIRE_LINE(r, "  ~ a#1 b#1 send_status P1");
  REQUIRE_LINE(r, "      status.headSlot: 1000 -> 1001 (delta 1)");
  REQUIRE_LINE(r, "  actions: 0 added, 0 removed, 1 changed, 0 moved");
  REQUIRE_LINE(r, "    send_status: 1 changed");
  REQUIRE_LINE(r, "  peers affected: 1");
  REQUIRE_LINE(r, "  divergent seqs (1 range):");
  REQUIRE_LINE(r, "    1, agree again at 2");
  REQUIRE_LINE(r, "result: outputs differ");
}

TEST_CASE("one extra action, and the req ids it shifts are renumbered, not listed") {
  std::vector<std::string> b = base_lines();
  b[2] = ex(1, ping("P1", 1) + "," + status("P1", 2) + "," + ping("P3", 3));
  b[6] = ex(3, ping("P2", 4) + "," + tag("P2"));  // req 3 -> 4: a consequence
  const Run r = diff_lines("extra", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "outputs: 1 differences in 1 of 3 events");
  REQUIRE_LINE(r, "  + b#2 send_ping P3 req=3");
  REQUIRE_LINE(r, "  actions: 1 added, 0 removed, 0 changed, 0 moved");
  REQUIRE_LINE(r, "    send_ping: 1 added");
  REQUIRE_LINE(r, "  req renumbered only: 1 actions (not listed; --exact-req lists them)");
  REQUIRE_LINE(r, "  divergent seqs (1 range):");
  REQUIRE_LINE(r, "    1, agree again at 2");

  replay::DiffOptions exact;
  exact.exact_req = true;
  const Run e = diff_lines("extra", base_lines(), b, exact);
  REQUIRE(e.code == 1);
  REQUIRE_LINE(e, "outputs: 2 differences in 2 of 3 events");
  REQUIRE_LINE(e, "  ~ a#0 b#0 send_ping P2");
  REQUIRE_LINE(e, "      req: 3 -> 4 (delta 1)");
  REQUIRE_LINE(e, "  divergent seqs (2 ranges):");
  REQUIRE_LINE(e, "    1, agree again at 2");
  REQUIRE_LINE(e, "    3, to the end");
}

TEST_CASE("one missing action") {
  std::vector<std::string> b = base_lines();
  b[6] = ex(3, ping("P2", 3));
  const Run r = diff_lines("missing", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "seq 3 (+2.000s, timer, a:7 b:7)");
  REQUIRE_LINE(r, "  - a#1 tag_relevant P2");
  REQUIRE_LINE(r, "    tag_relevant: 1 removed");
  REQUIRE_LINE(r, "    3, to the end");
}

TEST_CASE("one score off by one ULP, and -0 vs 0") {
  const double a = -14.406093444266025;
  const double next = std::nextafter(a, -INFINITY);
  const std::string next_text = json(next).dump();
  std::vector<std::string> b = base_lines();
  b[4] = ex(2, "", R"(,"scores":[)" + score("P1", next_text, "-14.406093444266025") + "]");
  const Run r = diff_lines("ulp", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE(next_text == "-14.406093444266027");
  REQUIRE_LINE(r, "seq 2 (+1.000s, report_peer P1, a:5 b:5)");
  REQUIRE_LINE(r, "  ~ score P1");
  REQUIRE_LINE(r,
               "      score: -14.406093444266025 -> -14.406093444266027 (delta " + json(next - a).dump() + ", 1 ulp)");
  REQUIRE_LINE(r, "  scores: 1 changed, 0 added, 0 removed");
  REQUIRE_LINE(r, "    members: score 1");
  REQUIRE_LINE(r, "  largest score deltas:");
  REQUIRE_LINE(r,
               "    " + json(next - a).dump() + " P1 seq 2 score: -14.406093444266025 -> -14.406093444266027 (1 ulp)");

  // An integer "-0" keeps its sign: -0 and 0 are one ULP apart and differ.
  std::vector<std::string> z = base_lines(), nz = base_lines();
  z[4] = ex(2, "", R"(,"scores":[)" + score("P1", "0") + "]");
  nz[4] = ex(2, "", R"(,"scores":[)" + score("P1", "-0") + "]");
  const Run zr = diff_lines("negzero", z, nz);
  REQUIRE(zr.code == 1);
  REQUIRE_LINE(zr, "      lodestar: 0 -> -0 (delta -0, 1 ulp)");
  REQUIRE_LINE(zr, "      score: 0 -> -0 (delta -0, 1 ulp)");
}

TEST_CASE("a reordered action list is reported as a move") {
  std::vector<std::string> b = base_lines();
  b[2] = ex(1, status("P1", 1) + "," + ping("P1", 2));
  const Run r = diff_lines("reorder", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "outputs: 1 differences in 1 of 3 events");
  REQUIRE_LINE(r, "  > a#0 b#1 send_ping P1 moved");
  REQUIRE_LINE(r, "  actions: 0 added, 0 removed, 0 changed, 1 moved");
  REQUIRE_LINE(r, "    send_ping: 1 moved");
  REQUIRE_LINE(r, "  req renumbered only: 1 actions (not listed; --exact-req lists them)");
}

TEST_CASE("an action whose peer changed is one change, not a removal and an addition") {
  std::vector<std::string> b = base_lines();
  b[6] = ex(3, ping("P9", 3) + "," + tag("P2"));
  const Run r = diff_lines("peer_changed", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "outputs: 1 differences in 1 of 3 events");
  REQUIRE_LINE(r, "  ~ a#0 b#0 send_ping P2");
  REQUIRE_LINE(r, "      peer: \"P2\" -> \"P9\"");
  REQUIRE_LINE(r, "  peers affected: 2");
}

TEST_CASE("a changed goodbye reason") {
  std::vector<std::string> a = base_lines(), b = base_lines();
  a[6] = ex(3, goodbye("P2", 3, "3"));
  b[6] = ex(3, goodbye("P2", 3, "1"));
  const Run r = diff_lines("goodbye", a, b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "  ~ a#0 b#0 send_goodbye P2");
  REQUIRE_LINE(r, "      reason: \"3\" (Internal fault/error) -> \"1\" (Client shutdown)");
  REQUIRE_LINE(r, "  goodbye reasons:");
  REQUIRE_LINE(r, "    changed 3 (Internal fault/error) -> 1 (Client shutdown): 1");

  // An added goodbye and a removed one are counted by reason.
  std::vector<std::string> c = base_lines();
  c[6] = ex(3, ping("P2", 3) + "," + tag("P2") + "," + goodbye("P9", 4, "129"));
  const Run added = diff_lines("goodbye2", base_lines(), c);
  REQUIRE_LINE(added, "  + b#2 send_goodbye P9 reason=\"129\" req=4");
  REQUIRE_LINE(added, "    added 129 (Client has too many peers): 1");
  const Run removed = diff_lines("goodbye3", c, base_lines());
  REQUIRE_LINE(removed, "    removed 129 (Client has too many peers): 1");
}

TEST_CASE("events that differ are reported first and inputs-must-match makes them an error") {
  std::vector<std::string> b = base_lines();
  b[3] = ev(2, report("P1", "Fatal"));
  const Run r = diff_lines("events", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "inputs: DIFFER");
  REQUIRE_LINE(r, "  1 of 3 events differ, first at seq 2 (a:4 b:4, report_peer)");
  REQUIRE_LINE(r, "    action: \"LowToleranceError\" -> \"Fatal\"");
  REQUIRE_LINE(r, "outputs: identical (3 expects compared)");
  REQUIRE_LINE(r, "result: inputs differ, outputs identical on the common events");
  REQUIRE(r.lines[2] == "inputs: DIFFER");  // before anything about outputs

  replay::DiffOptions must;
  must.inputs_must_match = true;
  const Run m = diff_lines("events", base_lines(), b, must);
  REQUIRE(m.code == 2);
  REQUIRE(m.out.empty());
  const fs::path dir = temp_dir() / "events";
  REQUIRE(m.err == "inputs differ at seq 2 (" + (dir / "a.jsonl").string() + ":4, " + (dir / "b.jsonl").string() +
                       ":4): event member action \"LowToleranceError\" vs \"Fatal\"; --inputs-must-match requires "
                       "the same events\n");
}

TEST_CASE("a trace shorter than the other") {
  std::vector<std::string> b = base_lines();
  b.resize(5);
  const Run r = diff_lines("shorter", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "inputs: DIFFER");
  REQUIRE_LINE(r, "  a has 3 events, b has 2: seqs 3 only in a (2 actions not compared)");
  REQUIRE_LINE(r, "outputs: identical (2 expects compared)");

  replay::DiffOptions must;
  must.inputs_must_match = true;
  const Run m = diff_lines("shorter", base_lines(), b, must);
  REQUIRE(m.code == 2);
  REQUIRE(m.err.find("ends after 2 events") != std::string::npos);
}

TEST_CASE("header inputs differ but the producer is shown and not compared") {
  std::vector<std::string> b = base_lines();
  std::string h = kHeader;
  h.replace(h.find("\"targetPeers\":4"), 15, "\"targetPeers\":5");
  h.replace(h.find("\"version\":\"0\""), 13, "\"version\":\"1\"");
  b[0] = h;
  const Run r = diff_lines("header", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "producer version: \"0\" -> \"1\"");
  REQUIRE_LINE(r, "  header config.targetPeers: 4 -> 5 (delta 1)");

  std::vector<std::string> p = base_lines();
  std::string hp = kHeader;
  hp.replace(hp.find("\"version\":\"0\""), 13, "\"version\":\"1\"");
  p[0] = hp;
  REQUIRE(diff_lines("producer", base_lines(), p).code == 0);
}

TEST_CASE("an expect present on one side only") {
  std::vector<std::string> b = base_lines();
  b.erase(b.begin() + 4);  // no expect for seq 2
  const Run r = diff_lines("noexpect", base_lines(), b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "seq 2 (+1.000s, report_peer P1, a:5 b:-)");
  REQUIRE_LINE(r, "  - expect only in a (0 actions, 1 scores)");
}

TEST_CASE("scores: added, removed, deletions, order, scores_full") {
  std::vector<std::string> a = base_lines(), b = base_lines();
  a[4] = ex(2, "",
            R"(,"scores":[)" + score("P1", "-1") + "," + score("P2", "-2") + "," + score("P3", "-3") +
                R"(],"scores_removed":["P7"],"scores_full":false)");
  b[4] = ex(2, "",
            R"(,"scores":[)" + score("P2", "-2") + "," + score("P1", "-1") + "," + score("P4", "-4") +
                R"(],"scores_removed":["P8"],"scores_full":true)");
  const Run r = diff_lines("scores", a, b);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "  ~ scores");
  REQUIRE_LINE(r, "      scores_full: false -> true");
  REQUIRE_LINE(r, "  - score P3 score=-3");
  REQUIRE_LINE(r, "  + score P4 score=-4");
  REQUIRE_LINE(r, "  ~ scores order differs from P2 (a#1 b#0)");
  REQUIRE_LINE(r, "  - score deleted P7");
  REQUIRE_LINE(r, "  + score deleted P8");
  REQUIRE_LINE(r, "  scores: 0 changed, 1 added, 1 removed");
  REQUIRE_LINE(r, "  peers affected: 4");
}

TEST_CASE("limit bounds the list but the summary covers everything and largest deltas come first") {
  std::vector<std::string> a = {kHeader}, b = {kHeader};
  for (int s = 1; s <= 20; s++) {
    a.push_back(ev(s, kTimer));
    b.push_back(ev(s, kTimer));
    a.push_back(ex(s, "", R"(,"scores":[)" + score("P" + std::to_string(s), "-1") + "]"));
    b.push_back(ex(s, "", R"(,"scores":[)" + score("P" + std::to_string(s), std::to_string(-1 - s)) + "]"));
  }
  replay::DiffOptions opts;
  opts.limit = 3;
  opts.top = 2;
  const Run r = diff_lines("limit", a, b, opts);
  REQUIRE(r.code == 1);
  REQUIRE_LINE(r, "outputs: 20 differences in 20 of 20 events");
  REQUIRE_LINE(r, "... 17 more differences not listed (--limit 3)");
  REQUIRE_LINE(r, "  scores: 20 changed, 0 added, 0 removed");
  REQUIRE_LINE(r, "  peers affected: 20");
  REQUIRE_LINE(r, "    -20 P20 seq 20 score: -1 -> -21 (19421773393035264 ulp)");
  REQUIRE_LINE(r, "    -19 P19 seq 19 score: -1 -> -20 (19140298416324608 ulp)");
  REQUIRE_LINE(r, "    1..20, to the end");
  REQUIRE(std::count_if(r.lines.begin(), r.lines.end(), [](const std::string& l) {
            return l == "  ~ score P1" || l == "  ~ score P2" || l == "  ~ score P3" || l == "  ~ score P4";
          }) == 3);
}

TEST_CASE("json output: versioned schema with the summary") {
  std::vector<std::string> b = base_lines();
  b[6] = ex(3, ping("P2", 3));
  replay::DiffOptions opts;
  opts.format = replay::DiffOutputFormat::kJson;
  const Run r = diff_lines("json", base_lines(), b, opts);
  REQUIRE(r.code == 1);
  const json j = json::parse(r.out);
  REQUIRE(j["diff_format_version"] == replay::kDiffFormatVersion);
  REQUIRE(j["mode"] == "files");
  REQUIRE(j["identical"] == false);
  REQUIRE(j["result"] == "outputs differ");
  REQUIRE(j["inputs"]["identical"] == true);
  REQUIRE(j["outputs"]["differences"] == 1);
  REQUIRE(j["summary"]["actions"]["removed"] == 1);
  REQUIRE(j["summary"]["actions_by_kind"]["tag_relevant"]["removed"] == 1);
  REQUIRE(j["summary"]["divergent_ranges"] == json::parse(R"([{"first":3,"last":3,"agree_again_at":null}])"));
  REQUIRE(j["differences"].size() == 1);
  const json& d = j["differences"][0];
  REQUIRE(d["type"] == "action_removed");
  REQUIRE(d["seq"] == 3);
  REQUIRE(d["a_line"] == 7);
  REQUIRE(d["a_index"] == 1);
  REQUIRE(d["a"] == json::parse(tag("P2")));
  REQUIRE(!d.contains("b"));
}

TEST_CASE("markdown output is short and pasteable") {
  std::vector<std::string> b = base_lines();
  b[6] = ex(3, ping("P2", 3));
  replay::DiffOptions opts;
  opts.format = replay::DiffOutputFormat::kMarkdown;
  const Run r = diff_lines("markdown", base_lines(), b, opts);
  REQUIRE(r.code == 1);
  REQUIRE(r.lines[0] == "### peer-replay diff: outputs differ");
  REQUIRE_LINE(r, "| tag_relevant | 0 | 1 | 0 | 0 |");
  REQUIRE_LINE(r, "- a#1 tag_relevant P2");
  REQUIRE_LINE(r, "</details>");
}

TEST_CASE("colours only when asked") {
  std::vector<std::string> b = base_lines();
  b[6] = ex(3, ping("P2", 3));
  replay::DiffOptions opts;
  opts.color = true;
  const Run r = diff_lines("color", base_lines(), b, opts);
  REQUIRE_LINE(r, "\x1b[31m  - a#1 tag_relevant P2\x1b[0m");
  const Run plain = diff_lines("color", base_lines(), b);
  REQUIRE(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("bad input: reader errors name the file and line, exit 2") {
  std::vector<std::string> b = base_lines();
  b[5] = R"({"type":"event","seq":4,"t_ms":3000,"kind":"goodbye_all"})";
  const Run r = diff_lines("bad", base_lines(), b);
  REQUIRE(r.code == 2);
  const std::string b_path = (temp_dir() / "bad" / "b.jsonl").string();
  REQUIRE(r.err.rfind(b_path + ":6: expected event seq 3, got 4", 0) == 0);
}

TEST_CASE("traces without expects stream through the bounded window") {
  std::vector<std::string> a = {kHeader};
  for (int s = 1; s <= static_cast<int>(replay::kMaxPendingEvents) + 100; s++) a.push_back(ev(s, kTimer));
  const Run r = diff_lines("noexpects", a, a);
  REQUIRE(r.code == 0);
  REQUIRE_LINE(r, "outputs: identical (0 expects compared)");
}

TEST_CASE("building blocks: exact parsing") {
  const json j = replay::parse_json_exact(R"({"x":-0,"y":[-0],"s":"-0","e":1e-0,"z":-0.5})");
  REQUIRE(std::signbit(j["x"].get<double>()));
  REQUIRE(j["x"].is_number_float());
  REQUIRE(std::signbit(j["y"][0].get<double>()));
  REQUIRE(j["s"] == "-0");
  REQUIRE(j["e"].get<double>() == 1.0);
  REQUIRE(j["z"].get<double>() == -0.5);
  // Doubles come back with the exact bits JS printed.
  REQUIRE(replay::parse_json_exact("[-14.406093444266025]")[0].get<double>() == -14.406093444266025);
}

TEST_CASE("building blocks: the edit script") {
  using replay::EditOp;
  auto ops = [](const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t max_d = 1000) {
    std::string s;
    for (const replay::Edit& e : replay::align_keys(a, b, max_d)) {
      s += e.op == EditOp::kKeep ? "=" : e.op == EditOp::kDelete ? "-" : "+";
      s += std::to_string(e.op == EditOp::kInsert ? b[e.ib] : a[e.ia]);
    }
    return s;
  };
  REQUIRE(ops({1, 2, 3}, {1, 2, 3}) == "=1=2=3");
  REQUIRE(ops({1, 2, 3}, {1, 3}) == "=1-2=3");
  REQUIRE(ops({1, 3}, {1, 2, 3}) == "=1+2=3");
  REQUIRE(ops({}, {4, 5}) == "+4+5");
  REQUIRE(ops({1, 2}, {2, 1}) == "-1=2+1");
  REQUIRE(ops({1, 2, 3, 4, 5, 6}, {1, 7, 3, 4, 8, 6}) == "=1-2+7=3=4-5+8=6");
  // Beyond max_d the middle is replaced whole (prefix and suffix kept).
  REQUIRE(ops({1, 2, 3, 4, 9}, {1, 4, 3, 2, 9}, 1) == "=1-2-3-4+4+3+2=9");
  // A long list with a few edits stays linear-ish and exact.
  std::vector<uint32_t> a(5000), b;
  for (uint32_t i = 0; i < a.size(); i++) a[i] = i;
  b = a;
  b.erase(b.begin() + 100);
  b.insert(b.begin() + 4000, 99999);
  const auto edits = replay::align_keys(a, b);
  REQUIRE(std::count_if(edits.begin(), edits.end(), [](const replay::Edit& e) { return e.op != EditOp::kKeep; }) == 2);
}

TEST_CASE("record order within the format's freedom: an expect after the next event") {
  std::vector<std::string> a = base_lines(), b = base_lines();
  std::swap(b[2], b[3]);  // event 2 before expect 1
  const Run r = diff_lines("late_expect", a, b);
  REQUIRE(r.code == 0);
  REQUIRE_LINE(r, "outputs: identical (3 expects compared)");
}

TEST_CASE("read-ahead threads and a single thread give the same report") {
  std::vector<std::string> a = {kHeader}, b = {kHeader};
  for (int s = 1; s <= 3000; s++) {  // several read-ahead batches
    a.push_back(ev(s, kTimer));
    b.push_back(ev(s, s % 97 == 0 ? report("P1", "Fatal") : kTimer));
    a.push_back(
        ex(s, ping("P" + std::to_string(s % 7), s) + "," + tag("P1"), R"(,"scores":[)" + score("P1", "-1.5") + "]"));
    b.push_back(ex(s,
                   s % 13 == 0 ? tag("P1") + "," + ping("P" + std::to_string(s % 7), s)
                               : ping("P" + std::to_string(s % 7), s) + "," + tag("P1"),
                   R"(,"scores":[)" + score("P1", s % 11 == 0 ? "-1.25" : "-1.5") + "]"));
  }
  for (const auto format : {replay::DiffOutputFormat::kText, replay::DiffOutputFormat::kJson}) {
    replay::DiffOptions threads, single;
    threads.format = single.format = format;
    threads.read_ahead = true;
    const Run t = diff_lines("threads", a, b, threads);
    const Run s = diff_lines("threads", a, b, single);
    REQUIRE(t.code == 1);
    REQUIRE(s.code == 1);
    REQUIRE(t.out == s.out);
  }
  const Run t = diff_lines("threads", a, b);
  REQUIRE_LINE(t, "  30 of 3000 events differ, first at seq 97 (a:194 b:194, timer vs report_peer), last at seq 2910");
  REQUIRE_LINE(t, "  actions: 0 added, 0 removed, 0 changed, 230 moved");
  REQUIRE_LINE(t, "  scores: 272 changed, 0 added, 0 removed");
}

namespace {

// The lines of a corpus trace, decompressed by the reader (keep_raw).
std::vector<std::string> corpus_lines(const std::string& name) {
  replay::ReaderOptions ropts;
  ropts.keep_raw = true;
  auto opened = replay::TraceReader::open(std::string(PEER_REPLAY_SOURCE_DIR) + "/traces/" + name, ropts);
  REQUIRE(opened.is_ok());
  auto reader = std::move(opened).value();
  std::vector<std::string> lines{reader->header().raw};
  replay::Record rec;
  for (bool done = false;;) {
    REQUIRE(reader->next(&rec, &done).is_ok());
    if (done) break;
    lines.push_back(rec.raw);
  }
  return lines;
}

}  // namespace

TEST_CASE("metrics records are compared after every event, and one changed value is a difference") {
  const std::vector<std::string> a = corpus_lines("outbound-connect.jsonl.zst");
  REQUIRE(json::parse(a[0]).value("metrics", false));
  size_t events = 0;
  size_t changed = 0;
  std::vector<std::string> b = a;
  for (std::string& line : b) {
    json j = json::parse(line);
    if (j["type"] == "event") events++;
    if (changed != 0 || j["type"] != "metrics") continue;
    for (json& series : j["series"]) {
      if (!series.contains("value")) continue;
      series["value"] = series["value"].get<double>() + 1;
      changed = events;
      break;
    }
    if (changed != 0) line = j.dump();
  }
  REQUIRE(changed != 0);

  const Run same = diff_lines("metrics-same", a, a);
  REQUIRE(same.code == 0);
  REQUIRE_LINE(same, "metrics: identical after " + std::to_string(events) + " events");

  const Run r = diff_lines("metrics-changed", a, b);
  INFO(r.out);
  REQUIRE(r.code == 1);
  REQUIRE(r.out.find("metrics: the registries differ after") != std::string::npos);
}
