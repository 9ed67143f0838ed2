// The reader fuzzer's body, shared with the regression test that replays
// fuzz/regressions/ in the normal test suite (conformance/CMakeLists.txt), so
// a regression file goes through exactly the paths the fuzzer found it on.
//
// The reader itself is trace/trace_reader.*.
#ifndef PEER_REPLAY_FUZZ_TRACE_READER_CHECK_H_
#define PEER_REPLAY_FUZZ_TRACE_READER_CHECK_H_

#include <string>
#include <string_view>

namespace replay {

// Reads `bytes` as a whole trace, to the end:
//   1. as given (plain JSON Lines, or zstd if it starts with a zstd magic);
// and, when it has no zstd magic, depending on bit 3 of the size, either
//   2. compressed with ZSTD_compress into two frames split inside the text
//      (a skippable frame between them), which must give exactly the records,
//      warnings and error message of (1); or
//   3. behind a zstd frame magic, so the decoder itself is fed arbitrary
//      bytes.
// Options (strict, line limit) are derived from the size, so corpus files stay
// literal trace files that `peer-replay stats` reads as they are.
//
// Returns "" when every path ended in a record stream or a Status error, and
// a description of the broken invariant otherwise (the fuzzer aborts on it).
// Crashes, hangs and leaks are the sanitizers' and libFuzzer's to report.
std::string check_trace_bytes(std::string_view bytes);

}  // namespace replay

#endif  // PEER_REPLAY_FUZZ_TRACE_READER_CHECK_H_
