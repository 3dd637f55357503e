package scenarios

import (
	"strings"
	"testing"

	"github.com/interopsim/interopsim/design"
)

func TestSweepSection(t *testing.T) {
	src, err := Template(Default)
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, []byte(`
sweep:
  design: saltelli
  points: 16
  runs: 3
  parameters:
    - {param: behaviour.gamma, lo: 0.5, hi: 2}
    - {param: methods.wechat_pay.appeal, values: [0, 0.3, 0.6]}
`)...)
	// A values list is for a grid only.
	if _, err := Parse(src, "s.yaml"); err == nil || !strings.Contains(err.Error(), "a list of values is for the grid design") {
		t.Fatalf("got %v, want the values list refused for a saltelli design", err)
	}
	src = []byte(strings.Replace(string(src), "values: [0, 0.3, 0.6]", "lo: 0, hi: 0.6", 1))
	sc, err := Parse(src, "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sw := sc.Sweep
	if sw == nil || sw.Design != design.Saltelli || sw.Points != 16 || sw.Runs != 3 || len(sw.Params) != 2 || sw.Params[1].Param.Index != 1 {
		t.Fatalf("got sweep %+v", sw)
	}
	n, err := sw.Plan(sc.Seed).Size()
	if err != nil || n != 16*4 {
		t.Errorf("plan size: got %d, %v; want 64", n, err)
	}
	// Marshal writes it back; parsing that gives the same section.
	out, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out, "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Sweep.Plan(1).Describe(), sw.Plan(1).Describe(); got != want {
		t.Errorf("round trip: got %s, want %s", got, want)
	}
}
