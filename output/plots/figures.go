package plots

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// figureSpec is a figure: its name, the metrics it draws and how.
type figureSpec struct {
	name    string
	metrics []string
	build   func(*builder) *layout
}

// figureSpecs lists the figures in the order Figures returns them, with
// the metrics each one draws.
var figureSpecs = []figureSpec{
	{"adoption", []string{"adoption"}, (*builder).adoption},
	{"payment-shares", []string{"tx_share", "payment_share"}, (*builder).paymentShares},
	{"headline", []string{"payment_share"}, (*builder).headline},
	{"platform-shares", []string{"gmv_share"}, (*builder).platformShares},
	{"lost-sales", []string{"lost_sales", "signups"}, (*builder).lostSales},
	{"multihoming", []string{"multihoming"}, (*builder).multihoming},
}

// builder holds what every figure needs: the indexed table, the chosen
// entities and their fixed colours.
type builder struct {
	cfg      *sim.Config
	opt      Options
	st       *style
	scenario string
	effect   string // for effect figures: what minus what
	f, base  *frame
	baseX    map[float64]int // step index of a date in base

	methods, platforms []int    // kept, in declaration order
	regions            []string // kept panels: AllRegions first, then regions
	methodColor        []color.Color
	platformColor      []color.Color
	events             []event
	xmin, xmax         float64
}

// newBuilder indexes st's series of metrics for the figures of cfg.
func newBuilder(st *output.StatTable, cfg *sim.Config, scenario string, opt Options, metrics []string) (*builder, error) {
	b := &builder{cfg: cfg, opt: opt, scenario: scenario}
	var errs []error

	// Filters name entities of cfg.
	methodNames := make([]string, len(cfg.Methods))
	for i, m := range cfg.Methods {
		methodNames[i] = m.Name
	}
	platformNames := make([]string, len(cfg.Platforms))
	for i, p := range cfg.Platforms {
		platformNames[i] = p.Name
	}
	regionNames := []string{output.AllRegions}
	for _, r := range cfg.Regions {
		regionNames = append(regionNames, r.Name)
	}
	metricNames := make([]string, len(sim.Metrics))
	for i, m := range sim.Metrics {
		metricNames[i] = m.Name
	}
	check := func(what string, got, valid []string) {
		for _, g := range got {
			if !slices.Contains(valid, g) {
				errs = append(errs, fmt.Errorf("unknown %s %q (valid: %s)", what, g, strings.Join(valid, ", ")))
			}
		}
	}
	check("method", opt.Methods, methodNames)
	check("platform", opt.Platforms, platformNames)
	check("region", opt.Regions, regionNames)
	check("metric", opt.Metrics, metricNames)
	for _, t := range []*output.StatTable{st, opt.Baseline} {
		if t == nil {
			continue
		}
		what := "table"
		if t == opt.Baseline {
			what = "baseline"
		}
		seen := map[string]bool{}
		for i := range t.Rows {
			if r := t.Rows[i].Region; !seen[r] {
				seen[r] = true
				if !slices.Contains(regionNames, r) {
					errs = append(errs, fmt.Errorf("%s region %q is not a region of the scenario (valid: %s)", what, r, strings.Join(regionNames, ", ")))
				}
			}
		}
	}
	for i, n := range methodNames {
		if keep(opt.Methods, n) {
			b.methods = append(b.methods, i)
		}
	}
	for i, n := range platformNames {
		if keep(opt.Platforms, n) {
			b.platforms = append(b.platforms, i)
		}
	}
	for _, n := range regionNames {
		if keep(opt.Regions, n) {
			b.regions = append(b.regions, n)
		}
	}

	errs = append(errs, b.entityColors())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	f, err := newFrame(st, metrics)
	if err != nil {
		return nil, err
	}
	b.f = f
	if opt.Baseline != nil && len(opt.Baseline.Rows) > 0 {
		if b.base, err = newFrame(opt.Baseline, metrics); err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		b.baseX = make(map[float64]int, len(b.base.x))
		common := 0
		for i, x := range b.base.x {
			b.baseX[x] = i
			if slices.Contains(b.f.x, x) {
				common++
			}
		}
		if common == 0 {
			return nil, errors.New("the baseline shares no date with the table: is it a run of the same scenario's period?")
		}
		shared := false
		for k := range b.f.vals {
			shared = shared || b.base.has(k)
		}
		if !shared {
			return nil, errors.New("the baseline shares no series with the table")
		}
	}
	b.xmin, b.xmax = b.f.x[0], b.f.x[len(b.f.x)-1]
	if b.xmax <= b.xmin { // a single step: show that step's length
		t0 := time.Unix(int64(b.xmin), 0).UTC()
		b.xmax = float64(cfg.Step.Add(t0, 1).Unix())
	}
	b.xmin, b.xmax = snapRange(b.xmin, b.xmax)
	b.events = b.eventMarks()
	b.st = newStyle(opt.Width, opt.PrintWidth)
	return b, nil
}

// entityColors sets the colours of b.cfg's methods and platforms (see
// entityColor).
func (b *builder) entityColors() error {
	var errs []error
	for i, m := range b.cfg.Methods {
		c, err := entityColor(m.Color, i)
		if err != nil {
			errs = append(errs, fmt.Errorf("method %s: %w", m.Name, err))
		}
		b.methodColor = append(b.methodColor, c)
	}
	for i, p := range b.cfg.Platforms {
		c, err := entityColor(p.Color, i)
		if err != nil {
			errs = append(errs, fmt.Errorf("platform %s: %w", p.Name, err))
		}
		b.platformColor = append(b.platformColor, c)
	}
	return errors.Join(errs...)
}

// keep reports whether name passes filter (empty keeps everything).
func keep(filter []string, name string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}

func (b *builder) wantAny(metrics ...string) bool {
	for _, m := range metrics {
		if keep(b.opt.Metrics, m) {
			return true
		}
	}
	return false
}

func label(l, name string) string {
	if l != "" {
		return l
	}
	return name
}

func (b *builder) methodLabel(m int) string {
	return label(b.cfg.Methods[m].Label, b.cfg.Methods[m].Name)
}

func (b *builder) platformLabel(p int) string {
	return label(b.cfg.Platforms[p].Label, b.cfg.Platforms[p].Name)
}

func (b *builder) regionLabel(name string) string {
	if name == output.AllRegions {
		return "All regions"
	}
	for _, r := range b.cfg.Regions {
		if r.Name == name {
			return label(r.Label, r.Name)
		}
	}
	return name
}

// regionIndex is a region's declaration index, -1 for AllRegions.
func (b *builder) regionIndex(name string) int {
	for i, r := range b.cfg.Regions {
		if r.Name == name {
			return i
		}
	}
	return -1
}

// focusRegion is the region of single-region figures: the whole country
// unless filtered out, else the first kept region.
func (b *builder) focusRegion() (string, bool) {
	if len(b.regions) == 0 {
		return "", false
	}
	return b.regions[0], true
}

// scope says which region a single-region figure shows.
func (b *builder) scope(region string) string {
	if region == output.AllRegions {
		return "whole country"
	}
	return b.regionLabel(region)
}

// eventMarks labels the scenario's events (those not Unmarked), in date
// order. Events on the
// same date make one marker whose label joins theirs with "; ", so that
// their labels never stack on one line, each label once (the history's
// three "Channels grow" events of a quarter make one); a promotion with
// an end (Until) also shades its span.
func (b *builder) eventMarks() []event {
	var evs []event
	for _, e := range b.cfg.Events {
		if e.Unmarked {
			continue
		}
		l := e.Label
		if l == "" {
			l = b.describe(e)
		}
		ev := event{x: float64(e.Date.Unix()), date: e.Date, label: l}
		if e.Kind == sim.Promotion && e.Until.After(e.Date) {
			ev.spans = [][2]float64{{ev.x, float64(e.Until.Unix())}}
			ev.until = e.Until
		}
		evs = append(evs, ev)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].x < evs[j].x })
	var merged []event
	for _, ev := range evs {
		if n := len(merged); n > 0 && merged[n-1].x == ev.x {
			m := &merged[n-1]
			if !slices.Contains(strings.Split(m.label, "; "), ev.label) {
				m.label += "; " + ev.label
			}
			m.spans = append(m.spans, ev.spans...)
			if ev.until.After(m.until) {
				m.until = ev.until
			}
			continue
		}
		merged = append(merged, ev)
	}
	return merged
}

func (b *builder) describe(e sim.Event) string {
	okP := e.Platform >= 0 && e.Platform < len(b.cfg.Platforms)
	okM := e.Method >= 0 && e.Method < len(b.cfg.Methods)
	switch {
	case e.Kind == sim.Accept && okP && okM:
		return b.platformLabel(e.Platform) + " accepts " + b.methodLabel(e.Method)
	case e.Kind == sim.StopAccepting && okP && okM:
		return b.platformLabel(e.Platform) + " stops accepting " + b.methodLabel(e.Method)
	case e.Kind == sim.Promotion && okM:
		if okP {
			return b.methodLabel(e.Method) + " promotion on " + b.platformLabel(e.Platform)
		}
		return b.methodLabel(e.Method) + " promotion"
	}
	return "parameter change"
}

// series returns the series of (region, metric, entity) scaled by scale,
// and false if the table lacks it.
func (b *builder) series(region, metric, entity, lbl string, c color.Color, dash int, scale float64) (curve, bool) {
	k := key{region, metric, entity}
	if !b.f.has(k) {
		return curve{}, false
	}
	s := curve{Label: lbl, Color: c, Dashes: dash, X: b.f.x}
	s.Mean, s.Lo, s.Hi = b.f.stats(k, scale)
	if b.base != nil && b.base.has(k) {
		mean, lo, hi := b.base.stats(k, scale)
		s.Baseline = nanSlice(len(s.X))
		if lo != nil {
			s.BaseLo, s.BaseHi = nanSlice(len(s.X)), nanSlice(len(s.X))
		}
		for i, x := range s.X {
			if j, ok := b.baseX[x]; ok {
				s.Baseline[i] = mean[j]
				if lo != nil {
					s.BaseLo[i], s.BaseHi[i] = lo[j], hi[j]
				}
			}
		}
		hideEqual(s.Baseline, s.Mean)
		// The baseline's band is hidden where its line is: where the two
		// coincide, the scenario's band already shows the spread.
		for i, v := range s.Baseline {
			if math.IsNaN(v) && s.BaseLo != nil {
				s.BaseLo[i], s.BaseHi[i] = math.NaN(), math.NaN()
			}
		}
		if !slices.ContainsFunc(s.Baseline, finite) {
			// Nothing differs: no baseline line, and no key to it.
			s.Baseline, s.BaseLo, s.BaseHi = nil, nil, nil
		}
	}
	return s, true
}

func (b *builder) methodSeries(region, metric, entity string, m int, scale float64) (curve, bool) {
	return b.series(region, metric, entity, b.methodLabel(m), b.methodColor[m], m, scale)
}

// newLayout starts a figure with a title and a subtitle made of desc, the
// scenario's name (or, for effect figures, the comparison) and how many
// runs the curves summarise. A comparison's figure that draws the key to
// scenario and baseline lines, which names both, leaves the scenario's
// name out of its subtitle (see figure), which is then a line shorter.
func (b *builder) newLayout(title, desc string) *layout {
	var sub, keyed string
	if b.effect != "" {
		sub = fmt.Sprintf("Effect of the events (%s) on the %s", b.effect, lowerFirst(desc))
		if b.f.runs > 1 {
			sub += fmt.Sprintf("; mean of %d paired runs", b.f.runs)
		}
	} else {
		var runs string
		if b.f.runs > 1 {
			runs += fmt.Sprintf("; mean of %d runs", b.f.runs)
		}
		if b.base != nil && b.base.runs > 1 && b.base.runs != b.f.runs {
			runs += fmt.Sprintf("; %s: mean of %d runs", b.opt.BaselineName, b.base.runs)
		}
		sub = fmt.Sprintf("%s. Scenario: %s%s", desc, b.scenario, runs)
		if b.base != nil {
			keyed = desc + runs + "."
		}
	}
	var notes []string
	if n := b.bandNote(); n != "" {
		notes = append(notes, n)
	}
	return &layout{
		st: b.st, title: title, subtitle: sub + ".", keyedSubtitle: keyed,
		events: b.events, xmin: b.xmin, xmax: b.xmax, notes: notes,
	}
}

// bandNote says what the bands of a figure show, when it draws any: the
// spread of the replicates, which is Monte Carlo sampling noise, not
// uncertainty about the parameters or the effect. It is a note under the
// figure, so that it stays with Options.NoTitle.
func (b *builder) bandNote() string {
	caveat := " — Monte Carlo sampling noise only; parameter uncertainty not included."
	if u := b.opt.Uncertainty; u != nil && u.Parameters != nil {
		caveat = " — " + u.Label() + "."
	}
	switch {
	case b.effect != "" && b.f.runs > 1:
		return fmt.Sprintf("Lines: mean effect; band: 5th–95th percentile of %d paired differences%s", b.f.runs, caveat)
	case b.effect != "":
		return ""
	case b.f.runs > 1 && b.base != nil && b.base.runs > 1:
		of := fmt.Sprintf("%d replicates", b.f.runs)
		if b.base.runs != b.f.runs {
			of += fmt.Sprintf(" (baseline: %d)", b.base.runs)
		}
		return fmt.Sprintf("Lines: means; bands: 5th–95th percentile of %s, the baseline's paler%s", of, caveat)
	case b.f.runs > 1:
		return fmt.Sprintf("Lines: means; bands: 5th–95th percentile of %d replicates%s", b.f.runs, caveat)
	case b.base != nil && b.base.runs > 1:
		return fmt.Sprintf("Baseline: mean over a band of the 5th–95th percentile of %d replicates%s", b.base.runs, caveat)
	}
	return ""
}

// hasKey reports whether a legend of l holds the key to scenario and
// baseline lines.
func (l *layout) hasKey() bool {
	legends := [][]legendEntry{l.legend}
	for _, pn := range l.panels {
		legends = append(legends, pn.legend)
	}
	for _, lg := range legends {
		for _, e := range lg {
			if e.key {
				return true
			}
		}
	}
	return false
}

// legendFor returns one entry per distinct label of the panels' series,
// in order of first appearance, plus a key to baselines if any.
func (b *builder) legendFor(panels ...*panel) []legendEntry {
	entries := b.seriesEntries(panels...)
	if hasBaseline(panels...) {
		entries = append(entries, b.baselineKey(panels...)...)
	}
	return entries
}

// seriesEntries returns one entry per distinct label of the panels'
// series, in order of first appearance, without the key to baselines.
func (b *builder) seriesEntries(panels ...*panel) []legendEntry {
	var entries []legendEntry
	seen := map[string]bool{}
	for _, pn := range panels {
		for _, s := range pn.series {
			if seen[s.Label] {
				continue
			}
			seen[s.Label] = true
			var thumbs []plot.Thumbnailer
			if s.Lo != nil {
				thumbs = append(thumbs, &Band{FillColor: withAlpha(s.Color, bandAlpha)})
			}
			thumbs = append(thumbs, b.st.meanLine(s))
			entries = append(entries, legendEntry{label: s.Label, thumbs: thumbs})
		}
	}
	return entries
}

// hasBaseline reports whether any of the panels draws a baseline line.
func hasBaseline(panels ...*panel) bool {
	for _, pn := range panels {
		for _, s := range pn.series {
			if s.Baseline != nil {
				return true
			}
		}
	}
	return false
}

// keyOnce adds the key to scenario and baseline lines, if any panel of l
// draws a baseline, to the figure's shared legend, under the grid (the
// legend's other entries may go in empty cells). The key says what dark
// and pale lines mean in the whole figure, so it is given once, not
// under every panel, and in the figure's full width, which its long
// names need.
func (b *builder) keyOnce(l *layout) {
	if !hasBaseline(l.panels...) {
		return
	}
	l.legend = append(l.legend, b.baselineKey(l.panels...)...)
}

// baselineKey is the key to scenario and baseline lines: "Scenario:
// <name>" by a dark line and "Baseline: <name> (pale)" by the same line,
// pale, over the baseline's lighter band when the panels draw one. Line
// patterns mean methods, platforms and regions only, in comparisons as
// elsewhere: the baseline differs by its paleness alone.
func (b *builder) baselineKey(panels ...*panel) []legendEntry {
	band := false
	for _, pn := range panels {
		for _, s := range pn.series {
			band = band || s.BaseLo != nil
		}
	}
	var thumbs []plot.Thumbnailer
	if band {
		thumbs = append(thumbs, &Band{FillColor: withAlpha(darkGrey, baseBandAlpha)})
	}
	thumbs = append(thumbs, &gapLine{LineStyle: b.st.baselineStyle(curve{Color: darkGrey})})
	return []legendEntry{
		{label: "Scenario: " + b.scenario, thumbs: []plot.Thumbnailer{b.st.meanLine(curve{Color: darkGrey})}, key: true},
		{label: "Baseline: " + b.opt.BaselineName + " (pale)", thumbs: thumbs, key: true},
	}
}

// figure finishes a layout: one y label for the figure when the panels
// share it, no title and subtitle with Options.NoTitle, plots, then the
// grid and the height (see size).
func (b *builder) figure(name string, l *layout) (Figure, error) {
	shared := len(l.panels) > 1
	for _, pn := range l.panels {
		shared = shared && pn.yLabel == l.panels[0].yLabel
	}
	l.sharedY = shared
	if l.keyedSubtitle != "" && l.hasKey() {
		l.subtitle = l.keyedSubtitle
	}
	title := l.title
	if b.opt.NoTitle {
		l.title, l.subtitle = "", ""
	}
	l.build()
	h, err := b.size(name, l)
	if err != nil {
		return Figure{}, err
	}
	if !(h > 0) || math.IsInf(float64(h), 0) {
		// Never for data within output.MaxValue; a guard against
		// drawing a figure of no size.
		return Figure{}, fmt.Errorf("plots: %s cannot be laid out (its height would be %v): values too large for its axes", name, h)
	}
	return Figure{Name: name, Title: title, Width: b.opt.Width, Height: h, Draw: l.Draw, Text: b.pngText(title)}, nil
}

// pngText is what a figure's PNG file says about it in tEXt chunks.
func (b *builder) pngText(title string) []PNGText {
	t := []PNGText{{"Title", title}, {"Scenario", b.scenario}}
	if b.effect != "" {
		t[1].Text += " (effect: " + b.effect + ")"
	} else if b.base != nil {
		t[1].Text += " against " + b.opt.BaselineName
	}
	if b.opt.Seed != "" {
		t = append(t, PNGText{"Seed", b.opt.Seed})
	}
	if b.opt.Version != "" {
		t = append(t, PNGText{"Software", "interopsim " + b.opt.Version})
	}
	return t
}

const sharePeople = "Share of people (%)"

// effectPoints is the y label of effects on shares.
const effectPoints = "Effect (percentage points)"

// sharePanel is a panel of shares in percent: on a 0-100 axis labelled
// yLabel, or for effect figures on a signed axis of percentage points.
func (b *builder) sharePanel(title, yLabel string) *panel {
	if b.effect != "" {
		return &panel{title: title, yLabel: effectPoints, signed: true}
	}
	return &panel{title: title, yLabel: yLabel, percent: true}
}

// titles returns title and desc, for effect figures with title made
// "Effect on" title (its first letter lowered unless the word is a name).
func (b *builder) titles(title, desc string, name bool) (string, string) {
	if b.effect == "" {
		return title, desc
	}
	if !name {
		title = lowerFirst(title)
	}
	return "Effect on " + title, desc
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// adoption: share of people holding each method, a panel per region.
func (b *builder) adoption() *layout {
	l := b.newLayout(b.titles("Adoption of payment methods", "Share of people holding each payment method, by region", false))
	for _, r := range b.regions {
		pn := b.sharePanel(b.regionLabel(r), sharePeople)
		for _, m := range b.methods {
			if s, ok := b.methodSeries(r, "adoption", b.cfg.Methods[m].Name, m, 100); ok {
				pn.series = append(pn.series, s)
			}
		}
		if len(pn.series) > 0 {
			l.panels = append(l.panels, pn)
		}
	}
	l.legend = b.legendFor(l.panels...)
	return l
}

// paymentShares: share of transactions by method, on all platforms and
// on each.
func (b *builder) paymentShares() *layout {
	r, ok := b.focusRegion()
	if !ok {
		return nil
	}
	l := b.newLayout("Payment shares by method",
		"Share of transactions paid with each method, on all platforms and on each platform, "+b.scope(r))
	if keep(b.opt.Metrics, "tx_share") {
		pn := &panel{title: "All platforms", yLabel: "Share of transactions (%)", percent: true}
		for _, m := range b.methods {
			if s, ok := b.methodSeries(r, "tx_share", b.cfg.Methods[m].Name, m, 100); ok {
				pn.series = append(pn.series, s)
			}
		}
		if len(pn.series) > 0 {
			l.panels = append(l.panels, pn)
		}
	}
	if keep(b.opt.Metrics, "payment_share") {
		for _, p := range b.platforms {
			pn := &panel{title: b.platformLabel(p), yLabel: "Share of transactions (%)", percent: true}
			for _, m := range b.methods {
				e := b.cfg.Platforms[p].Name + "/" + b.cfg.Methods[m].Name
				if s, ok := b.methodSeries(r, "payment_share", e, m, 100); ok {
					pn.series = append(pn.series, s)
				}
			}
			if len(pn.series) > 0 {
				l.panels = append(l.panels, pn)
			}
		}
	}
	l.legend = b.legendFor(l.panels...)
	return l
}

// headlineChoice returns the platform and methods of the headline: the
// platform of the first Accept event with the accepted method first, then
// the methods it accepted just before; without an Accept event, the first
// platform and the methods it accepts at the start.
func headlineChoice(cfg *sim.Config) (platform int, methods []int, found bool) {
	first := -1
	for i, e := range cfg.Events {
		if e.Kind == sim.Accept && e.Platform >= 0 && e.Platform < len(cfg.Platforms) &&
			e.Method >= 0 && e.Method < len(cfg.Methods) &&
			(first < 0 || e.Date.Before(cfg.Events[first].Date)) {
			first = i
		}
	}
	if first < 0 {
		if len(cfg.Platforms) == 0 {
			return 0, nil, false
		}
		for m, ok := range cfg.Platforms[0].Accepts {
			if ok {
				methods = append(methods, m)
			}
		}
		return 0, methods, false
	}
	ev := cfg.Events[first]
	p := ev.Platform
	accepts := slices.Clone(cfg.Platforms[p].Accepts)
	for _, e := range cfg.Events {
		if e.Platform == p && e.Date.Before(ev.Date) && e.Method >= 0 && e.Method < len(accepts) {
			switch e.Kind {
			case sim.Accept:
				accepts[e.Method] = true
			case sim.StopAccepting:
				accepts[e.Method] = false
			}
		}
	}
	methods = []int{ev.Method}
	for m, ok := range accepts {
		if ok && m != ev.Method {
			methods = append(methods, m)
		}
	}
	return p, methods, true
}

// headline: the methods' shares of payments on the platform that opened
// up first.
func (b *builder) headline() *layout {
	r, ok := b.focusRegion()
	if !ok {
		return nil
	}
	p, methods, found := headlineChoice(b.cfg)
	if len(b.cfg.Platforms) == 0 || !slices.Contains(b.platforms, p) {
		return nil
	}
	firstMethod := -1
	if len(methods) > 0 {
		firstMethod = methods[0]
	}
	methods = slices.DeleteFunc(methods, func(m int) bool { return !slices.Contains(b.methods, m) })
	if len(methods) == 0 {
		methods = b.methods
	}
	pl := b.platformLabel(p)
	title, name := "Payment shares on "+pl, false
	if found && methods[0] == firstMethod {
		title, name = b.methodLabel(firstMethod)+"'s share of payments on "+pl, true
	}
	l := b.newLayout(b.titles(title, "Share of "+pl+"'s transactions paid with each method, "+b.scope(r), name))
	pn := b.sharePanel("", "Share of transactions (%)")
	// Lines in declaration order, so colours and legend match the other
	// figures.
	sorted := slices.Sorted(slices.Values(methods))
	for _, m := range sorted {
		e := b.cfg.Platforms[p].Name + "/" + b.cfg.Methods[m].Name
		if s, ok := b.methodSeries(r, "payment_share", e, m, 100); ok {
			pn.series = append(pn.series, s)
		}
	}
	if len(pn.series) > 0 {
		l.panels = append(l.panels, pn)
	}
	l.legend = b.legendFor(l.panels...)
	return l
}

// platformShares: GMV share by platform, a panel per region.
func (b *builder) platformShares() *layout {
	l := b.newLayout(b.titles("Platform market shares", "Share of GMV (value of purchases) by platform, by region", false))
	for _, r := range b.regions {
		pn := b.sharePanel(b.regionLabel(r), "Share of GMV (%)")
		for _, p := range b.platforms {
			if s, ok := b.series(r, "gmv_share", b.cfg.Platforms[p].Name, b.platformLabel(p), b.platformColor[p], p, 100); ok {
				pn.series = append(pn.series, s)
			}
		}
		if len(pn.series) > 0 {
			l.panels = append(l.panels, pn)
		}
	}
	l.legend = b.legendFor(l.panels...)
	return l
}

func scaled(v []float64, k float64) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * k
	}
	return out
}

// countUnit picks the unit of a count axis from its largest value.
func countUnit(max float64) (scale float64, unit string) {
	switch {
	case max >= 1e6:
		return 1e-6, " (millions)"
	case max >= 1e3:
		return 1e-3, " (thousands)"
	}
	return 1, ""
}

// lostSales: lost sales by platform and sign-ups at checkout by platform
// and method, as people-weighted counts per step; sign-up series that
// stay at zero are left out.
func (b *builder) lostSales() *layout {
	r, ok := b.focusRegion()
	if !ok {
		return nil
	}
	per := "per " + b.cfg.Step.String()
	l := b.newLayout("Lost sales and sign-ups at checkout",
		"Checkouts abandoned because no method the shopper holds is accepted, and sign-ups for an accepted method at checkout, "+per+", "+b.scope(r))
	if keep(b.opt.Metrics, "lost_sales") {
		pn := &panel{}
		for _, p := range b.platforms {
			if s, ok := b.series(r, "lost_sales", b.cfg.Platforms[p].Name, b.platformLabel(p), b.platformColor[p], p, 1); ok {
				pn.series = append(pn.series, s)
			}
		}
		if len(pn.series) > 0 {
			pn.title = "Lost sales " + per + b.scaleCounts(pn) + ", by platform"
			pn.what, pn.unit = "lost sales", unitWord(pn.title)
			pn.legend = b.seriesEntries(pn)
			l.panels = append(l.panels, pn)
		}
	}
	if keep(b.opt.Metrics, "signups") {
		if pn, note := b.signupsPanel(r, per); pn != nil {
			l.panels = append(l.panels, pn)
			if note != "" {
				l.notes = append(l.notes, note)
			}
		}
	}
	b.keyOnce(l)
	return l
}

// maxSignupLines is the most sign-up lines (combinations of method and
// platform) the lost-sales figure draws.
const maxSignupLines = 6

// signupsPanel is the lost-sales figure's panel of sign-ups at checkout,
// by method and platform, in region r, and a note on what it leaves out.
// Of the combinations with sign-ups it draws the largest by total over
// the period, at most maxSignupLines, in declaration order, coloured by
// method and patterned by platform, each named in the legend: a dozen
// lines near zero cannot be told apart.
func (b *builder) signupsPanel(r, per string) (*panel, string) {
	type combo struct {
		s     curve
		m, p  int
		total float64
	}
	var all []combo
	var sum float64
	for _, p := range b.platforms {
		for _, m := range b.methods {
			e := b.cfg.Platforms[p].Name + "/" + b.cfg.Methods[m].Name
			lbl := b.methodLabel(m) + " at " + b.platformLabel(p)
			s, ok := b.series(r, "signups", e, lbl, b.methodColor[m], p, 1)
			if !ok || allZeroOrNaN(s.Mean) && allZeroOrNaN(s.Hi) && allZeroOrNaN(s.Baseline) && allZeroOrNaN(s.BaseHi) {
				continue
			}
			var t float64
			for _, v := range s.Mean {
				if finite(v) {
					t += v
				}
			}
			all = append(all, combo{s, m, p, t})
			sum += t
		}
	}
	if len(all) == 0 {
		return nil, ""
	}
	kept := slices.Clone(all)
	slices.SortStableFunc(kept, func(a, b combo) int { return cmp.Compare(b.total, a.total) })
	kept = kept[:min(len(kept), maxSignupLines)]
	pn := &panel{}
	var shown float64
	var methods, platforms []int // drawn, in declaration order
	for _, c := range all {      // declaration order
		if slices.ContainsFunc(kept, func(k combo) bool { return k.s.Label == c.s.Label }) {
			pn.series = append(pn.series, c.s)
			shown += c.total
			if !slices.Contains(methods, c.m) {
				methods = append(methods, c.m)
			}
			if !slices.Contains(platforms, c.p) {
				platforms = append(platforms, c.p)
			}
		}
	}
	slices.Sort(methods)
	pn.title = "Sign-ups at checkout " + per + b.scaleCounts(pn)
	pn.what, pn.unit = "sign-ups", unitWord(pn.title)
	pn.legend = b.seriesEntries(pn)
	var notes []string
	if len(all) > len(kept) && sum > 0 {
		notes = append(notes, fmt.Sprintf("the %d largest of %d method-platform combinations (%.0f%% of all sign-ups)",
			len(kept), len(all), 100*shown/sum))
	}
	// A key to colours and patterns, one entry per method and per
	// platform, when that takes fewer rows than one entry per line, whose
	// long labels ("Bank card/UnionPay at Taobao/Tmall") may need a row
	// each.
	w := b.opt.Width - 2*b.st.pt(4)
	factored := b.factoredLegend(methods, platforms, pn.series[0].Lo != nil)
	if legendHeight(b.st, factored, w, 0) < legendHeight(b.st, pn.legend, w, 0) {
		pn.legend = factored
		notes = append(notes, "colour shows the method, line pattern the platform")
	}
	if len(notes) == 0 {
		return pn, ""
	}
	return pn, "Sign-ups: " + strings.Join(notes, "; ") + "."
}

// factoredLegend is the legend of lines coloured by method and patterned
// by platform: the methods as solid lines of their colour, then the
// platforms as dark grey lines of their pattern.
func (b *builder) factoredLegend(methods, platforms []int, band bool) []legendEntry {
	var entries []legendEntry
	for _, m := range methods {
		var thumbs []plot.Thumbnailer
		if band {
			thumbs = append(thumbs, &Band{FillColor: withAlpha(b.methodColor[m], bandAlpha)})
		}
		thumbs = append(thumbs, b.st.meanLine(curve{Color: b.methodColor[m]}))
		entries = append(entries, legendEntry{label: b.methodLabel(m), thumbs: thumbs})
	}
	for _, p := range platforms {
		entries = append(entries, legendEntry{
			label:  b.platformLabel(p),
			thumbs: []plot.Thumbnailer{b.st.meanLine(curve{Color: darkGrey, Dashes: p})},
		})
	}
	return entries
}

// unitWord is the unit of a count panel titled title, as a word to
// follow a number: " million", " thousand" or "".
func unitWord(title string) string {
	switch {
	case strings.Contains(title, "(millions)"):
		return " million"
	case strings.Contains(title, "(thousands)"):
		return " thousand"
	}
	return ""
}

// scaleCounts expresses a count panel in thousands or millions and
// returns the unit, such as " (millions)".
func (b *builder) scaleCounts(pn *panel) string {
	var top float64
	for _, s := range pn.series {
		top = math.Max(top, maxAbs(s.Mean, s.Lo, s.Hi, s.Baseline, s.BaseLo, s.BaseHi))
	}
	k, unit := countUnit(top)
	for i := range pn.series {
		s := &pn.series[i]
		s.Mean, s.Lo, s.Hi = scaled(s.Mean, k), scaled(s.Lo, k), scaled(s.Hi, k)
		s.Baseline, s.BaseLo, s.BaseHi = scaled(s.Baseline, k), scaled(s.BaseLo, k), scaled(s.BaseHi, k)
	}
	return unit
}

// multihoming: share of people holding two or more methods, a line per
// region and a thicker black one for the whole country.
func (b *builder) multihoming() *layout {
	l := b.newLayout("Multi-homing", "Share of people holding two or more payment methods, by region")
	pn := &panel{yLabel: sharePeople, percent: true}
	for _, r := range b.regions {
		c, dash, w := black, 0, totalWidth
		if i := b.regionIndex(r); i >= 0 {
			c, dash, w = tolMuted[i%len(tolMuted)], 1+i, lineWidth
		}
		if s, ok := b.series(r, "multihoming", "2+", b.regionLabel(r), c, dash, 100); ok {
			s.Width = w
			pn.series = append(pn.series, s)
		}
	}
	if len(pn.series) > 0 {
		l.panels = append(l.panels, pn)
	}
	l.legend = b.legendFor(l.panels...)
	return l
}

// snapRange widens a range of more than half a year to whole months, so
// that a series starting on 2 January shows its year's label.
func snapRange(xmin, xmax float64) (float64, float64) {
	if xmax-xmin < 183*86400 {
		return xmin, xmax
	}
	lo := time.Unix(int64(xmin), 0).UTC()
	hi := time.Unix(int64(xmax), 0).UTC()
	lo = time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	if h := time.Date(hi.Year(), hi.Month(), 1, 0, 0, 0, 0, time.UTC); h.Before(hi) {
		hi = h.AddDate(0, 1, 0)
	}
	return float64(lo.Unix()), float64(hi.Unix())
}

// hideEqual blanks the points of baseline that coincide with mean (within
// a thousandth of the largest value), keeping the neighbours of points
// that differ so the pale line starts where the curves part: a baseline
// drawn over an identical mean would only clutter it.
func hideEqual(baseline, mean []float64) {
	eps := 1e-3 * math.Max(maxFinite(baseline), maxFinite(mean))
	same := make([]bool, len(baseline))
	for i := range baseline {
		same[i] = math.Abs(baseline[i]-mean[i]) <= eps
	}
	for i := range baseline {
		prevDiffers := i > 0 && !same[i-1]
		nextDiffers := i+1 < len(same) && !same[i+1]
		if same[i] && !prevDiffers && !nextDiffers {
			baseline[i] = math.NaN()
		}
	}
}
