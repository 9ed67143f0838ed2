// Reading Lodestar's JS values (numbers, PeerId strings, Status, BitArray)
// into the engine's types for the Lodestar-shaped API (lodestar_api.cc and
// the files beside it). Every reader checks the value's type first and throws
// a JS TypeError naming the argument (`what`, e.g.
// "prioritizePeers: connectedPeersInfo[3].attnets"), so a caller's mistake
// never reaches the engine's asserts and nothing is changed before the throw.
#ifndef PEER_REPLAY_BINDINGS_NODE_JS_CONVERT_H_
#define PEER_REPLAY_BINDINGS_NODE_JS_CONVERT_H_

#include <napi.h>

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "peers/types.h"

namespace peer_replay_node {

// Throws TypeError("<what>: expected <expected>, got <what the value is>").
[[noreturn]] void throw_type_error(const Napi::Value& value, const std::string& what, const std::string& expected);

// A JS number holding an integer in [-(2^53-1), 2^53-1] (Number.isSafeInteger).
int64_t get_safe_integer(const Napi::Value& value, const std::string& what);
// Any JS number (NaN and infinities included: TS arithmetic takes them).
double get_number(const Napi::Value& value, const std::string& what);
bool get_boolean(const Napi::Value& value, const std::string& what);
std::string get_string(const Napi::Value& value, const std::string& what);
bool is_nullish(const Napi::Value& value);

// A Uint8Array of exactly N bytes (ForkDigest 4, Root 32).
template <size_t N>
std::array<uint8_t, N> get_bytes(const Napi::Value& value, const std::string& what);

// @chainsafe/ssz BitArray ({uint8Array, bitLen}) of exactly N bits.
template <size_t N>
std::bitset<N> get_bit_array(const Napi::Value& value, const std::string& what);

// A Status as prioritizePeers reads it: finalizedEpoch and headSlot only (the
// other members are not read and may be anything, as in TS).
peers::ChainStatus get_status_for_priority(const Napi::Value& value, const std::string& what);
// A Status as assertPeerRelevance reads it: forkDigest (4 bytes),
// finalizedRoot (32 bytes), finalizedEpoch, headSlot, and
// earliestAvailableSlot (a safe integer or undefined).
peers::ChainStatus get_status_for_relevance(const Napi::Value& value, const std::string& what);

// A ForkName string ("phase0" ... "gloas").
peers::ForkSeq get_fork_name(const Napi::Value& value, const std::string& what);

}  // namespace peer_replay_node

#endif  // PEER_REPLAY_BINDINGS_NODE_JS_CONVERT_H_
