// Tests of js_array_sort (js_sort.h), the port of V8's Array.prototype.sort.
//
// The expected orders come from the REAL V8 11.3 (Node 20):
// engine/testdata/gen_js_sort.mjs sorts arrays with Array.prototype.sort and
// comparators that are no order (NaN among the values, or a hash of the pair),
// and records each resulting order, the number of comparator calls and a hash
// of the calls' arguments in js_sort_cases.json (the encoding is documented
// in the generator; engine/testing/js_sort_cases.h reads it). Nothing expected here is computed by the port.
#include "engine/utils/js_sort.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/testing/js_sort_cases.h"

namespace peers {
namespace {

using testing::JsSortCase;

// gen_js_sort.mjs's FNV-1a step and rand3, in uint32 arithmetic (Math.imul's
// low 32 bits, `>>> 0`).
uint32_t fnv(uint32_t h, uint32_t x) { return (h ^ x) * 0x01000193u; }
uint32_t rand3(uint32_t x, uint32_t y) { return ((x ^ (y * 0x9e3779b1u)) * 0x85ebca6bu ^ (x >> 3)) % 3; }

struct Sorted {
  std::vector<uint32_t> order;
  uint64_t calls = 0;
  uint32_t hash = 0x811c9dc5u;
};

// Sorts the indices of `values` as the generator sorts its {v, i} objects.
template <typename Sort>
Sorted sort_case(const std::string& cmp, const std::vector<double>& values, const Sort& sort) {
  Sorted out;
  out.order.resize(values.size());
  for (size_t i = 0; i < values.size(); i++) out.order[i] = static_cast<uint32_t>(i);
  auto compare = [&](uint32_t a, uint32_t b) -> double {
    out.calls++;
    out.hash = fnv(fnv(out.hash, a), b);
    if (cmp == "desc") return values[b] - values[a];
    if (cmp == "asc") return values[a] - values[b];
    REQUIRE(cmp == "rand");
    return static_cast<double>(rand3(a, b)) - 1;
  };
  sort(out.order, compare);
  return out;
}

std::vector<JsSortCase> load_cases() { return testing::load_js_sort_cases(PEER_REPLAY_SOURCE_DIR); }

TEST_CASE("js_array_sort: V8's order, comparator calls and their arguments, on comparators that are no order",
          "[js_sort]") {
  const std::vector<JsSortCase> cases = load_cases();
  REQUIRE(cases.size() > 300);
  size_t longest = 0;
  for (const JsSortCase& c : cases) {
    INFO("cmp " << c.cmp << ", length " << c.values.size());
    const Sorted got = sort_case(c.cmp, c.values, [](std::vector<uint32_t>& v, const auto& compare) {
      js_array_sort(v.begin(), v.end(), compare);
    });
    CHECK(got.order == c.order);
    CHECK(got.calls == c.calls);
    CHECK(got.hash == c.hash);
    longest = std::max(longest, c.values.size());
  }
  CHECK(longest >= 256);  // long enough for several runs, merges and galloping
}

TEST_CASE("js_array_sort: the fixture has cases where std::stable_sort orders otherwise", "[js_sort]") {
  // Else the fixture would not tell V8's algorithm from any stable sort.
  size_t differ = 0;
  for (const JsSortCase& c : load_cases()) {
    const Sorted stable = sort_case(c.cmp, c.values, [](std::vector<uint32_t>& v, const auto& compare) {
      std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) { return compare(a, b) < 0; });
    });
    if (stable.order != c.order) differ++;
  }
  CHECK(differ >= 50);
}

TEST_CASE("js_array_sort: on a consistent comparator, std::stable_sort's order", "[js_sort]") {
  std::mt19937_64 random(7);
  for (size_t n = 0; n <= 700; n += (n < 80 ? 1 : 13)) {
    for (int shape = 0; shape < 4; shape++) {
      // Keys with many ties (stability shows), then random, ascending runs,
      // descending runs.
      std::vector<int64_t> keys(n);
      for (size_t i = 0; i < n; i++) {
        const auto r = static_cast<int64_t>(random() % 1000);
        keys[i] = shape == 0 ? r % 5 : shape == 1 ? r : shape == 2 ? static_cast<int64_t>(i / 3) + r % 3 : -static_cast<int64_t>(i) + r % 40;
      }
      std::vector<uint32_t> expected(n);
      for (size_t i = 0; i < n; i++) expected[i] = static_cast<uint32_t>(i);
      std::vector<uint32_t> got = expected;
      std::stable_sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
      js_array_sort(got.begin(), got.end(),
                    [&](uint32_t a, uint32_t b) { return static_cast<double>(keys[a] - keys[b]); });
      INFO("n " << n << ", shape " << shape);
      CHECK(got == expected);
    }
  }
}

TEST_CASE("js_array_sort: a comparator result of NaN counts as 0 (keeps the order)", "[js_sort]") {
  for (size_t n : {2, 9, 10, 64, 200}) {
    std::vector<uint32_t> v(n);
    for (size_t i = 0; i < n; i++) v[i] = static_cast<uint32_t>(n - i);
    const std::vector<uint32_t> before = v;
    js_array_sort(v.begin(), v.end(), [](uint32_t, uint32_t) { return std::numeric_limits<double>::quiet_NaN(); });
    CHECK(v == before);
  }
}

TEST_CASE("js_array_sort: compute_min_run_length as listsort.txt gives it", "[js_sort]") {
  using State = js_sort_internal::SortState<uint32_t*, bool (*)(uint32_t, uint32_t)>;
  CHECK(State::compute_min_run_length(0) == 0);
  CHECK(State::compute_min_run_length(63) == 63);
  CHECK(State::compute_min_run_length(64) == 32);
  CHECK(State::compute_min_run_length(65) == 33);
  CHECK(State::compute_min_run_length(2048) == 32);
  CHECK(State::compute_min_run_length(2112) == 33);  // 2112 = 33 * 64
  CHECK(State::compute_min_run_length(2113) == 34);
}

}  // namespace
}  // namespace peers
