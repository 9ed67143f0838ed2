// Enum <-> name tables: every enum that has a name at the trace boundary keeps
// one table of names beside its declaration, indexed by the enumerator
// (kEventKindNames in event.h, kActionKindNames in action.h, ...). Names are
// looked up only where a record is read or written (trace/, replay/,
// bindings/); the engine compares enumerators. trace/vocabulary.cc lists
// every table, and its test holds the JS validator, the .d.ts and the fuzz
// dictionary to them.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_ENUM_NAMES_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace peers {

template <typename E, size_t N>
constexpr const char* enum_name(const std::array<const char*, N>& names, E value) {
  return names[static_cast<size_t>(value)];
}

// The enumerator whose name is `name`, or nullopt.
template <typename E, size_t N>
constexpr std::optional<E> enum_from_name(const std::array<const char*, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; i++) {
    if (name == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_ENUM_NAMES_H_
