// The replayer's per-expect equality test, on the expect record's tape and the
// engine's own values: no JSON is built for what the engine did (building
// it per event cost more than the engine's step).
//
// Each function answers exactly what json_equal_exact(expected, X, ulp)
// (trace/json_compare.h) answers, X being the engine value's JSON as
// trace_event.h renders it (action_to_json, score_entry_to_json, an array of
// peer id strings): numbers equal by value between integers and by bits as
// soon as one side is a double (within `ulp` where given), objects by member
// with no member missing or extra (the reader rejects duplicate keys).
// expect_match_test.cc checks the agreement on every expect of the corpus and
// on pairs that differ. Only when these say no does the replayer build the
// DOM, for the report (replayer.cc).
#ifndef PEER_REPLAY_REPLAY_EXPECT_MATCH_H_
#define PEER_REPLAY_REPLAY_EXPECT_MATCH_H_

#include <cstdint>
#include <vector>

#include "peers/action.h"
#include "peers/peer_id_str.h"
#include "peers/score_interface.h"
#include "trace/json_tape.h"

namespace replay {

bool action_matches(JsonRef expected, const peers::Action& action);
bool actions_match(JsonRef expected, const std::vector<peers::Action>& actions);
bool score_entry_matches(JsonRef expected, const peers::PeerScoreStatEntry& entry, uint64_t ulp);
bool score_entries_match(JsonRef expected, const peers::PeerScoreStats& entries, uint64_t ulp);
bool peer_ids_match(JsonRef expected, const std::vector<peers::PeerIdStr>& ids);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_EXPECT_MATCH_H_
