#!/usr/bin/env bash
# Paired runs of the C reference loop (cloop.c) and interopsim's agent
# engine on the default scenario, whole processes under /usr/bin/time:
#
#   bench/cloop/run.sh [INTEROPSIM_BINARY...]
#
# builds cloop with gcc (-O3 -march=native -fopenmp), builds interopsim
# from this checkout unless binaries are given, then runs, ROUNDS times
# (default 5), cloop followed by each binary's
# `run --no-plots --agents 4M`, and prints every run and the medians:
# agent-steps per CPU-second (user + system) and per wall second, and
# each binary's ratio to cloop. interopsim's agent-steps are agents x
# (steps + warm-up steps): 4,000,000 x (260 + 26) for the flagship; cloop
# runs the same number. CPU-seconds are the headline because the machine
# is shared: wall time includes waiting for a core.
#
# Not part of the build or of CI (see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-5}
agents=4000000
steps=286 # the flagship: 260 weekly steps after a 26-week warm-up
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v gcc >/dev/null; then
	echo "run.sh: gcc is missing; on Debian: apt-get install gcc libgomp1" >&2
	exit 1
fi
gcc -O3 -march=native -fopenmp -o "$work/cloop" "$here/cloop.c" -lm
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
	(cd "$root" && go build -o "$work/interopsim" ./cmd/interopsim)
	bins=("$work/interopsim")
fi

# measure NAME CMD...: one run; prints it and appends "NAME cpu wall" to
# $work/times.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%U %S %e" -o "$work/t" "$@" >"$work/out" 2>&1
	read -r user sys wall <"$work/t"
	awk -v n="$name" -v u="$user" -v s="$sys" -v w="$wall" -v as=$((agents * steps)) \
		'BEGIN { printf "%-24s cpu %6.2f s  wall %6.2f s  %.3g agent-steps/CPU-s  %.3g agent-steps/wall-s\n", n, u + s, w, as / (u + s), as / w }'
	echo "$name $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $wall" >>"$work/times"
}

export OMP_WAIT_POLICY=passive # no spinning threads charged as CPU time
for i in $(seq "$rounds"); do
	measure cloop "$work/cloop" "$agents" "$steps"
	for b in "${bins[@]}"; do
		measure "$b" "$b" run --no-plots --agents 4M -q --out "$work/run" --force
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/times" | median; }
c_cpu=$(col cloop 2)
c_wall=$(col cloop 3)
echo "medians of $rounds rounds, $((agents * steps)) agent-steps a run:"
for n in cloop "${bins[@]}"; do
	awk -v n="$n" -v gc="$(col "$n" 2)" -v gw="$(col "$n" 3)" -v cc="$c_cpu" -v cw="$c_wall" -v as=$((agents * steps)) 'BEGIN {
		printf "%-24s %.3g agent-steps/CPU-s  %.3g agent-steps/wall-s  ratio to cloop: %.2f per CPU-s, %.2f per wall s\n", n, as / gc, as / gw, cc / gc, cw / gw
	}'
done
