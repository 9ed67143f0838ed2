// expect_match answers exactly what json_equal_exact on the DOM answers: on
// every expect of the corpus (the engine's true values), on pairs that
// differ (each expected action against the engine's other actions, entries
// against other entries), and on the engine's values perturbed one member at
// a time. The DOM comparer is the reference; nothing here is an expected
// output of the engine.
#include "replay/expect_match.h"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>
#include <filesystem>
#include <string>
#include <vector>

#include "peers/peer_manager.h"
#include "replay/trace_event.h"
#include "trace/json_compare.h"
#include "trace/trace_reader.h"

namespace replay {
namespace {

namespace fs = std::filesystem;

struct Tally {
  size_t same = 0;  // pairs both comparers call equal
  size_t differ = 0;
};

// One assertion per pair would cost more than the comparisons (millions of
// pairs): a disagreement fails with both values, agreement is only counted.
void agree_action(JsonRef e, const peers::Action& a, Tally* t) {
  const bool fast = action_matches(e, a);
  const bool slow = json_equal_exact(e, action_to_json(a));
  if (fast != slow) FAIL("expect_match says " << fast << " for " << e.dump() << " vs " << action_to_json(a).dump());
  (fast ? t->same : t->differ)++;
}

void agree_entry(JsonRef e, const peers::PeerScoreStatEntry& s, uint64_t ulp, Tally* t) {
  const bool fast = score_entry_matches(e, s, ulp);
  const bool slow = json_equal_exact(e, score_entry_to_json(s), ulp);
  if (fast != slow) {
    FAIL("expect_match says " << fast << " for " << e.dump() << " vs " << score_entry_to_json(s).dump() << " ulp " << ulp);
  }
  (fast ? t->same : t->differ)++;
}

// The engine's action with one member changed at a time.
std::vector<peers::Action> perturbed(const peers::Action& a) {
  std::vector<peers::Action> out;
  auto add = [&](auto&& change) {
    peers::Action b = a;
    change(b);
    out.push_back(std::move(b));
  };
  add([](peers::Action& b) { b.peer = b.peer.str() + "x"; });
  add([](peers::Action& b) { b.req++; });
  add([](peers::Action& b) { b.reason++; });
  add([](peers::Action& b) { b.status.head_root[31] ^= 1; });
  add([](peers::Action& b) { b.status.fork_digest[0] ^= 0x10; });
  add([](peers::Action& b) { b.status.head_slot--; });
  add([](peers::Action& b) { b.status.earliest_available_slot = b.status.earliest_available_slot ? std::nullopt : std::optional<int64_t>(7); });
  add([](peers::Action& b) { b.client += "x"; });
  add([](peers::Action& b) { b.custody_columns.push_back(3); });
  add([](peers::Action& b) { b.peers_to_connect++; });
  add([](peers::Action& b) { b.custody_group_queries.emplace_back(1, 1); });
  add([](peers::Action& b) {
    if (!b.subnet_queries.empty()) b.subnet_queries[0].to_unix_ms = std::nextafter(b.subnet_queries[0].to_unix_ms, 1e300);
  });
  add([](peers::Action& b) { b.kind = b.kind == peers::ActionKind::kSendPing ? peers::ActionKind::kSendStatus : peers::ActionKind::kSendPing; });
  return out;
}

std::vector<peers::PeerScoreStatEntry> perturbed(const peers::PeerScoreStatEntry& s) {
  std::vector<peers::PeerScoreStatEntry> out(7, s);
  out[0].stat.score = std::nextafter(s.stat.score, 1e300);
  out[1].stat.lodestar_score = std::nextafter(s.stat.lodestar_score, -1e300);
  out[2].stat.gossip_score = s.stat.gossip_score == 0 ? -0.0 : s.stat.gossip_score + 0.5;
  out[3].stat.ignore_negative_gossip_score = !s.stat.ignore_negative_gossip_score;
  out[4].stat.last_update_ms++;
  out[5].peer_id = s.peer_id.str() + "x";
  out[6].stat.score = s.stat.score + 1;
  return out;
}

TEST_CASE("expect_match agrees with json_equal_exact on the corpus and on differing values", "[expect_match]") {
  Tally actions, entries;
  const fs::path dir = fs::path(PEER_REPLAY_SOURCE_DIR) / "traces";
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().string().find(".jsonl") == std::string::npos) continue;
    auto opened = TraceReader::open(f.path().string());
    REQUIRE(opened.is_ok());
    TraceReader& reader = *opened.value();
    auto setup = parse_header(reader.header().root(), "");
    REQUIRE(setup.is_ok());
    peers::PeerManager pm(setup.value().config, setup.value().local);
    std::vector<peers::Action> acts;
    Record rec;
    bool done = false;
    while (reader.next(&rec, &done).is_ok() && !done) {
      if (rec.type == RecordType::kEvent) {
        auto ev = parse_event(rec, "");
        REQUIRE(ev.is_ok());
        acts.clear();
        if (!pm.step(ev.value(), &acts).is_ok()) break;
      } else if (rec.type == RecordType::kExpect) {
        const JsonRef exp = rec.root()["actions"];
        for (const JsonRef e : exp) {
          for (size_t k = 0; k < acts.size() && k < 4; k++) {
            agree_action(e, acts[k], &actions);
            for (const peers::Action& b : perturbed(acts[k])) agree_action(e, b, &actions);
          }
        }
        CHECK(actions_match(exp, acts) == json_equal_exact(exp, actions_to_json(acts)));
        const peers::PeerScoreStats dump = pm.dump_peer_score_stats();
        for (const JsonRef e : rec.root()["scores"]) {
          for (size_t i = 0; i < dump.size() && i < 4; i++) {
            for (uint64_t ulp : {uint64_t{0}, uint64_t{4}}) {
              agree_entry(e, dump[i], ulp, &entries);
              for (const auto& p : perturbed(dump[i])) agree_entry(e, p, ulp, &entries);
            }
          }
        }
      }
    }
  }
  // Both answers occur, many times: the test exercised agreement, not only "differs".
  CHECK(actions.same > 100);
  CHECK(actions.differ > 1000);
  CHECK(entries.same > 100);
  CHECK(entries.differ > 1000);
}

TEST_CASE("expect_match: number kinds and shapes as the DOM comparer sees them", "[expect_match]") {
  peers::PeerScoreStatEntry s;
  s.peer_id = "p";
  s.stat.score = -10;
  s.stat.lodestar_score = -10;
  s.stat.last_update_ms = 5;
  const std::vector<std::string> cases = {
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10,"last_update_ms":5})",
      R"({"peer":"p","lodestar":-10.0,"gossip":0.0,"ignore_negative":false,"score":-1e1,"last_update_ms":5.0})",
      R"({"peer":"p","lodestar":-10,"gossip":-0.0,"ignore_negative":false,"score":-10,"last_update_ms":5})",
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":0,"score":-10,"last_update_ms":5})",
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10,"last_update_ms":"5"})",
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10})",
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10,"last_update_ms":5,"x":1})",
      R"(["p"])",
      R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":-10.000000000000002,"last_update_ms":5})",
  };
  for (const std::string& text : cases) {
    JsonTape tape;
    std::string why;
    REQUIRE(tape.parse(text, &why));
    for (uint64_t ulp : {uint64_t{0}, uint64_t{1}}) {
      INFO(text << " ulp " << ulp);
      CHECK(score_entry_matches(tape.root(), s, ulp) == json_equal_exact(tape.root(), score_entry_to_json(s), ulp));
    }
  }
}

// FORMAT.md §4: a gossip score, and a score made from it, that JSON cannot
// carry is spelled; the engine's NaN, whatever its bits, matches "NaN".
TEST_CASE("expect_match: scores that are not finite match their spelling only", "[expect_match]") {
  for (const uint64_t nan_bits : {uint64_t{0x7ff8000000000000}, uint64_t{0xfff8000000000000}}) {
    peers::PeerScoreStatEntry s;
    s.peer_id = "p";
    s.stat.lodestar_score = -10;
    s.stat.gossip_score = std::bit_cast<double>(nan_bits);
    s.stat.score = std::bit_cast<double>(nan_bits);
    s.stat.last_update_ms = 5;
    peers::PeerScoreStatEntry inf = s;
    inf.stat.gossip_score = -INFINITY;
    inf.stat.score = -INFINITY;
    const std::string nan_text = R"({"peer":"p","lodestar":-10,"gossip":"NaN","ignore_negative":false,"score":"NaN","last_update_ms":5})";
    const std::string inf_text = R"({"peer":"p","lodestar":-10,"gossip":"-Inf","ignore_negative":false,"score":"-Inf","last_update_ms":5})";
    const std::vector<std::pair<std::string, bool>> cases = {
        {nan_text, true},
        {R"({"peer":"p","lodestar":-10,"gossip":"+Inf","ignore_negative":false,"score":"NaN","last_update_ms":5})", false},
        {R"({"peer":"p","lodestar":-10,"gossip":"nan","ignore_negative":false,"score":"NaN","last_update_ms":5})", false},
        {R"({"peer":"p","lodestar":-10,"gossip":0,"ignore_negative":false,"score":"NaN","last_update_ms":5})", false},
        {R"({"peer":"p","lodestar":-10,"gossip":null,"ignore_negative":false,"score":"NaN","last_update_ms":5})", false},
    };
    for (const auto& [text, matches] : cases) {
      JsonTape tape;
      std::string why;
      REQUIRE(tape.parse(text, &why));
      INFO(text);
      CHECK(score_entry_matches(tape.root(), s, 0) == matches);
      CHECK(json_equal_exact(tape.root(), score_entry_to_json(s), 0) == matches);
      CHECK_FALSE(score_entry_matches(tape.root(), inf, 0));
    }
    JsonTape tape;
    std::string why;
    REQUIRE(tape.parse(inf_text, &why));
    CHECK(score_entry_matches(tape.root(), inf, 0));
    CHECK(score_entry_to_json(inf) == nlohmann::json::parse(inf_text));
    CHECK(score_entry_to_json(s) == nlohmann::json::parse(nan_text));
  }
}

}  // namespace
}  // namespace replay
