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
// tombstone) plus an open-addressing index (linear probing, power-of-two
// capacity, at most half full, backward-shift deletion) whose buckets hold a
// slot number and the key's 32-bit hash. The key lives once, in its slot: the
// index never copies it, so inserting a string key costs one allocation, not
// two, and a lookup is one hash and, almost always, one comparison.
// Lookups are O(1), iteration is O(slots). Tombstones are compacted away when
// inserting a new key finds more tombstones than live entries (and at least
// kMinCompaction): that insertion invalidates iterators, like
// std::vector::push_back. erase() and set() of an existing key never
// invalidate iterators.
//
// Hash order never reaches an output (iteration is by slot), so the hash
// function is free to change; OrderedMapHash is the default.
#ifndef PEER_REPLAY_ENGINE_ORDERED_MAP_H_
#define PEER_REPLAY_ENGINE_ORDERED_MAP_H_

#include <algorithm>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "peers/hash.h"

namespace peers {


template <typename K>
struct OrderedMapHash {
  uint64_t operator()(const K& key) const {
    if constexpr (requires(const K& k) { { k.hash() } -> std::convertible_to<uint64_t>; }) {
      return key.hash();  // a key that carries its hash (PeerIdStr)
    } else if constexpr (std::is_convertible_v<const K&, std::string_view>) {
      return ordered_map_hash_bytes(std::string_view(key));
    } else if constexpr (std::is_enum_v<K> || std::is_integral_v<K>) {
      return ordered_map_mix64(static_cast<uint64_t>(key));
    } else {
      return ordered_map_mix64(static_cast<uint64_t>(std::hash<K>{}(key)));
    }
  }
};

// Iteration over a vector of slots in order, skipping the empty ones (the
// tombstones of erased entries): OrderedMap's and SequentialMap's. An end()
// iterator compares equal to any iterator that ran past the last slot,
// including slots appended after end() was taken.
template <typename Value, bool kConst>
class SlotIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using Slots = std::conditional_t<kConst, const std::vector<std::optional<Value>>, std::vector<std::optional<Value>>>;
  using reference = std::conditional_t<kConst, const Value&, Value&>;
  using pointer = std::conditional_t<kConst, const Value*, Value*>;

  SlotIterator() = default;
  SlotIterator(Slots* slots, size_t slot) : slots_(slots), slot_(slot) { skip_tombstones(); }

  reference operator*() const {
    assert(slots_ != nullptr && slot_ < slots_->size() && (*slots_)[slot_].has_value());
    return *(*slots_)[slot_];
  }
  pointer operator->() const { return &**this; }
  SlotIterator& operator++() {
    slot_++;
    skip_tombstones();
    return *this;
  }
  SlotIterator operator++(int) {
    SlotIterator copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const SlotIterator& other) const { return slots_ == other.slots_ && position() == other.position(); }
  // The slot this iterator is at (for the map's erase(iterator)).
  size_t slot() const { return slot_; }

 private:
  size_t position() const { return slot_ >= slots_->size() ? SIZE_MAX : slot_; }
  void skip_tombstones() {
    while (slot_ < slots_->size() && !(*slots_)[slot_].has_value()) slot_++;
  }
  Slots* slots_ = nullptr;
  size_t slot_ = 0;
};

// Compaction of such a slot vector, in place (keeping capacity): the filled
// slots move to the front in order, each with its entry of `parallel` (one
// per slot: OrderedMap's hashes, SequentialMap's keys), and the tail is
// dropped. Returns the number of filled slots.
template <typename Value, typename Parallel>
size_t compact_slots(std::vector<std::optional<Value>>& slots, std::vector<Parallel>& parallel) {
  assert(parallel.size() == slots.size());
  size_t out = 0;
  for (size_t slot = 0; slot < slots.size(); slot++) {
    if (!slots[slot].has_value()) continue;
    if (out != slot) {
      slots[out].emplace(std::move(*slots[slot]));  // empty: a tombstone, or moved from and reset
      slots[slot].reset();
      parallel[out] = parallel[slot];
    }
    out++;
  }
  slots.resize(out);
  parallel.resize(out);
  return out;
}

template <typename K, typename V, typename Hash = OrderedMapHash<K>>
class OrderedMap {
 public:
  using value_type = std::pair<const K, V>;
  static constexpr size_t kMinCompaction = 32;

  using iterator = SlotIterator<value_type, false>;
  using const_iterator = SlotIterator<value_type, true>;

  OrderedMap() = default;
  OrderedMap(const OrderedMap&) = default;
  // A moved-from map is empty and usable (the counters go with the vectors).
  OrderedMap(OrderedMap&& other) noexcept
      : slots_(std::move(other.slots_)),
        hashes_(std::move(other.hashes_)),
        buckets_(std::move(other.buckets_)),
        live_(std::exchange(other.live_, 0)),
        tombstones_(std::exchange(other.tombstones_, 0)) {
    other.clear();
  }
  OrderedMap& operator=(OrderedMap&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      hashes_ = std::move(other.hashes_);
      buckets_ = std::move(other.buckets_);
      live_ = std::exchange(other.live_, 0);
      tombstones_ = std::exchange(other.tombstones_, 0);
      other.clear();
    }
    return *this;
  }
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

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  bool contains(const K& key) const { return lookup(key) != kNone; }

  // Map.prototype.get: nullptr when absent.
  V* find(const K& key) {
    const size_t slot = lookup(key);
    return slot == kNone ? nullptr : &slots_[slot]->second;
  }
  const V* find(const K& key) const {
    const size_t slot = lookup(key);
    return slot == kNone ? nullptr : &slots_[slot]->second;
  }

  // The stored key equal to `key`, nullptr when absent: for callers that
  // keep one instance of each key (PeerIdStr's shared text).
  const K* find_key(const K& key) const {
    const size_t slot = lookup(key);
    return slot == kNone ? nullptr : &slots_[slot]->first;
  }

  // Map.prototype.set: replaces in place, or appends a new key at the end.
  V& set(const K& key, V value) {
    const uint32_t hash = hash_of(key);
    if (const size_t slot = lookup(key, hash); slot != kNone) {
      V& existing = slots_[slot]->second;
      existing = std::move(value);
      return existing;
    }
    return append(key, hash, std::move(value));
  }

  // MapDef.getOrDefault from @lodestar/utils: the value, or make_default()
  // appended at the end when the key is absent.
  template <typename MakeDefault>
  V& get_or_default(const K& key, MakeDefault&& make_default) {
    const uint32_t hash = hash_of(key);
    if (const size_t slot = lookup(key, hash); slot != kNone) return slots_[slot]->second;
    return append(key, hash, std::forward<MakeDefault>(make_default)());
  }

  // Map.prototype.delete: true when the key was present.
  bool erase(const K& key) {
    if (live_ == 0) return false;
    const size_t bucket = find_bucket(key, hash_of(key));
    if (bucket == kNone) return false;
    erase_at(bucket);
    return true;
  }

  // Erases the entry `it` is at, found by its slot and stored hash: no key
  // hashed or compared (PeerRpcScoreStore.update() deletes most entries
  // while iterating). `it` stays valid and ++ moves on, as after erase(key).
  void erase(iterator it) {
    const size_t slot = it.slot();
    assert(slot < slots_.size() && slots_[slot].has_value());
    size_t bucket = hashes_[slot] & mask();
    while (buckets_[bucket].slot_plus_one != slot + 1) {
      assert(buckets_[bucket].slot_plus_one != 0);  // a live slot is in the index
      bucket = (bucket + 1) & mask();
    }
    erase_at(bucket);
  }

  void clear() {
    slots_.clear();
    hashes_.clear();
    buckets_.clear();
    live_ = 0;
    tombstones_ = 0;
  }

  iterator begin() { return iterator(&slots_, 0); }
  iterator end() { return iterator(&slots_, SIZE_MAX); }
  const_iterator begin() const { return const_iterator(&slots_, 0); }
  const_iterator end() const { return const_iterator(&slots_, SIZE_MAX); }

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
    const size_t slot = lookup(key);
    if (slot == kNone) return std::nullopt;
    return slot;
  }

  // Number of slots including tombstones: exposed for tests of compaction.
  size_t slot_count() const { return slots_.size(); }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  static constexpr size_t kMinBuckets = 8;
  // One bucket of the index: slot_plus_one == 0 marks an empty bucket.
  struct Bucket {
    uint32_t slot_plus_one = 0;
    uint32_t hash = 0;
  };

  static uint32_t hash_of(const K& key) {
    const uint64_t h = Hash{}(key);
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  size_t mask() const { return buckets_.size() - 1; }

  size_t lookup(const K& key) const { return live_ == 0 ? kNone : lookup(key, hash_of(key)); }
  // The key's slot, or kNone.
  size_t lookup(const K& key, uint32_t hash) const {
    const size_t bucket = find_bucket(key, hash);
    return bucket == kNone ? kNone : buckets_[bucket].slot_plus_one - 1;
  }
  // The bucket that holds the key, or kNone (the probe stops at an empty bucket).
  size_t find_bucket(const K& key, uint32_t hash) const {
    if (buckets_.empty()) return kNone;
    size_t bucket = hash & mask();
    while (true) {
      const Bucket& b = buckets_[bucket];
      if (b.slot_plus_one == 0) return kNone;
      if (b.hash == hash && slots_[b.slot_plus_one - 1]->first == key) return bucket;
      bucket = (bucket + 1) & mask();
    }
  }

  // Both erases, once they hold the entry's bucket: the slot becomes a
  // tombstone.
  void erase_at(size_t bucket) {
    const size_t slot = buckets_[bucket].slot_plus_one - 1;
    remove_bucket(bucket);
    slots_[slot].reset();
    live_--;
    tombstones_++;
    assert(live_ + tombstones_ == slots_.size());
  }

  void insert_bucket(size_t slot, uint32_t hash) {
    assert(slot + 1 <= UINT32_MAX);
    size_t bucket = hash & mask();
    while (buckets_[bucket].slot_plus_one != 0) bucket = (bucket + 1) & mask();
    buckets_[bucket] = Bucket{static_cast<uint32_t>(slot + 1), hash};
  }

  // Backward-shift deletion: the entries after the hole that may move closer
  // to their home bucket do, so a probe never meets a hole before its key.
  void remove_bucket(size_t hole) {
    size_t next = (hole + 1) & mask();
    while (buckets_[next].slot_plus_one != 0) {
      const size_t home = buckets_[next].hash & mask();
      // `next` may fill the hole unless its home lies cyclically in (hole, next].
      const bool home_after_hole = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (!home_after_hole) {
        buckets_[hole] = buckets_[next];
        hole = next;
      }
      next = (next + 1) & mask();
    }
    buckets_[hole] = Bucket{};
  }

  // Rebuilds the index over the live slots with room for `live` entries at
  // most half full.
  void rebuild_index(size_t live) {
    size_t capacity = kMinBuckets;
    while (capacity < 2 * live) capacity *= 2;
    buckets_.assign(capacity, Bucket{});
    for (size_t slot = 0; slot < slots_.size(); slot++) {
      if (slots_[slot].has_value()) insert_bucket(slot, hashes_[slot]);
    }
  }

  V& append(const K& key, uint32_t hash, V value) {
    if (tombstones_ >= kMinCompaction && tombstones_ > live_) compact();
    const size_t slot = slots_.size();
    slots_.emplace_back(std::in_place, key, std::move(value));
    hashes_.push_back(hash);
    live_++;
    if (buckets_.size() < 2 * live_) {
      rebuild_index(live_);
    } else {
      insert_bucket(slot, hash);
    }
    assert(live_ + tombstones_ == slots_.size() && hashes_.size() == slots_.size());
    return slots_.back()->second;
  }

  // In place, keeping the vectors' capacity: a map that churns (pending
  // requests, score entries) compacts every few hundred erasures, and
  // fresh vectors made each of those an allocation, then regrowth.
  //
  // The index keeps its size too: a map that empties and refills (the score
  // store: each heartbeat's decay prunes almost every entry, and the next
  // gossip update creates them again) rebuilt it from 8 buckets up, six
  // times over, on every refill.
  void compact() {
    const size_t out = compact_slots(slots_, hashes_);
    assert(out == live_);
    (void)out;
    tombstones_ = 0;
    rebuild_index(std::max(live_, buckets_.size() / 2));
    assert(live_ == slots_.size());
  }

  std::vector<std::optional<value_type>> slots_;
  std::vector<uint32_t> hashes_;  // hashes_[i]: the hash of slots_[i]'s key (kept for tombstones too)
  std::vector<Bucket> buckets_;   // empty, or a power of two >= 2 * live_
  size_t live_ = 0;
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
