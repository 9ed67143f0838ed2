// libFuzzer target for the JSON tape's two parsers: bytes in, parsed by
// JsonTape::parse (simdjson, falling back to nlohmann) and by
// JsonTape::parse_reference (nlohmann alone). They must agree on every input:
// accept or reject alike, the same tokens, the same error message.
//
//   bash fuzz/run.sh 600
//   build/fuzz/fuzz/json_tape_fuzz -dict=fuzz/json.dict build/fuzz/corpus/json_tape
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "trace/json_tape.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  replay::JsonTape fast;
  replay::JsonTape reference;
  std::string fast_why;
  std::string reference_why;
  const bool fast_ok = fast.parse(text, &fast_why);
  const bool reference_ok = reference.parse_reference(text, &reference_why);
  const char* broken = nullptr;
  if (fast_ok != reference_ok) {
    broken = fast_ok ? "simdjson accepts what nlohmann rejects" : "simdjson rejects what nlohmann accepts";
  } else if (fast_ok && !replay::same_tokens(fast.root(), reference.root())) {
    broken = "the two tapes differ";
  } else if (!fast_ok && fast_why != reference_why) {
    broken = "the error messages differ";
  }
  if (broken != nullptr) {
    std::fprintf(stderr, "json_tape_fuzz: %s\n", broken);
    std::abort();
  }
  return 0;
}
