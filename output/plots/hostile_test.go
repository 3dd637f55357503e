package plots

import (
	"context"
	"testing"
)

// Values beyond what a run writes are refused by the reader; Figures,
// called directly, returns an error rather than a figure of no size that
// panics when drawn (issue 12, item 11).
func TestFiguresHugeValues(t *testing.T) {
	cfg := testConfig()
	for _, v := range []float64{1e30, 1e308} {
		st := testStats(t, cfg, 1)
		for i := range st.Rows {
			if r := &st.Rows[i]; r.Metric == "lost_sales" {
				r.Mean, r.P05, r.P50, r.P95 = v, v, v, v
			}
		}
		figs, err := Figures(st, cfg, "test", Options{Figures: []string{"lost-sales"}, Formats: []string{"svg"}})
		if err != nil {
			if v <= 1e30 {
				t.Errorf("%g: %v", v, err)
			}
			continue
		}
		if _, err := Render(context.Background(), figs, Options{Formats: []string{"svg"}}, 1); err != nil {
			t.Errorf("%g: %v", v, err)
		}
	}
}

// A band's ends within rounding of each other, in the wrong order, are
// drawn as a band of no width.
func TestFrameRounding(t *testing.T) {
	st := testStats(t, testConfig(), 2)
	r := &st.Rows[0]
	r.P05, r.P95 = 0.8040489875, 0.8040489874999999
	if _, err := newFrame(st, []string{r.Metric}); err != nil {
		t.Errorf("newFrame: %v", err)
	}
	r.P05 = 0.81
	if _, err := newFrame(st, []string{r.Metric}); err == nil {
		t.Errorf("newFrame accepted p05 %v above p95 %v", r.P05, r.P95)
	}
}
