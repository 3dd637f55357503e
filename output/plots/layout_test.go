package plots

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// busyStats is the table of busyConfig over runs replicates.
func busyStats(t *testing.T, runs int) *output.StatTable {
	t.Helper()
	cfg := busyConfig()
	tab := &output.Table{}
	for r := range runs {
		tab.Rows = append(tab.Rows, output.FromResult(testResult(cfg, r)).Rows...)
	}
	return summarize(t, tab)
}

// With Width and Height set, every figure is exactly that size, or
// Figures fails with a SizeError naming the least height that works.
// (The height was once only a one-row figure's, and 8.5 × 6 cm gave
// adoption 8.5 × 15.6 cm.)
func TestExactSize(t *testing.T) {
	st := testStats(t, testConfig(), 1)
	for _, size := range []struct{ w, h float64 }{{16, 17}, {12, 13}, {16, 20}} {
		opt := Options{Width: vg.Length(size.w) * vg.Centimeter, Height: vg.Length(size.h) * vg.Centimeter}
		for _, f := range mustFigures(t, st, opt) {
			if f.Width != opt.Width || f.Height != opt.Height {
				t.Errorf("%g×%g cm: %s is %.2f×%.2f cm", size.w, size.h, f.Name, f.Width/vg.Centimeter, f.Height/vg.Centimeter)
			}
		}
	}

	opt := Options{Width: 8.5 * vg.Centimeter, Height: 6 * vg.Centimeter}
	_, err := Figures(st, testConfig(), "test", opt)
	var se *SizeError
	if !errors.As(err, &se) {
		t.Fatalf("8.5×6 cm: got %v, want a SizeError", err)
	}
	if !slices.Equal(se.Figures, []string{"lost-sales"}) || se.MinHeight <= opt.Height || se.Width != opt.Width || se.Height != opt.Height {
		t.Errorf("8.5×6 cm: %+v, want lost-sales, the only figure of two rows, and a least height above 6 cm", se)
	}
	if msg := err.Error(); !strings.Contains(msg, "6.0 cm is too short for") || !strings.Contains(msg, "at 8.5 cm wide: it needs at least") {
		t.Errorf("message %q", msg)
	}
	// The least height named works, for every figure.
	opt.Height = se.MinHeight
	for _, f := range mustFigures(t, st, opt) {
		if f.Height != se.MinHeight {
			t.Errorf("%s: %.2f cm tall, want %.2f", f.Name, f.Height/vg.Centimeter, se.MinHeight/vg.Centimeter)
		}
	}
	// The others fit 8.5 × 6 cm.
	opt.Height = 6 * vg.Centimeter
	opt.Figures = slices.DeleteFunc(slices.Clone(allNames), func(n string) bool { return n == "lost-sales" })
	if got := names(mustFigures(t, st, opt)); !slices.Equal(got, opt.Figures) {
		t.Errorf("figures %v, want %v", got, opt.Figures)
	}
}

// By default every figure fits a journal's text block, 16 × 20 cm, and
// its grid of panels has no empty cell: spare cells hold the legend.
// (The adoption figure was once 28.6 cm tall with an empty cell.) With
// six regions, six events and bands, the text (title, a key of five
// event markers, the band note) no longer leaves room: figures are then
// at most 23 cm tall, and within 20 cm without titles; so is a
// comparison's lost-sales figure, at most 21 cm.
func TestDefaultFits(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	// The key to scenario and baseline lines is too wide for an empty
	// cell; the methods go there, the key under the grid.
	cmp := Options{Baseline: summarize(t, base), BaselineName: "taobao-wechat-pay-no-acceptance"}
	for _, tc := range []struct {
		name string
		cfg  *sim.Config
		st   *output.StatTable
		opt  Options
		maxH vg.Length
	}{
		{"test", cfg, testStats(t, cfg, 1), Options{}, 20 * vg.Centimeter},
		{"test-runs", cfg, testStats(t, cfg, 5), Options{}, 20 * vg.Centimeter},
		{"test-compare", cfg, testStats(t, cfg, 5), cmp, 21 * vg.Centimeter}, // lost-sales: two panels, their legends, the key, the band note
		{"busy", busyConfig(), busyStats(t, 5), Options{}, 23 * vg.Centimeter},
		{"busy-no-title", busyConfig(), busyStats(t, 5), Options{NoTitle: true}, 20 * vg.Centimeter},
	} {
		b, err := newBuilder(tc.st, tc.cfg, tc.name, tc.opt.withDefaults(), Metrics())
		if err != nil {
			t.Fatal(err)
		}
		var figs []Figure
		for _, spec := range figureSpecs {
			l := spec.build(b)
			f, err := b.figure(spec.name, l)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, spec.name, err)
			}
			figs = append(figs, f)
			if f.Width != 16*vg.Centimeter || f.Height > tc.maxH+vg.Millimeter/2 {
				t.Errorf("%s %s: %.1f×%.1f cm, want 16 cm wide and at most %.0f cm high", tc.name, spec.name, f.Width/vg.Centimeter, f.Height/vg.Centimeter, tc.maxH/vg.Centimeter)
			}
			_, lo, _ := l.arrange(blankCanvas(f.Width, f.Height))
			if n := len(l.panels); n%l.cols != 0 && !lo.inCell {
				t.Errorf("%s %s: %d panels in %d columns and the legend elsewhere: empty cells", tc.name, spec.name, n, l.cols)
			}
		}
		writeReview(t, figs, tc.name+"-")
	}
}

// --no-title leaves out title and subtitle, and makes the figure shorter,
// but keeps the notes: what the bands show, the event key.
func TestNoTitle(t *testing.T) {
	st := testStats(t, testConfig(), 5)
	with := mustFigures(t, st, Options{Metrics: []string{"multihoming"}})[0]
	opt := Options{Metrics: []string{"multihoming"}, NoTitle: true}.withDefaults()
	b, err := newBuilder(st, testConfig(), "test", opt, Metrics())
	if err != nil {
		t.Fatal(err)
	}
	l := b.multihoming()
	f, err := b.figure("multihoming", l)
	if err != nil {
		t.Fatal(err)
	}
	if l.title != "" || l.subtitle != "" || f.Title != "Multi-homing" {
		t.Errorf("drawn title %q, subtitle %q, Figure.Title %q; want none, none and Multi-homing", l.title, l.subtitle, f.Title)
	}
	if f.Height >= with.Height {
		t.Errorf("without title %.1f cm tall, with %.1f cm", f.Height/vg.Centimeter, with.Height/vg.Centimeter)
	}
	if len(l.notes) == 0 || !strings.Contains(l.notes[0], "parameter uncertainty not included") {
		t.Errorf("notes %q, want the band note", l.notes)
	}
	_, lo, _ := l.arrange(blankCanvas(f.Width, f.Height))
	if len(lo.titleLines)+len(lo.subtitleLines) != 0 || !slices.ContainsFunc(lo.noteLines, func(s string) bool { return strings.Contains(s, "5th–95th") }) {
		t.Errorf("planned title %q, subtitle %q, notes %q", lo.titleLines, lo.subtitleLines, lo.noteLines)
	}
}

// Every figure that draws a band says under it what the band is, and
// that it is sampling noise only; a figure without bands says nothing.
func TestBandNote(t *testing.T) {
	cfg := testConfig()
	for _, tc := range []struct {
		name string
		opt  Options
		runs int
		want string
	}{
		{"one run", Options{}, 1, ""},
		{"ensemble", Options{}, 5, "Lines: means; bands: 5th–95th percentile of 5 replicates — Monte Carlo sampling noise only; parameter uncertainty not included."},
	} {
		for _, f := range figureSpecs {
			b, err := newBuilder(testStats(t, cfg, tc.runs), cfg, "test", tc.opt.withDefaults(), Metrics())
			if err != nil {
				t.Fatal(err)
			}
			l := f.build(b)
			has := slices.Contains(l.notes, tc.want)
			if tc.want == "" {
				has = !slices.ContainsFunc(l.notes, func(n string) bool { return strings.Contains(n, "percentile") })
			}
			if !has {
				t.Errorf("%s, %s: notes %q, want %q", tc.name, f.name, l.notes, tc.want)
			}
		}
	}
}

// Events on the same date make one marker with a combined label; a
// promotion with an end shades its span, and the event key gives both
// dates.
func TestEventMarks(t *testing.T) {
	cfg := busyConfig()
	b, err := newBuilder(busyStats(t, 1), cfg, "busy", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.events) != 5 {
		t.Fatalf("%d markers for 6 events, two on 12 Sep 2024: want 5", len(b.events))
	}
	if got, want := b.events[1].label, "Taobao/Tmall accepts WeChat Pay; JD accepts Alipay"; got != want {
		t.Errorf("same-date label %q, want %q", got, want)
	}
	day := func(y int, m time.Month, d int) float64 {
		return float64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix())
	}
	if got, want := b.events[0].spans, [][2]float64{{day(2024, 3, 1), day(2024, 6, 1)}}; !slices.Equal(got, want) {
		t.Errorf("promotion spans %v, want %v", got, want)
	}
	for i, ev := range b.events {
		if (ev.spans != nil) != (i == 0 || i == 4) {
			t.Errorf("marker %d (%s): spans %v", i, ev.label, ev.spans)
		}
	}
	if got, want := b.events[0].when(), "1 Mar–31 May 2024"; got != want {
		t.Errorf("promotion dates %q, want %q", got, want)
	}
	if got, want := b.events[4].when(), "11–24 Nov 2025"; got != want {
		t.Errorf("promotion dates %q, want %q", got, want)
	}

	// Drawn: one dashed line per marker, a shaded span under the grid,
	// and a key entry per marker.
	l := b.adoption()
	f, err := b.figure("adoption", l)
	if err != nil {
		t.Fatal(err)
	}
	_, lo, _ := l.arrange(blankCanvas(f.Width, f.Height))
	key := 0
	for _, n := range lo.noteLines {
		if strings.HasPrefix(n, "2: Taobao/Tmall accepts WeChat Pay; JD accepts Alipay") {
			key++
		}
	}
	if !lo.numbered || key != 1 {
		t.Errorf("numbered %v, key %q", lo.numbered, lo.noteLines)
	}
	img := renderImage(t, f, 60)
	// Half-way through the promotion, at mid-height of the first panel's
	// data area: the span's grey, not white.
	d := l.panels[0].data
	x := d.Min.X + (d.Max.X-d.Min.X)*vg.Length((day(2024, 4, 15)-l.xmin)/(l.xmax-l.xmin))
	y := d.Min.Y + (d.Max.Y-d.Min.Y)*0.3
	if c := pixel(img, f, x, y, 60); c == (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("no shading at the promotion: pixel %v", c)
	}
}

// A label repeated by events of one date is given once in their marker.
func TestEventMarksRepeatedLabel(t *testing.T) {
	cfg := busyConfig()
	ev := cfg.Events[len(cfg.Events)-1]
	for i := range 2 {
		e := ev
		e.Label = "Channels grow"
		if i == 1 {
			e.Label = "Other"
		}
		cfg.Events = append(cfg.Events, e, e)
	}
	b, err := newBuilder(busyStats(t, 1), cfg, "busy", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	last := b.events[len(b.events)-1]
	if want := ev.Label + "; Channels grow; Other"; last.label != want {
		t.Errorf("label %q, want %q", last.label, want)
	}
}

// A count axis is set by the values after a start-up peak, which runs off
// the top with a note; a figure without one keeps its full range.
func TestStartupPeak(t *testing.T) {
	cfg := testConfig()
	st := testStats(t, cfg, 1)
	for i := range st.Rows {
		r := &st.Rows[i]
		if r.Metric == "signups" && r.Region == output.AllRegions && r.Entity == "taobao_tmall/alipay" && r.Step < 6 {
			r.Mean *= 20 - 3*float64(r.Step)
		}
	}
	b, err := newBuilder(st, cfg, "test", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	l := b.lostSales()
	l.build()
	pn := l.panels[1]
	var peak, later float64
	for _, s := range pn.series {
		peak = math.Max(peak, maxFinite(s.Mean[:6]))
		later = math.Max(later, maxFinite(s.Mean[15:]))
	}
	if y := pn.plot.Y.Max; y >= peak || y < later {
		t.Errorf("sign-ups axis to %g: want it under the start-up peak %g and over the later values' %g", y, peak, later)
	}
	if !slices.ContainsFunc(l.notes, func(n string) bool { return strings.HasPrefix(n, "Start-up peak off the axis: sign-ups up to ") }) {
		t.Errorf("notes %q lack the start-up peak", l.notes)
	}
	// Lost sales have no peak: their axis takes in everything.
	if y := l.panels[0].plot.Y.Max; y < maxFinite(l.panels[0].series[0].Mean) {
		t.Errorf("lost sales axis to %g, under its values", y)
	}
}

// A baseline is its series' own line (colour, pattern, width), pale: a
// line pattern never means "baseline".
func TestBaselineChannel(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	opt := Options{Baseline: summarize(t, base), BaselineName: "no acceptance"}.withDefaults()
	b, err := newBuilder(testStats(t, cfg, 5), cfg, "test", opt, Metrics())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range b.platformShares().panels[0].series {
		if s.Baseline == nil {
			continue
		}
		mean, bl := b.st.meanLine(s).LineStyle, b.st.baselineLine(s).LineStyle
		if !slices.Equal(mean.Dashes, bl.Dashes) || mean.Width != bl.Width {
			t.Errorf("%s: baseline dashes %v width %v, want the mean's %v %v", s.Label, bl.Dashes, bl.Width, mean.Dashes, mean.Width)
		}
		n := color.NRGBAModel.Convert(bl.Color).(color.NRGBA)
		m := color.NRGBAModel.Convert(mean.Color).(color.NRGBA)
		if n.R != m.R || n.G != m.G || n.B != m.B || m.A != 0xff || n.A >= 0xc0 {
			t.Errorf("%s: baseline colour %v, mean %v: want the same colour, pale", s.Label, n, m)
		}
	}
}

// The lost-sales figure draws at most maxSignupLines sign-up lines, the
// largest, and says what it leaves out.
func TestSignupLines(t *testing.T) {
	cfg := busyConfig()
	cfg.Platforms = append(cfg.Platforms, sim.Platform{Name: "pdd", Label: "Pinduoduo", Accepts: []bool{true, true, true}})
	// Sign-ups for all 3 methods on all 3 platforms: the fabricated ones
	// of the first two, small ones elsewhere.
	st := busyStats(t, 1)
	var extra []output.StatRow
	for i := range st.Rows {
		r := &st.Rows[i]
		if r.Metric != "signups" {
			continue
		}
		if r.Mean == 0 {
			r.Mean = 1 + float64(r.Step)
		}
		if strings.HasPrefix(r.Entity, "taobao_tmall/") {
			e := *r
			e.Entity, e.Mean = "pdd/"+strings.TrimPrefix(r.Entity, "taobao_tmall/"), 10
			extra = append(extra, e)
		}
	}
	st.Rows = append(st.Rows, extra...)
	b, err := newBuilder(st, cfg, "busy", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	pn, note := b.signupsPanel(output.AllRegions, "per week")
	if len(pn.series) != maxSignupLines {
		t.Errorf("%d sign-up lines, want %d", len(pn.series), maxSignupLines)
	}
	for _, s := range pn.series {
		if strings.HasSuffix(s.Label, "at Pinduoduo") {
			t.Errorf("line %q, one of the smallest, is drawn", s.Label)
		}
	}
	if !strings.HasPrefix(note, "Sign-ups: the 6 largest of 9 method-platform combinations (") {
		t.Errorf("note %q", note)
	}
}

// renderImage draws f at dpi and decodes it.
func renderImage(t *testing.T, f Figure, dpi int) image.Image {
	t.Helper()
	wt, err := f.WriterTo("png", dpi)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// pixel is the colour of img, f drawn at dpi, at the point (x, y) of the
// figure's canvas.
func pixel(img image.Image, f Figure, x, y vg.Length, dpi int) color.RGBA {
	px := int(float64(x/vg.Inch) * float64(dpi))
	py := int(float64((f.Height-y)/vg.Inch) * float64(dpi))
	return color.RGBAModel.Convert(img.At(px, py)).(color.RGBA)
}

// An event with mark: false (Unmarked) takes no marker and no place in
// the key; the others keep theirs.
func TestEventMarksUnmarked(t *testing.T) {
	cfg := busyConfig()
	before := len(cfg.Events)
	hidden := cfg.Events[0]
	hidden.Date = hidden.Date.AddDate(0, 0, 3) // a date of its own
	hidden.Label, hidden.Unmarked = "Routine update", true
	cfg.Events = append(cfg.Events, hidden)
	b, err := newBuilder(busyStats(t, 1), cfg, "busy", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Events = cfg.Events[:before]
	want, err := newBuilder(busyStats(t, 1), cfg, "busy", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.events) != len(want.events) {
		t.Fatalf("got %d markers, want %d: the unmarked event was drawn", len(b.events), len(want.events))
	}
	for _, e := range b.events {
		if strings.Contains(e.label, "Routine update") {
			t.Errorf("marker %q shows the unmarked event", e.label)
		}
	}
}
