package output

import (
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/interopsim/interopsim/internal/golden"
	"github.com/interopsim/interopsim/sim"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// checkGolden compares got with testdata/<name>, or rewrites the file
// with -update. A mismatch reports the first differing line.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got, *update, "go test ./output -update")
}

func date(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// smallConfig is a hand-made world: two regions, two methods, two
// platforms, three weekly steps, and an acceptance event on the third.
// Its names include the characters that CSV must quote.
func smallConfig() *sim.Config {
	seg := func(agents int) []sim.Segment {
		return []sim.Segment{{Share: 1, Agents: agents, ShoppingRate: 50, Basket: 100, Holdings: []float64{0.5, 0.5}}}
	}
	return &sim.Config{
		Name:  "small",
		Start: date("2024-01-01"),
		Step:  sim.Week,
		Steps: 3,
		Regions: []sim.Region{
			{Name: "tier1", Population: 1000, Segments: seg(10)},
			{Name: "rural,west", Population: 3000, Segments: seg(30)},
		},
		Methods: []sim.Method{{Name: "alipay"}, {Name: "wechat+pay"}},
		Platforms: []sim.Platform{
			{Name: "taobao", Accepts: []bool{true, false}},
			{Name: "jd", Accepts: []bool{false, true}},
		},
		Events: []sim.Event{
			{Kind: sim.Promotion, Date: date("2024-01-01"), Platform: -1, Method: 1, Until: date("2024-01-08"), Shift: 0.5},
			{Kind: sim.Accept, Date: date("2024-01-10"), Platform: 0, Method: 1, RolloutDays: 7},
		},
	}
}

// smallResult is a result of smallConfig with hand-written tallies: the
// second region buys nothing in the second step (so its shares are NaN).
func smallResult() *sim.Result {
	cfg := smallConfig()
	res := &sim.Result{Config: cfg, Engine: sim.AgentBased, Seed: 42}
	for n := 0; n < cfg.Steps; n++ {
		var tally sim.Tally
		for r, reg := range cfg.Regions {
			f := float64(n + 1)
			rt := sim.RegionTally{
				Population:   reg.Population,
				Holders:      []float64{0.6 * reg.Population, (0.3 + 0.1*f) * reg.Population},
				Only:         []float64{0.4 * reg.Population, 0.2 * reg.Population},
				MultiHomers:  0.2 * reg.Population * f / 3,
				Transactions: [][]float64{{100 * f, 10 * (f - 1)}, {5, 50}},
				Value:        [][]float64{{1e4 * f, 1000 * (f - 1)}, {512.5, 1234567.891}},
				Lost:         []float64{7 / f, 0},
				LostNoMethod: []float64{1, 0.5},
				Signups:      [][]float64{{0, 1}, {2, 0}},
			}
			if r == 1 && n == 1 {
				rt.Transactions = [][]float64{{0, 0}, {0, 0}}
				rt.Value = [][]float64{{0, 0}, {0, 0}}
				rt.Lost = []float64{0, 0}
				rt.LostNoMethod = []float64{0, 0}
			}
			tally.Regions = append(tally.Regions, rt)
		}
		res.Steps = append(res.Steps, tally)
	}
	return res
}
