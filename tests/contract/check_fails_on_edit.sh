#!/usr/bin/env bash
# `hif4-contract check` must fail on a stale generated file: on copies of the generated files,
# each edit below must make it exit 1 naming the file, and `write` must undo the edit; a
# missing marker line is an error (exit 2), not a pass.
# Usage: check_fails_on_edit.sh HIF4_CONTRACT SOURCE_ROOT
set -u
gen=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rtl/sva" "$tmp/docs" "$tmp/dpi" "$tmp/sim/cosim/harness"
for f in rtl/hif4_cfg_pkg.sv rtl/hif4_quantizer.sv docs/microarchitecture.md dpi/hif4_dpi_pkg.sv \
         sim/cosim/harness/hif4_contract_ports.svh rtl/sva/hif4_quantizer_sva_ports.svh \
         rtl/sva/hif4_quantizer_sva_attach.sv; do
  cp "$root/$f" "$tmp/$f"
done
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$gen" check "$tmp" >/dev/null || fail "check fails on the unedited copies"

# expect_caught FILE SED_SCRIPT: the edit changes FILE, check names it, write restores it.
expect_caught() {
  cp "$tmp/$1" "$tmp/original"
  sed -i "$2" "$tmp/$1"
  if cmp -s "$tmp/$1" "$tmp/original"; then
    fail "the edit '$2' does not apply to $1 (out of step with the generator?)"
    return
  fi
  out=$("$gen" check "$tmp")
  rc=$?
  [ $rc -eq 1 ] && grep -qF "$1 differs" <<<"$out" || fail "check after '$2' on $1: exit $rc: $out"
  "$gen" write "$tmp" >/dev/null && cmp -s "$tmp/$1" "$tmp/original" || fail "write did not restore $1"
}
expect_caught rtl/hif4_cfg_pkg.sv "s/SCALE_OVERFLOW_NAN           = 2'd1/SCALE_OVERFLOW_NAN           = 2'd0/"
expect_caught rtl/hif4_cfg_pkg.sv "/NON_FINITE_SATURATE_INF/d"
expect_caught rtl/hif4_quantizer.sv "s/logic \[1:0\]     cfg_payload_rounding/logic           cfg_payload_rounding/"
expect_caught rtl/hif4_quantizer.sv "/  output logic \[23:0\]    probe_s3_e1/d"
expect_caught docs/microarchitecture.md 's/| `cfg_non_finite` | in | 1 |/| `cfg_non_finite` | in | 2 |/'
expect_caught docs/microarchitecture.md 's/| `probe_s2_rec` | 16 |/| `probe_s2_rec` | 15 |/'
expect_caught dpi/hif4_dpi_pkg.sv 's/bit \[1:0\]  cfg_payload_rounding;/bit        cfg_payload_rounding;/'
expect_caught dpi/hif4_dpi_pkg.sv 's/HIF4_CFG_BITS = [0-9]*/HIF4_CFG_BITS = 1/'
expect_caught sim/cosim/harness/hif4_contract_ports.svh '/cfg_scale_underflow,/d'
expect_caught rtl/sva/hif4_quantizer_sva_ports.svh 's/input  logic \[23:0\]    probe_s3_e1/input  logic \[22:0\]    probe_s3_e1/'
expect_caught rtl/sva/hif4_quantizer_sva_ports.svh '/cfg_sr_seed,/d'
expect_caught rtl/sva/hif4_quantizer_sva_attach.sv '/\.probe_s2_rec /d'

sed -i '/end of the generated ports/d' "$tmp/rtl/hif4_quantizer.sv"
"$gen" check "$tmp" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "check with a marker line missing exited $rc, want 2"

[ $fails -eq 0 ] && echo "ok: the check caught every edit"
exit $((fails > 0))
