#!/usr/bin/env bash
# `cmake --install` puts peer-replay in PREFIX/bin (README "Install"): installs
# the build into a temporary prefix and runs the installed binary from PATH.
#
#   cli/install_test.sh <cmake> <build dir> <repo root>
set -euo pipefail
cmake=$1
build=$2
root=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
"$cmake" --install "$build" --prefix "$prefix" --component peer-replay > /dev/null
[[ -x $prefix/bin/peer-replay ]] || { echo "FAIL: no $prefix/bin/peer-replay after cmake --install"; exit 1; }
version=$(PATH="$prefix/bin:/usr/bin:/bin" peer-replay --version)
[[ $version == "peer-replay "* ]] || { echo "FAIL: installed peer-replay --version said: $version"; exit 1; }
PATH="$prefix/bin:/usr/bin:/bin" peer-replay check --quiet "$root/traces/inbound-cooldown-overwrite.jsonl.zst" |
  grep -q "^check: 1 passed, 0 failed$" || { echo "FAIL: the installed peer-replay did not pass a trace"; exit 1; }
echo "ok: cmake --install --prefix $prefix: $version on PATH"
