package plots

import (
	"bytes"
	"errors"
	"flag"
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

	"github.com/interopsim/interopsim/output"
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

func mustFigures(t *testing.T, tab *output.Table, opt Options) []Figure {
	t.Helper()
	figs, err := Figures(tab, testConfig(), "test", opt)
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
	figs := mustFigures(t, testTable(testConfig(), 1), Options{})
	if got := names(figs); !slices.Equal(got, allNames) {
		t.Fatalf("figures %v, want %v", got, allNames)
	}
	for _, f := range figs {
		t.Run(f.Name, func(t *testing.T) { checkGolden(t, f, f.Name) })
	}
	writeReview(t, figs, "")
}

// Several runs give a mean over a 5-95% band; a baseline is dotted.
func TestFiguresBandBaselineGolden(t *testing.T) {
	cfg := testConfig()
	base := output.FromResult(testResult(cfg, 0))
	// The counterfactual: Taobao/Tmall never opens, WeChat Pay stays at 0.
	for i := range base.Rows {
		r := &base.Rows[i]
		if r.Metric == "payment_share" && r.Entity == "taobao_tmall/wechat_pay" {
			r.Value = 0
		}
		if r.Metric == "payment_share" && r.Entity == "taobao_tmall/alipay" {
			r.Value = 0.88
		}
	}
	figs := mustFigures(t, testTable(cfg, 5), Options{
		Baseline: base, BaselineName: "no acceptance",
		Metrics: []string{"payment_share", "adoption"},
	})
	if got, want := names(figs), []string{"adoption", "payment-shares", "headline"}; !slices.Equal(got, want) {
		t.Fatalf("figures %v, want %v", got, want)
	}
	checkGolden(t, figs[2], "headline-runs")
	writeReview(t, figs, "runs-")
}

func TestSaveFormats(t *testing.T) {
	opt := Options{
		Formats: []string{"png", "svg", "pdf"}, Width: 12 * vg.Centimeter, DPI: 150,
		Metrics: []string{"multihoming", "adoption"},
	}
	figs := mustFigures(t, testTable(testConfig(), 1), opt)
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

// The default PNG is 16 cm by 11 cm at 300 dpi: 1890 by 1299 pixels.
func TestDefaultSize(t *testing.T) {
	figs := mustFigures(t, testTable(testConfig(), 1), Options{Metrics: []string{"multihoming"}})
	paths, err := Save(t.TempDir(), figs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1890; cfg.Width != want {
		t.Errorf("width %d px, want %d", cfg.Width, want)
	}
	if want := 1299; cfg.Height != want {
		t.Errorf("height %d px, want %d", cfg.Height, want)
	}
}

func TestSaveErrors(t *testing.T) {
	figs := mustFigures(t, testTable(testConfig(), 1), Options{Metrics: []string{"multihoming"}})
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
	tab := testTable(testConfig(), 1)
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
			b, err := newBuilder(tab, testConfig(), "test", tc.opt.withDefaults())
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
	tab := testTable(testConfig(), 1)
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
	if _, err := Figures(&output.Table{}, testConfig(), "test", Options{}); err == nil {
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
	b, err := newBuilder(testTable(testConfig(), 1), testConfig(), "test", Options{}.withDefaults())
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

// Mean and 5-95% quantiles across runs; NaN runs are skipped.
func TestStats(t *testing.T) {
	tab := &output.Table{}
	vals := [][]float64{{1, math.NaN()}, {2, math.NaN()}, {3, 5}, {4, math.NaN()}, {5, math.NaN()}}
	for run, v := range vals {
		for step, x := range v {
			tab.Rows = append(tab.Rows, output.Row{Run: run, Step: step, Region: "all", Metric: "adoption", Entity: "a", Value: x})
		}
	}
	f := newFrame(tab, []string{"adoption"})
	mean, lo, hi := f.stats(key{"all", "adoption", "a"}, 100)
	if mean[0] != 300 || lo[0] != 100 || hi[0] != 500 {
		t.Errorf("step 0: mean %g lo %g hi %g, want 300 100 500", mean[0], lo[0], hi[0])
	}
	if mean[1] != 500 || !math.IsNaN(lo[1]) || !math.IsNaN(hi[1]) {
		t.Errorf("step 1 (one finite run): mean %g lo %g hi %g, want 500 NaN NaN", mean[1], lo[1], hi[1])
	}
	one := newFrame(&output.Table{Rows: tab.Rows[:2]}, []string{"adoption"})
	if _, lo, hi := one.stats(key{"all", "adoption", "a"}, 1); lo != nil || hi != nil {
		t.Error("one run: got a band")
	}
}

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
	figs := mustFigures(t, tab, Options{})
	if got, want := names(figs), []string{"adoption", "multihoming"}; !slices.Equal(got, want) {
		t.Fatalf("figures %v, want %v", got, want)
	}
	b, _ := newBuilder(tab, testConfig(), "test", Options{}.withDefaults())
	s, _ := b.series("all", "adoption", "card", "Bank card", black, 2, 100)
	if !math.IsNaN(s.Mean[2]) {
		t.Errorf("missing value read as %g, want NaN", s.Mean[2])
	}
	checkGolden(t, figs[0], "adoption-gap")
}

func TestTicks(t *testing.T) {
	b, _ := newBuilder(testTable(testConfig(), 1), testConfig(), "test", Options{}.withDefaults())
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
