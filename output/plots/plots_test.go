package plots

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

var (
	update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")
	review = flag.String("review", "", "also write every figure as PNG (300 dpi), SVG and PDF to this directory, for a human to look at")
)

// goldenDPI keeps golden files small; the layout is the same at any DPI.
const goldenDPI = 90

// goldenDelta is the per-pixel YIQ tolerance of golden comparisons, for
// anti-aliasing differences between platforms.
const goldenDelta = 0.05

var allNames = []string{"adoption", "payment-shares", "headline", "platform-shares", "lost-sales", "multihoming"}

func names(figs []Figure) []string {
	var out []string
	for _, f := range figs {
		out = append(out, f.Name)
	}
	return out
}

func mustFigures(t *testing.T, st *output.StatTable, opt Options) []Figure {
	t.Helper()
	figs, err := Figures(st, testConfig(), "test", opt)
	if err != nil {
		t.Fatalf("Figures: %v", err)
	}
	return figs
}

func writeReview(t *testing.T, figs []Figure, prefix string) {
	t.Helper()
	if *review == "" {
		return
	}
	for i := range figs {
		figs[i].Name = prefix + figs[i].Name
	}
	if _, err := Save(*review, figs, Options{DPI: 300, Formats: Formats}); err != nil {
		t.Fatal(err)
	}
}

// checkGolden compares a figure rendered as PNG with
// testdata/<name>_golden.png, or rewrites it with -update.
func checkGolden(t *testing.T, f Figure, name string) {
	t.Helper()
	wt, err := f.WriterTo("png", goldenDPI)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+"_golden.png")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./output/plots -update)", err)
	}
	ok, err := cmpimg.EqualApprox("png", buf.Bytes(), want, goldenDelta)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		got := filepath.Join(t.TempDir(), name+".png")
		_ = os.WriteFile(got, buf.Bytes(), 0o644)
		t.Errorf("%s differs from %s; got written to %s (rerun with -update if intended)", name, path, got)
	}
}

func TestFiguresGolden(t *testing.T) {
	figs := mustFigures(t, testStats(t, testConfig(), 1), Options{})
	if got := names(figs); !slices.Equal(got, allNames) {
		t.Fatalf("figures %v, want %v", got, allNames)
	}
	for _, f := range figs {
		t.Run(f.Name, func(t *testing.T) { checkGolden(t, f, f.Name) })
	}
	writeReview(t, figs, "")
}

// Several runs give a mean over a 5-95% band; a baseline is pale, with
// a lighter band of its own when it has several runs too, and the legend
// tells scenario from baseline by name.
func TestFiguresBandBaselineGolden(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	opt := Options{
		Baseline: summarize(t, base), BaselineName: "no acceptance",
		Metrics: []string{"payment_share", "adoption", "lost_sales"},
	}
	st := testStats(t, cfg, 5)
	figs := mustFigures(t, st, opt)
	if got, want := names(figs), []string{"adoption", "payment-shares", "headline", "lost-sales"}; !slices.Equal(got, want) {
		t.Fatalf("figures %v, want %v", got, want)
	}
	checkGolden(t, figs[2], "headline-runs")
	checkGolden(t, figs[3], "lost-sales-runs")
	writeReview(t, figs, "runs-")

	b, err := newBuilder(st, cfg, "test", opt.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	l := b.headline()
	for _, s := range l.panels[0].series {
		if s.Lo == nil || s.Hi == nil {
			t.Errorf("%s: no band", s.Label)
		}
		// Bank card's share does not differ from the baseline's.
		if differs := s.Label != "Bank card"; differs != (s.Baseline != nil && s.BaseLo != nil) {
			t.Errorf("%s: baseline %v, baseline band %v, want both: %v", s.Label, s.Baseline != nil, s.BaseLo != nil, differs)
		}
	}
	var labels []string
	for _, e := range l.legend {
		labels = append(labels, e.label)
	}
	if want := []string{"Alipay", "WeChat Pay", "Bank card", "Scenario: test", "Baseline: no acceptance (pale)"}; !slices.Equal(labels, want) {
		t.Errorf("legend %q, want %q", labels, want)
	}
	if !strings.Contains(l.subtitle, "mean of 5 runs") {
		t.Errorf("subtitle %q does not say the lines are means", l.subtitle)
	}
	if want := "Lines: means; bands: 5th–95th percentile of 5 replicates, the baseline's paler — Monte Carlo sampling noise only; parameter uncertainty not included."; !slices.Contains(l.notes, want) {
		t.Errorf("notes %q lack %q", l.notes, want)
	}
	// A baseline that does not differ draws no pale line and no key.
	same := opt
	same.Baseline = st
	b, err = newBuilder(st, cfg, "test", same.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range b.headline().legend {
		if e.key {
			t.Errorf("baseline equal to the scenario: key %q to a baseline that is not drawn", e.label)
		}
	}

	// One run: no band.
	b1, err := newBuilder(testStats(t, cfg, 1), cfg, "test", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	l1 := b1.headline()
	for _, s := range l1.panels[0].series {
		if s.Lo != nil || s.Baseline != nil {
			t.Errorf("one run, no baseline: %s has a band or a baseline", s.Label)
		}
	}
	if strings.Contains(l1.subtitle, "runs") || len(l1.notes) > 0 {
		t.Errorf("one run: subtitle %q or notes %q speak of runs", l1.subtitle, l1.notes)
	}
}

func TestEffectFiguresGolden(t *testing.T) {
	cfg := testConfig()
	figs, err := EffectFigures(testEffects(t, cfg, 5), cfg, "test minus no acceptance", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(figs), EffectNames(); !slices.Equal(got, want) {
		t.Fatalf("figures %v, want %v", got, want)
	}
	if got, want := figs[0].Title, "Effect on WeChat Pay's share of payments on Taobao/Tmall"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	checkGolden(t, figs[0], "effect-headline")
	checkGolden(t, figs[3], "effect-lost-sales")
	writeReview(t, figs, "")

	b, err := newBuilder(testEffects(t, cfg, 5), cfg, "test", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	b.effect = "test minus no acceptance"
	l := b.platformShares()
	if got := len(l.panels); got != 3 {
		t.Errorf("effect-platform-shares: %d panels, want 3", got)
	}
	pn := l.panels[0]
	if !pn.signed || pn.percent || pn.yLabel != "Effect (percentage points)" {
		t.Errorf("panel: signed %v percent %v y label %q", pn.signed, pn.percent, pn.yLabel)
	}
	if !strings.HasPrefix(l.subtitle, "Effect of the events (test minus no acceptance) on the share of GMV") ||
		!strings.Contains(l.subtitle, "mean of 5 paired runs") {
		t.Errorf("subtitle %q", l.subtitle)
	}
	if want := "Lines: mean effect; band: 5th–95th percentile of 5 paired differences — Monte Carlo sampling noise only; parameter uncertainty not included."; !slices.Equal(l.notes, []string{want}) {
		t.Errorf("notes %q, want %q", l.notes, want)
	}
	l.build()
	for _, pn := range l.panels {
		if y := pn.plot.Y; y.Min != l.panels[0].plot.Y.Min || y.Max != l.panels[0].plot.Y.Max {
			t.Errorf("panel %s: y %g to %g, first panel %g to %g: want a shared range", pn.title, y.Min, y.Max, l.panels[0].plot.Y.Min, l.panels[0].plot.Y.Max)
		}
	}
	l = b.effectLostSales()
	if got, want := l.panels[0].yLabel, "Effect (millions of lost sales per week)"; got != want {
		t.Errorf("lost sales y label %q, want %q", got, want)
	}
	if got := l.panels[0].series[0].Mean[155]; !(got < 0) {
		t.Errorf("lost sales effect at the end %g, want negative", got)
	}
}

// A scenario compared with itself: the effect is a flat line at 0 over a
// band of no width, on an axis from -1 to 1 with the zero line.
func TestEffectZero(t *testing.T) {
	cfg := testConfig()
	zero := testStats(t, cfg, 3)
	for i := range zero.Rows {
		r := &zero.Rows[i]
		r.Mean, r.SD, r.P05, r.P50, r.P95 = 0, 0, 0, 0, 0
	}
	figs, err := EffectFigures(zero, cfg, "", Options{Metrics: []string{"payment_share"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 1 || figs[0].Name != "effect-headline" {
		t.Fatalf("figures %v, want effect-headline", names(figs))
	}
	if _, err := Render(context.Background(), figs, Options{DPI: 30}, 1); err != nil {
		t.Fatal(err)
	}
	b, err := newBuilder(zero, cfg, "test", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	b.effect = "test minus counterfactual"
	l := b.headline()
	l.cols = 1
	l.build()
	pn := l.panels[0]
	for _, s := range pn.series {
		for i := range s.Mean {
			if s.Mean[i] != 0 || s.Lo[i] != 0 || s.Hi[i] != 0 {
				t.Fatalf("%s step %d: mean %g band %g-%g, want 0 0-0", s.Label, i, s.Mean[i], s.Lo[i], s.Hi[i])
			}
		}
	}
	if y := pn.plot.Y; y.Min != -1 || y.Max != 1 {
		t.Errorf("y axis %g to %g, want -1 to 1", y.Min, y.Max)
	}
}

func TestEffectErrors(t *testing.T) {
	cfg := testConfig()
	eff := testEffects(t, cfg, 2)
	cases := []struct {
		name string
		st   *output.StatTable
		opt  Options
		want string
	}{
		{"baseline", eff, Options{Baseline: eff}, "no baseline"},
		{"nil", nil, Options{}, "nil table"},
		{"empty", &output.StatTable{Runs: 2}, Options{}, "empty table"},
		{"other scenario", &output.StatTable{Runs: 1, Rows: []output.StatRow{{Region: "north", Metric: "gmv_share", Entity: "jd"}}}, Options{},
			`region "north" is not a region of the scenario`},
		{"no effect metric", &output.StatTable{Runs: 1, Rows: []output.StatRow{{Region: "all", Metric: "multihoming", Entity: "2+"}}}, Options{},
			"no figure has data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EffectFigures(tc.st, cfg, "", tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := EffectFigures(eff, nil, "", Options{}); err == nil {
		t.Error("nil config: got nil error")
	}
}

// A baseline must cover the scenario's period and series.
func TestBaselineMismatch(t *testing.T) {
	cfg := testConfig()
	st := testStats(t, cfg, 1)
	later := testStats(t, cfg, 1)
	for i := range later.Rows {
		later.Rows[i].Date = later.Rows[i].Date.AddDate(10, 0, 0)
	}
	other := &output.StatTable{Runs: 1, Rows: []output.StatRow{{Date: st.Rows[0].Date, Region: "all", Metric: "adoption", Entity: "cash"}}}
	for _, tc := range []struct {
		name string
		base *output.StatTable
		want string
	}{
		{"dates", later, "shares no date"},
		{"series", other, "shares no series"},
		{"empty", &output.StatTable{}, "empty baseline"},
	} {
		if _, err := Figures(st, cfg, "test", Options{Baseline: tc.base}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// An effect on lost sales in the millions whose band pokes a little above
// 0, next to a platform with no effect at all (a band of no width): drawn
// at any height, the y axis takes in the data and no more than a few
// times its spread. On a short data area, with room for two labels, the
// axis once ran from -100000000 to 0 and squashed the curves onto 0.
func TestEffectLostSalesAxis(t *testing.T) {
	cfg := testConfig()
	st := &output.StatTable{Runs: 10}
	for step := range cfg.Steps {
		date := cfg.Start.AddDate(0, 0, 7*step)
		var mean, lo, hi float64
		if step >= 88 {
			mean, lo, hi = -2.24e6, -3.06e6, 0.054e6
		}
		st.Rows = append(st.Rows,
			output.StatRow{Step: step, Date: date, Region: output.AllRegions, Metric: "lost_sales", Entity: "taobao_tmall",
				Runs: 10, Mean: mean, SD: 1e6, P05: lo, P50: mean, P95: hi},
			output.StatRow{Step: step, Date: date, Region: output.AllRegions, Metric: "lost_sales", Entity: "jd", Runs: 10})
	}
	for h := 13.0; h <= 20; h += 0.5 {
		opt := Options{Height: vg.Length(h) * vg.Centimeter}.withDefaults()
		b, err := newBuilder(st, cfg, "test", opt, Metrics())
		if err != nil {
			t.Fatal(err)
		}
		b.effect = "test minus no acceptance"
		l := b.effectLostSales()
		if got, want := l.panels[0].yLabel, "Effect (millions of lost sales per week)"; got != want {
			t.Fatalf("y label %q, want %q", got, want)
		}
		fig, err := b.figure("effect-lost-sales", l)
		if err != nil {
			t.Fatalf("height %g cm: %v", h, err)
		}
		fig.Draw(draw.New(vgimg.NewWith(vgimg.UseWH(fig.Width, fig.Height), vgimg.UseDPI(30))))
		y := l.panels[0].plot.Y
		if y.Min > -3.06 || y.Max < 0.054 || y.Max-y.Min > 4*(0.054+3.06) {
			t.Errorf("height %g cm: y axis %g to %g, want about -4 to 1 around the data's -3.06 to 0.054", h, y.Min, y.Max)
		}
	}
}

func TestNiceRange(t *testing.T) {
	for _, tc := range []struct {
		lo, hi       float64
		n            int
		bot, top     float64
		first, final string
	}{
		{-3.2, 17, 6, -5, 20, "−5", "20"},
		{0, 0, 6, -1, 1, "−1", "1"},
		{-0.4, -0.1, 4, -0.4, 0, "−0.4", "0"},
		{-0.45, -0.1, 4, -0.6, 0, "−0.6", "0"},
		{-12, 3, 6, -15, 5, "−15", "5"},
		{0, 7.3, 6, 0, 8, "0", "8"},
		// Values on both sides of 0 need three ticks: with n = 2 the
		// search once ran on to a step of 10^8 and returned -10^8..0.
		{-3.06, 0.054, 2, -5, 5, "−5", "5"},
		{-3.06, 0.054, 3, -5, 5, "−5", "5"},
		{-3.06, 0.054, 4, -4, 2, "−4", "2"},
		{0, 0, 2, -1, 1, "−1", "1"},
		{-3.06, 0, 2, -5, 0, "−5", "0"},
		{0, 0.054, 2, 0, 0.1, "0", "0.1"},
	} {
		ticks, bot, top := niceRange(tc.lo, tc.hi, tc.n)
		n := tc.n
		if tc.lo < 0 && tc.hi > 0 || tc.lo == 0 && tc.hi == 0 {
			n = max(n, 3) // 0 lies between the ends
		}
		if bot != tc.bot || top != tc.top || len(ticks) > n || ticks[0].Label != tc.first || ticks[len(ticks)-1].Label != tc.final {
			t.Errorf("niceRange(%g, %g, %d): %g..%g, ticks %v", tc.lo, tc.hi, tc.n, bot, top, ticks)
		}
	}
	// Whatever n, the range takes in lo and hi and stays within a few
	// times their spread.
	for _, lo := range []float64{0, -1e-6, -0.3, -3.06, -7, -1234} {
		for _, hi := range []float64{0, 1e-6, 0.054, 0.3, 9, 5678} {
			for n := 2; n <= 6; n++ {
				ticks, bot, top := niceRange(lo, hi, n)
				spread, slack := hi-lo, 1e-9*(top-bot) // rounding slack, as in niceRange
				if spread == 0 {
					spread = 2 // -1 to 1
				}
				if bot > lo+slack || top < hi-slack || top-bot > 4*spread || len(ticks) > max(n, 3) || len(ticks) < 2 {
					t.Errorf("niceRange(%g, %g, %d): %g..%g, %d ticks", lo, hi, n, bot, top, len(ticks))
				}
			}
		}
	}
}

func TestSaveFormats(t *testing.T) {
	opt := Options{
		Formats: []string{"png", "svg", "pdf"}, Width: 12 * vg.Centimeter, DPI: 150,
		Metrics: []string{"multihoming", "adoption"},
	}
	figs := mustFigures(t, testStats(t, testConfig(), 1), opt)
	dir := filepath.Join(t.TempDir(), "plots")
	paths, err := Save(dir, figs, opt)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range []string{"adoption", "multihoming"} {
		for _, ext := range opt.Formats {
			want = append(want, filepath.Join(dir, n+"."+ext))
		}
	}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %v, want %v", paths, want)
	}
	for _, f := range figs {
		for _, ext := range opt.Formats {
			path := filepath.Join(dir, f.Name+"."+ext)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch ext {
			case "png":
				cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
				if err != nil || format != "png" {
					t.Fatalf("%s: decode: %v, format %q", path, err, format)
				}
				wantW := int(f.Width/vg.Inch*150 + 0.5)
				wantH := int(f.Height/vg.Inch*150 + 0.5)
				if cfg.Width != wantW || cfg.Height != wantH {
					t.Errorf("%s: got %dx%d px, want %dx%d", path, cfg.Width, cfg.Height, wantW, wantH)
				}
			case "svg":
				if !bytes.HasPrefix(data, []byte("<?xml")) || !bytes.Contains(data, []byte("<svg")) {
					t.Errorf("%s: not an SVG: %.40q", path, data)
				}
			case "pdf":
				if !bytes.HasPrefix(data, []byte("%PDF")) {
					t.Errorf("%s: not a PDF: %.10q", path, data)
				}
				// The clock must not leak into the file: the same figure
				// gives the same bytes.
				if !bytes.Contains(data, []byte("/CreationDate (D:20000101")) {
					t.Errorf("%s: creation date is not the fixed one", path)
				}
			}
		}
	}
	if f := figs[0]; f.Width != 12*vg.Centimeter {
		t.Errorf("width %v, want 12 cm", f.Width)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// The default PNG is 16 cm wide at 300 dpi, 1890 pixels, and no taller
// than a journal's text block, 20 cm (2362 pixels); the multi-panel
// adoption figure was once 28.6 cm tall. The one-row multihoming figure
// is as tall as its data area (37.8% of the width) and its text need.
func TestDefaultSize(t *testing.T) {
	figs := mustFigures(t, testStats(t, testConfig(), 1), Options{Metrics: []string{"adoption", "multihoming"}})
	paths, err := Save(t.TempDir(), figs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1810, 1596} {
		f, err := os.Open(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != 1890 || cfg.Height != want || cfg.Height > 2362 {
			t.Errorf("%s: %dx%d px, want 1890x%d (at most 2362 high)", paths[i], cfg.Width, cfg.Height, want)
		}
	}
}

func TestSaveErrors(t *testing.T) {
	figs := mustFigures(t, testStats(t, testConfig(), 1), Options{Metrics: []string{"multihoming"}})
	if _, err := Save(t.TempDir(), figs, Options{Formats: []string{"gif"}}); err == nil || !strings.Contains(err.Error(), "valid: png, svg, pdf") {
		t.Errorf("gif: got %v, want an error listing the formats", err)
	}
	// A directory where the file should go makes the rename fail; the
	// temporary file is removed.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "multihoming.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(dir, figs, Options{}); err == nil {
		t.Error("rename over a directory: got nil error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries, want only the blocking directory", len(entries))
	}
}

func TestFilters(t *testing.T) {
	tab := testStats(t, testConfig(), 1)
	cases := []struct {
		name       string
		opt        Options
		fig        string
		wantPanels []string
		wantSeries []string // labels of the first panel's series
	}{
		{"regions", Options{Regions: []string{"west"}}, "adoption",
			[]string{"Inland and rural"}, []string{"Alipay", "WeChat Pay", "Bank card"}},
		{"regions with all", Options{Regions: []string{"all", "east"}}, "platform-shares",
			[]string{"All regions", "Coastal cities"}, []string{"Taobao/Tmall", "JD"}},
		{"methods", Options{Methods: []string{"wechat_pay", "card"}}, "adoption",
			[]string{"All regions", "Coastal cities", "Inland and rural"}, []string{"WeChat Pay", "Bank card"}},
		{"platforms", Options{Platforms: []string{"jd"}}, "payment-shares",
			[]string{"All platforms", "JD"}, []string{"Alipay", "WeChat Pay", "Bank card"}},
		{"metric payment_share only", Options{Metrics: []string{"payment_share"}}, "payment-shares",
			[]string{"Taobao/Tmall", "JD"}, []string{"Alipay", "WeChat Pay", "Bank card"}},
		{"multihoming regions", Options{Regions: []string{"east", "west"}}, "multihoming",
			[]string{""}, []string{"Coastal cities", "Inland and rural"}},
		{"headline", Options{}, "headline",
			[]string{""}, []string{"Alipay", "WeChat Pay", "Bank card"}},
		{"lost sales", Options{}, "lost-sales",
			[]string{"Lost sales per week (millions), by platform", "Sign-ups at checkout per week (millions)"},
			[]string{"Taobao/Tmall", "JD"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := newBuilder(tab, testConfig(), "test", tc.opt.withDefaults(), Metrics())
			if err != nil {
				t.Fatal(err)
			}
			var l *layout
			for _, s := range figureSpecs {
				if s.name == tc.fig {
					l = s.build(b)
				}
			}
			var panels []string
			for _, pn := range l.panels {
				panels = append(panels, pn.title)
			}
			if !slices.Equal(panels, tc.wantPanels) {
				t.Errorf("panels %q, want %q", panels, tc.wantPanels)
			}
			var series []string
			for _, s := range l.panels[0].series {
				series = append(series, s.Label)
			}
			if !slices.Equal(series, tc.wantSeries) {
				t.Errorf("series %q, want %q", series, tc.wantSeries)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	tab := testStats(t, testConfig(), 1)
	_, err := Figures(tab, testConfig(), "test", Options{
		Regions: []string{"north"}, Methods: []string{"cash"}, Metrics: []string{"gdp"},
	})
	for _, want := range []string{
		`unknown region "north" (valid: all, east, west)`,
		`unknown method "cash" (valid: alipay, wechat_pay, card)`,
		`unknown metric "gdp"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to contain %q", err, want)
		}
	}
	if _, err := Figures(&output.StatTable{}, testConfig(), "test", Options{}); err == nil {
		t.Error("empty table: got nil error")
	}
	cfg := testConfig()
	cfg.Methods[1].Color = "green"
	if _, err := Figures(tab, cfg, "test", Options{}); err == nil || !strings.Contains(err.Error(), "wechat_pay") {
		t.Errorf("bad colour: got %v", err)
	}
}

// Colours and dashes of an entity are the same in every figure.
func TestColoursStable(t *testing.T) {
	b, err := newBuilder(testStats(t, testConfig(), 1), testConfig(), "test", Options{}.withDefaults(), Metrics())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]curve{}
	for _, s := range figureSpecs {
		l := s.build(b)
		if s.name == "lost-sales" || s.name == "multihoming" {
			continue // mixes method colour and platform dash; regions
		}
		for _, pn := range l.panels {
			for _, sr := range pn.series {
				if prev, ok := seen[sr.Label]; ok && (prev.Color != sr.Color || prev.Dashes != sr.Dashes) {
					t.Errorf("%s in %s: colour/dash %v/%d, elsewhere %v/%d", sr.Label, s.name, sr.Color, sr.Dashes, prev.Color, prev.Dashes)
				}
				seen[sr.Label] = sr
			}
		}
	}
	if c := seen["Alipay"].Color; c != rgb(0x00, 0x72, 0xB2) {
		t.Errorf("Alipay colour %v, want its Color #0072B2", c)
	}
	if c := seen["WeChat Pay"].Color; c != okabeIto[1] {
		t.Errorf("WeChat Pay colour %v, want palette[1]", c)
	}
}

func TestHeadlineChoice(t *testing.T) {
	cfg := testConfig()
	p, ms, found := headlineChoice(cfg)
	if p != 0 || !slices.Equal(ms, []int{1, 0, 2}) || !found {
		t.Errorf("got %d %v %v, want 0 [1 0 2] true", p, ms, found)
	}
	cfg.Events = nil
	p, ms, found = headlineChoice(cfg)
	if p != 0 || !slices.Equal(ms, []int{0, 2}) || found {
		t.Errorf("no event: got %d %v %v, want 0 [0 2] false", p, ms, found)
	}
}

func TestNewBand(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name      string
		x, lo, hi []float64
		want      error // nil: any error is wrong; errAny: any error
	}{
		{"ok", []float64{1, 2, 3}, []float64{0, 1, 2}, []float64{1, 1, 3}, nil},
		{"lo above hi", []float64{1, 2}, []float64{0, 2}, []float64{1, 1}, ErrBandOrder},
		{"length", []float64{1, 2}, []float64{0}, []float64{1, 2}, ErrBandLength},
		{"x decreasing", []float64{2, 1}, []float64{0, 0}, []float64{1, 1}, ErrBandX},
		{"NaN lo", []float64{1, 2}, []float64{0, nan}, []float64{1, 1}, errAny},
		{"NaN x", []float64{nan, 2}, []float64{0, 0}, []float64{1, 1}, errAny},
		{"Inf hi", []float64{1, 2}, []float64{0, 0}, []float64{1, math.Inf(1)}, errAny},
		{"empty", nil, nil, nil, errAny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBand(tc.x, tc.lo, tc.hi)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("got error %v, want nil", err)
			case tc.want == errAny && err == nil, tc.want != nil && tc.want != errAny && !errors.Is(err, tc.want):
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			xmin, xmax, ymin, ymax := b.DataRange()
			if xmin != 1 || xmax != 3 || ymin != 0 || ymax != 3 {
				t.Errorf("DataRange %g %g %g %g, want 1 3 0 3", xmin, xmax, ymin, ymax)
			}
			tc.lo[0] = -5
			if b.Lo[0] != 0 {
				t.Error("NewBand did not copy its data")
			}
		})
	}
}

var errAny = errors.New("any error")

// Mean and P05-P95 of a StatTable; NaN runs are skipped; a band point
// needs two runs.
func TestStats(t *testing.T) {
	tab := &output.Table{}
	vals := [][]float64{{1, math.NaN()}, {2, math.NaN()}, {3, 5}, {4, math.NaN()}, {5, math.NaN()}}
	for run, v := range vals {
		for step, x := range v {
			tab.Rows = append(tab.Rows, output.Row{Run: run, Step: step, Region: "all", Metric: "adoption", Entity: "a", Value: x})
		}
	}
	f, err := newFrame(summarize(t, tab), []string{"adoption"})
	if err != nil {
		t.Fatal(err)
	}
	mean, lo, hi := f.stats(key{"all", "adoption", "a"}, 100)
	// Percentiles as output.Summarize computes them (gonum's LinInterp).
	if !near(mean[0], 300) || !near(lo[0], 100) || !near(hi[0], 475) {
		t.Errorf("step 0: mean %g lo %g hi %g, want 300 100 475", mean[0], lo[0], hi[0])
	}
	if mean[1] != 500 || !math.IsNaN(lo[1]) || !math.IsNaN(hi[1]) {
		t.Errorf("step 1 (one finite run): mean %g lo %g hi %g, want 500 NaN NaN", mean[1], lo[1], hi[1])
	}
	one, err := newFrame(summarize(t, &output.Table{Rows: tab.Rows[:2]}), []string{"adoption"})
	if err != nil {
		t.Fatal(err)
	}
	if _, lo, hi := one.stats(key{"all", "adoption", "a"}, 1); lo != nil || hi != nil {
		t.Error("one run: got a band")
	}
	// A hand-edited table with P05 above P95 is refused, not drawn.
	bad := summarize(t, tab)
	bad.Rows[0].P05 = 10
	if _, err := newFrame(bad, []string{"adoption"}); err == nil || !strings.Contains(err.Error(), "p05") {
		t.Errorf("p05 > p95: got %v", err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestFiniteRuns(t *testing.T) {
	nan := math.NaN()
	got := finiteRuns(7, []float64{1, 2, nan, 3, nan, nan, 4})
	want := [][2]int{{0, 2}, {3, 4}, {6, 7}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// A hand-written CSV read with output.ReadCSV: a missing value breaks the
// line instead of dropping to zero.
func TestFromCSVWithGap(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "gap.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := output.ReadCSV(f, "gap.csv")
	if err != nil {
		t.Fatal(err)
	}
	st := summarize(t, tab)
	figs := mustFigures(t, st, Options{})
	if got, want := names(figs), []string{"adoption", "multihoming"}; !slices.Equal(got, want) {
		t.Fatalf("figures %v, want %v", got, want)
	}
	b, _ := newBuilder(st, testConfig(), "test", Options{}.withDefaults(), Metrics())
	s, _ := b.series("all", "adoption", "card", "Bank card", black, 2, 100)
	if !math.IsNaN(s.Mean[2]) {
		t.Errorf("missing value read as %g, want NaN", s.Mean[2])
	}
	checkGolden(t, figs[0], "adoption-gap")
}

func TestTicks(t *testing.T) {
	b, _ := newBuilder(testStats(t, testConfig(), 1), testConfig(), "test", Options{}.withDefaults(), Metrics())
	dt := &dateTicks{style: b.st.tick, width: 10 * vg.Centimeter}
	var labels []string
	for _, tk := range dt.Ticks(b.xmin, b.xmax) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"2023", "2024", "2025", "2026"}; !slices.Equal(labels, want) {
		t.Errorf("10 cm axis over three years (snapped to 2023-01-01..2026-01-01): labels %q, want %q", labels, want)
	}
	dt.width = 60 * vg.Centimeter
	labels = labels[:0]
	for _, tk := range dt.Ticks(b.xmin, b.xmax) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(labels) != 13 || labels[0] != "Jan 2023" || labels[4] != "Jan 2024" || labels[1] != "Apr" {
		t.Errorf("wide axis: labels %q, want quarters from Jan 2023", labels)
	}
	ticks, top := niceTicks(7.3, 6)
	if top != 8 || len(ticks) != 5 || ticks[1].Label != "2" {
		t.Errorf("niceTicks(7.3, 6): top %g, %v", top, ticks)
	}
	if ticks, top := niceTicks(7.3, 3); top != 10 || len(ticks) != 3 || ticks[1].Label != "5" {
		t.Errorf("niceTicks(7.3, 3): top %g, %v", top, ticks)
	}
}

func TestHideEqual(t *testing.T) {
	nan := math.NaN()
	base := []float64{1, 1, 1, 2, 3, 1, 1}
	mean := []float64{1, 1, 1, 1, 1, 1, 1}
	hideEqual(base, mean)
	want := []float64{nan, nan, 1, 2, 3, 1, nan}
	for i := range want {
		if base[i] != want[i] && !(math.IsNaN(base[i]) && math.IsNaN(want[i])) {
			t.Fatalf("got %v, want %v", base, want)
		}
	}
}

// The comparison lost-sales figure gives the key to scenario and baseline
// lines once, in its first legend, and each row of panels the height its
// own legend needs: a panel's data area is as tall as in the figure of the
// run alone, however long the key or the legend under it. (Once, with a
// long key repeated under both panels, the sign-ups legend fell back to
// one tall column and the grid's equal rows shared its height, squashing
// the sign-ups panel to a sliver.)
func TestLostSalesCompareLayout(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	st := testStats(t, cfg, 5)
	const scenario, baseName = "taobao-wechat-pay", "taobao-wechat-pay-no-acceptance"

	// heights builds the lost-sales figure, adds extra entries to the
	// legend of the panel at index under, draws it and returns its data
	// areas' heights and its legends.
	heights := func(opt Options, under, extra int) ([]vg.Length, [][]legendEntry) {
		t.Helper()
		b, err := newBuilder(st, cfg, scenario, opt.withDefaults(), Metrics())
		if err != nil {
			t.Fatal(err)
		}
		l := b.lostSales()
		if len(l.panels) != 2 {
			t.Fatalf("%d panels, want 2", len(l.panels))
		}
		for i := range extra {
			l.panels[under].legend = append(l.panels[under].legend, legendEntry{label: fmt.Sprintf("A long legend entry, number %d of a tall legend", i+1)})
		}
		fig, err := b.figure("lost-sales", l)
		if err != nil {
			t.Fatal(err)
		}
		fig.Draw(draw.New(vgimg.NewWith(vgimg.UseWH(fig.Width, fig.Height), vgimg.UseDPI(30))))
		var hs []vg.Length
		legends := [][]legendEntry{l.legend} // the shared one first
		for _, pn := range l.panels {
			hs = append(hs, pn.data.Max.Y-pn.data.Min.Y)
			legends = append(legends, pn.legend)
		}
		return hs, legends
	}
	run, _ := heights(Options{}, 0, 0)
	cmp := Options{Baseline: summarize(t, base), BaselineName: baseName}
	got, legends := heights(cmp, 0, 0)

	// The key once, in the shared legend under the grid, and nothing
	// else there.
	for i, lg := range legends {
		var keys []string
		for _, e := range lg {
			if e.key {
				keys = append(keys, e.label)
			}
		}
		want := []string(nil)
		if i == 0 {
			want = []string{"Scenario: " + scenario, "Baseline: " + baseName + " (pale)"}
		}
		if !slices.Equal(keys, want) {
			t.Errorf("legend %d (0: shared, then the panels'): key %q, want %q", i, keys, want)
		}
	}
	if len(legends[0]) != 2 {
		t.Errorf("shared legend %v, want the key only", legends[0])
	}

	// Every data area at least its minimum, whatever the legends, and
	// the sign-ups' not squashed under the lost sales'.
	const slack = 0.5 // points
	check := func(what string, hs []vg.Length) {
		t.Helper()
		for i, h := range hs {
			if need := minDataHeight * DefaultWidth; h < need-vg.Points(slack) {
				t.Errorf("%s: panel %d's data area %.1f pt tall, want at least %.1f pt", what, i, h.Points(), need.Points())
			}
		}
		if hs[1] < 0.8*hs[0] {
			t.Errorf("%s: sign-ups data area %.1f pt tall, lost sales' %.1f pt: squashed", what, hs[1].Points(), hs[0].Points())
		}
	}
	check("run", run)
	check("comparison", got)
	for _, under := range []int{0, 1} {
		for _, extra := range []int{3, 9} {
			hs, _ := heights(cmp, under, extra)
			check(fmt.Sprintf("comparison, %d more legend entries under panel %d", extra, under), hs)
		}
	}
	if run[1] < 0.8*run[0] {
		t.Errorf("run: sign-ups data area %.1f pt tall, lost sales' %.1f pt", run[1].Points(), run[0].Points())
	}
}

// dataHeights draws fig at low resolution and returns the heights of
// the data areas of l, its layout, as drawn.
func dataHeights(fig Figure, l *layout) []vg.Length {
	fig.Draw(draw.New(vgimg.NewWith(vgimg.UseWH(fig.Width, fig.Height), vgimg.UseDPI(30))))
	var hs []vg.Length
	for _, pn := range l.panels {
		hs = append(hs, pn.data.Max.Y-pn.data.Min.Y)
	}
	return hs
}

// checkDataAreas checks the rule of Options.Height on the figure of the
// layout l: with Height set, the figure is exactly Height tall and every
// data area at least minNeed of its width, or figure returns a SizeError
// whose MinHeight works; with Height zero, the figure is no taller than
// maxAutoHeight*Width unless its data areas are at their minimum there,
// and no data area is below its minimum.
func checkDataAreas(t *testing.T, what string, b *builder, l *layout) {
	t.Helper()
	fig, err := b.figure("test", l)
	var se *SizeError
	if errors.As(err, &se) {
		if b.opt.Height == 0 || se.MinHeight <= b.opt.Height {
			t.Errorf("%s: %v at height %.1f pt", what, err, b.opt.Height.Points())
			return
		}
		// The least height named works.
		defer func(h vg.Length) { b.opt.Height = h }(b.opt.Height)
		b.opt.Height = se.MinHeight
		fig, err = b.figure("test", l)
		what += fmt.Sprintf(", at the least height %.1f pt", se.MinHeight.Points())
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if b.opt.Height != 0 && fig.Height != b.opt.Height {
		t.Errorf("%s: figure %.1f pt tall, want exactly %.1f pt", what, fig.Height.Points(), b.opt.Height.Points())
	}
	hs := dataHeights(fig, l)
	const tol = 0.05 // points
	atMin := false
	for i, h := range hs {
		w := l.panels[i].data.Max.X - l.panels[i].data.Min.X
		need := b.minNeed(w)
		if h < need-vg.Points(tol) {
			t.Errorf("%s: panel %d's data area %.1f pt tall in a %.1f pt figure, want at least %.1f pt", what, i, h.Points(), fig.Height.Points(), need.Points())
		}
		atMin = atMin || h < need+vg.Points(1)
	}
	if b.opt.Height == 0 && fig.Height > maxAutoHeight*b.opt.Width+vg.Points(tol) && !atMin {
		t.Errorf("%s: figure %.1f pt tall, more than %.1f pt, with room to spare in its data areas", what, fig.Height.Points(), (maxAutoHeight * b.opt.Width).Points())
	}
}

// The data areas keep their minimum however much text surrounds them (a
// two-line title, a subtitle, event labels, a comparison's legend with a
// long baseline name, five or six regions): an automatic height grows
// instead, an exact one is refused with the least height that works.
// (Once, the comparison's headline kept its data area to about 13% of the
// figure's height, squeezed between a three-line subtitle, two strip rows
// and a five-row legend.)
func TestDataAreaMinimum(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	const scenario, baseName = "taobao-wechat-pay", "taobao-wechat-pay-no-acceptance"
	cmp := Options{Baseline: summarize(t, base), BaselineName: baseName}
	st1, st5 := testStats(t, cfg, 1), testStats(t, cfg, 5)
	sizes := []struct{ w, h float64 }{{16, 0}, {16, 11}, {16, 6}, {12, 8}, {8.5, 6}, {16, 20}} // cm; 0 is automatic

	builder := func(t *testing.T, st *output.StatTable, cfg *sim.Config, opt Options, size struct{ w, h float64 }) *builder {
		t.Helper()
		opt.Width, opt.Height = vg.Length(size.w)*vg.Centimeter, vg.Length(size.h)*vg.Centimeter
		b, err := newBuilder(st, cfg, scenario, opt.withDefaults(), Metrics())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, size := range sizes {
		at := fmt.Sprintf("%g×%g cm", size.w, size.h)
		b1 := builder(t, st1, cfg, Options{}, size)
		checkDataAreas(t, "headline, one run, "+at, b1, b1.headline())

		b := builder(t, st5, cfg, cmp, size)
		l := b.headline()
		if len(l.legend) != 5 || !l.legend[4].key || l.legend[4].label != "Baseline: "+baseName+" (pale)" {
			t.Fatalf("comparison legend %v, want the methods then the key", l.legend)
		}
		checkDataAreas(t, "headline, comparison, "+at, b, l)
		// Longer legends still leave the data area its minimum.
		l = b.headline()
		var more []legendEntry
		for i := range 4 {
			more = append(more, legendEntry{label: fmt.Sprintf("A long legend entry, number %d of a tall legend", i+1)})
		}
		l.legend = slices.Concat(l.legend[:3], more, l.legend[3:])
		checkDataAreas(t, "headline, comparison, longer legend, "+at, b, l)

		b = builder(t, testEffects(t, cfg, 5), cfg, Options{}, size)
		b.effect = scenario + " minus " + baseName
		checkDataAreas(t, "effect-headline, "+at, b, b.headline())
		checkDataAreas(t, "effect-lost-sales, "+at, b, b.effectLostSales())
	}

	// Multihoming with five regions, a line each and one for the whole
	// country.
	cfg5 := testConfig()
	cfg5.Regions = []sim.Region{
		{Name: "t1", Label: "Tier-1 cities", Population: 1e8},
		{Name: "t2", Label: "Tier-2 cities", Population: 2e8},
		{Name: "t3", Label: "Third-tier and below", Population: 4e8},
		{Name: "rural", Label: "Rural", Population: 4e8},
		{Name: "west", Label: "Western provinces", Population: 1e8},
	}
	multi := func(runs int, shift float64) *output.StatTable {
		st := &output.StatTable{Runs: runs}
		for step := range cfg5.Steps {
			date := cfg5.Start.AddDate(0, 0, 7*step)
			for i, r := range append([]string{output.AllRegions}, "t1", "t2", "t3", "rural", "west") {
				v := 0.5 + 0.05*float64(i) + 0.2*logistic(float64(step), 88, 20) + shift
				st.Rows = append(st.Rows, output.StatRow{Step: step, Date: date, Region: r, Metric: "multihoming", Entity: "2+",
					Runs: runs, Mean: v, SD: 0.01, P05: v - 0.02, P50: v, P95: v + 0.02})
			}
		}
		return st
	}
	for _, size := range sizes {
		at := fmt.Sprintf("%g×%g cm", size.w, size.h)
		b := builder(t, multi(1, 0), cfg5, Options{}, size)
		l := b.multihoming()
		if len(l.legend) != 6 {
			t.Fatalf("multihoming legend has %d entries, want 6", len(l.legend))
		}
		checkDataAreas(t, "multihoming, five regions, "+at, b, l)
		b = builder(t, multi(5, 0), cfg5, Options{Baseline: multi(5, -0.1), BaselineName: baseName}, size)
		checkDataAreas(t, "multihoming, five regions, comparison, "+at, b, b.multihoming())
	}

	// Every figure keeps the rule, those of several rows included.
	for _, size := range sizes[:2] {
		at := fmt.Sprintf("%g×%g cm", size.w, size.h)
		for _, opt := range []Options{{}, cmp} {
			b := builder(t, st5, cfg, opt, size)
			for _, spec := range figureSpecs {
				what := fmt.Sprintf("%s, baseline %v, %s", spec.name, opt.Baseline != nil, at)
				checkDataAreas(t, what, b, spec.build(b))
			}
		}
	}
}

// The comparison's headline gives the key to scenario and baseline lines
// rows of their own: the methods in columns above it, rather than every
// entry in one column because the baseline's name is long.
func TestLegendKeyRows(t *testing.T) {
	cfg := testConfig()
	base := &output.Table{}
	for r := range 5 {
		base.Rows = append(base.Rows, output.FromResult(testResultOf(cfg, r, false)).Rows...)
	}
	opt := Options{Baseline: summarize(t, base), BaselineName: "taobao-wechat-pay-no-acceptance"}.withDefaults()
	b, err := newBuilder(testStats(t, cfg, 5), cfg, "taobao-wechat-pay", opt, Metrics())
	if err != nil {
		t.Fatal(err)
	}
	l := b.headline()
	w := opt.Width - 2*b.st.pt(4)
	_, all, _ := legendGrid(b.st, l.legend, w, 0)
	if all != 5 {
		t.Fatalf("one grid of the legend takes %d rows, want 5 (the case this test is about)", all)
	}
	_, methods, _ := legendGrid(b.st, l.legend[:3], w, 0)
	if got, want := legendHeight(b.st, l.legend, w, 0), vg.Length(methods+2)*legendRowHeight(b.st); got != want || methods+2 >= all {
		t.Errorf("legend %.1f pt tall, want %d rows, %.1f pt: the methods in %d, the key in 2", got.Points(), methods+2, want.Points(), methods)
	}
	// The key names the scenario: the subtitle leaves it out.
	if _, err := b.figure("headline", l); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(l.subtitle, "Scenario") || !strings.Contains(l.subtitle, "mean of 5 runs") {
		t.Errorf("comparison subtitle %q", l.subtitle)
	}
}
