package sim

import (
	"math"
	"reflect"
	"testing"
)

// launchConfig is the test world in which WeChat Pay launches on
// 2024-04-01 (nobody holds it before) and JD accepts it from its launch.
func launchConfig(agents int) *Config {
	c := testConfig(agents)
	c.Methods[1].Launch = date("2024-04-01")
	for r := range c.Regions {
		c.Regions[r].Segments[0].Holdings[1] = 0
	}
	c.Platforms[1].Accepts[1] = false
	c.Platforms[2].Accepts[1] = false
	c.Events = append([]Event{{Kind: Accept, Date: date("2024-04-01"), Platform: 1, Method: 1}}, c.Events...)
	return c
}

// TestLaunch checks, in both engines, that nobody holds or pays with a
// method before its launch, and that it is adopted and used after it.
func TestLaunch(t *testing.T) {
	c := launchConfig(20000)
	k := firstAffected(c, Event{Date: c.Methods[1].Launch})
	for _, e := range []Engine{AgentBased, MeanField} {
		r := mustRun(t, c, 1, &Settings{Engine: e})
		for n := 0; n < k; n++ {
			tl := r.Region(n, -1)
			if tl.Holders[1] != 0 {
				t.Fatalf("%v step %d, before the launch: %v people hold WeChat Pay, want 0", e, n, tl.Holders[1])
			}
			for p := range c.Platforms {
				if tl.Transactions[p][1] != 0 || tl.Signups[p][1] != 0 {
					t.Fatalf("%v step %d, before the launch: WeChat Pay used on %s", e, n, c.Platforms[p].Name)
				}
			}
		}
		if a := measure(t, r, k+8, -1, "adoption", "wechat_pay"); !(a > 0.01) {
			t.Errorf("%v: WeChat Pay adoption 8 steps after the launch %.4f, want above 0.01", e, a)
		}
		if s := measure(t, r, k+8, -1, "payment_share", "jd/wechat_pay"); !(s > 0) {
			t.Errorf("%v: WeChat Pay share of JD 8 steps after the launch %v, want positive", e, s)
		}
	}
}

// TestLaunchConvergesToMeanField: with a launch, the agent engine stays
// within 5 standard errors of the mean field (as TestAgentsConvergeToMeanField).
func TestLaunchConvergesToMeanField(t *testing.T) {
	worst := agreeWithMeanField(t, launchConfig(200000), 11, 5)
	t.Logf("largest deviation: %.2f standard errors", worst)
}

// campaignConfig is the test world with an adoption campaign for cards
// (method 2) in the rural region only, for nine weeks from 2024-03-04.
func campaignConfig(agents int) *Config {
	c := testConfig(agents)
	c.Events = append([]Event{{Kind: Campaign, Date: date("2024-03-04"), Until: date("2024-05-06"), Method: 2, P: 0.5, Q: 3, Regions: []int{1}}}, c.Events...)
	return c
}

// TestCampaign checks that a campaign raises adoption only in its regions
// and period: its world carries the extra rates in the rural region from
// its first day to its last, and nowhere else or at other times; in both
// engines the city (common random numbers) is bit for bit the world
// without the campaign, the rural region is too before it, and rural card
// adoption at its end exceeds the world without it by at least 5 points,
// a gap that grows at least ten times more slowly afterwards.
func TestCampaign(t *testing.T) {
	c := campaignConfig(40000)
	for _, d := range []struct {
		day   string
		boost bool
	}{{"2024-03-03", false}, {"2024-03-04", true}, {"2024-05-05", true}, {"2024-05-06", false}} {
		w := worldAt(c, date(d.day))
		rural, city := w.in(1), w.in(0)
		if got := rural.boostQ[2] == 3 && rural.boostP[2] == 0.5; got != d.boost {
			t.Errorf("%s: rural campaign boost %v/%v, want active %v", d.day, rural.boostP[2], rural.boostQ[2], d.boost)
		}
		if city.boostP[2] != 0 || city.boostQ[2] != 0 || w.boostQ[2] != 0 {
			t.Errorf("%s: the campaign reaches the city", d.day)
		}
	}
	base := testConfig(40000)
	start, end := firstAffected(c, c.Events[0]), firstAffected(c, Event{Date: c.Events[0].Until})
	for _, e := range []Engine{AgentBased, MeanField} {
		a := mustRun(t, c, 2, &Settings{Engine: e})
		b := mustRun(t, base, 2, &Settings{Engine: e})
		for n := range c.Steps {
			if !reflect.DeepEqual(a.Steps[n].Regions[0], b.Steps[n].Regions[0]) {
				t.Fatalf("%v step %d: the city differs from the world without the campaign", e, n)
			}
			if n < start && !reflect.DeepEqual(a.Steps[n].Regions[1], b.Steps[n].Regions[1]) {
				t.Fatalf("%v step %d, before the campaign: the rural region differs", e, n)
			}
		}
		gap := func(n int) float64 {
			return measure(t, a, n, 1, "adoption", "card") - measure(t, b, n, 1, "adoption", "card")
		}
		during := gap(end-1) - gap(start-1)
		after := gap(end-1+(end-start)) - gap(end-1)
		if during < 0.05 || after > during/10 {
			t.Errorf("%v: rural card adoption gap grows by %.4f during the campaign and %.4f in as many steps after; want at least 0.05 and at most a tenth of it", e, during, after)
		}
	}
}

// TestRegionalEvents checks promotions and parameter changes limited to a
// region: the other region is bit for bit the world without them, in both
// engines, and the region itself is not.
func TestRegionalEvents(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
	}{
		{"promotion", Event{Kind: Promotion, Date: date("2024-03-04"), Until: date("2024-06-03"), Platform: -1, Method: 2, Shift: 1, Regions: []int{1}}},
		{"set", Event{Kind: SetParam, Date: date("2024-03-04"), Param: Param{Kind: MethodAppeal, Index: 2}, Value: 0.5, Regions: []int{1}}},
		{"set behaviour", Event{Kind: SetParam, Date: date("2024-03-04"), Param: Param{Kind: BehaviourKappa}, Value: 0.5, Regions: []int{0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := testConfig(20000)
			c := testConfig(20000)
			c.Events = append([]Event{tc.ev}, c.Events...)
			in := tc.ev.Regions[0]
			for _, e := range []Engine{AgentBased, MeanField} {
				a := mustRun(t, c, 4, &Settings{Engine: e})
				b := mustRun(t, base, 4, &Settings{Engine: e})
				last := c.Steps - 1
				if !reflect.DeepEqual(a.Steps[last].Regions[1-in], b.Steps[last].Regions[1-in]) {
					t.Errorf("%v: region %d, outside the event, differs from the world without it", e, 1-in)
				}
				if reflect.DeepEqual(a.Steps[last].Regions[in], b.Steps[last].Regions[in]) {
					t.Errorf("%v: region %d, the event's, is unchanged", e, in)
				}
			}
		})
	}
}

// TestCampaignConvergesToMeanField: with a regional campaign, the agent
// engine stays within 5 standard errors of the mean field.
func TestCampaignConvergesToMeanField(t *testing.T) {
	worst := agreeWithMeanField(t, campaignConfig(200000), 12, 5)
	t.Logf("largest deviation: %.2f standard errors", worst)
}

// growthConfig is the test world in which the rural region grows from
// 300 to 450 million people by 2024-07-01 and towards 600 million by
// 2025-01-01, after the horizon.
func growthConfig(agents int) *Config {
	c := testConfig(agents)
	c.Regions[1].Growth = []Census{{date("2024-07-01"), 4.5e8}, {date("2025-01-01"), 6e8}}
	return c
}

// TestGrowth checks that the population grows as specified, in both
// engines: the mean field's population is Config.PopulationAt on every
// step's first day (to rounding), the agent engine's within half an
// agent's weight; the city does not grow; and newcomers hold nothing: in
// a world without adoption, churn or sign-ups the number of holders stays
// what it was at the start while the population grows.
func TestGrowth(t *testing.T) {
	c := growthConfig(20000)
	if got, want := c.PeakPopulation(1), c.PopulationAt(1, date("2024-12-23")); got != want || !(want > 4.5e8 && want < 6e8) {
		t.Fatalf("peak population %v, want %v, between 450 and 600 million", got, want)
	}
	still := growthConfig(20000)
	for m := range still.Methods {
		still.Methods[m].P, still.Methods[m].Q, still.Methods[m].Churn = 0, 0, 0
	}
	still.Behaviour.Psi = 0
	for _, e := range []Engine{AgentBased, MeanField} {
		r := mustRun(t, c, 3, &Settings{Engine: e})
		s := mustRun(t, still, 3, &Settings{Engine: e})
		weight := c.PeakPopulation(1) / float64(c.Regions[1].Segments[0].Agents)
		tol := map[Engine]float64{AgentBased: weight / 2, MeanField: 1e-6 * c.PeakPopulation(1)}[e]
		for n := range c.Steps {
			want := c.PopulationAt(1, c.Date(n))
			if got := r.Steps[n].Regions[1].Population; math.Abs(got-want) > tol {
				t.Fatalf("%v step %d: rural population %.6g, want %.6g within %.3g", e, n, got, want, tol)
			}
			if got := r.Steps[n].Regions[0].Population; math.Abs(got-4e8) > 1e-6*4e8 {
				t.Fatalf("%v step %d: city population %.6g, want 4e8", e, n, got)
			}
			for m := range c.Methods {
				h0, h := s.Steps[0].Regions[1].Holders[m], s.Steps[n].Regions[1].Holders[m]
				if math.Abs(h-h0) > 1e-9*h0 {
					t.Fatalf("%v step %d: without adoption, %v rural people hold %s, %v at the start", e, n, h, c.Methods[m].Name, h0)
				}
			}
		}
		if got := r.Steps[c.Steps-1].Regions[1].Population; !(got > 4.5e8) {
			t.Errorf("%v: rural population at the end %.4g, want above 4.5e8", e, got)
		}
	}
}

// TestGrowthConvergesToMeanField: with a growing region, the agent engine
// stays within 5 standard errors of the mean field.
func TestGrowthConvergesToMeanField(t *testing.T) {
	worst := agreeWithMeanField(t, growthConfig(200000), 13, 5)
	t.Logf("largest deviation: %.2f standard errors", worst)
}

// TestGrowthWorkersIdentical checks that with a growing population, whose
// online agents end inside blocks, the number of workers changes no bit.
func TestGrowthWorkersIdentical(t *testing.T) {
	c := growthConfig(100003)
	c.Warmup = 4
	want := mustRun(t, c, 7, &Settings{Workers: 1})
	got := mustRun(t, c, 7, &Settings{Workers: 3})
	if !reflect.DeepEqual(got.Steps, want.Steps) {
		t.Error("workers 3: result differs from workers 1")
	}
}

// channelConfig is the test world with two channels: offline merchants
// accepting Alipay at 60% and WeChat Pay at 20% of payments at the start,
// WeChat Pay rising to 90% over 26 weeks from 2024-03-04, and
// person-to-person transfers, where a method is accepted when the payee
// holds it.
func channelConfig(agents int) *Config {
	c := testConfig(agents)
	c.Channels = []Channel{
		{Name: "offline", Rate: 200, Value: 40, Accepts: []float64{0.6, 0.2, 0}, MethodAppeal: []float64{0, 0.3, 0}},
		{Name: "p2p", Rate: 50, Value: 300, Peer: true, Accepts: []float64{0, 0, 0}, MethodAppeal: []float64{-0.5, 0.5, -2}},
	}
	c.Events = append([]Event{{Kind: ChannelAcceptance, Date: date("2024-03-04"), Channel: 0, Method: 1, Share: 0.9, RolloutDays: 182}}, c.Events...)
	return c
}

// TestChannelChoice checks a channel's tabulated choice against the
// formula for a holder of two methods accepted independently with
// probabilities a1 and a2: P(1) = a1(1-a2) + a1 a2 e1/(e1+e2), with
// e_m = exp(W_m); in a peer channel a method's acceptance is its
// regional holding share.
func TestChannelChoice(t *testing.T) {
	c := channelConfig(1000)
	sp := spaceOf(c)
	w := worldAt(c, date("2024-06-03")) // 91 of the rollout's 182 days
	if got, want := w.chAcc[0][1], 0.2+(0.9-0.2)*91.0/182; math.Abs(got-want) > 1e-12 {
		t.Fatalf("offline acceptance of WeChat Pay half-way through its rollout: %v, want %v", got, want)
	}
	shares := []float64{0.8, 0.7, 0.3}
	ch := newChannelChoice(sp, w, -1, shares, c.Step.Years())
	for _, tc := range []struct {
		name   string
		c      int
		a1, a2 float64
	}{{"offline", 0, w.chAcc[0][0], w.chAcc[0][1]}, {"p2p", 1, shares[0], shares[1]}} {
		n := c.Channels[tc.c].Rate * c.Step.Years()
		W := func(m int) float64 {
			return w.methods[m].Appeal + c.Channels[tc.c].MethodAppeal[m] + w.beh.Delta*shares[m]
		}
		e1, e2 := math.Exp(W(0)), math.Exp(W(1))
		want := []float64{
			n * (tc.a1*(1-tc.a2) + tc.a1*tc.a2*e1/(e1+e2)),
			n * (tc.a2*(1-tc.a1) + tc.a1*tc.a2*e2/(e1+e2)),
			0,
		}
		pay, none := ch.of(tc.c, 0b011)
		for m := range want {
			if math.Abs(pay[m]-want[m]) > 1e-12*n {
				t.Errorf("%s: payments with method %d %v, want %v", tc.name, m, pay[m], want[m])
			}
		}
		if wantNone := n * (1 - tc.a1) * (1 - tc.a2); math.Abs(none-wantNone) > 1e-12*n {
			t.Errorf("%s: payments with no method %v, want %v", tc.name, none, wantNone)
		}
		if pay, none := ch.of(tc.c, 0); pay[0] != 0 || pay[1] != 0 || none != n {
			t.Errorf("%s: a holder of nothing pays %v with methods and %v without, want 0 and %v", tc.name, pay, none, n)
		}
	}
}

// TestChannels checks, in both engines, that channels change nothing at
// e-commerce checkout (every stock and flow of the test world without
// them, bit for bit), and that their value shows up in value_share: at
// every step and in every region, a method's value_share is its
// e-commerce and channel value over all value, and the channels raise
// WeChat Pay's share of all value over its share at checkout.
func TestChannels(t *testing.T) {
	c := channelConfig(20000)
	base := testConfig(20000)
	for _, e := range []Engine{AgentBased, MeanField} {
		r := mustRun(t, c, 5, &Settings{Engine: e})
		b := mustRun(t, base, 5, &Settings{Engine: e})
		for n := range c.Steps {
			for i := range c.Regions {
				got, want := r.Steps[n].Regions[i], b.Steps[n].Regions[i]
				got.ChannelTx, got.ChannelValue, got.ChannelNone = nil, nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%v step %d region %d: the channels change e-commerce", e, n, i)
				}
			}
			tl := r.Region(n, -1)
			var all float64
			by := make([]float64, len(c.Methods))
			for m := range c.Methods {
				for p := range c.Platforms {
					by[m] += tl.Value[p][m]
				}
				for ch := range c.Channels {
					by[m] += tl.ChannelValue[ch][m]
				}
				all += by[m]
			}
			for m, mt := range c.Methods {
				if got := measure(t, r, n, -1, "value_share", mt.Name); math.Abs(got-by[m]/all) > 1e-12 {
					t.Fatalf("%v step %d: value_share of %s %v, want %v", e, n, mt.Name, got, by[m]/all)
				}
			}
		}
		last := c.Steps - 1
		with, without := measure(t, r, last, -1, "value_share", "wechat_pay"), measure(t, b, last, -1, "value_share", "wechat_pay")
		if !(with > without+0.05) {
			t.Errorf("%v: WeChat Pay's value share %.3f with channels, %.3f without; want at least 5 points more", e, with, without)
		}
		if u := measure(t, r, last, -1, "channel_unserved", "offline"); !(u > 0) {
			t.Errorf("%v: no offline payment made by other means; the test world should have some", e)
		}
	}
}

// TestChannelsConvergeToMeanField checks that every channel payment share
// of the agent engine lies within 5 standard errors of the mean field,
// region by region and step by step. A channel's payments are expected
// values given each agent's wallets, so the sampling unit is the agent:
// a share p over n agents has standard error at most sqrt(p(1-p)/n), the
// largest variance of a per-agent fraction in [0,1] with mean p.
func TestChannelsConvergeToMeanField(t *testing.T) {
	c := channelConfig(200000)
	worst := agreeWithMeanField(t, c, 14, 5)
	ab := mustRun(t, c, 14, nil)
	mf := mustRun(t, c, 14, &Settings{Engine: MeanField})
	for n := range c.Steps {
		for i, reg := range c.Regions {
			ta, tm := ab.Region(n, i), mf.Region(n, i)
			agents := float64(reg.Segments[0].Agents)
			for ch, chn := range c.Channels {
				var sa, sm float64
				for m := range c.Methods {
					sa += ta.ChannelTx[ch][m]
					sm += tm.ChannelTx[ch][m]
				}
				for m, mt := range c.Methods {
					got, want := ta.ChannelTx[ch][m]/sa, tm.ChannelTx[ch][m]/sm
					se := math.Max(math.Sqrt(want*(1-want)/agents), 1/agents)
					d := math.Abs(got-want) / se
					worst = math.Max(worst, d)
					if d > 5 {
						t.Errorf("step %d region %s: %s share of %s: agents %.5f, mean field %.5f (%.1f standard errors)", n, reg.Name, mt.Name, chn.Name, got, want, d)
					}
				}
			}
		}
	}
	t.Logf("largest deviation: %.2f standard errors", worst)
}
