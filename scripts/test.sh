#!/usr/bin/env bash
# README command 2: set up, build, and run every test through ctest:
#   1. the release build: unit tests, reader catalog, recorder checks (re-records
#      scenarios with the real Lodestar and compares bytes), conformance over traces/;
#   2. the same suite under ASan+UBSan (halt_on_error), the `asan` preset.
# PEER_REPLAY_SKIP_ASAN=1 skips stage 2 for a quick local run (CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# The recorder's npm packages (real Lodestar 1.44.0): the recorder tests need them.
# Exit 3 means the npm registry is unreachable: those tests then report SKIPPED.
bash tools/recorder/setup.sh || [[ $? -eq 3 ]]

bash scripts/build.sh release
ctest --preset release -j 2 "$@"

if [[ "${PEER_REPLAY_SKIP_ASAN:-0}" != 1 ]]; then
  bash scripts/build.sh asan
  ctest --preset asan -j 2 -LE no_asan "$@"
fi
