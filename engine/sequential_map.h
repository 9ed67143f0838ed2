// SequentialMap: an insertion-ordered map whose keys only grow, such as the
// request ids the engine hands out (1, 2, 3 ...).
//
// Why not OrderedMap: when every new key is larger than all earlier ones,
// insertion order is key order, so the entries sit in a vector sorted by key
// and a lookup is a binary search; there is no hash index to build, probe,
// grow and rebuild on compaction. The pending-request table takes one insert
// and one erase per request, a few hundred thousand on a testnet-like trace,
// and OrderedMap's index was most of their cost.
//
// Semantics are OrderedMap's for this use: iteration in insertion order,
// erase leaves a tombstone that iteration skips, tombstones are compacted
// away on an insertion once they outnumber the live entries (by moving, in
// place). Pointers and references to values stay valid until the next
// insertion. Bounded by its owner (the engine refuses a request beyond
// kMaxPendingRequests).
#ifndef PEER_REPLAY_ENGINE_SEQUENTIAL_MAP_H_
#define PEER_REPLAY_ENGINE_SEQUENTIAL_MAP_H_

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "engine/ordered_map.h"  // SlotIterator, compact_slots

namespace peers {

template <typename V>
class SequentialMap {
 public:
  using value_type = std::pair<const int64_t, V>;
  static constexpr size_t kMinCompaction = 32;

  using iterator = SlotIterator<value_type, false>;
  using const_iterator = SlotIterator<value_type, true>;

  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  bool contains(int64_t key) const { return lookup(key) != kNone; }

  // Map.prototype.get: nullptr when absent.
  V* find(int64_t key) {
    const size_t slot = lookup(key);
    return slot == kNone ? nullptr : &slots_[slot]->second;
  }
  const V* find(int64_t key) const {
    const size_t slot = lookup(key);
    return slot == kNone ? nullptr : &slots_[slot]->second;
  }

  // Map.prototype.set for a key larger than every key inserted before.
  V& append(int64_t key, V value) {
    assert(!ever_inserted_ || key > max_key_);
    if (tombstones_ >= kMinCompaction && tombstones_ > live_) compact();
    keys_.push_back(key);
    slots_.emplace_back(std::in_place, key, std::move(value));
    max_key_ = key;
    ever_inserted_ = true;
    live_++;
    assert(live_ + tombstones_ == slots_.size() && keys_.size() == slots_.size());
    return slots_.back()->second;
  }

  // Map.prototype.delete: true when the key was present.
  bool erase(int64_t key) {
    const size_t slot = lookup(key);
    if (slot == kNone) return false;
    erase_slot(slot);
    return true;
  }

  // Slots: where a live entry sits, for a caller that finds an entry once and
  // then reads and erases it (the engine's response path looked each request
  // up three times). A slot names its entry until the next append, which may
  // compact; after that it is stale, and slot_of(key, hint) notices.
  static constexpr size_t kNoSlot = SIZE_MAX;
  // The slot of the live entry for `key`, or kNoSlot.
  size_t slot_of(int64_t key) const { return lookup(key); }
  // The same, trying `hint` first: a slot that slot_of gave for `key`
  // earlier, stale or not. keys_ holds each key once, erased ones included,
  // so a hint that still holds `key` is its slot.
  size_t slot_of(int64_t key, size_t hint) const {
    if (hint < keys_.size() && keys_[hint] == key) return slots_[hint].has_value() ? hint : kNoSlot;
    return lookup(key);
  }
  V& at_slot(size_t slot) {
    assert(slot < slots_.size() && slots_[slot].has_value());
    return slots_[slot]->second;
  }
  void erase_slot(size_t slot) {
    assert(slot < slots_.size() && slots_[slot].has_value());
    slots_[slot].reset();
    live_--;
    tombstones_++;
  }

  iterator begin() { return iterator(&slots_, 0); }
  iterator end() { return iterator(&slots_, SIZE_MAX); }
  const_iterator begin() const { return const_iterator(&slots_, 0); }
  const_iterator end() const { return const_iterator(&slots_, SIZE_MAX); }

  // Number of slots including tombstones: exposed for tests of compaction.
  size_t slot_count() const { return slots_.size(); }

 private:
  static constexpr size_t kNone = kNoSlot;

  // The key's slot, or kNone. keys_ is sorted (keys only grow) and keeps the
  // keys of tombstones until compaction. When keys are handed out one by one
  // (request ids), those appended since the last compaction are consecutive,
  // so a recent key sits at its distance from the last one: that slot is
  // tried first, then a binary search.
  size_t lookup(int64_t key) const {
    if (keys_.empty() || key > keys_.back()) return kNone;
    // In uint64: exact for key <= back, where int64 subtraction may overflow.
    const uint64_t back_distance = static_cast<uint64_t>(keys_.back()) - static_cast<uint64_t>(key);
    if (back_distance < keys_.size()) {
      const size_t slot = keys_.size() - 1 - static_cast<size_t>(back_distance);
      if (keys_[slot] == key) return slots_[slot].has_value() ? slot : kNone;
    }
    const auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
    if (it == keys_.end() || *it != key) return kNone;
    const auto slot = static_cast<size_t>(it - keys_.begin());
    return slots_[slot].has_value() ? slot : kNone;
  }

  // In place, keeping the vectors' capacity.
  void compact() {
    const size_t out = compact_slots(slots_, keys_);
    assert(out == live_);
    (void)out;
    tombstones_ = 0;
  }

  std::vector<int64_t> keys_;  // keys_[i]: the key of slots_[i] (kept for tombstones too), ascending
  std::vector<std::optional<value_type>> slots_;
  size_t live_ = 0;
  size_t tombstones_ = 0;
  int64_t max_key_ = 0;  // the largest key ever inserted (erased or compacted away or not)
  bool ever_inserted_ = false;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_SEQUENTIAL_MAP_H_
