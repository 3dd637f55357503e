package calibrate

import (
	"os"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
)

// BenchmarkEvaluateFlagship measures one evaluation of the loss on the
// flagship with the synthetic data of docs/examples (quarterly, 2023 to
// 2025): one mean-field run of the 26-week warm-up and the 156 weeks the
// data need. A calibration costs about this times its evaluations.
//
//	go test ./calibrate -run '^$' -bench EvaluateFlagship -benchtime 10x
func BenchmarkEvaluateFlagship(b *testing.B) {
	sc, err := scenarios.Load(scenarios.Default)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("../docs/examples/taobao-wechat-pay-synthetic.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	d, err := ReadData(f, "synthetic.csv", &sc.Config)
	if err != nil {
		b.Fatal(err)
	}
	fr, err := scenarios.ParseFree(&sc.Config, "behaviour.gamma=0:3")
	if err != nil {
		b.Fatal(err)
	}
	ft := &fitter{p: &Problem{Config: &sc.Config, Free: []Free{{fr.Name, fr.Param, fr.Lo, fr.Hi}}, Data: d}}
	last := 0
	for i, p := range d.Points {
		ft.pts = append(ft.pts, i)
		last = max(last, p.Last)
	}
	ft.cfg = sc.Config.Clone()
	ft.cfg.Steps = last + 1
	b.ResetTimer()
	for range b.N {
		ft.loss([]float64{1.2})
	}
}
