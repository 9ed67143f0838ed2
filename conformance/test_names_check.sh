#!/usr/bin/env bash
# catch_discover_tests splits a test name at ';' into several ctest entries
# whose filters match nothing, so such a test passes without running. Fails,
# naming file and line, when any Catch2 TEST_CASE name holds a ';'.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -rn --include='*.cc' -E 'TEST_CASE\("[^"]*;' engine trace replay diff report cli sim conformance fuzz tools bindings 2>/dev/null || true)
if [[ -n $bad ]]; then
  echo "$bad" | sed 's/$/: a test name with ";" (ctest would split it and run nothing)/'
  exit 1
fi
