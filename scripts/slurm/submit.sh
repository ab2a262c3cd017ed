#!/usr/bin/env bash
# Runs the full regression (scripts/regression.sh) on a Slurm cluster: a job array with one task
# per shard, then a merge job that starts when every task has ended (whatever its exit status)
# and writes the merged summary, JUnit XML, JSON and coverage bins. The merged summary is the
# one the unsharded run prints (docs/regressions.md).
#
# usage: scripts/slurm/submit.sh --out DIR [--level L | --count N] [--shards N] [--partition P]
#                                [--suites "S..."] [--profiles "P..."] [--seed S] [--stall-prob X]
#                                [--bubble-prob X] [--build DIR] [--time LIMIT] [--sbatch-arg ARG]...
#                                [--wait]
#   --out DIR        a folder every node can write (shared file system): results/, logs/ and
#                    the merge job's summary.txt, junit.xml, results.json, coverage.txt
#   --level L        1, 2 or 3 (default 1); --count N: N records of every suite instead
#   --shards N       tasks of the job array (default 1); each runs shard K of N of every row
#   --partition P    the Slurm partition (default: the cluster's default)
#   --build DIR      where hif4 and hif4-cosim are on the nodes (default: found by regression.sh)
#   --time LIMIT     sbatch --time of each task (default: the partition's)
#   --sbatch-arg ARG an extra sbatch option for both jobs (repeatable), e.g. --sbatch-arg=--account=hw
#   --wait           return when the merge job has ended, with its exit status (0 every row
#                    passed, 1 a row failed, 2 the results were incomplete or a row could not run)
# Prints the two job ids. Needs sbatch on PATH (and SLURM_CONF where the cluster wants it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
regression="$here/../regression.sh"
out="" shards=1 partition="" wait=0 time_limit=""
regression_args=() sbatch_args=()
usage_error() { echo "submit.sh: error: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    --wait) wait=1; shift; continue ;;
    --sbatch-arg=*) sbatch_args+=("${1#--sbatch-arg=}"); shift; continue ;;
  esac
  [ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
  case "$1" in
    --out) out=$2 ;;
    --shards) shards=$2 ;;
    --partition) partition=$2 ;;
    --time) time_limit=$2 ;;
    --sbatch-arg) sbatch_args+=("$2") ;;
    --level|--count|--suites|--profiles|--seed|--stall-prob|--bubble-prob) regression_args+=("$1" "$2") ;;
    --build) regression_args+=(--build "$(cd "$2" && pwd)") ;;
    *) usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift 2
done
[ -n "$out" ] || usage_error "--out DIR is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || usage_error "--shards wants a positive number, not '$shards'"
command -v sbatch >/dev/null || usage_error "sbatch not found: run this where Slurm's client commands are"
mkdir -p "$out/results" "$out/logs"
out=$(cd "$out" && pwd)
if compgen -G "$out/results/row*.json" >/dev/null; then
  usage_error "$out/results already holds results: use a new --out folder (the merge reads every file there)"
fi

common=(--parsable --chdir "$out" "${sbatch_args[@]+"${sbatch_args[@]}"}")
if [ -n "$partition" ]; then common+=(--partition "$partition"); fi
task_args=(--cpus-per-task 1)
if [ -n "$time_limit" ]; then task_args+=(--time "$time_limit"); fi

# The batch scripts are copied into Slurm's spool folder when they run, so they are told where
# regression.sh is (on the shared folder), not left to find it.
array=$(sbatch "${common[@]}" "${task_args[@]}" --job-name hif4-shard --array "0-$((shards - 1))" \
          --output "$out/logs/shard-%a.out" \
          "$here/shard.sbatch" "$regression" "$out/results" "$shards" \
          "${regression_args[@]+"${regression_args[@]}"}")
array=${array%%;*}
merge_args=("${common[@]}" --cpus-per-task 1 --job-name hif4-merge --dependency "afterany:$array"
            --output "$out/logs/merge.out")
if [ "$wait" = 1 ]; then merge_args+=(--wait); fi
printf 'shards: job %s (%s tasks), merge: ' "$array" "$shards"
printf '%s\n' "shards $array" >"$out/jobs.txt"
rc=0
merge=$(sbatch "${merge_args[@]}" "$here/merge.sbatch" "$regression" "$out" \
          "${regression_args[@]+"${regression_args[@]}"}") || rc=$?
merge=${merge%%;*}
echo "job $merge"
printf '%s\n' "merge $merge" >>"$out/jobs.txt"
if [ "$wait" = 1 ]; then
  echo "merge job ended with exit status $rc; summary: $out/summary.txt"
  exit "$rc"
fi
echo "the merged summary will be $out/summary.txt (JUnit: junit.xml, JSON: results.json, coverage: coverage.txt)"
