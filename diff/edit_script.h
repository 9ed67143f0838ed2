// edit_script: the alignment of two action lists by key (kind+peer), for the
// differ. Myers 1986, "An O(ND) Difference Algorithm and Its Variations".
#ifndef PEER_REPLAY_DIFF_EDIT_SCRIPT_H_
#define PEER_REPLAY_DIFF_EDIT_SCRIPT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace replay {

inline constexpr size_t kMaxEditDistance = 1000;  // Myers' D; beyond it the middle is replaced whole

enum class EditOp { kKeep, kDelete, kInsert };
struct Edit {
  EditOp op;
  size_t ia, ib;  // kKeep: both; kDelete: ia; kInsert: ib
};

// A shortest edit script from a to b (Myers), after trimming the common prefix
// and suffix; when more than max_d edits are needed, the middle is deleted and
// inserted whole. Memory O(max_d^2).
std::vector<Edit> align_keys(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                             size_t max_d = kMaxEditDistance);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_EDIT_SCRIPT_H_
