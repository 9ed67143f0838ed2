#!/usr/bin/env bash
# Installs the addon package's pinned npm packages (package-lock.json) into bindings/node/node_modules
# for the project's own build: node-addon-api's headers (napi.h), which bindings/node/CMakeLists.txt
# needs. --ignore-scripts: the package's own install script (cmake-js) is for users of the package;
# the project's CMake builds the addon itself.
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../../scripts/npm-setup.sh" "bindings/node/setup.sh" "$here" node_modules/node-addon-api/napi.h --ignore-scripts
