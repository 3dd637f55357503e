package scenarios_test

import (
	"errors"
	"fmt"

	"github.com/interopsim/interopsim/scenarios"
)

func ExampleParse() {
	src := []byte(`
name: two-wallets
start: 2024-01-01
duration: 1y
agents: 1000
methods:
  - name: alipay
    label: Alipay
  - name: wechat_pay
    label: WeChat Pay
platforms:
  - name: taobao
    accepts: [alipay]
regions:
  - name: city
    population: 2e6
    shopping_rate: 80
    basket: 150
    holdings: {alipay: 0.9, wechat_pay: 0.8}
  - name: village
    population: 5e5
    shopping_rate: 40
    basket: 90
    holdings: {alipay: 0.5, wechat_pay: 0.8}
events:
  - date: 2024-06-03
    type: accept
    platform: taobao
    method: wechat_pay
    rollout: 2w
`)
	s, err := scenarios.Parse(src, "two-wallets.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := s.Config
	fmt.Println(c.Name, c.Steps, "weekly steps from", c.Start.Format("2006-01-02"))
	for _, r := range c.Regions {
		fmt.Printf("%s: %d agents\n", r.Name, r.Segments[0].Agents)
	}
	e := c.Events[0]
	fmt.Printf("%s: %q over %d days\n", e.Date.Format("2006-01-02"), e.Label, e.RolloutDays)

	// Mistakes come back all at once, each located in the file and each
	// a *FieldError.
	_, err = scenarios.Parse([]byte("name: Bad Name\nstart: 2024-13-01\nend: 2025-01-01\nmethods: []\nplatforms: []\nregions: []\n"), "bad.yaml")
	fmt.Println(err)
	var fe *scenarios.FieldError
	if errors.As(err, &fe) {
		fmt.Printf("first at line %d, column %d, field %s\n", fe.Line, fe.Column, fe.Field)
	}
	// Output:
	// two-wallets 53 weekly steps from 2024-01-01
	// city: 800 agents
	// village: 200 agents
	// 2024-06-03: "taobao accepts WeChat Pay" over 14 days
	// bad.yaml:1:7: name: must be an identifier: lowercase letters, digits, _ and -, starting with a letter or digit, at most 64 characters (like tier_1 or wechat-pay), got "Bad Name"
	// bad.yaml:2:8: start: must be a date YYYY-MM-DD, got "2024-13-01"
	// bad.yaml:4:10: methods: must list at least one payment method
	// bad.yaml:5:12: platforms: must list at least one platform
	// bad.yaml:6:10: regions: must list at least one region
	// first at line 1, column 7, field name
}
