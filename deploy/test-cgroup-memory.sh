#!/bin/sh
# test-cgroup-memory.sh checks that interopsim refuses at once, with exit
# 1 and a message naming the limit, a job that does not fit a 1 GiB
# cgroup memory limit (cmd/interopsim/testdata/huge.yaml needs about
# 1.6 GiB), instead of starting it and being killed by the out-of-memory
# killer. The limit is set by the first of these that works here:
#
#   systemd-run --user --scope -p MemoryMax=1G, then without --user
#   docker run --memory 1g (the binary built static and mounted; IMAGE,
#     default alpine, must be pullable or present)
#   a child of this shell's cgroup in a writable cgroup v2 tree (root)
#
# If the check failed to refuse, the job would be killed inside its limit,
# never by the machine's. Usage, from anywhere in the repository:
#
#   deploy/test-cgroup-memory.sh          # or METHOD=docker, METHOD=cgroupfs
#
# go test ./cmd/interopsim -run TestRefusalUnderCgroupLimit does the same
# when the tests run under such a limit or systemd-run works.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -z "${child:-}" ] || rmdir "$child" 2>/dev/null || true' EXIT
CGO_ENABLED=0 go build -o "$work/interopsim" ./cmd/interopsim
cp cmd/interopsim/testdata/huge.yaml "$work/"
job="run /work/huge.yaml --out /work/out -q --no-plots"
method=${METHOD:-}

# run_limited runs interopsim's job under a 1 GiB limit; stderr goes to
# $work/stderr. It returns 125 if it could not set the limit.
run_limited() {
	case $1 in
	systemd-user | systemd)
		flag=; [ "$1" = systemd-user ] && flag=--user
		systemd-run $flag --scope --quiet -p MemoryMax=1G true 2>/dev/null || return 125
		systemd-run $flag --scope --quiet -p MemoryMax=1G "$work/interopsim" $(echo "$job" | sed "s|/work|$work|g") 2>"$work/stderr"
		;;
	docker)
		docker info >/dev/null 2>&1 || return 125
		docker run --rm --memory 1g --memory-swap 1g -v "$work:/work" "${IMAGE:-alpine}" /work/interopsim $job 2>"$work/stderr"
		;;
	cgroupfs)
		[ -f /sys/fs/cgroup/cgroup.controllers ] || return 125
		own=$(sed -n 's/^0:://p' /proc/self/cgroup)
		child=/sys/fs/cgroup$own/interopsim-test-$$
		mkdir "$child" 2>/dev/null || return 125
		echo 1G >"$child/memory.max" 2>/dev/null || return 125
		sh -c "echo \$\$ >'$child/cgroup.procs' && exec '$work/interopsim' $(echo "$job" | sed "s|/work|$work|g")" 2>"$work/stderr"
		;;
	esac
}

for m in ${method:-systemd-user systemd docker cgroupfs}; do
	start=$(date +%s)
	set +e
	run_limited "$m"
	code=$?
	set -e
	[ "$code" = 125 ] && continue
	wall=$(($(date +%s) - start))
	echo "under a 1 GiB limit ($m): exit $code after ${wall}s: $(cat "$work/stderr")"
	if [ "$code" != 1 ] || ! grep -q "under the container's memory limit of 1.0 GiB" "$work/stderr" || [ "$wall" -gt 5 ]; then
		echo "FAIL: want exit 1 at once, naming the container's memory limit of 1.0 GiB" >&2
		exit 1
	fi
	echo PASS
	exit 0
done
echo "no way to set a 1 GiB cgroup memory limit here (tried: ${method:-systemd-user systemd docker cgroupfs})" >&2
exit 2
