package sim

import (
	"fmt"
	"slices"
	"testing"
)

// BenchmarkRun runs 10^6 agents over 52 weekly steps (the test world:
// 2 regions, 3 methods, 3 platforms, a rollout in September) and reports
// agent-steps per second and bytes of agent state per agent.
func BenchmarkRun(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			c := testConfig(1_000_000)
			sp := spaceOf(c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(c, 1, &Settings{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			steps := float64(c.Agents()) * float64(c.Steps) * float64(b.N)
			b.ReportMetric(steps/b.Elapsed().Seconds(), "agent-steps/s")
			b.ReportMetric(float64(stateBytes(sp)), "state-bytes/agent")
		})
	}
}

// BenchmarkMeanField runs the mean-field engine on the same world.
func BenchmarkMeanField(b *testing.B) {
	c := testConfig(1_000_000)
	for b.Loop() {
		if _, err := Run(c, 1, &Settings{Engine: MeanField}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunHistoryFeatures runs the test world of BenchmarkRun on one
// worker with every feature a history needs: WeChat Pay launching on
// 2024-04-01, a regional adoption campaign, the rural region growing by
// half, and two channels (offline merchants and person-to-person
// transfers). Agent-steps count the agents online.
func BenchmarkRunHistoryFeatures(b *testing.B) {
	c := launchConfig(1_000_000)
	c.Events = append(c.Events, campaignConfig(2).Events[0])
	slices.SortStableFunc(c.Events, func(x, y Event) int { return x.Date.Compare(y.Date) })
	c.Regions[1].Growth = growthConfig(2).Regions[1].Growth
	ch := channelConfig(2)
	c.Channels = ch.Channels
	c.Channels[0].Accepts[1] = 0
	c.Events = append(c.Events, Event{Kind: ChannelAcceptance, Date: date("2024-04-01"), Channel: 0, Method: 1, Share: 0.9, RolloutDays: 182})
	slices.SortStableFunc(c.Events, func(x, y Event) int { return x.Date.Compare(y.Date) })
	b.ReportAllocs()
	var online float64
	for b.Loop() {
		r, err := Run(c, 1, &Settings{Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		online = 0
		for n := range r.Steps {
			for i, reg := range c.Regions {
				online += r.Steps[n].Regions[i].Population / (c.PeakPopulation(i) / float64(reg.Segments[0].Agents))
			}
		}
	}
	b.ReportMetric(online*float64(b.N)/b.Elapsed().Seconds(), "agent-steps/s")
}

// BenchmarkRunIncumbency runs the world of BenchmarkRun with every
// incumbency mechanism on (incumbencyConfig: Taobao's own checkout
// memory, three preference classes, joint wallets) on two workers: the
// cost of the mechanisms is its ratio to BenchmarkRun/workers=2.
func BenchmarkRunIncumbency(b *testing.B) {
	c := incumbencyConfig(1_000_000)
	sp := spaceOf(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(c, 1, &Settings{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Agents())*float64(c.Steps)*float64(b.N)/b.Elapsed().Seconds(), "agent-steps/s")
	b.ReportMetric(float64(stateBytes(sp)), "state-bytes/agent")
}

// BenchmarkMeanFieldIncumbency runs the mean-field engine on the world of
// BenchmarkRunIncumbency.
func BenchmarkMeanFieldIncumbency(b *testing.B) {
	c := incumbencyConfig(1_000_000)
	for b.Loop() {
		if _, err := Run(c, 1, &Settings{Engine: MeanField}); err != nil {
			b.Fatal(err)
		}
	}
}
