#!/usr/bin/env bash
# Builds the `fuzz` preset (clang++-14, libFuzzer + ASan + UBSan) and runs each
# fuzzer for the given time, one job on one core (the build machines have two
# shared cores).
#
#   bash fuzz/run.sh            # 60 s per fuzzer
#   bash fuzz/run.sh 600        # 10 min per fuzzer
#   FUZZ_MAX_LEN=262144 bash fuzz/run.sh 14400   # the long run: 4 h, bigger inputs
#
# The working corpus grows in build/fuzz/corpus/<fuzzer>/ (not committed); the
# committed seeds are fuzz/seeds/<fuzzer>/, traces/ and conformance/bad/.
# A crash, leak, timeout or out-of-memory stops the run and leaves its input in
# build/fuzz/artifacts/<fuzzer>/; minimize it (-minimize_crash=1), fix the
# reader with a regression test, and copy the input to fuzz/regressions/
# (replayed by ctest: "fuzz regressions").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
max_len=${FUZZ_MAX_LEN:-65536}

if [[ ! -f build/fuzz/Makefile && ! -f build/fuzz/build.ninja ]]; then  # a failed configure leaves only a cache
  cmake --preset fuzz >/dev/null
fi
fuzzers=(trace_reader_fuzz json_tape_fuzz engine_fuzz)
cmake --build build/fuzz --target "${fuzzers[@]}" -j 2

# The trace tokens: fuzz/trace.dict plus the engine's name tables, read from its headers.
{ cat fuzz/trace.dict; node tools/recorder/lib/vocabulary.mjs --dict; } > build/fuzz/trace.dict

for fuzzer in "${fuzzers[@]}"; do
  name=${fuzzer%_fuzz}
  corpus=build/fuzz/corpus/$name
  artifacts=build/fuzz/artifacts/$name
  mkdir -p "$corpus" "$artifacts"
  # The reader reads trace files: real ones, broken ones, the regressions.
  # The engine fuzzer's bytes are the simulator's choices, not traces: its own seeds only.
  case $fuzzer in
    trace_reader_fuzz) seed_dirs=(fuzz/seeds/$name fuzz/regressions traces conformance/bad); dict=(-dict=build/fuzz/trace.dict) ;;
    json_tape_fuzz) seed_dirs=(fuzz/seeds/$name); dict=(-dict=build/fuzz/trace.dict) ;;
    *) seed_dirs=(fuzz/seeds/$name); dict=() ;;
  esac
  seeds=()
  for d in "${seed_dirs[@]}"; do
    [[ -d $d ]] && seeds+=("$d")
  done
  echo "== $fuzzer: ${seconds}s, max_len $max_len, corpus $corpus"
  # halt_on_error: a UBSan report is a crash. detect_leaks: a leak is a crash.
  ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "build/fuzz/fuzz/$fuzzer" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len="$max_len" \
      -timeout=10 -print_final_stats=1 \
      "${dict[@]}" -artifact_prefix="$artifacts/" \
      "$corpus" "${seeds[@]}"
done
