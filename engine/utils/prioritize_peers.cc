// Port of utils/prioritizePeers.ts, functions and statements in the TS order.
// PeerInfo objects are referred to by their index in `connected_peers`; TS
// compares them by identity, which for distinct entries is index equality.
//
// Representation. The statements are the TS ones, but the data they touch is
// laid out for a heartbeat at thousands of peers, the engine's heaviest call
// (docs/BENCHMARKS.md compares it with the TS). Each substitution below is exact, and the line-by-line port
// it replaced is kept as the oracle of a differential test
// (prioritize_peers_reference_test.cc, random inputs up to 5000 peers):
//  - attnetsTrueBitIndices / syncnetsTrueBitIndices are the set bits of one
//    word each, visited lowest first (BitArray.getTrueBitIndexes order); their
//    `.length` is a popcount and `.includes(subnet)` a bit test (false for a
//    subnet outside the bitfield, as it is in no true-bit list).
//  - Maps that are only read with `get(k) ?? 0` (peersPerSubnet,
//    peersPerGroup, syncCommitteePeerCount, dutiesByPeer) are arrays indexed
//    by key holding 0 for absent: iteration order never reaches them.
//  - `xs.includes(peer.id)` over the peer id arrays of the disconnect reasons
//    is a per-peer flag set when the id is pushed. Ids are distinct (the
//    peer manager builds them from the keys of libp2p's connection map, see
//    the header), so id equality is index equality.
//  - subnetToPeers (MapDef<subnet, PeerInfo[]>) keeps its JS Map semantics:
//    subnets in first-insertion order, delete() hides a subnet for good (no
//    key is set again after the populate loop), each subnet's peers in push
//    order, splice keeps the order of the rest.
//  - Loops over the peers that each read one peer and add to counters (the
//    PeerInfo map, requestSubnetPeers' duty, subnet and group counts; the
//    eligibility filter and step 1) run fused, in the same peer order.
//  - The pruning steps record the peers they pick as indices; the id arrays
//    are copied from them once a step is done (same ids, same order). Step
//    2 stops at the first candidate once the target is reached: the count
//    it tests only grows, so every later test fails too.
//  - sortPeersToPrune's stable sort is a counting sort over the distinct
//    keys when they are few, else a radix sort, on integer keys that order
//    like the comparator (see PruneItem); findPeerToRemove's sortBy is a
//    search for the smallest (subnet count, position) that can be removed.
#include "engine/utils/prioritize_peers.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <memory>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/js_math.h"
#include "engine/utils/js_sort.h"

namespace peers {
namespace {

// A peer's index in connected_peers. 32 bits: prioritize_peers takes fewer
// than 2^32 peers (asserted), and the index arrays below are half the size.
using PeerIndex = uint32_t;

// The TS PeerInfo, without copies: the id and sampling groups stay in the
// caller's ConnectedPeerInfo (null fields read as the TS defaults them).
// dutiesByPeer and the disconnect reasons, read per peer, live here too. No
// member initializers: an array of them is allocated uninitialized and every
// field written once.
struct Peer {
  const ConnectedPeerInfo* info;
  uint64_t attnets;   // bit i: attnetsTrueBitIndices includes i
  uint64_t syncnets;  // bit i: syncnetsTrueBitIndices includes i
  double score;
  // `dutiesByPeer: Map<PeerInfo, number>`: TS only ever reads `get(p) ?? 0`,
  // so an absent entry and a 0 are the same.
  int64_t duties;
  int32_t attnet_count;   // attnetsTrueBitIndices.length
  int32_t syncnet_count;  // syncnetsTrueBitIndices.length
  StatusScore status_score;
  bool outbound;  // direction === "outbound"
  // Which reasons' arrays hold the peer's id, for `xs.includes(peer.id)`
  // (the ids are distinct: see the header).
  uint8_t disconnected_for;
};
enum : uint8_t { kNoLongLivedSubnet = 1, kLowScore = 2, kTooGrouped = 4 };

// trueBitIndices.includes(subnet) for a bitfield of `width` bits.
bool has_bit(uint64_t bits, SubnetId subnet, int width) {
  return subnet >= 0 && subnet < width && ((bits >> subnet) & 1) != 0;
}

// trueBitIndices.length. std::popcount is a libgcc call without -mpopcnt,
// which the build does not assume; this is the same count inline (and GCC
// turns it into one popcnt instruction in build_peers' popcnt clone).
int32_t bit_count(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<int32_t>((x * 0x0101010101010101ull) >> 56);
}

// for (const subnet of trueBitIndices): lowest bit first.
template <typename F>
void for_each_bit(uint64_t bits, F&& f) {
  while (bits != 0) {
    f(static_cast<SubnetId>(std::countr_zero(bits)));
    bits &= bits - 1;
  }
}

// In practice, this score only tracks if the peer is far ahead of us or not
// during syncing. When the node is synced, the peer is always CLOSE_TO_US.
// computeStatusScore(ours, theirs, opts), with ours.finalizedEpoch and
// `ours.headSlot + opts.starvationThresholdSlots` (the same int64 sum)
// computed once by the caller for all peers.
StatusScore compute_status_score(const ChainStatus* theirs, int64_t our_finalized_epoch,
                                 int64_t our_head_slot_plus_threshold) {
  if (theirs == nullptr) {
    return StatusScore::CLOSE_TO_US;
  }

  if (theirs->finalized_epoch > our_finalized_epoch) {
    return StatusScore::FAR_AHEAD;
  }

  if (theirs->head_slot > our_head_slot_plus_threshold) {
    return StatusScore::FAR_AHEAD;
  }

  // It's dangerous to downscore peers that are far behind (commented out in TS).
  return StatusScore::CLOSE_TO_US;
}

// One of requestSubnetPeers' two identical blocks (attnets, then syncnets):
//   for (const peer of connectedPeers) {
//     let dutyCount = dutiesByPeer.get(peer) ?? 0;
//     for (const {subnet} of activeSubnets)
//       if (trueBitIndices.includes(subnet)) { dutyCount += 1; peersPerSubnet[subnet] += 1; }
//     dutiesByPeer.set(peer, dutyCount);
//   }
//   for (const {subnet, toSlot} of activeSubnets) if (peersPerSubnet[subnet] < target) queries.push(...)
// A subnet listed k times in activeSubnets counts k times per peer; so with
// times[s] = how often s is listed, a peer adds times[s] for each of its bits
// s, and peersPerSubnet[s] is times[s] * (peers with bit s). Same integers,
// O(peers * bits) instead of O(peers * active subnets). An empty
// activeSubnets (TS skips the block) has no bits and adds nothing.
template <int kWidth>
class SubnetDuties {
 public:
  explicit SubnetDuties(const std::vector<RequestedSubnet>& active_subnets) {
    for (const RequestedSubnet& active : active_subnets) {
      if (active.subnet >= 0 && active.subnet < kWidth) {  // else in no peer's true bits
        times_[static_cast<size_t>(active.subnet)]++;
        active_mask_ |= uint64_t{1} << active.subnet;
      }
    }
  }

  // The inner loop for one peer: what it adds to the peer's dutyCount.
  // Inlined into build_peers (its popcnt clone included); most peers have
  // no active subnet and leave at the first test.
  [[gnu::always_inline]] int64_t add_peer(uint64_t bits) {
    uint64_t active = bits & active_mask_;
    int64_t duty_count = 0;
    while (active != 0) {
      const auto subnet = static_cast<size_t>(std::countr_zero(active));
      duty_count += times_[subnet];
      peers_per_subnet_[subnet] += times_[subnet];
      active &= active - 1;
    }
    return duty_count;
  }

  // The queries loop, once every peer is added.
  void queries(const std::vector<RequestedSubnet>& active_subnets, int64_t target_subnet_peers,
               std::vector<SubnetDiscvQuery>& queries) const {
    for (const RequestedSubnet& active : active_subnets) {
      const int64_t peers_in_subnet =
          active.subnet >= 0 && active.subnet < kWidth ? peers_per_subnet_[static_cast<size_t>(active.subnet)] : 0;
      if (peers_in_subnet < target_subnet_peers) {
        // We need more peers
        queries.push_back(SubnetDiscvQuery{.subnet = active.subnet,
                                           .to_slot = active.to_slot,
                                           .max_peers_to_discover = target_subnet_peers - peers_in_subnet});
      }
    }
  }

 private:
  std::array<int64_t, kWidth> times_{};
  uint64_t active_mask_ = 0;
  std::array<int64_t, kWidth> peers_per_subnet_{};
};

// peersPerGroup for requestSubnetPeers' column subnets: only groups
// 0..NUMBER_OF_CUSTODY_GROUPS-1 are ever read from it (and from
// ourSamplingGroupSet), so larger ones go to one extra slot that is never
// read: no branch per group.
class GroupCounts {
 public:
  explicit GroupCounts(size_t group_count) : group_count_(group_count), counts_(new int64_t[group_count + 1]()) {
#if defined(__SSE2__)
    const auto last_counted = static_cast<uint32_t>(std::min<size_t>(group_count - 1, UINT32_MAX));
    last_counted_offset_ = _mm_set1_epi32(static_cast<int32_t>(last_counted ^ 0x80000000u));
#endif
  }

  [[gnu::always_inline]] void add_peer(std::span<const CustodyIndex> groups) {
    const CustodyIndex* group = groups.data();
    const CustodyIndex* const end = group + groups.size();
    int64_t* const counts = counts_.get();
    const size_t limit = group_count_;
    auto slot = [limit](CustodyIndex g) { return std::min<size_t>(g, limit); };
    // Unrolled by 8 (peers list 8 to 32 groups; this loop is the heartbeat's
    // longest): the increments are the same in any order.
    const bool any_counted = limit > 0;
    for (; end - group >= 8; group += 8) {
#if defined(__SSE2__)
      // When all 8 are counted groups (the usual case), no slot() per group.
      if (any_counted && all_counted(group)) {
        counts[group[0]]++;
        counts[group[1]]++;
        counts[group[2]]++;
        counts[group[3]]++;
        counts[group[4]]++;
        counts[group[5]]++;
        counts[group[6]]++;
        counts[group[7]]++;
        continue;
      }
#endif
      counts[slot(group[0])]++;
      counts[slot(group[1])]++;
      counts[slot(group[2])]++;
      counts[slot(group[3])]++;
      counts[slot(group[4])]++;
      counts[slot(group[5])]++;
      counts[slot(group[6])]++;
      counts[slot(group[7])]++;
    }
    for (; group != end; group++) counts[slot(*group)]++;
  }

  int64_t peers_in_group(size_t group) const {
    assert(group < group_count_);
    return counts_[group];
  }

 private:
#if defined(__SSE2__)
  // group[0..8) < group_count_, compared 4 at a time: SSE2 compares signed
  // 32-bit lanes, so both sides are offset by 2^31 (an order-preserving map
  // of unsigned onto signed).
  [[gnu::always_inline]] bool all_counted(const CustodyIndex* group) const {
    static_assert(sizeof(CustodyIndex) == 4);
    const __m128i offset = _mm_set1_epi32(INT32_MIN);
    const __m128i low = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)), offset);
    const __m128i high = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group + 4)), offset);
    const __m128i above =
        _mm_or_si128(_mm_cmpgt_epi32(low, last_counted_offset_), _mm_cmpgt_epi32(high, last_counted_offset_));
    return _mm_movemask_epi8(above) == 0;
  }
  // The last counted group, min(group_count_ - 1, UINT32_MAX), offset by
  // 2^31 (unused when group_count_ is 0: no group is counted).
  __m128i last_counted_offset_;
#endif

  size_t group_count_;
  std::unique_ptr<int64_t[]> counts_;  // [group_count_]: the groups not counted
};

// sortPeersToPrune's order on integer keys. The TS comparator is, pair by
// pair, a lexicographic `<` on (dutied subnets, status score, long-lived
// subnets, score):
//  - `d1 - d2 < 0` on small integers (exact as doubles) is d1 < d2; likewise
//    for the status scores (-1 or 0) and the long-lived subnet counts (0..68).
//    `major` below packs the three, first difference first.
//  - `s1 - s2 < 0` on scores that are not NaN is js_sub_order_key(s1) <
//    js_sub_order_key(s2) (js_math.h): `minor`. Short mantissas leave its
//    low bytes 0, and the radix sort skips bytes that never vary.
// On such keys a stable sort has exactly one result (stability fixes the
// order of equal keys), whatever the algorithm: a counting sort over the
// distinct keys when there are few (heartbeat scores take few values), else
// an LSD radix sort (stable). When a key is outside those ranges or a score
// is NaN, the TS comparator itself sorts, by V8's algorithm (js_sort.h): with
// a NaN score the comparator is no order, and only V8's algorithm gives V8's
// result.
struct PruneItem {
  uint64_t minor;  // score
  uint32_t major;  // dutied subnets << 8 | (status score + 1) << 7 | long-lived subnets
  uint32_t index;  // into connected_peers
};

// A PruneItem from its key, when the key is in the ranges above.
PruneItem prune_item(int64_t dutied_subnets, int status_score, int64_t long_lived_subnets, double score, size_t index) {
  return PruneItem{
      .minor = js_sub_order_key(score),
      .major = static_cast<uint32_t>(dutied_subnets) << 8 | static_cast<uint32_t>(status_score + 1) << 7 |
               static_cast<uint32_t>(long_lived_subnets),
      .index = static_cast<uint32_t>(index),
  };
}

// More distinct keys than this and the radix sort is used.
constexpr size_t kMaxDistinctKeys = 512;

// The buckets of a stable counting sort by (major, minor): one per distinct
// key. Stable sorting needs only each item's bucket, the buckets' order
// (their keys') and their sizes; equal keys then keep the order in which the
// items are scattered.
class KeyBuckets {
 public:
  // User-provided, so that value-initialization (new KeyBuckets()) zeroes
  // only the members with initializers: the per-key
  // arrays are written when their key is created, before any read, and
  // zeroing them was 8 KB of stores per call.
  KeyBuckets() {}

  // key = the bucket of the key (major, minor), a new one for a new key.
  // False when that would be more than kMaxDistinctKeys buckets (the
  // buckets are then unusable).
  [[gnu::always_inline]] bool add(uint64_t minor, uint32_t major, uint16_t& key) {
    static_assert(kSlots == 1024, "the hash below yields 10 bits");
    static_assert(kMaxDistinctKeys < UINT16_MAX, "slot_key_ holds key + 1 in 16 bits");
    // Any function of the key works; this one mixes all of its bits into
    // the top ones (scores often differ only in their high bits).
    size_t slot = static_cast<size_t>(((minor + major) * 0x9e3779b97f4a7c15ull) >> 54);
    for (;;) {
      const size_t stored = slot_key_[slot];
      if (stored == 0) {
        if (key_count_ == kMaxDistinctKeys) return false;
        key = static_cast<uint16_t>(key_count_++);
        key_minor_[key] = minor;
        key_major_[key] = major;
        next_[key] = 1;
        slot_key_[slot] = static_cast<uint16_t>(key_count_);
        return true;
      }
      if (key_minor_[stored - 1] == minor && key_major_[stored - 1] == major) {
        key = static_cast<uint16_t>(stored - 1);
        next_[key]++;
        return true;
      }
      slot = (slot + 1) % kSlots;
    }
  }

  // add() for items[0..n), keys to key_of[0..n).
  bool assign(const PruneItem* items, size_t n, uint16_t* key_of) {
    for (size_t i = 0; i < n; i++) {
      if (!add(items[i].minor, items[i].major, key_of[i])) return false;
    }
    return true;
  }

  // Lays the buckets out in key order over positions 0..n-1; then
  // next_position(key) hands out each bucket's positions in turn.
  void lay_out() {
    std::array<uint16_t, kMaxDistinctKeys> by_key;
    sort_keys(by_key);
    uint32_t sum = 0;
    for (size_t rank = 0; rank < key_count_; rank++) {
      const uint32_t size = next_[by_key[rank]];
      next_[by_key[rank]] = sum;
      sum += size;
    }
  }

  uint32_t next_position(uint16_t key) { return next_[key]++; }

 private:
  static constexpr size_t kSlots = 2 * kMaxDistinctKeys;  // at most half full: short probe runs

  // by_key[0..key_count_) = the keys in (major, minor) order. Distinct keys:
  // the order among them is total, so any sort has this one result.
  void sort_keys(std::array<uint16_t, kMaxDistinctKeys>& by_key) const {
    // Only bits that differ between keys decide their order: if those of the
    // major and the minor fit in one word with the key number below them,
    // that word orders like (major, minor) and a plain integer sort does it.
    uint64_t minor_and = ~uint64_t{0};
    uint64_t minor_or = 0;
    uint32_t major_and = ~uint32_t{0};
    uint32_t major_or = 0;
    for (size_t key = 0; key < key_count_; key++) {
      minor_and &= key_minor_[key];
      minor_or |= key_minor_[key];
      major_and &= key_major_[key];
      major_or |= key_major_[key];
    }
    const uint64_t minor_varies = minor_and ^ minor_or;
    const uint32_t major_varies = major_and ^ major_or;
    const int minor_low = minor_varies == 0 ? 0 : std::countr_zero(minor_varies);
    const int minor_width = minor_varies == 0 ? 0 : std::bit_width(minor_varies) - minor_low;
    const int major_low = major_varies == 0 ? 0 : std::countr_zero(major_varies);
    const int major_width = major_varies == 0 ? 0 : std::bit_width(major_varies) - major_low;
    constexpr int kKeyBits = std::bit_width(kMaxDistinctKeys - 1);
    if (major_width + minor_width + kKeyBits <= 64) {
      // Within each window the bits outside it are the same for every key,
      // and distinct keys differ inside a window: the key number never decides.
      const uint64_t minor_mask = minor_width == 0 ? 0 : ~uint64_t{0} >> (64 - minor_width);
      std::array<uint64_t, kMaxDistinctKeys> packed;
      for (size_t key = 0; key < key_count_; key++) {
        const uint64_t major_part = static_cast<uint64_t>(key_major_[key] >> major_low);
        const uint64_t minor_part = (key_minor_[key] >> minor_low) & minor_mask;
        packed[key] = ((major_part << minor_width | minor_part) << kKeyBits) | key;
      }
      std::sort(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(key_count_));
      for (size_t rank = 0; rank < key_count_; rank++) {
        by_key[rank] = static_cast<uint16_t>(packed[rank] & ((uint64_t{1} << kKeyBits) - 1));
      }
      return;
    }
    for (size_t key = 0; key < key_count_; key++) by_key[key] = static_cast<uint16_t>(key);
    std::sort(by_key.begin(), by_key.begin() + static_cast<std::ptrdiff_t>(key_count_), [&](uint16_t a, uint16_t b) {
      return key_major_[a] != key_major_[b] ? key_major_[a] < key_major_[b] : key_minor_[a] < key_minor_[b];
    });
  }

  std::array<uint16_t, kSlots> slot_key_{};  // key + 1; 0 for an empty slot
  size_t key_count_ = 0;
  std::array<uint64_t, kMaxDistinctKeys> key_minor_;
  std::array<uint32_t, kMaxDistinctKeys> key_major_;
  // Items per key, then (lay_out) the next free position of its bucket.
  std::array<uint32_t, kMaxDistinctKeys> next_;
};

// The peer-building loop of prioritizePeers (`connectedPeers = ...map(...)`)
// fused with requestSubnetPeers' loops over the peers: each reads only its own
// peer and adds to per-subnet counts, so one pass in peer order computes the
// same values. When `items` is not null (pruning will run) it also writes
// each peer's sortPeersToPrune key as a PruneItem, from the values at hand;
// the caller puts them in their buckets afterwards (KeyBuckets::assign). (A
// bucket lookup here, dependent loads and a branch per peer, sat at the end
// of a long loop body where the out-of-order window could not overlap it
// with the next peer's; in a loop of its own it does.) Two clones: the popcnt one (one instruction per bit_count) runs
// where the CPU has it; the build does not assume it.
struct BuiltPeers {
  int64_t outbound_peers = 0;
  bool integer_keys = true;  // every peer's prune key is in PruneItem's ranges
};
// x86-64 only: target_clones("popcnt") names an x86 feature.
#if defined(__x86_64__)
#define PEER_REPLAY_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define PEER_REPLAY_POPCNT_CLONES
#endif
PEER_REPLAY_POPCNT_CLONES BuiltPeers build_peers(
    const std::vector<ConnectedPeerInfo>& connected_peers_info, const PrioritizePeersOpts& opts,
    SubnetDuties<kAttestationSubnetCount>& attnet_duties, SubnetDuties<kSyncCommitteeSubnetCount>& syncnet_duties,
    GroupCounts* group_counts, Peer* peers, PruneItem* items) {
  // compute_status_score's inputs from our status, once (locals also keep
  // the loop from reloading opts after each store into a Peer).
  const int64_t our_finalized_epoch = opts.status.finalized_epoch;
  const int64_t our_head_slot_plus_threshold = opts.status.head_slot + opts.starvation_threshold_slots;
  int64_t outbound_peers = 0;
  bool integer_keys = true;
  const size_t n = connected_peers_info.size();
  for (size_t index = 0; index < n; index++) {
    const ConnectedPeerInfo& info = connected_peers_info[index];
    // Pre-compute trueBitIndexes for re-use below. Set null subnets Maps to default zero value
    const uint64_t attnets = info.attnets.has_value() ? info.attnets->to_ullong() : 0;
    const uint64_t syncnets = info.syncnets.has_value() ? info.syncnets->to_ullong() : 0;
    const bool outbound = info.direction == Direction::kOutbound;
    outbound_peers += outbound ? 1 : 0;
    // To filter out peers containing enough attnets of interest from possible disconnection
    const int64_t duties = attnet_duties.add_peer(attnets) + syncnet_duties.add_peer(syncnets);
    // column subnets: samplingGroups ?? []
    if (group_counts != nullptr && info.sampling_groups.has_value()) group_counts->add_peer(*info.sampling_groups);
    const int32_t attnet_count = bit_count(attnets);
    const int32_t syncnet_count = bit_count(syncnets);
    const StatusScore status_score =
        compute_status_score(info.status, our_finalized_epoch, our_head_slot_plus_threshold);
    peers[index] = Peer{
        .info = &info,
        .attnets = attnets,
        .syncnets = syncnets,
        .score = info.score,
        .duties = duties,
        .attnet_count = attnet_count,
        .syncnet_count = syncnet_count,
        .status_score = status_score,
        .outbound = outbound,
        .disconnected_for = 0,
    };
    if (items != nullptr) {
      // The status score is CLOSE_TO_US or FAR_AHEAD and the long-lived
      // subnets at most 64 + 4: only the duties and the score can fall
      // outside PruneItem's ranges (`&`: no branch on them).
      integer_keys &= (static_cast<uint64_t>(duties) < (uint64_t{1} << 24)) & !std::isnan(info.score);
      items[index] =
          prune_item(duties, static_cast<int>(status_score), attnet_count + syncnet_count, info.score, index);
    }
  }
  return BuiltPeers{.outbound_peers = outbound_peers, .integer_keys = integer_keys};
}

// requestSubnetPeers' queries, from the counts build_peers made. Pre-fulu
// (our sampling groups undefined) custodyGroupQueries is empty.
void request_subnet_peers(const SubnetDuties<kAttestationSubnetCount>& attnet_duties,
                          const SubnetDuties<kSyncCommitteeSubnetCount>& syncnet_duties,
                          const GroupCounts* group_counts, const std::vector<RequestedSubnet>& active_attnets,
                          const std::vector<RequestedSubnet>& active_syncnets,
                          const std::optional<std::vector<CustodyIndex>>& our_sampling_groups,
                          const PrioritizePeersOpts& opts, size_t group_count, PrioritizePeersResult& result,
                          NetworkCoreMetrics* metrics) {
  const int64_t target_subnet_peers = opts.target_subnet_peers.value_or(kTargetSubnetPeers);

  // attnets, do we need queries for more peers
  attnet_duties.queries(active_attnets, target_subnet_peers, result.attnet_queries);
  // syncnets, do we need queries for more peers
  syncnet_duties.queries(active_syncnets, target_subnet_peers, result.syncnet_queries);

  // pre-fulu
  if (!our_sampling_groups.has_value()) {
    return;
  }
  assert(group_counts != nullptr);

  // column subnets, do we need queries for more peers
  const int64_t target_group_peers_per_sampling_group = opts.target_group_peers;
  std::vector<bool> our_sampling_group_set(group_count, false);
  for (CustodyIndex group : *our_sampling_groups) {
    if (group < group_count) our_sampling_group_set[group] = true;
  }
  for (size_t group_index = 0; group_index < group_count; group_index++) {
    const int64_t peers_in_group = group_counts->peers_in_group(group_index);
    if (metrics != nullptr) {
      metrics->set_peer_count_per_sampling_group(group_index, static_cast<double>(peers_in_group));
    }
    const int64_t target_group_peers =
        our_sampling_group_set[group_index] ? target_group_peers_per_sampling_group : kTargetGroupPeersPerSubnet;
    if (peers_in_group < target_group_peers) {
      // We need more peers
      result.custody_group_queries.emplace_back(static_cast<CustodyIndex>(group_index),
                                                target_group_peers - peers_in_group);
    }
  }
}

// syncCommitteePeerCount: MapDef<number, number>(() => 0), read only with
// `get(subnet) ?? 0`; the keys are sync committee subnets (a peer's true bits).
using SyncCommitteePeerCount = std::array<int64_t, kSyncCommitteeSubnetCount>;

// Bytes readable past the end of any segment of SubnetToPeers' count
// buffer, so a 16-byte load starting inside a segment stays in the buffer.
constexpr size_t kCountSlack = 16;

// The position of the first smallest of counts[0..length), one of which is
// below 0xff; the 16 bytes after counts[length - 1] must be readable.
size_t first_smallest(const uint8_t* counts, size_t length) {
  assert(length > 0);
#if defined(__SSE2__)
  // SSE2 is part of x86-64 itself: 16 counts per instruction.
  alignas(16) static constexpr uint8_t kTailMask[32] = {
      0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  auto load = [](const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
  __m128i smallest = _mm_set1_epi8(static_cast<char>(0xff));
  size_t k = 0;
  for (; k + 16 <= length; k += 16) smallest = _mm_min_epu8(smallest, load(counts + k));
  if (k < length) {
    // Bytes past the segment read as 0xff, above every count.
    smallest = _mm_min_epu8(smallest, _mm_or_si128(load(counts + k), load(kTailMask + 16 - (length - k))));
  }
  smallest = _mm_min_epu8(smallest, _mm_srli_si128(smallest, 8));
  smallest = _mm_min_epu8(smallest, _mm_srli_si128(smallest, 4));
  smallest = _mm_min_epu8(smallest, _mm_srli_si128(smallest, 2));
  smallest = _mm_min_epu8(smallest, _mm_srli_si128(smallest, 1));
  const __m128i wanted = _mm_set1_epi8(static_cast<char>(_mm_cvtsi128_si32(smallest) & 0xff));
  // The first match is inside the segment: the smallest is there, and
  // anything past the segment comes after it.
  for (k = 0;; k += 16) {
    const auto matches = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(load(counts + k), wanted)));
    if (matches != 0) {
      const size_t position = k + static_cast<size_t>(std::countr_zero(matches));
      assert(position < length);
      return position;
    }
  }
#else
  size_t first = 0;
  for (size_t k = 1; k < length; k++) {
    if (counts[k] < counts[first]) first = k;
  }
  return first;
#endif
}

// subnetToPeers: MapDef<number, PeerInfo[]> over the attestation subnets (the
// only keys: a peer's true bits). Keys are kept by their position in the Map's
// key order (first push); each key's peers sit in one segment of a shared
// buffer, in push order, which is peer index order. A deleted key keeps its
// position with length -1 (no key is set again after the populate loop).
// splice() leaves the spliced entry in place, marked removed (its attnet
// count set to kRemoved): the live entries keep their order, and the
// segments stay sorted by peer index.
class SubnetToPeers {
 public:
  static constexpr int64_t kDeleted = -1;
  static constexpr uint8_t kRemoved = 0xff;  // above every attnet count (at most 64)

  // The TS populate loop: for each peer not yet picked for disconnection, in
  // index order, push it onto each of its subnets, lowest first, and count it
  // in each of its sync committees (the two Maps are independent, so both are
  // filled in the same pass). One pass: each subnet's segment has room for
  // every peer (a subnet holds a peer at most once), so no count is needed
  // before the pushes; the segments sit `stride` entries apart.
  void populate(std::span<const Peer> connected_peers, SyncCommitteePeerCount& sync_committee_peer_count) {
    position_.fill(kAbsent);
    const size_t n = connected_peers.size();
    // kCountSlack more than the pushes: first_smallest reads that far past a
    // segment's end. An odd number of 64-entry blocks: the 64 segments, which
    // are written in turn, then start in different L1 cache sets (a stride
    // near a multiple of 4 KiB put them all in the same few, which thrashed).
    const size_t stride = ((n + kCountSlack + 63) / 64 | 1) * 64;
    buffer_.reset(new PeerIndex[kAttestationSubnetCount * stride]);  // uninitialized: read only where pushed
    counts_.reset(new uint8_t[kAttestationSubnetCount * stride]);    // same, and the slack filled below
    // Locals: a byte store may alias any member, which would be reloaded.
    PeerIndex* const buffer = buffer_.get();
    uint8_t* const counts = counts_.get();
    // Where the next push onto each subnet goes, by subnet.
    std::array<size_t, kAttestationSubnetCount> next_at;
    for (size_t subnet = 0; subnet < kAttestationSubnetCount; subnet++) next_at[subnet] = subnet * stride;
    uint64_t seen = 0;  // subnets pushed onto so far
    for (size_t index = 0; index < n; index++) {
      const Peer& peer = connected_peers[index];
      if (peer.disconnected_for != 0) continue;
      // A Map key is created by its first push: this peer's subnets not
      // pushed onto before, in push order (lowest first).
      const uint64_t fresh = peer.attnets & ~seen;
      if (fresh != 0) {
        for_each_bit(fresh, [&](SubnetId subnet) {
          position_[static_cast<size_t>(subnet)] = static_cast<uint8_t>(key_count_);
          subnet_at_[key_count_++] = subnet;
        });
        seen |= fresh;
      }
      const auto attnet_count = static_cast<uint8_t>(peer.attnet_count);
      for_each_bit(peer.attnets, [&](SubnetId subnet) {
        const size_t at = next_at[static_cast<size_t>(subnet)]++;
        buffer[at] = static_cast<PeerIndex>(index);
        counts[at] = attnet_count;
      });
      // (Most peers are in no sync committee: a loop over the bits costs
      // them one test, fewer instructions than adding all four bits.)
      for_each_bit(peer.syncnets,
                   [&](SubnetId subnet) { sync_committee_peer_count[static_cast<size_t>(subnet)]++; });
    }
    size_t max_length = 0;
    for (size_t position = 0; position < key_count_; position++) {
      const auto subnet = static_cast<size_t>(subnet_at_[position]);
      const size_t length = next_at[subnet] - subnet * stride;
      assert(length > 0 && length <= n);
      begin_[position] = subnet * stride;
      size_[position] = length;
      length_[position] = static_cast<int64_t>(length);
      max_length = std::max(max_length, length);
      // Past the segment, above every count (first_smallest's contract).
      std::fill(counts + begin_[position] + length, counts + begin_[position] + length + kCountSlack, uint8_t{0xff});
    }
    with_length_.assign(max_length + 1, 0);
    for (size_t position = 0; position < key_count_; position++) {
      with_length_[size_[position]] |= uint64_t{1} << position;
    }
    max_length_ = max_length;
  }

  // subnetToPeers.get(subnet)?.length, -1 for undefined.
  int64_t length(SubnetId subnet) const {
    if (subnet < 0 || subnet >= kAttestationSubnetCount) return kDeleted;
    const uint8_t position = position_[static_cast<size_t>(subnet)];
    return position == kAbsent ? kDeleted : length_[position];
  }
  // The segment of a live subnet, removed entries included: its length(subnet)
  // live ones are those whose attnet_counts(subnet) entry is not kRemoved.
  std::span<const PeerIndex> peers(SubnetId subnet) const {
    const size_t position = position_[static_cast<size_t>(subnet)];
    assert(position != kAbsent && length_[position] != kDeleted);
    return {buffer_.get() + begin_[position], size_[position]};
  }
  // attnetsTrueBitIndices.length of each of peers(subnet) (kRemoved once
  // spliced), readable kCountSlack bytes past the end.
  const uint8_t* attnet_counts(SubnetId subnet) const {
    const size_t position = position_[static_cast<size_t>(subnet)];
    return counts_.get() + begin_[position];
  }

  // findMaxPeersSubnet: `for (const [subnet, peers] of subnetToPeers)` keeps
  // the first key with `length > targetSubnetPeers && length > max` (max
  // starting at -1): the first key in Map order among those with the largest
  // length, if that length is above both the target and -1. Lengths only go
  // down, so the largest is found from the last one down, and the first key
  // with it is the lowest bit of that length's position mask.
  std::optional<SubnetId> find_max_peers_subnet(int64_t target_subnet_peers) {
    while (max_length_ > 0 && with_length_[max_length_] == 0) max_length_--;
    const uint64_t positions = with_length_[max_length_];
    const auto length = static_cast<int64_t>(max_length_);
    if (positions == 0 || !(length > target_subnet_peers && length > -1)) return std::nullopt;
    return subnet_at_[static_cast<size_t>(std::countr_zero(positions))];
  }

  // subnetToPeers.delete(subnet)
  void erase(SubnetId subnet) {
    const size_t position = position_[static_cast<size_t>(subnet)];
    with_length_[static_cast<size_t>(length_[position])] &= ~(uint64_t{1} << position);
    length_[position] = kDeleted;
  }

  // removePeerFromSubnetToPeers: in every live subnet, findIndex by identity
  // then splice. The peer was pushed onto its own subnets only, so only those
  // are searched; it is live in each (it was picked from a segment, so it was
  // pushed, and a spliced peer is never picked again), and a binary search
  // finds it (segments are sorted by peer index).
  void remove_peer(const Peer& peer, PeerIndex removed_peer) {
    for_each_bit(peer.attnets, [&](SubnetId subnet) {
      const size_t position = position_[static_cast<size_t>(subnet)];
      if (position == kAbsent || length_[position] == kDeleted) return;
      const PeerIndex* first = buffer_.get() + begin_[position];
      const PeerIndex* last = first + size_[position];
      const PeerIndex* it = std::lower_bound(first, last, removed_peer);
      assert(it != last && *it == removed_peer);
      uint8_t& count = counts_[begin_[position] + static_cast<size_t>(it - first)];
      assert(count != kRemoved);
      count = kRemoved;
      with_length_[static_cast<size_t>(length_[position])] &= ~(uint64_t{1} << position);
      length_[position]--;
      with_length_[static_cast<size_t>(length_[position])] |= uint64_t{1} << position;
    });
  }

 private:
  static constexpr uint8_t kAbsent = 0xff;
  std::array<uint8_t, kAttestationSubnetCount> position_{};  // subnet -> key position, kAbsent if never set
  std::array<SubnetId, kAttestationSubnetCount> subnet_at_{};
  std::array<size_t, kAttestationSubnetCount> begin_{};
  std::array<size_t, kAttestationSubnetCount> size_{};     // entries in the segment, removed ones included
  std::array<int64_t, kAttestationSubnetCount> length_{};  // live entries; kDeleted once deleted
  size_t key_count_ = 0;
  std::unique_ptr<PeerIndex[]> buffer_;
  std::unique_ptr<uint8_t[]> counts_;  // attnet count of the peer at the same place in buffer_
  // with_length_[l]: bit p set when the live key at position p has length l.
  std::vector<uint64_t> with_length_;
  size_t max_length_ = 0;  // no live key is longer
};
// No peer: PeerIndex values are below n <= UINT32_MAX, so this one is none.
// (find_peer_to_remove returned a std::optional<PeerIndex>, which GCC built
// with two narrow stores and read back with one wide load: a store
// forwarding stall on every call.)
constexpr PeerIndex kNoPeer = UINT32_MAX;

// Find peers to remove from the current maxPeersSubnet. kNoPeer if we should
// not remove any peer on the most grouped subnet.
//
// TS: `for (const candidatePeer of sortBy(peers, (p) => p.attnetsTrueBitIndices.length))`
// and return the first candidate that passes both checks. The checks read
// only the candidate and counts that do not change during the call, so the
// answer is the passing peer with the smallest (attnet count, position) pair,
// position in the unsorted array (sortBy is a stable sort of a copy). One pass
// finds it without sorting: a peer is checked only when its count is below the
// best passing one's so far.
PeerIndex find_peer_to_remove(std::span<const Peer> connected_peers, const SubnetToPeers& subnet_to_peers,
                              const SyncCommitteePeerCount& sync_committee_peer_count, SubnetId most_grouped_subnet,
                              int64_t target_subnet_peers, const std::vector<RequestedSubnet>& active_attnets) {
  // The body of the TS loop for one candidate: false where it `continue`s.
  auto can_remove = [&](const Peer& candidate) {
    // new logic of lodestar
    if (candidate.attnet_count > 0) {
      int64_t min_attnet_count = kAttestationSubnetCount;  // ATTESTATION_SUBNET_COUNT
      // intersection of requested subnets and subnets that peer subscribes to
      for (const RequestedSubnet& requested : active_attnets) {
        const SubnetId subnet = requested.subnet;
        const int64_t num_subnet_peers = subnet_to_peers.length(subnet);  // subnetToPeers.get(subnet)?.length
        if (num_subnet_peers != SubnetToPeers::kDeleted) {                // !== undefined
          if (num_subnet_peers < min_attnet_count && has_bit(candidate.attnets, subnet, kAttestationSubnetCount)) {
            min_attnet_count = num_subnet_peers;
          }
        }
      }
      // shouldn't remove this peer because it drops us below targetSubnetPeers
      if (min_attnet_count <= target_subnet_peers) {
        return false;
      }
    }

    // same logic to lighthouse
    // The peer is subscribed to some long-lived sync-committees
    if (candidate.syncnet_count > 0) {
      // Math.min(...syncnetIndices.map((subnet) => syncCommitteePeerCount.get(subnet) ?? 0))
      int64_t min_subnet_count = INT64_MAX;
      for_each_bit(candidate.syncnets, [&](SubnetId subnet) {
        min_subnet_count = std::min(min_subnet_count, sync_committee_peer_count[static_cast<size_t>(subnet)]);
      });
      // If the minimum count is our target or lower, we shouldn't remove this
      // peer, because it drops us lower than our target
      if (min_subnet_count <= kMinSyncCommitteePeers) {
        return false;
      }
    }

    // ok, found a peer to remove
    return true;
  };

  // (A removed entry is not in the TS array: it is skipped below, and its
  // count, kRemoved, is above every live one.)
  if (subnet_to_peers.length(most_grouped_subnet) == 0) return kNoPeer;
  const std::span<const PeerIndex> candidates = subnet_to_peers.peers(most_grouped_subnet);
  const uint8_t* attnet_counts = subnet_to_peers.attnet_counts(most_grouped_subnet);
  // The first candidate with the fewest subnets is the answer when it can be
  // removed (none comes before it in (count, position) order); usually it
  // can, and finding it is a vector scan of the counts.
  const size_t first_fewest = first_smallest(attnet_counts, candidates.size());
  if (can_remove(connected_peers[candidates[first_fewest]])) return candidates[first_fewest];

  PeerIndex removed_peer = kNoPeer;
  int64_t removed_peer_attnet_count = INT64_MAX;
  for (size_t k = 0; k < candidates.size(); k++) {
    if (attnet_counts[k] == SubnetToPeers::kRemoved) continue;
    assert(attnet_counts[k] == connected_peers[candidates[k]].attnet_count);
    if (attnet_counts[k] < removed_peer_attnet_count && can_remove(connected_peers[candidates[k]])) {
      removed_peer = candidates[k];
      removed_peer_attnet_count = attnet_counts[k];
      // Every peer here has this subnet's bit: no count is below 1.
      if (removed_peer_attnet_count == 1) break;
    }
  }

  return removed_peer;
}

// Decrease the syncCommitteePeerCount of the given committees.
void decrease_sync_committee_peer_count(SyncCommitteePeerCount& sync_committee_peer_count, uint64_t committees) {
  for_each_bit(committees, [&](SubnetId sync_committee) {
    int64_t& count = sync_committee_peer_count[static_cast<size_t>(sync_committee)];
    count = std::max<int64_t>(count - 1, 0);
  });
}

// sortPeersToPrune's comparator inputs for one peer.
struct PruneKey {
  int64_t dutied_subnets = 0;  // dutiesByPeer.get(p) ?? 0
  int status_score = 0;        // p.statusScore
  int64_t long_lived_subnets = 0;  // attnetsTrueBitIndices.length + syncnetsTrueBitIndices.length
  double score = 0;
};

// The TS comparator, returning a number; Array.prototype.sort places p1
// before p2 when it is < 0 (and it is an order unless a score is NaN).
double compare_prune_keys(const PruneKey& p1, const PruneKey& p2) {
  const int64_t dutied_subnet1 = p1.dutied_subnets;
  const int64_t dutied_subnet2 = p2.dutied_subnets;
  if (dutied_subnet1 == dutied_subnet2) {
    const int status_score = p1.status_score - p2.status_score;
    if (status_score != 0) {
      return status_score;
    }
    const int64_t long_lived_subnets1 = p1.long_lived_subnets;
    const int64_t long_lived_subnets2 = p2.long_lived_subnets;
    if (long_lived_subnets1 == long_lived_subnets2) {
      return p1.score - p2.score;
    }
    return static_cast<double>(long_lived_subnets1 - long_lived_subnets2);
  }
  return static_cast<double>(dutied_subnet1 - dutied_subnet2);
}


// items[i] for key_at(i), i < n. False when some key is outside the ranges
// above (or NaN): those items' major and minor are then meaningless.
template <typename KeyAt>
bool make_prune_items(size_t n, const KeyAt& key_at, PruneItem* items) {
  assert(n <= UINT32_MAX);
  // Unsigned compares check both bounds of each range; `&` keeps the loop
  // free of data-dependent branches.
  bool in_range = true;
  for (size_t i = 0; i < n; i++) {
    const PruneKey key = key_at(i);
    in_range &= (static_cast<uint64_t>(key.dutied_subnets) < (uint64_t{1} << 24)) &
                (static_cast<uint32_t>(key.status_score + 1) <= 1) &
                (static_cast<uint64_t>(key.long_lived_subnets) < 128) & !std::isnan(key.score);
    items[i] = prune_item(key.dutied_subnets, key.status_score, key.long_lived_subnets, key.score, i);
  }
  return in_range;
}

// Stable LSD radix sort by (major, minor), one byte per pass, least
// significant first; a byte that is the same in every item is skipped (its
// pass would keep the order as it is).
void radix_sort(PruneItem* items, size_t n) {
  uint64_t and_minor = ~uint64_t{0};
  uint64_t or_minor = 0;
  uint32_t and_major = ~uint32_t{0};
  uint32_t or_major = 0;
  for (size_t i = 0; i < n; i++) {
    and_minor &= items[i].minor;
    or_minor |= items[i].minor;
    and_major &= items[i].major;
    or_major |= items[i].major;
  }
  const std::unique_ptr<PruneItem[]> scratch(new PruneItem[n]);  // uninitialized: every slot is written
  PruneItem* from = items;
  PruneItem* to = scratch.get();
  auto pass = [&](auto digit) {
    std::array<uint32_t, 256> next{};
    for (size_t i = 0; i < n; i++) next[digit(from[i])]++;
    uint32_t sum = 0;
    for (uint32_t& slot : next) {
      const uint32_t count = slot;
      slot = sum;
      sum += count;
    }
    for (size_t i = 0; i < n; i++) to[next[digit(from[i])]++] = from[i];
    std::swap(from, to);
  };
  for (int shift = 0; shift < 64; shift += 8) {
    if ((((and_minor ^ or_minor) >> shift) & 0xff) == 0) continue;
    pass([shift](const PruneItem& item) { return static_cast<size_t>((item.minor >> shift) & 0xff); });
  }
  for (int shift = 0; shift < 32; shift += 8) {
    if ((((and_major ^ or_major) >> shift) & 0xff) == 0) continue;
    pass([shift](const PruneItem& item) { return static_cast<size_t>((item.major >> shift) & 0xff); });
  }
  if (from != items) std::copy(from, from + n, items);
}

// sortPeersToPrune: shuffle(connectedPeers), then the TS comparator, on n
// peers. integer_keys says whether every peer's key is in the integer ranges
// above (else `compare`, the TS comparator on peer indices, sorts); then
// `buckets`, if not null, holds them all, peer i's in key_of[i] (a counting
// sort), else item_at(i) is peer i's PruneItem (a radix sort). Writes
// indices into connected_peers to order[0..n); false when `random` ran out
// (order is then unspecified).
template <typename ItemAt, typename Compare>
bool sort_peers_by_keys(size_t n, bool integer_keys, KeyBuckets* buckets, const uint16_t* key_of,
                        const ItemAt& item_at, const Compare& compare, RandomDraws& random, PeerIndex* order) {
  assert(n <= UINT32_MAX);
  // const _arr = [...arr], shuffled: the peer indices.
  const std::unique_ptr<PeerIndex[]> shuffled(new PeerIndex[n]);  // uninitialized: every slot is written
  size_t filled = 0;
  for (; filled + 4 <= n; filled += 4) {  // unrolled by four: the body is one store, its control would dominate
    shuffled[filled] = static_cast<PeerIndex>(filled);
    shuffled[filled + 1] = static_cast<PeerIndex>(filled + 1);
    shuffled[filled + 2] = static_cast<PeerIndex>(filled + 2);
    shuffled[filled + 3] = static_cast<PeerIndex>(filled + 3);
  }
  for (; filled < n; filled++) shuffled[filled] = static_cast<PeerIndex>(filled);
  if (!shuffle_in_place(std::span<PeerIndex>(shuffled.get(), n), random)) return false;

  if (integer_keys && buckets != nullptr) {
    // One stable scatter in shuffled order.
    buckets->lay_out();
    for (size_t i = 0; i < n; i++) {
      const PeerIndex index = shuffled[i];
      order[buckets->next_position(key_of[index])] = index;
    }
    return true;
  }
  if (integer_keys) {
    const std::unique_ptr<PruneItem[]> in_order(new PruneItem[n]);  // uninitialized: every slot is written
    for (size_t i = 0; i < n; i++) in_order[i] = item_at(shuffled[i]);
    radix_sort(in_order.get(), n);
    for (size_t i = 0; i < n; i++) order[i] = in_order[i].index;
    return true;
  }
  // A key out of range, or a NaN score, which makes the comparator no order:
  // V8's Array.prototype.sort with the comparator itself.
  std::copy(shuffled.get(), shuffled.get() + n, order);
  js_array_sort(order, order + n, compare);
  return true;
}

// The ids of connected_peers[picks[0..count)], in that order. The pruning
// loops record indices and the ids are copied here: each copy follows two
// pointers and bumps a reference count, memory far from the loops' data,
// and here the copies do not wait on each other.
std::vector<PeerIdStr> peer_ids(std::span<const Peer> connected_peers, const PeerIndex* picks, size_t count) {
  std::vector<PeerIdStr> ids;
  ids.reserve(count);
  for (size_t k = 0; k < count; k++) ids.push_back(connected_peers[picks[k]].info->id);
  return ids;
}

// Remove excess peers back down to our target values.
// 1. Remove peers that are not subscribed to a subnet (they have less value)
// 2. Remove worst scoring peers
// 3. Remove peers that we have many on any particular subnet
// 4. Remove peers in prune order until the target is reached
// Returns false when the shuffle ran out of random draws. Marks the peers it
// picks in their disconnected_for.
// A statement-by-statement port of pruneExcessPeers (prioritizePeers.ts, 166 lines), kept whole to read beside it.
bool prune_excess_peers(std::span<Peer> connected_peers, int64_t outbound_peers,
                        bool integer_keys, KeyBuckets* buckets, const uint16_t* key_of,
                        const std::vector<RequestedSubnet>& active_attnets,
                        OrderedMap<ExcessPeerDisconnectReason, std::vector<PeerIdStr>>& peers_to_disconnect,
                        const PrioritizePeersOpts& opts, RandomDraws& random) {
  const int64_t target_peers = opts.target_peers;
  const int64_t target_subnet_peers = opts.target_subnet_peers.value_or(kTargetSubnetPeers);
  const double outbound_peers_ratio = opts.outbound_peers_ratio.value_or(kOutboundPeersRatio);
  const auto connected_peer_count = static_cast<int64_t>(connected_peers.size());
  const double outbound_peers_target = js_round(outbound_peers_ratio * static_cast<double>(connected_peer_count));

  // Count outbound peers: `outbound_peers`, counted by build_peers.

  int64_t outbound_peers_eligible_for_pruning = 0;

  // The sorted order, step 1's picks, step 2's candidates, step 3's picks
  // (then step 4's, in step 1's place): one allocation of four runs of n
  // (each holds a peer at most once).
  const size_t n = connected_peers.size();
  const std::unique_ptr<PeerIndex[]> indices(new PeerIndex[4 * n]);  // uninitialized: read only where written
  PeerIndex* const sorted_peers = indices.get();
  auto prune_key = [&](PeerIndex i) {
    const Peer& peer = connected_peers[i];
    return PruneKey{.dutied_subnets = peer.duties,
                    .status_score = static_cast<int>(peer.status_score),
                    .long_lived_subnets = int64_t{peer.attnet_count} + peer.syncnet_count,
                    .score = peer.score};
  };
  auto prune_item_at = [&](PeerIndex i) {
    const Peer& peer = connected_peers[i];
    return prune_item(peer.duties, static_cast<int>(peer.status_score), int64_t{peer.attnet_count} + peer.syncnet_count,
                      peer.score, i);
  };
  const bool sorted = sort_peers_by_keys(
      n, integer_keys, buckets, key_of, prune_item_at,
      [&](PeerIndex a, PeerIndex b) { return compare_prune_keys(prune_key(a), prune_key(b)); }, random, sorted_peers);
  if (!sorted) return false;

  int64_t peers_to_disconnect_count = 0;

  // if we're starved for data, prune additional peers. A double, as in JS.
  // (TS computes it after the filter below; it reads neither's results.)
  const double peers_to_disconnect_target =
      static_cast<double>(connected_peer_count - target_peers) +
      (opts.starved ? static_cast<double>(target_peers) * opts.starvation_prune_ratio : 0.0);
  auto below_target = [&] { return static_cast<double>(peers_to_disconnect_count) < peers_to_disconnect_target; };

  // Then, iterate from highest score to lowest doing a manual filter for duties
  // and outbound ratio (the filter callback has a side effect on the counter).
  // Fused with step 1, which visits the eligible peers in the same order and
  // decides each from its own earlier decisions only; and step 2's
  // candidates are kept (the eligible peers whose test does not fail
  // whatever the count: score low, not picked by step 1), in the same order.
  // The ids of the picked peers are copied after the loop (peer_ids).
  PeerIndex* const no_long_lived_subnet_picks = indices.get() + n;
  PeerIndex* const low_score_candidates = indices.get() + 2 * n;
  const bool starved = opts.starved;  // a local: the byte stores below may alias opts
  size_t no_long_lived_subnet_pick_count = 0;
  size_t low_score_candidate_count = 0;
  for (size_t rank = 0; rank < n; rank++) {
    const PeerIndex index = sorted_peers[rank];
    Peer& peer = connected_peers[index];
    // Peers with duties are not eligible for pruning
    if (peer.duties > 0) {
      continue;
    }

    // Peers far ahead when we're starved for data are not eligible for pruning
    if (starved && peer.status_score == StatusScore::FAR_AHEAD) {
      continue;
    }

    // outbound peers up to OUTBOUND_PEER_RATIO sorted by highest score and not eligible for pruning
    //   if (outbound) { if (kept > target) eligible++; else continue; }
    // as one branch that is rarely taken (outbound peers come in no order,
    // so a branch on the direction would often be mispredicted).
    const bool outbound = peer.outbound;
    const bool over_outbound_target =
        static_cast<double>(outbound_peers - outbound_peers_eligible_for_pruning) > outbound_peers_target;
    if (outbound && !over_outbound_target) {
      continue;
    }
    outbound_peers_eligible_for_pruning += outbound ? 1 : 0;

    // peersEligibleForPruning.push(peer), then:
    // 1. Lodestar prefers disconnecting peers that does not have long lived subnets
    // See https://github.com/ChainSafe/lodestar/issues/3940
    // peers with low score will be disconnected through heartbeat in the end
    const bool has_long_lived_subnet = peer.attnet_count > 0 || peer.syncnet_count > 0;
    if (!has_long_lived_subnet && below_target()) {
      no_long_lived_subnet_picks[no_long_lived_subnet_pick_count++] = index;
      peer.disconnected_for |= kNoLongLivedSubnet;
      peers_to_disconnect_count++;
    } else if (peer.score < kLowScoreToPruneIfTooManyPeers) {
      // 2.'s test without below_target(), for a peer that step 1 did not
      // pick (!noLongLivedSubnetPeersToDisconnect.includes(peer.id))
      low_score_candidates[low_score_candidate_count++] = index;
    }
  }
  peers_to_disconnect.set(ExcessPeerDisconnectReason::NO_LONG_LIVED_SUBNET,
                          peer_ids(connected_peers, no_long_lived_subnet_picks, no_long_lived_subnet_pick_count));

  // 2. Disconnect peers that have score < LOW_SCORE_TO_PRUNE_IF_TOO_MANY_PEERS
  // The count only grows, so once below_target() is false it stays false:
  // the peers picked are the candidates before that point.
  size_t low_score_pick_count = 0;
  for (; low_score_pick_count < low_score_candidate_count && below_target(); low_score_pick_count++) {
    connected_peers[low_score_candidates[low_score_pick_count]].disconnected_for |= kLowScore;
    peers_to_disconnect_count++;
  }
  peers_to_disconnect.set(ExcessPeerDisconnectReason::LOW_SCORE,
                          peer_ids(connected_peers, low_score_candidates, low_score_pick_count));

  // 3. Disconnect peers that are too grouped on any given subnet
  PeerIndex* const too_grouped_picks = indices.get() + 3 * n;
  size_t too_grouped_pick_count = 0;
  if (below_target()) {
    // PeerInfo array by attestation subnet (MapDef)
    SubnetToPeers subnet_to_peers;
    // number of peers per long lived sync committee (MapDef, default 0)
    SyncCommitteePeerCount sync_committee_peer_count{};

    // populate the above variables
    // (skip: noLongLivedSubnetPeersToDisconnect.includes(peer.id) || badScorePeersToDisconnect.includes(peer.id))
    subnet_to_peers.populate(connected_peers, sync_committee_peer_count);

    while (below_target()) {
      const std::optional<SubnetId> max_peers_subnet = subnet_to_peers.find_max_peers_subnet(target_subnet_peers);
      // peers are NOT too grouped on any given subnet, finish this loop
      // (subnetToPeers.get(maxPeersSubnet) is then always defined)
      if (!max_peers_subnet.has_value()) {
        break;
      }

      // Find peers to remove from the current maxPeersSubnet
      const PeerIndex removed_peer =
          find_peer_to_remove(connected_peers, subnet_to_peers, sync_committee_peer_count, *max_peers_subnet,
                              target_subnet_peers, active_attnets);

      // If we have successfully found a candidate peer to prune, prune it,
      // otherwise all peers on this subnet should not be removed.
      // In this case, we remove all peers from the pruning logic and try another subnet.
      if (removed_peer != kNoPeer) {
        Peer& removed = connected_peers[removed_peer];
        // recalculate variables
        subnet_to_peers.remove_peer(removed, removed_peer);
        decrease_sync_committee_peer_count(sync_committee_peer_count, removed.syncnets);

        too_grouped_picks[too_grouped_pick_count++] = removed_peer;
        removed.disconnected_for |= kTooGrouped;
        peers_to_disconnect_count++;
      } else {
        // no peer to remove from the maxPeersSubnet
        // should continue with the 2nd biggest maxPeersSubnet
        subnet_to_peers.erase(*max_peers_subnet);
      }
    }

    peers_to_disconnect.set(ExcessPeerDisconnectReason::TOO_GROUPED_SUBNET,
                            peer_ids(connected_peers, too_grouped_picks, too_grouped_pick_count));

    // 4. Ensure to always to prune to target peers
    // In rare case, all peers may have duties and good score but very low long lived subnet,
    // and not too grouped to any subnets, we need to always disconnect peers until it reaches targetPeers
    // because we want to keep improving peers (long lived subnets + score)
    // otherwise we'll not able to accept new peer connection to consider better peers
    // see https://github.com/ChainSafe/lodestar/issues/5198
    PeerIndex* const remaining_picks = no_long_lived_subnet_picks;  // step 1's ids are copied
    size_t remaining_pick_count = 0;
    for (size_t rank = 0; rank < n; rank++) {
      if (!below_target()) {  // peersToDisconnectCount >= peersToDisconnectTarget
        break;
      }
      const Peer& peer = connected_peers[sorted_peers[rank]];
      // noLongLived...includes(id) || badScore...includes(id) || tooGrouped...includes(id)
      if (peer.disconnected_for != 0) {
        continue;
      }
      remaining_picks[remaining_pick_count++] = sorted_peers[rank];
      peers_to_disconnect_count++;
    }

    peers_to_disconnect.set(ExcessPeerDisconnectReason::FIND_BETTER_PEERS,
                            peer_ids(connected_peers, remaining_picks, remaining_pick_count));
  }
  return true;
}

}  // namespace

std::optional<PrioritizePeersResult> prioritize_peers(const std::vector<ConnectedPeerInfo>& connected_peers_info,
                                                      const std::vector<RequestedSubnet>& active_attnets,
                                                      const std::vector<RequestedSubnet>& active_syncnets,
                                                      const std::optional<std::vector<CustodyIndex>>& sampling_groups,
                                                      const PrioritizePeersOpts& opts, const ChainConfig& config,
                                                      RandomDraws& random, NetworkCoreMetrics* metrics) {
  const int64_t target_peers = opts.target_peers;
  const int64_t max_peers = opts.max_peers;
  const size_t draws_before = random.used();
  const size_t n = connected_peers_info.size();
  assert(n <= UINT32_MAX);  // PeerIndex

  PrioritizePeersResult result;

  // Pre-compute trueBitIndexes for re-use below, with requestSubnetPeers'
  // counts (see build_peers).
  SubnetDuties<kAttestationSubnetCount> attnet_duties(active_attnets);
  SubnetDuties<kSyncCommitteeSubnetCount> syncnet_duties(active_syncnets);
  const size_t group_count = static_cast<size_t>(std::max<int64_t>(config.number_of_custody_groups, 0));
  std::optional<GroupCounts> group_counts;
  if (sampling_groups.has_value()) group_counts.emplace(group_count);
  const std::unique_ptr<Peer[]> peers(new Peer[n]);  // uninitialized: build_peers writes every field
  // sortPeersToPrune's key buckets, filled with the peers when pruning will run.
  const bool will_prune = static_cast<int64_t>(n) > target_peers;
  // (On the heap: a std::optional of it was zeroed whole, 10 KB, by GCC.)
  const std::unique_ptr<KeyBuckets> buckets(will_prune ? new KeyBuckets() : nullptr);
  const std::unique_ptr<uint16_t[]> key_of(will_prune ? new uint16_t[n] : nullptr);  // uninitialized: assigned
  const std::unique_ptr<PruneItem[]> items(will_prune ? new PruneItem[n] : nullptr);  // uninitialized: built
  const BuiltPeers built = build_peers(connected_peers_info, opts, attnet_duties, syncnet_duties,
                                       group_counts.has_value() ? &*group_counts : nullptr, peers.get(), items.get());
  // Every peer's key in its bucket, when the keys are integers (else the
  // items are meaningless and the TS comparator sorts).
  const bool bucketed = will_prune && built.integer_keys && buckets->assign(items.get(), n, key_of.get());
  const std::span<Peer> connected_peers(peers.get(), n);

  request_subnet_peers(attnet_duties, syncnet_duties, group_counts.has_value() ? &*group_counts : nullptr,
                       active_attnets, active_syncnets, sampling_groups, opts, group_count, result, metrics);

  const auto connected_peer_count = static_cast<int64_t>(n);

  if (connected_peer_count < target_peers) {
    // Need more peers. Overshoot a little since the success rate of outgoing
    // connections is low, but never more than maxPeers.
    result.peers_to_connect = std::min(kPeersToConnectOvershootFactor * (target_peers - connected_peer_count),
                                       max_peers - connected_peer_count);
  } else if (connected_peer_count > target_peers) {
    assert(will_prune);
    if (!prune_excess_peers(connected_peers, built.outbound_peers, built.integer_keys,
                            bucketed ? buckets.get() : nullptr, key_of.get(), active_attnets,
                            result.peers_to_disconnect, opts, random)) {
      return std::nullopt;
    }
  }

  result.random_draws_used = random.used() - draws_before;
  return result;
}

std::optional<std::vector<size_t>> sort_peers_to_prune(const std::vector<PeerInfo>& connected_peers,
                                                       const std::vector<int64_t>& duties_by_peer,
                                                       RandomDraws& random) {
  assert(duties_by_peer.size() == connected_peers.size());
  const size_t n = connected_peers.size();
  auto prune_key = [&](PeerIndex i) {
    const PeerInfo& p = connected_peers[i];
    return PruneKey{
        .dutied_subnets = duties_by_peer[i],
        .status_score = static_cast<int>(p.status_score),
        .long_lived_subnets =
            static_cast<int64_t>(p.attnets_true_bit_indices.size() + p.syncnets_true_bit_indices.size()),
        .score = p.score,
    };
  };
  const std::unique_ptr<PruneItem[]> items(new PruneItem[n]);
  const bool integer_keys = make_prune_items(n, prune_key, items.get());
  const std::unique_ptr<KeyBuckets> buckets(new KeyBuckets());
  const std::unique_ptr<uint16_t[]> key_of(new uint16_t[n]);
  const bool bucketed = integer_keys && buckets->assign(items.get(), n, key_of.get());
  const std::unique_ptr<PeerIndex[]> order(new PeerIndex[n]);
  const bool sorted = sort_peers_by_keys(
      n, integer_keys, bucketed ? buckets.get() : nullptr, key_of.get(), [&](PeerIndex i) { return items[i]; },
      [&](PeerIndex a, PeerIndex b) { return compare_prune_keys(prune_key(a), prune_key(b)); }, random, order.get());
  if (!sorted) return std::nullopt;
  return std::vector<size_t>(order.get(), order.get() + n);
}

}  // namespace peers
