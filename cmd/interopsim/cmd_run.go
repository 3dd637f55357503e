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
PNG unless --format says otherwise). The files are committed as one set:
whether the run fails, is interrupted (Ctrl-C) or is killed, the directory
holds all of the earlier results or all of the new ones, never a mix. A
second job into a directory in use fails at once, naming the first. See
docs/reliability.md.

The default output directory is out/<scenario name>, with the flags that
change the results appended: out/taobao-wechat-pay-meanfield,
out/taobao-wechat-pay-seed7-agents2M, out/taobao-wechat-pay-runs20. So
runs with different flags never share a directory.

interopsim deletes or replaces only files it wrote itself: summary.json
records every file of the run with its size and SHA-256. A later run into
the same directory replaces those that are unchanged and removes those
it does not write again (say, SVG figures of an earlier --format
png,svg). Every other file, and every file changed since, is left alone;
a run that would have to replace one is refused before it simulates. A
directory holding the results of a run with other inputs (another
scenario file or content, seed, agents, engine or number of runs) is
refused too, naming that run, unless --force is given; the same run is
replaced without asking.

With --runs N the intervals (metrics.csv's percentiles, the figures'
bands) are the sampling noise of the replicates. --param-draws K adds the
uncertainty of the parameters: replicate r runs with parameter set r mod
K, set i being draw i of the scenario's parameter_draws file (or of
--draws FILE, such as the draws.csv of 'interopsim calibrate'), applied
from the start of the horizon. Without --runs there are K replicates, one
per set; with --engine meanfield always K runs, whose spread is then
parameter uncertainty alone. The directory gets -drawsK in its default
name and a copy of the draws, parameter_draws.csv, which its
scenario.yaml names; summary.json's uncertainty, summary.md, the report
and every figure's note say what the intervals include.

--table parquet writes metrics.parquet (and runs.parquet) instead of the
CSV files: the same columns and rows, typed (dates as DATE, undefined
values as NULL) and compressed, a fifth of the size, for DuckDB, pandas
and Arrow (docs/metrics.md).

To redraw the figures at another size, in another format or for some
regions, methods or platforms only, use 'interopsim plot'.

SCENARIO is the name of a built-in scenario (see 'interopsim scenarios')
or a scenario file; without it, ` + scenarios.Default + ` runs.

A run that would need more than 90% of the available memory is refused.`,
	example: `interopsim run
interopsim run flagship.yaml --agents 100k --seed 7 --out results/flagship-7
interopsim run --format png,pdf
interopsim run --runs 40 --param-draws 20 --draws out/my-world-calibrate/draws.csv
interopsim run --no-plots
interopsim run --set end=2122-08-31 --agents 20000 --no-plots --table parquet`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts RunOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			opts.changed(fs)
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
	o.jobOptions.addFlags(fs, "out/<scenario name>", 1, "run `N` replicates, replicate i drawing from the random streams of (seed, i); metrics.csv holds their number, mean, sd and 5th, 50th and 95th percentiles")
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
	// ParamDraws is the number K of parameter sets of the replicates
	// (replicate r runs with set r mod K); 0 means none.
	ParamDraws int
	// DrawsFile is the draws file of --draws; empty means the scenario's
	// parameter_draws.
	DrawsFile string

	// Sets are the --set overrides, applied after --seed and --agents.
	Sets setFlag
	// Shard is --shard I/N: run only those replicates (see runShard).
	Shard string
	// Table is the format of the tables (metrics.csv or metrics.parquet
	// and the others).
	Table tableFlag

	// runsSet and paramDrawsSet say that --runs and --param-draws were
	// given.
	runsSet, paramDrawsSet bool
}

// changed records which of the flags of fs, parsed, were given.
func (o *jobOptions) changed(fs *pflag.FlagSet) {
	o.runsSet, o.paramDrawsSet = fs.Changed("runs"), fs.Changed("param-draws")
}

// addFlags adds the shared flags to fs: --out with the description of its
// default, --runs with its default and help.
func (o *jobOptions) addFlags(fs *pflag.FlagSet, out string, runs int, runsUsage string) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default "+out+", with -seedN, -agentsN, -runsN or -meanfield appended when those flags change the results; interopsim-out/... if out is a file)")
	fs.Var(&o.Seed, "seed", "use the random seed `N` instead of the scenario's")
	fs.Var(&o.Agents, "agents", "simulate `N` agents in all instead of the scenario's number, shared out in its proportions; N may be written 100000, 100_000, 100k, 2m or 2M (m is million), 1.5M or 4e5, or population (one agent per person; best with --engine counts)")
	fs.Var(&o.Workers, "workers", "use `N` worker threads; 0 uses every core (results do not depend on it)")
	fs.Var(&o.Engine, "engine", "simulate with `ENGINE`: agents (every agent drawn at random), counts (the numbers of agents in each state drawn at random: the same law, at a cost that does not grow with agents) or meanfield (the exact expected values)")
	fs.IntVar(&o.Runs, "runs", runs, runsUsage)
	addSwitch(fs, &o.KeepRuns, "keep-runs", "", "with --runs N (N of 2 or more), also write every replicate (runs.csv)")
	fs.IntVar(&o.ParamDraws, "param-draws", 0, "carry parameter uncertainty into the intervals: replicate r runs with parameter set r mod `K`, set i being draw i of the scenario's parameter_draws (or of --draws); without --runs, K replicates (one per set), and with --engine meanfield always K runs")
	fs.StringVar(&o.DrawsFile, "draws", "", "take the parameter sets of --param-draws from `FILE` (such as the draws.csv of interopsim calibrate) instead of the scenario's parameter_draws")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.Force, "force", "", "replace the results of a job with other inputs in the output directory (files interopsim did not write are never replaced), and run a horizon of more than 100,000 steps or 200 years, otherwise refused as a likely typo")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figures (and remove those an earlier job wrote in the output directory, if unchanged)")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figures without titles and subtitles (papers give them in captions)")
	fs.Var(&o.Table, "table", "write the tables (metrics, and baseline, effects and runs where written) as `FORMAT`: csv, or parquet (metrics.parquet and so on: typed columns, compressed, for DuckDB, pandas, Arrow and Spark)")
	o.Sets.register(fs)
	fs.StringVar(&o.Shard, "shard", "", "with --runs N, run only the slice `I/K` of the replicates (r mod K = I-1) into a shard directory, for interopsim merge")
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
	if o.Agents.population {
		n, err := sc.PopulationAgents()
		if err != nil {
			return nil, usagef(cmd, "--agents population: %w", err)
		}
		o.Agents.n = n
	}
	if o.Agents.set {
		if err := sc.SetAgents(o.Agents.n); err != nil {
			return nil, usagef(cmd, "--agents %d: %w", o.Agents.n, err)
		}
	}
	if err := o.Sets.apply(cmd, sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// checkRuns checks --runs against the engine and --keep-runs, and
// --table against --shard.
func (o *jobOptions) checkRuns(cmd string) error {
	if o.Shard != "" && o.Table.format == output.Parquet {
		return usagef(cmd, "--table parquet: a shard writes its replicates as replicates.csv, for interopsim merge, which writes the tables as CSV; leave --table out")
	}
	if o.Runs < 1 {
		return usagef(cmd, "--runs %d: want at least 1", o.Runs)
	}
	if o.Runs > 1 && o.Engine.engine == sim.MeanField && o.ParamDraws == 0 {
		return usagef(cmd, "--runs %d: the mean-field engine is deterministic, every replicate would be the same; use --engine agents or --runs 1", o.Runs)
	}
	if o.KeepRuns && o.Runs == 1 {
		fix := "add --runs N with N of 2 or more"
		if o.Engine.engine == sim.MeanField {
			fix = "use --engine agents with --runs N"
		}
		return usagef(cmd, "--keep-runs writes every replicate of an ensemble, and there is only one: %s, or leave --keep-runs out", fix)
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
	ps, err := opts.setupDraws("run", sc)
	if err != nil {
		return err
	}
	if err := opts.checkRuns("run"); err != nil {
		return err
	}
	if opts.Shard != "" {
		return runShard(ctx, "run", &opts.jobOptions, nil, sc, nil, stdout, stderr)
	}
	cfg := &sc.Config
	engine := opts.Engine.engine
	runs := opts.Runs
	if err := checkHorizon("run", cfg, engine, runs, opts.Force); err != nil {
		return err
	}
	if err := checkMemory(cfg, engine, memoryJob{runs: runs, keepRuns: opts.KeepRuns, plots: !opts.NoPlots, parquet: opts.Table.format == output.Parquet}); err != nil {
		return err
	}
	resolved, jobID, err := jobOf(sc, engine, runs, ps)
	if err != nil {
		return err
	}
	dir := opts.Out
	if dir == "" {
		dir = defaultOut(cfg.Name + opts.variant(1))
	}
	out, err := prepareOut(dir, jobID, opts.mayWrite(false, sc), opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()

	prog := newProgress(stderr, isTerminal(stderr), opts.Quiet, cfg.Name, runs, cfg.Warmup+cfg.Steps, time.Now).withWarmup(cfg.Warmup)
	j := &job{ctx: ctx, engine: engine, workers: opts.Workers.n, prog: prog, sets: ps}
	start := time.Now()
	rs, err := j.ensemble(sc, runs)
	wall := time.Since(start)
	if err != nil {
		prog.done()
		out.Abandon()
		if errors.Is(err, errCanceled) {
			return errors.New(interruptedMessage(j.done, runs, nothingKept))
		}
		return err
	}
	interrupted := func() error {
		prog.done()
		out.Abandon()
		return errors.New(interruptedMessage(j.done, runs, nothingKept))
	}
	prog.phase("tabulating results")
	type tabulated struct {
		files   []output.File
		summary *output.Summary
	}
	tab, err := interruptible(ctx, func() (tabulated, error) {
		files, summary, err := resultFiles(ctx, sc, resolved, rs, opts.KeepRuns, opts.Table.String(), runInfo(ctx, sc, engine, wall, ps))
		return tabulated{files, summary}, err
	})
	if errors.Is(err, errCanceled) {
		return interrupted()
	}
	if err != nil {
		prog.done()
		out.Abandon()
		return err
	}
	files, summary := tab.files, tab.summary
	var plotWall time.Duration // drawing the figures, reported apart from the run's wall time
	if !opts.NoPlots {
		prog.phase("drawing figures")
		plotStart := time.Now()
		fopt := figureOptions(opts.Formats.list(), opts.NoTitle, sc.Seed)
		fopt.Uncertainty = summary.Uncertainty
		figs, err := figureFiles(ctx, figureStats(rs), &sc.Config, fopt, opts.Workers.n)
		if errors.Is(err, errCanceled) {
			return interrupted()
		}
		if err != nil {
			prog.done()
			out.Abandon()
			return err
		}
		plotWall = time.Since(plotStart)
		files = append(files, figs...)
	}
	rep := output.ReportInput{
		Config: cfg, Scenario: cfg.Name, Description: sc.Description, Summary: summary,
		Figures: embedded(files), MetricsFile: output.TableFile(output.MetricsFile, opts.Table.String()),
	}
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error { return output.WriteMarkdown(w, rep) }})
	if ctx.Err() != nil {
		return interrupted()
	}
	prog.phase("writing results")
	err = out.WriteJob(ctx, files, summary)
	prog.done()
	if err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return errors.New(interruptedMessage(j.done, runs, nothingKept))
		}
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	if err := report(stdout, sc, engine, runs, ps, summary.Uncertainty, wall, plotWall, out, summary.Files); err != nil {
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

// jobOf returns the resolved scenario sc (the bytes of its scenario.yaml)
// and the Job of running it runs times with engine and the parameter sets
// ps (nil for none).
func jobOf(sc *scenarios.Scenario, engine sim.Engine, runs int, ps *paramSets) ([]byte, output.Job, error) {
	resolved, err := scenarios.Marshal(forOutput(sc))
	if err != nil {
		return nil, output.Job{}, fmt.Errorf("resolve scenario %s: %w", sc.Config.Name, err)
	}
	job := output.Job{
		Scenario: sc.Config.Name, File: sc.File, ResolvedSHA256: output.ResolvedSHA256(resolved),
		Seed: sc.Seed, Agents: sc.Config.Agents(), Engine: engine.String(), Runs: runs,
	}
	if ps != nil {
		job.ParamDraws, job.DrawsSHA256 = ps.k, ps.draws.SHA256
	}
	return resolved, job, nil
}

// nothingKept says what an interrupted job leaves.
const nothingKept = "nothing written; the output directory is as it was"

// variant returns what the flags that change a job's results add to its
// default directory's name, such as "-seed7-agents2M-runs20-meanfield",
// so that jobs with different flags never share a default directory:
// --seed and --agents when given, --runs when not defaultRuns, the
// engine when not the agents, --param-draws when given. (With
// --param-draws K, --runs is named when not K; the draws file's content
// is not in the name but in the directory's record: another file is
// refused.)
func (o *jobOptions) variant(defaultRuns int) string {
	var v strings.Builder
	if o.Seed.set {
		fmt.Fprintf(&v, "-seed%d", o.Seed.seed)
	}
	if o.Agents.population {
		v.WriteString("-population")
	} else if o.Agents.set {
		v.WriteString("-agents" + compactCount(o.Agents.n))
	}
	if o.ParamDraws > 0 {
		// K replicates, one per parameter set, go without saying.
		defaultRuns = o.ParamDraws
	}
	if o.Runs != defaultRuns {
		fmt.Fprintf(&v, "-runs%d", o.Runs)
	}
	if o.Engine.engine != sim.AgentBased {
		v.WriteString("-" + o.Engine.engine.String())
	}
	if o.ParamDraws > 0 {
		fmt.Fprintf(&v, "-draws%d", o.ParamDraws)
	}
	v.WriteString(o.Sets.variant())
	return v.String()
}

// compactCount writes n with a k or M suffix when that is exact:
// 2000000 is "2M", 100000 "100k", 123456 "123456".
func compactCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// mayWrite returns the names of every file the job on sc may write: its
// data files, the copy of its parameter draws and, unless --no-plots, its
// figures in the formats asked for.
func (o *jobOptions) mayWrite(comparison bool, sc *scenarios.Scenario) []string {
	table := func(name string) string { return output.TableFile(name, o.Table.String()) }
	names := []string{table(output.MetricsFile), output.SummaryFile, output.ScenarioFile, output.ReportFile}
	for _, f := range drawsFiles(sc) {
		names = append(names, f.Name)
	}
	figs := plots.Names()
	if comparison {
		names = append(names, table(output.BaselineFile), output.BaselineScenarioFile, table(output.EffectsFile), output.EffectsAtFile)
		figs = append(figs, plots.EffectNames()...)
	}
	if o.KeepRuns {
		names = append(names, table(output.RunsFile))
		if comparison {
			names = append(names, table(output.BaselineRunsFile))
		}
	}
	if !o.NoPlots {
		for _, f := range figs {
			for _, format := range o.Formats.list() {
				names = append(names, output.PlotsDir+"/"+f+"."+format)
			}
		}
	}
	return names
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

// prepareOut makes dir ready for the results of job (see
// output.PrepareDir), with advice on what to do when it is refused.
func prepareOut(dir string, job output.Job, mayWrite []string, force bool) (*output.Dir, error) {
	d, err := output.PrepareDir(dir, job, mayWrite, force)
	var inUse *output.DirInUseError
	if errors.As(err, &inUse) && inUse.Forceable {
		return nil, fmt.Errorf("%w; to keep both, choose another directory (--out %s), or give --force to replace them",
			err, freeSibling(dir))
	}
	return d, err
}

// freeSibling returns dir-2, dir-3, ... : the first that does not exist.
func freeSibling(dir string) string {
	clean := filepath.Clean(dir)
	for i := 2; ; i++ {
		d := fmt.Sprintf("%s-%d", clean, i)
		if _, err := os.Lstat(d); errors.Is(err, fs.ErrNotExist) {
			return d
		}
	}
}

// runInfo returns what the summary of a job on sc records about how it
// ran: the scenario's file, source and seed, the engine, the command line
// of ctx (see withCommandLine), the time now, wall and the parameter sets
// ps (nil for none).
func runInfo(ctx context.Context, sc *scenarios.Scenario, engine sim.Engine, wall time.Duration, ps *paramSets) output.RunInfo {
	info := output.RunInfo{
		File: sc.File, Source: sc.Source, Seed: sc.Seed, Engine: engine,
		Command: commandLine(ctx), Created: time.Now(), Wall: wall,
	}
	if ps != nil {
		info.Draws = ps.info()
	}
	return info
}

// commandLineKey is the context key of the command line.
type commandLineKey struct{}

// withCommandLine returns ctx carrying args, the command line after the
// program's name, for summary.json.
func withCommandLine(ctx context.Context, args []string) context.Context {
	return context.WithValue(ctx, commandLineKey{}, slices.Clone(args))
}

// commandLine returns the command line that ctx carries, or nil.
func commandLine(ctx context.Context) []string {
	args, _ := ctx.Value(commandLineKey{}).([]string)
	return args
}

// resultFiles returns the data files of a run's output directory and its
// summary, whose provenance is info with the hash of resolved, the
// scenario.yaml: metrics.csv (or metrics.parquet, as table says) holds
// the statistics of the replicates rs (of one replicate for a single
// run), and runs.csv every replicate when keepRuns is set and there are
// several. Both are written from rs as they go, and the summary's
// figures are looked up in it; the writers stop when ctx ends.
func resultFiles(ctx context.Context, sc *scenarios.Scenario, resolved []byte, rs *output.Runs, keepRuns bool, table string, info output.RunInfo) ([]output.File, *output.Summary, error) {
	info.Resolved = resolved
	summary, err := output.NewSummary(rs, &sc.Config, info)
	if err != nil {
		return nil, nil, err
	}
	files := append([]output.File{
		metricsFile(ctx, output.MetricsFile, table, rs),
		{Name: output.ScenarioFile, Write: writeBytes(resolved)},
	}, drawsFiles(sc)...)
	if keepRuns && rs.Replicates() > 1 {
		files = append(files, runsFile(ctx, output.RunsFile, table, rs))
	}
	return files, summary, nil
}

// metricsFile returns the file holding the statistics st in the layout
// of metrics.csv (output.StatColumns), which is the same for a single
// run, an ensemble and either engine: name (metrics.csv, baseline.csv,
// effects.csv) as CSV, or with .parquet as Parquet (output.TableFile).
func metricsFile(ctx context.Context, name, table string, st output.Statistics) output.File {
	if table == output.Parquet {
		return output.File{Name: output.TableFile(name, table), Write: func(w io.Writer) error { return output.WriteStatParquet(ctx, w, st) }}
	}
	return output.File{Name: name, Write: func(w io.Writer) error { return output.WriteStatCSV(ctx, w, st) }}
}

// runsFile returns the file holding every replicate of rs in the layout
// of runs.csv (output.RunColumns): name as CSV, or with .parquet as
// Parquet.
func runsFile(ctx context.Context, name, table string, rs *output.Runs) output.File {
	if table == output.Parquet {
		return output.File{Name: output.TableFile(name, table), Write: func(w io.Writer) error { return output.WriteRunsParquet(ctx, w, rs) }}
	}
	return output.File{Name: name, Write: func(w io.Writer) error { return output.WriteRunsCSV(ctx, w, rs) }}
}

// figureStats returns the statistics of rs that the figures draw
// (plots.Metrics), as a table in memory: the only table of rows a job
// builds.
func figureStats(rs *output.Runs) *output.StatTable { return rs.StatTable(plots.Metrics()) }

// figureFiles draws the figures of a run in every format, as files of
// plots/. They are drawn from the statistics as rounded in metrics.csv, so
// that 'interopsim plot' redraws them byte for byte. When ctx ends it
// returns errCanceled at once (see interruptible).
func figureFiles(ctx context.Context, st *output.StatTable, cfg *sim.Config, opt plots.Options, workers int) ([]output.File, error) {
	return interruptible(ctx, func() ([]output.File, error) {
		figs, err := plots.Figures(st.Rounded(), cfg, cfg.Name, opt)
		if err != nil {
			return nil, fmt.Errorf("draw figures: %w", err)
		}
		return renderFiles(ctx, figs, opt, workers)
	})
}

// renderFiles renders figs in every format of opt, as files of plots/.
// When ctx ends it returns errCanceled once the figures under way are
// drawn.
func renderFiles(ctx context.Context, figs []plots.Figure, opt plots.Options, workers int) ([]output.File, error) {
	rendered, err := plots.Render(ctx, figs, opt, workers)
	if ctx.Err() != nil {
		return nil, errCanceled
	}
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

// report prints what was run and written: the files as recorded, then
// summary.json, and the files of the directory left alone.
func report(w io.Writer, sc *scenarios.Scenario, engine sim.Engine, runs int, ps *paramSets, u *output.Uncertainty, wall, plotWall time.Duration, out *output.Dir, files []output.FileRecord) error {
	cfg := &sc.Config
	t := newTable(w)
	t.rowf("scenario\t%s (%s)", cfg.Name, scenarioSource(sc))
	t.row("agents", fmtCount(float64(cfg.Agents())))
	t.rowf("steps\t%d %ss, %s to %s", cfg.Steps, cfg.Step, cfg.Start.Format(output.DateLayout), cfg.End().AddDate(0, 0, -1).Format(output.DateLayout)) // the last day, as the report says
	t.row("seed", fmt.Sprint(sc.Seed))
	t.row("engine", engine.String())
	if runs > 1 {
		t.rowf("runs\t%d replicates, streams (seed, 0) to (seed, %d)", runs, runs-1)
	}
	if ps != nil {
		t.rowf("parameter sets\t%d draws of %s from %s; replicate r runs with set r mod %d", ps.k, strings.Join(ps.draws.Names, ", "), ps.source, ps.k)
	}
	if runs > 1 {
		t.row("intervals", u.Label())
	}
	t.row("wall time", fmtDuration(wall))
	if plotWall > 0 {
		t.row("figures drawn in", fmtDuration(plotWall))
	}
	t.row("output", out.Path)
	if err := t.flush(); err != nil {
		return err
	}
	for _, f := range files {
		t.row("  "+f.Name, fmtBytes(uint64(f.Bytes)))
	}
	size := "?"
	if fi, err := os.Stat(filepath.Join(out.Path, output.SummaryFile)); err == nil {
		size = fmtBytes(uint64(fi.Size()))
	}
	t.row("  "+output.SummaryFile, size)
	if foreign := out.Foreign(); len(foreign) > 0 {
		what := "files"
		if len(foreign) == 1 {
			what = "file"
		}
		t.rowf("left alone\t%d %s that interopsim did not write: %s", len(foreign), what, strings.Join(foreign, ", "))
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
