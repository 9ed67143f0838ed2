// The conformance process protocol's constants (docs/PROTOCOL.md): the
// harness (`peer-replay check --impl`, impl_replayer.h) and the engine's own
// implementation of it (`peer-replay serve`, cli/cmd_serve.cc) both include
// this, so the two cannot disagree on a name or a version.
#ifndef PEER_REPLAY_REPLAY_IMPL_PROTOCOL_H_
#define PEER_REPLAY_REPLAY_IMPL_PROTOCOL_H_

#include <cstdint>

namespace replay {

inline constexpr const char* kImplProtocolName = "peer-replay-impl";
// Bumped on every incompatible change of docs/PROTOCOL.md.
inline constexpr int kImplProtocolVersion = 1;
// Default of `check --timeout`: the longest the harness waits for one answer.
inline constexpr int64_t kImplDefaultTimeoutMs = 10000;
// The least the harness waits for the answers to the hello and the header,
// whatever --timeout says: start-up may load a runtime (Node and Lodestar take
// seconds on a loaded machine), and --timeout bounds the events.
inline constexpr int64_t kImplStartupTimeoutMs = 60000;

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_IMPL_PROTOCOL_H_
