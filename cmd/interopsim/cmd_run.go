package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	// Out is the output directory; empty means out/<scenario name>.
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
}

// AddFlags adds the run command's flags to fs.
func (o *RunOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default out/<scenario name>)")
	fs.Var(&o.Seed, "seed", "use the random seed `N` instead of the scenario's")
	fs.Var(&o.Agents, "agents", "simulate `N` agents in all instead of the scenario's number, shared out in its proportions (e.g. 100k)")
	fs.Var(&o.Workers, "workers", "use `N` worker threads; 0 uses every core (results do not depend on it)")
	fs.Var(&o.Engine, "engine", "simulate with `ENGINE`: agents (every agent drawn at random) or meanfield (the exact expected values)")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.Force, "force", "", "write into the output directory even if it holds other files or another scenario's results")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figures (and remove those of an earlier run in the output directory)")
}

// errInterrupted reports a run stopped by a signal.
var errInterrupted = errors.New("interrupted: nothing written")

// meminfoPath is the file that tells how much memory is available.
var meminfoPath = "/proc/meminfo"

// runRun runs the run command.
func runRun(ctx context.Context, opts RunOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return usagef("run", "want at most one scenario, got %d: %v", len(args), args)
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	sc, err := loadScenario(name)
	if err != nil {
		return err
	}
	if opts.Seed.set {
		sc.SetSeed(opts.Seed.seed)
	}
	if opts.Agents.set {
		if err := sc.SetAgents(opts.Agents.n); err != nil {
			return usagef("run", "--agents %d: %w", opts.Agents.n, err)
		}
	}
	cfg := &sc.Config
	engine := opts.Engine.engine
	if err := checkMemory(cfg, engine, meminfoPath); err != nil {
		return err
	}

	dir := opts.Out
	if dir == "" {
		dir = filepath.Join("out", cfg.Name)
	}
	_, statErr := os.Stat(dir)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := output.PrepareDir(dir, cfg.Name, opts.Force); err != nil {
		var inUse *output.DirInUseError
		if errors.As(err, &inUse) {
			return fmt.Errorf("%w: use --force to write there anyway, or choose another --out", err)
		}
		return err
	}
	// Leave no empty directory behind when nothing is written.
	removeDir := func() {
		if created {
			os.Remove(dir)
		}
	}

	prog := newProgress(stderr, cfg.Steps, !opts.Quiet && isTerminal(stderr))
	settings := &sim.Settings{
		Engine:   engine,
		Workers:  opts.Workers.n,
		Progress: prog.update,
		Cancel:   func() bool { return ctx.Err() != nil },
	}
	start := time.Now()
	res, err := sim.Run(cfg, sc.Seed, settings)
	wall := time.Since(start)
	prog.finish()
	if errors.Is(err, sim.ErrCanceled) || err == nil && ctx.Err() != nil {
		removeDir()
		return errInterrupted
	}
	if err != nil {
		removeDir()
		return fmt.Errorf("run %s: %w", cfg.Name, err)
	}

	table := output.FromResult(res)
	files, err := resultFiles(sc, table, engine, wall)
	if err != nil {
		removeDir()
		return err
	}
	var plotWall time.Duration // drawing the figures, reported apart from the run's wall time
	if !opts.NoPlots {
		plotStart := time.Now()
		figs, err := figureFiles(table, &sc.Config, opts.Formats.list(), opts.Workers.n)
		if err != nil {
			removeDir()
			return err
		}
		plotWall = time.Since(plotStart)
		files = append(files, figs...)
	}
	if ctx.Err() != nil {
		removeDir()
		return errInterrupted
	}
	if err := output.WriteFiles(dir, files); err != nil {
		removeDir()
		return fmt.Errorf("write results: %w", err)
	}
	if err := removeStalePlots(dir, files); err != nil {
		return err
	}
	if opts.Quiet {
		return nil
	}
	return report(stdout, sc, engine, wall, plotWall, dir, files)
}

// resultFiles returns the data files of a run's output directory.
func resultFiles(sc *scenarios.Scenario, table *output.Table, engine sim.Engine, wall time.Duration) ([]output.File, error) {
	summary, err := output.NewSummary(table, &sc.Config, output.RunInfo{
		File: sc.File, Source: sc.Source, Seed: sc.Seed, Engine: engine, Wall: wall,
	})
	if err != nil {
		return nil, err
	}
	resolved, err := scenarios.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("write scenario.yaml: %w", err)
	}
	return []output.File{
		{Name: output.MetricsFile, Write: func(w io.Writer) error { return output.WriteCSV(w, table) }},
		{Name: output.SummaryFile, Write: func(w io.Writer) error { return output.WriteSummary(w, summary) }},
		{Name: output.ScenarioFile, Write: writeBytes(resolved)},
	}, nil
}

// figureFiles draws the figures of a run's table in every format, as
// files of plots/. The figures are drawn from the values as rounded in
// metrics.csv, so that 'interopsim plot' redraws them byte for byte.
func figureFiles(table *output.Table, cfg *sim.Config, formats []string, workers int) ([]output.File, error) {
	rounded := &output.Table{Rows: slices.Clone(table.Rows)}
	for i := range rounded.Rows {
		rounded.Rows[i].Value = output.Round(rounded.Rows[i].Value)
	}
	opt := plots.Options{Formats: formats}
	figs, err := plots.Figures(rounded, cfg, cfg.Name, opt)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
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

// removeStalePlots removes the figures in dir's plots/ that files does
// not hold, and plots/ itself if that leaves it empty. A run removes the
// figures of an earlier run that it does not redraw (another format, or
// none with --no-plots) so that every figure in the directory shows the
// data beside it; it removes only files named like its own figures
// (<figure>.<format>), never other files that --force let it write among.
func removeStalePlots(dir string, files []output.File) error {
	written := make(map[string]bool, len(files))
	for _, f := range files {
		written[f.Name] = true
	}
	plotsDir := filepath.Join(dir, output.PlotsDir)
	for _, name := range plots.Names() {
		for _, format := range plots.Formats {
			rel := output.PlotsDir + "/" + name + "." + format
			if written[rel] {
				continue
			}
			err := os.Remove(filepath.Join(plotsDir, name+"."+format))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove figure of an earlier run: %w", err)
			}
		}
	}
	os.Remove(plotsDir) // only if empty
	return nil
}

// report prints what was run and written.
func report(w io.Writer, sc *scenarios.Scenario, engine sim.Engine, wall, plotWall time.Duration, dir string, files []output.File) error {
	cfg := &sc.Config
	t := newTable(w)
	t.rowf("scenario\t%s (%s)", cfg.Name, scenarioSource(sc))
	t.row("agents", fmtCount(float64(cfg.Agents())))
	t.rowf("steps\t%d %ss, %s to %s", cfg.Steps, cfg.Step, cfg.Start.Format(output.DateLayout), cfg.End().Format(output.DateLayout))
	t.row("seed", fmt.Sprint(sc.Seed))
	t.row("engine", engine.String())
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

// progress prints "step k/N" on one line, updated in place, when on.
type progress struct {
	w     io.Writer
	steps int
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, steps int, on bool) *progress {
	return &progress{w: w, steps: steps, on: on}
}

// update shows that done steps are done, at most ten times a second.
func (p *progress) update(done int) {
	if !p.on {
		return
	}
	if now := time.Now(); done == p.steps || now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		fmt.Fprintf(p.w, "\rstep %d/%d", done, p.steps)
		p.shown = true
	}
}

// finish erases the progress line.
func (p *progress) finish() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
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
