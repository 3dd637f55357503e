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

// TestStepBlock checks the agent loop against a plain linear search of
// each agent's state's thresholds with the agent's own draw: the state
// it moves to and the count of every entry, for agents spread over every
// state, one-byte (96 states) and two-byte (512 states) spaces, and a
// block that does not start at agent 0.
func TestStepBlock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     *Config
		first int
	}{
		{"one byte", testConfig(1000), 0},
		{"two bytes", incumbencyConfig(1000), 12345},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			sp := spaceOf(c)
			w := worldAt(c, date("2024-09-19")) // during a rollout
			b := newBuilder(sp, c, w, combos(w), c.Step.Years())
			b.reset(0, -1, c.Regions[0].Segments[0].ShoppingRate, make([]float64, sp.nm))
			var tb table
			b.build(&tb, func(int) bool { return true })
			const n = 50_000
			states := make([]int, n)
			for j := range states {
				states[j] = j * 7919 % sp.ns
			}
			key := streamKey(1, 2, 3)
			want := make([]uint32, len(tb.ents))
			wantNext := make([]int, n)
			for j, s := range states {
				u := draw(key, tc.first+j)
				k := int(tb.off[s])
				for u >= tb.ents[k].thr {
					k++
				}
				want[k]++
				wantNext[j] = int(tb.ents[k].next)
			}
			got := make([]uint32, len(tb.ents))
			if sp.ns <= 256 {
				st := make([]uint8, n)
				for j, s := range states {
					st[j] = uint8(s)
				}
				stepBlock(st, tc.first, key, &tb, got)
				for j := range st {
					if int(st[j]) != wantNext[j] {
						t.Fatalf("agent %d in state %d: moved to %d, want %d", j, states[j], st[j], wantNext[j])
					}
				}
			} else {
				st := make([]uint16, n)
				for j, s := range states {
					st[j] = uint16(s)
				}
				stepBlock(st, tc.first, key, &tb, got)
				for j := range st {
					if int(st[j]) != wantNext[j] {
						t.Fatalf("agent %d in state %d: moved to %d, want %d", j, states[j], st[j], wantNext[j])
					}
				}
			}
			for k := range want {
				if got[k] != want[k] {
					t.Fatalf("entry %d: counted %d, want %d", k, got[k], want[k])
				}
			}
		})
	}
}
