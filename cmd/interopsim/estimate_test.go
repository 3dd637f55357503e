package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// measuredJobs are the jobs of docs/performance.md's memory table, with
// the peak resident memory /usr/bin/time -v measured on 2 cores
// (2026-12-01, the streaming output, with Parquet linked in: no table
// of rows).
var measuredJobs = []struct {
	cmd      string // as on the command line after interopsim
	scenario string
	agents   int    // 0: the scenario's
	end      string // --set end=END; empty: the scenario's
	engine   sim.Engine
	job      memoryJob
	peakMiB  float64
}{
	{"run --no-plots", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 1}, 30},
	{"run", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 1, plots: true}, 140},
	{"run --agents 3m --no-plots", scenarios.Default, 3_000_000, "", sim.AgentBased, memoryJob{runs: 1}, 43},
	{"run --runs 20 --no-plots", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 20}, 64},
	{"run --runs 20 --keep-runs", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 20, keepRuns: true, plots: true}, 155},
	{"compare --runs 10 --no-plots", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 10, compare: true}, 68},
	{"compare --runs 10", scenarios.Default, 0, "", sim.AgentBased, memoryJob{runs: 10, compare: true, plots: true}, 227},
	{"run tiny.yaml --runs 200 --no-plots", "tiny.yaml", 0, "", sim.AgentBased, memoryJob{runs: 200}, 26},
	{"run tiny.yaml --runs 200 --keep-runs --no-plots", "tiny.yaml", 0, "", sim.AgentBased, memoryJob{runs: 200, keepRuns: true}, 27},
	{"run long.yaml --no-plots", "long.yaml", 0, "", sim.AgentBased, memoryJob{runs: 1}, 118},
	{"run long.yaml", "long.yaml", 0, "", sim.AgentBased, memoryJob{runs: 1, plots: true}, 656},
	{"run long.yaml --engine meanfield --no-plots", "long.yaml", 0, "", sim.MeanField, memoryJob{runs: 1}, 121},
	{"run long.yaml --runs 5 --keep-runs --no-plots", "long.yaml", 0, "", sim.AgentBased, memoryJob{runs: 5, keepRuns: true}, 325},
	{"compare long.yaml --engine meanfield --no-plots --at 1y", "long.yaml", 0, "", sim.MeanField, memoryJob{runs: 1, compare: true}, 170},
	{"run tiny.yaml --agents 200m --no-plots", "tiny.yaml", 200_000_000, "", sim.AgentBased, memoryJob{runs: 1}, 210},
	{"run long.yaml --runs 3 --no-plots", "long.yaml", 0, "", sim.AgentBased, memoryJob{runs: 3}, 218},
	{"run alipay-vs-wechat-2013", "alipay-vs-wechat-2013", 0, "", sim.AgentBased, memoryJob{runs: 1, plots: true}, 175},
	{"run alipay-vs-wechat-2013 --runs 10 --no-plots", "alipay-vs-wechat-2013", 0, "", sim.AgentBased, memoryJob{runs: 10}, 27},
	{"run --engine meanfield", scenarios.Default, 0, "", sim.MeanField, memoryJob{runs: 1, plots: true}, 147},
	{"calibrate calibrate/history-like.yaml", "calibrate/history-like.yaml", 0, "", sim.MeanField, memoryJob{calibrate: true, bandRuns: 5, plots: true}, 72},
	{"run --agents 20000 --no-plots", scenarios.Default, 20_000, "", sim.AgentBased, memoryJob{runs: 1}, 28},
	{"run --agents 20000 --set end=2122-08-31 --no-plots", scenarios.Default, 20_000, "2122-08-31", sim.AgentBased, memoryJob{runs: 1}, 88},
	{"run --agents 20000 --runs 4 --no-plots", scenarios.Default, 20_000, "", sim.AgentBased, memoryJob{runs: 4}, 33},
	{"run --agents 20000 --set end=2122-08-31 --runs 4 --no-plots", scenarios.Default, 20_000, "2122-08-31", sim.AgentBased, memoryJob{runs: 4}, 199},
	{"run --agents 20000 --set end=2122-08-31", scenarios.Default, 20_000, "2122-08-31", sim.AgentBased, memoryJob{runs: 1, plots: true}, 472},
	{"compare --agents 20000 --set end=2122-08-31 --runs 2 --no-plots", scenarios.Default, 20_000, "2122-08-31", sim.AgentBased, memoryJob{runs: 2, compare: true}, 203},
	{"run --agents 20000 --no-plots --table parquet", scenarios.Default, 20_000, "", sim.AgentBased, memoryJob{runs: 1, parquet: true}, 35},
	{"run --agents 20000 --set end=2042-12-08 --no-plots --table parquet", scenarios.Default, 20_000, "2042-12-08", sim.AgentBased, memoryJob{runs: 1, parquet: true}, 47},
	{"run --agents 20000 --set end=2122-08-31 --no-plots --table parquet", scenarios.Default, 20_000, "2122-08-31", sim.AgentBased, memoryJob{runs: 1, parquet: true}, 98},
	{"run long.yaml --no-plots --table parquet", "long.yaml", 0, "", sim.AgentBased, memoryJob{runs: 1, parquet: true}, 122},
}

// TestEstimateMatchesMeasured checks the estimate against the peaks
// measured: within 0.7 to 1.5 times each. The table of
// docs/performance.md is its log (go test -v -run EstimateMatches).
func TestEstimateMatchesMeasured(t *testing.T) {
	if runtime.GOMAXPROCS(0) != 2 {
		t.Logf("measured on 2 cores, running on %d: the figures' canvases differ", runtime.GOMAXPROCS(0))
	}
	for _, j := range measuredJobs {
		name := j.scenario
		if filepath.Ext(name) == ".yaml" {
			name = filepath.Join("testdata", name)
		}
		sc, err := loadScenario(name)
		if err != nil {
			t.Fatal(err)
		}
		if j.agents > 0 {
			if err := sc.SetAgents(j.agents); err != nil {
				t.Fatal(err)
			}
		}
		if j.end != "" {
			if err := sc.Apply(scenarios.Override{Name: "end", Value: j.end}); err != nil {
				t.Fatal(err)
			}
		}
		m := estimateMemory(&sc.Config, j.engine, j.job)
		got := float64(m.total) / (1 << 20)
		ratio := got / j.peakMiB
		t.Logf("| `%s` | %s | %.0f MiB | %.2f |", j.cmd, fmt.Sprintf("%.0f MiB", j.peakMiB), got, ratio)
		if ratio < 0.7 || ratio > 1.5 {
			t.Errorf("%s: estimate %.0f MiB, measured %.0f MiB: ratio %.2f, want 0.7 to 1.5", j.cmd, got, j.peakMiB, ratio)
		}
	}
}
