// Status relevance check: a line-by-line port of
// packages/beacon-node/src/network/peers/utils/assertPeerRelevance.ts.
//
// Owner: engine pure layers (relevance); called by the peer manager on every
// status received. Reads no clock and no randomness: the current slot is an
// argument, as in TS.
#ifndef PEER_REPLAY_ENGINE_UTILS_ASSERT_PEER_RELEVANCE_H_
#define PEER_REPLAY_ENGINE_UTILS_ASSERT_PEER_RELEVANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "peers/types.h"

namespace peers {

// FUTURE_SLOT_TOLERANCE (from Lighthouse).
inline constexpr int64_t kFutureSlotTolerance = 1;

// export enum IrrelevantPeerCode; the TS string values are given by
// irrelevant_peer_code_value().
enum class IrrelevantPeerCode {
  INCOMPATIBLE_FORKS,          // "IRRELEVANT_PEER_INCOMPATIBLE_FORKS"
  DIFFERENT_CLOCKS,            // "IRRELEVANT_PEER_DIFFERENT_CLOCKS"
  DIFFERENT_FINALIZED,         // "IRRELEVANT_PEER_DIFFERENT_FINALIZED"
  NO_EARLIEST_AVAILABLE_SLOT,  // "NO_EARLIEST_AVAILABLE_SLOT"
};
std::string_view irrelevant_peer_code_value(IrrelevantPeerCode code);

// type IrrelevantPeerType: a tagged union in TS. Only the fields of `code` are
// meaningful: ours/theirs for INCOMPATIBLE_FORKS, slot_diff for
// DIFFERENT_CLOCKS, expected_root/remote_root for DIFFERENT_FINALIZED.
struct IrrelevantPeerType {
  IrrelevantPeerCode code = IrrelevantPeerCode::INCOMPATIBLE_FORKS;
  Bytes4 ours{};
  Bytes4 theirs{};
  int64_t slot_diff = 0;
  Root expected_root{};
  Root remote_root{};
  bool operator==(const IrrelevantPeerType&) const = default;
};

// assertPeerRelevance(forkName, remote, local, currentSlot): null (nullopt) when
// the peer is relevant, else the first reason, checked in this order: fork
// digest, clock (remote head more than FUTURE_SLOT_TOLERANCE ahead of
// max(currentSlot, 0)), finalized root at an equal finalized epoch (both roots
// non-zero), and, from fulu on, a missing earliestAvailableSlot.
// `fork` is the ForkName TS passes; only isForkPostFulu(fork) is read.
std::optional<IrrelevantPeerType> assert_peer_relevance(ForkSeq fork, const ChainStatus& remote,
                                                        const ChainStatus& local, Slot current_slot);

// isZeroRoot(root): all 32 bytes zero.
bool is_zero_root(const Root& root);

// renderIrrelevantPeerType(type): the log string TS builds, hex as "0x" + lower case.
std::string render_irrelevant_peer_type(const IrrelevantPeerType& type);

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_UTILS_ASSERT_PEER_RELEVANCE_H_
