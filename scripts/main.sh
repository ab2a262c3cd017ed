#!/usr/bin/env bash
# The main job on built-in data: install what is missing, build, run the regression.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
exec "$root/build/hif4" regress "$@"
