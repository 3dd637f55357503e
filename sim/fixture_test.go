package sim

import "time"

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// testConfig is a small version of the flagship: two regions, three
// methods, three platforms; Taobao accepts WeChat Pay on 2024-09-12 over
// 14 days. agents is the total, split evenly between the regions.
func testConfig(agents int) *Config {
	seg := func(h ...float64) []Segment {
		return []Segment{{Name: "all", Share: 1, Agents: agents / 2, ShoppingRate: 100, Basket: 150, Holdings: h}}
	}
	return &Config{
		Name:  "test",
		Start: date("2024-01-01"),
		Step:  Week,
		Steps: 52,
		Regions: []Region{
			{Name: "city", Population: 4e8, Segments: seg(0.9, 0.8, 0.4)},
			{Name: "rural", Population: 3e8, Segments: seg(0.6, 0.85, 0.3)},
		},
		Methods: []Method{
			{Name: "alipay", Appeal: 0.2, P: 0.05, Q: 0.3, Churn: 0.02},
			{Name: "wechat_pay", Appeal: 0, P: 0.05, Q: 0.4, Churn: 0.02},
			{Name: "card", Appeal: -0.5, P: 0.01, Q: 0.05, Churn: 0.05},
		},
		Platforms: []Platform{
			{Name: "taobao", Appeal: 0.5, RegionAppeal: []float64{0, -0.2}, MethodAppeal: []float64{0.3, 0, 0}, Loyalty: 0.8, Accepts: []bool{true, false, true}},
			{Name: "jd", Appeal: 0, RegionAppeal: []float64{0, -0.3}, MethodAppeal: []float64{0, 0, 0}, Loyalty: 0.8, Accepts: []bool{false, true, true}},
			{Name: "pdd", Appeal: 0.2, RegionAppeal: []float64{0, 0.3}, MethodAppeal: []float64{0, 0, 0}, Loyalty: 0.8, Accepts: []bool{true, true, true}},
		},
		Behaviour: Behaviour{Beta: 0.6, Kappa: 2, Psi: 0.2, Gamma: 1, Delta: 0.5},
		Events: []Event{
			{Kind: Accept, Date: date("2024-09-12"), Platform: 0, Method: 1, RolloutDays: 14, Label: "Taobao accepts WeChat Pay"},
		},
	}
}
