package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// withNoise returns a copy of d with normal errors of size sd drawn from
// the stream (seed, 3) added to its values, every point given that sd.
func withNoise(d *Data, sd float64, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := &Data{Points: slices.Clone(d.Points)}
	for i := range out.Points {
		out.Points[i].Value += sd * rng.NormFloat64()
		out.Points[i].Weight = 1 / (sd * sd)
		out.Points[i].HasSD = true
	}
	return out
}

// quantile returns the q quantile of xs (sorted in place), interpolated
// linearly between order statistics.
func quantile(xs []float64, q float64) float64 {
	slices.Sort(xs)
	h := q * float64(len(xs)-1)
	i := int(h)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// column returns parameter j of every draw.
func column(d *Draws, j int) []float64 {
	out := make([]float64, len(d.Values))
	for i, v := range d.Values {
		out[i] = v[j]
	}
	return out
}

// TestDrawCoverage checks the draws' intervals against a known truth:
// M synthetic datasets from the mean-field model at known adoption
// rates plus normal noise of known sd (0.01, seeds 1..M), each
// calibrated and drawn from with SIR (200 draws from 600 proposals).
// The central 90% and 50% intervals of the draws of each of the two
// parameters should cover the truth in 90% and 50% of the 2M cases.
// The 2M cases are treated as independent Bernoulli trials (the two
// parameters of one dataset are nearly uncorrelated here); the test
// accepts counts within 3 binomial standard deviations of the nominal
// ones, so a correct method fails it about 0.5% of the time at most and,
// the seeds being fixed, either always or never.
func TestDrawCoverage(t *testing.T) {
	m := 20
	if testing.Short() {
		m = 8
	}
	c := loadConfig(t, "history-like.yaml")
	c.Steps = 27 // the data's 24 months after the warmup: faster runs
	fr := free(t, c, "methods.alipay.q=0:2", "methods.wechat_pay.q=0:2")
	truth := []float64{0.45, 0.85}
	exact := synthetic(t, c, fr, truth, months(2016, 24), "all adoption alipay", "all adoption wechat_pay")
	cfg := perturbed(c, fr, truth)
	levels := []float64{0.9, 0.5}
	covered := make([]int, len(levels))
	for seed := 1; seed <= m; seed++ {
		p := &Problem{Config: cfg, Free: fr, Data: withNoise(exact, 0.01, uint64(seed))}
		res, err := Fit(p, &Settings{Starts: 1, NoIntervals: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := Draw(p, res, &DrawSettings{N: 200, Proposals: 600, Seed: uint64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		if d.ESS < 100 {
			t.Errorf("dataset %d: effective sample size %.0f of 600 proposals, want at least 100", seed, d.ESS)
		}
		for j := range fr {
			xs := column(d, j)
			for l, level := range levels {
				lo, hi := quantile(xs, (1-level)/2), quantile(xs, (1+level)/2)
				if lo <= truth[j] && truth[j] <= hi {
					covered[l]++
				}
			}
		}
	}
	n := float64(2 * m)
	for l, level := range levels {
		want := level * n
		tol := 3 * math.Sqrt(n*level*(1-level))
		t.Logf("%.0f%% intervals cover the truth %d times of %.0f (want %.1f ± %.1f)", 100*level, covered[l], n, want, tol)
		if math.Abs(float64(covered[l])-want) > tol {
			t.Errorf("%.0f%% intervals cover the truth %d times of %.0f, want %.1f ± %.1f", 100*level, covered[l], n, want, tol)
		}
	}
}

// TestDrawUnpinned checks that a parameter the data do not depend on is
// drawn uniformly within its bounds, by both methods: the sd of its draws
// is that of a uniform distribution, (hi-lo)/sqrt(12), within 4 of its
// standard errors (about 0.045 of it for 400 draws).
func TestDrawUnpinned(t *testing.T) {
	c := loadConfig(t, "history-like.yaml")
	fr := free(t, c, "methods.alipay.q=0:2", "regions.urban.basket=50:300")
	d := synthetic(t, c, fr, []float64{0.45, 150}, months(2016, 24), "all adoption alipay")
	p := &Problem{Config: perturbed(c, fr, []float64{0.45, 150}), Free: fr, Data: withNoise(d, 0.01, 1)}
	res, err := Fit(p, &Settings{Starts: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []DrawMethod{Laplace, SIR} {
		t.Run(method.String(), func(t *testing.T) {
			dr, err := Draw(p, res, &DrawSettings{N: 400, Method: method, Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			if !dr.Uniform[1] || dr.Uniform[0] {
				t.Fatalf("uniform %v, want the basket only", dr.Uniform)
			}
			xs := column(dr, 1)
			var mean, sq float64
			for _, x := range xs {
				mean += x / float64(len(xs))
			}
			for _, x := range xs {
				sq += (x - mean) * (x - mean)
			}
			sd, want := math.Sqrt(sq/float64(len(xs)-1)), 250/math.Sqrt(12)
			if math.Abs(sd-want) > 4*0.045*want {
				t.Errorf("sd of the basket's draws %.2f, want %.2f (uniform within 50:300)", sd, want)
			}
			for _, v := range dr.Values {
				for j, x := range v {
					if !(fr[j].Lo < x && x < fr[j].Hi) {
						t.Fatalf("draw %v outside the bounds", v)
					}
				}
			}
		})
	}
}

// TestDrawDeterministic draws twice, on one worker and on two: the same
// draws.
func TestDrawDeterministic(t *testing.T) {
	c := loadConfig(t, "history-like.yaml")
	c.Steps = 27
	fr := free(t, c, "methods.alipay.q=0:2", "methods.wechat_pay.q=0:2")
	d := synthetic(t, c, fr, []float64{0.45, 0.85}, months(2016, 24), "all adoption alipay", "all adoption wechat_pay")
	p := &Problem{Config: perturbed(c, fr, []float64{0.45, 0.85}), Free: fr, Data: withNoise(d, 0.01, 1)}
	res, err := Fit(p, &Settings{Starts: 1, NoIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Draw(p, res, &DrawSettings{N: 50, Seed: 9, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Draw(p, res, &DrawSettings{N: 50, Seed: 9, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("workers 1 and 2 give different draws:\n%v\n%v", a.Values[:3], b.Values[:3])
	}
}
