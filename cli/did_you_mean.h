// did_you_mean: the nearest known name to a mistyped one (a subcommand), for
// "unknown command \"chek\"; did you mean \"check\"?".
#ifndef PEER_REPLAY_CLI_DID_YOU_MEAN_H_
#define PEER_REPLAY_CLI_DID_YOU_MEAN_H_

#include <string>
#include <vector>

namespace replay {

// Levenshtein distance (insert, delete, substitute: 1 each).
size_t edit_distance(const std::string& a, const std::string& b);

// The name closest to `typed` when it is near enough to be a typo (at most 2
// edits, and fewer than half of typed's length); "" otherwise. Ties: the
// first in `names`.
std::string closest_name(const std::string& typed, const std::vector<std::string>& names);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_DID_YOU_MEAN_H_
