#!/usr/bin/env bash
# The engine's interface is engine/include/peers/; everything else in engine/
# is internal. Fails (listing each offending line) when
#   - a header of the interface includes anything but the standard library and
#     other headers of the interface, or
#   - a library that uses the engine (trace/, replay/, diff/, cli/, report/, bindings/)
#     includes an internal header ("engine/...").
# The engine itself, its tests, the simulator (sim/), the fuzz targets, the
# benchmarks of single ported functions (tools/bench/) and the Node addon's
# Lodestar-shaped API, which offers single ported functions to JS
# (bindings/node/prioritize.cc, score_store.cc, relevance.cc), may reach the internals.
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root"
bad=0
while IFS= read -r line; do
  echo "interface header includes a non-interface header: $line"
  bad=1
done < <(grep -Hn '^#include "' engine/include/peers/*.h | grep -v '#include "peers/' || true)
while IFS= read -r line; do
  echo "internal engine header used outside the engine: $line"
  bad=1
done < <(grep -rHn --include='*.h' --include='*.cc' --exclude-dir=native --exclude-dir=node_modules '^#include "engine/' trace replay diff cli report bindings |
           grep -vE '^bindings/node/(prioritize|score_store|relevance)\.cc:' || true)
n=$(ls engine/include/peers/*.h | wc -l)
if [[ $n -lt 10 ]]; then
  echo "engine/include/peers/ holds $n headers: the interface is missing (is this the repository root?)"
  bad=1
fi
exit $bad
