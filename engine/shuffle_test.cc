// RandomDraws over a RandomSource (a live caller's Math.random, asked as the
// engine consumes draws) against RandomDraws over the same values recorded:
// the same values in the same order, the same errors, the same count.
#include "engine/shuffle.h"

#include <catch2/catch.hpp>
#include <span>
#include <vector>

namespace {

// Hands out `values` in order; records how many each call asked for.
class ListSource : public peers::RandomSource {
 public:
  explicit ListSource(std::vector<double> values) : values_(std::move(values)) {}
  bool draw(std::span<double> out) override {
    asked.push_back(out.size());
    if (next_ + out.size() > values_.size()) return false;
    for (double& v : out) v = values_[next_++];
    return true;
  }
  std::vector<size_t> asked;

 private:
  std::vector<double> values_;
  size_t next_ = 0;
};

}  // namespace

TEST_CASE("a shuffle over a source equals the shuffle over the same values recorded") {
  const std::vector<double> values = {0.5, 0.99, 0.0, 0.25, 0.75, 0.1, 0.6};
  const std::vector<int> arr = {1, 2, 3, 4, 5, 6, 7, 8};
  peers::RandomDraws recorded(values);
  ListSource source(values);
  peers::RandomDraws live(&source);
  const auto a = peers::shuffle(arr, recorded);
  const auto b = peers::shuffle(arr, live);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a == *b);
  CHECK(live.used() == recorded.used());
  CHECK(source.asked == std::vector<size_t>{arr.size() - 1});  // one request for exactly the draws used
}

TEST_CASE("a source that cannot supply is kExhausted, a value outside 0 <= u < 1 is kOutOfRange") {
  ListSource short_source({0.5});
  peers::RandomDraws exhausted(&short_source);
  CHECK_FALSE(exhausted.take(3).has_value());
  CHECK(exhausted.error() == peers::RandomDraws::Error::kExhausted);
  CHECK_FALSE(exhausted.next().has_value());  // sticky

  ListSource bad_source({0.5, 1.0, 0.2});
  peers::RandomDraws out_of_range(&bad_source);
  CHECK_FALSE(out_of_range.take(3).has_value());
  CHECK(out_of_range.error() == peers::RandomDraws::Error::kOutOfRange);
  CHECK(out_of_range.used() == 1);  // as over recorded values: stops at the failing draw
}

TEST_CASE("next() over a source asks for one draw at a time") {
  ListSource source({0.1, 0.2});
  peers::RandomDraws live(&source);
  CHECK(live.next() == 0.1);
  CHECK(live.next() == 0.2);
  CHECK(live.used() == 2);
  CHECK(source.asked == std::vector<size_t>{1, 1});
}
