package plots

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

func zzLoad(t *testing.T, name string) *output.StatTable {
	f, err := os.Open("/tmp/dbgfix/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := output.ReadStats(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestZZThrowaway(t *testing.T) {
	sc, err := scenarios.Load("/tmp/dbgfix/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(figs []Figure, dir string) {
		os.MkdirAll(dir, 0o755)
		files, err := Render(figs, Options{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644)
			fmt.Println(dir, f.Name)
		}
	}
	st := zzLoad(t, "effects.csv")
	figs, err := EffectFigures(st, &sc.Config, "a minus b", Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(figs, "/tmp/dbgfix/effects")
	if os.Getenv("ZZALL") == "" {
		return
	}
	ms, bs := zzLoad(t, "metrics.csv"), zzLoad(t, "baseline.csv")
	figs, err = Figures(ms, &sc.Config, sc.Config.Name, Options{Baseline: bs, BaselineName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	write(figs, "/tmp/dbgfix/compare")
}
