// Value types shared by every layer of the engine: the C++ shapes of the
// Lodestar / consensus types that network/peers reads. Plain data, no logic.
//
// Numbers: Lodestar keeps slots, epochs and timestamps in JS numbers (doubles
// that hold integers below 2^53); we keep them in int64_t, which is exact over
// that range. Scores are double, as in TS.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_TYPES_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_TYPES_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "peers/peer_id_str.h"

namespace peers {

// PeerIdStr (engine/include/peers/peer_id_str.h): a libp2p PeerId in its string form. TS
// compares PeerId objects by identity in a few places; every such place in
// the port compares these strings.

using Slot = int64_t;
using Epoch = int64_t;
using UnixMs = int64_t;
using CustodyIndex = uint32_t;   // a PeerDAS custody group, 0..NUMBER_OF_CUSTODY_GROUPS-1
using ColumnIndex = uint32_t;    // a data column, 0..NUMBER_OF_COLUMNS-1

using Bytes4 = std::array<uint8_t, 4>;
using Root = std::array<uint8_t, 32>;
using NodeId = std::array<uint8_t, 32>;  // discv5 node id, big-endian as in TS

inline constexpr int kAttestationSubnetCount = 64;     // ATTESTATION_SUBNET_COUNT
inline constexpr int kSyncCommitteeSubnetCount = 4;    // SYNC_COMMITTEE_SUBNET_COUNT
using Attnets = std::bitset<kAttestationSubnetCount>;  // BitArray(64); bit i = subnet i
using Syncnets = std::bitset<kSyncCommitteeSubnetCount>;

// The consensus Status message, phase0..fulu (fulu adds earliestAvailableSlot).
// Named ChainStatus because peers::Status is the error type (engine/include/peers/status.h).
struct ChainStatus {
  Bytes4 fork_digest{};
  Root finalized_root{};
  Epoch finalized_epoch = 0;
  Root head_root{};
  Slot head_slot = 0;
  std::optional<Slot> earliest_available_slot;
  bool operator==(const ChainStatus&) const = default;
};

// Metadata as a peer sends it (fulu.Metadata with the altair/fulu fields optional).
struct Metadata {
  uint64_t seq_number = 0;  // BigInt in TS
  Attnets attnets;
  std::optional<Syncnets> syncnets;
  std::optional<uint64_t> custody_group_count;
  bool operator==(const Metadata&) const = default;
};

enum class Direction { kInbound, kOutbound };
inline constexpr std::array<const char*, 2> kDirectionNames = {"inbound", "outbound"};  // libp2p's Direction

// ForkSeq from @lodestar/params.
enum class ForkSeq : int { phase0 = 0, altair = 1, bellatrix = 2, capella = 3, deneb = 4, electra = 5, fulu = 6, gloas = 7 };
inline constexpr int kForkCount = 8;
const char* fork_name(ForkSeq fork);

// Far-future epoch: a fork that is not scheduled (Infinity in TS configs).
inline constexpr Epoch kFarFutureEpoch = INT64_MAX;

// The chain constants and config values network/peers reads. Defaults are
// mainnet's; every trace header carries the values its recording used.
struct ChainConfig {
  std::array<Epoch, kForkCount> fork_epoch{0, kFarFutureEpoch, kFarFutureEpoch, kFarFutureEpoch,
                                           kFarFutureEpoch, kFarFutureEpoch, kFarFutureEpoch, kFarFutureEpoch};
  int64_t slots_per_epoch = 32;            // SLOTS_PER_EPOCH (preset)
  int64_t slot_duration_ms = 12000;        // SLOT_DURATION_MS
  int64_t custody_requirement = 4;         // CUSTODY_REQUIREMENT
  int64_t samples_per_slot = 8;            // SAMPLES_PER_SLOT
  int64_t number_of_custody_groups = 128;  // NUMBER_OF_CUSTODY_GROUPS
  int64_t number_of_columns = 128;         // NUMBER_OF_COLUMNS (preset)
  int64_t data_column_sidecar_subnet_count = 128;  // DATA_COLUMN_SIDECAR_SUBNET_COUNT
  int64_t genesis_time_s = 0;              // clock.genesisTime (seconds)

  // config.getForkSeq(slot): the highest fork whose epoch is <= the slot's epoch.
  ForkSeq fork_seq_at_slot(Slot slot) const;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_TYPES_H_
