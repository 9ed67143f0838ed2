// OrderedMap<K, V>: a hash map with JavaScript `Map` iteration semantics.
//
// Owner: engine pure layers; used wherever Lodestar iterates a Map or Set and
// the order reaches an output (score store entries, peersToDisconnect reasons,
// custody-group queries, subnet-to-peers in pruning). Why not std::map or
// std::unordered_map: JS Maps iterate in insertion order and Lodestar breaks
// ties on it (see lodestar-peers-1.44.md section 7.6).
//
// Semantics, matching ECMA-262 Map:
//   - set() on an existing key replaces the value and keeps the key's position;
//   - erase() then set() of the same key moves it to the end;
//   - iteration visits live entries in insertion order;
//   - erase() during iteration is allowed (of the current or of any other key:
//     erased entries are skipped), as in the loop of PeerRpcScoreStore.update();
//   - entries appended during iteration are visited, as in JS, *unless* the
//     append compacts the table (see below).
//
// Layout: a vector of slots in insertion order (an erased slot becomes a
// tombstone) plus an unordered_map from key to slot index. Lookups are O(1),
// iteration is O(slots). Tombstones are compacted away when inserting a new
// key finds more tombstones than live entries (and at least kMinCompaction):
// that insertion invalidates iterators, like std::vector::push_back. erase()
// and set() of an existing key never invalidate iterators.
#ifndef PEER_REPLAY_ENGINE_ORDERED_MAP_H_
#define PEER_REPLAY_ENGINE_ORDERED_MAP_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace peers {

template <typename K, typename V, typename Hash = std::hash<K>>
class OrderedMap {
 public:
  using value_type = std::pair<const K, V>;
  static constexpr size_t kMinCompaction = 32;

  template <bool kConst>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = OrderedMap::value_type;
    using difference_type = std::ptrdiff_t;
    using Map = std::conditional_t<kConst, const OrderedMap, OrderedMap>;
    using reference = std::conditional_t<kConst, const value_type&, value_type&>;
    using pointer = std::conditional_t<kConst, const value_type*, value_type*>;

    Iterator() = default;
    Iterator(Map* map, size_t slot) : map_(map), slot_(slot) { skip_tombstones(); }

    reference operator*() const {
      assert(map_ != nullptr && slot_ < map_->slots_.size() && map_->slots_[slot_].has_value());
      return *map_->slots_[slot_];
    }
    pointer operator->() const { return &**this; }
    Iterator& operator++() {
      slot_++;
      skip_tombstones();
      return *this;
    }
    Iterator operator++(int) {
      Iterator copy = *this;
      ++*this;
      return copy;
    }
    // An end() iterator compares equal to any iterator that ran past the last
    // slot, including slots appended after end() was taken.
    bool operator==(const Iterator& other) const { return map_ == other.map_ && position() == other.position(); }

   private:
    size_t position() const { return slot_ >= map_->slots_.size() ? SIZE_MAX : slot_; }
    void skip_tombstones() {
      while (slot_ < map_->slots_.size() && !map_->slots_[slot_].has_value()) slot_++;
    }
    Map* map_ = nullptr;
    size_t slot_ = 0;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  OrderedMap() = default;
  OrderedMap(const OrderedMap&) = default;
  OrderedMap(OrderedMap&&) noexcept = default;
  OrderedMap& operator=(OrderedMap&&) noexcept = default;
  // Copy-and-move: the slots hold pair<const K, V>, which cannot be assigned.
  OrderedMap& operator=(const OrderedMap& other) {
    if (this != &other) {
      OrderedMap copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  OrderedMap(std::initializer_list<std::pair<K, V>> init) {
    for (const auto& [key, value] : init) set(key, value);
  }

  size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }
  bool contains(const K& key) const { return index_.count(key) != 0; }

  // Map.prototype.get: nullptr when absent.
  V* find(const K& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &slots_[it->second]->second;
  }
  const V* find(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &slots_[it->second]->second;
  }

  // Map.prototype.set: replaces in place, or appends a new key at the end.
  V& set(const K& key, V value) {
    if (V* existing = find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    return append(key, std::move(value));
  }

  // MapDef.getOrDefault from @lodestar/utils: the value, or make_default()
  // appended at the end when the key is absent.
  template <typename MakeDefault>
  V& get_or_default(const K& key, MakeDefault&& make_default) {
    if (V* existing = find(key)) return *existing;
    return append(key, std::forward<MakeDefault>(make_default)());
  }

  // Map.prototype.delete: true when the key was present.
  bool erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    const size_t slot = it->second;
    index_.erase(it);
    slots_[slot].reset();
    tombstones_++;
    return true;
  }

  void clear() {
    slots_.clear();
    index_.clear();
    tombstones_ = 0;
  }

  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, SIZE_MAX); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, SIZE_MAX); }

  // Keys in insertion order (Array.from(map.keys())).
  std::vector<K> keys() const {
    std::vector<K> out;
    out.reserve(size());
    for (const auto& entry : *this) out.push_back(entry.first);
    return out;
  }

  // The key's place in iteration order (larger = later), or nullopt when
  // absent. Only positions read with no insertion in between compare.
  std::optional<size_t> position(const K& key) const {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  // Number of slots including tombstones: exposed for tests of compaction.
  size_t slot_count() const { return slots_.size(); }

 private:
  V& append(const K& key, V value) {
    if (tombstones_ >= kMinCompaction && tombstones_ > index_.size()) compact();
    const size_t slot = slots_.size();
    slots_.emplace_back(std::in_place, key, std::move(value));
    index_.emplace(key, slot);
    assert(index_.size() + tombstones_ == slots_.size());
    return slots_.back()->second;
  }

  void compact() {
    std::vector<std::optional<value_type>> live;
    live.reserve(index_.size() + 1);
    for (auto& slot : slots_) {
      if (!slot.has_value()) continue;
      index_[slot->first] = live.size();
      live.emplace_back(std::move(slot));
    }
    slots_ = std::move(live);
    tombstones_ = 0;
    assert(index_.size() == slots_.size());
  }

  std::vector<std::optional<value_type>> slots_;
  std::unordered_map<K, size_t, Hash> index_;
  size_t tombstones_ = 0;
};

// pruneSetToMax(set, maxItems) from @lodestar/utils map.ts (1.46.0, without the
// optional compareFn, which network/peers never passes): deletes the first
// (oldest inserted) keys until size == max_items. Returns how many it deleted.
template <typename K, typename V, typename Hash>
size_t prune_set_to_max(OrderedMap<K, V, Hash>& set, size_t max_items) {
  if (set.size() <= max_items) return 0;
  size_t items_to_delete = set.size() - max_items;
  const size_t deleted_items = items_to_delete;
  for (auto it = set.begin(); it != set.end(); ++it) {
    const K key = it->first;  // copy: erase destroys the slot's key
    set.erase(key);
    items_to_delete--;
    if (items_to_delete == 0) break;
  }
  assert(set.size() == max_items);
  return deleted_items;
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_ORDERED_MAP_H_
