package scenarios

import (
	"math"
	"reflect"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

// TestIncumbencyScenario checks how testdata/valid/incumbency.yaml reads:
// memories, the switch cost, classes with default and regional shares,
// wallets raked to holdings (marginals met, odds ratios of the given
// distribution kept), wallets taken as given, and holdings alone.
func TestIncumbencyScenario(t *testing.T) {
	s, err := Load("testdata/valid/incumbency.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := &s.Config
	if !c.Platforms[0].OwnMemory || c.Platforms[1].OwnMemory {
		t.Errorf("memories %v %v, want own and shared", c.Platforms[0].OwnMemory, c.Platforms[1].OwnMemory)
	}
	if c.Behaviour.Gamma != 0.5 || c.Behaviour.SwitchCost != 2 {
		t.Errorf("gamma %v switch cost %v, want 0.5 and 2", c.Behaviour.Gamma, c.Behaviour.SwitchCost)
	}
	if len(c.Classes) != 3 || c.Classes[0].Label != "Alipay first" || !reflect.DeepEqual(c.Classes[1].Appeal, []float64{0, 1, 0}) {
		t.Errorf("classes %+v", c.Classes)
	}
	city, young, old := c.Regions[0].Segments[0], c.Regions[1].Segments[0], c.Regions[1].Segments[1]
	if !reflect.DeepEqual(city.ClassShares, []float64{0.3, 0.3, 0.4}) || !reflect.DeepEqual(old.ClassShares, []float64{0.1, 0.6, 0.3}) {
		t.Errorf("class shares %v and %v", city.ClassShares, old.ClassShares)
	}
	for m, want := range []float64{0.9, 0.8, 0.4} {
		if math.Abs(city.Holdings[m]-want) > 1e-9 || math.Abs(marginals(city.Wallets, 3)[m]-want) > 1e-9 {
			t.Errorf("city holds method %d at %v, want %v", m, city.Holdings[m], want)
		}
	}
	// Raking keeps the odds ratio of alipay and wechat_pay among those
	// without a card: ref 0.4*0.05/(0.1*0.05) = 4 (sets ab, none, a, b).
	ref := func(w []float64) float64 { return w[3] * w[0] / (w[1] * w[2]) }
	if got := ref(city.Wallets); math.Abs(got-4) > 1e-6 {
		t.Errorf("raked odds ratio %v, want 4 as given", got)
	}
	if want := []float64{0.1, 0, 0.4, 0.5, 0, 0, 0, 0}; !reflect.DeepEqual(young.Wallets, want) || !reflect.DeepEqual(young.Holdings, []float64{0.5, 0.9, 0}) {
		t.Errorf("young wallets %v holdings %v, want %v as given", young.Wallets, young.Holdings, want)
	}
	if old.Wallets != nil {
		t.Errorf("old holds independently, got wallets %v", old.Wallets)
	}
	if e := c.Events[0]; e.Param != (sim.Param{Kind: sim.ClassAppeal, Index: 1*3 + 1}) || e.Label != "wechat_first wechat_pay appeal = 1.5" {
		t.Errorf("class appeal event %+v", e)
	}
	if _, err := sim.Run(c, 1, &sim.Settings{Engine: sim.MeanField}); err != nil {
		t.Fatal(err)
	}
}

func TestRake(t *testing.T) {
	names := []string{"a", "b"}
	got, err := rake([]float64{0.25, 0.25, 0.25, 0.25}, []float64{0.9, 0.2}, names)
	if err != nil {
		t.Fatal(err)
	}
	// An independent reference stays independent.
	want := []float64{0.1 * 0.8, 0.9 * 0.8, 0.1 * 0.2, 0.9 * 0.2}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("rake = %v, want %v", got, want)
		}
	}
	if _, err := rake([]float64{0.5, 0.5, 0, 0}, []float64{0.5, 0.3}, names); err == nil {
		t.Fatal("raking to a method no set holds succeeded")
	}
	// Sets {a} and {b} only: a and b cannot both be held by 60%.
	if _, err := rake([]float64{0, 0.5, 0.5, 0}, []float64{0.6, 0.6}, names); err == nil {
		t.Fatal("raking to infeasible marginals succeeded")
	}
}
