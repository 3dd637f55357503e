package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/calibrate"
	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var calibrateCommand = &command{
	name:  "calibrate",
	args:  "SCENARIO",
	short: "fit free parameters of a scenario to observed data",
	long: `Fit free parameters of a scenario to observed data with the mean-field
engine, and write the fitted scenario and how well it fits.

The data file (--data, or the data of the scenario's calibrate section,
relative to the scenario file) is a CSV with the columns
period,region,metric,entity,value and optionally weight and sd. A period
is a day (2024-09-12: the step containing it), a month (2024-09), a
quarter (2024-Q3) or a year (2024); the model's value is the mean of the
metric over the steps of the period. region is a region's name or all;
metric and entity are as in metrics.csv. A bad row is reported with its
row and column, and nothing is written.

The free parameters (--free PARAM=LO:HI, repeatable, or the free list of
the scenario's calibrate section; a flag replaces the section's bounds
of the same parameter and adds others) are named as in set events:
behaviour.gamma, methods.wechat_pay.appeal, platforms.jd.loyalty,
regions.rural.shopping_rate, ...

The fit minimises the weighted sum of squared errors, sum of
weight/sd^2 * (model - observed)^2, with Nelder-Mead in a logit space that
keeps every parameter inside its bounds, from --starts starts (the
scenario's values, then points drawn within the bounds from --seed), and
keeps the best. The intervals are 95% profile likelihood intervals; a
parameter whose profile reaches a bound, on which the data do not depend,
or whose estimate correlates above 0.95 with another's is reported as
not pinned down by the data. See docs/calibration.md.

With --holdout DATE only the data whose period ends by DATE are fitted;
for the data after it, the report gives each series' mean absolute error
(in percentage points for shares) against the naive forecast that carries
the last fitted observation forward.

The output directory (default out/<scenario>-calibrate, with -holdoutDATE,
-seedN, -startsN, -drawsN or -laplace appended for those flags) receives
fitted.yaml (the scenario with the fitted values, which 'interopsim run'
runs as is), parameters.csv, fit.csv (every data point with the fitted
value), draws.csv (--draws N draws of the free parameters from their
distribution given the data, for run and compare --param-draws;
fitted.yaml names it as its parameter_draws), holdout.csv with
--holdout, summary.md, summary.json and plots/fit.png: the data against the fitted curve, over the band of
--band-runs agent-engine runs at the fitted values (min to max). Files
interopsim did not write are never replaced.`,
	example: `interopsim calibrate my-world.yaml --data observed.csv --free behaviour.gamma=0:3 --free methods.wechat_pay.appeal=-1:1
interopsim calibrate my-world.yaml                  # the scenario's calibrate section
interopsim calibrate my-world.yaml --holdout 2024-09-01 --starts 8`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts CalibrateOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runCalibrate(ctx, opts, args, stdout, stderr)
		}
	},
}

// CalibrateOptions are the flags of the calibrate command.
type CalibrateOptions struct {
	// Data is the data file; empty means the scenario's.
	Data string
	// Free are the free parameters as PARAM=LO:HI.
	Free []string
	// Holdout is the holdout date, if set.
	Holdout dateFlag
	// Starts is the number of starts of the optimiser.
	Starts int
	// Seed seeds the starts; unset means the scenario's seed.
	Seed seedFlag
	// Workers is the number of worker goroutines; 0 means every core.
	Workers workersFlag
	// BandRuns is the number of agent-engine runs of the figure's band.
	BandRuns int
	// NoIntervals skips the profile likelihood intervals.
	NoIntervals bool
	// Out is the output directory; empty means out/<scenario>-calibrate.
	Out string
	// Force allows replacing another job's results.
	Force bool
	// NoPlots skips the figures.
	NoPlots bool
	// NoTitle leaves out the figure's title and subtitle.
	NoTitle bool
	// Quiet suppresses the report.
	Quiet bool
	// Draws is the number of parameter draws of draws.csv; 0 writes none.
	Draws int
	// DrawMethod is how they are drawn.
	DrawMethod drawMethodFlag
}

// drawMethodFlag is a pflag.Value holding a calibrate.DrawMethod.
type drawMethodFlag struct{ m calibrate.DrawMethod }

func (f *drawMethodFlag) String() string { return f.m.String() }
func (f *drawMethodFlag) Type() string   { return "method" }

// Set accepts sir or laplace.
func (f *drawMethodFlag) Set(s string) error {
	m, err := calibrate.ParseDrawMethod(s)
	if err != nil {
		return err
	}
	f.m = m
	return nil
}

// defaultDraws is the default of --draws.
const defaultDraws = 200

// AddFlags adds the calibrate command's flags to fs.
func (o *CalibrateOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Data, "data", "", "fit to the data in `FILE.csv` (default: the data of the scenario's calibrate section)")
	fs.StringArrayVar(&o.Free, "free", nil, "free a parameter, written `PARAM=LO:HI` as in behaviour.gamma=0:3 (repeatable; adds to the scenario's calibrate section, replacing its bounds of the same parameter)")
	fs.Var(&o.Holdout, "holdout", "fit only the data whose period ends by `DATE` (YYYY-MM-DD) and score the forecast of the data after it")
	fs.IntVar(&o.Starts, "starts", defaultStarts, "run the optimiser from `N` starts: the scenario's values, then points drawn within the bounds")
	fs.Var(&o.Seed, "seed", "draw the starts from the random seed `N` (default the scenario's seed)")
	fs.Var(&o.Workers, "workers", "use `N` worker threads; 0 uses every core (results do not depend on it)")
	fs.IntVar(&o.BandRuns, "band-runs", 5, "draw the figure's band from `N` agent-engine runs at the fitted values; 0 draws none")
	addSwitch(fs, &o.NoIntervals, "no-intervals", "", "skip the profile likelihood intervals (faster)")
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default out/<scenario name>-calibrate, with -holdoutDATE, -seedN, -startsN, -drawsN or -laplace appended when those flags are given)")
	addSwitch(fs, &o.Force, "force", "", "replace the results of another job in the output directory (files interopsim did not write are never replaced)")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "draw no figures")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figure without its title and subtitle (papers give them in captions)")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	fs.IntVar(&o.Draws, "draws", defaultDraws, "write `N` draws from the parameters' distribution given the data to draws.csv (for run and compare --param-draws); 0 writes none")
	fs.Var(&o.DrawMethod, "draw-method", "draw with `METHOD`: sir (the Laplace approximation refined by sampling-importance-resampling with the true loss, 5 mean-field runs per draw) or laplace (the Gaussian approximation alone, no runs)")
}

// dateFlag is a pflag.Value holding a date.
type dateFlag struct {
	t   time.Time
	set bool
}

func (f *dateFlag) String() string {
	if !f.set {
		return ""
	}
	return f.t.Format(output.DateLayout)
}
func (f *dateFlag) Type() string { return "date" }

// Set accepts a date written YYYY-MM-DD.
func (f *dateFlag) Set(s string) error {
	t, err := time.Parse(output.DateLayout, s)
	if err != nil {
		return fmt.Errorf("want a date written YYYY-MM-DD, such as 2024-09-01")
	}
	f.t, f.set = t, true
	return nil
}

// Names of the files of a calibration's output directory.
const (
	fittedFile     = "fitted.yaml"
	parametersFile = "parameters.csv"
	fitFile        = "fit.csv"
	holdoutFile    = "holdout.csv"
	drawsFile      = "draws.csv"
)

// calibrateInputs are a calibration's checked inputs.
type calibrateInputs struct {
	sc       *scenarios.Scenario
	free     []scenarios.Free
	dataPath string
	dataRaw  []byte
	data     *calibrate.Data
	seed     uint64
}

// calibrateSetup checks the flags and reads the scenario and data.
func calibrateSetup(opts CalibrateOptions, args []string) (*calibrateInputs, error) {
	if len(args) != 1 {
		return nil, usagef("calibrate", "want one scenario, got %d: %v", len(args), args)
	}
	if opts.Starts < 1 {
		return nil, usagef("calibrate", "--starts %d: want at least 1", opts.Starts)
	}
	if opts.Draws < 0 {
		return nil, usagef("calibrate", "--draws %d: want 0 (no draws.csv) or more", opts.Draws)
	}
	if opts.BandRuns < 0 {
		return nil, usagef("calibrate", "--band-runs %d: want 0 or more", opts.BandRuns)
	}
	sc, err := loadScenario(args[0])
	if err != nil {
		return nil, err
	}
	in := &calibrateInputs{sc: sc, seed: sc.Seed}
	if opts.Seed.set {
		in.seed = opts.Seed.seed
	}
	if cal := sc.Calibration; cal != nil {
		in.free = append(in.free, cal.Free...)
		in.dataPath = cal.DataPath
	}
	for _, s := range opts.Free {
		f, err := scenarios.ParseFree(&sc.Config, s)
		if err != nil {
			return nil, usagef("calibrate", "--free %w", err)
		}
		replaced := false
		for i := range in.free {
			if in.free[i].Param == f.Param {
				in.free[i], replaced = f, true
			}
		}
		if !replaced {
			in.free = append(in.free, f)
		}
	}
	if len(in.free) == 0 {
		return nil, usagef("calibrate", "no free parameters: give --free PARAM=LO:HI (such as behaviour.gamma=0:3), or a calibrate: free: list in the scenario")
	}
	if opts.Data != "" {
		in.dataPath = opts.Data
	}
	if in.dataPath == "" {
		return nil, usagef("calibrate", "no data: give --data FILE.csv, or a calibrate: data: file in the scenario")
	}
	if opts.Data != "" {
		in.dataRaw, err = readfile.ReadFile(in.dataPath, "calibration data file", scenarios.MaxDataBytes)
	} else {
		in.dataRaw, err = sc.CalibrationData()
	}
	if err != nil {
		return nil, fmt.Errorf("read data: %w", err)
	}
	in.data, err = calibrate.ReadData(bytes.NewReader(in.dataRaw), in.dataPath, &sc.Config)
	if err != nil {
		return nil, err
	}
	if opts.Holdout.set {
		var fitted, held int
		for _, p := range in.data.Points {
			switch {
			case !p.To.After(opts.Holdout.t):
				fitted++
			case !p.From.Before(opts.Holdout.t):
				held++
			}
		}
		if fitted == 0 || held == 0 {
			return nil, usagef("calibrate", "--holdout %s: %d data points end by it and %d start after it; want some of each",
				opts.Holdout.String(), fitted, held)
		}
	}
	return in, nil
}

// runCalibrate runs the calibrate command.
func runCalibrate(ctx context.Context, opts CalibrateOptions, args []string, stdout, stderr io.Writer) error {
	in, err := calibrateSetup(opts, args)
	if err != nil {
		return err
	}
	sc := in.sc
	cfg := &sc.Config
	if err := checkMemory(cfg, sim.MeanField, memoryJob{calibrate: true, workers: opts.Workers.n, bandRuns: opts.BandRuns, plots: true}); err != nil {
		return err
	}
	// The job's identity: the scenario as resolved with the calibration
	// as run, the data and every flag that changes the results.
	spec := *sc
	spec.Calibration = &scenarios.Calibration{Free: in.free, Data: in.dataPath}
	resolved, err := scenarios.Marshal(&spec)
	if err != nil {
		return fmt.Errorf("resolve scenario: %w", err)
	}
	dataSum := sha256.Sum256(in.dataRaw)
	identity := fmt.Sprintf("%s\ndata %x\nholdout %s\nstarts %d\nseed %d\nband-runs %d\nintervals %v\ndraws %d %s\n",
		resolved, dataSum, opts.Holdout.String(), opts.Starts, in.seed, opts.BandRuns, !opts.NoIntervals, opts.Draws, opts.DrawMethod.m)
	idSum := sha256.Sum256([]byte(identity))
	jobID := output.Job{
		Scenario: cfg.Name, File: sc.File, ResolvedSHA256: hex.EncodeToString(idSum[:]),
		Seed: in.seed, Agents: cfg.Agents(), Engine: "calibrate", Runs: 1,
	}
	dir := opts.Out
	if dir == "" {
		dir = defaultOut(cfg.Name + "-calibrate" + opts.variant())
	}
	mayWrite := []string{fittedFile, parametersFile, fitFile, holdoutFile, drawsFile, output.ReportFile, output.SummaryFile, output.PlotsDir + "/fit.png"}
	out, err := prepareOut(dir, jobID, mayWrite, opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()

	free := make([]calibrate.Free, len(in.free))
	for i, f := range in.free {
		free[i] = calibrate.Free{Name: f.Name, Param: f.Param, Lo: f.Lo, Hi: f.Hi}
	}
	if !opts.Quiet {
		fmt.Fprintf(stderr, "calibrating %d parameters of %s on %d data points from %d starts (mean-field engine)...\n",
			len(free), cfg.Name, len(in.data.Points), opts.Starts)
	}
	start := time.Now()
	var mu sync.Mutex
	last := start
	progress := func(evals int) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); !opts.Quiet && now.Sub(last) >= 5*time.Second {
			last = now
			fmt.Fprintf(stderr, "  %d evaluations, %s\n", evals, fmtDuration(now.Sub(start).Round(time.Second)))
		}
	}
	res, err := calibrate.Fit(&calibrate.Problem{Config: cfg, Free: free, Data: in.data, Holdout: opts.Holdout.t},
		&calibrate.Settings{Starts: opts.Starts, Seed: in.seed, Workers: opts.Workers.n, NoIntervals: opts.NoIntervals,
			Cancel: func() bool { return ctx.Err() != nil }, Progress: progress})
	if err != nil {
		out.Abandon()
		if errors.Is(err, calibrate.ErrCanceled) {
			return errors.New("calibration interrupted; " + nothingKept)
		}
		return fmt.Errorf("calibrate %s: %w", cfg.Name, err)
	}
	var draws *calibrate.Draws
	var drawsCSV []byte
	if opts.Draws > 0 {
		draws, err = calibrate.Draw(&calibrate.Problem{Config: cfg, Free: free, Data: in.data, Holdout: opts.Holdout.t}, res,
			&calibrate.DrawSettings{N: opts.Draws, Method: opts.DrawMethod.m, Seed: in.seed, Workers: opts.Workers.n,
				Cancel: func() bool { return ctx.Err() != nil }, Progress: func(n int) { progress(res.Evals + n) }})
		if err != nil {
			out.Abandon()
			if errors.Is(err, calibrate.ErrCanceled) {
				return errors.New("calibration interrupted; " + nothingKept)
			}
			return fmt.Errorf("calibrate %s: --draws %d: %w (give --draws 0 to write no draws)", cfg.Name, opts.Draws, err)
		}
		drawsCSV = drawsBytes(cfg.Name, in.seed, draws)
	}
	fitWall := time.Since(start)

	fitted := *sc
	fitted.Config = *res.Config
	fitted.Config.Name = cfg.Name + "-fitted"
	fitted.Description = fmt.Sprintf("%s with %s fitted to %s by interopsim calibrate.", cfg.Name, paramList(in.free), in.dataPath)
	fitted.Calibration = nil
	if draws != nil {
		set, err := scenarios.ReadDraws(drawsCSV, drawsFile, &fitted.Config)
		if err != nil {
			return fmt.Errorf("check %s: %w", drawsFile, err)
		}
		fitted.SetParameterDraws(set, drawsFile)
	} else {
		fitted.ParameterDraws = nil
	}
	fittedYAML, err := scenarios.Marshal(&fitted)
	if err != nil {
		return fmt.Errorf("write fitted scenario: %w", err)
	}
	header := fmt.Sprintf("# Fitted by: interopsim %s\n# Loss %s over %d data points; parameters.csv has the intervals.\n",
		shellWords(commandLine(ctx)), fmtG(res.Loss), res.N)
	fittedYAML = append([]byte(header), fittedYAML...)

	files := []output.File{
		{Name: fittedFile, Write: writeBytes(fittedYAML)},
		{Name: parametersFile, Write: func(w io.Writer) error { return writeParameters(w, res) }},
		{Name: fitFile, Write: func(w io.Writer) error { return writeFit(w, res) }},
	}
	if draws != nil {
		files = append(files, output.File{Name: drawsFile, Write: writeBytes(drawsCSV)})
	}
	if res.Holdout != nil {
		files = append(files, output.File{Name: holdoutFile, Write: func(w io.Writer) error { return writeHoldout(w, res) }})
	}
	var figs []string
	if !opts.NoPlots {
		fig, err := fitFigure(ctx, &fitted, res, in, opts)
		if err != nil {
			out.Abandon()
			return err
		}
		rendered, err := plots.Render(ctx, []plots.Figure{fig}, figureOptions(nil, opts.NoTitle, in.seed), opts.Workers.n)
		if ctx.Err() != nil {
			out.Abandon()
			return errors.New("calibration interrupted; " + nothingKept)
		}
		if err != nil {
			out.Abandon()
			return fmt.Errorf("draw figures: %w", err)
		}
		for _, r := range rendered {
			files = append(files, output.File{Name: output.PlotsDir + "/" + r.Name, Write: writeBytes(r.Data)})
			figs = append(figs, output.PlotsDir+"/"+r.Name)
		}
	}
	wall := time.Since(start)
	report := calibrationReport(sc, res, in, opts, figs, draws)
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error {
		_, err := io.WriteString(w, report)
		return err
	}})
	summary := calibrationSummary(ctx, sc, resolved, in, jobID, wall)
	if ctx.Err() != nil {
		out.Abandon()
		return errors.New("calibration interrupted; " + nothingKept)
	}
	if err := out.WriteJob(ctx, files, summary); err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return errors.New("calibration interrupted; " + nothingKept)
		}
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	fmt.Fprintf(stdout, "calibrated %s: %d evaluations in %s (fit, intervals and draws), %s in all; output %s\n\n",
		cfg.Name, res.Evals+drawEvals(draws), fmtDuration(fitWall), fmtDuration(wall), escapeControl(out.Path))
	// The tables name the data file's series.
	if _, err = io.WriteString(stdout, escapeControl(textTables(res))); err != nil {
		return err
	}
	if draws != nil {
		_, err = fmt.Fprintf(stdout, "\n%s\n", escapeControl(drawsSentence(draws)))
	}
	return err
}

// variant returns what the flags that change a calibration's results add
// to its default directory's name, such as "-holdout2024-09-01-seed7", so
// that calibrations with different flags never share a default
// directory. (The free parameters and the data are not in the name: a
// calibration with others is refused, naming the earlier one.)
func (o *CalibrateOptions) variant() string {
	var v strings.Builder
	if o.Holdout.set {
		v.WriteString("-holdout" + o.Holdout.String())
	}
	if o.Seed.set {
		fmt.Fprintf(&v, "-seed%d", o.Seed.seed)
	}
	if o.Starts != defaultStarts {
		fmt.Fprintf(&v, "-starts%d", o.Starts)
	}
	if o.Draws != defaultDraws {
		fmt.Fprintf(&v, "-draws%d", o.Draws)
	}
	if o.DrawMethod.m != calibrate.SIR {
		v.WriteString("-" + o.DrawMethod.m.String())
	}
	return v.String()
}

// defaultStarts is the default of --starts.
const defaultStarts = 4

// fittedWhat says what was fitted, for the figure's subtitle: the
// parameters by name when there are one or two, else how many.
func fittedWhat(free []scenarios.Free) string {
	if len(free) <= 2 {
		return paramList(free) + " fitted"
	}
	return fmt.Sprintf("%d parameters fitted (see parameters.csv)", len(free))
}

// paramList lists the names of free parameters.
func paramList(free []scenarios.Free) string {
	names := make([]string, len(free))
	for i, f := range free {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// fmtG formats a number for tables and CSV: six significant digits, NaN
// as empty.
func fmtG(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// writeParameters writes parameters.csv.
func writeParameters(w io.Writer, res *calibrate.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "value", "lo", "hi", "initial", "lower", "upper", "se", "pinned", "note"})
	for _, e := range res.Params {
		cw.Write([]string{e.Name, fmtG(e.Value), fmtG(e.Lo), fmtG(e.Hi), fmtG(e.Initial),
			fmtG(e.Lower), fmtG(e.Upper), fmtG(e.SE), strconv.FormatBool(e.Pinned), strings.Join(e.Notes, "; ")})
	}
	cw.Flush()
	return cw.Error()
}

// writeFit writes fit.csv.
func writeFit(w io.Writer, res *calibrate.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period", "region", "metric", "entity", "observed", "fitted", "set"})
	for _, p := range res.Points {
		cw.Write([]string{p.Period, p.Key.Region, p.Key.Metric, p.Key.Entity, fmtG(p.Value), fmtG(p.Fitted), p.Set.String()})
	}
	cw.Flush()
	return cw.Error()
}

// writeHoldout writes holdout.csv: the errors in percentage points for
// shares, else in the metric's unit.
func writeHoldout(w io.Writer, res *calibrate.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"region", "metric", "entity", "points", "unit", "mae", "naive_mae"})
	for _, h := range res.Holdout {
		unit, scale := "unit", 1.0
		if h.Share {
			unit, scale = "pp", 100
		}
		cw.Write([]string{h.Key.Region, h.Key.Metric, h.Key.Entity, strconv.Itoa(h.N), unit, fmtG(scale * h.MAE), fmtG(scale * h.NaiveMAE)})
	}
	cw.Flush()
	return cw.Error()
}

// textTables returns the parameters, the per-series fit and the holdout
// report as aligned text.
func textTables(res *calibrate.Result) string {
	var b bytes.Buffer
	t := newTable(&b)
	t.row("parameter", "value", "95% interval", "bounds", "pinned down")
	for _, e := range res.Params {
		t.row(e.Name, fmtG(e.Value), interval(e), fmtG(e.Lo)+" to "+fmtG(e.Hi), pinned(e))
	}
	t.flush()
	fmt.Fprintf(&b, "\nloss %s over %d fitted points (sigma^2 %s)\n\n", fmtG(res.Loss), res.N, fmtG(res.Sigma2))
	t = newTable(&b)
	t.row("series", "points", "RMSE")
	for _, s := range res.Series {
		t.row(s.Key.String(), strconv.Itoa(s.N), errUnit(s.RMSE, s.Share))
	}
	t.flush()
	if res.Holdout != nil {
		b.WriteString("\n")
		t = newTable(&b)
		t.row("held-out series", "points", "MAE", "naive MAE")
		for _, h := range res.Holdout {
			t.row(h.Key.String(), strconv.Itoa(h.N), errUnit(h.MAE, h.Share), errUnit(h.NaiveMAE, h.Share))
		}
		t.flush()
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n)
	}
	return b.String()
}

// interval writes an estimate's interval, "[a, b]" with "bound" for an
// end at a bound.
func interval(e calibrate.Estimate) string {
	if math.IsNaN(e.Lower) {
		return "-"
	}
	lo, hi := fmtG(e.Lower), fmtG(e.Upper)
	if e.LowerOpen {
		lo = "(bound) " + lo
	}
	if e.UpperOpen {
		hi += " (bound)"
	}
	return "[" + lo + ", " + hi + "]"
}

func pinned(e calibrate.Estimate) string {
	if e.Pinned {
		return "yes"
	}
	return "no: " + strings.Join(e.Notes, "; ")
}

// errUnit writes an error in percentage points for a share.
func errUnit(x float64, share bool) string {
	if math.IsNaN(x) {
		return "-"
	}
	if share {
		return strconv.FormatFloat(100*x, 'f', 2, 64) + " pp"
	}
	return fmtG(x)
}

// calibrationReport returns summary.md.
func calibrationReport(sc *scenarios.Scenario, res *calibrate.Result, in *calibrateInputs, opts CalibrateOptions, figs []string, draws *calibrate.Draws) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Calibration of %s\n\n", sc.Config.Name)
	fmt.Fprintf(&b, "Data: `%s`, %d points (%d fitted). Mean-field engine, Nelder-Mead from %d starts (seed %d), best start %d. ",
		in.dataPath, len(res.Points), res.N, len(res.Starts), in.seed, res.Best+1)
	fmt.Fprintf(&b, "Loss (weighted sum of squared errors) %s; σ² %s. Intervals: 95%% profile likelihood (loss within %s of the best).\n\n",
		fmtG(res.Loss), fmtG(res.Sigma2), fmtG(res.Threshold))
	b.WriteString("## Parameters\n\n| parameter | value | 95% interval | bounds | start | pinned down by the data |\n|---|---|---|---|---|---|\n")
	for _, e := range res.Params {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s to %s | %s | %s |\n", e.Name, fmtG(e.Value), interval(e), fmtG(e.Lo), fmtG(e.Hi), fmtG(e.Initial), pinned(e))
	}
	if res.Correlation != nil && len(res.Params) > 1 {
		b.WriteString("\nCorrelations of the estimates (from the Jacobian):\n\n|  |")
		for _, e := range res.Params {
			fmt.Fprintf(&b, " `%s` |", e.Name)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(res.Params)) + "\n")
		for i, e := range res.Params {
			fmt.Fprintf(&b, "| `%s` |", e.Name)
			for j := range res.Params {
				c := res.Correlation[i][j]
				if math.IsNaN(c) {
					b.WriteString(" - |")
				} else {
					fmt.Fprintf(&b, " %.3f |", c)
				}
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## Starts\n\n| start | from | to | loss | evaluations |\n|---|---|---|---|---|\n")
	for i, st := range res.Starts {
		kept := ""
		if i == res.Best {
			kept = " (kept)"
		}
		fmt.Fprintf(&b, "| %d%s | %s | %s | %s | %d |\n", i+1, kept, fmtList(st.From), fmtList(st.Values), fmtG(st.Loss), st.Evals)
	}
	fmt.Fprintf(&b, "\n%d evaluations of the model in all (starts, polish, Jacobian, profiles, final run).\n", res.Evals)
	b.WriteString("\n## Fit by series\n\n| region | metric | entity | points | RMSE |\n|---|---|---|---|---|\n")
	for _, s := range res.Series {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s |\n", s.Key.Region, s.Key.Metric, s.Key.Entity, s.N, errUnit(s.RMSE, s.Share))
	}
	if res.Holdout != nil {
		fmt.Fprintf(&b, "\n## Forecast after %s\n\nMean absolute error of the fitted model on the held-out data, against the naive forecast (the last fitted observation carried forward).\n\n", opts.Holdout.String())
		b.WriteString("| region | metric | entity | points | MAE | naive MAE |\n|---|---|---|---|---|---|\n")
		for _, h := range res.Holdout {
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s |\n", h.Key.Region, h.Key.Metric, h.Key.Entity, h.N, errUnit(h.MAE, h.Share), errUnit(h.NaiveMAE, h.Share))
		}
	}
	if len(res.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range res.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	if draws != nil {
		fmt.Fprintf(&b, "\n## Parameter draws\n\n%s\n", drawsSentence(draws))
	}
	for _, f := range figs {
		fmt.Fprintf(&b, "\n![data and fit](%s)\n", f)
	}
	fmt.Fprintf(&b, "\nFiles: `%s` (runnable: `interopsim run %s`), `%s`, `%s`", fittedFile, fittedFile, parametersFile, fitFile)
	if draws != nil {
		fmt.Fprintf(&b, ", `%s` (`interopsim run %s --param-draws 20 --runs 20` carries them into a run's intervals)", drawsFile, fittedFile)
	}
	b.WriteString(".\n")
	return b.String()
}

// shellWords writes args as a shell command line, quoting those that need
// it.
func shellWords(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// fmtList writes values separated by commas.
func fmtList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmtG(x)
	}
	return strings.Join(parts, ", ")
}

// calibrationSummary returns summary.json: provenance like a run's, with
// the job's identity as its resolved hash.
func calibrationSummary(ctx context.Context, sc *scenarios.Scenario, resolved []byte, in *calibrateInputs, job output.Job, wall time.Duration) *output.Summary {
	return jobSummary(ctx, sc, job, in.seed, wall)
}

// jobSummary returns the summary.json of a job that is not a run (a
// calibration, a tornado): provenance like a run's, with the job's
// identity as its resolved hash and no moments.
func jobSummary(ctx context.Context, sc *scenarios.Scenario, job output.Job, seed uint64, wall time.Duration) *output.Summary {
	cfg := &sc.Config
	src := sha256.Sum256(sc.Source)
	command := commandLine(ctx)
	if command == nil {
		command = []string{}
	}
	return &output.Summary{SchemaVersion: output.SchemaVersion, Moments: []output.Moment{}, Provenance: output.Provenance{
		Scenario: cfg.Name, ScenarioFile: sc.File, ScenarioSHA256: hex.EncodeToString(src[:]),
		ResolvedSHA256: job.ResolvedSHA256, Seed: seed, Runs: 1, Agents: cfg.Agents(),
		Steps: cfg.Steps, StepUnit: cfg.Step.String(), Start: cfg.Start.Format(output.DateLayout), End: cfg.End().Format(output.DateLayout),
		Engine: job.Engine, Version: output.ProgramVersion(), GoVersion: runtime.Version(), Command: command,
		Created: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339), WallSeconds: math.Round(wall.Seconds()*1000) / 1000,
	}}
}

// fitFigure draws the data against the fitted mean-field curve of every
// series, over the band of the agent-engine runs at the fitted values.
func fitFigure(ctx context.Context, fitted *scenarios.Scenario, res *calibrate.Result, in *calibrateInputs, opts CalibrateOptions) (plots.Figure, error) {
	cfg := &fitted.Config
	mf, err := sim.Run(cfg, 0, &sim.Settings{Engine: sim.MeanField})
	if err != nil {
		return plots.Figure{}, err
	}
	var agents []*sim.Result
	for r := range opts.BandRuns {
		a, err := sim.Run(cfg, fitted.Seed, &sim.Settings{Engine: sim.AgentBased, Run: r, Workers: opts.Workers.n,
			Cancel: func() bool { return ctx.Err() != nil }})
		if err != nil {
			return plots.Figure{}, fmt.Errorf("band run %d: %w", r, err)
		}
		agents = append(agents, a)
	}
	dates := mf.Dates()
	var panels []plots.FitPanel
	for _, key := range in.data.Series() {
		curve, _, err := calibrate.Curve(mf, key)
		if err != nil {
			return plots.Figure{}, err
		}
		pn := plots.FitPanel{Key: output.Key{Region: key.Region, Metric: key.Metric, Entity: key.Entity}, Dates: dates, Curve: curve}
		for _, a := range agents {
			c, _, err := calibrate.Curve(a, key)
			if err != nil {
				return plots.Figure{}, err
			}
			if pn.Lo == nil {
				pn.Lo, pn.Hi = append([]float64(nil), c...), append([]float64(nil), c...)
			}
			for i, v := range c {
				pn.Lo[i], pn.Hi[i] = math.Min(pn.Lo[i], v), math.Max(pn.Hi[i], v)
			}
		}
		for _, p := range res.Points {
			if p.Key != key {
				continue
			}
			mid := p.From.Add(p.To.Sub(p.From) / 2)
			pn.Points = append(pn.Points, plots.FitPoint{Date: mid, Value: p.Value, Held: p.Set != calibrate.Fitted})
		}
		panels = append(panels, pn)
	}
	return plots.FitFigure(plots.FitInput{
		Name: "fit", Title: "Calibration of " + in.sc.Config.Name,
		Desc:     fmt.Sprintf("Data from %s against the mean-field model with %s", filepath.Base(in.dataPath), fittedWhat(in.free)),
		Scenario: in.sc.Config.Name, Config: cfg, Holdout: opts.Holdout.t,
		BandRuns: opts.BandRuns, BandAgents: cfg.Agents(), Panels: panels,
	}, figureOptions(nil, opts.NoTitle, in.seed))
}

// drawsBytes returns draws.csv: a comment line saying how the draws were
// made, then draw,<param>,... and one row per draw, every value written
// exactly (the shortest decimal that reads back as the same float64).
func drawsBytes(scenario string, seed uint64, d *calibrate.Draws) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s method=%s draws=%d", scenarios.DrawsComment, d.Method, len(d.Values))
	if d.Method == calibrate.SIR || d.Fallback {
		fmt.Fprintf(&b, " proposals=%d ess=%.1f", d.Proposals, d.ESS)
	}
	if d.Fallback {
		b.WriteString(" sir-fallback=true")
	}
	var uniform []string
	for j, u := range d.Uniform {
		if u {
			uniform = append(uniform, d.Names[j])
		}
	}
	if len(uniform) > 0 {
		fmt.Fprintf(&b, " uniform=%s", strings.Join(uniform, ","))
	}
	fmt.Fprintf(&b, " seed=%d scenario=%s\n", seed, scenario)
	cw := csv.NewWriter(&b)
	cw.Write(append([]string{"draw"}, d.Names...))
	for i, v := range d.Values {
		rec := []string{strconv.Itoa(i + 1)}
		for _, x := range v {
			rec = append(rec, strconv.FormatFloat(x, 'g', -1, 64))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return b.Bytes()
}

// drawsSentence says what draws.csv holds and how it was drawn.
func drawsSentence(d *calibrate.Draws) string {
	var b strings.Builder
	fmt.Fprintf(&b, "`%s` holds %d draws of the free parameters from their distribution given the data (uniform prior within the bounds, normal errors): ", drawsFile, len(d.Values))
	switch d.Method {
	case calibrate.SIR:
		fmt.Fprintf(&b, "the Laplace approximation in the optimiser's logit space, its sds widened by %.1f, proposed %d points, weighted by the exact likelihood (one mean-field run each) and resampled; effective sample size %.0f of %d.",
			calibrate.SIRWiden, d.Proposals, d.ESS, d.Proposals)
	case calibrate.Laplace:
		b.WriteString("the Laplace approximation alone, a Gaussian in the optimiser's logit space with the Jacobian's covariance.")
		if d.Fallback {
			fmt.Fprintf(&b, " (Sampling-importance-resampling was tried and refused: its %d proposals had an effective sample size of %.0f, below %d/4,"+
				" so resampling would have repeated a few points and made the draws falsely narrow; these are the Laplace draws instead, uniform within the bounds for the parameters the data do not pin down.)",
				d.Proposals, d.ESS, len(d.Values))
		}
	}
	var uniform []string
	for j, u := range d.Uniform {
		if u {
			uniform = append(uniform, "`"+d.Names[j]+"`")
		}
	}
	if len(uniform) > 0 {
		fmt.Fprintf(&b, " Not pinned down by the data, so proposed uniformly within the bounds, never narrower than the data allow: %s.", strings.Join(uniform, ", "))
	}
	return b.String()
}

// drawEvals is the number of model evaluations of the draws, 0 for none.
func drawEvals(d *calibrate.Draws) int {
	if d == nil {
		return 0
	}
	return d.Evals
}
