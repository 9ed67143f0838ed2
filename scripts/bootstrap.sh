#!/usr/bin/env bash
# Installs what peer-replay needs on a fresh Debian 12 machine (g++, cmake and
# Node 20 are assumed). Idempotent: checks with dpkg first and does nothing
# when everything is there. As root it runs apt-get; otherwise it prints the
# exact command and stops with exit code 2.
set -euo pipefail

PACKAGES=(g++ cmake make pkg-config nlohmann-json3-dev libsimdjson-dev libcli11-dev catch2 libzstd-dev zstd libssl-dev jq bsdutils
  chromium python3-prometheus-client)
# jq and bsdutils (script): cli/cli_plain_test.sh checks --format json and the terminal output.
# chromium: the HTML report's browser test (report/browser_test.mjs).
# python3-prometheus-client: its parser reads `run --metrics-out` (replay/metrics_prometheus_test.py).
# --fuzz (scripts/test.sh): also the libFuzzer toolchain of the `fuzz` preset.
if [[ "${1:-}" == "--fuzz" ]]; then
  PACKAGES+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "bootstrap: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
    echo "bootstrap: run as root:  apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi

if ! command -v node >/dev/null 2>&1; then
  echo "bootstrap: Node.js 20 is required (node not found on PATH)" >&2
  exit 2
fi
