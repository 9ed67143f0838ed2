#!/usr/bin/env bash
# ctest wrapper (tools/livenet/CMakeLists.txt): installs what the network needs, runs it for $2
# seconds and checks every trace it captured (run.mjs). Fails when any trace diverges; when the npm
# registry cannot be reached it fails too, unless registry-unreachable.sh allows a local skip (77).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin=$1 seconds=$2 out=$3
bash "$here/setup.sh" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/../recorder/registry-unreachable.sh" "the livenet run"; fi
[[ $rc == 0 ]] || exit "$rc"
exec node "$here/run.mjs" --seconds "$seconds" --peer-replay "$bin" --out "$out"
