// Which Lodestar a trace was recorded from, against the one the engine ports.
// The engine is a port of one @lodestar/beacon-node version (the recorder's
// pinned dependency, tools/recorder/package.json, read by CMake into
// PEER_REPLAY_LODESTAR_VERSION): a trace recorded from another version may
// diverge because Lodestar changed, not because the port is wrong, so check
// refuses it unless told otherwise (ReplayOptions::any_lodestar_version).
#ifndef PEER_REPLAY_REPLAY_LODESTAR_VERSION_H_
#define PEER_REPLAY_REPLAY_LODESTAR_VERSION_H_

#include <string>

#include "trace/json_tape.h"

namespace replay {

// The @lodestar/beacon-node version the engine ports ("1.44.0").
const char* ported_lodestar_version();

// The header's @lodestar/beacon-node version: producer.packages, or for a
// trace written by `peer-replay run` producer.source.packages; "" when the
// header names none (hand-written and test traces).
std::string recorded_lodestar_version(JsonRef header);

// "" when the header names no version or the ported one; otherwise one line
// saying both versions.
std::string lodestar_version_mismatch(JsonRef header);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_LODESTAR_VERSION_H_
