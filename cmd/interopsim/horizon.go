package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// Horizons beyond these are surely typos (an end of 2999 for 2029):
// run, compare and validate refuse them unless --force.
const (
	maxPlausibleSteps = 100_000
	maxPlausibleYears = 200
)

// Rough costs for the estimate a refused horizon prints, measured on the
// project machine (docs/performance.md): agent-steps per second per
// core, outcome-table time per step and group, and bytes of metrics.csv
// per value.
const (
	agentStepsPerCore        = 1.5e8
	tableSecondsPerStepGroup = 1e-3
	metricsBytesPerValue     = 75
)

// checkHorizon refuses a horizon that is surely a typo, unless force,
// with what the job would cost: its time and the size of its
// metrics.csv.
func checkHorizon(cmd string, cfg *sim.Config, e sim.Engine, runs int, force bool) error {
	years := float64(cfg.Steps) * cfg.Step.Years()
	if force || (cfg.Steps <= maxPlausibleSteps && years <= maxPlausibleYears) {
		return nil
	}
	runs = max(runs, 1)
	groups := 0
	for _, r := range cfg.Regions {
		groups += len(r.Segments) * max(len(cfg.Classes), 1)
	}
	steps := float64(cfg.Steps + cfg.Warmup)
	secs := steps * float64(groups) * tableSecondsPerStepGroup
	if e == sim.AgentBased {
		secs += steps * float64(cfg.Agents()) / (agentStepsPerCore * float64(runtime.GOMAXPROCS(0)))
	}
	secs *= float64(runs)
	disk := float64(tableValues(cfg)) * metricsBytesPerValue
	return fmt.Errorf("%s %s: the horizon, %s to %s, is %s %ss (%.0f years): more than %s steps or %d years is surely a mistake in start, end or step "+
		"(it would take about %s and write about %s of %s); correct the scenario, or give --force to %s it as it is",
		cmd, cfg.Name, cfg.Start.Format(output.DateLayout), cfg.End().Format(output.DateLayout), fmtCount(float64(cfg.Steps)), cfg.Step, years,
		fmtCount(maxPlausibleSteps), maxPlausibleYears, fmtDuration(time.Duration(secs*float64(time.Second)).Round(time.Second)),
		fmtBytes(uint64(disk)), output.MetricsFile, cmd)
}
