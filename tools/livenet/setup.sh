#!/usr/bin/env bash
# Installs what the livenet needs: the recorder's packages (Lodestar 1.44.0, libp2p 3.1.6 and the live
# hook's dependencies, tools/recorder/setup.sh) and this directory's own package-lock.json (the snappy
# framing of ssz_snappy). Idempotent (a stamp of the lock's hash in node_modules).
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash ../recorder/setup.sh
exec {lock_fd}>.peer-replay-setup.lock
flock "$lock_fd"
stamp=node_modules/.peer-replay-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -f node_modules/snappyjs/package.json ]]; then
  echo "livenet setup.sh: node_modules matches package-lock.json (skipped)"
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
  cat "$log" >&2
  if grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|request to .* failed' "$log"; then
    echo "livenet setup.sh: npm registry unreachable" >&2
    exit 3
  fi
  exit 1
fi
echo "$want" >"$stamp"
echo "livenet setup.sh: installed $(ls node_modules | wc -l) top-level packages"
