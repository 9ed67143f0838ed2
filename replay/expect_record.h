// The engine's answer to one event as an expect record (FORMAT.md §2.3): its
// actions, and the full score dump after init, timer heartbeat and
// committee_subscriptions, the delta (entries added or changed, peers
// removed) against the previous dump after every other event. One definition
// for `peer-replay run` (the engine's outputs written as a trace) and
// `peer-replay serve` (the engine speaking docs/PROTOCOL.md), so both write
// what the recorder writes.
#ifndef PEER_REPLAY_REPLAY_EXPECT_RECORD_H_
#define PEER_REPLAY_REPLAY_EXPECT_RECORD_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/action.h"
#include "peers/score_interface.h"
#include "trace/json_tape.h"

namespace replay {

// True for the events after which FORMAT.md §2.3 writes the full dump;
// `event` is the event record.
bool writes_full_dump(JsonRef event);

nlohmann::ordered_json engine_expect_record(JsonRef event, uint64_t seq, const std::vector<peers::Action>& actions,
                                            const peers::PeerScoreStats& previous, const peers::PeerScoreStats& dump);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_EXPECT_RECORD_H_
