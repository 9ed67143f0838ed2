#!/usr/bin/env bash
# Re-records the whole corpus (every catalog scenario and the committed generated trace) into a
# temporary directory and compares each trace byte for byte with the committed one, and the
# committed MANIFEST with traces/. Exit 0: identical; 1: a difference (the decompressed texts are
# compared too, to tell content from compression differences), a recording failed, or the npm
# registry is unreachable (registry-unreachable.sh: a skip only when explicitly allowed).
# Usage: bash tools/recorder/check-reproducible.sh [-j N] [scenario...]   (default: all, -j 2)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bash "$here/setup.sh"
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/registry-unreachable.sh" "check-reproducible.sh"; fi
[[ $rc == 0 ]] || exit $rc
set -e
jobs=2
if [[ "${1:-}" == "-j" ]]; then jobs=$2; shift 2; fi
names=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
if [[ ${#names[@]} == 0 ]]; then
  node "$here/record.mjs" --all --out "$tmp" -j "$jobs" >/dev/null
  node "$here/generate.mjs" --seed 20261128 --events 5000 --level 19 --out "$tmp/generated-small.jsonl.zst" >/dev/null
  names=()
  for f in "$repo"/traces/*.jsonl.zst; do names+=("$(basename "$f" .jsonl.zst)"); done
  # every trace recorded must be committed, and every committed one recorded
  for f in "$tmp"/*.jsonl.zst; do
    [[ -f "$repo/traces/$(basename "$f")" ]] || { echo "NOT COMMITTED: $(basename "$f" .jsonl.zst)"; exit 1; }
  done
else
  node "$here/record.mjs" "${names[@]}" --out "$tmp" >/dev/null
fi
status=0
for n in "${names[@]}"; do
  a="$repo/traces/$n.jsonl.zst" b="$tmp/$n.jsonl.zst"
  if [[ ! -f "$b" ]]; then
    echo "NOT RECORDED: $n (no scenario or generator command makes it)"; status=1
  elif cmp -s "$a" "$b"; then
    echo "same: $n"
  elif cmp -s <(zstd -dcq "$a") <(zstd -dcq "$b"); then
    echo "DIFFERENT COMPRESSION (same text): $n  (zstd $(zstd --version | grep -o 'v[0-9.]*'))"; status=1
  else
    echo "DIFFERENT: $n"; diff <(zstd -dcq "$a") <(zstd -dcq "$b") | head -5; status=1
  fi
done
node "$here/manifest.mjs" --check "$repo/traces" || status=1
[[ $status == 0 ]] && echo "check-reproducible: all ${#names[@]} identical ($(( $(date +%s) - start )) s)"
exit $status
