package main

import (
	"fmt"
	"slices"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// paramDrawsFile is the copy of the parameter draws file in an output
// directory, which the resolved scenario.yaml names, so that the
// directory's scenario runs again from anywhere.
const paramDrawsFile = "parameter_draws.csv"

// paramSets are the parameter sets of a job's replicates: replicate r
// runs with draw r mod K of the distribution.
type paramSets struct {
	// draws is the distribution, K the number of its draws used: the
	// first K.
	draws *scenarios.Draws
	k     int
	// source names the file as the scenario or --draws gave it.
	source string
}

// set returns the index of the parameter set of replicate run.
func (p *paramSets) set(run int) int { return run % p.k }

// info returns what summary.json records of the parameter sets.
func (p *paramSets) info() *output.ParameterDraws {
	method := p.draws.Method
	if method == "" {
		method = "unknown"
	}
	return &output.ParameterDraws{Draws: p.k, Source: p.source, SHA256: p.draws.SHA256, Method: method, Params: slices.Clone(p.draws.Names)}
}

// setupDraws checks --param-draws and --draws against sc and the other
// flags and returns the parameter sets, nil without --param-draws; it
// sets o.Runs to its default with draws (K, one replicate per set, when
// --runs is not given). A --draws file becomes sc's parameter draws.
func (o *jobOptions) setupDraws(cmd string, sc *scenarios.Scenario) (*paramSets, error) {
	if o.ParamDraws == 0 && !o.paramDrawsSet {
		if o.DrawsFile != "" {
			return nil, usagef(cmd, "--draws %s names the distribution of --param-draws K, which is missing: add --param-draws K (such as --param-draws 20)", o.DrawsFile)
		}
		return nil, nil
	}
	k := o.ParamDraws
	if k < 1 {
		return nil, usagef(cmd, "--param-draws %d: want at least 1 parameter set", k)
	}
	ps := &paramSets{k: k}
	if o.DrawsFile != "" {
		d, err := scenarios.LoadDraws(o.DrawsFile, &sc.Config)
		if err != nil {
			return nil, fmt.Errorf("--draws: %w", err)
		}
		sc.SetParameterDraws(d, o.DrawsFile)
		ps.draws, ps.source = d, o.DrawsFile
	} else {
		if sc.ParameterDraws == nil || sc.ParameterDraws.Set == nil {
			return nil, usagef(cmd, "--param-draws %d: scenario %s names no parameter draws; give --draws FILE (such as the draws.csv of interopsim calibrate) or add parameter_draws: FILE to the scenario", k, sc.Config.Name)
		}
		ps.draws, ps.source = sc.ParameterDraws.Set, sc.ParameterDraws.File
	}
	if n := len(ps.draws.Values); k > n {
		return nil, usagef(cmd, "--param-draws %d: %s holds %d draws; want at most %d", k, ps.source, n, n)
	}
	switch {
	case o.Engine.engine == sim.MeanField && o.runsSet && o.Runs != k:
		return nil, usagef(cmd, "--runs %d with --engine meanfield and --param-draws %d: the mean-field engine runs once per parameter set, %d runs; leave out --runs", o.Runs, k, k)
	case !o.runsSet || o.Engine.engine == sim.MeanField:
		o.Runs = k
	case o.Runs < k:
		return nil, usagef(cmd, "--runs %d is fewer than --param-draws %d: replicate r runs with parameter set r mod %d, so every set needs a replicate; give --runs %d or more (or leave it out: %d)", o.Runs, k, k, k, k)
	}
	return ps, nil
}

// withDraw returns a copy of cfg with parameter set i of ps applied
// (Config.Set, from the start of the horizon), leaving cfg unchanged.
func withDraw(cfg *sim.Config, ps *paramSets, i int) (*sim.Config, error) {
	c := cfg.Clone()
	if err := ps.draws.Apply(c, i); err != nil {
		return nil, err
	}
	return c, nil
}

// forOutput returns sc as its output directory records it: its
// parameter draws, if any, named by the copy in the directory
// (paramDrawsFile) and pinned by their SHA-256.
func forOutput(sc *scenarios.Scenario) *scenarios.Scenario {
	pd := sc.ParameterDraws
	if pd == nil || pd.Set == nil {
		return sc
	}
	c := *sc
	c.ParameterDraws = &scenarios.ParameterDraws{File: paramDrawsFile, Path: paramDrawsFile, SHA256: pd.Set.SHA256, Set: pd.Set}
	return &c
}

// drawsFiles returns the copy of sc's parameter draws file for its
// output directory, if it names one.
func drawsFiles(sc *scenarios.Scenario) []output.File {
	pd := sc.ParameterDraws
	if pd == nil || pd.Set == nil {
		return nil
	}
	return []output.File{{Name: paramDrawsFile, Write: writeBytes(pd.Set.Raw)}}
}
