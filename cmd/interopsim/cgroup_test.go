package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCgroupLimit reads the fake cgroup trees of testdata/cgroup:
// each case holds a /proc/self/cgroup file (cgroup) and the mounted
// hierarchies (fs).
func TestReadCgroupLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name  string
		ok    bool
		group string
		limit uint64
		used  uint64
	}{
		{"v2", true, "/system.slice/job.scope", 1024 * mib, 96 * mib},
		{"v2-nested", true, "/a", 512 * mib, 300 * mib},
		{"v2-max", false, "", 0, 0},
		{"v1", true, "/docker/abc", 2048 * mib, 768 * mib},
		{"v1-unlimited", false, "", 0, 0},
		{"v1-container", true, "/", 1024 * mib, 0},
		{"hybrid", true, "/job", 1024 * mib, 512 * mib},
		{"garbage", false, "", 0, 0},
		{"garbage-usage", true, "/a", 1024 * mib, 0},
		{"missing", false, "", 0, 0},
		{"no cgroup file", false, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "cgroup", tc.name)
			got, ok := readCgroupLimit(filepath.Join(dir, "cgroup"), filepath.Join(dir, "fs"))
			if ok != tc.ok {
				t.Fatalf("got ok %v (%+v), want %v", ok, got, tc.ok)
			}
			want := cgroupLimit{group: tc.group, limit: tc.limit, used: tc.used, free: tc.limit - tc.used}
			if ok && got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// fakeMemory points the memory check at meminfo (the content of a
// /proc/meminfo) and at the cgroup tree testdata/cgroup/<cgroup> ("" for
// none) for the rest of the test.
func fakeMemory(t *testing.T, meminfo, cgroup string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "meminfo")
	if err := os.WriteFile(file, []byte(meminfo), 0o644); err != nil {
		t.Fatal(err)
	}
	oldInfo, oldSelf, oldRoot := meminfoPath, cgroupPath, cgroupRoot
	t.Cleanup(func() { meminfoPath, cgroupPath, cgroupRoot = oldInfo, oldSelf, oldRoot })
	meminfoPath = file
	cgroupPath, cgroupRoot = filepath.Join(t.TempDir(), "no-cgroup"), t.TempDir()
	if cgroup != "" {
		dir, err := filepath.Abs(filepath.Join("testdata", "cgroup", cgroup))
		if err != nil {
			t.Fatal(err)
		}
		cgroupPath, cgroupRoot = filepath.Join(dir, "cgroup"), filepath.Join(dir, "fs")
	}
}

// TestCgroupRefusal checks that a job that fits the machine but not its
// container's limit is refused, naming the limit, and that the tighter
// of MemAvailable and the limit applies.
func TestCgroupRefusal(t *testing.T) {
	long := filepath.Join("testdata", "long.yaml") // needs about 1.4 GiB
	for _, tc := range []struct {
		name, meminfo, cgroup string
		code                  int
		want                  string
	}{
		{"container limit", "MemAvailable: 64000000 kB\n", "v2", exitFailure,
			"is available under the container's memory limit of 1.0 GiB (cgroup /system.slice/job.scope, 96.0 MiB in use; at most 90% may be used): the 27,759 steps of the horizon take "},
		{"v1 limit", "MemAvailable: 64000000 kB\n", "v1-container", exitFailure,
			"and 1.0 GiB is available under the container's memory limit of 1.0 GiB (cgroup /, 0 B in use"},
		{"machine tighter", "MemAvailable: 262144 kB\n", "v1", exitFailure,
			"and 256.0 MiB is available (at most 90% may be used)"},
		{"no limit", "MemAvailable: 64000000 kB\n", "v2-max", exitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeMemory(t, tc.meminfo, tc.cgroup)
			out := filepath.Join(t.TempDir(), "out")
			args := []string{"run", long, "--out", out, "-q", "--no-plots"}
			if tc.code == exitOK {
				args = append(args, "--agents", "3") // and a short horizon: run it
				args[1] = tiny
			}
			code, _, stderr := cli(t, args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
			if tc.code != exitOK {
				checkNothingWritten(t, out)
			}
		})
	}
}
