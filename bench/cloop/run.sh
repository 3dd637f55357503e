#!/usr/bin/env bash
# Paired runs of the C reference loop (cloop.c) and interopsim's agent
# engine on the default scenario, whole processes under /usr/bin/time:
#
#   bench/cloop/run.sh [INTEROPSIM_BINARY [PAIRS]]
#
# builds cloop with gcc (-O3 -march=native -fopenmp), builds interopsim
# from this checkout unless a binary is given, then alternates
# cloop / interopsim PAIRS times (default 5) and prints, for each run and
# as medians, agent-steps per CPU-second (user + system) and per wall
# second. interopsim's agent-steps are agents x (steps + warm-up steps):
# 4,000,000 x (260 + 26) for the flagship; cloop runs the same number.
# CPU-seconds are the headline because the machine is shared: wall time
# includes waiting for a core.
#
# Not part of the build or of CI (see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-}
pairs=${2:-5}
agents=4000000
steps=286 # the flagship: 260 weekly steps after a 26-week warm-up
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v gcc >/dev/null; then
	echo "run.sh: gcc is missing; on Debian: apt-get install gcc libgomp1" >&2
	exit 1
fi
gcc -O3 -march=native -fopenmp -o "$work/cloop" "$here/cloop.c" -lm
if [ -z "$bin" ]; then
	(cd "$root" && go build -o "$work/interopsim" ./cmd/interopsim)
	bin=$work/interopsim
fi

# measure NAME CMD...: one run, appends "NAME cpu wall" to $work/times.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%U %S %e" -o "$work/t" "$@" >"$work/out" 2>&1
	read -r user sys wall <"$work/t"
	awk -v n="$name" -v u="$user" -v s="$sys" -v w="$wall" -v as=$((agents * steps)) \
		'BEGIN { printf "%-10s cpu %6.2f s  wall %6.2f s  %.3g agent-steps/CPU-s  %.3g agent-steps/wall-s\n", n, u + s, w, as / (u + s), as / w }'
	echo "$name $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $wall" >>"$work/times"
}

export OMP_WAIT_POLICY=passive # no spinning threads charged as CPU time
for i in $(seq "$pairs"); do
	measure cloop "$work/cloop" "$agents" "$steps"
	measure interopsim "$bin" run --no-plots --agents 4M -q --out "$work/run" --force
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
c_cpu=$(awk '$1 == "cloop" { print $2 }' "$work/times" | median)
c_wall=$(awk '$1 == "cloop" { print $3 }' "$work/times" | median)
g_cpu=$(awk '$1 == "interopsim" { print $2 }' "$work/times" | median)
g_wall=$(awk '$1 == "interopsim" { print $3 }' "$work/times" | median)
awk -v cc="$c_cpu" -v cw="$c_wall" -v gc="$g_cpu" -v gw="$g_wall" -v as=$((agents * steps)) -v p="$pairs" 'BEGIN {
	printf "medians of %d pairs, %d agent-steps each:\n", p, as
	printf "cloop      %.3g agent-steps/CPU-s  %.3g agent-steps/wall-s\n", as / cc, as / cw
	printf "interopsim %.3g agent-steps/CPU-s  %.3g agent-steps/wall-s\n", as / gc, as / gw
	printf "interopsim / cloop: %.2f per CPU-second, %.2f per wall second\n", cc / gc, cw / gw
}'
