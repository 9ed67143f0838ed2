#!/usr/bin/env bash
# README command 2: set up, build, and run every test through ctest:
#   1. the release build: unit tests, reader catalog, recorder checks (re-records
#      the whole corpus with the real Lodestar and compares bytes), conformance over traces/;
#   2. the same suite under ASan+UBSan (halt_on_error), the `asan` preset;
#   3. each libFuzzer target for 60 s (fuzz/run.sh, clang 14, ASan+UBSan): a
#      crash, leak or timeout fails the run and leaves its input in
#      build/fuzz/artifacts/;
#   4. differential fuzzing against the real Lodestar for 60 s, seed "ci", from an
#      empty corpus (tools/fuzz/fuzz.mjs): any finding or oracle failure fails the
#      run and leaves the finding, shrunk, in build/difffuzz/.
# PEER_REPLAY_SKIP_ASAN=1 skips stage 2 and PEER_REPLAY_SKIP_FUZZ=1 stages 3 and 4, for a
# quick local run (CI sets neither).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --fuzz
# The recorder's npm packages (the real Lodestar that tools/recorder/package.json pins): the recorder tests need them.
# Exit 3 means the npm registry is unreachable: a failure, unless PEER_REPLAY_ALLOW_SKIP=1
# allows skipping the recorder tests outside CI (tools/recorder/registry-unreachable.sh).
rc=0
bash tools/recorder/setup.sh || rc=$?
if [[ $rc == 3 ]]; then
  bash tools/recorder/registry-unreachable.sh "the recorder tests" || [[ $? -eq 77 ]]
elif [[ $rc != 0 ]]; then
  exit "$rc"
fi

bash scripts/build.sh release
ctest --preset release -j 2 "$@"

if [[ "${PEER_REPLAY_SKIP_ASAN:-0}" != 1 ]]; then
  bash scripts/build.sh asan
  ctest --preset asan -j 2 -LE no_asan "$@"
fi

if [[ "${PEER_REPLAY_SKIP_FUZZ:-0}" != 1 ]]; then
  bash fuzz/run.sh "${PEER_REPLAY_FUZZ_SECONDS:-60}"
fi

if [[ "${PEER_REPLAY_SKIP_FUZZ:-0}" != 1 ]]; then
  rm -rf build/difffuzz
  node tools/fuzz/fuzz.mjs --seed ci --time "${PEER_REPLAY_FUZZ_SECONDS:-60}" --workers 2 \
    --engine build/release/bin/peer-replay --out build/difffuzz --shrink-time 60
fi
