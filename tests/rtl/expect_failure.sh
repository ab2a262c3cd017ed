#!/usr/bin/env bash
# Fault-injection check: runs a test bench against the top built with HIF4_INJECT_FAULT and
# passes only when the bench FAILS the way a real bug would make it fail: exit status 1 and
# at least one MISMATCH line. A pass of the bench, a crash or a usage error (status 2) all
# make this test fail, so it cannot pass vacuously.
#   expect_failure.sh COMMAND [ARGS...]
set -u
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 15
if [ "$rc" -eq 0 ]; then
  echo "expect_failure: FAIL: the checks passed although a fault was injected"
  exit 1
fi
if [ "$rc" -ne 1 ]; then
  echo "expect_failure: FAIL: exit status $rc (want 1: checks failing, not a crash or usage error)"
  exit 1
fi
if ! grep -q '^MISMATCH' <<<"$out"; then
  echo "expect_failure: FAIL: exit status 1 but no MISMATCH reported"
  exit 1
fi
echo "expect_failure: PASS: the injected fault was caught ($(grep -c '^MISMATCH' <<<"$out") mismatch lines shown)"
