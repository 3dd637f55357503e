package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sensitivity"
)

var sensitivityCommand = &command{
	name:  "sensitivity",
	args:  "RUN_DIR",
	short: "which parameter of a sweep drives its outputs: Sobol or Morris indices",
	long: `Read the directory of a finished sweep (a saltelli or morris design) and
estimate how much each varied parameter drives each output: for a
saltelli design, the first-order (S1, Saltelli 2010) and total (ST,
Jansen) Sobol indices with percentile bootstrap intervals over the base
rows; for a morris design, the elementary effects' mu* (mean absolute
effect), mu and sigma, per unit of the parameter's range.

The output of a point is its mean over replicates: the effect against
the baseline when the sweep has one, else the scenario's value. Every
output of outputs.csv that matches --metric, --entity, --region, --at
and --event is analysed (by default every output for all regions).

It writes sensitivity.csv (parameter, output, S1, S1_lo, S1_hi, ST,
ST_lo, ST_hi, mu_star, mu, sigma; the columns of the other design empty)
and plots/sensitivity.png (the indices of the first output) into
RUN_DIR/sensitivity, or --out, as one set with its summary.json.`,
	example: `interopsim sensitivity out/taobao-wechat-pay-sweep-saltelli
interopsim sensitivity out/taobao-wechat-pay-sweep-saltelli --metric payment_share --entity taobao_tmall/wechat_pay --at 12m
interopsim sensitivity out/my-world-sweep-morris --region all`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts SensitivityOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runSensitivity(ctx, opts, args, stdout, stderr)
		}
	},
}

// SensitivityOptions are the flags of the sensitivity command.
type SensitivityOptions struct {
	Out                               string
	Metric, Entity, Region, At, Event string
	Resamples                         int
	Level                             float64
	Force, Quiet, NoPlots, NoTitle    bool
	Formats                           formatsFlag
}

// AddFlags adds the sensitivity command's flags to fs.
func (o *SensitivityOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "write into `DIR` (default RUN_DIR/sensitivity)")
	fs.StringVar(&o.Metric, "metric", "", "analyse only the outputs of `METRIC` (payment_share, gmv_share, tx_share, adoption, ...)")
	fs.StringVar(&o.Entity, "entity", "", "analyse only the outputs of `ENTITY` (taobao_tmall/wechat_pay, alipay, ...)")
	fs.StringVar(&o.Region, "region", output.AllRegions, "analyse only the outputs of `REGION` (all: the whole country)")
	fs.StringVar(&o.At, "at", "", "analyse only the outputs at the `HORIZON` (12m, ...; end for a sweep without baseline)")
	fs.StringVar(&o.Event, "event", "", "analyse only the outputs after the `EVENT`, as outputs.csv names it")
	fs.IntVar(&o.Resamples, "resamples", 1000, "`N` bootstrap resamples of the Sobol intervals")
	fs.Float64Var(&o.Level, "level", 0.95, "the `LEVEL` of the Sobol intervals")
	addSwitch(fs, &o.Force, "force", "", "replace the results of another job in the output directory")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figure")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figure without title and subtitle")
	fs.Var(&o.Formats, "format", "write the figure as `FORMATS`: png, svg or pdf")
}

// sensitivityFile is the table of indices.
const sensitivityFile = "sensitivity.csv"

var sensitivityColumns = []string{"parameter", "output", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi", "mu_star", "mu", "sigma"}

// indexRow is one line of sensitivity.csv.
type indexRow struct {
	parameter, output string
	vals              [9]float64
}

// readSweepResult reads a finished, whole sweep's directory.
func readSweepResult(dir string) (*sweepResult, error) {
	st, rows, err := readSweepDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is not the directory of a sweep (no %s or %s): %w", dir, output.SummaryFile, sweepFile, err)
	}
	if err != nil {
		return nil, err
	}
	if st.Shard != nil {
		return nil, fmt.Errorf("%s holds shard %s of a sweep: merge the shards first (interopsim merge)", dir, st.Shard)
	}
	if !st.Complete {
		return nil, fmt.Errorf("%s holds an unfinished sweep (%d of %d points done): run its sweep command again to finish it", dir, len(st.Done), st.Points)
	}
	resolved, err := os.ReadFile(filepath.Join(dir, output.ScenarioFile))
	if err != nil {
		return nil, err
	}
	if output.ResolvedSHA256(resolved) != st.ResolvedSHA256 {
		return nil, fmt.Errorf("%s: changed since the sweep wrote it", filepath.Join(dir, output.ScenarioFile))
	}
	sc, err := scenarios.Parse(resolved, filepath.Join(dir, output.ScenarioFile))
	if err != nil || sc.Sweep == nil {
		return nil, fmt.Errorf("%s: no sweep: section to rebuild the design from: %v", filepath.Join(dir, output.ScenarioFile), err)
	}
	plan, err := design.New(sc.Sweep.Plan(sc.Seed))
	if err != nil || plan.Len() != st.Points {
		return nil, fmt.Errorf("%s: its design does not give the sweep's %d points: %v", dir, st.Points, err)
	}
	return &sweepResult{state: *st, resolved: resolved, plan: plan, rows: rows, sc: sc}, nil
}

// runSensitivity runs the sensitivity command.
func runSensitivity(ctx context.Context, opts SensitivityOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("sensitivity", "want one sweep directory, got %d", len(args))
	}
	if opts.Resamples < 0 || !(opts.Level > 0 && opts.Level < 1) {
		return usagef("sensitivity", "--resamples must be 0 or more and --level in (0,1), got %d and %g", opts.Resamples, opts.Level)
	}
	start := time.Now()
	res, err := readSweepResult(args[0])
	if err != nil {
		return err
	}
	st := &res.state
	kind := res.plan.Design.Kind
	if kind != design.Saltelli && kind != design.Morris {
		return fmt.Errorf("%s holds a %s sweep: sensitivity indices need a saltelli design (Sobol indices) or a morris design (elementary effects); run interopsim sweep --design saltelli or morris", args[0], kind)
	}
	outs, err := pointOutputs(res.rows, st.Runs)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	hasBase := st.Baseline != ""
	col, quantity := 11, "effect"
	if !hasBase {
		col, quantity = 9, "value"
	}
	// The outputs, in the order of outputs.csv, each over the points.
	type series struct {
		key outputKey
		y   []float64
	}
	var list []*series
	idx := map[outputKey]*series{}
	events := map[string]bool{}
	for _, o := range outs {
		events[o[1]] = true
	}
	for _, o := range outs {
		k := outputKey{o[1], o[2], o[5], o[6], o[7]}
		if opts.Metric != "" && k.metric != opts.Metric || opts.Entity != "" && k.entity != opts.Entity ||
			opts.Region != "" && k.region != opts.Region || opts.At != "" && k.horizon != opts.At || opts.Event != "" && k.event != opts.Event {
			continue
		}
		s, ok := idx[k]
		if !ok {
			s = &series{key: k, y: make([]float64, st.Points)}
			for i := range s.y {
				s.y[i] = math.NaN()
			}
			idx[k] = s
			list = append(list, s)
		}
		p, _ := strconv.Atoi(o[0])
		s.y[p] = atof(o[col])
	}
	if len(list) == 0 {
		return usagef("sensitivity", "no output of %s matches --metric %q --entity %q --region %q --at %q --event %q; outputs.csv lists them", args[0], opts.Metric, opts.Entity, opts.Region, opts.At, opts.Event)
	}
	name := func(k outputKey) string {
		s := quantity + ":" + k.metric + ":" + k.entity + ":" + k.region + ":" + k.horizon
		if len(events) > 1 {
			s += ":" + k.event
		}
		return s
	}
	nan := math.NaN()
	var rows []indexRow
	var notes []string
	k := len(res.plan.Design.Factors)
	var firstBars []plots.IndexBar
	for _, s := range list {
		add := func(j int, v [9]float64) {
			rows = append(rows, indexRow{parameter: res.plan.Design.Factors[j].Name, output: name(s.key), vals: v})
		}
		var err error
		switch kind {
		case design.Saltelli:
			var ix []sensitivity.Index
			ix, err = sensitivity.Sobol(s.y, k, &sensitivity.Options{Resamples: opts.Resamples, Level: opts.Level, Seed: st.Seed})
			if err == nil {
				for j, x := range ix {
					add(j, [9]float64{x.S1, x.S1Lo, x.S1Hi, x.ST, x.STLo, x.STHi, nan, nan, nan})
					if len(firstBars) < k {
						firstBars = append(firstBars, plots.IndexBar{Label: res.plan.Design.Factors[j].Name,
							Values: []float64{x.S1, x.ST}, Lo: []float64{x.S1Lo, x.STLo}, Hi: []float64{x.S1Hi, x.STHi}})
					}
				}
			}
		case design.Morris:
			var ef []sensitivity.Effect
			ef, err = sensitivity.Morris(res.plan.Unit, s.y, k)
			if err == nil {
				for j, e := range ef {
					add(j, [9]float64{nan, nan, nan, nan, nan, nan, e.MuStar, e.Mu, e.Sigma})
					if len(firstBars) < k {
						firstBars = append(firstBars, plots.IndexBar{Label: res.plan.Design.Factors[j].Name,
							Values: []float64{e.MuStar, e.Sigma}, Lo: []float64{nan, nan}, Hi: []float64{nan, nan}})
					}
				}
			}
		}
		if err != nil {
			// A constant or undefined output has no indices: its rows
			// stay empty, and a note says why.
			notes = append(notes, fmt.Sprintf("%s: %v", name(s.key), err))
			for j := range k {
				add(j, [9]float64{nan, nan, nan, nan, nan, nan, nan, nan, nan})
			}
		}
	}
	dir := opts.Out
	if dir == "" {
		dir = filepath.Join(args[0], "sensitivity")
	}
	mayWrite := []string{output.SummaryFile, sensitivityFile}
	for _, f := range opts.Formats.list() {
		mayWrite = append(mayWrite, output.PlotsDir+"/sensitivity."+f)
	}
	job := sweepJob(st, res.sc.File)
	out, err := prepareOut(dir, job, mayWrite, opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()
	files := []output.File{{Name: sensitivityFile, Write: func(w io.Writer) error {
		return writeCSVRecords(w, sensitivityColumns, len(rows), func(i int) []string {
			r := rows[i]
			rec := []string{r.parameter, r.output}
			for _, v := range r.vals {
				rec = append(rec, output.FormatValue(v))
			}
			return rec
		})
	}}}
	if !opts.NoPlots && len(firstBars) > 0 {
		in := plots.IndicesInput{Name: "sensitivity", Scenario: st.Scenario, Bars: firstBars,
			Title:    "What drives " + list[0].key.metric + " (" + list[0].key.region + ") at " + list[0].key.horizon,
			Subtitle: fmt.Sprintf("%s on %s; %s, %d points × %d", quantity, list[0].key.entity, st.Design, st.Points, st.Runs)}
		if kind == design.Saltelli {
			in.Measures, in.YLabel = []string{"first-order S1", "total ST"}, "Sobol index"
			in.Note = fmt.Sprintf("Bars: %g%% bootstrap intervals over the %d base rows.", 100*opts.Level, st.Points/(k+2))
		} else {
			in.Measures, in.YLabel = []string{"mu*", "sigma"}, "effect per unit range"
		}
		opt := figureOptions(opts.Formats.list(), opts.NoTitle, st.Seed)
		fig, err := plots.SensitivityBars(in, opt)
		if err != nil {
			out.Abandon()
			return err
		}
		rendered, err := renderFiles(ctx, []plots.Figure{fig}, opt, 0)
		if err != nil {
			out.Abandon()
			return err
		}
		files = append(files, rendered...)
	}
	if err := out.WriteJob(ctx, files, sweepSummary(res, commandLine(ctx), time.Since(start))); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	t := newTable(stdout)
	if kind == design.Saltelli {
		t.row("PARAMETER", "OUTPUT\tS1\tS1 INTERVAL\tST\tST INTERVAL")
		for _, r := range rows {
			t.rowf("%s\t%s\t%s\t[%s, %s]\t%s\t[%s, %s]", r.parameter, r.output, f3(r.vals[0]), f3(r.vals[1]), f3(r.vals[2]), f3(r.vals[3]), f3(r.vals[4]), f3(r.vals[5]))
		}
	} else {
		t.row("PARAMETER", "OUTPUT\tMU*\tMU\tSIGMA")
		for _, r := range rows {
			t.rowf("%s\t%s\t%s\t%s\t%s", r.parameter, r.output, f3(r.vals[6]), f3(r.vals[7]), f3(r.vals[8]))
		}
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	fmt.Fprintf(stdout, "written to %s\n", out.Path)
	return nil
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
