#!/usr/bin/env bash
# Installs tools/report's pinned npm packages (package-lock.json) into tools/report/node_modules:
# uPlot, which the build inlines into every HTML report (report/CMakeLists.txt), and
# puppeteer-core, which drives Debian's chromium in the browser test (report/browser_test.mjs).
# Exit 0 when ready; 3 when the npm registry cannot be reached; 1 on other errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../../scripts/npm-setup.sh" "tools/report/setup.sh" "$here" node_modules/uplot/dist/uPlot.iife.min.js
