#!/usr/bin/env bash
# Submit an interopsim sweep to Slurm: a job array of SHARDS tasks, one
# shard each, and the merge as a job that depends on all of them.
#
#   SHARDS=8 SCENARIO=taobao-wechat-pay SWEEP_ROOT=/shared/sweeps/gamma \
#     SWEEP_ARGS="--vary behaviour.gamma=0.5:2:16 --runs 5" deploy/slurm/submit.sh [sbatch flags...]
#
# Extra arguments go to both sbatch calls (--partition, --mem, --time...).
# It prints the two job ids: the array's, then the merge's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${SHARDS:?set SHARDS}" "${SCENARIO:?set SCENARIO}" "${SWEEP_ROOT:?set SWEEP_ROOT}"
mkdir -p "$SWEEP_ROOT"
export SCENARIO SWEEP_ROOT SHARDS SWEEP_ARGS="${SWEEP_ARGS:-}" INTEROPSIM="${INTEROPSIM:-interopsim}"
array=$(sbatch --parsable --array="1-$SHARDS" --chdir="$SWEEP_ROOT" --export=ALL "$@" "$here/sweep.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --chdir="$SWEEP_ROOT" --export=ALL "$@" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
