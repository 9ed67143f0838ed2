#include "js_convert.h"

#include <cmath>

namespace peer_replay_node {

namespace {

std::string describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return value.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return "the number " + value.ToString().Utf8Value();
    case napi_string: {
      std::string s = value.As<Napi::String>().Utf8Value();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return "the string \"" + s + "\"";
    }
    case napi_bigint: return "a bigint";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    default:
      if (value.IsArray()) return "an array";
      if (value.IsTypedArray()) return "a typed array";
      return "an object";
  }
}

Napi::Value member(const Napi::Value& object, const char* name, const std::string& what) {
  if (!object.IsObject()) throw_type_error(object, what, "an object");
  return object.As<Napi::Object>().Get(name);
}

}  // namespace

void throw_type_error(const Napi::Value& value, const std::string& what, const std::string& expected) {
  throw Napi::TypeError::New(value.Env(), what + ": expected " + expected + ", got " + describe(value));
}

bool is_nullish(const Napi::Value& value) { return value.IsNull() || value.IsUndefined(); }

int64_t get_safe_integer(const Napi::Value& value, const std::string& what) {
  constexpr double kMaxSafe = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER
  if (!value.IsNumber()) throw_type_error(value, what, "an integer number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(std::trunc(d) == d && std::fabs(d) <= kMaxSafe)) throw_type_error(value, what, "a safe integer");
  return static_cast<int64_t>(d);
}

double get_number(const Napi::Value& value, const std::string& what) {
  if (!value.IsNumber()) throw_type_error(value, what, "a number");
  return value.As<Napi::Number>().DoubleValue();
}

bool get_boolean(const Napi::Value& value, const std::string& what) {
  if (!value.IsBoolean()) throw_type_error(value, what, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::string get_string(const Napi::Value& value, const std::string& what) {
  if (!value.IsString()) throw_type_error(value, what, "a string");
  return value.As<Napi::String>().Utf8Value();
}

template <size_t N>
std::array<uint8_t, N> get_bytes(const Napi::Value& value, const std::string& what) {
  const std::string expected = "a Uint8Array of " + std::to_string(N) + " bytes";
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw_type_error(value, what, expected);
  }
  const Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  if (bytes.ElementLength() != N) throw_type_error(value, what, expected);
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; i++) out[i] = bytes[i];
  return out;
}
template std::array<uint8_t, 4> get_bytes<4>(const Napi::Value&, const std::string&);
template std::array<uint8_t, 32> get_bytes<32>(const Napi::Value&, const std::string&);

template <size_t N>
std::bitset<N> get_bit_array(const Napi::Value& value, const std::string& what) {
  const std::string expected = "a BitArray with no bit set at " + std::to_string(N) + " or above";
  if (!value.IsObject()) throw_type_error(value, what, expected);
  const Napi::Object object = value.As<Napi::Object>();
  const Napi::Value bytes_value = object.Get("uint8Array");
  const Napi::Value bit_len_value = object.Get("bitLen");
  if (!bytes_value.IsTypedArray() || bytes_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !bit_len_value.IsNumber()) {
    throw_type_error(value, what, expected);
  }
  const double bit_len = bit_len_value.As<Napi::Number>().DoubleValue();
  const Napi::Uint8Array bytes = bytes_value.As<Napi::Uint8Array>();
  if (!(bit_len >= 0 && std::trunc(bit_len) == bit_len && static_cast<double>(bytes.ElementLength()) * 8 >= bit_len)) {
    throw_type_error(value, what, expected);
  }
  // TS reads only the true bits (getTrueBitIndexes), so a longer BitArray
  // whose extra bits are all zero means the same; a true bit beyond N has no
  // place in the engine's fixed-width set and is refused.
  std::bitset<N> out;
  for (size_t i = 0; i < bytes.ElementLength() * 8; i++) {
    if (((bytes[i / 8] >> (i % 8)) & 1) == 0) continue;
    if (i >= N) throw_type_error(value, what, expected);
    out[i] = true;  // BitArray.get(i)
  }
  return out;
}
template std::bitset<64> get_bit_array<64>(const Napi::Value&, const std::string&);
template std::bitset<4> get_bit_array<4>(const Napi::Value&, const std::string&);

peers::ChainStatus get_status_for_priority(const Napi::Value& value, const std::string& what) {
  peers::ChainStatus status;
  status.finalized_epoch = get_safe_integer(member(value, "finalizedEpoch", what + " (a Status)"), what + ".finalizedEpoch");
  status.head_slot = get_safe_integer(member(value, "headSlot", what), what + ".headSlot");
  return status;
}

peers::ChainStatus get_status_for_relevance(const Napi::Value& value, const std::string& what) {
  peers::ChainStatus status = get_status_for_priority(value, what);
  status.fork_digest = get_bytes<4>(member(value, "forkDigest", what), what + ".forkDigest");
  status.finalized_root = get_bytes<32>(member(value, "finalizedRoot", what), what + ".finalizedRoot");
  const Napi::Value earliest = member(value, "earliestAvailableSlot", what);
  if (!earliest.IsUndefined()) status.earliest_available_slot = get_safe_integer(earliest, what + ".earliestAvailableSlot");
  return status;
}

peers::ForkSeq get_fork_name(const Napi::Value& value, const std::string& what) {
  constexpr const char* kExpected = "a ForkName (\"phase0\", \"altair\", ..., \"fulu\", \"gloas\")";
  if (!value.IsString()) throw_type_error(value, what, kExpected);
  const std::string name = value.As<Napi::String>().Utf8Value();
  for (int fork = 0; fork < peers::kForkCount; fork++) {
    if (name == peers::fork_name(static_cast<peers::ForkSeq>(fork))) return static_cast<peers::ForkSeq>(fork);
  }
  throw_type_error(value, what, kExpected);
}

}  // namespace peer_replay_node
