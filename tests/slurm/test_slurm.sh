#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, from Debian's packages (munge, slurmctld, slurmd):
# configuration, keys, state and logs in a temporary folder, free ports, every daemon stopped
# at the end (also on failure). Submits a sharded regression through scripts/slurm/submit.sh
# (a job array and a dependent merge job), waits for it, and checks that the merged summary is
# the unsharded run's, that the JUnit XML and the coverage file were written, and that every
# shard ran as an array task.
#
# usage: test_slurm.sh BUILD_DIR SOURCE_DIR
# Exit status 77 (CTest: skipped), with the reason, only where the daemons cannot start here.
set -u
source "$(dirname "$0")/../support/lib.sh"
build=$1
src=$2
fail_fast=1
skip() {
  echo "SKIP: $* (the Slurm test needs munged, slurmctld and slurmd to start on this machine)"
  for f in "$work"/munged.log "$work"/slurmctld.log "$work"/slurmd.log; do
    if [ -s "$f" ]; then echo "--- $f (last lines)"; tail -n 8 "$f"; fi
  done
  exit 77
}
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/deps.sh installs munge, slurmctld, slurmd and slurm-client)"
done

# ---- the daemons, and stopping them whatever happens --------------------------------------
pids=()
on_exit() {
  # Jobs first (their processes belong to slurmd's step daemons), then the daemons we started.
  if [ -n "${SLURM_CONF:-}" ] && [ ${#pids[@]} -gt 0 ]; then
    scancel --quiet --full --user "$(id -un)" 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(squeue --noheader 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  local pid
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munge: its own key, socket and files in the temporary folder.
mkdir -p "$work/munge"
chmod 0700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
  --log-file="$work/munged.log" >>"$work/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.sock" ] || skip "munged did not start"

# slurm.conf for this node, as `slurmd -C` sees it.
node_line=$(slurmd -C 2>/dev/null | head -n 1)
[[ "$node_line" == NodeName=* ]] || skip "slurmd -C does not describe this node"
node=$(echo "$node_line" | sed 's/^NodeName=\([^ ]*\).*/\1/')
user=$(id -un)
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=hif4test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
PlugStackConfig=$work/plugstack.conf
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=hif4 Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
: >"$work/plugstack.conf"
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 100); do
  state=$(sinfo --noheader --nodes "$node" --format %t 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || skip "the node did not come up (state '${state:-none}')"
pass "one-node cluster up: $node, $(echo "$node_line" | grep -o 'CPUs=[0-9]*')"

# ---- a sharded regression through sbatch, and the unsharded run to compare with -----------
size=(--count 24 --suites "tiny non-finite peaks" --profiles "gcc cann")
out="$work/run"
if timeout 300 "$src/scripts/slurm/submit.sh" --out "$out" --shards 3 --partition hif4 --build "$build" \
     "${size[@]}" --wait >"$work/submit.log" 2>&1; then
  pass "submit.sh: the array and the merge job ran; the merge exited 0"
else
  fail_shows="$work/submit.log" fail "submit.sh --wait exited non-zero"
fi
[ "$(ls "$out"/results/row*.json | wc -l)" = 18 ] && pass "3 shards x 6 rows of results" ||
  fail "expected 18 results files: $(ls "$out/results")"
for k in 0 1 2; do
  contains "$out/logs/shard-$k.out" "hif4 shard $k/3 on $node"
done
"$src/scripts/regression.sh" --build "$build" "${size[@]}" >"$work/unsharded.txt" 2>&1 || fail "the unsharded run failed"
table() { sed -n '/^| suite/,/ passed, [0-9]* failed$/p' "$1"; }
table "$work/unsharded.txt" >"$work/unsharded.table"
table "$out/summary.txt" >"$work/merged.table"
[ -s "$work/merged.table" ] || fail "no table in the merged summary"
same "$work/unsharded.table" "$work/merged.table" "merged summary vs the unsharded run"
contains "$work/merged.table" "6 passed, 0 failed"
/usr/bin/python3 - "$out/junit.xml" <<'PY' && pass "junit.xml: 6 testcases, no failure" || fail "junit.xml"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
assert root.tag == "testsuites" and len(cases) == 6, (root.tag, len(cases))
assert not root.findall(".//failure")
PY
contains "$out/coverage.txt" "applicable bins hit"
# A shard's results lost (a task that died): the merge says which, and fails.
rm "$out"/results/row0004.*.shard-2-of-3.json
rc=0
"$src/scripts/regression.sh" --build "$build" --merge "$out/results" >"$work/lost.txt" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "shard 2 of 3 missing" "$work/lost.txt" && pass "a lost shard fails the merge" ||
  fail "a lost shard: exit $rc, $(tail -2 "$work/lost.txt")"
finish
