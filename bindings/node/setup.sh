#!/usr/bin/env bash
# Installs the addon package's pinned npm packages (package-lock.json) into
# bindings/node/node_modules for the project's own build: node-addon-api's
# headers (napi.h), which bindings/node/CMakeLists.txt needs. --ignore-scripts:
# the package's own install script (cmake-js) is for users of the package; the
# project's CMake builds the addon itself.
# Idempotent: does nothing when node_modules was installed from the same lock.
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec {lock_fd}>.peer-replay-setup.lock
flock "$lock_fd"
stamp=node_modules/.peer-replay-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -f node_modules/node-addon-api/napi.h ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "bindings/node/setup.sh: npm (Node 20) not found" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --ignore-scripts --no-audit --no-fund >"$log" 2>&1; then
  cat "$log" >&2
  if grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|request to .* failed' "$log"; then
    echo "bindings/node/setup.sh: npm registry unreachable" >&2
    exit 3
  fi
  exit 1
fi
echo "$want" >"$stamp"
echo "bindings/node/setup.sh: installed node-addon-api (and cmake-js)"
