package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// FitPanel is one series of a calibration figure: the fitted curve over
// the steps, an optional band, and the data points.
type FitPanel struct {
	// Key names the series, as in metrics.csv (output.AllRegions for the
	// whole population). The panel's title, y axis label and colour come
	// from it and the labels and colours of FitInput.Config.
	Key output.Key
	// Dates are the first days of the steps; Curve the fitted model's
	// value at each, Lo and Hi the band (nil for none). NaN values are
	// left out.
	Dates         []time.Time
	Curve, Lo, Hi []float64
	// Points are the observations.
	Points []FitPoint
}

// FitPoint is an observation, drawn at the middle of its period.
type FitPoint struct {
	Date  time.Time
	Value float64
	// Held marks a point after the holdout date (drawn hollow).
	Held bool
}

// FitInput is what FitFigure draws.
type FitInput struct {
	// Name is the figure's file name without extension; Title its title.
	Name, Title string
	// Desc starts the subtitle, which then names Scenario (also written
	// into the PNG file).
	Desc, Scenario string
	// Config is the scenario whose labels and colours the figure uses.
	Config *sim.Config
	// Holdout, if not zero, is drawn as a labelled vertical line.
	Holdout time.Time
	// BandRuns and BandAgents say what the bands are, in a note under
	// the figure: the minimum to maximum of BandRuns agent-engine runs
	// of BandAgents agents. Zero BandRuns means the panels have no band.
	BandRuns, BandAgents int
	// Panels are drawn two per row, in order.
	Panels []FitPanel
}

// FitFigure draws the data of a calibration against the fitted curves,
// one panel per series, two panels per row, in the style of Figures:
// Options.Width wide, as tall as its rows need (at most 1.25 times the
// width), titled from the scenario's labels, each curve in its method's
// or platform's colour and line pattern, data as dots (hollow when held
// out), the holdout date as a marked line. Of opt, the sizes, NoTitle,
// Seed and Version matter; Height must be zero.
func FitFigure(in FitInput, opt Options) (Figure, error) {
	b, l, err := fitLayout(in, opt)
	if err != nil {
		return Figure{}, err
	}
	name := in.Name
	if name == "" {
		name = "fit"
	}
	return b.figure(name, l)
}

// fitLayout lays out the figure of FitFigure.
func fitLayout(in FitInput, opt Options) (*builder, *layout, error) {
	if len(in.Panels) == 0 {
		return nil, nil, errors.New("plots: calibration figure without series")
	}
	if in.Config == nil {
		return nil, nil, errors.New("plots: calibration figure without a scenario")
	}
	opt = opt.withDefaults()
	if err := opt.check(); err != nil {
		return nil, nil, fmt.Errorf("plots: %w", err)
	}
	if opt.Height != 0 {
		return nil, nil, errors.New("plots: a calibration figure takes no fixed height")
	}
	b := &builder{cfg: in.Config, opt: opt, scenario: in.Scenario, st: newStyle(opt.Width, opt.PrintWidth)}
	if err := b.entityColors(); err != nil {
		return nil, nil, fmt.Errorf("plots: %w", err)
	}

	// The x axis spans every step and every observation.
	b.xmin, b.xmax = math.Inf(1), math.Inf(-1)
	for _, pn := range in.Panels {
		for _, d := range pn.Dates {
			b.xmin, b.xmax = math.Min(b.xmin, unix(d)), math.Max(b.xmax, unix(d))
		}
		for _, q := range pn.Points {
			b.xmin, b.xmax = math.Min(b.xmin, unix(q.Date)), math.Max(b.xmax, unix(q.Date))
		}
	}
	if !(b.xmax > b.xmin) {
		return nil, nil, errors.New("plots: calibration figure without dates")
	}
	b.xmin, b.xmax = snapRange(b.xmin, b.xmax)

	sub := in.Desc
	if in.Scenario != "" {
		sub += ". Scenario: " + in.Scenario
	}
	l := &layout{st: b.st, title: in.Title, subtitle: sub + ".", cols: min(2, len(in.Panels)), xmin: b.xmin, xmax: b.xmax}
	if !in.Holdout.IsZero() {
		l.events = []event{{x: unix(in.Holdout), date: in.Holdout, label: "holdout " + in.Holdout.Format(output.DateLayout)}}
	}
	band, held := false, false
	for _, fp := range in.Panels {
		pn, err := b.fitPanel(fp)
		if err != nil {
			return nil, nil, fmt.Errorf("plots: panel %s: %w", fp.Key, err)
		}
		band = band || fp.Lo != nil
		held = held || slices.ContainsFunc(fp.Points, func(q FitPoint) bool { return q.Held })
		l.panels = append(l.panels, pn)
	}
	l.legend = b.fitLegend(band, held)
	if band && in.BandRuns > 0 {
		l.notes = append(l.notes, fmt.Sprintf("Band: min to max of %d agent-engine runs of %s agents at the fitted values%s"+
			" — sampling noise only; parameter uncertainty not included.", in.BandRuns, fmtAgents(in.BandAgents), bandWidth(in.Panels)))
	}
	return b, l, nil
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

// bandWidth says how wide the bands of share panels are at most, such as
// ", at most 0.6 percentage points wide": many agents make a band
// narrower than the line over it, and the note says so rather than
// leave the reader to look for it. It is empty when a panel is not of
// shares.
func bandWidth(panels []FitPanel) string {
	w := 0.0
	for _, pn := range panels {
		if metricUnit(pn.Key.Metric) != "share" {
			return ""
		}
		for i := range pn.Lo {
			if d := pn.Hi[i] - pn.Lo[i]; d > w {
				w = d
			}
		}
	}
	return fmt.Sprintf(", at most %.2g percentage points wide", 100*w)
}

// fmtAgents writes a count of agents with thousands separators.
func fmtAgents(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fitPanel makes the panel of one series: its fitted curve over its band
// in the entity's colour and pattern, and its observations as dots.
func (b *builder) fitPanel(fp FitPanel) (*panel, error) {
	n := len(fp.Dates)
	if len(fp.Curve) != n || (fp.Lo != nil && (len(fp.Lo) != n || len(fp.Hi) != n)) || (fp.Lo == nil) != (fp.Hi == nil) {
		return nil, errors.New("dates, curve and band differ in length")
	}
	for i := range fp.Lo {
		if fp.Lo[i] > fp.Hi[i] {
			return nil, fmt.Errorf("band low above high at %s", fp.Dates[i].Format(output.DateLayout))
		}
	}
	for i := 1; i < n; i++ {
		if !fp.Dates[i].After(fp.Dates[i-1]) {
			return nil, errors.New("dates not increasing")
		}
	}
	k := fp.Key
	pn := &panel{title: upperFirst(k.Label(b.cfg)) + ", " + b.fitRegion(k.Region)}
	share := metricUnit(k.Metric) == "share"
	scale := 1.0
	if share {
		scale = 100
		pn.yLabel, pn.percent = shareLabel(k.Metric), true
	} else {
		top := maxAbs(fp.Curve, fp.Hi)
		for _, q := range fp.Points {
			top = math.Max(top, math.Abs(q.Value))
		}
		var unit string
		scale, unit = countUnit(top)
		pn.yLabel = countLabel(k.Metric, b.cfg.Step.String()) + unit
		pn.what, pn.unit = k.Metric, unitWord(unit)
	}
	c, dash := b.fitColor(k.Entity)
	x := make([]float64, n)
	for i, d := range fp.Dates {
		x[i] = unix(d)
	}
	pn.series = []curve{{Label: k.Label(b.cfg), Color: c, Dashes: dash, X: x, BandEdge: bandEdgeWidth,
		Mean: scaled(fp.Curve, scale), Lo: scaled(fp.Lo, scale), Hi: scaled(fp.Hi, scale)}}
	for _, hollow := range []bool{false, true} {
		d := &dots{Color: black, Radius: b.st.pt(dotRadius), Hollow: hollow, Line: b.st.pt(0.8)}
		for _, q := range fp.Points {
			if q.Held == hollow && !math.IsNaN(q.Value) {
				d.X, d.Y = append(d.X, unix(q.Date)), append(d.Y, scale*q.Value)
			}
		}
		if len(d.X) > 0 {
			pn.dots = append(pn.dots, d)
		}
	}
	return pn, nil
}

// fitRegion is the region of a calibration panel's title: "all
// regions", or the region's label.
func (b *builder) fitRegion(name string) string {
	if name == output.AllRegions {
		return "all regions"
	}
	return b.regionLabel(name)
}

// fitColor is the colour and line pattern of a fitted series of entity:
// its method's (also for "platform/method" and "channel/method": colour
// shows the method, as elsewhere), else its platform's, else black and
// solid.
func (b *builder) fitColor(entity string) (color.Color, int) {
	if i := strings.LastIndexByte(entity, '/'); i >= 0 {
		entity = entity[i+1:]
	}
	for m, mt := range b.cfg.Methods {
		if mt.Name == entity {
			return b.methodColor[m], m
		}
	}
	for p, pl := range b.cfg.Platforms {
		if pl.Name == entity {
			return b.platformColor[p], p
		}
	}
	return black, 0
}

// fitLegend is the key to a calibration figure's marks, in dark grey:
// every panel draws its line and band in its own series' colour, and the
// note under the figure says what the band is.
func (b *builder) fitLegend(band, held bool) []legendEntry {
	line := curve{Color: darkGrey}
	var thumbs []plot.Thumbnailer
	if band {
		thumbs = append(thumbs, &Band{FillColor: withAlpha(darkGrey, bandAlpha)})
	}
	thumbs = append(thumbs, b.st.meanLine(line))
	entries := []legendEntry{
		{label: "Fitted model", thumbs: thumbs},
		{label: "Data", thumbs: []plot.Thumbnailer{&dots{Color: black, Radius: b.st.pt(dotRadius), Line: b.st.pt(0.8)}}},
	}
	if held {
		entries = append(entries, legendEntry{label: "Held out",
			thumbs: []plot.Thumbnailer{&dots{Color: black, Radius: b.st.pt(dotRadius), Line: b.st.pt(0.8), Hollow: true}}})
	}
	return entries
}

// metricUnit is the unit of a metric of sim.Metrics ("share", "people",
// ...), or "" for an unknown one.
func metricUnit(metric string) string {
	for _, m := range sim.Metrics {
		if m.Name == metric {
			return m.Unit
		}
	}
	return ""
}

// shareLabel is the y axis label of a share metric, as in the other
// figures.
func shareLabel(metric string) string {
	switch metric {
	case "adoption", "single_homing", "multihoming":
		return sharePeople
	case "tx_share", "payment_share", "platform_tx_share":
		return "Share of transactions (%)"
	case "value_share", "payment_value_share":
		return "Share of payment value (%)"
	case "gmv_share":
		return "Share of GMV (%)"
	case "channel_payment_share":
		return "Share of the channel's payments (%)"
	case "lost_sale_rate":
		return "Share of orders lost (%)"
	}
	return "Share (%)"
}

// countLabel is the y axis label of a count metric per step.
func countLabel(metric, step string) string {
	switch metricUnit(metric) {
	case "people":
		return "People per " + step
	case "transactions":
		return "Transactions per " + step
	case "currency":
		return "Value per " + step
	}
	return upperFirst(strings.ReplaceAll(metric, "_", " "))
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// dots draws observations as circles of Color, filled or, if Hollow,
// rings of width Line around white: a ring stays visible over a band and
// a line. It has no data range: the layout fixes the axes.
type dots struct {
	X, Y   []float64
	Color  color.Color
	Radius vg.Length
	Line   vg.Length
	Hollow bool
}

func (d *dots) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for i := range d.X {
		p := vg.Point{X: trX(d.X[i]), Y: trY(d.Y[i])}
		if c.Contains(p) {
			d.glyph(c, p)
		}
	}
}

func (d *dots) glyph(c draw.Canvas, p vg.Point) {
	if !d.Hollow {
		c.DrawGlyph(draw.GlyphStyle{Color: d.Color, Radius: d.Radius, Shape: draw.CircleGlyph{}}, p)
		return
	}
	c.DrawGlyph(draw.GlyphStyle{Color: color.White, Radius: d.Radius, Shape: draw.CircleGlyph{}}, p)
	c.SetLineStyle(draw.LineStyle{Color: d.Color, Width: d.Line})
	var ring vg.Path
	r := d.Radius - d.Line/2
	ring.Move(vg.Point{X: p.X + r, Y: p.Y})
	ring.Arc(p, r, 0, 2*math.Pi)
	ring.Close()
	c.Stroke(ring)
}

// Thumbnail draws one dot in the middle of c, implementing
// plot.Thumbnailer.
func (d *dots) Thumbnail(c *draw.Canvas) {
	d.glyph(*c, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
}
