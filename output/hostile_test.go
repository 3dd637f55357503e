package output

import (
	"math"
	"testing"
)

// Identical replicates give their value as every percentile, exactly:
// interpolating between them used to miss by a unit in the last place,
// putting p05 above p95 (issue 12, item 11).
func TestStatRowIdentical(t *testing.T) {
	for _, v := range []float64{0.8040489875, 0.1, 1e-300, 7e29, -3.3} {
		for _, n := range []int{2, 3, 5, 20} {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = v
			}
			s := statRow(Row{}, vals)
			if s.P05 != v || s.P50 != v || s.P95 != v || s.Mean != v {
				t.Errorf("%d replicates of %v: mean %v, p05 %v, p50 %v, p95 %v; want %v each", n, v, s.Mean, s.P05, s.P50, s.P95, v)
			}
		}
	}
}

func TestDisordered(t *testing.T) {
	for _, tc := range []struct {
		a, b float64
		want bool
	}{
		{0.8040489875, 0.8040489874999999, false},
		{0.5000000001, 0.5, false}, // the last of 10 digits
		{0.50001, 0.5, true},
		{0.5, 0.6, false},
		{math.NaN(), 0.5, false},
		{0, -1e-300, true}, // relative: no rounding makes 0 of -1e-300
		{1, -1, true},
	} {
		if got := Disordered(tc.a, tc.b); got != tc.want {
			t.Errorf("Disordered(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
