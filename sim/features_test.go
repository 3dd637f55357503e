package sim

import (
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
