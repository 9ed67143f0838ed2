// Tests of RealScore (score.cc): decay arithmetic and the lazy gossip recompute.
// Whole-store behaviour against the real TS is in store_test.cc.
#include "engine/score/score.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "engine/js_math.h"
#include "peers/score_constants.h"

namespace peers {
namespace {

constexpr UnixMs kT0 = 1'700'000'000'000;

TEST_CASE("decay multiplies by js_exp(HALFLIFE_DECAY_MS * dt) exactly", "[score][decay]") {
  for (int64_t dt_ms = 1; dt_ms <= 2'000'000; dt_ms += 997) {
    RealScore score(kT0);
    score.add(-10, kT0);
    const double before = score.get_stat().lodestar_score;
    score.update(kT0 + dt_ms);
    const double expected = before * js_exp(kHalflifeDecayMs * static_cast<double>(dt_ms));
    REQUIRE(std::bit_cast<uint64_t>(score.get_stat().lodestar_score) == std::bit_cast<uint64_t>(expected));
    REQUIRE(score.get_stat().last_update_ms == kT0 + dt_ms);
  }
  // A half-life halves the score (up to rounding).
  RealScore half(kT0);
  half.add(-10, kT0);
  half.update(kT0 + kScoreHalflifeMs);
  CHECK(std::fabs(half.get_stat().lodestar_score + 5) < 1e-12);
  // dt <= 0 changes nothing, not even lastUpdate.
  RealScore same(kT0);
  same.add(-10, kT0);
  CHECK(same.update(kT0) == -10);
  CHECK(same.update(kT0 - 5) == -10);
  CHECK(same.get_stat().last_update_ms == kT0);
}

TEST_CASE("gossip score only counts from the next recompute", "[score]") {
  RealScore score(kT0);
  score.update_gossipsub_score(1000, false, kT0);
  CHECK(score.get_score() == 0);  // not recomputed yet
  score.add(0, kT0);
  CHECK(score.get_score() == 1000 * kGossipsubPositiveScoreWeight);
  score.update_gossipsub_score(-1000, true, kT0);
  score.add(0, kT0);
  CHECK(score.get_score() == 0);  // negative and ignored
  score.add(-61, kT0);            // lodestar <= -60: the gossip part is dropped
  CHECK(score.get_score() == -61);
}

}  // namespace
}  // namespace peers
