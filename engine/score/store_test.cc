// Tests of PeerRpcScoreStore (store.cc) and, through it, RealScore/MaxScore.
// score_test.cc, utils_test.cc and interface_test.cc test the other files.
//
// Bit-exact expectations come from the REAL Lodestar (the version tools/recorder/package.json pins) score code, run
// under a fake Date.now by engine/testdata/gen_score_store.mjs, recorded in
// engine/testdata/score_store_cases.json (the op encoding is documented in the
// generator). The other cases port Lodestar's score.test.ts and check the
// invariants the brief lists.
#include "engine/score/store.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/js_math.h"
#include "engine/score/score.h"
#include "engine/score/utils.h"
#include "peers/score_constants.h"

namespace peers {
namespace {

using nlohmann::json;
constexpr UnixMs kT0 = 1'700'000'000'000;

// Bitwise equality, except that +0 and -0 are equal: JSON.stringify(-0) is "0".
bool same_double(double a, double b) {
  if (a == 0.0 && b == 0.0) return true;
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

json dump_to_json(const PeerScoreStats& stats) {
  json out = json::array();
  for (const PeerScoreStatEntry& e : stats) {
    out.push_back({e.peer_id, e.stat.lodestar_score, e.stat.gossip_score, e.stat.ignore_negative_gossip_score,
                   e.stat.score, e.stat.last_update_ms});
  }
  return out;
}

void check_dump(const PeerScoreStats& got, const json& expected) {
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); i++) {
    const json& e = expected[i];
    INFO("dump entry " << i << " expected " << e.dump() << " got " << dump_to_json({got[i]}).dump());
    CHECK(got[i].peer_id == e[0].get<std::string>());
    CHECK(same_double(got[i].stat.lodestar_score, e[1].get<double>()));
    CHECK(same_double(got[i].stat.gossip_score, e[2].get<double>()));
    CHECK(got[i].stat.ignore_negative_gossip_score == e[3].get<bool>());
    CHECK(same_double(got[i].stat.score, e[4].get<double>()));
    CHECK(got[i].stat.last_update_ms == e[5].get<int64_t>());
  }
}

PeerAction action_from(const json& name) {
  const std::optional<PeerAction> action = parse_peer_action(name.get<std::string>());
  REQUIRE(action.has_value());
  return *action;
}

TEST_CASE("PeerRpcScoreStore matches the pinned Lodestar on recorded op sequences", "[score][fixture]") {
  std::ifstream in(std::string(PEER_REPLAY_SOURCE_DIR) + "/engine/testdata/score_store_cases.json");
  REQUIRE(in.good());
  const json fixture = json::parse(in);
  size_t dumps = 0;
  size_t queries = 0;
  for (const json& c : fixture["cases"]) {
    const std::string name = c["name"].get<std::string>();
    PeerRpcScoreOpts opts;
    if (c["opts"].contains("disablePeerScoring"))
      opts.disable_peer_scoring = c["opts"]["disablePeerScoring"].get<bool>();
    PeerRpcScoreStore store(opts);
    UnixMs now_ms = c["t0"].get<int64_t>();
    size_t index = 0;
    for (const json& op : c["ops"]) {
      INFO("case '" << name << "' op #" << index << ": " << op.dump().substr(0, 200));
      index++;
      const std::string kind = op[0].get<std::string>();
      if (kind == "advance") {
        now_ms += op[1].get<int64_t>();
      } else if (kind == "action") {
        store.apply_action(op[1].get<std::string>(), action_from(op[2]), "test", now_ms);
      } else if (kind == "action_each") {
        const std::string prefix = op[1].get<std::string>();
        const int64_t n = op[2].get<int64_t>();
        const PeerAction action = action_from(op[3]);
        for (int64_t i = 0; i < n; i++) {
          store.apply_action(prefix + std::to_string(i), action, "test", now_ms);
          now_ms += op[4].get<int64_t>();
        }
      } else if (kind == "cooldown") {
        const auto code = static_cast<GoodByeReasonCode>(op[2].get<int64_t>());
        CHECK(store.apply_reconnection_cool_down(op[1].get<std::string>(), code, now_ms) == op[3].get<int64_t>());
      } else if (kind == "gossip") {
        store.update_gossipsub_score(op[1].get<std::string>(), op[2].get<double>(), op[3].get<bool>(), now_ms);
      } else if (kind == "gossip_all") {
        OrderedMap<PeerIdStr, double> scores;
        for (const json& entry : op[1]) scores.set(entry[0].get<std::string>(), entry[1].get<double>());
        update_gossipsub_scores(store, scores, op[2].get<int64_t>(), now_ms);
      } else if (kind == "update") {
        store.update(now_ms);
        if (op.size() > 1) {
          check_dump(store.dump_peer_score_stats(now_ms), op[1]);
          dumps++;
        }
      } else if (kind == "query") {
        const std::string peer = op[1].get<std::string>();
        const json& e = op[2];
        CHECK(same_double(store.get_score(peer), e[0].get<double>()));
        CHECK(same_double(store.get_gossip_score(peer), e[1].get<double>()));
        CHECK(score_state_name(store.get_score_state(peer)) == e[2].get<std::string>());
        CHECK(store.is_cooling_down(peer, now_ms) == e[3].get<bool>());
        queries++;
      } else if (kind == "dump") {
        check_dump(store.dump_peer_score_stats(now_ms), op[1]);
        dumps++;
      } else {
        FAIL("unknown op " << kind);
      }
    }
  }
  CHECK(dumps > 200);
  CHECK(queries > 300);
}

// ---- Lodestar's score.test.ts ------------------------------------------------

TEST_CASE("Should return default score, without any previous action", "[score][lodestar]") {
  PeerRpcScoreStore store;
  CHECK(store.get_score("Qma9T5YraSnpRDZqRR4krcSJabThc8nwZuJV3LercPHufi") == 0);
}

TEST_CASE("Should ban peer after N actions", "[score][lodestar]") {
  const std::vector<std::pair<PeerAction, int>> times_to_ban = {{PeerAction::Fatal, 1},
                                                                {PeerAction::LowToleranceError, 5},
                                                                {PeerAction::MidToleranceError, 10},
                                                                {PeerAction::HighToleranceError, 50}};
  for (const auto& [action, times] : times_to_ban) {
    PeerRpcScoreStore store;
    for (int i = 0; i < times; i++) {
      CHECK(store.get_score_state("peer") != ScoreState::Banned);
      store.apply_action("peer", action, "test-action", kT0);
    }
    CHECK(store.get_score_state("peer") == ScoreState::Banned);
  }
}

TEST_CASE("Should decay MIN_SCORE to above a bound after some time", "[score][lodestar]") {
  // TS sets lastUpdate = now - timeToDecay * 1.1 with lodestarScore = MIN_SCORE.
  // Here: a Fatal action (MIN_SCORE, banned until +30 min), then an update
  // timeToDecay * 1.1 after the ban's end.
  const std::vector<std::pair<double, int64_t>> decay_times = {
      {-50, 10 * 60 * 1000}, {-25, 20 * 60 * 1000}, {-5, 40 * 60 * 1000}};
  for (const auto& [min_score, time_to_decay_ms] : decay_times) {
    PeerRpcScoreStore store;
    store.apply_action("peer", PeerAction::Fatal, "test-action", kT0);
    CHECK(store.get_score("peer") == kMinScore);
    const auto elapsed_ms = static_cast<int64_t>(static_cast<double>(time_to_decay_ms) * 1.1);
    store.update(kT0 + kCoolDownBeforeDecayMs + elapsed_ms);
    CHECK(store.get_score("peer") > min_score);
  }
}

TEST_CASE("should not go below min score", "[score][lodestar]") {
  PeerRpcScoreStore store;
  store.apply_action("peer", PeerAction::Fatal, "test-action", kT0);
  store.apply_action("peer", PeerAction::Fatal, "test-action", kT0);
  CHECK(store.get_score("peer") >= kMinScore);
  CHECK(store.get_score("peer") == kMinScore);
}

// ---- Invariants --------------------------------------------------------------

TEST_CASE("lodestar score stays within -100..100 under random actions", "[score][invariant]") {
  std::mt19937_64 rng(7);
  PeerRpcScoreStore store;
  UnixMs now_ms = kT0;
  for (int i = 0; i < 100000; i++) {
    const std::string peer = "p" + std::to_string(rng() % 20);
    switch (rng() % 4) {
      case 0: store.apply_action(peer, static_cast<PeerAction>(rng() % 4), "x", now_ms); break;
      case 1: now_ms += static_cast<int64_t>(rng() % 100000); break;
      case 2: store.update(now_ms); break;
      default: store.apply_reconnection_cool_down(peer, GoodByeReasonCode::TOO_MANY_PEERS, now_ms); break;
    }
    for (const PeerScoreStatEntry& e : store.dump_peer_score_stats(now_ms)) {
      REQUIRE(e.stat.lodestar_score >= kMinScore);
      REQUIRE(e.stat.lodestar_score <= kMaxScore);
      REQUIRE(e.stat.score == e.stat.lodestar_score);  // no gossip score: score is the lodestar score
    }
  }
}

TEST_CASE("a ban freezes decay for 30 minutes", "[score][decay]") {
  PeerRpcScoreStore store;
  store.apply_action("p", PeerAction::LowToleranceError, "x", kT0);
  for (int i = 0; i < 3; i++) store.apply_action("p", PeerAction::LowToleranceError, "x", kT0);
  CHECK(store.get_score_state("p") == ScoreState::Disconnected);
  const UnixMs ban_ms = kT0 + 1000;
  store.apply_action("p", PeerAction::LowToleranceError, "x", ban_ms);  // -50: Banned
  CHECK(store.get_score_state("p") == ScoreState::Banned);
  CHECK(store.is_cooling_down("p", ban_ms));
  for (UnixMs t = ban_ms; t < ban_ms + kCoolDownBeforeDecayMs; t += 60'000) {
    store.update(t);
    CHECK(store.get_score("p") == -50);
  }
  store.update(ban_ms + kCoolDownBeforeDecayMs - 1);
  CHECK(store.is_cooling_down("p", ban_ms + kCoolDownBeforeDecayMs - 1));
  CHECK_FALSE(store.is_cooling_down("p", ban_ms + kCoolDownBeforeDecayMs));
  store.update(ban_ms + kCoolDownBeforeDecayMs);  // dt == 0: still frozen
  CHECK(store.get_score("p") == -50);
  store.update(ban_ms + kCoolDownBeforeDecayMs + 1);
  CHECK(store.get_score("p") == -50 * js_exp(kHalflifeDecayMs * 1.0));
  // While banned, gossipsub updates are dropped.
  PeerRpcScoreStore other;
  other.apply_action("q", PeerAction::Fatal, "x", kT0);
  other.update_gossipsub_score("q", 123, false, kT0 + 1);
  CHECK(other.get_gossip_score("q") == 0);
  other.update_gossipsub_score("q", 123, false, kT0 + kCoolDownBeforeDecayMs);
  CHECK(other.get_gossip_score("q") == 123);
}

TEST_CASE("reconnection cool-down for each goodbye code", "[score][cooldown]") {
  struct Expect {
    int64_t code;
    int64_t minutes;
    std::optional<UnixMs> last_update_ms;  // nullopt: untouched
  };
  const std::vector<Expect> table = {
      {-1, 5, kT0 + 5 * 60'000},  {1, 60, kT0 + 60 * 60'000}, {2, 240, kT0 + 240 * 60'000}, {3, 60, kT0 + 60 * 60'000},
      {129, 5, kT0 + 5 * 60'000}, {250, -1, std::nullopt},    {251, -1, std::nullopt},      {0, -1, kT0 - 60'000},
      {128, -1, kT0 - 60'000},    {42, -1, kT0 - 60'000},
  };
  for (const Expect& e : table) {
    INFO("code " << e.code);
    PeerRpcScoreStore store;
    const UnixMs created_ms = kT0 - 123;
    store.update_gossipsub_score("p", 0, false, created_ms);  // entry with lastUpdate = created_ms
    CHECK(store.apply_reconnection_cool_down("p", static_cast<GoodByeReasonCode>(e.code), kT0) == e.minutes);
    const UnixMs last_update_ms = store.dump_peer_score_stats(kT0)[0].stat.last_update_ms;
    CHECK(last_update_ms == e.last_update_ms.value_or(created_ms));
    CHECK(store.is_cooling_down("p", kT0) == (e.minutes > 0));
  }
}

TEST_CASE("MAX_ENTRIES pruning keeps the newest 1000 inserted", "[score][max_entries]") {
  PeerRpcScoreStore store;
  for (int i = 0; i < 1500; i++) store.apply_action("p" + std::to_string(i), PeerAction::LowToleranceError, "x", kT0);
  // Touching an old entry does not move it (Map.set keeps the position).
  store.apply_action("p3", PeerAction::HighToleranceError, "x", kT0);
  CHECK(store.size() == 1500);
  store.update(kT0 + 1);
  CHECK(store.size() == 1000);
  const PeerScoreStats stats = store.dump_peer_score_stats(kT0 + 1);
  for (size_t i = 0; i < stats.size(); i++) CHECK(stats[i].peer_id == "p" + std::to_string(500 + i));
  CHECK_FALSE(store.has_entry("p3"));
  CHECK(store.get_score("p499") == 0);
}

TEST_CASE("entries with |lodestar score| < 1 are deleted at update even with a gossip score", "[score]") {
  PeerRpcScoreStore store;
  store.update_gossipsub_score("g", 5000, false, kT0);
  store.apply_action("g", PeerAction::HighToleranceError, "x", kT0);  // lodestar -1, recompute with gossip
  CHECK(store.get_score("g") == -1 + 5000 * kGossipsubPositiveScoreWeight);
  store.update(kT0 + 1);  // -1 * decay: |.| < 1
  CHECK_FALSE(store.has_entry("g"));
  CHECK(store.get_score("g") == 0);
}

TEST_CASE("disable_peer_scoring stores MaxScore entries", "[score]") {
  PeerRpcScoreStore store(PeerRpcScoreOpts{.disable_peer_scoring = true});
  store.apply_action("p", PeerAction::Fatal, "x", kT0);
  CHECK(store.get_score("p") == kMaxScore);
  CHECK(store.apply_reconnection_cool_down("p", GoodByeReasonCode::IRRELEVANT_NETWORK, kT0) == kNoCoolDownApplied);
  CHECK_FALSE(store.is_cooling_down("p", kT0));
  store.update(kT0 + 1);
  CHECK(store.size() == 1);
  CHECK(store.dump_peer_score_stats(kT0 + 9).at(0).stat.last_update_ms == kT0 + 9);
}

}  // namespace
}  // namespace peers
