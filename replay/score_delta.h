// The score part of an expect record (FORMAT.md §2.3), derived from two full
// dumps of the score store taken before and after an event.
#ifndef PEER_REPLAY_REPLAY_SCORE_DELTA_H_
#define PEER_REPLAY_REPLAY_SCORE_DELTA_H_

#include <nlohmann/json.hpp>

namespace replay {

// `before` and `after` are arrays of score entries (FORMAT.md §3.4) in dump
// order. Appends to *delta the entries of `after` that are new or differ from
// their `before` entry (as parsed JSON values), in `after`'s order, and to
// *removed the peers of `before` that are absent from `after`, in `before`'s order.
void score_delta(const nlohmann::json& before, const nlohmann::json& after, nlohmann::json* delta,
                 nlohmann::json* removed);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_SCORE_DELTA_H_
