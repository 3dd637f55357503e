package sim

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// incumbencyConfig is the test world with every incumbency mechanism on:
// Taobao's checkout has its own memory (switch cost 1.5, against a habit
// of 1 elsewhere), three preference classes with region-specific shares,
// and wallets held jointly: half the people hold their methods
// comonotonically (one uniform for all), half independently.
func incumbencyConfig(agents int) *Config {
	c := testConfig(agents)
	c.Platforms[0].OwnMemory = true
	c.Behaviour.SwitchCost = 1.5
	c.Classes = []Class{
		{Name: "alipay_first", Appeal: []float64{1, 0, 0}},
		{Name: "wechat_first", Appeal: []float64{0, 1.2, 0}},
		{Name: "indifferent", Appeal: []float64{0, 0, 0}},
	}
	shares := [][]float64{{0.4, 0.2, 0.4}, {0.2, 0.5, 0.3}}
	for r := range c.Regions {
		seg := &c.Regions[r].Segments[0]
		seg.ClassShares = shares[r]
		seg.Wallets = mixedWallets(seg.Holdings, 0.5)
	}
	return c
}

// mixedWallets returns the wallet-set distribution with marginals h in
// which a share rho of people hold comonotonically (method m iff u <
// h[m] for one uniform u) and the others independently.
func mixedWallets(h []float64, rho float64) []float64 {
	nw := 1 << len(h)
	out := make([]float64, nw)
	for w := range out {
		ind := 1.0
		for m, x := range h {
			if w&(1<<m) != 0 {
				ind *= x
			} else {
				ind *= 1 - x
			}
		}
		out[w] = (1 - rho) * ind
	}
	// Comonotone: sort thresholds; between consecutive ones, the set of
	// methods with h above u is held.
	prev := 0.0
	for {
		next := 1.0
		for _, x := range h {
			if x > prev && x < next {
				next = x
			}
		}
		w := 0
		for m, x := range h {
			if x > prev {
				w |= 1 << m
			}
		}
		out[w] += rho * (next - prev)
		if next >= 1 {
			break
		}
		prev = next
	}
	return out
}

func TestMixedWalletsMarginals(t *testing.T) {
	h := []float64{0.9, 0.8, 0.4}
	w := mixedWallets(h, 0.5)
	var sum float64
	marg := make([]float64, 3)
	for set, x := range w {
		sum += x
		for m := range marg {
			if set&(1<<m) != 0 {
				marg[m] += x
			}
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("sum %v", sum)
	}
	for m := range h {
		if math.Abs(marg[m]-h[m]) > 1e-12 {
			t.Fatalf("marginal %d: %v, want %v", m, marg[m], h[m])
		}
	}
	// Both wallets: 0.5*min + 0.5*product.
	both := w[3] + w[7]
	if want := 0.5*0.8 + 0.5*0.9*0.8; math.Abs(both-want) > 1e-12 {
		t.Fatalf("both wallets %v, want %v", both, want)
	}
}

// TestIncumbencyConvergesToMeanField checks the agent engine against the
// mean field with every incumbency mechanism on, as
// TestAgentsConvergeToMeanField does without them (5 standard errors at
// every step, region and share).
func TestIncumbencyConvergesToMeanField(t *testing.T) {
	worst := agreeWithMeanField(t, incumbencyConfig(400000), 7, 5)
	t.Logf("largest deviation: %.2f standard errors", worst)
}

// TestIncumbencyWorkersIdentical checks that the mechanisms keep results
// independent of the number of workers, and the state in two bytes.
func TestIncumbencyWorkersIdentical(t *testing.T) {
	c := incumbencyConfig(60000)
	one := mustRun(t, c, 3, &Settings{Workers: 1})
	two := mustRun(t, c, 3, &Settings{Workers: 2})
	if !reflect.DeepEqual(one.Steps, two.Steps) {
		t.Fatal("one worker and two differ")
	}
	if sp := spaceOf(c); sp.ns != 8*16*4 || stateBytes(sp) != 2 {
		t.Fatalf("states %d (%d bytes), want 512 in 2 bytes", sp.ns, stateBytes(sp))
	}
}

// TestSwitchOff checks that the model reduces to the original one when
// the mechanisms are present but have nothing to do: one class of
// everyone with no shifts, a switch cost with no checkout of its own
// (both engines bit for bit), and wallets given jointly as the product of
// the holdings (the mean field, to rounding).
func TestSwitchOff(t *testing.T) {
	base := testConfig(20000)
	off := testConfig(20000)
	off.Behaviour.SwitchCost = 2.5
	off.Classes = []Class{{Name: "everyone", Appeal: []float64{0, 0, 0}}}
	for r := range off.Regions {
		off.Regions[r].Segments[0].ClassShares = []float64{1}
	}
	for _, e := range []Engine{AgentBased, MeanField} {
		a := mustRun(t, base, 5, &Settings{Engine: e})
		b := mustRun(t, off, 5, &Settings{Engine: e})
		if !reflect.DeepEqual(a.Steps, b.Steps) {
			t.Fatalf("%v: one class without shifts and an unused switch cost change the results", e)
		}
	}
	joint := testConfig(20000)
	for r := range joint.Regions {
		seg := &joint.Regions[r].Segments[0]
		seg.Wallets = mixedWallets(seg.Holdings, 0)
	}
	sameResults(t, mustRun(t, base, 5, &Settings{Engine: MeanField}), mustRun(t, joint, 5, &Settings{Engine: MeanField}), 1e-9)
}

// sameResults checks that every measure of a and b agrees within tol
// relative (absolute below 1): the same results up to rounding.
func sameResults(t *testing.T, a, b *Result, tol float64) {
	t.Helper()
	for n := range a.Steps {
		for i := range a.Config.Regions {
			ma, mb := a.Measures(n, i), b.Measures(n, i)
			for k := range ma {
				if d := math.Abs(ma[k].Value - mb[k].Value); d > tol*math.Max(1, math.Abs(ma[k].Value)) {
					t.Fatalf("step %d region %d %s %s: %v against %v", n, i, ma[k].Metric, ma[k].Entity, ma[k].Value, mb[k].Value)
				}
			}
		}
	}
}

// TestOwnMemory checks the checkout memories against the model: at a
// checkout with its own memory the remembered method earns the switch
// cost and the shared habit earns nothing; elsewhere the habit earns
// gamma; and a purchase sets only the memory of its platform.
func TestOwnMemory(t *testing.T) {
	c := incumbencyConfig(1000)
	sp := spaceOf(c)
	if sp.slots != 2 || sp.slot[0] != 1 || sp.slot[1] != 0 || sp.slot[2] != 0 {
		t.Fatalf("slots %d %v, want Taobao in slot 1 and the others sharing slot 0", sp.slots, sp.slot)
	}
	const alipay, wechat, card = 0, 1, 2
	// Taobao remembers Alipay; the shared habit is WeChat Pay.
	mc := (wechat + 1) + sp.nh*(alipay+1)
	if sp.remembered(mc, 0) != alipay || sp.remembered(mc, 1) != wechat || sp.remembered(mc, 2) != wechat {
		t.Fatalf("memory code %d: remembered %d %d %d", mc, sp.remembered(mc, 0), sp.remembered(mc, 1), sp.remembered(mc, 2))
	}
	if got := sp.paidWith(mc, 1, card); sp.remembered(got, 0) != alipay || sp.remembered(got, 1) != card {
		t.Fatal("paying by card on JD changed Taobao's memory")
	}
	if got := sp.paidWith(mc, 0, wechat); sp.remembered(got, 0) != wechat || sp.remembered(got, 2) != wechat {
		t.Fatal("paying with WeChat Pay on Taobao did not set Taobao's memory alone")
	}
	// After the rollout Taobao takes all three methods: one combination.
	w := worldAt(c, date("2024-10-07"))
	cs := combos(w)
	if len(cs) != 1 {
		t.Fatalf("%d acceptance combinations after the rollout", len(cs))
	}
	shares := []float64{0.9, 0.8, 0.4}
	b := newBuilder(sp, c, w, cs, c.Step.Years())
	const class = 1 // WeChat-first
	b.reset(0, class, 100, shares)
	es, ps, _ := b.purchase(7, mc, 0)
	pur := make([]float64, sp.ne)
	for i, e := range es {
		pur[e] = ps[i]
	}
	beh := c.Behaviour
	util := func(p, m int) float64 {
		return c.Methods[m].Appeal + c.Classes[class].Appeal[m] + c.Platforms[p].MethodAppeal[m] + beh.Delta*shares[m]
	}
	for _, tc := range []struct {
		p     int
		bonus [3]float64
	}{
		{0, [3]float64{beh.SwitchCost, 0, 0}}, // Taobao: its memory, Alipay
		{2, [3]float64{0, beh.Gamma, 0}},      // Pinduoduo: the habit, WeChat Pay
	} {
		var z, tot float64
		for m := range 3 {
			z += math.Exp(util(tc.p, m) + tc.bonus[m])
			tot += pur[sp.paid(tc.p, m)]
		}
		for m := range 3 {
			want := math.Exp(util(tc.p, m)+tc.bonus[m]) / z
			if got := pur[sp.paid(tc.p, m)] / tot; math.Abs(got-want) > 1e-12 {
				t.Errorf("platform %d method %d: share %v, want %v", tc.p, m, got, want)
			}
		}
	}
}

func TestClassAgents(t *testing.T) {
	for _, tc := range []struct {
		n      int
		shares []float64
		want   []int
	}{
		{10, []float64{0.3, 0.3, 0.4}, []int{3, 3, 4}},
		{10, []float64{0.25, 0.25, 0.5}, []int{3, 2, 5}}, // ties to the earlier class
		{3, []float64{0.98, 0.01, 0.01}, []int{1, 1, 1}}, // every class gets one
		{5, []float64{0, 1}, []int{0, 5}},
		{7, []float64{1}, []int{7}},
	} {
		got := classAgents(tc.n, tc.shares)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("classAgents(%d, %v) = %v, want %v", tc.n, tc.shares, got, tc.want)
		}
	}
}

// TestJointWallets checks the initial wallet sets: exactly the
// distribution in the mean field, and within 5 standard errors of it
// for each set among 10^6 agents.
func TestJointWallets(t *testing.T) {
	c := incumbencyConfig(2_000_000)
	c.Steps = 1
	sp := spaceOf(c)
	groups := groupsOf(c)
	a := newAgents(c, sp, groups, 9, 0, 2).(*agents[uint16])
	f := newMeanField(c, sp, groups, 1).(*meanField)
	for g, gr := range groups {
		seg := gr.seg
		n := float64(gr.agents)
		pop := c.Regions[gr.region].Population * gr.share
		for w, p := range seg.Wallets {
			s := sp.state(w, 0, 0)
			if got := f.masses[g][s]; math.Abs(got-pop*p) > 1e-6*pop {
				t.Errorf("group %d wallets %03b: mean field %v, want %v", g, w, got, pop*p)
			}
			got := float64(a.counts[g][s]) / n
			se := math.Sqrt(p*(1-p)/n) + 1/n
			if math.Abs(got-p) > 5*se {
				t.Errorf("group %d wallets %03b: agents %.5f, want %.5f (se %.5f)", g, w, got, p, se)
			}
		}
	}
}

// TestValidateMechanisms checks the engine's guard on the new fields.
func TestValidateMechanisms(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"class shares without classes", func(c *Config) { c.Regions[0].Segments[0].ClassShares = []float64{1} }, "class shares without classes"},
		{"class shares sum", func(c *Config) { c.Regions[0].Segments[0].ClassShares = []float64{0.5, 0.2, 0.2} }, "class shares sum to"},
		{"wallets sum", func(c *Config) { c.Regions[0].Segments[0].Wallets[0] += 0.1 }, "wallet-set shares sum"},
		{"wallets marginals", func(c *Config) { c.Regions[0].Segments[0].Holdings[0] = 0.5 }, "holdings say 0.5"},
		{"class appeal length", func(c *Config) { c.Classes[0].Appeal = []float64{1} }, "1 appeal shifts for 3 methods"},
		{"too few agents", func(c *Config) { c.Regions[0].Segments[0].Agents = 2 }, "2 agents for 3 classes"},
	} {
		c := incumbencyConfig(1000)
		if tc.name == "class shares without classes" {
			c = testConfig(1000)
		}
		tc.edit(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestUnusedMemoryElided checks that a memory whose utility is zero
// throughout is left out of the state, and that leaving it out changes
// nothing: with gamma 0 the world gives the same results, bit for bit,
// as the same world keeping the habit (forced by a set event of gamma to
// 0 after the horizon), in both engines.
func TestUnusedMemoryElided(t *testing.T) {
	c := incumbencyConfig(20000)
	c.Behaviour.Gamma = 0
	kept := incumbencyConfig(20000)
	kept.Behaviour.Gamma = 0
	kept.Events = append(kept.Events, Event{Kind: SetParam, Date: date("2026-01-01"), Param: Param{Kind: BehaviourGamma}})
	if a, b := spaceOf(c), spaceOf(kept); a.nc != 4 || b.nc != 16 {
		t.Fatalf("memory codes %d and %d, want 4 (Taobao's alone) and 16", a.nc, b.nc)
	}
	for _, e := range []Engine{AgentBased, MeanField} {
		a := mustRun(t, c, 5, &Settings{Engine: e})
		b := mustRun(t, kept, 5, &Settings{Engine: e})
		sameResults(t, a, b, 1e-9)
	}
}

// TestEachMechanismConvergesToMeanField checks each incumbency mechanism
// on its own against the mean field, as TestIncumbencyConvergesToMeanField
// checks them together (5 standard errors at every step, region and
// share, 200,000 agents).
func TestEachMechanismConvergesToMeanField(t *testing.T) {
	for _, tc := range []struct {
		name string
		only func(c, full *Config)
	}{
		{"checkout memory", func(c, full *Config) {
			c.Platforms[0].OwnMemory, c.Behaviour.SwitchCost = true, full.Behaviour.SwitchCost
		}},
		{"preference classes", func(c, full *Config) {
			c.Classes = full.Classes
			for r := range c.Regions {
				c.Regions[r].Segments[0].ClassShares = full.Regions[r].Segments[0].ClassShares
			}
		}},
		{"joint wallets", func(c, full *Config) {
			for r := range c.Regions {
				c.Regions[r].Segments[0].Wallets = full.Regions[r].Segments[0].Wallets
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig(200000)
			tc.only(c, incumbencyConfig(200000))
			worst := agreeWithMeanField(t, c, 13, 5)
			t.Logf("largest deviation: %.2f standard errors", worst)
		})
	}
}
