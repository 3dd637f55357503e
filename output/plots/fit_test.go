package plots

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/interopsim/interopsim/output"
)

// fitInput is a calibration figure of testConfig with n series (up to 4):
// Alipay's share of payment value in all regions, WeChat Pay's adoption
// in the east, JD's lost sales and Bank card's share of transactions,
// each with a band, two data points before the holdout and one after.
func fitInput(n int) FitInput {
	keys := []output.Key{
		{Region: output.AllRegions, Metric: "value_share", Entity: "alipay"},
		{Region: "east", Metric: "adoption", Entity: "wechat_pay"},
		{Region: output.AllRegions, Metric: "lost_sales", Entity: "jd"},
		{Region: output.AllRegions, Metric: "tx_share", Entity: "card"},
	}
	var dates []time.Time
	for i := range 24 {
		dates = append(dates, time.Date(2024, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC))
	}
	var panels []FitPanel
	for k, key := range keys[:n] {
		scale := 1.0
		if key.Metric == "lost_sales" {
			scale = 2e6
		}
		var curve, lo, hi []float64
		for i := range dates {
			v := scale * (0.3 + 0.1*float64(k) + 0.01*float64(i))
			curve, lo, hi = append(curve, v), append(lo, v-0.03*scale), append(hi, v+0.03*scale)
		}
		panels = append(panels, FitPanel{Key: key, Dates: dates, Curve: curve, Lo: lo, Hi: hi, Points: []FitPoint{
			{Date: dates[3], Value: curve[3] + 0.02*scale},
			{Date: dates[8], Value: curve[8] - 0.02*scale},
			{Date: dates[18], Value: curve[18] + 0.04*scale, Held: true},
		}})
	}
	return FitInput{Name: "fit", Title: "Calibration of test", Desc: "Data against the fitted model", Scenario: "test",
		Config: testConfig(), Holdout: dates[12], BandRuns: 5, BandAgents: 20000, Panels: panels}
}

func TestFitLayout(t *testing.T) {
	_, l, err := fitLayout(fitInput(4), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Titles and y labels in words from the scenario's labels; curves in
	// the entity's colour and pattern.
	want := []struct {
		title, yLabel string
		percent       bool
		color         int // index in okabeIto
		dashes        int
	}{
		{"Alipay's share of payment value, all regions", "Share of payment value (%)", true, 0, 0},
		{"Adoption of WeChat Pay, Coastal cities", sharePeople, true, 1, 1},
		{"JD lost sales per week, all regions", "Transactions per week (millions)", false, 1, 1},
		{"Bank card's share of all payments, all regions", "Share of transactions (%)", true, 2, 2},
	}
	for i, w := range want {
		pn := l.panels[i]
		if pn.title != w.title || pn.yLabel != w.yLabel || pn.percent != w.percent {
			t.Errorf("panel %d: got %q, %q, percent %v, want %q, %q, %v", i, pn.title, pn.yLabel, pn.percent, w.title, w.yLabel, w.percent)
		}
		s := pn.series[0]
		if s.Color != okabeIto[w.color] || s.Dashes != w.dashes || s.BandEdge == 0 {
			t.Errorf("panel %d: colour %v, pattern %d, band edge %g, want %v, %d and edges", i, s.Color, s.Dashes, s.BandEdge, okabeIto[w.color], w.dashes)
		}
		// Two filled dots, one hollow.
		if len(pn.dots) != 2 || pn.dots[0].Hollow || len(pn.dots[0].X) != 2 || !pn.dots[1].Hollow || len(pn.dots[1].X) != 1 {
			t.Errorf("panel %d: dots %+v, want 2 filled and 1 hollow", i, pn.dots)
		}
	}
	if got := l.panels[0].dots[0].Y[0]; math.Abs(got-35) > 1e-9 {
		t.Errorf("a share is drawn in percent: got %g, want 35", got)
	}
	if got := l.panels[2].dots[0].Y[0]; math.Abs(got-1.1) > 1e-9 {
		t.Errorf("a count is drawn in millions: got %g, want 1.1", got)
	}
	if len(l.events) != 1 || l.events[0].label != "holdout 2025-01-01" {
		t.Errorf("events %+v, want the holdout, labelled", l.events)
	}
	if len(l.notes) != 1 || !strings.HasPrefix(l.notes[0], "Band: min to max of 5 agent-engine runs of 20,000 agents at the fitted values") ||
		!strings.Contains(l.notes[0], "parameter uncertainty not included") {
		t.Errorf("notes %q, want what the band is", l.notes)
	}
	var labels []string
	for _, e := range l.legend {
		labels = append(labels, e.label)
	}
	if !slices.Equal(labels, []string{"Fitted model", "Data", "Held out"}) {
		t.Errorf("legend %q", labels)
	}
}

func TestFitFigure(t *testing.T) {
	opt := Options{Seed: "7", Version: "v0.0.1"}
	for n := 1; n <= 4; n++ {
		fig, err := FitFigure(fitInput(n), opt)
		if err != nil {
			t.Fatal(err)
		}
		if fig.Width != 16*vg.Centimeter || fig.Height > 20*vg.Centimeter || fig.Height < 6*vg.Centimeter {
			t.Errorf("%d series: %.1f by %.1f cm, want 16 cm wide and 6 to 20 cm tall", n, fig.Width/vg.Centimeter, fig.Height/vg.Centimeter)
		}
	}
	fig, err := FitFigure(fitInput(3), opt)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, fig, "fit")
	writeReview(t, []Figure{fig}, "")

	files, err := Render(context.Background(), []Figure{fig}, opt, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "fit.png" {
		t.Fatalf("got %d files (%v), want fit.png", len(files), files)
	}
	img, err := png.Decode(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1890 {
		t.Errorf("fit.png is %d pixels wide, want 16 cm at 300 dpi (1890)", b.Dx())
	}
	chunks, err := readPNGChunks(files[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var texts []PNGText
	for _, c := range chunks {
		types = append(types, c.typ)
		if c.typ == "tEXt" {
			k, v, _ := bytes.Cut(c.data, []byte{0})
			texts = append(texts, PNGText{string(k), string(v)})
		}
	}
	if !slices.Contains(types, "pHYs") {
		t.Errorf("chunks %v, want a pHYs", types)
	}
	wantText := []PNGText{{"Title", "Calibration of test"}, {"Scenario", "test"}, {"Seed", "7"}, {"Software", "interopsim v0.0.1"}}
	if !slices.Equal(texts, wantText) {
		t.Errorf("tEXt chunks %q, want %q", texts, wantText)
	}

	// Without its title the figure is shorter; the note stays.
	bare, err := FitFigure(fitInput(3), Options{NoTitle: true})
	if err != nil {
		t.Fatal(err)
	}
	if bare.Height >= fig.Height || bare.Title != fig.Title {
		t.Errorf("--no-title: %.1f cm tall titled %q, want shorter than %.1f cm, the same title in the PNG",
			bare.Height/vg.Centimeter, bare.Title, fig.Height/vg.Centimeter)
	}
}

func TestFitFigureErrors(t *testing.T) {
	bad := func(f func(in *FitInput)) FitInput {
		in := fitInput(2)
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name string
		in   FitInput
		opt  Options
	}{
		{"no panels", bad(func(in *FitInput) { in.Panels = nil }), Options{}},
		{"no scenario", bad(func(in *FitInput) { in.Config = nil }), Options{}},
		{"short curve", bad(func(in *FitInput) { in.Panels[0].Curve = in.Panels[0].Curve[:3] }), Options{}},
		{"band upside down", bad(func(in *FitInput) { in.Panels[1].Lo, in.Panels[1].Hi = in.Panels[1].Hi, in.Panels[1].Lo }), Options{}},
		{"fixed height", fitInput(2), Options{Height: 10 * vg.Centimeter}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FitFigure(tc.in, tc.opt); err == nil {
				t.Error("got no error")
			}
		})
	}
}
