// Tests of the comparer on small hand-made traces (written by the test). They
// test the comparer, not the engine's conformance: a matching trace passes; a
// changed action or score is reported at the right line and seq; timers and
// repro files behave. The expected values written here are read from
// peerManager.ts (e.g. an outbound connection sends ping then status), never
// produced by the engine.
#include "replay/replayer.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "replay/trace_event.h"
#include "trace/trace_reader.h"

namespace replay {
namespace {

const char* kHeader =
    R"({"type":"header","format":"peer-replay-trace","format_version":1,)"
    R"("producer":{"name":"replayer_test","version":"0","mode":"scripted"},"scenario":"unit","seed":"1",)"
    R"("config":{"targetPeers":4,"maxPeers":6,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,)"
    R"("disablePeerScoring":false,"genesisTime":1600000000,"discovery":false,)"
    R"("chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,)"
    R"("NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,)"
    R"("ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,)"
    R"("ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":null,"GLOAS_FORK_EPOCH":null}},)"
    R"("local":{"nodeId":"4242424242424242424242424242424242424242424242424242424242424242",)"
    R"("custodyGroupCount":4,"sampleGroups":[1,2,3,4,5,6,7,8],"sampledSubnets":[1,2,3,4,5,6,7,8],)"
    R"("status":{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101",)"
    R"("finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}}})";

const char* kStatus =
    R"({"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101",)"
    R"("finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000})";

// T0 = slot 1000 + 0.5 s.
constexpr const char* kT0 = "1600012000500";

std::vector<std::string> base_lines() {
  const std::string t0 = kT0;
  const std::string peer = "16Uiu2HAmA";
  return {
      kHeader,
      // 2: init, no peers: heartbeat (pre-fulu: no custody queries), nothing sent.
      R"({"type":"event","seq":1,"t_ms":)" + t0 + R"(,"kind":"init","active_attnets":[],"active_syncnets":[]})",
      R"({"type":"expect","seq":1,"actions":[],"scores":[],"scores_removed":[],"scores_full":true})",
      // 4: the startup ping/status check at init time: nobody to ping.
      R"({"type":"event","seq":2,"t_ms":)" + t0 + R"(,"kind":"timer","timer":"startup_ping_status"})",
      R"({"type":"expect","seq":2,"actions":[],"scores":[],"scores_removed":[],"scores_full":false})",
      // 6: an outbound connection: ping, then status (peerManager.ts trackLibp2pConnection).
      R"({"type":"event","seq":3,"t_ms":)" + t0 + R"(,"kind":"connection_open","peer":")" + peer +
          R"(","conn":"c1","direction":"outbound","node_id":"0101010101010101010101010101010101010101010101010101010101010101"})",
      R"({"type":"expect","seq":3,"actions":[{"kind":"send_ping","peer":")" + peer + R"(","req":1},)" +
          R"({"kind":"send_status","peer":")" + peer + R"(","req":2,"status":)" + kStatus +
          R"(}],"scores":[],"scores_removed":[],"scores_full":false})",
      // 8: a LowToleranceError report: -10.
      R"({"type":"event","seq":4,"t_ms":1600012001000,"kind":"report_peer","peer":")" + peer +
          R"(","action":"LowToleranceError","action_name":"test"})",
      R"({"type":"expect","seq":4,"actions":[],"scores":[{"peer":")" + peer +
          R"(","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10,"last_update_ms":1600012001000}],)" +
          R"("scores_removed":[],"scores_full":false})",
      R"({"type":"end","events":4})",
  };
}

class TempTrace {
 public:
  explicit TempTrace(const std::vector<std::string>& lines) {
    char tmpl[] = "/tmp/replayer_test_XXXXXX";
    const int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = std::string(tmpl) + ".jsonl";
    std::rename(tmpl, path_.c_str());
    std::ofstream out(path_);
    for (const std::string& l : lines) out << l << "\n";
  }
  ~TempTrace() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_CASE("a matching trace conforms", "[replayer]") {
  TempTrace t(base_lines());
  ReplayOptions o;
  o.check_determinism = true;
  ReplayResult r = replay_trace(t.path(), o);
  INFO(r.message << "\n" << r.report);
  CHECK(r.verdict == Verdict::kConforms);
  CHECK(r.events == 4);
  CHECK(r.expects == 4);
  CHECK(r.actions_compared == 2);
  CHECK(r.scores_compared == 1);
  REQUIRE(r.second_digest.has_value());
  CHECK(*r.second_digest == r.state_digest);
  CHECK(r.coverage.event_kinds["connection_open"] == 1);
  CHECK(r.coverage.action_kinds["send_ping"] == 1);
}

TEST_CASE("a changed action is reported at its expect's line and seq", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  // Swap the order: status first, then ping.
  const std::string& e = lines[6];
  std::string changed = e;
  const size_t a = changed.find("{\"kind\":\"send_ping\"");
  const size_t b = changed.find("{\"kind\":\"send_status\"");
  const size_t end = changed.find("}],\"scores\"");
  const std::string ping = changed.substr(a, b - a - 1);
  const std::string status = changed.substr(b, end + 1 - b);
  changed = changed.substr(0, a) + status + "," + ping + changed.substr(end + 1);
  lines[6] = changed;
  TempTrace t(lines);
  ReplayOptions o;
  o.context = 2;
  ReplayResult r = replay_trace(t.path(), o);
  INFO(r.report);
  CHECK(r.verdict == Verdict::kDiverges);
  REQUIRE(r.divergence_line.has_value());
  CHECK(*r.divergence_line == 7);
  CHECK(*r.divergence_seq == 3);
  CHECK(r.report.find("actions[0].kind") != std::string::npos);
  CHECK(r.report.find("--stop-at-seq 3") != std::string::npos);
  CHECK(r.report.find("\"kind\":\"connection_open\"") != std::string::npos);  // the event's raw line
}

TEST_CASE("a score one ulp off diverges, --ulp 1 accepts it, -0 differs from 0", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  std::string& e = lines[8];
  e.replace(e.find("\"score\":-10"), std::string("\"score\":-10").size(), "\"score\":-10.000000000000002");
  TempTrace t(lines);
  ReplayResult r = replay_trace(t.path());
  INFO(r.report);
  CHECK(r.verdict == Verdict::kDiverges);
  CHECK(*r.divergence_line == 9);
  CHECK(*r.divergence_seq == 4);
  CHECK(r.report.find("scores[0].score") != std::string::npos);
  CHECK(r.report.find("score history") != std::string::npos);
  ReplayOptions o;
  o.ulp = 1;
  CHECK(replay_trace(t.path(), o).verdict == Verdict::kConforms);

  std::vector<std::string> zero = base_lines();
  std::string& z = zero[8];
  z.replace(z.find("\"gossip\":0"), std::string("\"gossip\":0").size(), "\"gossip\":-0.0");
  TempTrace tz(zero);
  CHECK(replay_trace(tz.path()).verdict == Verdict::kDiverges);
}

TEST_CASE("stop_at_seq stops after that event's expect", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  std::string& e = lines[8];
  e.replace(e.find("\"score\":-10"), std::string("\"score\":-10").size(), "\"score\":-11");
  TempTrace t(lines);
  ReplayOptions o;
  o.stop_at_seq = 3;
  ReplayResult r = replay_trace(t.path(), o);
  CHECK(r.verdict == Verdict::kConforms);
  CHECK(r.events == 3);
}

TEST_CASE("a timer the engine does not have due is a divergence", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  lines.insert(lines.begin() + 9,
               R"({"type":"event","seq":5,"t_ms":1600012009000,"kind":"timer","timer":"heartbeat","active_attnets":[],"active_syncnets":[]})");
  lines.back() = R"({"type":"end","events":5})";
  TempTrace t(lines);
  ReplayResult r = replay_trace(t.path());
  INFO(r.report);
  CHECK(r.verdict == Verdict::kDiverges);
  CHECK(*r.divergence_line == 10);
  CHECK(r.message.find("heartbeat") != std::string::npos);

  // A skipped timer: an event after the ping_status check was due.
  std::vector<std::string> late = base_lines();
  late.insert(late.begin() + 9,
              R"({"type":"event","seq":5,"t_ms":1600012015000,"kind":"report_peer","peer":"x","action":"Fatal","action_name":"t"})");
  late.back() = R"({"type":"end","events":5})";
  TempTrace tl(late);
  ReplayResult rl = replay_trace(tl.path());
  CHECK(rl.verdict == Verdict::kDiverges);
  CHECK(rl.message.find("ping_status") != std::string::npos);
}

TEST_CASE("emit_repro writes the prefix up to the divergent expect", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  std::string& e = lines[8];
  e.replace(e.find("\"lodestar\":-10"), std::string("\"lodestar\":-10").size(), "\"lodestar\":-9");
  TempTrace t(lines);
  ReplayOptions o;
  o.emit_repro = true;
  o.repro_path = t.path() + ".repro.jsonl";
  ReplayResult r = replay_trace(t.path(), o);
  CHECK(r.verdict == Verdict::kDiverges);
  REQUIRE(r.repro_path == o.repro_path);
  std::ifstream in(o.repro_path);
  std::vector<std::string> got;
  for (std::string l; std::getline(in, l);) got.push_back(l);
  REQUIRE(got.size() == 10);  // header + 8 records + end
  CHECK(got[0] == lines[0]);
  CHECK(got[8] == lines[8]);
  CHECK(got[9] == R"({"type":"end","events":4})");
  // The repro diverges the same way.
  ReplayResult again = replay_trace(o.repro_path);
  CHECK(again.verdict == Verdict::kDiverges);
  CHECK(*again.divergence_seq == 4);
  std::remove(o.repro_path.c_str());
}

TEST_CASE("bad input is reported with file and line", "[replayer]") {
  std::vector<std::string> lines = base_lines();
  lines[5] = R"({"type":"event","seq":3,"t_ms":1600012000500,"kind":"connection_open","peer":"p","conn":"c1","direction":"sideways","node_id":"01"})";
  TempTrace t(lines);
  ReplayResult r = replay_trace(t.path());
  CHECK(r.verdict == Verdict::kBadInput);
  CHECK(r.message.find(t.path() + ":6:") != std::string::npos);
}

TEST_CASE("js_number prints as JavaScript does", "[replayer]") {
  CHECK(js_number(-14.406093444266025) == "-14.406093444266025");
  CHECK(js_number(1600012000000.0) == "1600012000000");
  CHECK(js_number(0.1) == "0.1");
  CHECK(js_number(1e21) == "1e+21");
  CHECK(js_number(1e-7) == "1e-7");
  CHECK(js_number(0.000001) == "0.000001");
  CHECK(js_number(-0.0) == "0");
}

}  // namespace
}  // namespace replay

namespace replay {
namespace {

// The read-ahead changes which thread parses, nothing else: every corpus
// trace and a divergent one give the same result and report with it.
TEST_CASE("read_ahead replays exactly as the single-threaded reader does", "[replayer]") {
  std::vector<std::string> paths;
  for (const auto& f : std::filesystem::directory_iterator(std::string(PEER_REPLAY_SOURCE_DIR) + "/traces")) {
    if (f.path().string().find(".jsonl") != std::string::npos) paths.push_back(f.path().string());
  }
  std::vector<std::string> lines = base_lines();
  lines[8].replace(lines[8].find("\"score\":-10"), std::string("\"score\":-10").size(), "\"score\":-11");
  TempTrace divergent(lines);
  paths.push_back(divergent.path());
  REQUIRE(paths.size() > 10);
  for (const std::string& p : paths) {
    INFO(p);
    ReplayOptions o;
    o.check_determinism = true;
    const ReplayResult plain = replay_trace(p, o);
    o.read_ahead = true;
    const ReplayResult ahead = replay_trace(p, o);
    CHECK(ahead.verdict == plain.verdict);
    CHECK(ahead.message == plain.message);
    CHECK(ahead.report == plain.report);
    CHECK(ahead.events == plain.events);
    CHECK(ahead.scores_compared == plain.scores_compared);
    CHECK(ahead.state_digest == plain.state_digest);
    CHECK(ahead.second_digest == plain.second_digest);
    CHECK(ahead.coverage.event_kinds == plain.coverage.event_kinds);
  }
}

}  // namespace
}  // namespace replay

namespace replay {
namespace {

// The raw lines of a corpus trace (header included), as the reader reads them.
std::vector<std::string> corpus_lines(const std::string& name) {
  ReaderOptions ro;
  ro.keep_raw = true;
  auto opened = TraceReader::open(std::string(PEER_REPLAY_SOURCE_DIR) + "/traces/" + name, ro);
  REQUIRE(opened.is_ok());
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  std::vector<std::string> lines = {reader->header().raw};
  Record rec;
  for (;;) {
    bool done = false;
    REQUIRE(reader->next(&rec, &done).is_ok());
    if (done) break;
    lines.push_back(rec.raw);
  }
  return lines;
}

// FORMAT.md §8: a metrics value Lodestar did not record is a divergence at
// that record's line, naming the series, expected and actual.
TEST_CASE("a changed metric value diverges at its metrics record, naming the series", "[replayer][metrics]") {
  std::vector<std::string> lines = corpus_lines("metrics-prune-queries.jsonl.zst");
  const std::string sync1 = R"({"name":"lodestar_peers_sync_count","labels":{},"value":1})";
  size_t at = 0;
  for (size_t i = 0; i < lines.size() && at == 0; i++) {
    if (lines[i].find(R"("type":"metrics")") != std::string::npos && lines[i].find(sync1) != std::string::npos) at = i;
  }
  REQUIRE(at > 0);
  {
    TempTrace unchanged(lines);
    const ReplayResult r = replay_trace(unchanged.path());
    INFO(r.message << r.report);
    CHECK(r.verdict == Verdict::kConforms);
    CHECK(r.metrics_compared > 0);
  }
  lines[at].replace(lines[at].find(sync1), sync1.size(), R"({"name":"lodestar_peers_sync_count","labels":{},"value":2})");
  TempTrace t(lines);
  const ReplayResult r = replay_trace(t.path());
  INFO(r.message << r.report);
  CHECK(r.verdict == Verdict::kDiverges);
  REQUIRE(r.divergence_line.has_value());
  CHECK(*r.divergence_line == at + 1);
  CHECK(r.report.find("metric lodestar_peers_sync_count: expected 2, got 1") != std::string::npos);
}

// ---------------------------------------------------------------- LineReplayer

// Feeds `lines` (header first) one at a time; the divergences in order.
struct Fed {
  std::unique_ptr<LineReplayer> replayer;
  std::vector<LineDivergence> divergences;
  std::vector<size_t> at;  // the index in `lines` of the record that brought each out
};

Fed feed_all(const std::vector<std::string>& lines, ReplayOptions o = {}) {
  auto created = LineReplayer::create(lines[0], std::move(o));
  REQUIRE(created.is_ok());
  Fed f{std::move(created).value(), {}, {}};
  for (size_t i = 1; i < lines.size(); i++) {
    std::optional<LineDivergence> d;
    const peers::Status s = f.replayer->feed(lines[i], &d);
    INFO(i << ": " << s.message());
    REQUIRE(s.is_ok());
    if (d.has_value()) {
      f.divergences.push_back(*d);
      f.at.push_back(i);
    }
  }
  return f;
}

TEST_CASE("line by line, a matching trace gives no divergence and compares every expect", "[replayer][lines]") {
  const std::vector<std::string> lines = base_lines();
  const Fed f = feed_all(lines);
  CHECK(f.divergences.empty());
  CHECK(f.replayer->expects_compared() == 4);
  CHECK_FALSE(f.replayer->stopped());
}

TEST_CASE("line by line, a changed member is one divergence at its expect, and the replay goes on", "[replayer][lines]") {
  std::vector<std::string> lines = base_lines();
  const std::string score = R"("score":-10,)";
  REQUIRE(lines[8].find(score) != std::string::npos);
  lines[8].replace(lines[8].find(score), score.size(), R"("score":-11,)");
  std::string ping = R"("kind":"send_ping","peer":"16Uiu2HAmA","req":1)";
  REQUIRE(lines[6].find(ping) != std::string::npos);
  lines[6].replace(lines[6].find(ping), ping.size(), R"("kind":"send_ping","peer":"16Uiu2HAmA","req":7)");
  const Fed f = feed_all(lines);
  REQUIRE(f.divergences.size() == 2);
  CHECK(f.at[0] == 6);
  CHECK(f.divergences[0].seq == 3);
  CHECK(f.divergences[0].member == "actions[0].req");
  CHECK(f.divergences[0].event == "connection_open");
  CHECK(f.divergences[0].expected == "7");
  CHECK(f.divergences[0].actual == "1");
  CHECK(f.divergences[0].headline.find("actions differ at actions[0]") == 0);
  CHECK(f.at[1] == 8);
  CHECK(f.divergences[1].seq == 4);
  CHECK(f.divergences[1].member == "scores[0].score");
  CHECK(f.divergences[1].expected == "-11");
  CHECK(f.divergences[1].actual == "-10");
  CHECK(f.replayer->expects_compared() == 4);
}

TEST_CASE("line by line, an event out of order is a divergence on the event, and nothing after it is compared",
          "[replayer][lines]") {
  const std::vector<std::string> base = base_lines();
  // seq 1 again where seq 2 belongs, with its expect; then the rest.
  const std::vector<std::string> lines = {base[0], base[1], base[2], base[1], base[2], base[5], base[6]};
  const Fed f = feed_all(lines);
  REQUIRE(f.divergences.size() == 1);
  CHECK(f.at[0] == 4);  // brought out by the expect that closes it
  CHECK(f.divergences[0].seq == 1);
  CHECK(f.divergences[0].member == "event");
  CHECK(f.divergences[0].event == "init");
  CHECK(f.divergences[0].expected == "\"accepted\"");
  CHECK(f.divergences[0].actual.find("\"refused: capture:4: expected event seq 2, got 1") == 0);
  CHECK(f.replayer->stopped());
  CHECK(f.replayer->expects_compared() == 1);
}

TEST_CASE("line by line, a line that is no record of the trace is an error", "[replayer][lines]") {
  const std::vector<std::string> base = base_lines();
  auto created = LineReplayer::create(base[0], {});
  REQUIRE(created.is_ok());
  std::optional<LineDivergence> d;
  CHECK(created.value()->feed(base[1], &d).is_ok());
  const peers::Status s = created.value()->feed(base[4], &d);  // the expect of an event not fed
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("capture:3: expect names seq 2, an event not read yet") == 0);
  CHECK_FALSE(LineReplayer::create("{\"type\":\"event\"}", {}).is_ok());
}

TEST_CASE("the test-only perturbation drops the n-th action, in the comparison and in answer()", "[replayer][lines]") {
  const std::vector<std::string> lines = base_lines();
  ReplayOptions o;
  o.perturb = {Perturbation::What::kAction, 2};  // the send_status of seq 3
  const Fed f = feed_all(lines, o);
  REQUIRE(f.divergences.size() == 1);
  CHECK(f.divergences[0].seq == 3);
  CHECK(f.divergences[0].member == "actions[1]");
  CHECK(f.divergences[0].expected.find("{\"kind\":\"send_status\"") == 0);
  CHECK(f.divergences[0].actual == "(none)");

  // answer(): the engine's expect for each event, as `serve` writes it; equal
  // to the trace's own except for the dropped action.
  auto created = LineReplayer::create(lines[0], o);
  REQUIRE(created.is_ok());
  LineReplayer& r = *created.value();
  for (size_t i = 1; i + 1 < lines.size(); i += 2) {
    std::optional<LineDivergence> d;
    REQUIRE(r.feed(lines[i], &d).is_ok());
    nlohmann::json want = nlohmann::json::parse(lines[i + 1]);
    if (i == 5) want["actions"].erase(1);
    if (want["scores_full"] == true) want.erase("scores_removed");  // a full dump has none (expect_record.h)
    const std::string got = r.answer();
    INFO(got);
    CHECK(nlohmann::json::parse(got) == want);
    CHECK(r.answer().empty());  // once
  }
}

}  // namespace
}  // namespace replay
