#!/usr/bin/env bash
# Measures the decision-arm coverage of Lodestar's network/peers (the beacon-node tools/recorder/package.json pins, every
# lib/network/peers/**/*.js instrumented by istanbul at load time, reported on the shipped
# TypeScript through the source maps; lib/arms.mjs says what an arm is) reached by the corpus:
# re-records every catalog scenario and the committed generated trace with the hook loaded,
# checks the re-recorded traces equal the committed ones (the measure is of the corpus itself),
# then writes traces/COVERAGE.md (justifications of untaken arms: coverage-notes.json).
# Usage: bash tools/recorder/coverage.sh [-j N]   (default -j 1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jobs=1
[[ "${1:-}" == "-j" ]] && jobs=$2
bash "$here/setup.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/counters" "$tmp/out"
start=$(date +%s)
(
  export PEER_REPLAY_ARMS_DIR="$tmp/counters" NODE_OPTIONS="--import $here/lib/arms-register.mjs"
  node "$here/record.mjs" --all --out "$tmp/out" -j "$jobs" >/dev/null
  node "$here/generate.mjs" --seed 20261128 --events 5000 --level 19 --out "$tmp/out/generated-small.jsonl.zst" >/dev/null
)
differ=0
for f in "$repo"/traces/*.jsonl.zst; do
  if ! cmp -s "$f" "$tmp/out/$(basename "$f")"; then echo "coverage.sh: $(basename "$f"): the instrumented recording differs from traces/" >&2; differ=1; fi
done
[[ $differ == 0 ]] || exit 1
node "$here/arms.mjs" --counters "$tmp/counters" --json "$tmp/arms.json"
node "$here/lib/coverage-md.mjs" "$tmp/arms.json" "$repo/traces/COVERAGE.md" \
  "bash tools/recorder/coverage.sh -j $jobs" "$(( $(date +%s) - start ))"
