// RandomSource: Math.random() draws supplied while an event runs, for a
// caller that cannot know beforehand how many the TS would take.
//
// A trace carries each event's draws (Event::extra->rand), counted out
// exactly. A live caller (the Node addon's NativePeerManager) has no count:
// the TS draws once per Math.random() call, and how many calls a heartbeat
// makes depends on the state. It passes a RandomSource to PeerManager::step
// instead, and the engine asks it for exactly the values it consumes, in the
// order the TS draws them. The engine owns no randomness either way: the
// values come from outside.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_RANDOM_SOURCE_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_RANDOM_SOURCE_H_

#include <span>

namespace peers {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with the next out.size() draws, in Math.random() call order.
  // false when the source cannot (the event is then refused, kRandExhausted).
  virtual bool draw(std::span<double> out) = 0;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_RANDOM_SOURCE_H_
