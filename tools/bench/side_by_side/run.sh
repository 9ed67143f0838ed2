#!/usr/bin/env bash
# Side-by-side benchmark, one command, one run: the real Lodestar 1.44.0
# (Node) and the engine (C++) on the same inputs; prints the ratio and fails if
# the engine's output differs from Lodestar's.
#   bash tools/bench/side_by_side/run.sh [--min-ms 1000]
set -euo pipefail
cd "$(dirname "$0")/../../.."
bash tools/recorder/setup.sh >/dev/null
bash scripts/build.sh release >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node tools/bench/side_by_side/ts_bench.mjs "$out" "$@"
build/release/tools/bench/engine_bench "$out" "$@"
