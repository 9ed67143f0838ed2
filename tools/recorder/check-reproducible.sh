#!/usr/bin/env bash
# Re-records a few scenarios into a temporary directory and compares them byte for byte with the
# committed traces. Exit 0: identical (or "SKIPPED: npm registry unreachable" when the dependencies
# cannot be installed); 1: a difference (the decompressed texts are compared too, to tell content
# from compression differences).
# Usage: bash tools/recorder/check-reproducible.sh [scenario...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bash "$here/setup.sh"
rc=$?
if [[ $rc == 3 ]]; then echo "SKIPPED: npm registry unreachable"; exit "${PEER_REPLAY_SKIP_CODE:-0}"; fi
[[ $rc == 0 ]] || exit $rc
set -e
names=("$@")
if [[ ${#names[@]} == 0 ]]; then
  names=(outbound-connect goodbye-timeout prune-too-grouped-subnet gossip-blending timers-same-instant response-errors)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node "$here/record.mjs" "${names[@]}" --out "$tmp" >/dev/null
status=0
for n in "${names[@]}"; do
  a="$repo/traces/$n.jsonl.zst" b="$tmp/$n.jsonl.zst"
  if cmp -s "$a" "$b"; then
    echo "same: $n"
  elif cmp -s <(zstd -dcq "$a") <(zstd -dcq "$b"); then
    echo "DIFFERENT COMPRESSION (same text): $n  (zstd $(zstd --version | grep -o 'v[0-9.]*'))"; status=1
  else
    echo "DIFFERENT: $n"; diff <(zstd -dcq "$a") <(zstd -dcq "$b") | head -5; status=1
  fi
done
# the generator too: the committed generated trace's command
node "$here/generate.mjs" --seed 20261128 --events 5000 --level 19 --out "$tmp/generated-small.jsonl.zst" >/dev/null
if cmp -s "$repo/traces/generated-small.jsonl.zst" "$tmp/generated-small.jsonl.zst"; then
  echo "same: generated-small"
else
  echo "DIFFERENT: generated-small"; status=1
fi
[[ $status == 0 ]] && echo "check-reproducible: all identical"
exit $status
