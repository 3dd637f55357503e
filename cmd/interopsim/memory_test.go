package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// TestMemoryAdvice checks that a refused job names what takes most of
// its memory and the flag that lowers it, and nothing that cannot help.
// Every job needs far more than the 1 GiB it is given, so none runs.
func TestMemoryAdvice(t *testing.T) {
	dir := t.TempDir()
	fakeMemory(t, "MemAvailable: 1048576 kB\n", "") // 1 GiB, no cgroup limit

	long := filepath.Join(dir, "long.yaml")
	src := strings.Replace(string(readFile(t, tiny)), "end: 2024-03-01\nstep: week", "duration: 100000d\nstep: day", 1)
	if err := os.WriteFile(long, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"replicates", []string{"run", scenarios.Default, "--runs", "100000", "--agents", "8"},
			[]string{"not enough memory: the run needs about ", "and 1.0 GiB is available (at most 90% may be used): 100,000 replicates keep their values in memory until the end (", " each): use fewer --runs (about "},
			[]string{"--agents", "meanfield"}},
		{"compare replicates", []string{"compare", scenarios.Default, "--runs", "100000", "--agents", "8"},
			[]string{"100,000 replicates keep their values in memory until the end (", "use fewer --runs (about "},
			[]string{"--agents", "meanfield"}},
		{"agents", []string{"run", tiny, "--agents", "2b"},
			[]string{"2,000,000,000 agents take ", ": lower --agents (about ", " fit), or use --engine counts (the same law) or meanfield, whose memory does not grow with the agents"},
			[]string{"--runs", "replicates"}},
		{"agents of replicates", []string{"run", tiny, "--agents", "2b", "--runs", "3"},
			[]string{"2,000,000,000 agents take ", "or use --engine counts (the same law) or meanfield, whose memory does not grow with the agents (it runs one replicate: leave --runs out)"},
			[]string{"fewer --runs"}},
		{"steps", []string{"run", long, "--agents", "3", "--force"}, // past the typo check
			[]string{"and 256.0 MiB is available", "the 100,000 steps of the horizon take ", ": shorten the scenario's horizon (end or duration) or use a longer step"},
			[]string{"--agents", "--runs", "meanfield"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "steps" {
				// The tiny world's 100,000 steps, the most a scenario may
				// have, need less than 1 GiB.
				fakeMemory(t, "MemAvailable: 262144 kB\n", "")
			}
			out := filepath.Join(dir, "out-"+tc.name)
			code, _, stderr := cli(t, append(tc.args, "--out", out, "-q", "--no-plots")...)
			if code != exitFailure {
				t.Errorf("got exit %d, want %d: %s", code, exitFailure, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr %q has %q", stderr, w)
				}
			}
			checkNothingWritten(t, out)
		})
	}
}

// TestEstimateMemory checks that the parts of the estimate are parts of
// it and follow what they count: a replicate more adds perRun. (The
// flagship's heap is above the collector's least, which a tiny world's
// replicates fill without adding to it.)
func TestEstimateMemory(t *testing.T) {
	sc, err := scenarios.Load(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sc.Config
	for _, job := range []memoryJob{
		{runs: 3}, {runs: 20}, {runs: 20, compare: true}, {runs: 20, keepRuns: true},
		{runs: 20, compare: true, keepRuns: true, plots: true}, {calibrate: true, workers: 2, bandRuns: 5},
	} {
		m := estimateMemory(cfg, sim.AgentBased, job)
		if m.agents+m.steps+m.replicates > m.total {
			t.Errorf("%+v: parts %d + %d + %d exceed the total %d", job, m.agents, m.steps, m.replicates, m.total)
		}
		more := job
		if job.calibrate {
			more.bandRuns++
		} else {
			more.runs++
		}
		if got := estimateMemory(cfg, sim.AgentBased, more).total - m.total; got != m.perRun {
			t.Errorf("%+v: a replicate more adds %d bytes, want perRun %d", job, got, m.perRun)
		}
	}
}

func TestRoundDown(t *testing.T) {
	for _, tc := range []struct{ n, want uint64 }{
		{0, 0}, {7, 7}, {99, 99}, {100, 100}, {1080, 1000}, {25333, 25000}, {948864760, 940000000},
	} {
		if got := roundDown(tc.n); got != tc.want {
			t.Errorf("roundDown(%d): got %d, want %d", tc.n, got, tc.want)
		}
	}
}
