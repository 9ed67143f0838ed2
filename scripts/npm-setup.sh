#!/usr/bin/env bash
# Installs one directory's pinned npm packages (its package-lock.json) into its node_modules; every
# */setup.sh of the project calls it. Idempotent: nothing happens when node_modules was installed
# from the same lock (a stamp of the lock's sha256) and PROBE exists. One install at a time per
# directory (ctest runs tests that call it in parallel; the lock file lives beside node_modules,
# since npm ci empties that directory).
#
#   npm-setup.sh NAME DIR PROBE [--ignore-scripts] [--install-fallback]
#
# --install-fallback: when `npm ci` refuses the lock because the lock cannot list other platforms'
# optional native packages (absent from this registry), `npm install` installs exactly the locked
# tree, and the lock is checked to be unchanged afterwards.
# Exit 0 when ready; 3 when the npm registry cannot be reached (callers may skip); 1 on other errors.
set -euo pipefail
name=$1 dir=$2 probe=$3
shift 3
ci_flags=(--no-audit --no-fund) fallback=0
for flag in "$@"; do
  case $flag in
    --ignore-scripts) ci_flags+=(--ignore-scripts) ;;
    --install-fallback) fallback=1 ;;
    *) echo "npm-setup.sh: unknown flag $flag" >&2; exit 1 ;;
  esac
done
cd "$dir"
exec {lock_fd}>.peer-replay-setup.lock
flock "$lock_fd"
stamp=node_modules/.peer-replay-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -f $probe ]]; then
  echo "$name: node_modules matches package-lock.json (skipped)"
  exit 0
fi
command -v npm >/dev/null || { echo "$name: npm (Node 20) not found" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log" package-lock.json.orig' EXIT
unreachable() { grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|request to .* failed' "$log"; }
fail() {
  cat "$log" >&2
  if unreachable; then echo "$name: npm registry unreachable" >&2; exit 3; fi
  exit 1
}
if ! npm ci "${ci_flags[@]}" >"$log" 2>&1; then
  if ((!fallback)) || unreachable || ! grep -q "can only install packages when your package.json and package-lock.json" "$log"; then
    fail
  fi
  echo "$name: npm ci refused the lock (platform packages absent from the registry); npm install from the lock"
  cp package-lock.json package-lock.json.orig
  if ! npm install "${ci_flags[@]}" >"$log" 2>&1; then
    cp package-lock.json.orig package-lock.json
    fail
  fi
  if ! cmp -s package-lock.json package-lock.json.orig; then
    cp package-lock.json.orig package-lock.json
    echo "$name: npm install wanted to change package-lock.json (restored); the registry no longer serves the locked tree" >&2
    exit 1
  fi
fi
echo "$want" >"$stamp"
echo "$name: installed $(ls node_modules | wc -l) top-level packages"
