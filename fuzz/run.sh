#!/usr/bin/env bash
# Runs each libFuzzer target for a while, starting from its committed seed corpus.
#
#   fuzz/run.sh [-t SECONDS] [-r RUNS] [-d BUILD_DIR] [TARGET...]
#
# -t: seconds per target (default 15); -r: stop after RUNS executions instead (whichever comes
# first); -d: where fuzz/build.sh built the targets (default build-fuzz). New inputs go to
# BUILD_DIR/corpus/TARGET (the committed fuzz/corpus/TARGET is only read); a crash, leak,
# sanitizer report or a run over 10 s / 2 GB leaves its input in BUILD_DIR/artifacts/ and
# makes this script exit non-zero. Prints the executions done per target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=15 runs=-1 build=$root/build-fuzz
while getopts "t:r:d:" o; do
  case $o in
    t) seconds=$OPTARG ;;
    r) runs=$OPTARG ;;
    d) build=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-r RUNS] [-d BUILD_DIR] [TARGET...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_vector_file fuzz_dut_output fuzz_safetensors fuzz_cli fuzz_results)
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  [ -x "$build/$t" ] || { echo "fuzz: $build/$t is not built (run fuzz/build.sh)" >&2; exit 2; }
  mkdir -p "$build/corpus/$t"
  log=$build/$t.log
  if "$build/$t" -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
       "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz: $t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') executions, no failure"
  else
    echo "fuzz: $t FAILED (log: $log)" >&2
    grep -E -m5 'ERROR|SUMMARY|runtime error|Test unit written' "$log" >&2 || tail -20 "$log" >&2
    status=1
  fi
done
exit $status
