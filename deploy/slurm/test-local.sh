#!/usr/bin/env bash
# Test the Slurm deployment on a real one-node Slurm cluster on this host:
# set up munge and a cluster (slurmctld and slurmd here, one partition
# over this node, state and spool under a temporary folder), submit a
# sweep as a job array with the merge as a dependent job
# (deploy/slurm/submit.sh), wait, check the merged files byte for byte
# against the same sweep run in one process, and tear the cluster down.
#
# Needs Debian's slurm-wlm and munge (apt-get install slurm-wlm munge)
# and root (slurmd runs jobs as their user). Run from anywhere:
#   bash deploy/slurm/test-local.sh
# It stops only the daemons it started, by their pid. Exit status 0 when
# the bytes match.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
for b in slurmctld slurmd munged sbatch squeue sinfo; do
  command -v "$b" >/dev/null || { echo "test-local.sh: $b not found: apt-get install slurm-wlm munge" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "test-local.sh: run as root (slurmd must run jobs as their user)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/interopsim-slurm.XXXXXX)"
pids=()
teardown() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$tmp"
}
trap teardown EXIT

echo "== build interopsim"
mkdir -p "$tmp/bin"
(cd "$repo" && go build -o "$tmp/bin/interopsim" ./cmd/interopsim)

echo "== munge"
mkdir -p "$tmp/munge"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed"
for _ in $(seq 50); do [ -s "$tmp/munge/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/munge/munged.pid")")

echo "== slurm"
host="$(hostname -s)"
cpus="$(nproc)"
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=interopsim-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -f "$SLURM_CONF" > "$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
ready=""
for _ in $(seq 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; then ready=1; break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "test-local.sh: the node did not come up" >&2
  sinfo || true; tail -20 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" >&2 || true
  exit 1
fi
sinfo

echo "== submit: a 4-shard sweep and its merge"
export INTEROPSIM="$tmp/bin/interopsim" SCENARIO=taobao-wechat-pay SHARDS=4 SWEEP_ROOT="$tmp/sweep"
export SWEEP_ARGS="--vary behaviour.gamma=0.5:2:8 --runs 2 --set agents=5000 --set end=2025-06-30 --at 3m,6m"
read -r array merge < <("$repo/deploy/slurm/submit.sh")
echo "array job $array, merge job $merge (afterok:$array)"
for _ in $(seq 1200); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.5
done
squeue -h -j "$array,$merge" | grep -q . && { echo "test-local.sh: jobs still queued after 10 minutes" >&2; squeue; exit 1; }
cat "$SWEEP_ROOT"/interopsim-merge-*.out
[ -f "$SWEEP_ROOT/merged/results.csv" ] || {
  echo "test-local.sh: no merged results; job logs:" >&2; tail -n +1 "$SWEEP_ROOT"/*.out >&2 || true; exit 1; }

echo "== the same sweep in one process"
# shellcheck disable=SC2086
"$INTEROPSIM" sweep "$SCENARIO" $SWEEP_ARGS --out "$tmp/single" --quiet

echo "== compare"
status=0
for f in scenario.yaml baseline.yaml sweep.json points.csv results.csv outputs.csv plots/curve.png; do
  if cmp -s "$tmp/single/$f" "$SWEEP_ROOT/merged/$f"; then
    echo "same  $f ($(wc -c < "$tmp/single/$f") bytes, sha256 $(sha256sum "$tmp/single/$f" | cut -c1-16))"
  else
    echo "DIFFERENT  $f"; status=1
  fi
done
[ "$status" = 0 ] && echo "PASS: the merged Slurm sweep is byte-identical to the single-process sweep" || echo "FAIL"
exit "$status"
