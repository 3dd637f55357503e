package plots

import (
	"os"
	"testing"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

func TestZZThrowawayRepro(t *testing.T) {
	out := os.Getenv("ZZOUT")
	if out == "" {
		t.Skip()
	}
	read := func(p string) *output.StatTable {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, err := output.ReadStats(f, p)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st, base := read("/tmp/dbgfix/metrics.csv"), read("/tmp/dbgfix/baseline.csv")
	sc, err := scenarios.Load("/tmp/dbgfix/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir string
		opt Options
	}{
		{out + "/compare", Options{Baseline: base, BaselineName: "taobao-wechat-pay-no-acceptance", DPI: 150}},
		{out + "/single", Options{DPI: 150}},
	} {
		figs, err := Figures(st, &sc.Config, "taobao-wechat-pay", c.opt)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(c.dir, 0o755)
		if _, err := Save(c.dir, figs, c.opt); err != nil {
			t.Fatal(err)
		}
		for _, f := range figs {
			t.Logf("%s %s: %.0f x %.0f pt", c.dir, f.Name, f.Width.Points(), f.Height.Points())
		}
	}
}
