#!/usr/bin/env bash
# ctest wrapper for the recorder's node tests: installs the real Lodestar
# packages if needed (setup.sh is idempotent) and runs one test file with
# node's test runner. When the npm registry cannot be reached the test fails;
# registry-unreachable.sh says when a local run may skip instead (exit 77).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/registry-unreachable.sh" "recorder test $1"; fi
[[ $rc == 0 ]] || exit "$rc"
exec node --test "$here/test/$1"
