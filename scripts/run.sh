#!/usr/bin/env bash
# README command 1: set up, build release, and replay the whole bundled corpus
# in traces/, one verdict per trace and a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh release >/dev/null
exec build/release/bin/peer-replay check traces/ "$@"
