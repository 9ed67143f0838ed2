#!/usr/bin/env bash
# catch_discover_tests hands the test names to CMake as a list, and CMake's
# list splitting breaks on two characters in a name: ';' splits the name into
# several ctest entries, and a '[' or ']' groups (an unbalanced '[' swallows
# every name after it into one entry). Either way the entries' filters match
# no test case, and ctest reports them passed without running anything. Fails,
# naming file and line, when any Catch2 TEST_CASE name holds one of them
# (tags, in the second argument, are not names).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -rn --include='*.cc' -E 'TEST_CASE\("[^"]*[][;]' engine trace replay diff report cli sim conformance fuzz tools bindings 2>/dev/null || true)
if [[ -n $bad ]]; then
  echo "$bad" | sed 's/$/: a test name with ";", "[" or "]" (ctest would run nothing for it)/'
  exit 1
fi
