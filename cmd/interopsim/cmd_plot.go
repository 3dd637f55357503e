package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"gonum.org/v1/plot/vg"

	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var plotCommand = &command{
	name:  "plot",
	args:  "RUN_DIR",
	short: "redraw the figures of a run from its metrics.csv",
	long: `Redraw the figures of a run from RUN_DIR/metrics.csv (or the
metrics.parquet of --table parquet) and RUN_DIR/scenario.yaml, without
running the simulation again, into RUN_DIR/plots (or --out DIR). Drawn
with the defaults, they are the figures 'interopsim run' wrote, byte for
byte.

plot replaces only figures interopsim wrote and that are unchanged since:
in RUN_DIR/plots, those recorded in RUN_DIR/summary.json (which then
records the new ones); in another --out DIR, those recorded in
DIR/.interopsim.json. A figure of yours, or one you edited, where a new
one would go stops plot before it writes anything.

metrics.csv has the columns step, date (YYYY-MM-DD), region, metric,
entity, runs, mean, sd, p05, p50, p95; means are drawn with their
5th-95th percentile bands. It may also be written by hand or by another
program, with these columns or those of runs.csv (run, step, date,
region, metric, entity, value: every replicate, summarised; a single
run's metrics.csv had them before schema version 1), in any order; other
columns are ignored. Its regions, methods and platforms must be those of
scenario.yaml, its steps within the horizon, its values finite and at
most 1e30 in magnitude; an empty value is a missing one. A regular file
of at most 4 GiB is read. docs/metrics.md describes every file and
column, and what plot accepts.

In the directory of 'interopsim compare', the figures are drawn against
the baseline (baseline.csv or baseline.parquet, baseline.yaml), and the
effect figures
(effect-headline, effect-platform-shares, effect-adoption,
effect-lost-sales) from effects.csv (or effects.parquet), as compare drew
them.

--figures chooses figures by name: adoption, payment-shares, headline,
platform-shares, lost-sales, multihoming and, for a comparison, the
effect figures. --metrics chooses the metrics
drawn, by their name in metrics.csv: adoption, tx_share, payment_share,
gmv_share, lost_sales, signups, multihoming; a figure is drawn when one
of its metrics is kept. --regions (a region of the scenario, or all for
the whole country), --methods and --platforms keep only the panels and
lines of the entities named. Lists are separated by commas or given in
repeated flags.

--width and --height (in mm, cm, in or pt) are the size of every
figure, exactly; text and lines are sized so that the figure printed one
column wide (8.5 cm) stays readable. A size too small for a figure's
text to leave its data areas their minimum (15% of the width, or half
a data area's own width if less) is refused with the least height
that fits. Without --height each figure gets a height of its own, at
most 1.25 times --width (20 cm at the default 16 cm, a journal's text
block) when its text leaves room (with six regions, six events and
bands, up to 23 cm; --no-title saves 2 to 3 cm). Panels are laid out in
a grid chosen from their number, at most three columns, with no empty
cell other than those holding the legend.

--no-title leaves out the figures' titles and subtitles, for papers that
give them in captions; the notes under a figure (what its bands show,
the key to numbered events) stay.

PNG files carry their resolution (--dpi), so that word processors and
LaTeX insert them at their size, and the figure's title, the scenario,
the seed and the program's version in text chunks.`,
	example: `interopsim plot out/taobao-wechat-pay
interopsim plot out/taobao-wechat-pay --format svg,pdf --width 12cm --height 8cm --no-title --out paper/figures
interopsim plot out/taobao-wechat-pay --figures headline,adoption --methods alipay,wechat_pay --regions all,rural`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		opts := newPlotOptions()
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runPlot(ctx, *opts, args, stdout, stderr)
		}
	},
}

// PlotOptions are the flags of the plot command.
type PlotOptions struct {
	// Out is the directory of the figures; empty means RUN_DIR/plots.
	Out string
	// Formats are the file formats of the figures.
	Formats formatsFlag
	// Width and Height are every figure's size; zero means the defaults
	// of package plots (a height of its own for each figure).
	Width, Height lengthFlag
	// NoTitle leaves out the figures' titles and subtitles.
	NoTitle bool
	// DPI is the resolution of PNG files; zero means plots.DefaultDPI.
	DPI dpiFlag
	// Figures and Metrics keep the figures and metrics named; empty
	// keeps all. Both are checked as they are parsed.
	Figures, Metrics namesFlag
	// Regions, Methods and Platforms keep the entities named; empty
	// keeps all. They are checked against the run's scenario.
	Regions, Methods, Platforms namesFlag
	// Quiet suppresses the report.
	Quiet bool
}

func newPlotOptions() *PlotOptions {
	return &PlotOptions{
		Width:     lengthFlag{def: plots.DefaultWidth},
		Figures:   namesFlag{valid: append(plots.Names(), plots.EffectNames()...), what: "figure"},
		Metrics:   namesFlag{valid: plots.Metrics(), what: "metric"},
		Regions:   namesFlag{what: "region"},
		Methods:   namesFlag{what: "method"},
		Platforms: namesFlag{what: "platform"},
	}
}

// AddFlags adds the plot command's flags to fs.
func (o *PlotOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the figures into `DIR` (default RUN_DIR/plots)")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	fs.Var(&o.Width, "width", "draw figures `LENGTH` wide, such as 16cm, 160mm or 6in")
	fs.Var(&o.Height, "height", "draw every figure exactly `LENGTH` high; auto gives each its own height, at most 1.25 times the width")
	addSwitch(fs, &o.NoTitle, "no-title", "", "leave out the figures' titles and subtitles (papers give them in captions)")
	fs.Var(&o.DPI, "dpi", fmt.Sprintf("write PNG files at `N` dots per inch, from %d to %d", minDPI, maxDPI))
	fs.Var(&o.Figures, "figures", "draw only the figures `NAMES`, such as headline,adoption")
	fs.Var(&o.Metrics, "metrics", "draw only the metrics `NAMES`, such as adoption,gmv_share")
	fs.Var(&o.Regions, "regions", "draw only the regions `NAMES` (all for the whole country)")
	fs.Var(&o.Methods, "methods", "draw only the payment methods `NAMES`")
	fs.Var(&o.Platforms, "platforms", "draw only the platforms `NAMES`")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
}

// maxPixels bounds the size of a PNG figure, to refuse before drawing
// one that would take gigabytes of memory.
const maxPixels = 100_000_000

// runPlot runs the plot command.
func runPlot(ctx context.Context, opts PlotOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("plot", "want one run directory, got %d arguments", len(args))
	}
	runDir := args[0]
	if fi, err := os.Stat(runDir); err != nil {
		return fmt.Errorf("run directory: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("run directory %s is not a directory", runDir)
	}
	// Locked, the run's files are not replaced while they are read, and
	// a commit that a crash interrupted is finished first.
	lock, err := output.LockDir(runDir)
	if err != nil {
		return err
	}
	defer lock.Release()

	scPath := filepath.Join(runDir, output.ScenarioFile)
	data, err := readfile.ReadFile(scPath, "scenario file", scenarios.MaxFileBytes)
	if err != nil {
		return fmt.Errorf("read scenario: %w", err)
	}
	sc, err := scenarios.Parse(data, scPath)
	if err != nil {
		return &scenarioError{name: scPath, err: err}
	}
	cfg := &sc.Config

	// A signal stops the job at once in every step up to the commit (see
	// interruptible): reading, drawing, writing.
	interrupted := errors.New("interrupted: no figure written")
	prog := newProgress(stderr, isTerminal(stderr), opts.Quiet, cfg.Name, 0, 0, time.Now)
	defer prog.done()
	csvPath := tablePath(runDir, output.MetricsFile)
	prog.phase("reading " + filepath.Base(csvPath))
	table, err := interruptible(ctx, func() (*output.StatTable, error) {
		table, err := readTable(ctx, csvPath)
		if err != nil {
			return nil, err
		}
		return table, checkTable(table, cfg, csvPath, scPath)
	})
	if ctx.Err() != nil {
		return interrupted
	}
	if err != nil {
		return err
	}

	regions := []string{output.AllRegions}
	for _, r := range cfg.Regions {
		regions = append(regions, r.Name)
	}
	var methods, platforms []string
	for _, m := range cfg.Methods {
		methods = append(methods, m.Name)
	}
	for _, p := range cfg.Platforms {
		platforms = append(platforms, p.Name)
	}
	if err := errors.Join(
		opts.Regions.check("regions", regions),
		opts.Methods.check("methods", methods),
		opts.Platforms.check("platforms", platforms),
	); err != nil {
		return &usageError{cmd: "plot", err: err}
	}

	popt := figureOptions(opts.Formats.list(), opts.NoTitle, sc.Seed)
	popt.Width, popt.Height, popt.DPI = opts.Width.l, opts.Height.l, opts.DPI.dpi
	popt.Regions, popt.Metrics = opts.Regions.names, opts.Metrics.names
	popt.Methods, popt.Platforms = opts.Methods.names, opts.Platforms.names
	popt.Figures = opts.Figures.names
	popt.Uncertainty = runUncertainty(runDir)
	cmp, err := interruptible(ctx, func() (*comparison, error) { return readComparison(ctx, runDir, cfg) })
	if ctx.Err() != nil {
		return interrupted
	}
	if err != nil {
		return err
	}
	if cmp != nil {
		popt.Baseline, popt.BaselineName = cmp.baseline, cmp.name
	}
	if !opts.Quiet {
		tables := []*output.StatTable{table}
		if cmp != nil {
			tables = append(tables, cmp.baseline, cmp.effects)
		}
		for _, t := range tables {
			for _, w := range t.Warnings {
				prog.println(stderr, "warning: "+escapeControl(w.Error()))
			}
		}
	}
	prog.phase("drawing figures")
	rendered, err := interruptible(ctx, func() ([]plots.File, error) {
		return drawPlots(ctx, table, cfg, cmp, popt, opts)
	})
	if ctx.Err() != nil {
		return interrupted
	}
	if err != nil {
		return err
	}

	// Into the run's own plots/, the figures join the run's record of
	// files (summary.json); elsewhere, the record of that directory.
	out, prefix := opts.Out, output.PlotsDir+"/"
	dirPath := runDir
	if out == "" || samePath(out, filepath.Join(runDir, output.PlotsDir)) {
		out = filepath.Join(runDir, output.PlotsDir)
	} else {
		dirPath, prefix = out, ""
	}
	files := make([]output.File, len(rendered))
	names := make([]string, len(rendered))
	for i, r := range rendered {
		files[i] = output.File{Name: r.Name, Write: writeBytes(r.Data)}
		names[i] = prefix + r.Name
	}
	d, err := output.PrepareFigureDir(dirPath, names)
	if err != nil {
		return fmt.Errorf("write figures: %w", err)
	}
	defer d.Close()
	prog.phase("writing figures")
	err = d.WriteFigures(ctx, files, prefix)
	prog.done()
	if err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return interrupted
		}
		return fmt.Errorf("write figures: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	t := newTable(stdout)
	t.rowf("scenario\t%s (%s)", cfg.Name, scPath)
	t.rowf("data\t%s rows (%s)", fmtCount(float64(len(table.Rows))), csvPath)
	t.row("output", out)
	if err := t.flush(); err != nil {
		return err
	}
	for _, r := range rendered {
		t.row("  "+r.Name, fmtBytes(uint64(len(r.Data))))
	}
	return t.flush()
}

// drawPlots draws the figures of the plot command from the run's table
// and, for a comparison, its baseline and effects, and renders them in
// every format of popt.
func drawPlots(ctx context.Context, table *output.StatTable, cfg *sim.Config, cmp *comparison, popt plots.Options, opts PlotOptions) ([]plots.File, error) {
	figs, err := plots.Figures(table, cfg, cfg.Name, popt)
	if err != nil {
		return nil, plotError(err, opts)
	}
	if cmp != nil {
		effOpt := popt
		effOpt.Baseline, effOpt.BaselineName = nil, ""
		effs, err := plots.EffectFigures(cmp.effects, cfg, cfg.Name+" minus "+cmp.name, effOpt)
		if err != nil {
			return nil, plotError(err, opts)
		}
		figs = append(figs, effs...)
	}
	if len(opts.Figures.names) > 0 {
		figs = slices.DeleteFunc(figs, func(f plots.Figure) bool { return !slices.Contains(opts.Figures.names, f.Name) })
		if len(figs) == 0 {
			return nil, usagef("plot", "--figures %s: no such figure is drawn with these filters", opts.Figures.String())
		}
	}
	if slices.Contains(popt.Formats, "png") {
		dpi := vg.Length(plots.DefaultDPI)
		if popt.DPI != 0 {
			dpi = vg.Length(popt.DPI)
		}
		for _, f := range figs {
			w, h := int(f.Width/vg.Inch*dpi), int(f.Height/vg.Inch*dpi)
			if w*h > maxPixels {
				return nil, usagef("plot", "%s.png would be %d by %d pixels, more than %d million: lower --dpi, --width or --height",
					f.Name, w, h, maxPixels/1_000_000)
			}
		}
	}
	rendered, err := plots.Render(ctx, figs, popt, 0)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	return rendered, nil
}

// samePath says whether a and b name the same directory.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, erra := os.Stat(a)
	fb, errb := os.Stat(b)
	return erra == nil && errb == nil && os.SameFile(fa, fb)
}

// figureOptions are the options of the figures of run, compare and plot
// that do not depend on the command: formats, titles and what PNG files
// say about the figures (the seed and the program's version).
func figureOptions(formats []string, noTitle bool, seed uint64) plots.Options {
	return plots.Options{
		Formats: formats, NoTitle: noTitle,
		Seed: strconv.FormatUint(seed, 10), Version: output.ProgramVersion(),
	}
}

// plotError presents an error of drawing the figures: a size too small
// for them is a usage error that names the height that fits.
func plotError(err error, opts PlotOptions) error {
	var se *plots.SizeError
	if !errors.As(err, &se) {
		return fmt.Errorf("draw figures: %w", err)
	}
	if math.IsInf(float64(se.MinHeight), 0) {
		return usagef("plot", "%s cannot be laid out at --width %s: use a larger --width", strings.Join(se.Figures, ", "), opts.Width.String())
	}
	hint := ""
	if !opts.NoTitle {
		hint = ", or --no-title"
	}
	return usagef("plot", "--height %s is too short for %s at --width %s: use --height %scm or more%s",
		opts.Height.String(), strings.Join(se.Figures, ", "), opts.Width.String(), minHeightCM(se.MinHeight), hint)
}

// minHeightCM formats a least height in centimetres, rounded up to the
// millimetre so that it is enough.
func minHeightCM(l vg.Length) string {
	return strconv.FormatFloat(math.Ceil(float64(l/vg.Centimeter)*10-1e-6)/10, 'f', 1, 64)
}

// tablePath returns the path of the table name (metrics.csv,
// baseline.csv, effects.csv) in dir: the CSV file, or the Parquet file
// of --table parquet when only it is there, or when both are and the
// run's summary.json records the Parquet file as its own.
func tablePath(dir, name string) string {
	csvPath := filepath.Join(dir, name)
	pqName := output.TableFile(name, output.Parquet)
	pqPath := filepath.Join(dir, pqName)
	_, csvErr := os.Lstat(csvPath)
	if _, err := os.Lstat(pqPath); err != nil {
		return csvPath
	}
	if csvErr != nil {
		return pqPath
	}
	path := filepath.Join(dir, output.SummaryFile)
	f, err := readfile.Open(path, "summary", scenarios.MaxFileBytes)
	if err != nil {
		return csvPath
	}
	defer f.Close()
	s, err := output.ReadSummary(f, path)
	if err != nil {
		return csvPath
	}
	for _, r := range s.Files {
		if r.Name == pqName {
			return pqPath
		}
	}
	return csvPath
}

// readTable reads a metrics.csv file: statistics over replicates, or
// (written by hand, or before schema version 1) the values of one or more
// runs, summarised; or a metrics.parquet file of --table parquet.
func readTable(ctx context.Context, path string) (*output.StatTable, error) {
	if filepath.Ext(path) == ".parquet" {
		data, err := readfile.ReadFile(path, "metrics file", output.MaxCSVBytes)
		if err != nil {
			return nil, fmt.Errorf("read metrics: %w", err)
		}
		t, err := output.ReadStatsParquet(bytes.NewReader(data), int64(len(data)), path)
		if err != nil {
			return nil, err
		}
		if len(t.Rows) == 0 {
			return nil, fmt.Errorf("%s: no data, no row", path)
		}
		return t, nil
	}
	f, err := readfile.Open(path, "metrics file", output.MaxCSVBytes)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	defer f.Close()
	t, err := output.ReadStats(bufio.NewReaderSize(ctxReader{ctx: ctx, r: f}, 64<<10), path)
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%s: no data, only a header line", path)
	}
	return t, nil
}

// checkTable checks that every row of t names a region, a metric and an
// entity of the scenario cfg: each unknown name is reported once, with
// the first data row it is on (the line, when the file has no blank
// line, is one more) and the valid names.
func checkTable(t *output.StatTable, cfg *sim.Config, csvPath, scPath string) error {
	regions := []string{output.AllRegions}
	for _, r := range cfg.Regions {
		regions = append(regions, r.Name)
	}
	var methods, platforms, pairs, metrics []string
	for _, m := range cfg.Methods {
		methods = append(methods, m.Name)
	}
	for _, p := range cfg.Platforms {
		platforms = append(platforms, p.Name)
		for _, m := range cfg.Methods {
			pairs = append(pairs, p.Name+"/"+m.Name)
		}
	}
	var channels, channelPairs []string
	for _, c := range cfg.Channels {
		channels = append(channels, c.Name)
		for _, m := range cfg.Methods {
			channelPairs = append(channelPairs, c.Name+"/"+m.Name)
		}
	}
	kinds := map[string][]string{"method": methods, "platform": platforms, "platform/method": pairs, "2+": {"2+"},
		"channel": channels, "channel/method": channelPairs}
	kindOf := map[string]string{}
	for _, m := range sim.Metrics {
		metrics = append(metrics, m.Name)
		kindOf[m.Name] = m.Entity
	}
	list := func(valid []string) string {
		const shown = 8
		s := strings.Join(valid[:min(len(valid), shown)], ", ")
		if len(valid) > shown {
			s += fmt.Sprintf(" and %d more", len(valid)-shown)
		}
		return s
	}
	var errs []error
	seen := map[string]bool{}
	bad := func(i int, column, value, msg string) {
		if k := column + "\x00" + value; !seen[k] {
			seen[k] = true
			errs = append(errs, &output.ReadError{File: csvPath, Column: column, Msg: fmt.Sprintf("%s, first on data row %d", msg, i+1)})
		}
	}
	last := cfg.Date(cfg.Steps - 1).Format(output.DateLayout)
	for i, r := range t.Rows {
		if r.Step >= cfg.Steps {
			bad(i, "step", "past", fmt.Sprintf("step %d is past the horizon of %s (steps 0 to %d, the last starting on %s)", r.Step, scPath, cfg.Steps-1, last))
		} else if want := cfg.Date(r.Step); !r.Date.Equal(want) {
			bad(i, "date", "step", fmt.Sprintf("date %s is not the first day of step %d in %s (%s)", r.Date.Format(output.DateLayout), r.Step, scPath, want.Format(output.DateLayout)))
		}
		if !slices.Contains(regions, r.Region) {
			bad(i, "region", r.Region, fmt.Sprintf("%q is not a region of %s (valid: %s)", r.Region, scPath, list(regions)))
		}
		kind, ok := kindOf[r.Metric]
		if !ok {
			bad(i, "metric", r.Metric, fmt.Sprintf("unknown metric %q (valid: %s)", r.Metric, strings.Join(metrics, ", ")))
			continue
		}
		if !slices.Contains(kinds[kind], r.Entity) {
			what := "a " + kind + " of " + scPath
			if kind == "2+" {
				what = "2+, the only entity of " + r.Metric
			}
			bad(i, "entity", r.Metric+"\x00"+r.Entity, fmt.Sprintf("%q of metric %s is not %s (valid: %s)", r.Entity, r.Metric, what, list(kinds[kind])))
		}
	}
	if len(errs) > 8 {
		errs = append(errs[:8], fmt.Errorf("%s: and %d more unknown names", csvPath, len(errs)-8))
	}
	return errors.Join(errs...)
}

// comparison is what the directory of 'interopsim compare' adds to a
// run's: the baseline's statistics and name, and the effects.
type comparison struct {
	baseline, effects *output.StatTable
	name              string
}

// readComparison reads the baseline and the effects of a comparison's
// directory, or returns nil when dir holds no comparison (no
// baseline.yaml).
func readComparison(ctx context.Context, dir string, cfg *sim.Config) (*comparison, error) {
	bPath := filepath.Join(dir, output.BaselineScenarioFile)
	data, err := readfile.ReadFile(bPath, "scenario file", scenarios.MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read baseline scenario: %w", err)
	}
	b, err := scenarios.Parse(data, bPath)
	if err != nil {
		return nil, &scenarioError{name: bPath, err: err}
	}
	c := &comparison{name: b.Config.Name}
	for _, f := range []struct {
		name string
		st   **output.StatTable
	}{{output.BaselineFile, &c.baseline}, {output.EffectsFile, &c.effects}} {
		path := tablePath(dir, f.name)
		st, err := readTable(ctx, path)
		if err != nil {
			return nil, err
		}
		if err := checkTable(st, cfg, path, bPath); err != nil {
			return nil, err
		}
		*f.st = st
	}
	return c, nil
}

// runUncertainty returns what the intervals of the run in dir include,
// as its summary.json records it, so that the figures' notes are drawn
// again as the run drew them; nil (sampling noise only) when the summary
// is unreadable or older than the record.
func runUncertainty(dir string) *output.Uncertainty {
	path := filepath.Join(dir, output.SummaryFile)
	f, err := readfile.Open(path, "summary", scenarios.MaxFileBytes)
	if err != nil {
		return nil
	}
	defer f.Close()
	s, err := output.ReadSummary(f, path)
	if err != nil {
		return nil
	}
	return s.Uncertainty
}
