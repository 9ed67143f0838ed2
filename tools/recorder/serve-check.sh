#!/usr/bin/env bash
# ctest: the real Lodestar, through its conformance driver (serve.mjs, docs/PROTOCOL.md), must
# reproduce every trace of the corpus, bit for bit: the protocol carries everything Lodestar
# needs. Installs the recorder's npm packages if needed (setup.sh); registry-unreachable.sh says
# when a local run may skip.
# Usage: serve-check.sh <peer-replay binary> <traces dir> [report file]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$1"
traces="$2"
report="${3:-}"
bash "$here/setup.sh" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then exec bash "$here/registry-unreachable.sh" "the Lodestar conformance driver"; fi
[[ $rc == 0 ]] || exit "$rc"
args=(check --impl "node $here/serve.mjs" "$traces" --quiet --timeout 60000)
[[ -n $report ]] && args+=(--report "$report")
exec "$bin" "${args[@]}"
