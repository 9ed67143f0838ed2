#!/usr/bin/env bash
# Installs the recorder's pinned dependencies (Lodestar 1.44.0, libp2p, the live hook's zstd binding)
# from package-lock.json into tools/recorder/node_modules. `npm ci` refuses this lock on this
# project's registry ("Missing: @chainsafe/libp2p-quic-darwin-arm64@ ..."), hence --install-fallback.
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v node >/dev/null || { echo "setup.sh: node (v20) not found" >&2; exit 1; }
exec bash "$here/../../scripts/npm-setup.sh" "tools/recorder/setup.sh" "$here" \
  node_modules/@lodestar/beacon-node/package.json --install-fallback
