package design

import (
	"math"
	"slices"
	"sort"
	"testing"
)

func TestSobolFirstPoints(t *testing.T) {
	// The unscrambled sequence of Joe and Kuo's numbers in three
	// dimensions, as scipy.stats.qmc.Sobol(3, scramble=False) gives it.
	want := [][]float64{
		{0, 0, 0}, {0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, {0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375},
	}
	s, err := NewSobol(3)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := s.Next(); !slices.Equal(got, w) {
			t.Errorf("point %d: got %v, want %v", i, got, w)
		}
	}
}

// TestSobolStratified checks the defining property of a (t,s)-sequence in
// base 2 for each dimension alone: the first 2^m points put exactly one
// point in each interval [i/2^m, (i+1)/2^m).
func TestSobolStratified(t *testing.T) {
	s, err := NewSobol(MaxSobolDim)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1024
	pts := make([][]float64, n)
	for i := range pts {
		pts[i] = s.Next()
	}
	for d := range MaxSobolDim {
		seen := make([]bool, n)
		for _, p := range pts {
			cell := int(p[d] * n)
			if seen[cell] {
				t.Fatalf("dimension %d: two of the first %d points in cell %d", d+1, n, cell)
			}
			seen[cell] = true
		}
	}
	if _, err := NewSobol(MaxSobolDim + 1); err == nil {
		t.Errorf("NewSobol(%d) succeeded", MaxSobolDim+1)
	}
}

func TestGrid(t *testing.T) {
	p, err := New(Design{Kind: Grid, Factors: []Factor{
		{Name: "a", Lo: 0, Hi: 1, Levels: 3},
		{Name: "b", Values: []float64{10, 20}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 10}, {0, 20}, {0.5, 10}, {0.5, 20}, {1, 10}, {1, 20}}
	if p.Len() != len(want) {
		t.Fatalf("got %d points, want %d", p.Len(), len(want))
	}
	for i, w := range want {
		if !slices.Equal(p.X[i], w) {
			t.Errorf("point %d: got %v, want %v", i, p.X[i], w)
		}
	}
}

func TestLHSStrata(t *testing.T) {
	const n = 50
	d := Design{Kind: LHS, Points: n, Seed: 3, Factors: []Factor{{Name: "a", Lo: -1, Hi: 1}, {Name: "b", Lo: 0, Hi: 10}}}
	p, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 2 {
		var cells []int
		for _, u := range p.Unit {
			cells = append(cells, int(u[j]*n))
		}
		sort.Ints(cells)
		for i, c := range cells {
			if c != i {
				t.Fatalf("factor %d: strata %v, want one point in each of 0..%d", j, cells, n-1)
			}
		}
	}
	q, _ := New(d)
	for i := range p.X {
		if !slices.Equal(p.X[i], q.X[i]) {
			t.Fatal("the same design gave two plans")
		}
	}
}

func TestSaltelliLayout(t *testing.T) {
	const n, k = 8, 3
	p, err := New(Design{Kind: Saltelli, Points: n, Factors: []Factor{{Name: "a", Lo: 0, Hi: 1}, {Name: "b", Lo: 0, Hi: 1}, {Name: "c", Lo: 0, Hi: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != n*(k+2) {
		t.Fatalf("got %d points, want %d", p.Len(), n*(k+2))
	}
	for j := range n {
		a, b := p.Unit[j*(k+2)], p.Unit[j*(k+2)+k+1]
		for i := range k {
			ab := p.Unit[j*(k+2)+1+i]
			for c := range k {
				want := a[c]
				if c == i {
					want = b[c]
				}
				if ab[c] != want {
					t.Fatalf("row %d, AB_%d: got %v, want A %v with factor %d of B %v", j, i, ab, a, i, b)
				}
			}
		}
	}
}

func TestMorrisTrajectories(t *testing.T) {
	const r, k, levels = 10, 4, 4
	delta := float64(levels) / (2 * (levels - 1))
	fs := []Factor{{Name: "a", Lo: 0, Hi: 1}, {Name: "b", Lo: 0, Hi: 2}, {Name: "c", Lo: -1, Hi: 1}, {Name: "d", Lo: 5, Hi: 6}}
	p, err := New(Design{Kind: Morris, Points: r, Seed: 5, Factors: fs})
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != r*(k+1) {
		t.Fatalf("got %d points, want %d", p.Len(), r*(k+1))
	}
	for tr := range r {
		moved := map[int]bool{}
		for s := range k {
			a, b := p.Unit[tr*(k+1)+s], p.Unit[tr*(k+1)+s+1]
			changed := -1
			for j := range k {
				if a[j] != b[j] {
					if changed >= 0 {
						t.Fatalf("trajectory %d step %d moves two factors", tr, s)
					}
					changed = j
				}
				if b[j] < 0 || b[j] > 1 {
					t.Fatalf("trajectory %d leaves the unit cube: %v", tr, b)
				}
			}
			if changed < 0 || math.Abs(math.Abs(b[changed]-a[changed])-delta) > 1e-12 || moved[changed] {
				t.Fatalf("trajectory %d step %d: %v to %v, want one new factor moved by %g", tr, s, a, b, delta)
			}
			moved[changed] = true
		}
	}
}

func TestDesignErrors(t *testing.T) {
	f := []Factor{{Name: "a", Lo: 0, Hi: 1}}
	for _, tc := range []struct {
		name string
		d    Design
	}{
		{"no factor", Design{Kind: LHS, Points: 4}},
		{"no points", Design{Kind: LHS, Factors: f}},
		{"bad range", Design{Kind: LHS, Points: 4, Factors: []Factor{{Name: "a", Lo: 1, Hi: 1}}}},
		{"grid without levels", Design{Kind: Grid, Factors: f}},
		{"list outside grid", Design{Kind: LHS, Points: 4, Factors: []Factor{{Name: "a", Values: []float64{1, 2}}}}},
		{"twice", Design{Kind: LHS, Points: 4, Factors: []Factor{f[0], f[0]}}},
		{"odd morris levels", Design{Kind: Morris, Points: 4, MorrisLevels: 3, Factors: f}},
		{"too many saltelli factors", Design{Kind: Saltelli, Points: 4, Factors: make([]Factor, MaxSaltelliFactors+1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.d); err == nil {
				t.Error("got no error")
			}
		})
	}
}
