package output

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestUncertaintyLabel(t *testing.T) {
	p := &ParameterDraws{Draws: 20, Source: "out/x-calibrate/draws.csv", Method: "sir", Params: []string{"behaviour.gamma", "methods.wechat_pay.appeal"}}
	for _, tc := range []struct {
		u    *Uncertainty
		want string
	}{
		{nil, "sampling noise only; parameter uncertainty not included"},
		{&Uncertainty{Sampling: true}, "sampling noise only; parameter uncertainty not included"},
		{&Uncertainty{Sampling: true, Parameters: p}, "sampling noise and parameter uncertainty (20 parameter draws of behaviour.gamma, methods.wechat_pay.appeal, sir, from draws.csv)"},
		{&Uncertainty{Parameters: p}, "parameter uncertainty only (20 parameter draws of behaviour.gamma, methods.wechat_pay.appeal, sir, from draws.csv; the mean-field engine has no sampling noise)"},
	} {
		if got := tc.u.Label(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestJobDraws checks that jobs with other parameter sets are other jobs,
// and that a summary gives back the job's.
func TestJobDraws(t *testing.T) {
	a := Job{ResolvedSHA256: "ab", Engine: "agents", Runs: 20, ParamDraws: 20, DrawsSHA256: "cd"}
	for _, b := range []Job{{ResolvedSHA256: "ab", Engine: "agents", Runs: 20}, {ResolvedSHA256: "ab", Engine: "agents", Runs: 20, ParamDraws: 10, DrawsSHA256: "cd"},
		{ResolvedSHA256: "ab", Engine: "agents", Runs: 20, ParamDraws: 20, DrawsSHA256: "ef"}} {
		if a.Same(b) {
			t.Errorf("%v and %v are the same job, want other jobs", a, b)
		}
	}
	s := &Summary{Provenance: Provenance{ResolvedSHA256: "ab", Engine: "agents", Runs: 20},
		Uncertainty: &Uncertainty{Sampling: true, Parameters: &ParameterDraws{Draws: 20, SHA256: "cd"}}}
	if j := s.Job(); !j.Same(a) {
		t.Errorf("summary's job %v, want %v", j, a)
	}
}

// TestParameterShare checks the variance decomposition on draws of known
// variances: 200 parameter sets whose means have sd 1, 20 replicates each
// with sampling sd 1, so that the share is 0.5; its estimate has an sd
// of about 0.027 (delta method), and the test allows 4 of them.
func TestParameterShare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const k, n = 200, 20
	sets := make([][]float64, k)
	for s := range sets {
		mu := rng.NormFloat64()
		for range n {
			sets[s] = append(sets[s], mu+rng.NormFloat64())
		}
	}
	share, ok := parameterShare(sets, true)
	if !ok || math.Abs(share-0.5) > 4*0.027 {
		t.Errorf("share %.3f (defined %v), want 0.5 ± %.3f", share, ok, 4*0.027)
	}
	if share, ok := parameterShare([][]float64{{1}, {2}, {4}}, false); !ok || share != 1 {
		t.Errorf("without sampling noise: share %g (defined %v), want 1", share, ok)
	}
	if _, ok := parameterShare([][]float64{{1}, {2}, {4}}, true); ok {
		t.Errorf("one replicate per set with sampling noise: want no share")
	}
	// Through ParameterShares: replicate r in set r mod k.
	diff := &Runs{Layout: layoutOfRows([]Row{{Step: 3, Region: AllRegions, Metric: "adoption", Entity: "alipay"}})}
	for r := range 6 {
		diff.Values = append(diff.Values, []float64{float64(r % 2)})
	}
	rows := []EffectRow{{Step: 3, Key: Key{Region: AllRegions, Metric: "adoption", Entity: "alipay"}}}
	ParameterShares(rows, diff, 2, true)
	if rows[0].ParameterShare == nil || *rows[0].ParameterShare != 1 {
		t.Errorf("sets 0 and 1 with values 0 and 1: share %v, want 1", rows[0].ParameterShare)
	}
}
