#include "peers/types.h"

#include <cassert>

namespace peers {

const char* fork_name(ForkSeq fork) {
  switch (fork) {
    case ForkSeq::phase0: return "phase0";
    case ForkSeq::altair: return "altair";
    case ForkSeq::bellatrix: return "bellatrix";
    case ForkSeq::capella: return "capella";
    case ForkSeq::deneb: return "deneb";
    case ForkSeq::electra: return "electra";
    case ForkSeq::fulu: return "fulu";
    case ForkSeq::gloas: return "gloas";
  }
  assert(false && "unknown ForkSeq");
  return "unknown";
}

ForkSeq ChainConfig::fork_seq_at_slot(Slot slot) const {
  assert(slots_per_epoch > 0);
  // getForkInfo: epoch = Math.floor(Math.max(slot, 0) / SLOTS_PER_EPOCH), then the
  // latest boundary with epoch >= boundary.epoch (forks sharing an epoch: the higher wins).
  const Epoch epoch = (slot > 0 ? slot : 0) / slots_per_epoch;
  ForkSeq result = ForkSeq::phase0;
  for (int i = 0; i < kForkCount; i++) {
    if (fork_epoch[i] != kFarFutureEpoch && fork_epoch[i] <= epoch) result = static_cast<ForkSeq>(i);
  }
  return result;
}

}  // namespace peers
