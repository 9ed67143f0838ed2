#!/usr/bin/env bash
# Runs a Lodestar source checkout's own unit tests of network/peers
# (priorization.test.ts, score.test.ts, utils/assertPeerRelevance.test.ts)
# against the addon, and for comparison against the real Lodestar 1.44.0,
# with their imports of the code under test aliased (vitest.config.mjs).
# Nothing of the checkout is copied into this repository: the test files go
# to a temporary directory.
#   bash bindings/node/lodestar-tests/run.sh <lodestar-checkout> [mode...]
# Modes (default: all four): addon, lodestar-1.44, addon+1.22-api, lodestar-1.44+1.22-api.
# Prints, per mode, vitest's result, then one line per test case with its
# result in every mode (results.tsv in the temporary directory).
# Needs: the addon built, tools/recorder/setup.sh run, `npm ci` here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checkout=${1:?usage: run.sh <lodestar-checkout> [mode...]}
shift
modes=("$@")
[[ ${#modes[@]} -gt 0 ]] || modes=(addon lodestar-1.44 addon+1.22-api lodestar-1.44+1.22-api)
tests=packages/beacon-node/test/unit/network/peers
[[ -f $checkout/$tests/score.test.ts ]] || { echo "run.sh: $checkout/$tests/score.test.ts: not a Lodestar checkout" >&2; exit 2; }
[[ -x $here/node_modules/.bin/vitest ]] || { echo "run.sh: vitest not installed: (cd $here && npm ci)" >&2; exit 2; }
recorder=$here/../../../tools/recorder/node_modules
[[ -d $recorder/@lodestar/beacon-node ]] || { echo "run.sh: run tools/recorder/setup.sh first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/packages/beacon-node
mkdir -p "$root/$(dirname "${tests#packages/beacon-node/}")"
for f in priorization.test.ts score.test.ts utils/assertPeerRelevance.test.ts; do
  mkdir -p "$(dirname "$root/test/unit/network/peers/$f")"
  cp "$checkout/$tests/$f" "$root/test/unit/network/peers/$f"
done
ln -s "$(cd "$recorder" && pwd)" "$tmp/node_modules"
for mode in "${modes[@]}"; do
  echo "== $mode"
  (cd "$root" && LODESTAR_TESTS_MODE=$mode "$here/node_modules/.bin/vitest" run --config "$here/vitest.config.mjs" \
    --root "$root" --reporter=default --reporter=json --outputFile.json="$tmp/$mode.json" 2>&1 | grep -E "Test Files|Tests  " || true)
done
node "$here/summarize.mjs" "$tmp" "${modes[@]}"
