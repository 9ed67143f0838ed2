#include "engine/ordered_map.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace peers {
namespace {

template <typename K, typename V>
std::vector<std::pair<K, V>> entries(const OrderedMap<K, V>& map) {
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

TEST_CASE("OrderedMap matches a reference model under random operations", "[ordered_map]") {
  std::mt19937_64 rng(12345);
  OrderedMap<int, int> map;
  std::vector<std::pair<int, int>> model;  // insertion-ordered reference, linear scans
  auto model_find = [&](int key) {
    return std::find_if(model.begin(), model.end(), [&](const auto& e) { return e.first == key; });
  };
  for (int step = 0; step < 200000; step++) {
    const int key = static_cast<int>(rng() % 300);
    const int op = static_cast<int>(rng() % 3);
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
      CHECK(erased == (it != model.end()));
      if (it != model.end()) model.erase(it);
    } else {
      const int* got = map.find(key);
      auto it = model_find(key);
      REQUIRE((got != nullptr) == (it != model.end()));
      if (got != nullptr) CHECK(*got == it->second);
    }
    if (step % 997 == 0) REQUIRE(entries(map) == model);
  }
  CHECK(entries(map) == model);
  CHECK(map.size() == model.size());
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

}  // namespace
}  // namespace peers
