#!/usr/bin/env bash
# ctest wrapper for a test that needs a directory's npm packages: runs that directory's setup.sh
# (idempotent), then the command. When the npm registry cannot be reached (setup.sh's exit 3),
# tools/recorder/registry-unreachable.sh decides: a failure, or a skip (77) only when a local run
# explicitly allows it.
#   with-npm.sh SETUP_SH WHAT COMMAND...
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
setup=$1 what=$2
shift 2
bash "$setup" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/../tools/recorder/registry-unreachable.sh" "$what"; fi
[[ $rc == 0 ]] || exit "$rc"
exec "$@"
