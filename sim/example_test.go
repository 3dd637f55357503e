package sim_test

import (
	"fmt"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// Example runs a one-region world in which a platform that took only
// Alipay starts accepting WeChat Pay, and prints WeChat Pay's share of
// its payments before and after, from the mean-field engine.
func Example() {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	cfg := &sim.Config{
		Name: "example", Start: day("2024-01-01"), Step: sim.Month, Steps: 12,
		Regions: []sim.Region{{Name: "china", Population: 1e9, Segments: []sim.Segment{
			{Name: "all", Share: 1, Agents: 1000, ShoppingRate: 50, Basket: 150, Holdings: []float64{0.8, 0.9}},
		}}},
		Methods: []sim.Method{{Name: "alipay"}, {Name: "wechat_pay"}},
		Platforms: []sim.Platform{{
			Name: "taobao", RegionAppeal: []float64{0}, MethodAppeal: []float64{0, 0},
			Accepts: []bool{true, false},
		}},
		Behaviour: sim.Behaviour{Beta: 0.5, Kappa: 3, Psi: 0.2, Gamma: 1, Delta: 0.5},
		Events:    []sim.Event{{Kind: sim.Accept, Date: day("2024-07-01"), Platform: 0, Method: 1}},
	}
	res, err := sim.Run(cfg, 1, &sim.Settings{Engine: sim.MeanField})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range []int{5, 11} {
		for _, m := range res.Measures(n, -1) {
			if m.Metric == "payment_share" && m.Entity == "taobao/wechat_pay" {
				fmt.Printf("%s: %.3f\n", cfg.Date(n).Format("2006-01"), m.Value)
			}
		}
	}
	// Output:
	// 2024-06: 0.000
	// 2024-12: 0.465
}
