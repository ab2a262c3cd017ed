#!/usr/bin/env bash
# The full regression: every suite (made by `hif4 gen`, expected bytes from the reference model)
# under every profile and every knob corner (scripts/knob_corners.txt), and the knob walk (every
# knob and the SR seed changing from block to block, block indices over all 64 bits, a reset
# with the pipeline full and the output stalled every 50 blocks), with random output stalls and
# input bubbles, through the SystemC model and the Verilated RTL in lockstep (`hif4 cosim`).
# Prints one table row per suite and configuration (through `hif4 merge`, from each row's
# results file); exits 0 only when every row passed.
#
# usage: scripts/regression.sh [--build DIR] [--level L | --count N] [--suites "S..."] [--profiles "P..."]
#                              [--stall-prob X] [--bubble-prob X] [--seed S] [--shard K/N]
#                              [--results DIR] [--junit FILE] [--json FILE] [--coverage FILE]
#        scripts/regression.sh --merge DIR [--build DIR] [--junit FILE] [--json FILE] [--coverage FILE]
#   --build DIR     where hif4 and hif4-cosim are (default: build/ of this checkout, or bin/ of
#                   the install this script belongs to)
#   --level L       1 (default), 2 or 3 (level 2 with 10^9 random blocks: for a farm, with --shard)
#   --count N       N records of every suite (and N knob-walk blocks) instead of the level's
#                   counts (knob walk: 20,000 blocks at level 1, 10^6 at 2, 10^7 at 3)
#   --suites, --profiles   a subset of the rows (default: every suite; every configuration:
#                   the profiles of `hif4 profiles`, the knob corners, and knob-walk)
#   --shard K/N     run shard K (from 0) of N of every row's blocks; the N shards' --results
#                   folders (or one shared folder) merge with --merge into the unsharded summary
#   --results DIR   keep each row's results (JSON) there (default: a temporary folder)
#   --merge DIR     print the summary of the results in DIR (every shard of every row), and write
#                   --junit, --json, --coverage from them
#   --junit FILE, --json FILE, --coverage FILE: the results as JUnit XML, as JSON, and the
#                   coverage bins added up per profile (text)
#   defaults: --stall-prob 0.25 --bubble-prob 0.15 --seed 1 --level 1
# Exit status: 0 every row passed, 1 a row failed, 2 bad usage or a row that could not run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=""
for candidate in "$here/../build" "$here/../../../bin"; do  # a checkout; an install (share/hif4/scripts)
  if [ -z "$build" ] && [ -x "$candidate/hif4" ]; then build=$(cd "$candidate" && pwd); fi
done
stall=0.25 bubble=0.15 seed=1 level=1 count="" shard="" results="" merge="" only_suites="" only_profiles=""
outputs=()
usage_error() { echo "regression.sh: error: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in -h|--help) sed -n '2,29p' "$0"; exit 0 ;; esac
  [ $# -ge 2 ] || usage_error "$1 needs a value (see --help)"
  case "$1" in
    --build) build=$2 ;;
    --stall-prob) stall=$2 ;;
    --bubble-prob) bubble=$2 ;;
    --seed) seed=$2 ;;
    --level) level=$2 ;;
    --count) count=$2 ;;
    --suites) only_suites=$2 ;;
    --profiles) only_profiles=$2 ;;
    --shard) shard=$2 ;;
    --results) results=$2 ;;
    --merge) merge=$2 ;;
    --junit|--json|--coverage) outputs+=("$1" "$2") ;;
    *) usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift 2
done
hif4="$build/hif4"
[ -n "$build" ] && [ -x "$hif4" ] ||
  usage_error "hif4 not found${build:+ in $build}: build first (scripts/build.sh) or give --build DIR"

# --merge: the summary of results made by earlier (sharded) runs. Files sort into row order
# (their names start with the row number); hif4 merge adds up each row's shards and refuses a
# missing or repeated shard.
if [ -n "$merge" ]; then
  [ -d "$merge" ] || usage_error "--merge: '$merge' is not a folder"
  list=$(mktemp "${TMPDIR:-/tmp}/hif4-merge.XXXXXX")
  trap 'rm -f "$list"' EXIT
  find "$merge" -maxdepth 1 -name 'row*.json' | sort >"$list"
  files=$(wc -l <"$list")
  [ "$files" -gt 0 ] || usage_error "--merge: no row*.json results in '$merge'"
  [ ! -f "$merge/heading.txt" ] || cat "$merge/heading.txt"
  echo "merged from $files results files in $merge"
  echo
  # (A list file, not arguments: a farm's run has more files than a command line holds.)
  "$hif4" merge "${outputs[@]+"${outputs[@]}"}" --list "$list"
  exit $?
fi

[ -x "$build/hif4-cosim" ] || usage_error "$build/hif4-cosim not built: it needs -DHIF4_SYSTEMC=ON -DHIF4_RTL=ON"
shard_args=()
shard_name=0-of-1
if [ -n "$shard" ]; then
  [[ "$shard" =~ ^([0-9]+)/([0-9]+)$ ]] || usage_error "--shard wants K/N, not '$shard'"
  shard_args=(--shard "$shard")
  shard_name="${BASH_REMATCH[1]}-of-${BASH_REMATCH[2]}"
fi
size_args=(--level "$level")
size_text="level-$level suites"
if [ -n "$count" ]; then size_args+=(--count "$count"); size_text="$count records of each suite"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hif4-regression.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$results" ]; then results="$work/results"; fi
mkdir -p "$results"

# Profiles and suites from their single sources: the profile table and the suite table; the
# knob corners from scripts/knob_corners.txt (beside this script, also when installed).
corners_file="$here/knob_corners.txt"
[ -f "$corners_file" ] || usage_error "$corners_file is missing"
corner_names=$(awk '!/^#/ && NF { print $1 }' "$corners_file")
all_profiles=$("$hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }')
configs=${only_profiles:-$(printf '%s\n' $all_profiles $corner_names knob-walk)}
suites=${only_suites:-$("$hif4" cosim --list-suites)}
for c in $configs; do
  printf '%s\n' $all_profiles $corner_names knob-walk | grep -qx -- "$c" ||
    usage_error "unknown configuration '$c': not a profile, a knob corner of $corners_file or knob-walk"
done
case "$level" in 1) walk_blocks=20000 ;; 2) walk_blocks=1000000 ;; *) walk_blocks=10000000 ;; esac
if [ -n "$count" ]; then walk_blocks=$count; fi

heading="HiF4 full regression: $size_text x profiles and knob corners, and the knob walk; model -> SystemC + RTL lockstep
stall-prob $stall, bubble-prob $bubble, seed $seed"
echo "$heading"
# The heading for a later --merge (every shard writes the same text; the last rename wins).
printf '%s\n' "$heading" >"$results/.heading.$shard_name" && mv -f "$results/.heading.$shard_name" "$results/heading.txt"
if [ -n "$shard" ]; then echo "shard $shard of every row's blocks"; fi
echo

start=$(date +%s)
row=0 broken=0
files=()
# finish_row SUITE CONFIG RC: keeps a failed row's report, counts a row that did not run.
finish_row() {
  if [ "$3" -eq 1 ]; then
    cp "$log" "${TMPDIR:-/tmp}/hif4-regression-$1-$2.log"
  elif [ "$3" -ne 0 ]; then
    broken=$((broken + 1))
    echo "regression.sh: $1/$2 did not run (exit $3):" >&2
    tail -n 5 "$log" | sed 's/^/  /' >&2
    return
  fi
  files+=("$json")
  if [ -t 2 ]; then echo "  row $row: $1/$2 exit $3" >&2; fi
}
for config in $configs; do
  if [ "$config" = knob-walk ]; then
    # Blocks made in process: the knobs, the SR seed and the block index change every block.
    row=$((row + 1))
    name=$(printf 'row%04d.knob-walk.per-block' "$row")
    json="$results/$name.shard-$shard_name.json"
    log="$work/$name.log"
    rc=0
    "$hif4" cosim --knob-walk "$walk_blocks" --reset-every 50 --stall-prob "$stall" --bubble-prob "$bubble" \
      --seed "$seed" "${shard_args[@]+"${shard_args[@]}"}" --json "$json" >"$log" 2>&1 || rc=$?
    finish_row knob-walk per-block "$rc"
    continue
  fi
  # A profile, or a knob corner: its hif4 gen options, labelled with its name in the table.
  gen_config=(--profile "$config")
  label=()
  if ! printf '%s\n' $all_profiles | grep -qx -- "$config"; then
    read -r -a gen_config < <(awk -v c="$config" '!/^#/ && $1 == c { $1 = ""; print }' "$corners_file")
    label=(--label "$config")
  fi
  for suite in $suites; do
    row=$((row + 1))
    name=$(printf 'row%04d.%s.%s' "$row" "$suite" "$config")
    json="$results/$name.shard-$shard_name.json"
    vec="$work/vectors.hif4v"
    log="$work/$name.log"
    rc=0
    "$hif4" gen "${gen_config[@]}" --suite "$suite" "${size_args[@]}" --seed "$seed" \
      "${shard_args[@]+"${shard_args[@]}"}" --out "$vec" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      "$hif4" cosim --vectors "$vec" "${label[@]+"${label[@]}"}" --stall-prob "$stall" --bubble-prob "$bubble" \
        --seed "$seed" --json "$json" >"$log" 2>&1 || rc=$?
    fi
    rm -f "$vec"
    finish_row "$suite" "$config" "$rc"
  done
done

# The table: hif4 merge of the rows' results (one shard's own rows with --partial).
merge_args=()
if [ -n "$shard" ]; then merge_args=(--partial); fi
rc=0
if [ ${#files[@]} -gt 0 ]; then
  "$hif4" merge "${merge_args[@]+"${merge_args[@]}"}" "${outputs[@]+"${outputs[@]}"}" "${files[@]}" || rc=$?
fi
echo "wall $(( $(date +%s) - start )) s"
if [ "$rc" -eq 1 ]; then echo "reports of the failed rows are kept in ${TMPDIR:-/tmp}/hif4-regression-SUITE-PROFILE.log"; fi
if [ "$broken" -gt 0 ]; then
  echo "regression.sh: $broken row(s) did not run" >&2
  exit 2
fi
exit "$rc"
