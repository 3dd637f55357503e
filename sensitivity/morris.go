package sensitivity

import (
	"fmt"
	"math"
)

// Effect holds the elementary effects of one factor.
type Effect struct {
	// MuStar is the mean of the absolute elementary effects, Mu their
	// mean and Sigma their standard deviation (NaN with one trajectory).
	MuStar, Mu, Sigma float64
	// N is the number of elementary effects.
	N int
}

// Morris returns the elementary effects of the k factors of a Morris
// design from its points in the unit cube, unit (design.Plan.Unit), and
// the outputs there, y: trajectories of k+1 points, each point moving
// one factor from the one before. It is an error when the lengths do
// not fit, an output is not finite, or a step of a trajectory moves no
// factor or several.
func Morris(unit [][]float64, y []float64, k int) ([]Effect, error) {
	if k < 1 {
		return nil, fmt.Errorf("morris: %d factors, want at least 1", k)
	}
	if len(y) != len(unit) || len(y) == 0 || len(y)%(k+1) != 0 {
		return nil, fmt.Errorf("morris: %d outputs at %d points, want the same positive multiple of k+1 = %d", len(y), len(unit), k+1)
	}
	ee := make([][]float64, k)
	for t := 0; t < len(y); t += k + 1 {
		for s := t; s < t+k; s++ {
			a, b := unit[s], unit[s+1]
			if len(a) != k || len(b) != k {
				return nil, fmt.Errorf("morris: point %d has %d coordinates, want %d", s, len(a), k)
			}
			moved := -1
			for j := range k {
				if a[j] != b[j] {
					if moved >= 0 {
						return nil, fmt.Errorf("morris: points %d and %d differ in two factors, want one: not a Morris trajectory", s, s+1)
					}
					moved = j
				}
			}
			if moved < 0 {
				return nil, fmt.Errorf("morris: points %d and %d are the same: not a Morris trajectory", s, s+1)
			}
			for _, v := range []float64{y[s], y[s+1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("morris: the output at point %d or %d is %v, want a finite number", s, s+1, v)
				}
			}
			ee[moved] = append(ee[moved], (y[s+1]-y[s])/(b[moved]-a[moved]))
		}
	}
	out := make([]Effect, k)
	for j, es := range ee {
		var sum, abs float64
		for _, e := range es {
			sum += e
			abs += math.Abs(e)
		}
		n := float64(len(es))
		e := Effect{N: len(es), Mu: sum / n, MuStar: abs / n, Sigma: math.NaN()}
		if len(es) > 1 {
			var ss float64
			for _, x := range es {
				ss += (x - e.Mu) * (x - e.Mu)
			}
			e.Sigma = math.Sqrt(ss / (n - 1))
		}
		out[j] = e
	}
	return out, nil
}
