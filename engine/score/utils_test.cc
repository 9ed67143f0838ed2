// Tests of score_to_state and update_gossipsub_scores (utils.cc), including
// Lodestar's updateGossipsubScores cases from score.test.ts.
#include "engine/score/utils.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "engine/score/store.h"
#include "engine/testing/js_sort_cases.h"
#include "peers/score_constants.h"

namespace peers {
namespace {

constexpr UnixMs kT0 = 1'700'000'000'000;

// A seeded xorshift64 stream for the random cases.
struct XorShift64 {
  uint64_t state;
  uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

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

// update_gossipsub_scores into an empty store creates one entry per peer, in
// the order of the TS sort (a stable sort with the TS comparator).
void require_ts_sort_order(const std::vector<std::pair<PeerIdStr, double>>& scores) {
  const size_t n = scores.size();
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

// The integer sort must give the permutation of the TS sort, a stable sort
// with (a, b) => b - a. Fresh store entries are created in processing order,
// so the store's key order shows the permutation.
TEST_CASE("updateGossipsubScores processes peers in the TS sort's order", "[score]") {
  const double tricky[] = {0.0, -0.0, 1.5, -1.5, 4.9e-324, -4.9e-324, 1e308, -1e308, INFINITY, -INFINITY, 7.25, -3};
  XorShift64 next{0x9e3779b97f4a7c15ull};
  for (int round = 0; round < 200; round++) {
    const size_t n = 1 + next() % 300;
    std::vector<std::pair<PeerIdStr, double>> scores;
    for (size_t i = 0; i < n; i++) {
      const double score = next() % 3 == 0 ? static_cast<double>(static_cast<int64_t>(next() % 2001) - 1000) / 8
                                           : tricky[next() % std::size(tricky)];
      scores.emplace_back("peer-" + std::to_string(i), score);
    }
    require_ts_sort_order(scores);
  }
}

// Scores that differ only in their low bits, in clusters around a few bases,
// with ties among them, in lists long enough (>= 64) for the radix sort:
// every byte of the order key decides somewhere, the low ones included.
TEST_CASE("updateGossipsubScores orders scores that differ only in their low bits", "[score]") {
  XorShift64 next{0x5851f42d4c957f2dull};
  const double bases[] = {1.0, -1.0, 37.125, -250.5, 1e-3, -7e5};
  for (int round = 0; round < 300; round++) {
    const size_t n = 64 + next() % 500;
    // How far apart the scores of one cluster are: within 2^k units in the
    // last place of a base (k from 0 to 40), so they differ in the low k bits.
    const int spread_bits = static_cast<int>(next() % 41);
    const size_t clusters = 1 + next() % 8;
    std::vector<std::pair<PeerIdStr, double>> scores;
    for (size_t i = 0; i < n; i++) {
      const double base = bases[(next() % clusters) % std::size(bases)];
      const uint64_t offset = spread_bits == 0 ? 0 : next() % (uint64_t{1} << spread_bits);
      const double score = std::bit_cast<double>(std::bit_cast<uint64_t>(base) + (next() % 4 == 0 ? 0 : offset));
      scores.emplace_back("peer-" + std::to_string(i), score);
    }
    require_ts_sort_order(scores);
  }
}

TEST_CASE("updateGossipsubScores with a NaN score still updates every peer", "[score]") {
  const std::vector<std::pair<PeerIdStr, double>> scores = {{"a", 1}, {"b", NAN}, {"c", -2}, {"d", 3}};
  PeerRpcScoreStore store;
  update_gossipsub_scores(store, std::span<const std::pair<PeerIdStr, double>>(scores), 0, kT0);
  CHECK(store.dump_peer_score_stats(kT0).size() == 4);
}

// With a NaN among the scores the comparator is no order, and the peers are
// taken in the order V8's sort gives: the fixture's "desc" cases are
// Array.prototype.sort with (a, b) => b.v - a.v on real V8, the comparator of
// updateGossipsubScores. Entries are created in that order, and `ignore` goes
// to the first toIgnoreNegativePeers negative peers in it.
TEST_CASE("updateGossipsubScores with NaN scores takes the peers in V8's sort order", "[score]") {
  size_t with_nan = 0;
  for (const testing::JsSortCase& c : testing::load_js_sort_cases(PEER_REPLAY_SOURCE_DIR)) {
    if (c.cmp != "desc" || std::none_of(c.values.begin(), c.values.end(), [](double v) { return std::isnan(v); })) {
      continue;
    }
    with_nan++;
    std::vector<std::pair<PeerIdStr, double>> scores;
    for (size_t i = 0; i < c.values.size(); i++) scores.emplace_back("peer-" + std::to_string(i), c.values[i]);
    const int64_t to_ignore = static_cast<int64_t>(c.values.size() / 4);
    PeerRpcScoreStore store;
    update_gossipsub_scores(store, std::span<const std::pair<PeerIdStr, double>>(scores), to_ignore, kT0);

    const PeerScoreStats stats = store.dump_peer_score_stats(kT0);
    REQUIRE(stats.size() == c.order.size());
    int64_t ignores_left = to_ignore;
    for (size_t k = 0; k < c.order.size(); k++) {
      const double score = c.values[c.order[k]];
      const bool ignore = score < 0 && score > kNegativeGossipScoreIgnoreThreshold && ignores_left > 0;
      if (ignore) ignores_left--;
      INFO("length " << c.values.size() << ", position " << k);
      REQUIRE(stats[k].peer_id == scores[c.order[k]].first);
      REQUIRE(stats[k].stat.ignore_negative_gossip_score == ignore);
    }
  }
  CHECK(with_nan >= 200);
}

// Against the TS loop as written (a stable sort with the TS comparator, then
// getOrDefault and the ignore countdown peer by peer), on stores that already
// hold entries for some of the peers, in another order: the same entries in
// the same order, with the same scores and flags.
TEST_CASE("updateGossipsubScores matches the TS loop on stores with entries", "[score]") {
  const double tricky[] = {0.0, -0.0, -1.5, -999.75, -1000, -1000.5, -4.9e-324, 3, -3, -0.25, 1e308, -INFINITY};
  XorShift64 next{0x2545f4914f6cdd1dull};
  auto reference = [](PeerRpcScoreStore& store, std::vector<std::pair<PeerIdStr, double>> scores, int64_t to_ignore,
                      UnixMs now_ms) {
    std::stable_sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return (b.second - a.second) < 0; });
    for (const auto& [peer, score] : scores) {
      bool ignore = false;
      if (score < 0 && score > -1000 && to_ignore > 0) {
        ignore = true;
        to_ignore -= 1;
      }
      store.update_gossipsub_score(peer, score, ignore, now_ms);
    }
  };
  for (int round = 0; round < 300; round++) {
    const size_t n = 1 + next() % 250;
    std::vector<std::pair<PeerIdStr, double>> scores;
    for (size_t i = 0; i < n; i++) {
      const double score = next() % 2 == 0 ? -static_cast<double>(next() % 40000) / 32 + 50
                                           : tricky[next() % std::size(tricky)];
      scores.emplace_back("peer-" + std::to_string(i), score);
    }
    PeerRpcScoreStore ours;
    PeerRpcScoreStore theirs;
    // Entries for about half the peers, plus some for peers not in the list,
    // created in a shuffled order; some of them banned (lastUpdate in the
    // future: their gossip score is not written).
    for (size_t k = 0; k < n; k++) {
      const size_t pick = next() % (n + n / 4 + 1);
      if (next() % 2 == 0) continue;
      const PeerIdStr peer = pick < n ? scores[pick].first : PeerIdStr("other-" + std::to_string(pick));
      const PeerAction action = next() % 5 == 0 ? PeerAction::Fatal : PeerAction::HighToleranceError;
      ours.apply_action(peer, action, "test", kT0 - 1000);
      theirs.apply_action(peer, action, "test", kT0 - 1000);
    }
    const int64_t to_ignore = static_cast<int64_t>(next() % (n + 2)) - 1;
    update_gossipsub_scores(ours, std::span<const std::pair<PeerIdStr, double>>(scores), to_ignore, kT0);
    reference(theirs, scores, to_ignore, kT0);
    const PeerScoreStats a = ours.dump_peer_score_stats(kT0);
    const PeerScoreStats b = theirs.dump_peer_score_stats(kT0);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); i++) {
      REQUIRE(a[i].peer_id == b[i].peer_id);
      REQUIRE(std::bit_cast<uint64_t>(a[i].stat.gossip_score) == std::bit_cast<uint64_t>(b[i].stat.gossip_score));
      REQUIRE(a[i].stat.ignore_negative_gossip_score == b[i].stat.ignore_negative_gossip_score);
      REQUIRE(std::bit_cast<uint64_t>(a[i].stat.score) == std::bit_cast<uint64_t>(b[i].stat.score));
    }
  }
}

}  // namespace
}  // namespace peers
