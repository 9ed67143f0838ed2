// The engine's 64-bit hash of byte strings and integers: OrderedMap's
// default hash, and PeerIdStr's hash computed once per id. Public because
// PeerIdStr (peers/peer_id_str.h) is; the order it gives never reaches an
// output (OrderedMap iterates by insertion), so it is free to change.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_HASH_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_HASH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace peers {

// The default hash of OrderedMap: 64 bits, mixed so that the low bits (the
// bucket) depend on every input bit. Strings are read 8 bytes at a time and
// mixed once at the end; integers and enums (request ids, subnets) go
// through MurmurHash3's fmix64 so that consecutive keys do not cluster. A key
// with a hash() member (PeerIdStr) gives its own, computed once, so a
// peer-id lookup does not hash ~53 bytes each time (docs/BENCHMARKS.md).
constexpr uint64_t ordered_map_mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline constexpr uint64_t kOrderedMapHashSeed = 0x9e3779b97f4a7c15ULL;
// ordered_map_hash_bytes of the empty string, as a constant.
inline constexpr uint64_t kOrderedMapEmptyHash = ordered_map_mix64(kOrderedMapHashSeed);

inline uint64_t ordered_map_hash_bytes(std::string_view bytes) {
  constexpr uint64_t kMul = kOrderedMapHashSeed;
  uint64_t h = kMul ^ (static_cast<uint64_t>(bytes.size()) * 0xff51afd7ed558ccdULL);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  }
  return ordered_map_mix64(h);
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_HASH_H_
