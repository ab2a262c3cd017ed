#!/usr/bin/env bash
# Install what is missing, build, and run every test (CTest; labels: model, cli, ...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
exec ctest --output-on-failure -j "$(nproc)" "$@"
