#!/usr/bin/env bash
# Configures (once) and builds one CMake preset; incremental on a second run.
# Usage: scripts/build.sh [release|debug|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
# The HTML report inlines uPlot from tools/report/node_modules (report/CMakeLists.txt).
bash tools/report/setup.sh
# The Node addon compiles against node-addon-api from bindings/node/node_modules.
bash bindings/node/setup.sh
# Configure when there is no generated build system yet: a cache alone is what a configure
# that failed (a missing package, say) leaves behind.
if [[ ! -f build/$preset/Makefile && ! -f build/$preset/build.ninja ]]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" -j "$(nproc)"
