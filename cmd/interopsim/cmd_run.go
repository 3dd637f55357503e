package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var runCommand = &command{
	name:  "run",
	args:  "[SCENARIO]",
	short: "run a scenario and write its results",
	long: `Run a scenario and write its results into an output directory:
metrics.csv (every metric, every step, every region), summary.json
(provenance and headline figures), scenario.yaml (the scenario as run,
which reproduces the run) and the figures in plots/ (adoption,
payment-shares, headline, platform-shares, lost-sales and multihoming, as
PNG unless --format says otherwise). The files are written together: if
the run fails or is interrupted, none is. Figures of an earlier run in
the directory that this run does not redraw are removed.

To redraw the figures at another size, in another format or for some
regions, methods or platforms only, use 'interopsim plot'.

SCENARIO is the name of a built-in scenario (see 'interopsim scenarios')
or a scenario file; without it, ` + scenarios.Default + ` runs.

The output directory is refused if it holds another scenario's results or
files that are not results, unless --force is given. A run that would need
more than 90% of the available memory is refused.`,
	example: `interopsim run
interopsim run flagship.yaml --agents 100k --seed 7 --out results/flagship-7
interopsim run --format png,pdf
interopsim run --no-plots`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts RunOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runRun(ctx, opts, args, stdout, stderr)
		}
	},
}

// RunOptions are the flags of the run command.
type RunOptions struct {
	jobOptions
}

// AddFlags adds the run command's flags to fs.
func (o *RunOptions) AddFlags(fs *pflag.FlagSet) {
	o.jobOptions.addFlags(fs, "out/<scenario name>", 1, "run `N` replicates, replicate i drawing from the random streams of (seed, i); metrics.csv then holds their mean, sd and 5th, 50th and 95th percentiles")
}

// jobOptions are the flags that run and compare share.
type jobOptions struct {
	// Out is the output directory; empty means the job's default.
	Out string
	// Seed overrides the scenario's seed when set.
	Seed seedFlag
	// Agents overrides the scenario's total number of agents when set.
	Agents agentsFlag
	// Workers is the number of worker goroutines; 0 means every core.
	Workers workersFlag
	// Engine is the simulation engine.
	Engine engineFlag
	// Quiet suppresses the progress line and the report.
	Quiet bool
	// Force allows writing into a directory that holds other files.
	Force bool
	// Formats are the file formats of the figures.
	Formats formatsFlag
	// NoPlots skips the figures.
	NoPlots bool
	// NoTitle leaves out the figures' titles and subtitles.
	NoTitle bool
	// Runs is the number of replicates.
	Runs int
	// KeepRuns writes every replicate of an ensemble.
	KeepRuns bool
}

// addFlags adds the shared flags to fs: --out with the description of its
// default, --runs with its default and help.
func (o *jobOptions) addFlags(fs *pflag.FlagSet, out string, runs int, runsUsage string) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default "+out+"; interopsim-out/... if out is a file)")
	fs.Var(&o.Seed, "seed", "use the random seed `N` instead of the scenario's")
	fs.Var(&o.Agents, "agents", "simulate `N` agents in all instead of the scenario's number, shared out in its proportions (e.g. 100k)")
	fs.Var(&o.Workers, "workers", "use `N` worker threads; 0 uses every core (results do not depend on it)")
	fs.Var(&o.Engine, "engine", "simulate with `ENGINE`: agents (every agent drawn at random) or meanfield (the exact expected values)")
	fs.IntVar(&o.Runs, "runs", runs, runsUsage)
	addSwitch(fs, &o.KeepRuns, "keep-runs", "", "with --runs, also write every replicate (runs.csv)")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.Force, "force", "", "write into the output directory even if it holds other files or another job's results")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figures (and remove those of an earlier job in the output directory)")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figures without titles and subtitles (papers give them in captions)")
}

// meminfoPath is the file that tells how much memory is available.
var meminfoPath = "/proc/meminfo"

// load loads the scenario named name and applies the seed and agents
// overrides of o.
func (o *jobOptions) load(cmd, name string) (*scenarios.Scenario, error) {
	sc, err := loadScenario(name)
	if err != nil {
		return nil, err
	}
	if o.Seed.set {
		sc.SetSeed(o.Seed.seed)
	}
	if o.Agents.set {
		if err := sc.SetAgents(o.Agents.n); err != nil {
			return nil, usagef(cmd, "--agents %d: %w", o.Agents.n, err)
		}
	}
	return sc, nil
}

// checkRuns checks --runs against the engine.
func (o *jobOptions) checkRuns(cmd string) error {
	if o.Runs < 1 {
		return usagef(cmd, "--runs %d: want at least 1", o.Runs)
	}
	if o.Runs > 1 && o.Engine.engine == sim.MeanField {
		return usagef(cmd, "--runs %d: the mean-field engine is deterministic, every replicate would be the same; use --engine agents or --runs 1", o.Runs)
	}
	return nil
}

// runRun runs the run command.
func runRun(ctx context.Context, opts RunOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return usagef("run", "want at most one scenario, got %d: %v", len(args), args)
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	sc, err := opts.load("run", name)
	if err != nil {
		return err
	}
	if err := opts.checkRuns("run"); err != nil {
		return err
	}
	cfg := &sc.Config
	engine := opts.Engine.engine
	runs := opts.Runs
	if err := checkMemory(cfg, engine, meminfoPath, ensembleBytes(cfg, runs)); err != nil {
		return err
	}
	dir := opts.Out
	if dir == "" {
		dir = defaultOut(cfg.Name)
	}
	out, err := prepareOut(dir, cfg.Name, opts.Force)
	if err != nil {
		return err
	}

	prog := newProgress(stderr, isTerminal(stderr), opts.Quiet, cfg.Name, runs, cfg.Steps, time.Now)
	j := &job{ctx: ctx, engine: engine, workers: opts.Workers.n, prog: prog}
	start := time.Now()
	rs, err := j.ensemble(sc, runs)
	wall := time.Since(start)
	if err != nil {
		prog.done()
		out.abandon()
		if errors.Is(err, errCanceled) {
			return errors.New(interruptedMessage(j.done, runs, nothingKept))
		}
		return err
	}
	st := rs.Stats()
	files, summary, err := resultFiles(sc, rs, st, opts.KeepRuns, engine, wall)
	if err != nil {
		prog.done()
		out.abandon()
		return err
	}
	var plotWall time.Duration // drawing the figures, reported apart from the run's wall time
	if !opts.NoPlots {
		prog.phase("drawing figures")
		plotStart := time.Now()
		figs, err := figureFiles(st, &sc.Config, figureOptions(opts.Formats.list(), opts.NoTitle, sc.Seed), opts.Workers.n)
		if err != nil {
			prog.done()
			out.abandon()
			return err
		}
		plotWall = time.Since(plotStart)
		files = append(files, figs...)
	}
	prog.done()
	rep := output.ReportInput{
		Config: cfg, Scenario: cfg.Name, Description: sc.Description, Provenance: summary.Provenance,
		Stats: st, Figures: embedded(files),
	}
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error { return output.WriteMarkdown(w, rep) }})
	if ctx.Err() != nil {
		out.abandon()
		return errors.New(interruptedMessage(j.done, runs, nothingKept))
	}
	if err := out.write(files); err != nil {
		return err
	}
	if opts.Quiet {
		return nil
	}
	if err := report(stdout, sc, engine, runs, wall, plotWall, dir, files); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	return output.WriteText(stdout, rep)
}

// embedded returns the figures among files that summary.md shows, in
// order: PNG if drawn, else SVG (PDF cannot be embedded in markdown).
func embedded(files []output.File) []string {
	for _, ext := range []string{".png", ".svg"} {
		var figs []string
		for _, f := range files {
			if strings.HasPrefix(f.Name, output.PlotsDir+"/") && strings.HasSuffix(f.Name, ext) {
				figs = append(figs, f.Name)
			}
		}
		if len(figs) > 0 {
			return figs
		}
	}
	return nil
}

// defaultOut returns the default output directory of a job: out/<name>,
// or interopsim-out/<name> when out exists and is not a directory (say,
// the file of 'interopsim run > out'), so that the default always works.
func defaultOut(name string) string {
	if fi, err := os.Stat("out"); err == nil && !fi.IsDir() {
		return filepath.Join("interopsim-out", name)
	}
	return filepath.Join("out", name)
}

// nothingKept says what an interrupted job leaves.
const nothingKept = "nothing written; the output directory is as it was"

// outDir is an output directory being prepared for results.
type outDir struct {
	dir     string
	created bool // the directory did not exist before
}

// prepareOut makes dir ready for the results of the job named name (see
// output.PrepareDir).
func prepareOut(dir, name string, force bool) (*outDir, error) {
	_, statErr := os.Stat(dir)
	o := &outDir{dir: dir, created: errors.Is(statErr, fs.ErrNotExist)}
	if err := output.PrepareDir(dir, name, force); err != nil {
		var inUse *output.DirInUseError
		if errors.As(err, &inUse) {
			return nil, fmt.Errorf("%w: use --force to write there anyway, or choose another --out", err)
		}
		return nil, err
	}
	return o, nil
}

// abandon removes the directory if prepareOut created it: a job that
// writes nothing leaves no empty directory behind.
func (o *outDir) abandon() {
	if o.created {
		os.Remove(o.dir)
	}
}

// write writes files as one set, then removes the results of an earlier
// job that this one did not write.
func (o *outDir) write(files []output.File) error {
	if err := output.WriteFiles(o.dir, files); err != nil {
		o.abandon()
		return fmt.Errorf("write results: %w", err)
	}
	return removeStale(o.dir, files)
}

// resultFiles returns the data files of a run's output directory. A
// single run's metrics.csv holds its values; an ensemble's holds their
// statistics, and runs.csv every replicate when keepRuns is set.
func resultFiles(sc *scenarios.Scenario, rs *output.Runs, st *output.StatTable, keepRuns bool, engine sim.Engine, wall time.Duration) ([]output.File, *output.Summary, error) {
	summary, err := output.NewSummary(st.MeanTable(), &sc.Config, output.RunInfo{
		File: sc.File, Source: sc.Source, Seed: sc.Seed, Engine: engine, Runs: st.Runs, Wall: wall,
	})
	if err != nil {
		return nil, nil, err
	}
	resolved, err := scenarios.Marshal(sc)
	if err != nil {
		return nil, nil, fmt.Errorf("write scenario.yaml: %w", err)
	}
	files := []output.File{
		metricsFile(output.MetricsFile, rs, st),
		{Name: output.SummaryFile, Write: func(w io.Writer) error { return output.WriteSummary(w, summary) }},
		{Name: output.ScenarioFile, Write: writeBytes(resolved)},
	}
	if keepRuns && st.Runs > 1 {
		files = append(files, output.File{Name: output.RunsFile, Write: func(w io.Writer) error { return output.WriteCSV(w, rs.Table()) }})
	}
	return files, summary, nil
}

// metricsFile returns the file name holding rs: its values for a single
// run, their statistics st for an ensemble.
func metricsFile(name string, rs *output.Runs, st *output.StatTable) output.File {
	if st.Runs == 1 {
		return output.File{Name: name, Write: func(w io.Writer) error { return output.WriteCSV(w, rs.Table()) }}
	}
	return output.File{Name: name, Write: func(w io.Writer) error { return output.WriteStatCSV(w, st) }}
}

// figureFiles draws the figures of a run in every format, as files of
// plots/. They are drawn from the statistics as rounded in metrics.csv, so
// that 'interopsim plot' redraws them byte for byte.
func figureFiles(st *output.StatTable, cfg *sim.Config, opt plots.Options, workers int) ([]output.File, error) {
	figs, err := plots.Figures(st.Rounded(), cfg, cfg.Name, opt)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	return renderFiles(figs, opt, workers)
}

// renderFiles renders figs in every format of opt, as files of plots/.
func renderFiles(figs []plots.Figure, opt plots.Options, workers int) ([]output.File, error) {
	rendered, err := plots.Render(figs, opt, workers)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	files := make([]output.File, len(rendered))
	for i, r := range rendered {
		files[i] = output.File{Name: output.PlotsDir + "/" + r.Name, Write: writeBytes(r.Data)}
	}
	return files, nil
}

// writeBytes returns a File.Write function that writes b.
func writeBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

// removeStale removes the results in dir that files does not hold: data
// files of an earlier job (runs.csv of an ensemble rerun as a single run,
// say) and figures in plots/, and plots/ itself if that leaves it empty.
// Every file in the directory then belongs to the job just written. Only
// files named like interopsim's own results are removed, never other
// files that --force let a job write among.
func removeStale(dir string, files []output.File) error {
	written := make(map[string]bool, len(files))
	for _, f := range files {
		written[f.Name] = true
	}
	stale := output.ResultNames()
	for _, name := range append(plots.Names(), plots.EffectNames()...) {
		for _, format := range plots.Formats {
			stale = append(stale, output.PlotsDir+"/"+name+"."+format)
		}
	}
	for _, rel := range stale {
		if written[rel] {
			continue
		}
		err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove a result of an earlier job: %w", err)
		}
	}
	os.Remove(filepath.Join(dir, output.PlotsDir)) // only if empty
	return nil
}

// report prints what was run and written.
func report(w io.Writer, sc *scenarios.Scenario, engine sim.Engine, runs int, wall, plotWall time.Duration, dir string, files []output.File) error {
	cfg := &sc.Config
	t := newTable(w)
	t.rowf("scenario\t%s (%s)", cfg.Name, scenarioSource(sc))
	t.row("agents", fmtCount(float64(cfg.Agents())))
	t.rowf("steps\t%d %ss, %s to %s", cfg.Steps, cfg.Step, cfg.Start.Format(output.DateLayout), cfg.End().Format(output.DateLayout))
	t.row("seed", fmt.Sprint(sc.Seed))
	t.row("engine", engine.String())
	if runs > 1 {
		t.rowf("runs\t%d replicates, streams (seed, 0) to (seed, %d)", runs, runs-1)
	}
	t.row("wall time", fmtDuration(wall))
	if plotWall > 0 {
		t.row("figures drawn in", fmtDuration(plotWall))
	}
	t.row("output", dir)
	if err := t.flush(); err != nil {
		return err
	}
	for _, f := range files {
		size := "?"
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name))); err == nil {
			size = fmtBytes(uint64(fi.Size()))
		}
		t.row("  "+f.Name, size)
	}
	return t.flush()
}

// isTerminal says whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
