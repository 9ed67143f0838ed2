#include "engine/ordered_map.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace peers {
namespace {

template <typename K, typename V, typename Hash>
std::vector<std::pair<K, V>> entries(const OrderedMap<K, V, Hash>& map) {
  std::vector<std::pair<K, V>> out;
  for (const auto& [key, value] : map) out.emplace_back(key, value);
  return out;
}

using Entries = std::vector<std::pair<std::string, int>>;

TEST_CASE("OrderedMap iterates in insertion order", "[ordered_map]") {
  OrderedMap<std::string, int> map;
  map.set("c", 1);
  map.set("a", 2);
  map.set("b", 3);
  CHECK(entries(map) == Entries{{"c", 1}, {"a", 2}, {"b", 3}});
  CHECK(map.size() == 3);
  CHECK(map.keys() == std::vector<std::string>{"c", "a", "b"});
}

TEST_CASE("OrderedMap set on an existing key keeps its position", "[ordered_map]") {
  OrderedMap<std::string, int> map{{"x", 1}, {"y", 2}, {"z", 3}};
  map.set("x", 10);
  CHECK(entries(map) == Entries{{"x", 10}, {"y", 2}, {"z", 3}});
}

TEST_CASE("OrderedMap delete then set moves the key to the end", "[ordered_map]") {
  OrderedMap<std::string, int> map{{"x", 1}, {"y", 2}, {"z", 3}};
  CHECK(map.erase("x"));
  CHECK_FALSE(map.erase("x"));
  map.set("x", 4);
  CHECK(entries(map) == Entries{{"y", 2}, {"z", 3}, {"x", 4}});
  CHECK(map.find("nope") == nullptr);
  REQUIRE(map.find("y") != nullptr);
  CHECK(*map.find("y") == 2);
}

TEST_CASE("OrderedMap get_or_default appends only when absent (MapDef)", "[ordered_map]") {
  OrderedMap<std::string, int> map{{"a", 1}};
  int calls = 0;
  auto make = [&] {
    calls++;
    return 7;
  };
  CHECK(map.get_or_default("a", make) == 1);
  CHECK(map.get_or_default("b", make) == 7);
  map.get_or_default("b", make) += 1;
  CHECK(calls == 1);
  CHECK(entries(map) == Entries{{"a", 1}, {"b", 8}});
}

TEST_CASE("OrderedMap allows deleting during iteration like PeerRpcScoreStore.update", "[ordered_map]") {
  OrderedMap<std::string, int> map;
  for (int i = 0; i < 10; i++) map.set("k" + std::to_string(i), i);
  std::vector<std::string> visited;
  for (auto& [key, value] : map) {
    visited.push_back(key);
    if (value % 2 == 0) map.erase(key);                  // delete the current entry
    if (value == 3) map.erase("k" + std::to_string(7));  // and one not yet visited
  }
  CHECK(visited == std::vector<std::string>{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k8", "k9"});
  CHECK(entries(map) == Entries{{"k1", 1}, {"k3", 3}, {"k5", 5}, {"k9", 9}});
}

TEST_CASE("OrderedMap visits entries appended during iteration, as JS does", "[ordered_map]") {
  OrderedMap<std::string, int> map{{"a", 1}, {"b", 2}};
  std::vector<std::string> visited;
  for (auto& [key, value] : map) {
    visited.push_back(key);
    if (key == "a") map.set("c", 3);
  }
  CHECK(visited == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("OrderedMap compacts tombstones and keeps order", "[ordered_map]") {
  OrderedMap<int, int> map;
  for (int i = 0; i < 1000; i++) map.set(i, i);
  for (int i = 0; i < 990; i++) map.erase(i);
  CHECK(map.slot_count() == 1000);
  map.set(5000, 1);  // triggers compaction: 990 tombstones > 10 live
  CHECK(map.slot_count() == 11);
  std::vector<int> keys = map.keys();
  CHECK(keys == std::vector<int>{990, 991, 992, 993, 994, 995, 996, 997, 998, 999, 5000});
}

// Drives `map` and an insertion-ordered reference (linear scans) with the
// same random set/erase/find/get_or_default calls over keys make_key(0..key_range).
template <typename Map, typename MakeKey>
void check_against_model(Map& map, MakeKey make_key, int key_range, int steps, uint64_t seed) {
  using K = std::decay_t<decltype(make_key(0))>;
  std::mt19937_64 rng(seed);
  std::vector<std::pair<K, int>> model;
  auto model_find = [&](const K& key) {
    return std::find_if(model.begin(), model.end(), [&](const auto& e) { return e.first == key; });
  };
  for (int step = 0; step < steps; step++) {
    const K key = make_key(static_cast<int>(rng() % static_cast<uint64_t>(key_range)));
    const int op = static_cast<int>(rng() % 4);
    if (op == 0) {
      map.set(key, step);
      auto it = model_find(key);
      if (it == model.end())
        model.emplace_back(key, step);
      else
        it->second = step;
    } else if (op == 1) {
      const bool erased = map.erase(key);
      auto it = model_find(key);
      REQUIRE(erased == (it != model.end()));
      if (it != model.end()) model.erase(it);
    } else if (op == 2) {
      const int* got = map.find(key);
      auto it = model_find(key);
      REQUIRE((got != nullptr) == (it != model.end()));
      if (got != nullptr) REQUIRE(*got == it->second);
      REQUIRE(map.contains(key) == (it != model.end()));
    } else {
      const int got = map.get_or_default(key, [&] { return -step; });
      auto it = model_find(key);
      if (it == model.end()) {
        REQUIRE(got == -step);
        model.emplace_back(key, -step);
      } else {
        REQUIRE(got == it->second);
      }
    }
    if (rng() % 64 == 0) {
      // A sweep as PeerRpcScoreStore.update() does: erase(iterator) of some
      // entries while iterating, the rest visited in order.
      const int residue = static_cast<int>(rng() % 3);
      std::vector<K> visited;
      for (auto it = map.begin(); it != map.end(); ++it) {
        visited.push_back(it->first);
        if (((it->second % 3) + 3) % 3 == residue) map.erase(it);
      }
      std::vector<K> model_keys;
      for (const auto& e : model) model_keys.push_back(e.first);
      REQUIRE(visited == model_keys);
      std::erase_if(model, [&](const auto& e) { return ((e.second % 3) + 3) % 3 == residue; });
      for (const auto& [k, v] : model) REQUIRE(map.find(k) != nullptr);
    }
    REQUIRE(map.size() == model.size());
    if (step % 997 == 0) REQUIRE(entries(map) == model);
  }
  CHECK(entries(map) == model);
  // Every key still answers after the churn (the index has no stale holes).
  for (const auto& [key, value] : model) REQUIRE(map.find(key) != nullptr);
}

TEST_CASE("OrderedMap matches a reference model under random operations", "[ordered_map]") {
  OrderedMap<int, int> map;
  check_against_model(map, [](int i) { return i; }, 300, 200000, 12345);
}

TEST_CASE("OrderedMap with string keys matches the model", "[ordered_map]") {
  // Peer-id-like keys of 1 to 60 bytes, so every tail length of the hash runs.
  OrderedMap<std::string, int> map;
  auto make_key = [](int i) { return std::string(static_cast<size_t>(1 + i % 60), static_cast<char>('a' + i % 26)) + std::to_string(i); };
  check_against_model(map, make_key, 500, 100000, 777);
}

// Sends every key to one of three buckets: long probe chains, wrap-around at
// the end of the table, and backward-shift deletion in the middle of a chain.
struct CollidingHash {
  uint64_t operator()(int key) const { return static_cast<uint64_t>(key % 3) * 0x9e3779b97f4a7c15ULL; }
};

TEST_CASE("OrderedMap stays correct when every key collides", "[ordered_map]") {
  OrderedMap<int, int, CollidingHash> map;
  check_against_model(map, [](int i) { return i; }, 100, 50000, 99);
}

TEST_CASE("OrderedMap copies are independent values", "[ordered_map]") {
  OrderedMap<std::string, int> a{{"x", 1}, {"y", 2}};
  OrderedMap<std::string, int> b = a;
  b.set("x", 5);
  b.erase("y");
  CHECK(entries(a) == Entries{{"x", 1}, {"y", 2}});
  CHECK(entries(b) == Entries{{"x", 5}});
  b = a;
  CHECK(entries(b) == Entries{{"x", 1}, {"y", 2}});
}

TEST_CASE("OrderedMap: a moved-from map is empty and usable", "[ordered_map]") {
  OrderedMap<std::string, int> a{{"x", 1}, {"y", 2}};
  OrderedMap<std::string, int> b(std::move(a));
  CHECK(entries(b) == Entries{{"x", 1}, {"y", 2}});
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): the state after a move is specified here
  CHECK(a.find("x") == nullptr);
  a.set("z", 3);
  CHECK(entries(a) == Entries{{"z", 3}});
  OrderedMap<std::string, int> c;
  c = std::move(b);
  CHECK(entries(c) == Entries{{"x", 1}, {"y", 2}});
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  b.set("w", 4);
  CHECK(entries(b) == Entries{{"w", 4}});
}

}  // namespace
}  // namespace peers
