package plots

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// testConfig is a small world: 2 regions, 3 methods, 2 platforms and one
// event, Taobao/Tmall accepting WeChat Pay, weekly for three years.
func testConfig() *sim.Config {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return &sim.Config{
		Name:  "test",
		Start: day(2023, time.January, 2),
		Step:  sim.Week,
		Steps: 156,
		Regions: []sim.Region{
			{Name: "east", Label: "Coastal cities", Population: 6e8},
			{Name: "west", Label: "Inland and rural", Population: 5e8},
		},
		Methods: []sim.Method{
			{Name: "alipay", Label: "Alipay", Color: "#0072B2"},
			{Name: "wechat_pay", Label: "WeChat Pay"}, // palette: vermillion
			{Name: "card", Label: "Bank card"},        // palette: bluish green
		},
		Platforms: []sim.Platform{
			{Name: "taobao_tmall", Label: "Taobao/Tmall", Accepts: []bool{true, false, true}},
			{Name: "jd", Label: "JD", Accepts: []bool{false, true, true}},
		},
		Events: []sim.Event{{
			Kind: sim.Accept, Date: day(2024, time.September, 12),
			Label: "Taobao/Tmall accepts WeChat Pay", Platform: 0, Method: 1,
		}},
	}
}

// busyConfig is testConfig with six regions and six events: two on the same date, a promotion with a duration, one with
// none, a parameter change and a platform that stops accepting a method.
// Every figure must stay readable with this much on it.
func busyConfig() *sim.Config {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cfg := testConfig()
	cfg.Name = "busy"
	cfg.Regions = []sim.Region{
		{Name: "tier1", Label: "Tier-1 cities", Population: 0.8e8},
		{Name: "tier2", Label: "Tier-2 cities", Population: 4e8},
		{Name: "lower", Label: "Third-tier and below", Population: 3e8},
		{Name: "rural", Label: "Rural", Population: 3e8},
		{Name: "west", Label: "Western provinces", Population: 1.2e8},
		{Name: "hkmo", Label: "Hong Kong and Macau", Population: 0.1e8},
	}
	cfg.Events = []sim.Event{
		{Kind: sim.Promotion, Date: day(2024, time.March, 1), Until: day(2024, time.June, 1), Platform: 1, Method: 1, Shift: 0.4},
		{Kind: sim.Accept, Date: day(2024, time.September, 12), Label: "Taobao/Tmall accepts WeChat Pay", Platform: 0, Method: 1},
		{Kind: sim.Accept, Date: day(2024, time.September, 12), Label: "JD accepts Alipay", Platform: 1, Method: 0},
		{Kind: sim.SetParam, Date: day(2025, time.January, 6), Label: "WeChat Pay q = 0.4"},
		{Kind: sim.StopAccepting, Date: day(2025, time.June, 2), Platform: 1, Method: 2},
		{Kind: sim.Promotion, Date: day(2025, time.November, 11), Until: day(2025, time.November, 25), Platform: -1, Method: 0, Shift: 0.3,
			Label: "Singles' Day Alipay promotion"},
	}
	return cfg
}

// logistic rises from 0 to 1 around step mid over about width steps.
func logistic(n, mid, width float64) float64 { return 1 / (1 + math.Exp(-(n-mid)/width*4)) }

// testResult fabricates smooth tallies shaped like the story: WeChat Pay
// gains on Taobao/Tmall after the event, lost sales and sign-ups fall. Run
// r > 0 adds a few percent of deterministic noise and moves the response
// to the event earlier or later. JD has no purchases in
// the west for steps 20-23, so its payment shares there are NaN.
func testResult(cfg *sim.Config, run int) *sim.Result { return testResultOf(cfg, run, true) }

// testResultOf is testResult, or with opens false its counterfactual:
// Taobao/Tmall never accepts WeChat Pay, so nothing moves after the event.
// The noise is the same in both (common random numbers), so paired
// differences are exactly 0 before the event.
func testResultOf(cfg *sim.Config, run int, opens bool) *sim.Result {
	rng := rand.New(rand.NewPCG(uint64(run), 7))
	noise := func() float64 {
		if run == 0 {
			return 1
		}
		return 1 + 0.06*(rng.Float64()-0.5)
	}
	event := 88.0 // the step of 2024-09-12
	res := &sim.Result{Config: cfg, Run: run}
	for n := range cfg.Steps {
		fn := float64(n)
		// 0 before the event, 1 a year later; runs differ in how soon
		// (by up to 10 weeks), so that their band widens after the event.
		shift := []float64{0, -10, 6, -4, 10, 2}[run%6]
		after := logistic(fn, event+12+shift, 20)
		if !opens {
			after = 0
		}
		var tally sim.Tally
		for i, rg := range cfg.Regions {
			pop := rg.Population
			west := float64(i) / float64(max(len(cfg.Regions)-1, 1)) // 0 in the first region, 1 in the last
			hold := []float64{
				(0.82 - 0.25*west + 0.05*fn/156) * noise(),
				(0.90 + 0.03*after + 0.02*west) * noise(),
				(0.35 - 0.12*west + 0.04*fn/156) * noise(),
			}
			for m := range hold {
				hold[m] = math.Min(hold[m], 0.99)
			}
			only := make([]float64, 3)
			none := 1.0
			for m := range hold {
				none *= 1 - hold[m]
				only[m] = hold[m]
				for k := range hold {
					if k != m {
						only[m] *= 1 - hold[k]
					}
				}
			}
			multi := 1 - none - only[0] - only[1] - only[2]
			t := sim.RegionTally{
				Population:  pop,
				Holders:     []float64{hold[0] * pop, hold[1] * pop, hold[2] * pop},
				Only:        []float64{only[0] * pop, only[1] * pop, only[2] * pop},
				MultiHomers: multi * pop,
			}
			shop := pop * 0.9 * noise()
			tb := (0.62 - 0.12*west + 0.06*after*(1+west)) * noise()
			wx := 0.3 * after * (1 + 0.4*west) * noise()
			tx := [][]float64{
				{shop * tb * (0.88 - wx), shop * tb * wx, shop * tb * 0.12},
				{shop * (1 - tb) * 0.15, shop * (1 - tb) * 0.75, shop * (1 - tb) * 0.10},
			}
			if i == 1 && n >= 20 && n < 24 {
				tx[1] = []float64{0, 0, 0}
			}
			basket := 120 - 40*west
			val := make([][]float64, 2)
			for p := range tx {
				val[p] = make([]float64, 3)
				for m := range tx[p] {
					val[p][m] = tx[p][m] * basket * (1 + 0.1*float64(m))
				}
			}
			lost := []float64{
				pop * (0.03 + 0.02*west) * (1 - 0.9*after) * noise(),
				pop * 0.008 * noise(),
			}
			signups := [][]float64{
				{pop * 0.006 * (1 - 0.8*after) * noise(), 0, pop * 0.001},
				{0, pop * 0.002 * noise(), 0},
			}
			t.Transactions, t.Value, t.Lost, t.Signups = tx, val, lost, signups
			t.LostNoMethod = []float64{pop * 0.001, pop * 0.001}
			tally.Regions = append(tally.Regions, t)
		}
		res.Steps = append(res.Steps, tally)
	}
	return res
}

// testTable returns the table of runs 0..runs-1.
func testTable(cfg *sim.Config, runs int) *output.Table {
	t := &output.Table{}
	for r := range runs {
		t.Rows = append(t.Rows, output.FromResult(testResult(cfg, r)).Rows...)
	}
	return t
}

// summarize is output.Summarize, failing the test on error.
func summarize(t testing.TB, tab *output.Table) *output.StatTable {
	t.Helper()
	st, err := output.Summarize(tab)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// testStats returns the StatTable of runs 0..runs-1.
func testStats(t testing.TB, cfg *sim.Config, runs int) *output.StatTable {
	t.Helper()
	return summarize(t, testTable(cfg, runs))
}

// testEffects returns the StatTable of the paired differences, run by
// run, of runs 0..runs-1 of the scenario minus its counterfactual.
func testEffects(t testing.TB, cfg *sim.Config, runs int) *output.StatTable {
	t.Helper()
	d := &output.Table{}
	for r := range runs {
		a := output.FromResult(testResultOf(cfg, r, true))
		b := output.FromResult(testResultOf(cfg, r, false))
		for i := range a.Rows {
			row := a.Rows[i]
			row.Value -= b.Rows[i].Value
			d.Rows = append(d.Rows, row)
		}
	}
	return summarize(t, d)
}
