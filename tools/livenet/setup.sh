#!/usr/bin/env bash
# Installs what the livenet needs: the recorder's packages (Lodestar 1.44.0, libp2p 3.1.6 and the live
# hook's dependencies, tools/recorder/setup.sh) and this directory's own package-lock.json (the snappy
# framing of ssz_snappy).
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/../recorder/setup.sh"
exec bash "$here/../../scripts/npm-setup.sh" "tools/livenet/setup.sh" "$here" node_modules/snappyjs/package.json
