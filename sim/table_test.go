package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAfterTable checks the look-up table behind space.after against
// the computation it replaces, for every wallet set, memory code, last
// platform and outcome of spaces with and without own memories.
func TestAfterTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nm, np int
		own    []bool
		shared bool
	}{
		{"habit", 3, 3, nil, true},
		{"no memory", 2, 4, nil, false},
		{"own and shared", 3, 4, []bool{true, false, true, false}, true},
		{"own only", 3, 2, []bool{true, true}, false},
	} {
		sp := newSpace(tc.nm, tc.np, tc.own, tc.shared, true)
		for w := range sp.nw {
			for mc := range sp.nc {
				for l := range sp.nl {
					for e := range sp.ne {
						if got, want := sp.after(w, mc, l, e), sp.afterSlow(w, mc, l, e); got != want {
							t.Fatalf("%s: after(%d, %d, %d, %d) = %d, want %d", tc.name, w, mc, l, e, got, want)
						}
					}
				}
			}
		}
	}
}

// TestFlowRow checks the mean field's flowRow against the purchase
// distributions the agents draw from: for every row of states of the
// incumbency world and of the test world during the rollout of its
// opening (partial acceptance), with random people in each state, the
// people of each outcome and those reaching each state agree to 1e-9
// relative.
func TestFlowRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []*Config{incumbencyConfig(1000), testConfig(1000)} {
		sp := spaceOf(c)
		w := worldAt(c, date("2024-09-19"))
		b := newBuilder(sp, c, w, combos(w), c.Step.Years())
		class := 0
		if c.Classes == nil {
			class = -1
		}
		b.reset(0, class, 100, []float64{0.9, 0.8, 0.4})
		x := make([]float64, sp.nl)
		for mc := range sp.nc {
			for wl := range sp.nw {
				for l := range x {
					x[l] = rng.Float64() * 1e6
				}
				// flowRow against purchase: the people of each outcome and
				// next state.
				next, flow := make([]float64, sp.ns), make([]float64, sp.ne)
				b.flowRow(wl, mc, x, next, flow)
				wantNext, wantFlow := make([]float64, sp.ns), make([]float64, sp.ne)
				for l, xl := range x {
					es, ps, ns := b.purchase(wl, mc, l)
					for i, p := range ps {
						wantNext[ns[i]] += xl * p
						wantFlow[es[i]] += xl * p
					}
				}
				for _, pair := range [][2][]float64{{next, wantNext}, {flow, wantFlow}} {
					for i := range pair[0] {
						if d := math.Abs(pair[0][i] - pair[1][i]); d > 1e-9*math.Max(1, math.Abs(pair[1][i])) {
							t.Fatalf("%s row (%03b, %d) entry %d: flowRow %v, purchase %v", c.Name, wl, mc, i, pair[0][i], pair[1][i])
						}
					}
				}
			}
		}
	}
}
