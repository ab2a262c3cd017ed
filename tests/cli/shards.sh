#!/usr/bin/env bash
# Shards add up exactly: for N = 1, 3 and 7, the shards of a run merged by `hif4 merge` give the
# unsharded run's vector file byte for byte and its summary, on level 1 and on a random run.
# Each case also injects a fault (a flipped expected bit) and shows the merged results report
# it. Usage: shards.sh HIF4_BINARY CASE
#   files       hif4 gen --shard: merged files == the unsharded file; hif4 coverage of the shards
#               == of the whole file
#   regress     hif4 regress --shard over the seed vectors (two expected bits flipped): merged
#               summary, JSON and JUnit == the unsharded run's
#   cosim       hif4 cosim --shard on level 1 (--suite all) and on --random with stalls; a
#               shard's vector file with a flipped bit fails the merged run
#   regression  scripts/regression.sh --shard on level 1 (two profiles), then --merge: the
#               unsharded table
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1
case_name=$2
test_name="shards.sh $case_name"
here=$(cd "$(dirname "$0")" && pwd)
support="$here/../support"
src="$here/../.."
python=/usr/bin/python3
cd "$work" || exit 1
ns="1 3 7"

# run NAME CMD...: CMD's stdout in NAME.txt, its exit status in $rc.
run() {
  local name=$1
  shift
  rc=0
  "$@" >"$name.txt" 2>"$name.err" || rc=$?
}
expect_rc() { if [ "$rc" = "$1" ]; then pass; else fail "$2: exit $rc, expected $1 ($(head -c 300 "$3.err"))"; fi; }
# The summary without the co-simulation's per-shard lines (results.h: cycles, speed, latency).
run_figures() { grep -Ev '^  (cycles|blocks/s|latency) ' "$1"; }
same_results() { if $python "$here/same_results.py" "$1" "$2" >cmp.txt; then pass; else fail "$3: $(head -5 cmp.txt)"; fi; }
junit() { if $python "$support/check_junit.py" "$@" >junit.txt; then pass; else fail "$(cat junit.txt)"; fi; }

case "$case_name" in
  files)
    for what in level1 random; do
      if [ $what = level1 ]; then args=(--profile gcc); else
        args=(--profile cann --set payload-rounding=stochastic --sr-seed 3 --suite random --count 5000 --seed 11)
      fi
      run whole "$hif4" gen "${args[@]}" --out $what.hif4v
      expect_rc 0 "gen $what" whole
      run cov "$hif4" coverage $what.hif4v
      for n in $ns; do
        parts=()
        for k in $(seq $((n - 1)) -1 0); do  # listed last shard first: merge orders them
          run gen "$hif4" gen "${args[@]}" --shard "$k/$n" --out "$what.$k-$n.hif4v"
          expect_rc 0 "gen --shard $k/$n" gen
          parts+=("$what.$k-$n.hif4v")
        done
        run merge "$hif4" merge --out "$what.merged$n.hif4v" "${parts[@]}"
        expect_rc 0 "merge $n" merge
        same $what.hif4v "$what.merged$n.hif4v" "$what: $n shards merged vs the unsharded file"
        # The coverage bins of the shards added up are those of the whole file.
        run covn "$hif4" coverage "${parts[@]}"
        diff <(sed -n '/^bin /,$p' cov.txt) <(sed -n '/^bin /,$p' covn.txt) >/dev/null ||
          fail "$what: coverage of $n shards differs from the whole file's"
        pass
      done
    done
    # A shard made on 3 threads is the same shard (each thread makes its records' own blocks).
    run gen "$hif4" gen --profile gcc --shard 4/7 --threads 3 --out threads.hif4v
    same level1.4-7.hif4v threads.hif4v "gen --shard 4/7 --threads 3 vs one thread"
    # A shard missing, a shard twice, a shard of another run: merge refuses, writes nothing.
    expect_error "a missing shard" "shard 1 of 3 missing" bad.hif4v -- \
      "$hif4" merge --out bad.hif4v level1.0-3.hif4v level1.2-3.hif4v
    expect_error "a repeated shard" "both shard 2/3" bad.hif4v -- \
      "$hif4" merge --out bad.hif4v level1.0-3.hif4v level1.1-3.hif4v level1.2-3.hif4v level1.2-3.hif4v
    expect_error "another run's shard" "not shards of one run" bad.hif4v -- \
      "$hif4" merge --out bad.hif4v level1.0-3.hif4v level1.1-3.hif4v random.2-3.hif4v
    expect_error "the output is an input" "same file" -- \
      "$hif4" merge --out level1.0-1.hif4v level1.0-1.hif4v
    # A flipped expected bit in a shard: merged, the file differs from the unsharded one.
    cp level1.1-3.hif4v flipped.hif4v
    $python "$here/flip_expected.py" flipped.hif4v 5
    run merge "$hif4" merge --out flipped-merged.hif4v level1.0-3.hif4v flipped.hif4v level1.2-3.hif4v
    cmp -s level1.hif4v flipped-merged.hif4v && fail "a flipped bit survived the merge unnoticed"
    pass "a flipped bit in a shard shows in the merged file"
    ;;

  regress)
    # The seed vectors with two expected bits flipped, in tiny's blocks 5000 and 7000 (inside
    # shards 1 and 2 of 3, 4 and 5 of 7): mismatches of several shards add up, and the first is
    # the run's first wherever its shard is.
    cp -r "$src/tests/data/seed" seed
    $python - <<'PY'
with open("seed/tiny.out.hif4", "r+b") as f:
    for block in (5000, 7000):  # lanes 0 and 1 of the block: one bit
        f.seek(36 * block + 4)
        b = f.read(1)[0]
        f.seek(36 * block + 4)
        f.write(bytes([b ^ 1]))
PY
    run whole "$hif4" regress --vectors seed --json whole.json --junit whole.xml
    expect_rc 1 "regress with a flipped bit" whole
    contains whole.txt "tiny: first mismatch block 5000"
    contains whole.txt "| tiny         |      8208 |          2 |"
    junit whole.xml --failures 1 --message-contains "replay: hif4 explain"
    suites=$(grep -c '^| [a-z]' whole.txt)
    for n in $ns; do
      jsons=()
      for k in $(seq 0 $((n - 1))); do
        run shard "$hif4" regress --vectors seed --shard "$k/$n" --json "s$k-$n.json"
        jsons+=("s$k-$n.json")
      done
      run merged "$hif4" merge --json "merged$n.json" --junit "merged$n.xml" "${jsons[@]}"
      expect_rc 1 "merge of $n regress shards" merged
      same whole.txt merged.txt "regress: merged summary of $n shards vs the unsharded one"
      same_results whole.json "merged$n.json" "regress: merged JSON of $n shards"
      junit "merged$n.xml" --tests $((suites - 2)) --failures 1 --case hif4.regress.seed/tiny --message-contains "block 5000"
    done
    # The JSON carries every figure of the table.
    $python - whole.json whole.txt <<'PY' && pass "JSON rows == table rows" || fail "JSON vs table"
import json, sys
j = json.load(open(sys.argv[1]))
rows = [l.split("|") for l in open(sys.argv[2]) if l.startswith("| ") and "suite" not in l]
table = {r[1].strip(): (int(r[2]), int(r[3])) for r in rows}
assert table.pop("total") == (j["totals"]["blocks"], j["totals"]["mismatches"])
assert table == {r["suite"]: (r["blocks"], r["mismatches"]) for r in j["rows"]}, table
PY
    # A shard missing: merge refuses (exit 2), prints nothing, writes nothing.
    expect_error "a missing regress shard" "shard 1 of 3 missing" none.json -- \
      "$hif4" merge --json none.json s0-3.json s2-3.json
    ;;

  cosim)
    # Level 1, no stalls: every figure equal but the per-shard ones; the cycle counts differ by
    # exactly the pipeline's fill and drain per extra shard.
    level1=(--suite all --level 1 --profile cann)
    random=(--random 20000 --seed 5 --profile gcc --stall-prob 0.25 --bubble-prob 0.15)
    for what in level1 random; do
      if [ $what = level1 ]; then args=("${level1[@]}"); else args=("${random[@]}"); fi
      run whole "$hif4" cosim "${args[@]}" --json "$what.json"
      expect_rc 0 "cosim $what" whole
      cp whole.txt "$what.txt"
      blocks=$(awk '$1 == "blocks" { print $4; exit }' whole.txt)
      cycles=$(awk '$1 == "cycles" { print $2; exit }' whole.txt)
      for n in $ns; do
        jsons=()
        for k in $(seq 0 $((n - 1))); do
          run shard "$hif4" cosim "${args[@]}" --shard "$k/$n" --json "$what.$k-$n.json"
          expect_rc 0 "cosim $what --shard $k/$n" shard
          jsons+=("$what.$k-$n.json")
        done
        run merged "$hif4" merge --junit "$what$n.xml" --json "$what$n.merged.json" "${jsons[@]}"
        expect_rc 0 "merge $what $n" merged
        diff <(run_figures "$what.txt") <(run_figures merged.txt) >diff.txt ||
          fail "$what: merged summary of $n shards differs: $(head -8 diff.txt)"
        pass
        merged_cycles=$(awk '$1 == "cycles" { print $2; exit }' merged.txt)
        if [ $what = level1 ]; then
          # Without stalls a run takes blocks + C cycles, C its fill and drain: N shards take N * C.
          [ "$merged_cycles" = $((blocks + n * (cycles - blocks))) ] ||
            fail "level1: $n shards took $merged_cycles cycles, expected $((blocks + n * (cycles - blocks)))"
          pass
        fi
        same_results "$what.json" "$what$n.merged.json" "$what: merged JSON of $n shards"
        junit "$what$n.xml" --tests 1 --failures 0
      done
    done
    # A shard's vector file with a flipped expected bit: that shard fails, and so does the merge.
    "$hif4" gen --profile gcc --suite tiny --count 300 --out tiny.hif4v >/dev/null
    for k in 0 1 2; do "$hif4" gen --profile gcc --suite tiny --count 300 --shard $k/3 --out tiny.$k.hif4v >/dev/null; done
    $python "$here/flip_expected.py" tiny.hif4v 150  # record 150 of the whole run
    $python "$here/flip_expected.py" tiny.1.hif4v 50  # = record 50 of shard 1 (records 100..199)
    run whole "$hif4" cosim --vectors tiny.hif4v --stall-prob 0.2 --json tiny.json
    expect_rc 1 "cosim of a flipped file" whole
    for k in 0 1 2; do
      run shard "$hif4" cosim --vectors tiny.$k.hif4v --stall-prob 0.2 --json tiny.$k.json
      [ $k = 1 ] && expect_rc 1 "the flipped shard" shard || expect_rc 0 "shard $k" shard
    done
    run merged "$hif4" merge --junit tiny.xml --json tiny.merged.json tiny.0.json tiny.2.json tiny.1.json
    expect_rc 1 "merge of a failed shard" merged
    contains merged.txt "299 passed, 1 failed"
    same_results tiny.json tiny.merged.json "a failed run: merged JSON"
    junit tiny.xml --tests 1 --failures 1 --message-contains "output block differs from the expectation" \
      --case hif4.cosim.gcc/tiny
    ;;

  regression)
    # Level 1, every suite, under two profiles (shards_cosim runs level 1's blocks already; this
    # case is about the script's sharding and merging), with stalls and bubbles.
    size=(--level 1 --profiles "seed cann")
    run whole "$src/scripts/regression.sh" --build "$(dirname "$hif4")" "${size[@]}" --junit whole.xml --json whole.json
    expect_rc 0 "regression.sh" whole
    table() { sed -n '/^| suite/,/ passed, [0-9]* failed$/p' "$1"; }
    rows=$(grep -c '| pass   |' whole.txt)
    for n in $ns; do
      for k in $(seq 0 $((n - 1))); do
        run shard "$src/scripts/regression.sh" --build "$(dirname "$hif4")" "${size[@]}" --shard "$k/$n" --results "res$n"
        expect_rc 0 "regression.sh --shard $k/$n" shard
      done
      run merged "$src/scripts/regression.sh" --build "$(dirname "$hif4")" --merge "res$n" --json "m$n.json" --junit "m$n.xml"
      expect_rc 0 "regression.sh --merge" merged
      diff <(table whole.txt) <(table merged.txt) >diff.txt || fail "regression: $n shards merged: $(head -6 diff.txt)"
      pass
      same_results whole.json "m$n.json" "regression: merged JSON of $n shards"
      junit "m$n.xml" --tests "$rows" --failures 0 --case hif4.cosim.cann/e6m2-ties
    done
    # One shard's results gone: the merge names it and fails (exit 2).
    rm res3/row0002.*.shard-1-of-3.json
    run merged "$src/scripts/regression.sh" --build "$(dirname "$hif4")" --merge res3
    expect_rc 2 "merge with a shard missing" merged
    grep -q "shard 1 of 3 missing" merged.err || fail "missing shard message: $(cat merged.err)"
    pass
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
finish
