#!/usr/bin/env bash
# Regenerates the whole committed corpus: every catalog scenario and the small generated trace, into
# traces/, then traces/MANIFEST. Usage: bash tools/recorder/record-all.sh [-j N]   (default -j 1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jobs=1
[[ "${1:-}" == "-j" ]] && jobs=$2
bash "$here/setup.sh"
node "$here/record.mjs" --all --out "$repo/traces" -j "$jobs"
node "$here/generate.mjs" --seed 20261128 --events 5000 --level 19 --out "$repo/traces/generated-small.jsonl.zst"
node "$here/manifest.mjs" --write "$repo/traces"
