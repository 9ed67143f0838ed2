#!/usr/bin/env bash
# Installs tools/report's pinned npm packages (package-lock.json) into tools/report/node_modules:
# uPlot, which the build inlines into every HTML report (report/CMakeLists.txt), and
# puppeteer-core, which drives Debian's chromium in the browser test (report/browser_test.mjs).
# Idempotent: does nothing when node_modules was installed from the same lock.
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec {lock_fd}>.peer-replay-setup.lock
flock "$lock_fd"
stamp=node_modules/.peer-replay-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -f node_modules/uplot/dist/uPlot.iife.min.js ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "tools/report/setup.sh: npm (Node 20) not found" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
  cat "$log" >&2
  if grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|request to .* failed' "$log"; then
    echo "tools/report/setup.sh: npm registry unreachable" >&2
    exit 3
  fi
  exit 1
fi
echo "$want" >"$stamp"
echo "tools/report/setup.sh: installed uplot and puppeteer-core"
