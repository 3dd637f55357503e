package calibrate_test

import (
	"fmt"
	"strings"

	"github.com/interopsim/interopsim/calibrate"
	"github.com/interopsim/interopsim/scenarios"
)

// Fit Alipay's imitation rate q to six years of its adoption. The data
// were made by the mean-field engine with q = 0.45, WeChat Pay's q 0.85
// and JD's appeal 0.2, plus noise of sd 0.005; the other two are set to
// those values first.
func Example() {
	sc, err := scenarios.Load("testdata/history-like.yaml")
	if err != nil {
		panic(err)
	}
	cfg := &sc.Config
	for _, set := range []struct {
		name  string
		value float64
	}{{"methods.wechat_pay.q", 0.85}, {"platforms.jd.appeal", 0.2}} {
		p, err := scenarios.ParseParam(cfg, set.name)
		if err != nil {
			panic(err)
		}
		cfg.Set(p, set.value)
	}
	data, err := calibrate.ReadData(strings.NewReader(`period,region,metric,entity,value,sd
2016,all,adoption,alipay,0.54336,0.005
2017,all,adoption,alipay,0.70447,0.005
2018,all,adoption,alipay,0.79042,0.005
2019,all,adoption,alipay,0.84528,0.005
2020,all,adoption,alipay,0.88114,0.005
2021,all,adoption,alipay,0.90140,0.005
`), "observed.csv", cfg)
	if err != nil {
		panic(err)
	}
	q, err := scenarios.ParseFree(cfg, "methods.alipay.q=0:2")
	if err != nil {
		panic(err)
	}
	res, err := calibrate.Fit(&calibrate.Problem{
		Config: cfg,
		Free:   []calibrate.Free{{Name: q.Name, Param: q.Param, Lo: q.Lo, Hi: q.Hi}},
		Data:   data,
	}, &calibrate.Settings{Starts: 2, Seed: 1})
	if err != nil {
		panic(err)
	}
	e := res.Params[0]
	fmt.Printf("%s = %.3f, 95%% interval [%.3f, %.3f], pinned down: %v\n", e.Name, e.Value, e.Lower, e.Upper, e.Pinned)
	// Output:
	// methods.alipay.q = 0.456, 95% interval [0.442, 0.470], pinned down: true
}
