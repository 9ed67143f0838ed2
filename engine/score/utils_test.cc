// Tests of score_to_state and update_gossipsub_scores (utils.cc), including
// Lodestar's updateGossipsubScores cases from score.test.ts.
#include "engine/score/utils.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <span>
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

// The integer sort must give the permutation of the TS sort, a stable sort
// with (a, b) => b - a. Fresh store entries are created in processing order,
// so the store's key order shows the permutation.
TEST_CASE("updateGossipsubScores processes peers in the TS sort's order", "[score]") {
  const double tricky[] = {0.0, -0.0, 1.5, -1.5, 4.9e-324, -4.9e-324, 1e308, -1e308, INFINITY, -INFINITY, 7.25, -3};
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < 200; round++) {
    const size_t n = 1 + next() % 300;
    std::vector<std::pair<PeerIdStr, double>> scores;
    for (size_t i = 0; i < n; i++) {
      const double score = next() % 3 == 0 ? static_cast<double>(static_cast<int64_t>(next() % 2001) - 1000) / 8
                                           : tricky[next() % std::size(tricky)];
      scores.emplace_back("peer-" + std::to_string(i), score);
    }
    std::vector<size_t> expected(n);
    for (size_t i = 0; i < n; i++) expected[i] = i;
    std::stable_sort(expected.begin(), expected.end(),
                     [&](size_t a, size_t b) { return (scores[b].second - scores[a].second) < 0; });

    PeerRpcScoreStore store;
    update_gossipsub_scores(store, std::span<const std::pair<PeerIdStr, double>>(scores), 0, kT0);
    const PeerScoreStats stats = store.dump_peer_score_stats(kT0);
    REQUIRE(stats.size() == n);
    for (size_t i = 0; i < n; i++) REQUIRE(stats[i].peer_id == scores[expected[i]].first);
  }
}

TEST_CASE("updateGossipsubScores with a NaN score still updates every peer", "[score]") {
  const std::vector<std::pair<PeerIdStr, double>> scores = {{"a", 1}, {"b", NAN}, {"c", -2}, {"d", 3}};
  PeerRpcScoreStore store;
  update_gossipsub_scores(store, std::span<const std::pair<PeerIdStr, double>>(scores), 0, kT0);
  CHECK(store.dump_peer_score_stats(kT0).size() == 4);
}

}  // namespace
}  // namespace peers
