package sim

import "testing"

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
