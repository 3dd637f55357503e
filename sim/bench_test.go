package sim

import (
	"fmt"
	"testing"
)

// BenchmarkRun runs 10^6 agents over 52 weekly steps (the test world:
// 2 regions, 3 methods, 3 platforms, a rollout in September) and reports
// agent-steps per second and bytes of agent state per agent.
func BenchmarkRun(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			c := testConfig(1_000_000)
			sp := newSpace(len(c.Methods), len(c.Platforms))
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
