#!/usr/bin/env bash
# Installs the recorder's pinned dependencies from package-lock.json into tools/recorder/node_modules.
# Idempotent: does nothing when node_modules was installed from the same package-lock.json.
# Exit 0 when ready; 3 when the npm registry cannot be reached (callers may skip); 1 on other errors.
#
# `npm ci` is tried first. On this project's registry it refuses the lock ("Missing:
# @chainsafe/libp2p-quic-darwin-arm64@ ..."): the other platforms' optional native packages are not
# on the registry, so the lock cannot list them. Then `npm install` installs exactly the locked tree
# (the lock is checked to be unchanged afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# One install at a time: ctest runs the recorder tests in parallel and each
# calls this script; without the lock two of them could run npm (and swap
# package-lock.json.orig) at once when node_modules is not ready. The others
# wait, then find the stamp.
# (The lock file lives beside node_modules: npm ci empties that directory.)
exec {lock_fd}>.peer-replay-setup.lock
flock "$lock_fd"
stamp=node_modules/.peer-replay-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -f node_modules/@lodestar/beacon-node/package.json ]]; then
  echo "setup.sh: node_modules matches package-lock.json (skipped)"
  exit 0
fi
command -v node >/dev/null || { echo "setup.sh: node (v20) not found" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log" package-lock.json.orig' EXIT
unreachable() { grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|request to .* failed' "$log"; }
if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
  if unreachable; then cat "$log" >&2; echo "setup.sh: npm registry unreachable" >&2; exit 3; fi
  if ! grep -q "can only install packages when your package.json and package-lock.json" "$log"; then cat "$log" >&2; exit 1; fi
  echo "setup.sh: npm ci refused the lock (platform packages absent from the registry); npm install from the lock"
  cp package-lock.json package-lock.json.orig
  if ! npm install --no-audit --no-fund >"$log" 2>&1; then
    cat "$log" >&2
    cp package-lock.json.orig package-lock.json
    if unreachable; then echo "setup.sh: npm registry unreachable" >&2; exit 3; fi
    exit 1
  fi
  if ! cmp -s package-lock.json package-lock.json.orig; then
    cp package-lock.json.orig package-lock.json
    echo "setup.sh: npm install wanted to change package-lock.json (restored); the registry no longer serves the locked tree" >&2
    exit 1
  fi
fi
echo "$want" >"$stamp"
echo "setup.sh: installed $(ls node_modules | wc -l) top-level packages"
