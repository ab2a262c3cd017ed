#!/usr/bin/env bash
# `hif4 cosim --rtl FILELIST --top NAME` with designs that are not rtl/hif4_quantizer.sv as
# written (tests/sim/designs/): one of varying latency that must pass, faulty ones that must
# fail naming the block and what is wrong, one that hangs, ones Verilator or the port contract
# reject, and the repository's own RTL, which has the probes and runs in the lockstep.
# Usage: cosim_rtl.sh HIF4_BINARY SOURCE_DIR CACHE_DIR CASE
# Case `build` builds every design into CACHE_DIR (the CTest fixture the other cases share), at
# -O0: the runs are short, the C++ compile is what costs.
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1
src=$2
cache=$3
case_name=$4
test_name="cosim_rtl.sh $case_name"
out="$work/out.txt"
fail_fast=1
fail_shows=$out
cd "$src"  # the designs' file lists name their sources from the repository root

d=tests/sim/designs
run() { "$hif4" cosim --build-dir "$cache" --rtl-opt 0 "$@" >"$out" 2>&1; echo $?; }
expect_rc() { if [ "$1" = "$2" ]; then pass; else fail "exit status $1, expected $2"; fi; }
expect_text() { contains "$out" "$1"; }
fifo=(--rtl $d/hif4_fifo_dut.f --top hif4_fifo_dut)
faulty=(--rtl $d/hif4_retimed_faulty.f --top hif4_retimed_dut)
stuck=(--rtl $d/hif4_stuck_dut.f --top hif4_stuck_dut)
own=(--rtl rtl/hif4.f --top hif4_quantizer)

case "$case_name" in
  build)  # every design once; the cases below find them in the cache
    for design in "fifo[@]" "faulty[@]" "stuck[@]" "own[@]"; do
      rc=$(run "${!design}" --random 1 --timeout-cycles 50)
      [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "building ${!design}: exit status $rc"
      grep -Eq "^  build       (verilated and compiled in|up to date in)" "$out" && pass || fail "no build line"
    done ;;
  fifo_pass)  # latency that varies, in_ready of its own: every profile passes, stalls and bubbles
    for p in $("$hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }'); do
      rc=$(run "${fifo[@]}" --random 400 --seed 7 --profile "$p" --stall-prob 0.3 --bubble-prob 0.2)
      expect_rc "$rc" 0
      expect_text "up to date in $cache/hif4_fifo_dut-"
      expect_text "mode        transaction-level: no probe ports"
      expect_text "400 in, 400 out (of 400)"
      expect_text "400 passed, 0 failed"
      # The latency really varies (the point of this design).
      read -r lo hi < <(sed -n 's/^  latency     \([0-9]*\)\.\.\([0-9]*\) edges.*/\1 \2/p' "$out")
      [ "${lo:-0}" -ge 4 ] && [ "${hi:-0}" -gt "$((lo + 10))" ] && pass || fail "latency $lo..$hi does not vary"
    done
    rc=$(run "${fifo[@]}" --random 300 --seed 3 --profile cann --set payload-rounding=stochastic --sr-seed 99 \
      --stall-prob 0.5)
    expect_rc "$rc" 0
    expect_text "300 passed, 0 failed"
    # Two vector files of different configurations back to back: the cfg ports change between
    # blocks while earlier blocks are still inside the design.
    "$hif4" gen --suite all --level 1 --count 30 --profile gcc --seed 4 --out "$work/v.hif4v" >/dev/null \
      || fail "hif4 gen failed"
    "$hif4" gen --suite all --level 1 --count 30 --profile pto --set payload-rounding=stochastic --sr-seed 9 \
      --seed 5 --out "$work/w.hif4v" >/dev/null || fail "hif4 gen failed"
    rc=$(run "${fifo[@]}" --vectors "$work/v.hif4v" --vectors "$work/w.hif4v" --stall-prob 0.2 --bubble-prob 0.1)
    expect_rc "$rc" 0
    [ "$(grep -c '^  coverage' "$out")" = 2 ] && pass || fail "expected one coverage line per configuration"
    grep -Eq "^[0-9]+ passed, 0 failed$" "$out" && pass || fail "vector files through the design" ;;
  fifo_drop)  # a block that never comes out is named
    rc=$(run "${fifo[@]}" --random 200 --seed 3 --stall-prob 0.3 --bubble-prob 0.2 --plusarg +hif4_drop=17)
    expect_rc "$rc" 1
    expect_text "LOST at cycle"
    expect_text "first missing: block 17 (random --seed 3, block 17"
    expect_text "199 passed, 1 failed" ;;
  fifo_duplicate)  # a block delivered twice is named
    rc=$(run "${fifo[@]}" --random 200 --seed 3 --stall-prob 0.3 --plusarg +hif4_duplicate=30)
    expect_rc "$rc" 1
    expect_text "DUPLICATE at cycle"
    expect_text "the output of block 30 (random --seed 3, block 30"
    expect_text "unexpected outputs 1"
    expect_text "200 passed, 1 failed" ;;
  fatal)  # the design stops itself: a failure naming its $fatal, not an exit of the program
    rc=$(run "${fifo[@]}" --random 100 --seed 3 --plusarg +hif4_fatal=20)
    expect_rc "$rc" 1
    expect_text "DESIGN STOPPED at cycle"
    grep -q 'hif4_fifo_dut: told to stop at block 20' "$out" && pass || fail "the design's message is not shown"
    grep -q '\$stop, \$fatal, \$error or a failed assertion at tests/sim/designs/hif4_fifo_dut.sv:[0-9]*' "$out" \
      && pass || fail "the \$fatal is not named with its place"
    expect_text ", stopped by the design 1)"
    grep -Eq "^[0-9]+ passed, [1-9][0-9]* failed$" "$out" && pass || fail "no failure counted" ;;
  faulty)  # a wrong rounding: the block, the fields and the first differing stage are named
    rc=$(run "${faulty[@]}" --suite e6m2-ties --profile cann --stall-prob 0.2 --waves "$work/waves")
    expect_rc "$rc" 1
    expect_text "mode        transaction-level"
    # The first failing block, named with its origin, then its fields and the first stage.
    block=$(sed -n 's/^  block \([0-9]*\) (suite e6m2-ties (level 1, seed 1), block \1, in_block_index \1, accepted at cycle [0-9]*)$/\1/p' "$out" | head -1)
    [ -n "$block" ] && pass || fail "no failing block named with its origin"
    cycle=$(sed -n "s/^MISMATCH at cycle \([0-9]*\): the design's output block differs from the reference model's.*/\1/p" "$out")
    [ -n "$cycle" ] && pass || fail "no MISMATCH line"
    grep -Eq "^  block $block: differs in (E6M2|E1_8|E1_16|lanes)" "$out" && pass || fail "block $block: no fields named"
    expect_text "first differing stage: "
    expect_text "replay: hif4 explain --profile cann --values "
    expect_text "replay: hif4 cosim --build-dir"
    grep -Eq "^[0-9]+ passed, [1-9][0-9]* failed$" "$out" && pass || fail "no failed blocks counted"
    # --waves: the design's every signal and the bench's markers around the first mismatch.
    expect_text "waves       $work/waves/dut.fst, $work/waves/bench.fst (cycles $((cycle - 32))..$((cycle + 8)), first mismatch at $cycle)"
    for f in dut.fst bench.fst; do [ -s "$work/waves/$f" ] && pass || fail "$f missing or empty"; done
    # The same design under a profile whose roundings the fault does not touch passes.
    rc=$(run "${faulty[@]}" --suite e6m2-ties --profile seed)
    expect_rc "$rc" 0 ;;
  hang)  # a design that takes blocks and never delivers: a hang after --timeout-cycles
    rc=$(run "${stuck[@]}" --random 10 --timeout-cycles 300)
    expect_rc "$rc" 1
    expect_text "HANG at cycle 307: no block taken or delivered in 300 cycles with out_ready high (--timeout-cycles 300)"
    expect_text "3 block(s) in flight, lost, first: block 0"
    expect_text "0 passed, 3 failed" ;;
  lockstep)  # the repository's RTL through --rtl: probes and latency 4, so the lockstep runs
    rc=$(run "${own[@]}" --random 500 --seed 4 --profile gcc --stall-prob 0.3 --bubble-prob 0.2)
    expect_rc "$rc" 0
    expect_text "SystemC model + design hif4_quantizer (--rtl rtl/hif4.f), lockstep, one clock"
    expect_text "mode        cycle-level lockstep: all 9 probe ports, first block out after 4 edges"
    expect_text "500 passed, 0 failed"
    # Every probe is compared: a flipped SystemC register bit is reported at its stage.
    rc=$(run "${own[@]}" --random 300 --seed 2 --stall-prob 0.3 --inject s2.e6m2.bit0@37)
    expect_rc "$rc" 1
    expect_text "SystemC model and DUT disagree first at stage S2"
    expect_text "block 37 ("
    expect_text "299 passed, 1 failed"
    # Its waves: the design's signals and the SystemC side, around the first mismatch.
    rc=$(run "${own[@]}" --random 300 --seed 2 --inject s2.e6m2.bit0@37 --waves "$work/waves")
    expect_rc "$rc" 1
    expect_text "waves       $work/waves/dut.fst, $work/waves/systemc.fst (cycles "
    for f in dut.fst systemc.fst; do [ -s "$work/waves/$f" ] && pass || fail "$f missing or empty"; done
    # The same design forced to the transaction level.
    rc=$(run "${own[@]}" --random 300 --seed 2 --mode transaction)
    expect_rc "$rc" 0
    expect_text "mode        transaction-level: --mode transaction"
    expect_text "300 passed, 0 failed" ;;
  errors)  # bad designs and options: exit 2 with what is wrong, never a crash
    rc=$(run --rtl $d/hif4_broken_dut.f --top hif4_broken_dut --random 1)
    expect_rc "$rc" 2
    expect_text "Verilator rejected design 'hif4_broken_dut' (--rtl $d/hif4_broken_dut.f):"
    expect_text "%Error: $d/hif4_broken_dut.sv:7:41: Can't find definition of variable: 'undeclared_signal'"
    grep -q "full log: .*/hif4_broken_dut-[0-9a-f]*/build.log" "$out" && pass || fail "no full log named"
    rc=$(run --rtl $d/hif4_narrow_dut.f --top hif4_narrow_dut --random 1)
    expect_rc "$rc" 2
    expect_text "design 'hif4_narrow_dut' does not have the ports of the contract"
    expect_text "no port cfg_non_finite (the contract: input)"
    expect_text "port out_data is output [255:0]; the contract has output [287:0]"
    rc=$(run --rtl $d/hif4_fifo_dut.f --top no_such_module --random 1)
    expect_rc "$rc" 2
    expect_text "no_such_module"
    rc=$(run --rtl "$work/missing.f" --top x --random 1); expect_rc "$rc" 2; expect_text "missing.f"
    rc=$(run --rtl $d/hif4_fifo_dut.f --random 1); expect_rc "$rc" 2; expect_text "--rtl needs --top NAME"
    rc=$(run --top hif4_fifo_dut --random 1); expect_rc "$rc" 2; expect_text "--top needs --rtl FILELIST"
    rc=$(run "${fifo[@]}" --random 1 --inject s2.e6m2.bit0); expect_rc "$rc" 2; expect_text "runs transaction-level"
    rc=$(run "${fifo[@]}" --random 1 --mode lockstep); expect_rc "$rc" 2; expect_text "needs every probe port"
    rc=$(run "${fifo[@]}" --random 1 --timeout-cycles 0); expect_rc "$rc" 2; expect_text "--timeout-cycles"
    rc=$(run "${fifo[@]}" --random 1 --plusarg hif4_drop=1); expect_rc "$rc" 2; expect_text "does not start with '+'" ;;
  cache)  # reused when nothing changed, rebuilt when a source's contents change
    mkdir -p "$work/design"
    cp $d/hif4_stuck_dut.sv "$work/design/"
    printf '+incdir+%s\n%s\n' "$src/sim/cosim/harness" "$work/design/hif4_stuck_dut.sv" >"$work/design/list.f"
    local_run() { "$hif4" cosim --build-dir "$work/cache" --rtl-opt 0 --rtl "$work/design/list.f" \
      --top hif4_stuck_dut --random 1 --timeout-cycles 20 >"$out" 2>&1; }
    local_run; expect_text "verilated and compiled in"
    local_run; expect_text "up to date in $work/cache/hif4_stuck_dut-"
    echo "// a changed comment is a changed source" >>"$work/design/hif4_stuck_dut.sv"
    local_run; expect_text "verilated and compiled in"
    local_run; expect_text "up to date in" ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
finish
