// Tests of score_to_state and update_gossipsub_scores (utils.cc), including
// Lodestar's updateGossipsubScores cases from score.test.ts.
#include "engine/score/utils.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "engine/score/store.h"

namespace peers {
namespace {

constexpr UnixMs kT0 = 1'700'000'000'000;

TEST_CASE("score_to_state thresholds", "[score]") {
  CHECK(score_to_state(0) == ScoreState::Healthy);
  CHECK(score_to_state(-19.999) == ScoreState::Healthy);
  CHECK(score_to_state(-20) == ScoreState::Disconnected);
  CHECK(score_to_state(-49.999) == ScoreState::Disconnected);
  CHECK(score_to_state(-50) == ScoreState::Banned);
  CHECK(score_to_state(NAN) == ScoreState::Healthy);
}

TEST_CASE("updateGossipsubScores ignores the best negative peers only", "[score][lodestar]") {
  struct TestCase {
    std::vector<std::tuple<std::string, double, bool>> peer_scores;
    int64_t max_ignore;
  };
  const std::vector<TestCase> cases = {
      // Should NOT ignore negative score of <= -1000
      {{{"a", 10, false}, {"b", -10, true}, {"c", -20, true}, {"d", -5, true}, {"e", -1000, false}}, 5},
      // Should NOT ignore last negative score
      {{{"a", 10, false}, {"b", -10, true}, {"c", -20, true}, {"d", -5, true}, {"e", -30, false}}, 3},
  };
  for (const TestCase& tc : cases) {
    PeerRpcScoreStore store;
    OrderedMap<PeerIdStr, double> scores;
    for (const auto& [peer, score, ignore] : tc.peer_scores) scores.set(peer, score);
    update_gossipsub_scores(store, scores, tc.max_ignore, kT0);
    for (const PeerScoreStatEntry& e : store.dump_peer_score_stats(kT0)) {
      for (const auto& [peer, score, ignore] : tc.peer_scores) {
        if (peer != e.peer_id) continue;
        CHECK(e.stat.gossip_score == score);
        CHECK(e.stat.ignore_negative_gossip_score == ignore);
      }
    }
    // The store's entries were created in descending gossip-score order.
    std::vector<std::string> order;
    for (const PeerScoreStatEntry& e : store.dump_peer_score_stats(kT0)) order.push_back(e.peer_id);
    CHECK(order.front() == "a");
  }
}

}  // namespace
}  // namespace peers
