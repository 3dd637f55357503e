package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// noisy adds normal errors of size sd (seeded) to the points of d and
// gives each that sd, so that intervals have an error variance to work
// with.
func noisy(d *Data, sd float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range d.Points {
		d.Points[i].Value += sd * rng.NormFloat64()
		d.Points[i].Weight = 1 / (sd * sd)
		d.Points[i].HasSD = true
	}
}

func months(from, n int) []string {
	return periods("", 0, n-1, func(i int) string { return fmt.Sprintf("%d-%02d", from+i/12, i%12+1) })
}

// TestIntervals fits two adoption rates that the data pin down and a
// basket that no adoption figure depends on: the rates' profile intervals
// cover the truth, the basket is flagged as not pinned down.
func TestIntervals(t *testing.T) {
	c := loadConfig(t, "history-like.yaml")
	fr := free(t, c, "methods.alipay.q=0:2", "methods.wechat_pay.q=0:2", "regions.urban.basket=50:300")
	truth := []float64{0.45, 0.85, 150}
	d := synthetic(t, c, fr, truth, months(2016, 36), "all adoption alipay", "all adoption wechat_pay")
	noisy(d, 0.01)
	res, err := Fit(&Problem{Config: perturbed(c, fr, []float64{0.8, 0.5, 100}), Free: fr, Data: d}, &Settings{Starts: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j, e := range res.Params {
		t.Logf("%s = %.4f [%.4f, %.4f] se %.4f pinned %v %v", e.Name, e.Value, e.Lower, e.Upper, e.SE, e.Pinned, e.Notes)
		if j < 2 {
			if !e.Pinned || !(e.Lower < truth[j] && truth[j] < e.Upper) {
				t.Errorf("%s: interval [%g, %g] (pinned %v), want one covering %g", e.Name, e.Lower, e.Upper, e.Pinned, truth[j])
			}
		}
	}
	if b := res.Params[2]; b.Pinned || !b.LowerOpen || !b.UpperOpen || !strings.Contains(strings.Join(b.Notes, " "), "flat profile") {
		t.Errorf("basket: pinned %v, open %v %v, notes %v; want a flat profile, not pinned", b.Pinned, b.LowerOpen, b.UpperOpen, b.Notes)
	}
	t.Logf("%d evaluations", res.Evals)
}

// TestDeterministic fits twice from several starts, on one worker and on
// two: the results are the same.
func TestDeterministic(t *testing.T) {
	c := loadConfig(t, "history-like.yaml")
	fr := free(t, c, "methods.alipay.q=0:2", "methods.wechat_pay.q=0:2")
	d := synthetic(t, c, fr, []float64{0.45, 0.85}, months(2016, 24), "all adoption alipay", "all adoption wechat_pay")
	noisy(d, 0.01)
	p := &Problem{Config: c, Free: fr, Data: d}
	a, err := Fit(p, &Settings{Starts: 3, Seed: 7, Workers: 1, NoIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(p, &Settings{Starts: 3, Seed: 7, Workers: 2, NoIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	a.Config, b.Config = nil, nil
	if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) { // %v, as NaN != NaN
		t.Errorf("workers 1 and 2 give different fits:\n%+v\n%+v", a.Params, b.Params)
	}
	if a.Starts[1].From[0] == a.Starts[2].From[0] {
		t.Error("starts 1 and 2 start from the same point")
	}
}

// TestHoldout fits the adoption of 2016-2019 and forecasts 2020-2021: the
// model, being the one that made the data, beats carrying the last value
// forward.
func TestHoldout(t *testing.T) {
	c := loadConfig(t, "history-like.yaml")
	fr := free(t, c, "methods.alipay.q=0:2", "methods.wechat_pay.q=0:2")
	d := synthetic(t, c, fr, []float64{0.45, 0.85}, months(2016, 72), "all adoption alipay", "all adoption wechat_pay")
	cut := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := Fit(&Problem{Config: c, Free: fr, Data: d, Holdout: cut}, &Settings{Starts: 1, NoIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.N != 96 {
		t.Errorf("fitted %d points, want 96 (48 months of 2016-2019, two series)", res.N)
	}
	if len(res.Holdout) != 2 {
		t.Fatalf("holdout report has %d series, want 2", len(res.Holdout))
	}
	for _, h := range res.Holdout {
		t.Logf("%s: n %d, MAE %.3f pp, naive %.3f pp", h.Key, h.N, 100*h.MAE, 100*h.NaiveMAE)
		if h.N != 24 || !(h.MAE < h.NaiveMAE) || h.MAE > 1e-4 {
			t.Errorf("%s: n %d, MAE %g, naive %g; want 24 points and the model well ahead", h.Key, h.N, h.MAE, h.NaiveMAE)
		}
	}
	if math.IsNaN(res.Points[len(res.Points)-1].Fitted) || res.Points[len(res.Points)-1].Set != Held {
		t.Error("the last point is not held out with a fitted value")
	}
}
