package sim

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// measure returns the value of metric/entity in region i at step n.
func measure(t *testing.T, r *Result, n, i int, metric, entity string) float64 {
	t.Helper()
	for _, m := range r.Measures(n, i) {
		if m.Metric == metric && m.Entity == entity {
			return m.Value
		}
	}
	t.Fatalf("no measure %s %s", metric, entity)
	return 0
}

func mustRun(t *testing.T, c *Config, seed uint64, s *Settings) *Result {
	t.Helper()
	r, err := Run(c, seed, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAgentsConvergeToMeanField checks that, at 400000 agents, every share
// measured by the agent engine in each region lies within 5 standard
// errors of the mean-field value at every step. The standard error of a
// share p estimated from n agents is sqrt(p(1-p)/n), with n the agents in
// the share's denominator (people for adoption, transactions for payment
// and platform shares). Aggregates feed back into choices only weakly, so
// the sampling error of one step dominates; 5 standard errors over about
// 7000 comparisons leaves a false-alarm chance near 0.4% for a random
// seed, and none for the fixed seed.
func TestAgentsConvergeToMeanField(t *testing.T) {
	worst := agreeWithMeanField(t, testConfig(400000), 42, 5)
	t.Logf("largest deviation: %.2f standard errors", worst)
}

// agreeWithMeanField runs c (one segment per region) on both engines and
// checks that every adoption, payment and platform share of the agent
// engine lies within z standard errors of the mean-field value, region by
// region and step by step, as TestAgentsConvergeToMeanField explains. It
// returns the largest deviation in standard errors.
func agreeWithMeanField(t *testing.T, c *Config, seed uint64, z float64) float64 {
	t.Helper()
	return engineAgreesWithMeanField(t, c, seed, z, AgentBased)
}

// engineAgreesWithMeanField is agreeWithMeanField for the stochastic
// engine e.
func engineAgreesWithMeanField(t *testing.T, c *Config, seed uint64, z float64, e Engine) float64 {
	t.Helper()
	ab := mustRun(t, c, seed, &Settings{Engine: e})
	mf := mustRun(t, c, seed, &Settings{Engine: MeanField})
	worst := 0.0
	for n := range c.Steps {
		for i, reg := range c.Regions {
			weight := c.PeakPopulation(i) / float64(reg.Segments[0].Agents)
			ta := ab.Region(n, i)
			tm := mf.Region(n, i)
			// Shares of transactions count orders; their sampling unit is
			// the shopping agent, who places ordersPerTrip orders.
			orders := ordersPerTrip(reg.Segments[0].ShoppingRate * c.Step.Years())
			check := func(what string, got, want, den float64, perAgent float64) {
				t.Helper()
				if den == 0 && got == 0 {
					return
				}
				nAgents := den / weight / perAgent
				se := math.Sqrt(want * (1 - want) / nAgents)
				d := math.Abs(got-want) / math.Max(se, 1/nAgents)
				worst = math.Max(worst, d)
				if d > z {
					t.Errorf("step %d region %s %s: agents %.5f, mean field %.5f (%.1f standard errors)", n, reg.Name, what, got, want, d)
				}
			}
			for m, mt := range c.Methods {
				check("adoption "+mt.Name, ta.Holders[m]/ta.Population, tm.Holders[m]/tm.Population, tm.Population, 1)
			}
			var txA, txM float64
			for p := range c.Platforms {
				var pa, pm float64
				for m := range c.Methods {
					pa += ta.Transactions[p][m]
					pm += tm.Transactions[p][m]
				}
				txA += pa
				txM += pm
				for m, mt := range c.Methods {
					check("payment share "+c.Platforms[p].Name+"/"+mt.Name, ta.Transactions[p][m]/pa, tm.Transactions[p][m]/pm, pm, orders)
				}
			}
			for p, pl := range c.Platforms {
				var pa, pm float64
				for m := range c.Methods {
					pa += ta.Transactions[p][m]
					pm += tm.Transactions[p][m]
				}
				check("platform share "+pl.Name, pa/txA, pm/txM, txM, orders)
			}
		}
	}
	return worst
}

// TestWorkersIdentical checks that the number of workers changes no bit
// of the result.
func TestWorkersIdentical(t *testing.T) {
	c := testConfig(100003) // odd sizes exercise partial blocks
	want := mustRun(t, c, 7, &Settings{Workers: 1})
	for _, w := range []int{2, 4, 7} {
		got := mustRun(t, c, 7, &Settings{Workers: w})
		if !reflect.DeepEqual(got.Steps, want.Steps) {
			t.Errorf("workers %d: result differs from workers 1", w)
		}
	}
}

// firstStepOnOrAfter returns the first step that starts on or after the
// event's date: the first step it can affect.
func firstAffected(c *Config, e Event) int {
	for n := range c.Steps {
		if !c.Date(n).Before(e.Date) {
			return n
		}
	}
	return c.Steps
}

// TestCommonRandomNumbers checks that a scenario and its counterfactual
// without events draw the same random numbers, on the agent engine and
// on the count engine: identical tallies before the event, different
// ones after it.
func TestCommonRandomNumbers(t *testing.T) {
	for _, e := range []Engine{AgentBased, Counts} {
		t.Run(e.String(), func(t *testing.T) { commonRandomNumbers(t, e) })
	}
}

func commonRandomNumbers(t *testing.T, e Engine) {
	c := testConfig(50000)
	base := *c
	base.Events = nil
	a := mustRun(t, c, 3, &Settings{Engine: e})
	b := mustRun(t, &base, 3, &Settings{Engine: e})
	k := firstAffected(c, c.Events[0])
	for n := 0; n < k; n++ {
		if !reflect.DeepEqual(a.Steps[n], b.Steps[n]) {
			t.Fatalf("step %d (%s), before the event: results differ", n, c.Date(n).Format("2006-01-02"))
		}
	}
	// The first affected step has acceptance 0 at its start only if it
	// starts on the event's date; from the next one on they must differ.
	for n := k + 1; n < c.Steps; n++ {
		if reflect.DeepEqual(a.Steps[n], b.Steps[n]) {
			t.Errorf("step %d (%s), after the event: results identical", n, c.Date(n).Format("2006-01-02"))
		}
	}
}

// TestAcceptanceEffect checks the direction of the flagship's effects:
// WeChat Pay's share of Taobao payments rises from exactly zero, and
// Taobao's lost sales fall.
func TestAcceptanceEffect(t *testing.T) {
	c := testConfig(100000)
	for _, e := range []Engine{AgentBased, MeanField, Counts} {
		r := mustRun(t, c, 1, &Settings{Engine: e})
		k := firstAffected(c, c.Events[0])
		before := measure(t, r, k-1, -1, "payment_share", "taobao/wechat_pay")
		after := measure(t, r, c.Steps-1, -1, "payment_share", "taobao/wechat_pay")
		if before != 0 {
			t.Errorf("%v: WeChat Pay share on Taobao before acceptance = %v, want 0", e, before)
		}
		if after < 0.2 {
			t.Errorf("%v: WeChat Pay share on Taobao at the end = %.3f, want above 0.2", e, after)
		}
		lostBefore := measure(t, r, k-1, -1, "lost_sales", "taobao")
		lostAfter := measure(t, r, c.Steps-1, -1, "lost_sales", "taobao")
		if !(lostAfter < lostBefore/2) {
			t.Errorf("%v: Taobao lost sales %.4g before, %.4g at the end: want at least halved", e, lostBefore, lostAfter)
		}
	}
}

// TestFullInteropLosesNoSale checks that when every platform accepts every
// method no sale is lost for want of an accepted method, and the only
// lost sales are those of people holding no method.
func TestFullInteropLosesNoSale(t *testing.T) {
	c := testConfig(60000)
	c.Events = nil
	for p := range c.Platforms {
		for m := range c.Platforms[p].Accepts {
			c.Platforms[p].Accepts[m] = true
		}
	}
	for _, e := range []Engine{AgentBased, MeanField, Counts} {
		r := mustRun(t, c, 5, &Settings{Engine: e})
		var none float64
		for n := range r.Steps {
			tl := r.Region(n, -1)
			for p, pl := range c.Platforms {
				if tl.Lost[p] != 0 {
					t.Fatalf("%v step %d: %s lost %v sales for want of an accepted method, want 0", e, n, pl.Name, tl.Lost[p])
				}
				none += tl.LostNoMethod[p]
			}
		}
		if none == 0 {
			t.Errorf("%v: no sale lost by people holding no method; the test scenario should have some", e)
		}
	}
}

// TestTableMatchesModel checks the tabulated outcome distribution against
// a direct simulation of docs/model.md's step, written for clarity with one
// random draw per decision, on states of every kind during a partial
// rollout. Each outcome's count over 400000 direct draws must lie within 5
// standard deviations (plus 3 draws for very rare outcomes) of its
// expectation under the table.
func TestTableMatchesModel(t *testing.T) {
	c := testConfig(1000)
	sp := spaceOf(c)
	w := worldAt(c, date("2024-09-19")) // half-way through the rollout
	if a := w.acc[0][1]; a <= 0 || a >= 1 {
		t.Fatalf("acceptance %v, want partial", a)
	}
	shares := []float64{0.8, 0.85, 0.35}
	b := newBuilder(sp, c, w, combos(w), c.Step.Years())
	seg := &c.Regions[1].Segments[0]
	b.reset(1, -1, seg.ShoppingRate, shares)
	var tb table
	b.build(&tb, func(int) bool { return true })
	rng := rand.New(rand.NewPCG(1, 2))
	const draws = 400000
	for _, s := range []int{sp.state(0, 0, 0), sp.state(0b001, 1, 1), sp.state(0b010, 2, 2), sp.state(0b011, 1, 3), sp.state(0b111, 3, 0)} {
		freq := map[[2]int]float64{}
		for range draws {
			next, e := referenceStep(sp, c, w, 1, seg, shares, s, rng)
			freq[[2]int{next, e}]++
		}
		end := len(tb.ents)
		if s+1 < sp.ns {
			end = int(tb.off[s+1])
		}
		seen := map[[2]int]bool{}
		for k := int(tb.off[s]); k < end; k++ {
			key := [2]int{int(tb.ents[k].next), int(tb.ents[k].rec)}
			p := tb.prob[k]
			seen[key] = true
			// Counts: within 5 standard deviations, plus 3 draws so that
			// outcomes rarer than one in a million are judged as Poisson
			// (P(count >= 4) < 1e-7 when the expectation is 0.03).
			got := freq[key] / draws
			sd := math.Sqrt(draws * p * (1 - p))
			if math.Abs(freq[key]-draws*p) > 5*sd+3 {
				kind, pl, m := sp.outcome(int(tb.ents[k].rec))
				t.Errorf("state %d outcome (next %d, kind %d, platform %d, method %d): direct %.6g, table %.6g", s, key[0], kind, pl, m, got, p)
			}
		}
		for key, f := range freq {
			if !seen[key] {
				t.Errorf("state %d: direct simulation drew outcome %v (%v times) that the table lacks", s, key, f)
			}
		}
	}
}

// referenceStep is docs/model.md's step for one agent, as written: it is the
// readable reference for the tabulated engine.
func referenceStep(sp space, c *Config, w *world, r int, seg *Segment, shares []float64, s int, rng *rand.Rand) (next, outcome int) {
	wal, h, l := sp.split(s)
	dt := c.Step.Years()
	beh := w.beh
	// 1. Adoption.
	for m, mt := range w.methods {
		if wal&(1<<m) == 0 {
			if rng.Float64() < 1-math.Exp(-(mt.P+w.boostP[m]+(mt.Q+w.boostQ[m])*shares[m])*dt) {
				wal |= 1 << m
			}
		} else if rng.Float64() < 1-math.Exp(-mt.Churn*dt) {
			wal &^= 1 << m
		}
	}
	// 2. Shopping.
	if rng.Float64() >= 1-math.Exp(-seg.ShoppingRate*dt) {
		return sp.state(wal, h, l), 0
	}
	// 3. Platform choice, with one acceptance draw per partial pair.
	np, nm := len(w.platforms), len(w.methods)
	acc := make([][]bool, np)
	for p := range acc {
		acc[p] = make([]bool, nm)
		for m := range acc[p] {
			a := w.acc[p][m]
			acc[p][m] = a >= 1 || (a > 0 && rng.Float64() < a)
		}
	}
	W := func(p, m int) float64 {
		u := w.methods[m].Appeal + w.platforms[p].MethodAppeal[m] + w.shift[p][m] + beh.Delta*shares[m]
		if m == h-1 {
			u += beh.Gamma
		}
		return u
	}
	V := make([]float64, np)
	for p, pl := range w.platforms {
		V[p] = pl.Appeal + pl.RegionAppeal[r]
		if l == p+1 {
			V[p] += pl.Loyalty
		}
		var z float64
		for m := range nm {
			if wal&(1<<m) != 0 && acc[p][m] {
				z += math.Exp(W(p, m))
			}
		}
		if z > 0 {
			V[p] += beh.Beta * math.Log(z)
		} else {
			V[p] -= beh.Kappa
		}
	}
	p := pick(V, rng)
	// 4. Payment choice.
	var usable, accepted []float64
	for m := range nm {
		usable = append(usable, math.Inf(-1))
		accepted = append(accepted, math.Inf(-1))
		if acc[p][m] {
			accepted[m] = W(p, m)
			if wal&(1<<m) != 0 {
				usable[m] = W(p, m)
			}
		}
	}
	lost := sp.lost(p)
	if wal == 0 {
		lost = sp.lostNone(p)
	}
	switch {
	case anyFinite(usable):
		m := pick(usable, rng)
		return sp.state(wal, m+1, p+1), sp.paid(p, m)
	case anyFinite(accepted) && rng.Float64() < beh.Psi:
		m := pick(accepted, rng)
		return sp.state(wal|1<<m, m+1, p+1), sp.signup(p, m)
	}
	return sp.state(wal, h, l), lost
}

func anyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsInf(x, -1) {
			return true
		}
	}
	return false
}

// pick draws an index with logit probabilities exp(v[i]).
func pick(v []float64, rng *rand.Rand) int {
	var z float64
	for _, x := range v {
		z += math.Exp(x)
	}
	u := rng.Float64() * z
	last := 0
	for i, x := range v {
		if math.IsInf(x, -1) {
			continue
		}
		last = i
		u -= math.Exp(x)
		if u < 0 {
			return i
		}
	}
	return last
}

// TestGuidedSearch checks the guided inverse-CDF search against a plain
// linear search over the thresholds.
func TestGuidedSearch(t *testing.T) {
	c := testConfig(1000)
	sp := spaceOf(c)
	w := worldAt(c, date("2024-09-19"))
	b := newBuilder(sp, c, w, combos(w), c.Step.Years())
	b.reset(0, -1, 100, []float64{0.9, 0.8, 0.4})
	var tb table
	b.build(&tb, func(int) bool { return true })
	rng := rand.New(rand.NewPCG(3, 4))
	for s := 0; s < sp.ns; s++ {
		end := len(tb.ents)
		if s+1 < sp.ns {
			end = int(tb.off[s+1])
		}
		var sum float64
		for k := int(tb.off[s]); k < end; k++ {
			sum += tb.prob[k]
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("state %d: probabilities sum to %v", s, sum)
		}
		for range 2000 {
			u := rng.Uint64() >> 1
			lin := int(tb.off[s])
			for u >= tb.ents[lin].thr {
				lin++
			}
			k := int(tb.guide[s][u>>(63-guideBits)])
			for u >= tb.ents[k].thr {
				k++
			}
			if k != lin {
				t.Fatalf("state %d u %d: guided %d, linear %d", s, u, k, lin)
			}
		}
	}
}

func TestMeasureCount(t *testing.T) {
	for _, c := range []*Config{testConfig(100), channelConfig(100)} {
		r := mustRun(t, c, 1, &Settings{Engine: MeanField})
		if got, want := len(r.Measures(0, -1)), MeasureCount(c); got != want {
			t.Errorf("%d channels: Measures returns %d values, MeasureCount says %d", len(c.Channels), got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"no methods", func(c *Config) { c.Methods = nil }, "0 methods"},
		{"no steps", func(c *Config) { c.Steps = 0 }, "0 steps"},
		{"zero agents", func(c *Config) { c.Regions[0].Segments[0].Agents = 0 }, "0 agents"},
		{"bad holding", func(c *Config) { c.Regions[0].Segments[0].Holdings[1] = 1.5 }, "outside [0,1]"},
		{"shares", func(c *Config) { c.Regions[1].Segments[0].Share = 0.5 }, "sum to 0.5"},
		{"event platform", func(c *Config) { c.Events[0].Platform = 9 }, "out of range"},
		{"held before launch", func(c *Config) { c.Methods[1].Launch = date("2024-03-01") }, "holds wechat_pay, which launches after start"},
		{"accepted before launch", func(c *Config) { *c = *launchConfig(1000); c.Platforms[2].Accepts[1] = true }, "pdd accepts wechat_pay, which launches after start"},
		{"regional acceptance", func(c *Config) { c.Events[0].Regions = []int{0} }, "cannot be limited to regions"},
		{"event regions", func(c *Config) { *c = *campaignConfig(1000); c.Events[0].Regions = []int{1, 0} }, "want increasing indices"},
		{"campaign rate", func(c *Config) { *c = *campaignConfig(1000); c.Events[0].Q = -1 }, "want finite and non-negative"},
		{"falling population", func(c *Config) { *c = *growthConfig(1000); c.Regions[1].Growth[1].Population = 4e8 }, "populations that do not fall"},
		{"channel acceptance", func(c *Config) { *c = *channelConfig(1000); c.Channels[0].Accepts[1] = 2 }, "acceptance 2 outside [0,1]"},
		{"channel shape", func(c *Config) { *c = *channelConfig(1000); c.Channels[1].MethodAppeal = nil }, "one entry per method"},
		{"channel event", func(c *Config) { *c = *channelConfig(1000); c.Events[0].Channel = 5 }, "channel 5, method 1 or share 0.9 out of range"},
		{"accept event before launch", func(c *Config) { *c = *launchConfig(1000); c.Events[0].Date = date("2024-03-01") }, "accept of wechat_pay before its launch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig(1000)
			tc.mutate(c)
			_, err := Run(c, 1, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestWarmup checks that a warm-up settles habits and platform loyalty
// without touching holdings: in a world where nothing else changes them
// (no adoption, churn or sign-ups), adoption at the first recorded step
// is the same with and without a warm-up (mean field, within rounding);
// and in the test world the start-up transient of lost sales, at least
// 30% above its level a month later without warm-up, is gone (within 5%).
func TestWarmup(t *testing.T) {
	still := testConfig(1000)
	for m := range still.Methods {
		still.Methods[m].P, still.Methods[m].Q, still.Methods[m].Churn = 0, 0, 0
	}
	still.Behaviour.Psi = 0
	stillWarm := *still
	stillWarm.Warmup = 26
	a0 := mustRun(t, still, 1, &Settings{Engine: MeanField})
	a1 := mustRun(t, &stillWarm, 1, &Settings{Engine: MeanField})
	for _, m := range still.Methods {
		a, b := measure(t, a0, 0, -1, "adoption", m.Name), measure(t, a1, 0, -1, "adoption", m.Name)
		if math.Abs(a-b) > 1e-12 {
			t.Errorf("adoption of %s at step 0: %v without warm-up, %v with", m.Name, a, b)
		}
	}

	c := testConfig(1000)
	cold := mustRun(t, c, 1, &Settings{Engine: MeanField})
	warm := *c
	warm.Warmup = 26
	hot := mustRun(t, &warm, 1, &Settings{Engine: MeanField})
	lost := func(r *Result, n int) float64 {
		return measure(t, r, n, -1, "lost_sales", "taobao") + measure(t, r, n, -1, "lost_sales", "jd")
	}
	if r := lost(cold, 0) / lost(cold, 4); r < 1.3 {
		t.Errorf("without warm-up, lost sales at step 0 are %.2f times those of step 4; the test expects a transient", r)
	}
	if r := lost(hot, 0) / lost(hot, 4); math.Abs(r-1) > 0.05 {
		t.Errorf("with warm-up, lost sales at step 0 are %.2f times those of step 4, want within 5%%", r)
	}
	// The agent engine gives the same result for any number of workers
	// with a warm-up too.
	a := mustRun(t, &warm, 3, &Settings{Workers: 1})
	b := mustRun(t, &warm, 3, &Settings{Workers: 4})
	if !reflect.DeepEqual(a.Steps, b.Steps) {
		t.Error("with warm-up, workers 1 and 4 differ")
	}
}
