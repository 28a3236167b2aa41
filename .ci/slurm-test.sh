#!/usr/bin/env bash
# Test docs/cluster.md's recipes as written, on a real one-node Slurm cluster
# and with GNU parallel: an array of 4 slices plus the dependent merge (and 4
# parallel slices) must give the same bytes as one `chainmesh run`.
#
# Run as root from the repository root:  .ci/slurm-test.sh
# Installs slurm-wlm, munge and parallel with apt-get when missing, starts
# munged, slurmctld and slurmd with a private configuration under a temporary
# folder (SLURM_CONF; nothing in /etc is changed), and stops them at the end.
# Skips (exit 0, loudly) only when the packages cannot be installed.
# Set CHAINMESH to the binary to test (default: target/debug/chainmesh).
set -euo pipefail

repo=$(pwd)
[ -f docs/cluster.md ] || { echo "run from the repository root" >&2; exit 1; }
bin=${CHAINMESH:-$repo/target/debug/chainmesh}
if [ ! -x "$bin" ]; then
  cargo build --quiet --bin chainmesh
fi
bindir=$(cd "$(dirname "$bin")" && pwd)
export PATH="$bindir:$PATH"

skip() {
  echo "##############################################################" >&2
  echo "SKIPPED: $*" >&2
  echo "##############################################################" >&2
  exit 0
}

# --- install -------------------------------------------------------------
need=()
for c in sbatch slurmctld slurmd munged parallel; do
  command -v "$c" > /dev/null || need+=("$c")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || skip "need root to install slurm-wlm munge parallel (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q slurm-wlm munge parallel; } > /tmp/slurm-test-apt.log 2>&1; then
    tail -5 /tmp/slurm-test-apt.log >&2
    skip "cannot install slurm-wlm munge parallel with apt-get (log: /tmp/slurm-test-apt.log)"
  fi
fi
[ "$(id -u)" = 0 ] || skip "the one-node cluster runs its daemons as root; run this script as root"

# --- the recipes, extracted from docs/cluster.md ----------------------------
# The lines of the ```sh block after a marker comment, with the `export`
# line's numbers made small.
recipe() {
  awk -v m="$1" '
    index($0, m) { found = 1; next }
    found && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }
  ' "$repo/docs/cluster.md"
}
small_export='export SCENARIO=agriculture SEED=42 TRIALS=2000 SLICES=4'
slurm_recipe=$(recipe '<!-- slurm-recipe' | sed "s/^export SCENARIO=.*/$small_export/")
parallel_recipe=$(recipe '<!-- parallel-recipe' | sed "s/^export SCENARIO=.*/$small_export/")
[ -n "$slurm_recipe" ] || { echo "FAIL: no slurm-recipe block in docs/cluster.md" >&2; exit 1; }
[ -n "$parallel_recipe" ] || { echo "FAIL: no parallel-recipe block in docs/cluster.md" >&2; exit 1; }
grep -q '^export SCENARIO=agriculture SEED=42 TRIALS=2000 SLICES=4$' <<< "$slurm_recipe"
grep -q '^export SCENARIO=agriculture SEED=42 TRIALS=2000 SLICES=4$' <<< "$parallel_recipe"

work=$(mktemp -d /tmp/chainmesh-slurm.XXXXXX)
expected="$work/expected.json"
chainmesh run agriculture --seed 42 --trials 2000 --format json --quiet --out "$expected"

# --- one-node cluster -------------------------------------------------------
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  # slurmctld saves its state before it exits: wait (at most 10 s).
  for _ in $(seq 100); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2> /dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
}
trap cleanup EXIT

host=$(hostname -s)
d="$work/slurm"
mkdir -p "$d/state" "$d/spool" "$d/munge"
chmod 700 "$d/munge"
dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$d/munge/munge.key"
sock="$d/munge/munge.socket.2"
munged --force --socket="$sock" --key-file="$d/munge/munge.key" \
  --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" \
  --seed-file="$d/munge/munged.seed"
for _ in $(seq 50); do [ -s "$d/munge/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$d/munge/munged.pid")")

export SLURM_CONF="$d/slurm.conf"
cat > "$SLURM_CONF" << EOF
ClusterName=chainmesh-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
MailProg=/bin/true
# The sbatch file asks for 4 CPUs and 2G: declare them (config_overrides).
NodeName=$host CPUs=4 RealMemory=8192 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# Daemons fork and write their pid files a moment later.
started() {
  for _ in $(seq 100); do [ -s "$1" ] && { pids+=("$(cat "$1")"); return; }; sleep 0.1; done
  echo "FAIL: $1 never appeared" >&2
  tail -20 "$d"/*.log >&2
  exit 1
}
slurmctld -i
started "$d/slurmctld.pid"
slurmd
started "$d/slurmd.pid"
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %t 2> /dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
if [ "$state" != idle ]; then
  echo "FAIL: the node did not come up (state '$state')" >&2
  tail -20 "$d/slurmctld.log" "$d/slurmd.log" >&2
  exit 1
fi

# --- Slurm recipe, literally ------------------------------------------------
mkdir -p "$work/slurm-run/docs"
cp "$repo/docs/chainmesh.sbatch" "$work/slurm-run/docs/"
cd "$work/slurm-run"
echo "--- running docs/cluster.md's Slurm recipe:"
echo "$slurm_recipe"
merge_job=$(bash -euo pipefail -c "$slurm_recipe" | tail -1)
[[ "$merge_job" =~ ^[0-9]+$ ]] || { echo "FAIL: no merge job id (got '$merge_job')" >&2; exit 1; }
for _ in $(seq 300); do
  [ -z "$(squeue -h -j "$merge_job" 2> /dev/null)" ] && break
  reason=$(squeue -h -j "$merge_job" -o %r 2> /dev/null || true)
  if [ "$reason" = DependencyNeverSatisfied ]; then
    echo "FAIL: the merge waits forever (DependencyNeverSatisfied); task logs:" >&2
    cat chainmesh-*.out >&2 || true
    exit 1
  fi
  sleep 1
done
if [ -n "$(squeue -h -j "$merge_job" 2> /dev/null)" ]; then
  echo "FAIL: the merge job did not finish in 5 minutes" >&2
  squeue >&2
  exit 1
fi
ls parts/part-{0,1,2,3}.json > /dev/null
cmp result.json "$expected"
echo "ok: Slurm array of 4 slices + dependent merge == one run ($(wc -c < result.json) bytes)"

# --- GNU parallel recipe, literally ----------------------------------------
mkdir -p "$work/parallel-run"
cd "$work/parallel-run"
echo "--- running docs/cluster.md's GNU parallel recipe:"
echo "$parallel_recipe"
bash -euo pipefail -c "$parallel_recipe" < /dev/null
ls parts/part-{0,1,2,3}.json > /dev/null
cmp result.json "$expected"
echo "ok: GNU parallel, 4 slices + merge == one run ($(wc -c < result.json) bytes)"
rm -rf "$work"
