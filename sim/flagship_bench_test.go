package sim_test

import (
	"fmt"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// BenchmarkRunFlagship runs the flagship scenario (taobao-wechat-pay: 640
// states, two bytes of state per agent, 8 groups, 70 outcomes per state)
// with 10^6 agents over its 26-week warm-up and 260 weeks, and reports
// agent-steps per second. It is the agent loop of
// `interopsim run --no-plots` without the output.
func BenchmarkRunFlagship(b *testing.B) {
	s, err := scenarios.Load(scenarios.Default)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SetAgents(1_000_000); err != nil {
		b.Fatal(err)
	}
	c := &s.Config
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sim.Run(c, s.Seed, &sim.Settings{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			steps := float64(c.Agents()) * float64(c.Warmup+c.Steps) * float64(b.N)
			b.ReportMetric(steps/b.Elapsed().Seconds(), "agent-steps/s")
		})
	}
}
