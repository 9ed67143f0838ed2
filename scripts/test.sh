#!/usr/bin/env bash
# README command 2: set up, build, and run every test (unit tests, reader
# catalog, recorder checks, conformance over traces/) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh release
ctest --preset release "$@"
