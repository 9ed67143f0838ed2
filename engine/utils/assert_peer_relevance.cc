// Port of utils/assertPeerRelevance.ts, statements in the TS order.
#include "engine/utils/assert_peer_relevance.h"

#include <algorithm>
#include <cassert>

namespace peers {
namespace {

// toHex / toRootHex from @lodestar/utils: "0x" + lower-case hex.
template <size_t N>
std::string to_hex(const std::array<uint8_t, N>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + 2 * N);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

}  // namespace

std::string_view irrelevant_peer_code_value(IrrelevantPeerCode code) {
  switch (code) {
    case IrrelevantPeerCode::INCOMPATIBLE_FORKS: return "IRRELEVANT_PEER_INCOMPATIBLE_FORKS";
    case IrrelevantPeerCode::DIFFERENT_CLOCKS: return "IRRELEVANT_PEER_DIFFERENT_CLOCKS";
    case IrrelevantPeerCode::DIFFERENT_FINALIZED: return "IRRELEVANT_PEER_DIFFERENT_FINALIZED";
    case IrrelevantPeerCode::NO_EARLIEST_AVAILABLE_SLOT: return "NO_EARLIEST_AVAILABLE_SLOT";
  }
  assert(false && "unknown IrrelevantPeerCode");
  return "";
}

std::optional<IrrelevantPeerType> assert_peer_relevance(ForkSeq fork, const ChainStatus& remote,
                                                        const ChainStatus& local, Slot current_slot) {
  // The node is on a different network/fork
  if (local.fork_digest != remote.fork_digest) {
    return IrrelevantPeerType{
        .code = IrrelevantPeerCode::INCOMPATIBLE_FORKS,
        .ours = local.fork_digest,
        .theirs = remote.fork_digest,
    };
  }

  // The remote's head is on a slot that is significantly ahead of what we consider the
  // current slot. This could be because they are using a different genesis time, or that
  // their or our system's clock is incorrect.
  const int64_t slot_diff = remote.head_slot - std::max<Slot>(current_slot, 0);
  if (slot_diff > kFutureSlotTolerance) {
    return IrrelevantPeerType{.code = IrrelevantPeerCode::DIFFERENT_CLOCKS, .slot_diff = slot_diff};
  }

  // The remote's finalized epoch is less than or equal to ours, but the block root is
  // different to the one in our chain. Therefore, the node is on a different chain and we
  // should not communicate with them.
  if (remote.finalized_epoch <= local.finalized_epoch && !is_zero_root(remote.finalized_root) &&
      !is_zero_root(local.finalized_root)) {
    // NOTE: due to preferring to not access chain state here, we can't check the finalized
    // root against our history (see the TS comment).
    const Root& remote_root = remote.finalized_root;
    const std::optional<Root> expected_root =
        remote.finalized_epoch == local.finalized_epoch ? std::optional<Root>(local.finalized_root) : std::nullopt;

    if (expected_root.has_value() && remote_root != *expected_root) {
      return IrrelevantPeerType{
          .code = IrrelevantPeerCode::DIFFERENT_FINALIZED,
          .expected_root = *expected_root,
          .remote_root = remote_root,
      };
    }
  }

  if (fork >= ForkSeq::fulu && !remote.earliest_available_slot.has_value()) {
    return IrrelevantPeerType{.code = IrrelevantPeerCode::NO_EARLIEST_AVAILABLE_SLOT};
  }

  // Note: Accept request status finalized checkpoint in the future, we do not know if it is a true finalized root
  return std::nullopt;
}

bool is_zero_root(const Root& root) {
  return std::all_of(root.begin(), root.end(), [](uint8_t b) { return b == 0; });
}

std::string render_irrelevant_peer_type(const IrrelevantPeerType& type) {
  switch (type.code) {
    case IrrelevantPeerCode::INCOMPATIBLE_FORKS:
      return "INCOMPATIBLE_FORKS ours: " + to_hex(type.ours) + " theirs: " + to_hex(type.theirs);
    case IrrelevantPeerCode::DIFFERENT_CLOCKS: return "DIFFERENT_CLOCKS slotDiff: " + std::to_string(type.slot_diff);
    case IrrelevantPeerCode::DIFFERENT_FINALIZED:
      return "DIFFERENT_FINALIZED root: " + to_hex(type.remote_root) + " expected: " + to_hex(type.expected_root);
    case IrrelevantPeerCode::NO_EARLIEST_AVAILABLE_SLOT: return "No earliestAvailableSlot announced via peer Status";
  }
  assert(false && "unknown IrrelevantPeerCode");
  return "";
}

}  // namespace peers
