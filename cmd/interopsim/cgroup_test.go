package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
	long := filepath.Join("testdata", "huge.yaml") // needs about 1.6 GiB
	for _, tc := range []struct {
		name, meminfo, cgroup string
		code                  int
		want                  string
	}{
		{"container limit", "MemAvailable: 64000000 kB\n", "v2", exitFailure,
			"is available under the container's memory limit of 1.0 GiB (cgroup /system.slice/job.scope, 96.0 MiB in use; at most 90% may be used): the 71,587 steps of the horizon take "},
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

// TestRefusalUnderCgroupLimit runs the real binary under a real 1 GiB
// cgroup memory limit with a job that needs more (testdata/huge.yaml
// needs about 1.6 GiB), and checks that it refuses at once, naming the
// limit. It needs a limit it can set: the test's own cgroup's, if it
// already runs under one of at most 2 GiB (as deploy/test-cgroup-memory.sh
// runs it), or one systemd-run makes. Otherwise it skips, naming the
// script that sets up the limit.
func TestRefusalUnderCgroupLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the binary under a cgroup limit")
	}
	var prefix []string // what runs the binary under the limit
	if cg, ok := readCgroupLimit(cgroupPath, cgroupRoot); !ok || cg.limit > 2<<30 {
		if prefix = systemdScope(); prefix == nil {
			prefix = childCgroup(t)
		}
		if prefix == nil {
			t.Skip("cannot set a cgroup memory limit here (no limit of at most 2 GiB on this process, systemd-run --scope -p MemoryMax=1G fails, and this process's memory cgroup takes no child): " +
				"deploy/test-cgroup-memory.sh runs this check under a 1 GiB limit (systemd-run, docker or a writable cgroup v2 tree)")
		}
	}
	long, err := filepath.Abs(filepath.Join("testdata", "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	args := append(prefix, binaryPath(t), "run", long, "--out", out, "-q", "--no-plots")
	cmd := exec.Command(args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailure {
		t.Fatalf("got %v after %s, %q; want exit %d", err, wall.Round(time.Millisecond), stderr.String(), exitFailure)
	}
	if want := "under the container's memory limit of "; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
	if wall > 5*time.Second {
		t.Errorf("refused after %s, want at once", wall.Round(time.Millisecond))
	}
	checkNothingWritten(t, out)
}

// systemdScope returns the command line prefix that runs a command in a
// systemd scope limited to 1 GiB, or nil if systemd-run cannot make one.
func systemdScope() []string {
	for _, prefix := range [][]string{
		{"systemd-run", "--user", "--scope", "--quiet", "-p", "MemoryMax=1G"},
		{"systemd-run", "--scope", "--quiet", "-p", "MemoryMax=1G"},
	} {
		if exec.Command(prefix[0], append(prefix[1:], "true")...).Run() == nil {
			return prefix
		}
	}
	return nil
}

// childCgroup makes a child of this process's own memory cgroup (v1 or
// v2) limited to 1 GiB, removed when the test ends, and returns the
// command line prefix that runs a command in it; nil if the cgroup file
// system does not allow it (not root, read-only, no memory controller).
func childCgroup(t *testing.T) []string {
	t.Helper()
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil
	}
	var dir, limitFile string
	for _, line := range strings.Split(strings.TrimSpace(string(self)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			dir, limitFile = filepath.Join("/sys/fs/cgroup/memory", parts[2]), "memory.limit_in_bytes"
		case parts[0] == "0" && parts[1] == "" && dir == "":
			if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
				dir, limitFile = filepath.Join("/sys/fs/cgroup", parts[2]), "memory.max"
			}
		}
	}
	if dir == "" {
		return nil
	}
	child := filepath.Join(dir, fmt.Sprintf("interopsim-test-%d", os.Getpid()))
	if os.Mkdir(child, 0o755) != nil {
		return nil
	}
	t.Cleanup(func() {
		// The refused run has exited: its cgroup is empty and can go.
		for i := 0; i < 50 && os.Remove(child) != nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
	})
	if os.WriteFile(filepath.Join(child, limitFile), []byte("1073741824"), 0o644) != nil {
		return nil
	}
	procs := filepath.Join(child, "cgroup.procs")
	prefix := []string{"sh", "-c", `echo $$ > "$0" && exec "$@"`, procs}
	// A process must be able to join it (cgroup v2 refuses, for one, a
	// child of a cgroup that holds processes and delegates memory).
	if exec.Command(prefix[0], append(prefix[1:], "true")...).Run() != nil {
		return nil
	}
	return prefix
}
