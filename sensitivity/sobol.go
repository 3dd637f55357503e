package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Index holds the Sobol indices of one factor with their intervals.
type Index struct {
	// S1 is the first-order index and S1Lo, S1Hi its interval.
	S1, S1Lo, S1Hi float64
	// ST is the total index and STLo, STHi its interval.
	ST, STLo, STHi float64
}

// Options tunes the bootstrap. A nil *Options means the defaults.
type Options struct {
	// Resamples is the number of bootstrap resamples; 0 means 1000.
	Resamples int
	// Level is the confidence level of the intervals; 0 means 0.95.
	Level float64
	// Seed seeds the resampling's random stream.
	Seed uint64
}

func (o *Options) resamples() int {
	if o == nil || o.Resamples == 0 {
		return 1000
	}
	return o.Resamples
}

func (o *Options) level() float64 {
	if o == nil || o.Level == 0 {
		return 0.95
	}
	return o.Level
}

func (o *Options) seed() uint64 {
	if o == nil {
		return 0
	}
	return o.Seed
}

// Sobol returns the first-order and total indices of the k factors of a
// Saltelli sample whose outputs, in the order of design.Saltelli (per
// base row: A, AB_1 ... AB_k, B), are y. It is an error when len(y) is
// not a multiple of k+2, when a value is not finite, or when the output
// does not vary (every index would be 0/0).
func Sobol(y []float64, k int, opt *Options) ([]Index, error) {
	if k < 1 {
		return nil, fmt.Errorf("sobol: %d factors, want at least 1", k)
	}
	if len(y) == 0 || len(y)%(k+2) != 0 {
		return nil, fmt.Errorf("sobol: %d outputs, want a positive multiple of k+2 = %d", len(y), k+2)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sobol: output %d is %v, want a finite number", i, v)
		}
	}
	n := len(y) / (k + 2)
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	s1, st, ok := estimate(y, k, rows)
	if !ok {
		return nil, errors.New("sobol: the output is the same at every point, so no factor explains any of its variance")
	}
	out := make([]Index, k)
	for i := range k {
		out[i] = Index{S1: s1[i], ST: st[i]}
	}
	b := opt.resamples()
	if b < 2 {
		for i := range out {
			out[i].S1Lo, out[i].S1Hi, out[i].STLo, out[i].STHi = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		}
		return out, nil
	}
	r := rand.New(rand.NewPCG(opt.seed(), 0x5a17e111))
	bs1, bst := make([][]float64, k), make([][]float64, k)
	for range b {
		for j := range rows {
			rows[j] = r.IntN(n)
		}
		s1, st, ok := estimate(y, k, rows)
		if !ok {
			continue // a resample of constant outputs tells nothing
		}
		for i := range k {
			bs1[i] = append(bs1[i], s1[i])
			bst[i] = append(bst[i], st[i])
		}
	}
	alpha := (1 - opt.level()) / 2
	for i := range out {
		out[i].S1Lo, out[i].S1Hi = percentiles(bs1[i], alpha)
		out[i].STLo, out[i].STHi = percentiles(bst[i], alpha)
	}
	return out, nil
}

// estimate returns the indices from the base rows rows (with
// repetitions, for the bootstrap), and false when the outputs at A and
// B have no variance.
func estimate(y []float64, k int, rows []int) (s1, st []float64, ok bool) {
	ab := make([]float64, 0, 2*len(rows))
	for _, j := range rows {
		ab = append(ab, y[j*(k+2)], y[j*(k+2)+k+1])
	}
	v := stat.Variance(ab, nil)
	if !(v > 0) {
		return nil, nil, false
	}
	s1, st = make([]float64, k), make([]float64, k)
	n := float64(len(rows))
	for i := range k {
		var sf, stot float64
		for _, j := range rows {
			base := j * (k + 2)
			fa, fb, fab := y[base], y[base+k+1], y[base+1+i]
			sf += fb * (fab - fa)
			stot += (fa - fab) * (fa - fab)
		}
		s1[i] = sf / n / v
		st[i] = stot / n / 2 / v
	}
	return s1, st, true
}

// percentiles returns the alpha and 1-alpha quantiles of xs, NaN when
// xs is empty.
func percentiles(xs []float64, alpha float64) (lo, hi float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return stat.Quantile(alpha, stat.LinInterp, s, nil), stat.Quantile(1-alpha, stat.LinInterp, s, nil)
}
