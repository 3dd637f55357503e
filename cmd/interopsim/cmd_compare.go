package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/internal/termtext"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var compareCommand = &command{
	name:  "compare",
	args:  "[SCENARIO]",
	short: "measure the effect of a scenario's events against a baseline",
	long: `Measure the effect of a scenario's events: run the scenario and a
baseline, replicate by replicate with the same random numbers (common
random numbers: replicate i of both draws from the streams of (seed, i)),
so that they agree until the first event and their difference is the
effect of the events, not noise. By default the baseline is the scenario
without its acceptance events (accept and stop_accepting; promotions and
parameter changes stay); --baseline names another scenario, which must
have the same regions, methods, platforms and steps, and runs with the
scenario's seed and agents.

Every acceptance event gets its effects: the accepting platform's
payment share of the method, the platform's GMV share, each method's
share of all payments and adoption, nationally and by region, at each
--at horizon counted from that event's own date. Against the default
baseline, which lacks all of them, an event's effects are those of all
the events up to that date. For one event's marginal effect, give
--event: the baseline is then the scenario without only that event,
keeping the others (jd-alipay --event jd/alipay: what JD accepting
Alipay adds once Taobao/Tmall accepts WeChat Pay).

Horizons and the durations of scenario files are read alike: 14d, 13w,
6m, 2y, months and years calendar ones (1m after 2024-01-31 is
2024-02-29). A horizon that falls after the last step for an event is
skipped with a note; when none falls within the simulation, compare
stops before running anything.

The output directory (default out/<scenario>-vs-<baseline>) receives
metrics.csv and baseline.csv (each scenario's metrics: their mean, sd and
5th, 50th and 95th percentiles over replicates), effects.csv (the same
statistics of the paired differences, scenario minus baseline, for every
metric, step and region), effects_at.csv (the headline effects of each
event at the --at horizons, with an event column), summary.json,
summary.md, scenario.yaml, baseline.yaml and, unless --no-plots, the
figures: the scenario against the baseline (pale, in each line's own
colour and pattern), and the effects with their 5th-95th percentile band
(the spread of the paired replicates: sampling noise only unless
--param-draws, as a note under each figure says). All files are committed as one set, or none is (docs/reliability.md).

The intervals are the 5th to 95th percentiles over replicates: sampling
noise of the simulation, not uncertainty about the model's parameters,
unless --param-draws K is given: replicate i of the scenario and of the
baseline then both run with parameter set i mod K of the scenario's
parameter_draws (or of --draws FILE) and the same random streams, so that
the effect's interval carries parameter uncertainty as well as sampling
noise (with --engine meanfield, parameter uncertainty alone, K runs).
Without --runs there are then K replicates.
--independent gives the baseline its own random streams instead, to
measure how much common random numbers narrow the intervals.`,
	example: `interopsim compare
interopsim compare jd-alipay --runs 40 --at 1m,6m,12m
interopsim compare jd-alipay --event jd/alipay --at 13w,1y
interopsim compare --baseline walled-gardens --param-draws 20 --draws out/my-world-calibrate/draws.csv
interopsim compare my-world.yaml --baseline my-world-closed.yaml --agents 1M`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts CompareOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			opts.changed(fs)
			return runCompare(ctx, opts, args, stdout, stderr)
		}
	},
}

// defaultCompareRuns is the number of replicates of a comparison with the
// agent engine.
const defaultCompareRuns = 20

// CompareOptions are the flags of the compare command.
type CompareOptions struct {
	jobOptions
	// Baseline is the baseline scenario; empty means the scenario without
	// its acceptance events.
	Baseline string
	// At lists the horizons of the effects table.
	At string
	// Event selects one acceptance event, by number or platform/method,
	// whose marginal effect is measured; empty means all of them against
	// the baseline.
	Event string
	// Independent gives the baseline its own random streams.
	Independent bool
}

// AddFlags adds the compare command's flags to fs.
func (o *CompareOptions) AddFlags(fs *pflag.FlagSet) {
	o.jobOptions.addFlags(fs, "out/<scenario>-vs-<baseline>", defaultCompareRuns, "run `N` replicates of each scenario (1 with --engine meanfield, which is exact)")
	fs.StringVar(&o.Baseline, "baseline", "", "compare with the scenario `OTHER` (a built-in or a file) instead of the scenario without its acceptance events")
	fs.StringVar(&o.At, "at", output.DefaultHorizons, "report effects at the `HORIZONS` after each acceptance event, separated by commas: days (14d), weeks (13w), calendar months (6m) or years (2y)")
	fs.StringVar(&o.Event, "event", "", "measure the marginal effect of the acceptance `EVENT` alone, its number (1 is the earliest) or platform/method: the baseline is the scenario without only that event")
	addSwitch(fs, &o.Independent, "independent", "", "draw the baseline's replicates from independent random streams, not common random numbers")
}

// runCompare runs the compare command.
func runCompare(ctx context.Context, opts CompareOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return usagef("compare", "want at most one scenario, got %d: %v", len(args), args)
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	horizons, err := output.ParseHorizons(opts.At)
	if err != nil {
		return usagef("compare", "--at: %w", err)
	}
	if opts.Engine.engine == sim.MeanField && opts.Runs == defaultCompareRuns {
		opts.Runs = 1 // the default suits the agents; the mean field is exact
	}
	sc, err := opts.load("compare", name)
	if err != nil {
		return err
	}
	ps, err := opts.setupDraws("compare", sc)
	if err != nil {
		return err
	}
	if err := opts.checkRuns("compare"); err != nil {
		return err
	}
	var base *scenarios.Scenario
	var events []int // nil: every acceptance event
	switch {
	case opts.Event != "" && opts.Baseline != "":
		return usagef("compare", "give --event or --baseline, not both: --event makes the baseline the scenario without that event")
	case opts.Event != "":
		ev, err := selectEvent(&sc.Config, opts.Event)
		if err != nil {
			return usagef("compare", "--event: %w", err)
		}
		base, events = sc.WithoutEvent(ev), []int{ev}
	default:
		if base, err = baselineOf(sc, opts.Baseline); err != nil {
			return err
		}
	}
	// Both sides run with the same parameter sets, which the baseline's
	// file records too.
	base.ParameterDraws = sc.ParameterDraws
	if ps != nil {
		if _, err := withDraw(&base.Config, ps, 0); err != nil {
			return fmt.Errorf("baseline %s: %w", base.Config.Name, err)
		}
	}
	// Check the horizons against the scenario before running anything.
	plan, err := output.PlanEffects(&sc.Config, events, horizons)
	if err != nil {
		return usagef("compare", "--at: %w", err)
	}
	if opts.Shard != "" {
		return runShard(ctx, "compare", &opts.jobOptions, &opts, sc, base, stdout, stderr)
	}
	cfg := &sc.Config
	engine, runs := opts.Engine.engine, opts.Runs
	if err := checkHorizon("compare", cfg, engine, 2*runs, opts.Force); err != nil {
		return err
	}
	if err := checkMemory(cfg, engine, memoryJob{runs: runs, compare: true, keepRuns: opts.KeepRuns, plots: !opts.NoPlots, parquet: opts.Table.format == output.Parquet}); err != nil {
		return err
	}
	id := cfg.Name + " vs " + base.Config.Name
	resolved, jobID, err := jobOf(sc, engine, runs, ps)
	if err != nil {
		return err
	}
	baseResolved, baseJob, err := jobOf(base, engine, runs, ps)
	if err != nil {
		return err
	}
	jobID.Baseline, jobID.BaselineSHA256, jobID.CommonRandomNumbers = base.Config.Name, baseJob.ResolvedSHA256, !opts.Independent
	dir := opts.Out
	if dir == "" {
		defaultRuns := defaultCompareRuns
		if engine == sim.MeanField {
			defaultRuns = 1
		}
		v := opts.variant(defaultRuns)
		if opts.Independent {
			v += "-independent"
		}
		dir = defaultOut(cfg.Name + "-vs-" + base.Config.Name + v)
	}
	out, err := prepareOut(dir, jobID, opts.mayWrite(true, sc), opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()

	// Replicate i of the scenario, then of the baseline: with common
	// random numbers both use the streams of (seed, i); independent
	// baselines use (seed, runs+i), streams no scenario replicate uses.
	// Both use parameter set i mod K.
	prog := newProgress(stderr, isTerminal(stderr), opts.Quiet, id, 2*runs, cfg.Warmup+cfg.Steps, time.Now).withWarmup(cfg.Warmup)
	j := &job{ctx: ctx, engine: engine, workers: opts.Workers.n, prog: prog, sets: ps}
	var srs, brs output.Runs
	start := time.Now()
	for i := 0; i < runs && err == nil; i++ {
		set := 0
		if ps != nil {
			set = ps.set(i)
		}
		if err = j.add(&srs, sc, sc.Seed, i, set, 2*i); err != nil {
			break
		}
		bi := i
		if opts.Independent {
			bi = runs + i
		}
		err = j.add(&brs, base, sc.Seed, bi, set, 2*i+1)
	}
	wall := time.Since(start)
	fail := func(err error) error {
		prog.done()
		out.Abandon()
		if errors.Is(err, errCanceled) {
			return errors.New(interruptedMessage(j.done, 2*runs, nothingKept))
		}
		return err
	}
	if err != nil {
		return fail(err)
	}

	prog.phase("tabulating results")
	type tabulated struct {
		diff    *output.Runs
		files   []output.File
		summary *output.Summary
		rep     output.ReportInput
	}
	tab, err := interruptible(ctx, func() (tabulated, error) {
		diff, err := srs.Difference(&brs)
		if err != nil {
			return tabulated{}, err
		}
		rows, err := output.EffectsAt(&srs, &brs, diff, cfg, plan)
		if err != nil {
			return tabulated{}, fmt.Errorf("effects table: %w", err)
		}
		if ps != nil {
			output.ParameterShares(rows, diff, ps.k, engine.Stochastic())
		}
		files, summary, rep, err := compareFiles(ctx, sc, base, resolved, baseResolved, &srs, &brs, diff, rows, plan.Notes, opts, runInfo(ctx, sc, engine, wall, ps))
		return tabulated{diff, files, summary, rep}, err
	})
	if err != nil {
		return fail(err)
	}
	files, summary, rep := tab.files, tab.summary, tab.rep
	var plotWall time.Duration
	if !opts.NoPlots {
		prog.phase("drawing figures")
		plotStart := time.Now()
		fopt := figureOptions(opts.Formats.list(), opts.NoTitle, sc.Seed)
		fopt.Uncertainty = summary.Uncertainty
		figs, err := compareFigures(ctx, figureStats(&srs), figureStats(&brs), figureStats(tab.diff), cfg, base.Config.Name, fopt, opts.Workers.n)
		if err != nil {
			return fail(err)
		}
		plotWall = time.Since(plotStart)
		files = append(files, figs...)
	}
	rep.Figures = embedded(files)
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error { return output.WriteMarkdown(w, rep) }})
	if ctx.Err() != nil {
		return fail(errCanceled)
	}
	prog.phase("writing results")
	err = out.WriteJob(ctx, files, summary)
	prog.done()
	if err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return errors.New(interruptedMessage(j.done, 2*runs, nothingKept))
		}
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	if err := report(stdout, sc, engine, runs, ps, summary.Uncertainty, wall, plotWall, out, summary.Files); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "baseline          %s (%s)\n", termtext.Escape(base.Config.Name), termtext.Escape(scenarioSource(base)))
	fmt.Fprintln(stdout)
	// Every horizon of every event, as in summary.md (which adds the
	// regions).
	return output.WriteText(stdout, rep)
}

// selectEvent returns the index in cfg.Events of the acceptance event
// sel names: its number among the acceptance events in date order (1 is
// the earliest), or platform/method when only one acceptance event is of
// that pair. The error for any other sel lists the valid ones.
func selectEvent(cfg *sim.Config, sel string) (int, error) {
	var acc []int
	for i, e := range cfg.Events {
		if output.IsAcceptance(e) {
			acc = append(acc, i)
		}
	}
	if len(acc) == 0 {
		return 0, fmt.Errorf("scenario %s has no acceptance event (accept or stop_accepting) to leave out", cfg.Name)
	}
	pair := func(i int) string {
		e := cfg.Events[i]
		return cfg.Platforms[e.Platform].Name + "/" + cfg.Methods[e.Method].Name
	}
	var found []int
	for k, i := range acc {
		if sel == strconv.Itoa(k+1) || sel == pair(i) {
			found = append(found, i)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	valid := make([]string, len(acc))
	for k, i := range acc {
		valid[k] = fmt.Sprintf("%d or %s (%s)", k+1, pair(i), output.EventName(cfg, i))
	}
	if len(found) > 1 {
		return 0, fmt.Errorf("%q names %d events of scenario %s: give its number (valid: %s)", sel, len(found), cfg.Name, strings.Join(valid, ", "))
	}
	return 0, fmt.Errorf("unknown event %q of scenario %s (valid: %s)", sel, cfg.Name, strings.Join(valid, ", "))
}

// effectsNote says what the effects of a comparison measure, given the
// events whose effects are reported (nil: every acceptance event, against
// the default baseline unless other names one).
func effectsNote(cfg *sim.Config, events []int, other string) string {
	switch {
	case events != nil:
		return fmt.Sprintf("The baseline is the scenario without only %s, keeping its other events,"+
			" so the effect is that event's marginal effect.", output.EventLabel(cfg, events[0]))
	case other != "":
		return ""
	}
	n := 0
	for _, e := range cfg.Events {
		if output.IsAcceptance(e) {
			n++
		}
	}
	if n < 2 {
		return ""
	}
	return "The baseline has none of the acceptance events, so an event's effects are those of all the events up to that date," +
		" not of that event alone; interopsim compare --event N (or platform/method) compares with the scenario without only" +
		" that event, which gives its marginal effect."
}

// baselineOf returns the baseline of sc: the scenario named other, run
// with sc's seed and agents, or sc without its acceptance events.
func baselineOf(sc *scenarios.Scenario, other string) (*scenarios.Scenario, error) {
	if other == "" {
		b := sc.WithoutAcceptance()
		if len(b.Config.Events) == len(sc.Config.Events) {
			return nil, fmt.Errorf("scenario %s has no acceptance event, so it is its own baseline: give --baseline", sc.Config.Name)
		}
		return b, nil
	}
	b, err := loadScenario(other)
	if err != nil {
		return nil, err
	}
	if err := sameWorld(&sc.Config, &b.Config); err != nil {
		return nil, fmt.Errorf("baseline %s cannot be compared with %s: %w", b.Config.Name, sc.Config.Name, err)
	}
	b.SetSeed(sc.Seed)
	if err := b.SetAgents(sc.Config.Agents()); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", b.Config.Name, err)
	}
	return b, nil
}

// sameWorld checks that a and b measure the same things on the same
// dates, so that their metrics can be subtracted row by row.
func sameWorld(a, b *sim.Config) error {
	if !a.Start.Equal(b.Start) || a.Step != b.Step || a.Steps != b.Steps {
		return fmt.Errorf("its horizon is %d %ss from %s, want %d %ss from %s", b.Steps, b.Step, b.Start.Format(output.DateLayout),
			a.Steps, a.Step, a.Start.Format(output.DateLayout))
	}
	names := func(n int, name func(int) string) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = name(i)
		}
		return s
	}
	for _, c := range []struct {
		what string
		a, b []string
	}{
		{"regions", names(len(a.Regions), func(i int) string { return a.Regions[i].Name }), names(len(b.Regions), func(i int) string { return b.Regions[i].Name })},
		{"methods", names(len(a.Methods), func(i int) string { return a.Methods[i].Name }), names(len(b.Methods), func(i int) string { return b.Methods[i].Name })},
		{"platforms", names(len(a.Platforms), func(i int) string { return a.Platforms[i].Name }), names(len(b.Platforms), func(i int) string { return b.Platforms[i].Name })},
	} {
		if !slices.Equal(c.a, c.b) {
			return fmt.Errorf("its %s are %v, want %v in that order", c.what, c.b, c.a)
		}
	}
	return nil
}

// compareFiles returns the data files of a comparison and its report:
// the statistics of the replicates of the scenario srs, of the baseline
// brs and of their differences diff, written from them as they go, and
// the effects table rows. The writers stop when ctx ends.
func compareFiles(ctx context.Context, sc, base *scenarios.Scenario, resolved, baseResolved []byte, srs, brs, diff *output.Runs,
	rows []output.EffectRow, notes []string, opts CompareOptions, info output.RunInfo) ([]output.File, *output.Summary, output.ReportInput, error) {
	cfg := &sc.Config
	info.Resolved = resolved
	summary, err := output.NewSummary(srs, cfg, info)
	if err != nil {
		return nil, nil, output.ReportInput{}, err
	}
	summary.Comparison = output.NewComparison(base.Config.Name, base.File, baseResolved, !opts.Independent, rows, notes)
	table := opts.Table.String()
	files := []output.File{
		metricsFile(ctx, output.MetricsFile, table, srs),
		metricsFile(ctx, output.BaselineFile, table, brs),
		metricsFile(ctx, output.EffectsFile, table, diff),
		{Name: output.EffectsAtFile, Write: func(w io.Writer) error { return output.WriteEffectsCSV(ctx, w, rows) }},
		{Name: output.ScenarioFile, Write: writeBytes(resolved)},
		{Name: output.BaselineScenarioFile, Write: writeBytes(baseResolved)},
	}
	files = append(files, drawsFiles(sc)...)
	if opts.KeepRuns && srs.Replicates() > 1 {
		files = append(files, runsFile(ctx, output.RunsFile, table, srs), runsFile(ctx, output.BaselineRunsFile, table, brs))
	}
	rep := output.ReportInput{
		Config: cfg, Scenario: cfg.Name, Description: sc.Description, Summary: summary,
		Baseline: brs, BaselineName: base.Config.Name, Effects: rows, Notes: notes,
		MetricsFile: output.TableFile(output.MetricsFile, table),
	}
	if opts.Event == "" {
		rep.EffectsNote = effectsNote(cfg, nil, opts.Baseline)
	} else if len(rows) > 0 {
		rep.EffectsNote = effectsNote(cfg, []int{rows[0].Event}, "")
	}
	return files, summary, rep, nil
}

// compareFigures draws the scenario against the baseline and the effects,
// from the statistics as rounded in the files. When ctx ends it returns
// errCanceled at once (see interruptible).
func compareFigures(ctx context.Context, sst, bst, est *output.StatTable, cfg *sim.Config, baseline string, opt plots.Options, workers int) ([]output.File, error) {
	return interruptible(ctx, func() ([]output.File, error) {
		effOpt := opt
		opt.Baseline, opt.BaselineName = bst.Rounded(), baseline
		figs, err := plots.Figures(sst.Rounded(), cfg, cfg.Name, opt)
		if err != nil {
			return nil, fmt.Errorf("draw figures: %w", err)
		}
		effs, err := plots.EffectFigures(est.Rounded(), cfg, cfg.Name+" minus "+baseline, effOpt)
		if err != nil {
			return nil, fmt.Errorf("draw effect figures: %w", err)
		}
		return renderFiles(ctx, append(figs, effs...), opt, workers)
	})
}
