#include "engine/sequential_map.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "engine/ordered_map.h"

namespace peers {
namespace {

std::vector<std::pair<int64_t, int>> entries(const SequentialMap<int>& map) {
  std::vector<std::pair<int64_t, int>> out;
  for (const auto& [key, value] : map) out.emplace_back(key, value);
  return out;
}

std::vector<std::pair<int64_t, int>> entries(const OrderedMap<int64_t, int>& map) {
  std::vector<std::pair<int64_t, int>> out;
  for (const auto& [key, value] : map) out.emplace_back(key, value);
  return out;
}

TEST_CASE("SequentialMap: find, erase, order and compaction", "[sequential_map]") {
  SequentialMap<int> map;
  CHECK(map.empty());
  CHECK(map.find(1) == nullptr);
  CHECK(!map.erase(1));
  for (int64_t key = 1; key <= 1000; key++) map.append(key, static_cast<int>(key * 10));
  CHECK(map.size() == 1000);
  REQUIRE(map.find(500) != nullptr);
  CHECK(*map.find(500) == 5000);
  CHECK(map.find(0) == nullptr);
  CHECK(map.find(1001) == nullptr);
  CHECK(map.find(INT64_MIN) == nullptr);
  CHECK(map.find(INT64_MAX) == nullptr);
  for (int64_t key = 1; key <= 990; key++) CHECK(map.erase(key));
  CHECK(!map.erase(5));  // already erased
  CHECK(map.find(5) == nullptr);
  CHECK(!map.contains(5));
  CHECK(map.slot_count() == 1000);
  map.append(5000, 1);  // 990 tombstones > 10 live: compacts first
  CHECK(map.slot_count() == 11);
  CHECK(map.size() == 11);
  const auto got = entries(map);
  REQUIRE(got.size() == 11);
  CHECK(got.front() == std::pair<int64_t, int>{991, 9910});
  CHECK(got.back() == std::pair<int64_t, int>{5000, 1});
  CHECK(*map.find(995) == 9950);
  *map.find(995) = 7;  // values are mutable in place
  CHECK(*map.find(995) == 7);
}

// The pending-request table's use: increasing keys, erases anywhere, lookups
// of present and absent keys. Must behave exactly as the OrderedMap it
// replaced, including iteration order.
TEST_CASE("SequentialMap matches OrderedMap under random appends and erases", "[sequential_map]") {
  for (uint64_t seed = 1; seed <= 20; seed++) {
    std::mt19937_64 rng(seed);
    SequentialMap<int> map;
    OrderedMap<int64_t, int> model;
    int64_t next_key = 1;
    std::map<int64_t, size_t> hints;  // per key: a slot slot_of gave for it, stale or not
    for (int step = 0; step < 5000; step++) {
      const int op = static_cast<int>(rng() % 3);
      if (op == 0) {
        next_key += 1 + static_cast<int64_t>(rng() % 3);
        map.append(next_key, step);
        model.set(next_key, step);
      } else {
        const int64_t key = static_cast<int64_t>(rng() % static_cast<uint64_t>(next_key + 2));
        if (op == 1) {
          REQUIRE(map.erase(key) == model.erase(key));
        } else if (rng() % 2 == 0) {
          // The slot API, as the response path uses it: a slot found earlier
          // (kept in `hints`, stale once an append compacted), then erase.
          const size_t fresh = map.slot_of(key);
          REQUIRE((fresh != SequentialMap<int>::kNoSlot) == model.contains(key));
          // A key's first hint is any slot (in range or not): a wrong one.
          const size_t any_slot = rng() % 3 == 0 ? SIZE_MAX : static_cast<size_t>(rng() % (map.slot_count() + 2));
          size_t& hint = hints.try_emplace(key, any_slot).first->second;
          const size_t slot = map.slot_of(key, hint);
          REQUIRE(slot == fresh);
          if (slot != SequentialMap<int>::kNoSlot) {
            REQUIRE(map.at_slot(slot) == *model.find(key));
            if (rng() % 2 == 0) {
              map.erase_slot(slot);
              model.erase(key);
            } else {
              hint = slot;
            }
          }
        } else {
          const int* got = map.find(key);
          const int* want = model.find(key);
          REQUIRE((got != nullptr) == (want != nullptr));
          if (got != nullptr) REQUIRE(*got == *want);
          REQUIRE(map.contains(key) == model.contains(key));
        }
      }
      REQUIRE(map.size() == model.size());
      if (step % 97 == 0) REQUIRE(entries(map) == entries(model));
    }
    REQUIRE(entries(map) == entries(model));
  }
}

}  // namespace
}  // namespace peers
