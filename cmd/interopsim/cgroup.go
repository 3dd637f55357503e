package main

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"strconv"
	"strings"
)

// Where the cgroup limits are read: tests point these at fake trees.
var (
	// cgroupPath is the file that names the process's cgroups, in the
	// format of /proc/self/cgroup.
	cgroupPath = "/proc/self/cgroup"
	// cgroupRoot is where the cgroup file systems are mounted: version 2
	// at the root (or at unified/ on hybrid systems), version 1's memory
	// controller at memory/.
	cgroupRoot = "/sys/fs/cgroup"
)

// cgroupLimit is the tightest memory limit of the cgroups a process is
// in, and what it leaves.
type cgroupLimit struct {
	// group is the cgroup whose limit binds, as /proc/self/cgroup names
	// it (a parent of the process's own cgroup if its limit is tighter).
	group string
	// limit and used are that cgroup's limit and its usage, less the
	// page cache it may reclaim (inactive_file in memory.stat); free is
	// limit less used.
	limit, used, free uint64
}

// unlimited is the smallest figure cgroup v1 memory.limit_in_bytes
// holds that means no limit (it reads 9223372036854771712 when unset).
const unlimited = 1 << 62

// readCgroupLimit returns the tightest memory limit of the cgroups that
// self (a file in the format of /proc/self/cgroup) names, under root:
// cgroup v2's memory.max and memory.current, v1's
// memory.limit_in_bytes and memory.usage_in_bytes, in the process's
// cgroup and in each of its parents up to the root, since every one of
// them applies. A limit of "max" or above unlimited is no limit; a
// cgroup whose limit is missing or not a number is skipped. It reports
// false when no limit applies or none could be read.
func readCgroupLimit(self, root string) (cgroupLimit, bool) {
	data, err := os.ReadFile(self)
	if err != nil {
		return cgroupLimit{}, false
	}
	var best cgroupLimit
	found := false
	consider := func(l cgroupLimit, ok bool) {
		if ok && (!found || l.free < best.free) {
			best, found = l, true
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		// hierarchy-ID:controller-list:cgroup-path
		id, rest, ok1 := strings.Cut(sc.Text(), ":")
		controllers, group, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 || !strings.HasPrefix(group, "/") {
			continue
		}
		switch {
		case id == "0" && controllers == "":
			base := root
			if _, err := os.Stat(path.Join(root, "cgroup.controllers")); err != nil {
				base = path.Join(root, "unified") // hybrid: v1 and v2 side by side
			}
			consider(walkCgroups(base, group, "memory.max", "memory.current", "inactive_file"))
		case hasController(controllers, "memory"):
			consider(walkCgroups(path.Join(root, "memory"), group, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"))
		}
	}
	return best, found
}

// hasController reports whether the comma-separated list holds c.
func hasController(list, c string) bool {
	for _, x := range strings.Split(list, ",") {
		if x == c {
			return true
		}
	}
	return false
}

// walkCgroups returns the tightest limit from group up to the root of
// the hierarchy mounted at base, reading the limit, usage and memory.stat
// files of each cgroup (inactive is memory.stat's reclaimable cache).
// A container often sees its own cgroup as the root, so that a group
// named from outside it is missing: missing cgroups are skipped.
func walkCgroups(base, group, limitFile, usageFile, inactive string) (cgroupLimit, bool) {
	var best cgroupLimit
	found := false
	for g := path.Clean(group); ; g = path.Dir(g) {
		dir := path.Join(base, g)
		if limit, ok := readCgroupNumber(path.Join(dir, limitFile)); ok && limit < unlimited {
			used, _ := readCgroupNumber(path.Join(dir, usageFile))
			used -= min(used, statField(path.Join(dir, "memory.stat"), inactive))
			l := cgroupLimit{group: g, limit: limit, used: used, free: limit - min(limit, used)}
			if !found || l.free < best.free {
				best, found = l, true
			}
		}
		if g == "/" {
			return best, found
		}
	}
}

// readCgroupNumber reads a file holding one number of bytes; "max"
// reads as no limit.
func readCgroupNumber(file string) (uint64, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return unlimited, true
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// statField returns the value of key in a memory.stat file, or 0.
func statField(file, key string) uint64 {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == key {
			n, err := strconv.ParseUint(f[1], 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return 0
}
