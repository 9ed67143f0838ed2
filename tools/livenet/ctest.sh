#!/usr/bin/env bash
# ctest wrapper (tools/livenet/CMakeLists.txt): installs what the network needs (setup.sh is
# idempotent), then either
#   ctest.sh run BIN SECONDS OUT   the network for SECONDS, every captured trace checked (run.mjs)
#   ctest.sh test BIN              the plumbing test (test/network.test.mjs)
# When the npm registry cannot be reached it fails, unless registry-unreachable.sh allows a local
# skip (77).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/../recorder/registry-unreachable.sh" "the livenet"; fi
[[ $rc == 0 ]] || exit "$rc"
case "$1" in
  run) exec node "$here/run.mjs" --seconds "$3" --peer-replay "$2" --out "$4" ;;
  test) PEER_REPLAY_BIN=$2 exec node --test "$here/test/network.test.mjs" ;;
  *) echo "ctest.sh: run BIN SECONDS OUT | test BIN" >&2; exit 2 ;;
esac
