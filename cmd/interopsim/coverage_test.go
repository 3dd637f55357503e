package main

import (
	"math"
	"testing"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// headline returns WeChat Pay's share of Taobao payments, nationally, at
// the last step of r.
func headline(t *testing.T, r *sim.Result) float64 {
	t.Helper()
	for _, m := range r.Measures(len(r.Steps)-1, -1) {
		if m.Metric == "payment_share" && m.Entity == "taobao/wechat_pay" {
			return m.Value
		}
	}
	t.Fatal("no payment_share taobao/wechat_pay")
	return 0
}

// TestEffectIntervalCoverage checks what the effect's interval of a
// comparison means, over 150 seeds of the tiny scenario (4000 agents),
// on the effect of Taobao's opening on WeChat Pay's share of its payments
// at the last step, computed as compare does (output.Runs and Stats of
// 20 paired replicates with common random numbers):
//
//   - The interval from the 5th to the 95th percentile covers the known
//     effect, the difference of the two mean-field runs. With 20
//     replicates the interval runs from the smallest to the 19th value,
//     which covers the centre of their distribution with probability
//     1 - 2*21/2^20 > 0.9999; we require at least 95% of seeds, which
//     fails if the agent-based effect is biased against the mean field by
//     more than about a third of its spread.
//   - It covers the effect of a fresh replicate (streams unused by the
//     20) with probability 18/21 = 0.857 exactly, for any continuous
//     distribution of exchangeable replicates. Over 150 seeds the rate's
//     standard deviation is 0.029; we require 0.857 within 3.5 of them.
func TestEffectIntervalCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	sc, err := scenarios.Load(tiny)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.SetAgents(4000); err != nil {
		t.Fatal(err)
	}
	base := sc.WithoutAcceptance()
	run := func(s *scenarios.Scenario, seed uint64, settings *sim.Settings) *sim.Result {
		r, err := sim.Run(&s.Config, seed, settings)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	mf := &sim.Settings{Engine: sim.MeanField}
	truth := headline(t, run(sc, 1, mf)) - headline(t, run(base, 1, mf))
	if !(truth > 0.05) {
		t.Fatalf("mean-field effect %v: the test needs a clear effect", truth)
	}

	const seeds, runs, fresh = 150, 20, 1000
	var coversTruth, coversFresh int
	var key int = -1
	for seed := uint64(1); seed <= seeds; seed++ {
		var a, b output.Runs
		for i := range runs {
			if err := a.AddResult(run(sc, seed, &sim.Settings{Run: i})); err != nil {
				t.Fatal(err)
			}
			if err := b.AddResult(run(base, seed, &sim.Settings{Run: i})); err != nil {
				t.Fatal(err)
			}
		}
		d, err := a.Difference(&b)
		if err != nil {
			t.Fatal(err)
		}
		if key < 0 {
			i, ok := d.Layout.Find(sc.Config.Steps-1, output.Key{Region: output.AllRegions, Metric: "payment_share", Entity: "taobao/wechat_pay"})
			if !ok {
				t.Fatal("no payment share of WeChat Pay on Taobao at the last step")
			}
			key = i
		}
		st := d.Stat(key)
		lo, hi := st.P05, st.P95
		if lo <= truth && truth <= hi {
			coversTruth++
		}
		next := headline(t, run(sc, seed, &sim.Settings{Run: fresh})) - headline(t, run(base, seed, &sim.Settings{Run: fresh}))
		if lo <= next && next <= hi {
			coversFresh++
		}
	}
	rateTruth, rateFresh := float64(coversTruth)/seeds, float64(coversFresh)/seeds
	t.Logf("mean-field effect %.4f; covered in %.3f of seeds; fresh replicate covered in %.3f", truth, rateTruth, rateFresh)
	if rateTruth < 0.95 {
		t.Errorf("the interval covers the mean-field effect in %.3f of seeds, want at least 0.95", rateTruth)
	}
	const want = 18.0 / 21
	if sd := math.Sqrt(want * (1 - want) / seeds); math.Abs(rateFresh-want) > 3.5*sd {
		t.Errorf("the interval covers a fresh replicate in %.3f of seeds, want %.3f within %.3f", rateFresh, want, 3.5*sd)
	}
}
