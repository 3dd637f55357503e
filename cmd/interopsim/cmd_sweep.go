package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var sweepCommand = &command{
	name:  "sweep",
	args:  "[SCENARIO]",
	short: "run a scenario over a designed set of parameter values",
	long: `Run a scenario at every point of a design: a full factorial grid, a
Latin hypercube, a Saltelli sample for Sobol indices or Morris
trajectories, over the parameters of its sweep: section or of --vary
(which replaces them). Without SCENARIO, ` + scenarios.Default + ` is swept. Each point runs --runs replicates; replicate r of
every point draws from the random streams of (seed, r), so that two
points differ by their parameters, not by noise (common random numbers),
and the seeds never depend on the shard or the number of workers.

At each point the scenario and a baseline (by default the scenario
without its acceptance events, with the same parameters; --baseline
OTHER) run replicate by replicate, and the headline outputs are taken
as compare's effects_at.csv takes them: each acceptance event's effects at
the --at horizons after it. A scenario without an acceptance event and
without --baseline gives the headline figures at its last step.

The output directory (default out/<scenario>-sweep-<design>) holds
scenario.yaml (the scenario with its resolved sweep: section, which
'interopsim sweep out/.../scenario.yaml' runs again), points.csv (each
point's parameters), results.csv (every output of every replicate of
every point: point, replicate, event, horizon, step, date, region, metric,
entity, scenario, baseline, effect), outputs.csv (per point, the
statistics over replicates, as in effects_at.csv), sweep.json (the
sweep's identity and which points are done), summary.json and a figure:
plots/curve.png for one parameter (each output against the parameter,
band over replicates), plots/heatmap.png for two on a grid.

A sweep commits what it has done every --checkpoint and when it is
stopped (Ctrl-C): run the same command again and it resumes, running only
the points not done, and writes the same bytes as an uninterrupted sweep.
--shard I/N runs only the points p with p mod N = I-1 into its own
directory; 'interopsim merge' puts the shards together.`,
	example: `interopsim sweep taobao-wechat-pay --vary behaviour.gamma=0.5:2:7 --runs 5 --set agents=50k
interopsim sweep taobao-wechat-pay --vary behaviour.gamma=0.5:2 --vary methods.wechat_pay.appeal=0:0.6 --design saltelli --points 64
interopsim sweep my-world.yaml --shard 2/8 --out sweeps/part-2
interopsim sensitivity out/taobao-wechat-pay-sweep-saltelli`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts SweepOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runSweep(ctx, opts, args, stdout, stderr)
		}
	},
}

// SweepOptions are the flags of the sweep command.
type SweepOptions struct {
	Out      string
	Seed     seedFlag
	Agents   agentsFlag
	Workers  workersFlag
	Engine   engineFlag
	Quiet    bool
	Force    bool
	Formats  formatsFlag
	NoPlots  bool
	NoTitle  bool
	Sets     setFlag
	Vary     []string
	Design   string
	Points   int
	Levels   int
	Runs     int
	At       string
	Baseline string
	Shard    string
	// Checkpoint is the least time between two commits of the points
	// done.
	Checkpoint time.Duration
}

// AddFlags adds the sweep command's flags to fs.
func (o *SweepOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default out/<scenario>-sweep-<design>, with -shardIofN for a shard)")
	fs.Var(&o.Seed, "seed", "use the random seed `N` instead of the scenario's")
	fs.Var(&o.Agents, "agents", "simulate `N` agents in all instead of the scenario's number")
	fs.Var(&o.Workers, "workers", "use `N` worker threads; 0 uses every core (results do not depend on it)")
	fs.Var(&o.Engine, "engine", "simulate with `ENGINE`: agents, counts or meanfield")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.Force, "force", "", "replace the results of another job in the output directory (files interopsim did not write are never replaced)")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figures")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figures without titles and subtitles")
	o.Sets.register(fs)
	fs.StringArrayVar(&o.Vary, "vary", nil, "vary `PARAM=LO:HI[:N]` (N: a grid's levels), or PARAM=V1,V2,... (a grid's values); repeatable; replaces the scenario's sweep: parameters")
	fs.StringVar(&o.Design, "design", "", "the `DESIGN`: grid, lhs, saltelli or morris (default the scenario's, else grid)")
	fs.IntVar(&o.Points, "points", 0, "`N` points of an lhs, base rows of a saltelli sample (N(k+2) runs), trajectories of morris (N(k+1))")
	fs.IntVar(&o.Levels, "levels", 0, "`P` levels of a morris grid (even; default 4)")
	fs.IntVar(&o.Runs, "runs", 0, "`N` replicates per design point (default the scenario's sweep: runs, else 1)")
	fs.StringVar(&o.At, "at", output.DefaultHorizons, "take the outputs at the `HORIZONS` after each acceptance event, as compare --at")
	fs.StringVar(&o.Baseline, "baseline", "", "compare each point with the scenario `OTHER` at the same parameters instead of the scenario without its acceptance events")
	fs.StringVar(&o.Shard, "shard", "", "run only the slice `I/N` of the design points (points p with p mod N = I-1), to merge later")
	fs.DurationVar(&o.Checkpoint, "checkpoint", time.Minute, "commit the points done every `DURATION` (and on Ctrl-C), so that a stopped sweep resumes")
}

// parseShard reads --shard I/N.
func parseShard(cmd, s string) (*shardSpec, error) {
	if s == "" {
		return nil, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return nil, usagef(cmd, "--shard %s: want I/N with 1 <= I <= N, such as 3/8", s)
	}
	return &shardSpec{Index: i, Count: n}, nil
}

// parseVary reads one --vary against the scenario's parameters.
func parseVary(cfg *sim.Config, s string) (scenarios.SweepParam, error) {
	name, rng, ok := strings.Cut(s, "=")
	if !ok {
		return scenarios.SweepParam{}, fmt.Errorf("%q: want PARAM=LO:HI[:N] or PARAM=V1,V2,..., such as behaviour.gamma=0.5:2:4", s)
	}
	p, err := scenarios.ParseParam(cfg, name)
	if err != nil {
		return scenarios.SweepParam{}, err
	}
	sp := scenarios.SweepParam{Name: name, Param: p}
	num := func(t string) (float64, error) {
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, fmt.Errorf("%q: %q is not a number", s, t)
		}
		return x, scenarios.CheckValue(name, p, x)
	}
	if strings.Contains(rng, ",") {
		for _, t := range strings.Split(rng, ",") {
			x, err := num(t)
			if err != nil {
				return sp, err
			}
			sp.Values = append(sp.Values, x)
		}
		return sp, nil
	}
	parts := strings.Split(rng, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return sp, fmt.Errorf("%q: want PARAM=LO:HI[:N] or PARAM=V1,V2,...", s)
	}
	if sp.Lo, err = num(parts[0]); err != nil {
		return sp, err
	}
	if sp.Hi, err = num(parts[1]); err != nil {
		return sp, err
	}
	if !(sp.Lo < sp.Hi) {
		return sp, fmt.Errorf("%q: LO must be below HI", s)
	}
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 2 {
			return sp, fmt.Errorf("%q: N, the number of levels, must be a whole number of at least 2", s)
		}
		sp.Levels = n
	}
	return sp, nil
}

// sweepSetup is a sweep ready to run: the scenario with its resolved
// sweep, the plan and the identity.
type sweepSetup struct {
	sc, base *scenarios.Scenario
	other    string // --baseline
	plan     *design.Plan
	horizons []output.Horizon
	effects  *output.EffectPlan // nil: headline figures at the last step
	res      *sweepResult
}

// resolveSweep loads the scenario, applies the flags and returns the
// sweep to run.
func resolveSweep(opts SweepOptions, name string, shard *shardSpec) (*sweepSetup, error) {
	const cmd = "sweep"
	load := jobOptions{Seed: opts.Seed, Agents: opts.Agents, Sets: opts.Sets}
	sc, err := load.load(cmd, name)
	if err != nil {
		return nil, err
	}
	sw := scenarios.Sweep{Design: design.Grid, Runs: 1}
	if sc.Sweep != nil {
		sw = *sc.Sweep
	}
	if len(opts.Vary) > 0 {
		sw.Params = nil
		for _, v := range opts.Vary {
			p, err := parseVary(&sc.Config, v)
			if err != nil {
				return nil, usagef(cmd, "--vary: %w", err)
			}
			sw.Params = append(sw.Params, p)
		}
	}
	if len(sw.Params) == 0 {
		return nil, usagef(cmd, "scenario %s has no sweep: section: give the parameters to vary with --vary PARAM=LO:HI[:N]", sc.Config.Name)
	}
	if opts.Design != "" {
		k, err := design.ParseKind(opts.Design)
		if err != nil {
			return nil, usagef(cmd, "--design: %w", err)
		}
		sw.Design = k
	}
	if opts.Points != 0 {
		sw.Points = opts.Points
	}
	if opts.Levels != 0 {
		sw.MorrisLevels = opts.Levels
	}
	if opts.Runs != 0 {
		if opts.Runs < 1 {
			return nil, usagef(cmd, "--runs %d: want at least 1", opts.Runs)
		}
		sw.Runs = opts.Runs
	}
	if sw.Runs > 1 && opts.Engine.engine == sim.MeanField {
		return nil, usagef(cmd, "--runs %d: the mean-field engine is deterministic, every replicate would be the same; use --runs 1", sw.Runs)
	}
	if sw.Design != design.Grid && sw.Points == 0 {
		return nil, usagef(cmd, "the %s design needs --points N (or points: in the sweep: section)", sw.Design)
	}
	plan, err := design.New(sw.Plan(sc.Seed))
	if err != nil {
		return nil, usagef(cmd, "%w", err)
	}
	sc.Sweep = &sw
	horizons, err := output.ParseHorizons(opts.At)
	if err != nil {
		return nil, usagef(cmd, "--at: %w", err)
	}
	s := &sweepSetup{sc: sc, other: opts.Baseline, plan: plan, horizons: horizons}
	resolved, err := scenarios.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("resolve scenario %s: %w", sc.Config.Name, err)
	}
	id := sweepIdentity{
		Scenario: sc.Config.Name, ResolvedSHA256: output.ResolvedSHA256(resolved), Design: sw.Design.String(),
		Points: plan.Len(), Runs: sw.Runs, Seed: sc.Seed, Agents: sc.Config.Agents(), Engine: opts.Engine.engine.String(), At: opts.At,
	}
	for _, p := range sw.Params {
		id.Parameters = append(id.Parameters, p.Name)
	}
	var baseResolved []byte
	hasAcceptance := slices.ContainsFunc(sc.Config.Events, output.IsAcceptance)
	if opts.Baseline != "" || hasAcceptance {
		if s.base, err = baselineOf(sc, opts.Baseline); err != nil {
			return nil, err
		}
		if opts.Baseline == "" {
			s.base.Sweep = nil
		}
		if baseResolved, err = scenarios.Marshal(s.base); err != nil {
			return nil, fmt.Errorf("resolve baseline %s: %w", s.base.Config.Name, err)
		}
		id.Baseline, id.BaselineSHA256 = s.base.Config.Name, output.ResolvedSHA256(baseResolved)
		if s.effects, err = output.PlanEffects(&sc.Config, nil, horizons); err != nil {
			return nil, usagef(cmd, "--at: %w", err)
		}
		// A sweep parameter must exist in the baseline too.
		for _, p := range sw.Params {
			if _, err := scenarios.ParseParam(&s.base.Config, p.Name); err != nil {
				return nil, fmt.Errorf("baseline %s: %w", s.base.Config.Name, err)
			}
		}
	}
	s.res = &sweepResult{
		state:    sweepState{SchemaVersion: sweepSchema, sweepIdentity: id, Shard: shard, Done: []int{}},
		resolved: resolved, baseResolved: baseResolved, plan: plan, sc: sc,
	}
	return s, nil
}

// at returns the scenario, or its baseline, with the parameters of
// design point p, each a fresh copy.
func (s *sweepSetup) at(p int) (sc, base *scenarios.Scenario, err error) {
	fresh := func(src *scenarios.Scenario, resolved []byte) (*scenarios.Scenario, error) {
		c, err := scenarios.Parse(resolved, src.File)
		if err != nil {
			return nil, fmt.Errorf("read the resolved scenario %s again: %w", src.Config.Name, err)
		}
		for j, f := range s.plan.Design.Factors {
			param, err := scenarios.ParseParam(&c.Config, f.Name)
			if err != nil {
				return nil, err
			}
			if err := c.Config.Set(param, s.plan.X[p][j]); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	if sc, err = fresh(s.sc, s.res.resolved); err != nil {
		return nil, nil, err
	}
	if s.base == nil {
		return sc, nil, nil
	}
	if s.other == "" {
		b := sc.WithoutAcceptance()
		b.Sweep = nil
		return sc, b, nil
	}
	base, err = fresh(s.base, s.res.baseResolved)
	return sc, base, err
}

// runPoint runs every replicate of point p and returns its rows.
func (s *sweepSetup) runPoint(j *job, p, slot0 int) ([]sweepRow, error) {
	sc, base, err := s.at(p)
	if err != nil {
		return nil, err
	}
	cfg := &sc.Config
	runs := s.res.state.Runs
	per := 1
	if base != nil {
		per = 2
	}
	var rows []sweepRow
	for r := range runs {
		var one output.Runs
		if err := j.add(&one, sc, sc.Seed, r, 0, slot0+per*r); err != nil {
			return nil, err
		}
		if base == nil {
			last := cfg.Steps - 1
			for _, k := range output.HeadlineKeys(cfg) {
				v, ok := one.Lookup(last, k)
				if !ok {
					return nil, fmt.Errorf("point %d: no %s at the last step", p, k)
				}
				rows = append(rows, sweepRow{Point: p, Replicate: r, Horizon: "end", Step: last, Date: cfg.Date(last).Format(output.DateLayout),
					Region: k.Region, Metric: k.Metric, Entity: k.Entity, Scenario: output.Round(v.Mean), Baseline: nanValue, Effect: nanValue})
			}
			continue
		}
		var bone output.Runs
		if err := j.add(&bone, base, sc.Seed, r, 0, slot0+per*r+1); err != nil {
			return nil, err
		}
		diff, err := one.Difference(&bone)
		if err != nil {
			return nil, err
		}
		effs, err := output.EffectsAt(&one, &bone, diff, cfg, s.effects)
		if err != nil {
			return nil, fmt.Errorf("point %d: effects: %w", p, err)
		}
		for _, e := range effs {
			rows = append(rows, sweepRow{Point: p, Replicate: r, Event: e.EventName, Horizon: e.Horizon, Step: e.Step,
				Date: e.Date.Format(output.DateLayout), Region: e.Key.Region, Metric: e.Key.Metric, Entity: e.Key.Entity,
				Scenario: output.Round(e.Scenario), Baseline: output.Round(e.Baseline), Effect: output.Round(e.Effect)})
		}
	}
	return rows, nil
}

// testHookPointDone, when set (by tests), is called after each point.
var testHookPointDone func(point int)

// runSweep runs the sweep command.
func runSweep(ctx context.Context, opts SweepOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return usagef("sweep", "want at most one scenario, got %d: %v", len(args), args)
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	shard, err := parseShard("sweep", opts.Shard)
	if err != nil {
		return err
	}
	if opts.Checkpoint <= 0 {
		return usagef("sweep", "--checkpoint %s: want a positive duration such as 30s or 5m", opts.Checkpoint)
	}
	s, err := resolveSweep(opts, name, shard)
	if err != nil {
		return err
	}
	st := &s.res.state
	cfg := &s.sc.Config
	if err := checkMemory(cfg, opts.Engine.engine, memoryJob{runs: 1, compare: s.base != nil, plots: !opts.NoPlots}); err != nil {
		return err
	}
	dir := opts.Out
	if dir == "" {
		v := "-sweep-" + st.Design
		if shard != nil {
			v += fmt.Sprintf("-shard%dof%d", shard.Index, shard.Count)
		}
		dir = defaultOut(cfg.Name + v)
	}
	mayWrite := []string{output.SummaryFile, output.ScenarioFile, output.BaselineScenarioFile, sweepFile, pointsFile, resultsFile, outputsFile}
	for _, f := range sweepFigureNames {
		for _, format := range opts.Formats.list() {
			mayWrite = append(mayWrite, output.PlotsDir+"/"+f+"."+format)
		}
	}
	out, err := prepareOut(dir, sweepJob(st, s.sc.File), mayWrite, opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()

	// Resume: the points an interrupted sweep of the same identity
	// committed.
	done := map[int][]sweepRow{}
	if prev, rows, err := readSweepDir(out.Path); err == nil && prev.sweepIdentity.same(&st.sweepIdentity) {
		if !sameShard(prev.Shard, shard) && !opts.Force {
			out.Close()
			what := "the whole sweep"
			if prev.Shard != nil {
				what = "shard " + prev.Shard.String()
			}
			return fmt.Errorf("output directory %s holds %s of this sweep, which this one would replace: give each shard its own --out, or --force", out.Path, what)
		}
		if sameShard(prev.Shard, shard) {
			for _, r := range rows {
				done[r.Point] = append(done[r.Point], r)
			}
		}
	}
	var todo []int
	for p := range s.plan.Len() {
		if shard.holds(p) {
			if _, ok := done[p]; !ok {
				todo = append(todo, p)
			}
		}
	}
	per := 1
	if s.base != nil {
		per = 2
	}
	label := cfg.Name + " sweep"
	prog := newProgress(stderr, isTerminal(stderr), opts.Quiet, label, len(todo)*st.Runs*per, cfg.Warmup+cfg.Steps, time.Now).withWarmup(cfg.Warmup)
	j := &job{ctx: ctx, engine: opts.Engine.engine, workers: opts.Workers.n, prog: prog}
	start := time.Now()
	lastCommit := start
	commit := func(complete bool, figs bool) error {
		st.Done, st.Complete = []int{}, complete
		var rows []sweepRow
		for p := range s.plan.Len() {
			if r, ok := done[p]; ok {
				st.Done = append(st.Done, p)
				rows = append(rows, r...)
			}
		}
		s.res.rows = rows
		wctx := ctx
		if !complete {
			wctx = context.Background() // a checkpoint on Ctrl-C must be written
		}
		files, err := s.res.files(wctx, figs, figureOptions(opts.Formats.list(), opts.NoTitle, s.sc.Seed), opts.Workers.n)
		if err != nil {
			return err
		}
		return out.WriteJob(wctx, files, sweepSummary(s.res, commandLine(ctx), time.Since(start)))
	}
	for k, p := range todo {
		rows, err := s.runPoint(j, p, k*st.Runs*per)
		if errors.Is(err, errCanceled) {
			prog.done()
			if len(done) == 0 {
				out.Abandon()
				return errors.New(interruptedMessage(0, len(todo), nothingKept))
			}
			if err := commit(false, false); err != nil {
				return fmt.Errorf("interrupted; commit the points done: %w", err)
			}
			return fmt.Errorf("interrupted after %d of %d design points; the points done are committed in %s: run the same command again to resume", len(done), len(todo)+len(done)-k, out.Path)
		}
		if err != nil {
			prog.done()
			out.Abandon()
			return err
		}
		done[p] = rows
		if testHookPointDone != nil {
			testHookPointDone(p)
		}
		if k < len(todo)-1 && time.Since(lastCommit) >= opts.Checkpoint {
			if err := commit(false, false); err != nil {
				prog.done()
				return fmt.Errorf("checkpoint: %w", err)
			}
			lastCommit = time.Now()
		}
	}
	wall := time.Since(start)
	prog.phase("writing results")
	err = commit(true, !opts.NoPlots)
	prog.done()
	if err != nil {
		if errors.Is(err, output.ErrCanceled) || errors.Is(err, errCanceled) {
			return errors.New(interruptedMessage(len(todo), len(todo), "the output directory holds the last checkpoint"))
		}
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	t := newTable(stdout)
	t.rowf("scenario\t%s (%s)", cfg.Name, scenarioSource(s.sc))
	t.row("design", s.plan.Design.Describe())
	if shard != nil {
		t.rowf("shard\t%s: %d of the %d points", shard, len(st.Done), s.plan.Len())
	}
	t.rowf("replicates\t%d per point, streams (seed %d, 0) to (seed %d, %d) at every point", st.Runs, st.Seed, st.Seed, st.Runs-1)
	if s.base != nil {
		t.row("baseline", s.base.Config.Name)
	}
	if n := len(done) - len(todo); n > 0 {
		t.rowf("resumed\t%d points done earlier, %d run now", n, len(todo))
	}
	t.row("wall time", fmtDuration(wall))
	t.row("output", out.Path)
	return t.flush()
}

// nanValue is an undefined value of results.csv.
var nanValue = math.NaN()

// same says whether a and b identify the same experiment.
func (a *sweepIdentity) same(b *sweepIdentity) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func sameShard(a, b *shardSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// readSweepDir reads the sweep.json and results.csv of dir, checking
// each against summary.json's record of files, so that only files
// interopsim wrote there, unchanged, are trusted.
func readSweepDir(dir string) (*sweepState, []sweepRow, error) {
	sumPath := filepath.Join(dir, output.SummaryFile)
	sb, err := os.ReadFile(sumPath)
	if err != nil {
		return nil, nil, err
	}
	sum, err := output.ReadSummary(bytes.NewReader(sb), sumPath)
	if err != nil {
		return nil, nil, err
	}
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		for _, f := range sum.Files {
			if f.Name == name {
				if f.Bytes != int64(len(b)) || f.SHA256 != hexSHA256(b) {
					return nil, fmt.Errorf("%s: changed since interopsim wrote it (its size or SHA-256 differs from summary.json's record)", filepath.Join(dir, name))
				}
				return b, nil
			}
		}
		return nil, fmt.Errorf("%s: not a file of an interopsim sweep (summary.json does not record it)", filepath.Join(dir, name))
	}
	stb, err := read(sweepFile)
	if err != nil {
		return nil, nil, err
	}
	var st sweepState
	dec := json.NewDecoder(bytes.NewReader(stb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, sweepFile), err)
	}
	if st.SchemaVersion != sweepSchema {
		return nil, nil, fmt.Errorf("%s: schema version %d, want %d", filepath.Join(dir, sweepFile), st.SchemaVersion, sweepSchema)
	}
	rb, err := read(resultsFile)
	if err != nil {
		return nil, nil, err
	}
	rows, err := readResults(rb, filepath.Join(dir, resultsFile))
	if err != nil {
		return nil, nil, err
	}
	// The rows must be those of the points done, every replicate.
	got := map[int]int{}
	for _, r := range rows {
		got[r.Point]++
		if r.Replicate >= st.Runs {
			return nil, nil, fmt.Errorf("%s: replicate %d of point %d, but the sweep has %d replicates", filepath.Join(dir, resultsFile), r.Replicate, r.Point, st.Runs)
		}
	}
	if len(got) != len(st.Done) {
		return nil, nil, fmt.Errorf("%s: rows of %d points, but sweep.json lists %d done", filepath.Join(dir, resultsFile), len(got), len(st.Done))
	}
	for _, p := range st.Done {
		if got[p] == 0 {
			return nil, nil, fmt.Errorf("%s: no rows of point %d, which sweep.json lists as done", filepath.Join(dir, resultsFile), p)
		}
	}
	return &st, rows, nil
}
