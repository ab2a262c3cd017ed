#!/usr/bin/env bash
# Fault-injection check: runs a test bench against the top built with HIF4_INJECT_FAULT and
# passes only when the bench FAILS the way a real bug would make it fail: exit status 1 and
# at least one MISMATCH line. A pass of the bench, a crash or a usage error (status 2) all
# make this test fail, so it cannot pass vacuously.
#   expect_failure.sh COMMAND [ARGS...]
set -u
source "$(dirname "$0")/../support/lib.sh"
expect 1 "$@"
tail -n 15 "$work/out"
if grep -q '^MISMATCH' "$work/out"; then
  pass "the injected fault was caught ($(grep -c '^MISMATCH' "$work/out") mismatch lines shown)"
else
  fail "no MISMATCH reported"
fi
finish
