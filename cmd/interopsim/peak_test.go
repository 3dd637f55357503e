package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// peakChildEnv, set, makes TestPeakChild run interopsim in this process
// with the arguments it holds (JSON) and write the process's peak
// resident size to the file named by peakFileEnv.
const (
	peakChildEnv = "INTEROPSIM_PEAK_CHILD"
	peakFileEnv  = "INTEROPSIM_PEAK_FILE"
)

// TestPeakChild is the child process of TestEstimateWithinMeasuredPeak:
// the test binary run again, running one command and recording its own
// peak (VmHWM of /proc/self/status: the high-water mark of this process's
// memory since it started, which getrusage of a child would not give,
// as it counts the memory of the parent the child was cloned from).
func TestPeakChild(t *testing.T) {
	argsJSON := os.Getenv(peakChildEnv)
	if argsJSON == "" {
		t.Skip("run by TestEstimateWithinMeasuredPeak")
	}
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runMain(context.Background(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("interopsim %v: exit %d: %s", args, code, stderr.String())
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if err := os.WriteFile(os.Getenv(peakFileEnv), []byte(strings.TrimSpace(rest)), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
}

// TestEstimateWithinMeasuredPeak runs jobs of short and long horizons
// in a child process (this test binary, see TestPeakChild) and checks
// that the memory estimate of each is within 25% of the peak resident
// memory the child measured. The horizons span 260 to 27,759 steps, so
// an estimate that misses what grows with the steps fails. It takes
// 10 to 15 s.
func TestEstimateWithinMeasuredPeak(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program on long horizons")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak resident size from /proc/self/status")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string
		engine sim.Engine
		job    memoryJob
	}{
		// The flagship world at 20,000 agents: 260 weeks, then 1,304.
		{[]string{"run", scenarios.Default, "--agents", "20000", "--no-plots"}, sim.AgentBased, memoryJob{runs: 1}},
		{[]string{"run", scenarios.Default, "--agents", "20000", "--set", "end=2047-12-30", "--no-plots"}, sim.AgentBased, memoryJob{runs: 1}},
		// The same as Parquet: the writer's buffers.
		{[]string{"run", scenarios.Default, "--agents", "20000", "--no-plots", "--table", "parquet"}, sim.AgentBased, memoryJob{runs: 1, parquet: true}},
		// The tiny world over 76 years of days (27,759 steps, 3.1
		// million values a replicate), and two replicates over 46.
		{[]string{"run", "testdata/long.yaml", "--no-plots", "--force"}, sim.AgentBased, memoryJob{runs: 1}},
		{[]string{"run", "testdata/long.yaml", "--set", "end=2070-01-01", "--runs", "2", "--no-plots", "--force"}, sim.AgentBased, memoryJob{runs: 2}},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			var opts jobOptions
			for i := 2; i+1 < len(tc.args); i++ {
				switch tc.args[i] {
				case "--agents":
					if err := opts.Agents.Set(tc.args[i+1]); err != nil {
						t.Fatal(err)
					}
				case "--set":
					if err := opts.Sets.Set(tc.args[i+1]); err != nil {
						t.Fatal(err)
					}
				}
			}
			sc, err := opts.load("run", tc.args[1])
			if err != nil {
				t.Fatal(err)
			}
			est := float64(estimateMemory(&sc.Config, tc.engine, tc.job).total) / (1 << 20)

			args, err := json.Marshal(append(tc.args, "-q", "--out", filepath.Join(dir, "out"), "--force"))
			if err != nil {
				t.Fatal(err)
			}
			peakFile := filepath.Join(dir, "peak")
			cmd := exec.Command(os.Args[0], "-test.run", "^TestPeakChild$", "-test.count", "1")
			cmd.Env = append(os.Environ(), peakChildEnv+"="+string(args), peakFileEnv+"="+peakFile)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			b, err := os.ReadFile(peakFile)
			if err != nil {
				t.Fatal(err)
			}
			kib, err := strconv.ParseFloat(strings.TrimSuffix(string(b), " kB"), 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", b, err)
			}
			peak := kib / 1024
			ratio := est / peak
			t.Logf("%d steps: measured %.1f MiB, estimate %.1f MiB, ratio %.2f (%.1f s)", sc.Config.Steps, peak, est, ratio, time.Since(start).Seconds())
			if ratio < 0.75 || ratio > 1.25 {
				t.Errorf("estimate %.1f MiB, measured peak %.1f MiB: off by %.0f%%, want within 25%%", est, peak, 100*(ratio-1))
			}
		})
	}
}
