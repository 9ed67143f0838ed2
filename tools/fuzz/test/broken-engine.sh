#!/usr/bin/env bash
# A deliberately broken engine with peer-replay's CLI, for the fuzzer's own test: `check` on a
# trace whose first non-zero lodestar score is one ULP off (what the real engine would see if a
# constant were one ULP off). PEER_REPLAY_REAL names the real binary.
set -euo pipefail
file="${*: -1}"
tmp="$(mktemp --suffix=.jsonl)"
trap 'rm -f "$tmp"' EXIT
node "$(dirname "${BASH_SOURCE[0]}")/one-ulp-off.mjs" "$file" "$tmp"
"$PEER_REPLAY_REAL" "${@:1:$#-1}" "$tmp"
