// Tests of the one JSON comparer: the ULP distance's meaning (traces/FORMAT.md
// §4) at its edges, exact equality, the tolerance, and the member walk both
// reports print.
#include "trace/json_compare.h"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>
#include <string>

namespace replay {
namespace {

using nlohmann::json;
using Limits = std::numeric_limits<double>;

double from_bits(uint64_t u) { return std::bit_cast<double>(u); }

TEST_CASE("ulp_distance: 0 only for identical bits, +0 and -0 are one step apart", "[json_compare][ulp]") {
  CHECK(ulp_distance(0.0, 0.0) == 0);
  CHECK(ulp_distance(-0.0, -0.0) == 0);
  CHECK(ulp_distance(-0.0, 0.0) == 1);
  CHECK(ulp_distance(0.0, -0.0) == 1);
  CHECK(ulp_distance(1.5, 1.5) == 0);
  CHECK(ulp_distance(1.0, std::nextafter(1.0, 2.0)) == 1);
  CHECK(ulp_distance(-1.0, std::nextafter(-1.0, -2.0)) == 1);
}

TEST_CASE("ulp_distance: subnormals are steps like any other", "[json_compare][ulp]") {
  const double tiny = Limits::denorm_min();
  CHECK(ulp_distance(0.0, tiny) == 1);
  CHECK(ulp_distance(-0.0, tiny) == 2);
  CHECK(ulp_distance(-tiny, tiny) == 3);  // -tiny, -0, +0, +tiny
  // The largest subnormal and the smallest normal are neighbours.
  CHECK(ulp_distance(from_bits(0x000FFFFFFFFFFFFF), Limits::min()) == 1);
  CHECK(ulp_distance(0.0, Limits::min()) == 0x0010000000000000);
}

TEST_CASE("ulp_distance: opposite signs count the doubles on both sides of zero", "[json_compare][ulp]") {
  // From -1 to 0 and from 0 to 1: the bit patterns of 1.0 count the steps
  // from +0 up to 1.0; -0 adds one.
  const uint64_t one = std::bit_cast<uint64_t>(1.0);
  CHECK(ulp_distance(-1.0, 1.0) == 2 * one + 1);
  CHECK(ulp_distance(1.0, -1.0) == 2 * one + 1);
  CHECK(ulp_distance(-Limits::denorm_min(), 0.0) == 2);
  CHECK(ulp_distance(-2.0, 1.0) == std::bit_cast<uint64_t>(2.0) + one + 1);
}

TEST_CASE("ulp_distance: symmetric", "[json_compare][ulp]") {
  const double xs[] = {0.0, -0.0, 1e-310, -1e-310, 0.1, -0.1, 14.406093444266025, -14.406093444266025,
                       Limits::max(), -Limits::max(), Limits::infinity(), -Limits::infinity()};
  for (double a : xs) {
    for (double b : xs) CHECK(ulp_distance(a, b) == ulp_distance(b, a));
  }
}

TEST_CASE("ulp_distance: infinities are one step past the largest finite double", "[json_compare][ulp]") {
  const double inf = Limits::infinity();
  CHECK(ulp_distance(Limits::max(), inf) == 1);
  CHECK(ulp_distance(-Limits::max(), -inf) == 1);
  CHECK(ulp_distance(inf, inf) == 0);
  // The whole line: every finite double, both zeros, and the two infinities.
  const uint64_t inf_bits = std::bit_cast<uint64_t>(inf);
  CHECK(ulp_distance(-inf, inf) == 2 * inf_bits + 1);
  CHECK(ulp_distance(-inf, inf) < kUlpNotComparable);
}

TEST_CASE("ulp_distance: NaN is comparable only to the same NaN", "[json_compare][ulp]") {
  const double nan = Limits::quiet_NaN();
  CHECK(ulp_distance(nan, nan) == 0);
  CHECK(ulp_distance(nan, 1.0) == kUlpNotComparable);
  CHECK(ulp_distance(0.0, nan) == kUlpNotComparable);
  CHECK(ulp_distance(nan, -nan) == kUlpNotComparable);
  CHECK(ulp_distance(Limits::infinity(), nan) == kUlpNotComparable);
  // No tolerance accepts it.
  CHECK_FALSE(json_equal_exact(json(nan), json(1.0), UINT64_MAX));
}

TEST_CASE("json_equal_exact: doubles by their bits, integers by value", "[json_compare]") {
  CHECK(json_equal_exact(json::parse("1"), json::parse("1.0")));
  CHECK_FALSE(json_equal_exact(json::parse("0"), json::parse("-0.0")));
  CHECK_FALSE(json_equal_exact(json(0.1), json(std::nextafter(0.1, 1.0))));
  CHECK(json_equal_exact(json::parse(R"({"a":1,"b":[1,2]})"), json::parse(R"({"b":[1,2],"a":1})")));
  CHECK_FALSE(json_equal_exact(json::parse(R"({"a":1})"), json::parse(R"({"a":1,"b":2})")));
  CHECK_FALSE(json_equal_exact(json::parse("[1,2]"), json::parse("[2,1]")));
  CHECK_FALSE(json_equal_exact(json::parse("\"1\""), json::parse("1")));
  // Signed and unsigned integers by value, also beyond INT64_MAX.
  CHECK(json_equal_exact(json(int64_t{5}), json(uint64_t{5})));
  CHECK_FALSE(json_equal_exact(json(int64_t{-1}), json(UINT64_MAX)));
}

TEST_CASE("json_equal_exact: the tolerance relaxes doubles only, by ulp_distance", "[json_compare]") {
  const double a = -14.406093444266025, b = std::nextafter(a, -20.0);
  CHECK_FALSE(json_equal_exact(json(a), json(b)));
  CHECK(json_equal_exact(json(a), json(b), 1));
  CHECK_FALSE(json_equal_exact(json(0.0), json(-0.0), 0));  // --ulp 0 stays bit-exact
  CHECK(json_equal_exact(json(0.0), json(-0.0), 1));
  CHECK_FALSE(json_equal_exact(json(-Limits::denorm_min()), json(Limits::denorm_min()), 2));
  CHECK(json_equal_exact(json(-Limits::denorm_min()), json(Limits::denorm_min()), 3));
  CHECK_FALSE(json_equal_exact(json(1), json(2), 1'000'000));  // two integers: exact
}

TEST_CASE("json_equal_exact on a tape agrees with the DOM version", "[json_compare]") {
  const char* texts[] = {R"({"peer":"P","score":-10,"gossip":0,"ok":true,"n":null,"a":[1,2.5]})",
                         R"({"peer":"P","score":-10.000000000000002,"gossip":0,"ok":true,"n":null,"a":[1,2.5]})",
                         R"({"peer":"P","score":-10,"gossip":-0.0,"ok":true,"n":null,"a":[1,2.5]})",
                         R"({"peer":"Q","score":-10,"gossip":0,"ok":false,"n":null,"a":[1]})",
                         R"({"score":-10,"peer":"P","gossip":0,"ok":true,"n":null,"a":[1,2.5]})", "[]", "3", "\"s\""};
  for (const char* ta : texts) {
    JsonTape tape;
    std::string why;
    REQUIRE(tape.parse(ta, &why));
    for (const char* tb : texts) {
      const json b = json::parse(tb);
      for (uint64_t ulp : {uint64_t{0}, uint64_t{1}}) {
        INFO(ta << " vs " << tb << " ulp " << ulp);
        CHECK(json_equal_exact(tape.root(), b, ulp) == json_equal_exact(json::parse(ta), b, ulp));
      }
    }
  }
}

TEST_CASE("json_field_diffs: paths, absent members, delta and ULP", "[json_compare]") {
  const json a = json::parse(R"({"kind":"send_goodbye","peer":"P","req":3,"score":-10,"x":{"y":[1,2]}})");
  const json b = json::parse(R"({"kind":"send_goodbye","peer":"Q","score":-10.000000000000002,"x":{"y":[1,3]},"z":1})");
  std::vector<FieldDiff> out;
  size_t omitted = 0;
  json_field_diffs(a, b, "", CompareOptions{}, &out, &omitted);
  REQUIRE(out.size() == 5);
  CHECK(omitted == 0);
  CHECK(out[0].path == "peer");
  CHECK(out[1].path == "req");
  CHECK(out[1].b_missing);
  CHECK(out[2].path == "score");
  CHECK(out[2].has_ulp);
  CHECK(out[2].ulp == 1);
  CHECK(out[3].path == "x.y[1]");
  CHECK(out[3].has_delta);
  CHECK(out[3].delta == 1);
  CHECK_FALSE(out[3].has_ulp);  // two integers
  CHECK(out[4].path == "z");
  CHECK(out[4].a_missing);

  out.clear();
  CompareOptions capped;
  capped.cap = 2;
  json_field_diffs(a, b, "actions[0]", capped, &out, &omitted);
  REQUIRE(out.size() == 2);
  CHECK(out[0].path == "actions[0].peer");
  CHECK(omitted == 3);
}

TEST_CASE("json_field_diffs: within the tolerance is no difference, and ulp_members", "[json_compare]") {
  const json a = json::parse(R"({"lodestar":0,"score":-10})");
  const json b = json::parse(R"({"lodestar":-0.0,"score":-10.000000000000002})");
  std::vector<FieldDiff> out;
  CompareOptions tolerant;
  tolerant.ulp = 1;
  json_field_diffs(a, b, "", tolerant, &out, nullptr);
  CHECK(out.empty());

  const json ia = json::parse(R"({"score":-1})"), ib = json::parse(R"({"score":-2})");
  CompareOptions members;
  members.ulp_members = true;
  json_field_diffs(ia, ib, "", members, &out, nullptr);
  REQUIRE(out.size() == 1);
  CHECK(out[0].has_ulp);
  CHECK(out[0].ulp == ulp_distance(-1.0, -2.0));
}

TEST_CASE("json_field_diffs: arrays of different lengths, whole or by element", "[json_compare]") {
  const json a = json::parse(R"([{"k":1},{"k":2}])"), b = json::parse(R"([{"k":1},{"k":3},{"k":4}])");
  std::vector<FieldDiff> whole;
  json_field_diffs(a, b, "actions", CompareOptions{}, &whole, nullptr);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].path == "actions");

  std::vector<FieldDiff> by_element;
  CompareOptions opts;
  opts.arrays_by_element = true;
  json_field_diffs(a, b, "actions", opts, &by_element, nullptr);
  REQUIRE(by_element.size() == 2);
  CHECK(by_element[0].path == "actions.length");
  CHECK(by_element[0].a == 2);
  CHECK(by_element[0].b == 3);
  CHECK(by_element[1].path == "actions[1].k");
}

}  // namespace
}  // namespace replay
