#!/usr/bin/env bash
# Co-simulation checks through the `hif4 cosim` command (which runs build/hif4-cosim).
# Usage: cosim_cli.sh HIF4_BINARY CASE [WORKDIR]
# Every case asserts on the exit status AND on what the report says, so a scoreboard that
# stopped checking (or stopped reporting) fails here.
set -u
source "$(dirname "$0")/../support/lib.sh"
hif4=$1
case_name=$2
test_name="cosim_cli.sh $case_name"
work=${3:-$work}  # CTest names a folder that outlives the run (reports, waves to look at)
mkdir -p "$work"
out="$work/$case_name.out"
fail_fast=1  # a case stops at its first failed check, with the report shown
fail_shows=$out

run() { "$hif4" cosim "$@" >"$out" 2>&1; echo $?; }
expect_rc() { if [ "$1" = "$2" ]; then pass; else fail "exit status $1, expected $2"; fi; }
expect_text() { contains "$out" "$1"; }

case "$case_name" in
  pass_stalls)  # every profile, stalls and bubbles: RTL == SystemC == model, nothing lost
    for p in $("$hif4" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }'); do
      rc=$(run --random 3000 --seed 7 --profile "$p" --stall-prob 0.3 --bubble-prob 0.3)
      expect_rc "$rc" 0
      expect_text "3000 in, 3000 out (of 3000)"
      expect_text "mismatches  0 "
      expect_text "3000 passed, 0 failed"
    done ;;
  stochastic)
    rc=$(run --random 2000 --seed 3 --profile cann --set payload-rounding=stochastic --sr-seed 12345 --stall-prob 0.2)
    expect_rc "$rc" 0
    expect_text "2000 passed, 0 failed" ;;
  inject_s2)  # a probe bit: reported at stage S2, for the right block, with a replay command
    rc=$(run --random 500 --seed 2 --stall-prob 0.3 --bubble-prob 0.2 --inject s2.e6m2.bit0@37)
    expect_rc "$rc" 1
    expect_text "disagree first at stage S2"
    expect_text "block 37 ("
    expect_text "probe_s2_e6m2"
    expect_text "replay: hif4 cosim --random 500 --seed 2"
    expect_text "499 passed, 1 failed" ;;
  inject_s3)
    rc=$(run --random 300 --seed 5 --inject s3.e1_8.bit3)
    expect_rc "$rc" 1
    expect_text "disagree first at stage S3"
    expect_text "probe_s3_e1" ;;
  inject_out)  # the output register: both the RTL comparison and the expectation catch it
    rc=$(run --random 300 --seed 5 --stall-prob 0.5 --inject out.byte5.bit2@100)
    expect_rc "$rc" 1
    expect_text "disagree first at stage S4"
    expect_text "output blocks unequal to the expectation 1,"
    expect_text "lanes differing (1): 2:"
    expect_text "299 passed, 1 failed"
    # With more reports, the expectation check names the guilty side (the SystemC model).
    rc=$(run --random 300 --seed 5 --stall-prob 0.5 --inject out.byte5.bit2@100 --max-reports 5)
    expect_rc "$rc" 1
    expect_text "output block differs from the expectation (SystemC model)" ;;
  waves_on_failure)  # --waves writes FST files around the first mismatch, and only then
    rm -rf "$work/waves_fail" "$work/waves_pass"
    rc=$(run --random 400 --seed 9 --stall-prob 0.2 --inject s1.vmax.bit14@200 --waves "$work/waves_fail")
    expect_rc "$rc" 1
    expect_text "waves       $work/waves_fail/rtl.fst"
    for f in rtl.fst systemc.fst; do
      [ -s "$work/waves_fail/$f" ] || fail "$work/waves_fail/$f missing or empty"
    done
    rc=$(run --random 100 --seed 9 --waves "$work/waves_pass")
    expect_rc "$rc" 0
    expect_text "none written: no mismatch"
    [ ! -e "$work/waves_pass/rtl.fst" ] || fail "waves written for a passing run" ;;
  vectors)  # a .hif4v file from `hif4 gen`: its blocks, configuration and expected bytes
    "$hif4" gen --suite all --level 1 --count 40 --profile gcc --seed 4 --out "$work/v.hif4v" >/dev/null \
      || fail "hif4 gen failed"
    rc=$(run --vectors "$work/v.hif4v" --stall-prob 0.25 --bubble-prob 0.25)
    expect_rc "$rc" 0
    expect_text "passed, 0 failed"
    expect_text "coverage"
    # Two files of different configurations back to back: the configuration travels down the
    # pipeline with each block, so blocks of both are in flight together at the boundary.
    "$hif4" gen --suite all --level 1 --count 40 --profile cann --set payload-rounding=stochastic \
      --sr-seed 9 --seed 5 --out "$work/w.hif4v" >/dev/null || fail "hif4 gen failed"
    rc=$(run --vectors "$work/v.hif4v" --vectors "$work/w.hif4v" --stall-prob 0.1)
    expect_rc "$rc" 0
    [ "$(grep -c '^  coverage' "$out")" = 2 ] || fail "expected one coverage line per configuration"
    expect_text "0 failed" ;;
  knob_walk)  # every knob and the SR seed change from block to block, on both designs
    rc=$(run --knob-walk 3000 --seed 11 --stall-prob 0.3 --bubble-prob 0.2)
    expect_rc "$rc" 0
    expect_text "knob-walk 3000 blocks"
    expect_text "3000 passed, 0 failed"
    # A SystemC model that decodes its configuration again only when a knob changes misses
    # the SR seed changing alone between two blocks: the walk must catch it.
    rc=$(run --knob-walk 3000 --seed 11 --stall-prob 0.3 --bubble-prob 0.2 --inject cfg.stale-seed)
    expect_rc "$rc" 1
    expect_text "disagree first at stage S4"
    expect_text "(knob-walk --seed 11, block "
    expect_text "--set payload-rounding=stochastic"
    expect_text "replay: hif4 cosim --knob-walk 3000 --seed 11"
    grep -q "output blocks unequal to the expectation [1-9]" "$out" || fail "no output block failed" ;;
  reset_full)  # resets with the pipeline full and the output stalled, on both designs
    rc=$(run --knob-walk 2000 --seed 12 --reset-every 50 --stall-prob 0.2 --bubble-prob 0.2)
    expect_rc "$rc" 0
    expect_text "reset       every 50 blocks"
    expect_text "2000 passed, 0 failed"
    # A SystemC reset that leaves the S3 valid bit set: the RTL disagrees at once, and the
    # block left in S3 comes out of the SystemC model after the reset.
    rc=$(run --random 500 --seed 12 --reset-every 50 --inject reset.keep-s3-valid --max-reports 3)
    expect_rc "$rc" 1
    expect_text "disagree first at stage S3"
    expect_text "probe_s3_valid" ;;
  bad_args)  # clear errors, exit 2
    rc=$(run --random 10 --inject s2.nothing.bit0); expect_rc "$rc" 2; expect_text "unknown field"
    rc=$(run --random 10 --stall-prob 1.5); expect_rc "$rc" 2; expect_text "--stall-prob"
    rc=$(run --vectors "$work/does-not-exist.hif4v"); expect_rc "$rc" 2; expect_text "does-not-exist.hif4v"
    rc=$(run); expect_rc "$rc" 2; expect_text "nothing to run"
    rc=$(run --knob-walk 10 --profile gcc); expect_rc "$rc" 2; expect_text "--knob-walk sets every block's knobs" ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "ok ($case_name)"
