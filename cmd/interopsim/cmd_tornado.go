package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var tornadoCommand = &command{
	name:  "tornado",
	args:  "[SCENARIO]",
	short: "which parameters move an opening's effect most: one at a time over their ranges",
	long: `Measure how much each of some parameters moves the effect of a
scenario's acceptance events (as compare measures it, against the same
baseline), one at a time: each --vary PARAM=LO:HI sets the parameter to
LO, then to HI, in the scenario and its baseline alike, every other
parameter at the scenario's value. The mean-field engine makes every
effect exact (no sampling noise), so the differences are the
parameters' alone.

PARAM is written as in set events (behaviour.switch_cost,
methods.wechat_pay.appeal, classes.wechat_first.appeal.wechat_pay, ...).
Setting it moves its value from the start of the horizon, as calibrate's
fitted values do; later set events on it still apply.

The output directory (default out/<scenario>-tornado) receives
tornado.csv (every headline effect of compare's effects table, for the
scenario's values and each end of each range), summary.md (the effect
on the focus figure at every horizon, parameters ordered by how far
they move it at --figure-at), summary.json and plots/tornado.png (the
figure: a bar per parameter from its low to its high end).`,
	example: `interopsim tornado --vary behaviour.switch_cost=0:3 --vary behaviour.gamma=0:1.645
interopsim tornado jd-alipay --baseline walled-gardens --vary methods.wechat_pay.appeal=-1:0 --at 6m,12m`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts TornadoOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runTornado(ctx, opts, args, stdout, stderr)
		}
	},
}

// TornadoOptions are the flags of the tornado command.
type TornadoOptions struct {
	// Vary lists the parameters with their ranges, PARAM=LO:HI.
	Vary []string
	// Baseline is the baseline scenario; empty means the scenario
	// without its acceptance events.
	Baseline string
	// At lists the horizons; FigureAt is the one the figure and the
	// ordering use.
	At, FigureAt string
	// Out, Force, Quiet, Workers, NoPlots and NoTitle are as for run.
	Out          string
	Force, Quiet bool
	Workers      workersFlag
	NoPlots      bool
	NoTitle      bool
}

// AddFlags adds the tornado command's flags to fs.
func (o *TornadoOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.Vary, "vary", nil, "set `PARAM=LO:HI` to LO, then HI (repeatable; at least one)")
	fs.StringVar(&o.Baseline, "baseline", "", "measure effects against the scenario `OTHER` instead of the scenario without its acceptance events")
	fs.StringVar(&o.At, "at", output.DefaultHorizons, "report effects at the `HORIZONS` after each acceptance event, as compare's --at")
	fs.StringVar(&o.FigureAt, "figure-at", "12m", "order the parameters and draw the figure at the `HORIZON`, one of --at")
	fs.StringVarP(&o.Out, "out", "o", "", "write the results into `DIR` (default out/<scenario>-tornado)")
	addSwitch(fs, &o.Force, "force", "", "replace the results of another job in the output directory")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	fs.Var(&o.Workers, "workers", "run `N` settings at once; 0 uses every core (results do not depend on it)")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "skip the figure")
	addSwitch(fs, &o.NoTitle, "no-title", "", "leave out the figure's title and subtitle (for papers, which give them in captions)")
}

// tornadoFile is the data file of a tornado job.
const tornadoFile = "tornado.csv"

// vary is one parameter of a tornado and its range.
type vary struct {
	name   string
	param  sim.Param
	lo, hi float64
	value  float64 // the scenario's
}

// setting is one point of a tornado: a parameter at one end (or none,
// the scenario's values) and the effects there.
type setting struct {
	v    int // index in the varies, -1 for the scenario's values
	end  string
	x    float64
	rows []output.EffectRow
}

func runTornado(ctx context.Context, opts TornadoOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return usagef("tornado", "want at most one scenario, got %d: %v", len(args), args)
	}
	if len(opts.Vary) == 0 {
		return usagef("tornado", "give at least one --vary PARAM=LO:HI")
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	horizons, err := output.ParseHorizons(opts.At)
	if err != nil {
		return usagef("tornado", "--at: %w", err)
	}
	figAt := -1
	for i, h := range horizons {
		if h.Label == strings.ToLower(strings.TrimSpace(opts.FigureAt)) {
			figAt = i
		}
	}
	if figAt < 0 {
		labels := make([]string, len(horizons))
		for i, h := range horizons {
			labels[i] = h.Label
		}
		return usagef("tornado", "--figure-at %s is not one of --at (%s)", opts.FigureAt, strings.Join(labels, ", "))
	}
	sc, err := loadScenario(name)
	if err != nil {
		return err
	}
	base, err := baselineOf(sc, opts.Baseline)
	if err != nil {
		return err
	}
	cfg := &sc.Config
	plan, err := output.PlanEffects(cfg, nil, horizons)
	if err != nil {
		return usagef("tornado", "--at: %w", err)
	}
	varies, err := parseVaries(cfg, &base.Config, opts.Vary)
	if err != nil {
		return usagef("tornado", "%w", err)
	}
	if err := checkMemory(cfg, sim.MeanField, memoryJob{compare: true, workers: opts.Workers.n}); err != nil {
		return err
	}
	resolved, err := scenarios.Marshal(sc)
	if err != nil {
		return fmt.Errorf("resolve scenario: %w", err)
	}
	baseResolved, err := scenarios.Marshal(base)
	if err != nil {
		return fmt.Errorf("resolve baseline: %w", err)
	}
	identity := fmt.Sprintf("%s\nbaseline\n%s\nvary %q\nat %s\nfigure-at %s\n", resolved, baseResolved, opts.Vary, opts.At, horizons[figAt].Label)
	idSum := sha256.Sum256([]byte(identity))
	jobID := output.Job{Scenario: cfg.Name, File: sc.File, ResolvedSHA256: hex.EncodeToString(idSum[:]),
		Seed: sc.Seed, Agents: cfg.Agents(), Engine: "tornado", Runs: 1, Baseline: base.Config.Name}
	dir := opts.Out
	if dir == "" {
		dir = defaultOut(cfg.Name + "-tornado")
	}
	mayWrite := []string{tornadoFile, output.ReportFile, output.SummaryFile, output.PlotsDir + "/tornado.png"}
	out, err := prepareOut(dir, jobID, mayWrite, opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()

	settings := []setting{{v: -1, end: "scenario"}}
	for i, v := range varies {
		settings = append(settings, setting{v: i, end: "lo", x: v.lo}, setting{v: i, end: "hi", x: v.hi})
	}
	if !opts.Quiet {
		fmt.Fprintf(stderr, "tornado of %s against %s: %d parameters, %d mean-field comparisons...\n", cfg.Name, base.Config.Name, len(varies), len(settings))
	}
	start := time.Now()
	workers := opts.Workers.n
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, len(settings))
	var next sync.Mutex
	k := 0
	var wg sync.WaitGroup
	for range min(workers, len(settings)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				i := k
				k++
				next.Unlock()
				if i >= len(settings) || ctx.Err() != nil {
					return
				}
				errs[i] = settings[i].run(ctx, sc, base, varies, plan)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if ctx.Err() != nil {
		out.Abandon()
		return errors.New("tornado interrupted; " + nothingKept)
	}
	if err := errors.Join(errs...); err != nil {
		out.Abandon()
		return err
	}

	focus := focusKey(cfg)
	table := tornadoTable(settings, varies, focus, horizons, figAt)
	files := []output.File{{Name: tornadoFile, Write: func(w io.Writer) error { return writeTornado(w, settings, varies) }}}
	var figs []string
	if !opts.NoPlots {
		fig, err := tornadoFigure(sc, base, table, focus, horizons[figAt], opts)
		if err != nil {
			out.Abandon()
			return err
		}
		rendered, err := plots.Render(ctx, []plots.Figure{fig}, figureOptions(nil, opts.NoTitle, sc.Seed), 1)
		if ctx.Err() != nil {
			out.Abandon()
			return errors.New("tornado interrupted; " + nothingKept)
		}
		if err != nil {
			out.Abandon()
			return fmt.Errorf("draw figure: %w", err)
		}
		for _, r := range rendered {
			files = append(files, output.File{Name: output.PlotsDir + "/" + r.Name, Write: writeBytes(r.Data)})
			figs = append(figs, output.PlotsDir+"/"+r.Name)
		}
	}
	report := tornadoReport(sc, base, varies, table, focus, horizons, figAt, figs, plan.Notes)
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error {
		_, err := io.WriteString(w, report)
		return err
	}})
	summary := jobSummary(ctx, sc, jobID, sc.Seed, wall)
	if err := out.WriteJob(ctx, files, summary); err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return errors.New("tornado interrupted; " + nothingKept)
		}
		return fmt.Errorf("write results: %w", err)
	}
	if opts.Quiet {
		return nil
	}
	fmt.Fprintf(stdout, "tornado of %s against %s: %d comparisons in %s; output %s\n\n", cfg.Name, base.Config.Name,
		len(settings), fmtDuration(wall.Round(time.Millisecond)), escapeControl(out.Path))
	_, err = io.WriteString(stdout, escapeControl(table.text(horizons, figAt)))
	return err
}

// parseVaries reads the --vary flags against the scenario's and the
// baseline's configurations.
func parseVaries(cfg, base *sim.Config, flags []string) ([]vary, error) {
	var out []vary
	var errs []error
	seen := map[string]bool{}
	for _, f := range flags {
		name, rng, ok := strings.Cut(f, "=")
		name = strings.TrimSpace(name)
		los, his, ok2 := strings.Cut(rng, ":")
		if !ok || !ok2 {
			errs = append(errs, fmt.Errorf("--vary %q: want PARAM=LO:HI, such as behaviour.switch_cost=0:3", f))
			continue
		}
		p, err := scenarios.ParseParam(cfg, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("--vary %q: %w", f, err))
			continue
		}
		if _, err := scenarios.ParseParam(base, name); err != nil {
			errs = append(errs, fmt.Errorf("--vary %q: the baseline has no such parameter: %w", f, err))
			continue
		}
		lo, err1 := strconv.ParseFloat(strings.TrimSpace(los), 64)
		hi, err2 := strconv.ParseFloat(strings.TrimSpace(his), 64)
		if err1 != nil || err2 != nil {
			errs = append(errs, fmt.Errorf("--vary %q: LO and HI must be numbers", f))
			continue
		}
		if err := scenarios.CheckBounds(scenarios.Free{Name: name, Param: p, Lo: lo, Hi: hi}); err != nil {
			errs = append(errs, fmt.Errorf("--vary %q: %w", f, err))
			continue
		}
		if seen[name] {
			errs = append(errs, fmt.Errorf("--vary %q: %s is varied twice", f, name))
			continue
		}
		seen[name] = true
		x, _ := cfg.Get(p)
		out = append(out, vary{name: name, param: p, lo: lo, hi: hi, value: x})
	}
	return out, errors.Join(errs...)
}

// run computes the effects of one setting with the mean-field engine.
func (s *setting) run(ctx context.Context, sc, base *scenarios.Scenario, varies []vary, plan *output.EffectPlan) error {
	a, b := sc.Config.Clone(), base.Config.Clone()
	if s.v >= 0 {
		v := varies[s.v]
		if err := a.Set(v.param, s.x); err != nil {
			return err
		}
		bp, _ := scenarios.ParseParam(b, v.name)
		if err := b.Set(bp, s.x); err != nil {
			return err
		}
	}
	cancel := func() bool { return ctx.Err() != nil }
	ra, err := sim.Run(a, sc.Seed, &sim.Settings{Engine: sim.MeanField, Cancel: cancel})
	if err != nil {
		return tornadoErr(err, sc.Config.Name)
	}
	rb, err := sim.Run(b, sc.Seed, &sim.Settings{Engine: sim.MeanField, Cancel: cancel})
	if err != nil {
		return tornadoErr(err, base.Config.Name)
	}
	var ras, rbs output.Runs
	if err := ras.AddResult(ra); err != nil {
		return err
	}
	if err := rbs.AddResult(rb); err != nil {
		return err
	}
	diff, err := ras.Difference(&rbs)
	if err != nil {
		return err
	}
	s.rows, err = output.EffectsAt(&ras, &rbs, diff, &sc.Config, plan)
	return err
}

func tornadoErr(err error, name string) error {
	if errors.Is(err, sim.ErrCanceled) {
		return errCanceled
	}
	return fmt.Errorf("run %s: %w", name, err)
}

// focusKey is the figure the tornado's table and figure show: the first
// acceptance event's platform's payment share of its method, nationally.
func focusKey(cfg *sim.Config) output.Key {
	keys := output.HeadlineKeys(cfg)
	for _, k := range keys {
		if k.Metric == "payment_share" && k.Region == output.AllRegions {
			return k
		}
	}
	return keys[0]
}

// tornado is the focus figure's effect at every horizon, for the
// scenario's values and each end of each range.
type tornado struct {
	base  []float64   // by horizon
	lo    [][]float64 // by vary, horizon
	hi    [][]float64
	order []int // varies, widest swing at the figure's horizon first
	names []string
	vs    []vary
	event int // the first acceptance event's rows
	figAt int // the horizon of the figure and the ordering
	label string
	share bool
}

func tornadoTable(settings []setting, varies []vary, focus output.Key, horizons []output.Horizon, figAt int) *tornado {
	t := &tornado{vs: varies, lo: make([][]float64, len(varies)), hi: make([][]float64, len(varies))}
	event := settings[0].rows[0].Event
	pick := func(rows []output.EffectRow) []float64 {
		out := make([]float64, len(horizons))
		for i := range out {
			out[i] = math.NaN()
		}
		for _, r := range rows {
			if r.Event != event || r.Key != focus {
				continue
			}
			for i, h := range horizons {
				if h.Label == r.Horizon {
					out[i] = r.Effect
				}
			}
		}
		return out
	}
	t.base = pick(settings[0].rows)
	for _, s := range settings[1:] {
		if s.end == "lo" {
			t.lo[s.v] = pick(s.rows)
		} else {
			t.hi[s.v] = pick(s.rows)
		}
	}
	for i := range varies {
		t.order = append(t.order, i)
	}
	swing := func(i int) float64 {
		d := math.Abs(t.hi[i][figAt] - t.lo[i][figAt])
		if math.IsNaN(d) {
			return -1
		}
		return d
	}
	sort.SliceStable(t.order, func(a, b int) bool { return swing(t.order[a]) > swing(t.order[b]) })
	t.event, t.figAt = event, figAt
	t.share = strings.HasSuffix(focus.Metric, "share") || focus.Metric == "adoption"
	t.label = focus.Metric + " " + focus.Entity + " (" + focus.Region + ")"
	return t
}

// fmtEffect writes an effect in percentage points for shares.
func (t *tornado) fmtEffect(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	if t.share {
		return fmt.Sprintf("%+.1f pp", 100*x)
	}
	return fmtG(x)
}

func (t *tornado) text(horizons []output.Horizon, figAt int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "effect on %s at %s, every other parameter at the scenario's value: %s\n\n", t.label, horizons[figAt].Label, t.fmtEffect(t.base[figAt]))
	fmt.Fprintf(&b, "%-44s %-18s %12s %12s %10s\n", "parameter (scenario value)", "range", "at low end", "at high end", "swing")
	for _, i := range t.order {
		v := t.vs[i]
		fmt.Fprintf(&b, "%-44s %-18s %12s %12s %10s\n", v.name+" ("+fmtG(v.value)+")", fmtG(v.lo)+" to "+fmtG(v.hi),
			t.fmtEffect(t.lo[i][figAt]), t.fmtEffect(t.hi[i][figAt]), strings.TrimPrefix(t.fmtEffect(math.Abs(t.hi[i][figAt]-t.lo[i][figAt])), "+"))
	}
	return b.String()
}

func writeTornado(w io.Writer, settings []setting, varies []vary) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"parameter", "setting", "value", "event", "horizon", "date", "region", "metric", "entity", "scenario", "baseline", "effect"})
	for _, s := range settings {
		param, value := "", ""
		if s.v >= 0 {
			param, value = varies[s.v].name, fmtG(s.x)
		}
		for _, r := range s.rows {
			cw.Write([]string{param, s.end, value, r.EventName, r.Horizon, r.Date.Format(output.DateLayout), r.Key.Region, r.Key.Metric, r.Key.Entity,
				strconv.FormatFloat(r.Scenario, 'g', 10, 64), strconv.FormatFloat(r.Baseline, 'g', 10, 64), strconv.FormatFloat(r.Effect, 'g', 10, 64)})
		}
	}
	cw.Flush()
	return cw.Error()
}

func tornadoFigure(sc, base *scenarios.Scenario, t *tornado, focus output.Key, h output.Horizon, opts TornadoOptions) (plots.Figure, error) {
	cfg := &sc.Config
	var bars []plots.TornadoBar
	scale := 1.0
	if t.share {
		scale = 100
	}
	for _, i := range t.order {
		v := t.vs[i]
		bars = append(bars, plots.TornadoBar{Label: v.name + " " + fmtG(v.lo) + " to " + fmtG(v.hi), AtLo: scale * t.lo[i][t.figAt], AtHi: scale * t.hi[i][t.figAt]})
	}
	xl := "Effect"
	if t.share {
		xl = "Effect (percentage points)"
	}
	return plots.TornadoFigure(plots.TornadoInput{
		Name:     "tornado",
		Title:    "What moves the effect: " + output.EventLabel(cfg, t.event),
		Desc:     fmt.Sprintf("Effect on %s %s after the event, against %s, one parameter at a time. Scenario: %s", focus.Label(cfg), h.Label, base.Config.Name, cfg.Name),
		Scenario: cfg.Name, XLabel: xl, Base: scale * t.base[t.figAt], Bars: bars,
		Note: "Mean-field engine: exact expected values, no sampling noise. Each bar sets one parameter in the scenario and its baseline alike.",
	}, figureOptions(nil, opts.NoTitle, sc.Seed))
}

func tornadoReport(sc, base *scenarios.Scenario, varies []vary, t *tornado, focus output.Key, horizons []output.Horizon, figAt int, figs, notes []string) string {
	cfg := &sc.Config
	var b strings.Builder
	fmt.Fprintf(&b, "# Tornado: what moves the effect (%s)\n\n", output.EventLabel(cfg, t.event))
	fmt.Fprintf(&b, "Scenario %s against %s, mean-field engine. The effect on %s, scenario minus baseline, with each parameter set to the low and then the high end of its range in both, every other parameter at the scenario's value. Parameters are ordered by their swing at %s.\n\n",
		cfg.Name, base.Config.Name, focus.Label(cfg), horizons[figAt].Label)
	fmt.Fprintf(&b, "| parameter | scenario value | range |")
	for _, h := range horizons {
		fmt.Fprintf(&b, " %s low | %s high |", h.Label, h.Label)
	}
	b.WriteString("\n| --- | --- | --- |")
	for range horizons {
		b.WriteString(" --- | --- |")
	}
	b.WriteString("\n| (scenario's values) | | |")
	for i := range horizons {
		fmt.Fprintf(&b, " %s | |", t.fmtEffect(t.base[i]))
	}
	b.WriteString("\n")
	for _, i := range t.order {
		v := varies[i]
		fmt.Fprintf(&b, "| `%s` | %s | %s to %s |", v.name, fmtG(v.value), fmtG(v.lo), fmtG(v.hi))
		for k := range horizons {
			fmt.Fprintf(&b, " %s | %s |", t.fmtEffect(t.lo[i][k]), t.fmtEffect(t.hi[i][k]))
		}
		b.WriteString("\n")
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	for _, f := range figs {
		fmt.Fprintf(&b, "\n![tornado](%s)\n", f)
	}
	fmt.Fprintf(&b, "\n%s holds every headline effect of compare's effects table for each setting.\n", tornadoFile)
	return b.String()
}
