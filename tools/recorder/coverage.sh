#!/usr/bin/env bash
# Measures the line and branch coverage of Lodestar's network/peers code (the beacon-node
# tools/recorder/package.json pins, lib/network/peers/**/*.js, reported on its shipped TypeScript sources through the source maps)
# reached by the corpus: re-records every catalog scenario and the small generated trace under
# NODE_V8_COVERAGE, then `c8 report`, then writes traces/COVERAGE.md.
# Usage: bash tools/recorder/coverage.sh [-j N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jobs=1
[[ "${1:-}" == "-j" ]] && jobs=$2
bash "$here/setup.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/raw" "$tmp/out"
start=$(date +%s)
NODE_V8_COVERAGE="$tmp/raw" node "$here/record.mjs" --all --out "$tmp/out" -j "$jobs" >/dev/null
NODE_V8_COVERAGE="$tmp/raw" node "$here/generate.mjs" --seed 20261128 --events 5000 --level 19 --out "$tmp/out/generated-small.jsonl.zst" >/dev/null
cd "$here"
npx --no-install c8 report --temp-directory "$tmp/raw" --exclude-node-modules=false \
  --include '**/beacon-node/lib/network/peers/**' --include '**/beacon-node/src/network/peers/**' \
  --reporter=json --reporter=text --report-dir "$tmp/report" >"$tmp/report.txt"
node "$here/lib/coverage-md.mjs" "$tmp/report/coverage-final.json" "$repo/traces/COVERAGE.md" \
  "bash tools/recorder/coverage.sh -j $jobs" "$(( $(date +%s) - start ))"
cat "$tmp/report.txt"
