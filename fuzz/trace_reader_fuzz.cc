// libFuzzer target for the trace reader. Bytes in, read to the end
// as plain, as zstd and through the zstd decoder (see trace_reader_check.h);
// must never crash, hang or leak, and every error must be a Status.
//
//   bash fuzz/run.sh 600                       # build the fuzz preset, 10 min per fuzzer
//   build/fuzz/fuzz/trace_reader_fuzz -dict=fuzz/trace.dict build/fuzz/corpus/trace_reader fuzz/seeds/trace_reader
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/trace_reader_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string broken =
      replay::check_trace_bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "trace_reader_fuzz: invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
