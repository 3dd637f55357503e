package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// errCanceled reports a job stopped by a signal before it wrote
// anything. Most callers say more (how many replicates were done, what
// was kept); its own message is for those that do not.
var errCanceled = errors.New("interrupted: " + nothingKept)

// job runs the replicates of one or more scenarios, reporting progress.
type job struct {
	ctx     context.Context
	engine  sim.Engine
	workers int
	prog    *progress
	// done counts the replicates finished, over all scenarios.
	done int
	// sets are the parameter sets of the replicates, nil for none.
	sets *paramSets
}

// replicate runs replicate run of sc with parameter set set of j.sets
// (ignored without them) and returns its result. Replicate run draws from
// the random streams of (seed, run) whatever the scenario, so replicate
// run of a scenario and of its counterfactual share every draw (common
// random numbers); seed overrides the scenario's own.
func (j *job) replicate(sc *scenarios.Scenario, seed uint64, run, set, slot int) (*sim.Result, error) {
	cfg := &sc.Config
	if j.sets != nil {
		var err error
		if cfg, err = withDraw(cfg, j.sets, set); err != nil {
			return nil, err
		}
	}
	settings := &sim.Settings{
		Engine:   j.engine,
		Workers:  j.workers,
		Run:      run,
		Progress: func(steps int) { j.prog.step(slot, steps) },
		Cancel:   func() bool { return j.ctx.Err() != nil },
	}
	res, err := sim.Run(cfg, seed, settings)
	if errors.Is(err, sim.ErrCanceled) || err == nil && j.ctx.Err() != nil {
		return nil, errCanceled
	}
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", sc.Config.Name, err)
	}
	j.done++
	return res, nil
}

// add runs a replicate (see replicate) and adds its values to rs: the
// result is dropped once they are read, and no table of its rows is
// built.
func (j *job) add(rs *output.Runs, sc *scenarios.Scenario, seed uint64, run, set, slot int) error {
	res, err := j.replicate(sc, seed, run, set, slot)
	if err != nil {
		return err
	}
	// Reading a long horizon's values takes a while: a signal must not
	// wait.
	_, err = interruptible(j.ctx, func() (struct{}, error) { return struct{}{}, rs.TakeResult(res) })
	return err
}

// ensemble runs replicates 0..runs-1 of sc with its seed, replicate r
// with parameter set r mod K of j.sets.
func (j *job) ensemble(sc *scenarios.Scenario, runs int) (*output.Runs, error) {
	var rs output.Runs
	for run := range runs {
		set := 0
		if j.sets != nil {
			set = j.sets.set(run)
		}
		if err := j.add(&rs, sc, sc.Seed, run, set, run); err != nil {
			return nil, err
		}
	}
	return &rs, nil
}
