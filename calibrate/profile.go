package calibrate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// jacobian sets the standard errors and correlations of the estimates at
// x from the Jacobian of the weighted residuals (forward differences):
// covariance Sigma2 * (J'J)^-1.
func (f *fitter) jacobian(res *Result, x []float64) {
	k := len(x)
	r0 := f.residuals(x)
	n := len(r0)
	J := mat.NewDense(n, k, nil)
	for j, fr := range f.p.Free {
		h := 1e-4 * (fr.Hi - fr.Lo)
		if x[j]+h >= fr.Hi {
			h = -h
		}
		xh := append([]float64(nil), x...)
		xh[j] += h
		r := f.residuals(xh)
		for i := range r {
			J.Set(i, j, (r[i]-r0[i])/h)
		}
	}
	// Parameters the residuals do not depend on at all have a zero
	// column: they are left out of the inverse.
	norms := make([]float64, k)
	var top float64
	for j := range k {
		norms[j] = mat.Norm(J.ColView(j), 2)
		top = math.Max(top, norms[j])
	}
	var keep []int
	for j := range k {
		if norms[j] > 1e-9*top && norms[j] > 0 {
			keep = append(keep, j)
		} else {
			res.Params[j].Notes = append(res.Params[j].Notes, "the fitted data do not depend on it (zero derivative)")
		}
	}
	if len(keep) == 0 {
		return
	}
	sub := mat.NewDense(n, len(keep), nil)
	for c, j := range keep {
		for i := range n {
			sub.Set(i, c, J.At(i, j))
		}
	}
	var jtj mat.SymDense
	jtj.SymOuterK(1, sub.T())
	var ch mat.Cholesky
	var cov mat.SymDense
	if !ch.Factorize(&jtj) || ch.InverseTo(&cov) != nil {
		res.Notes = append(res.Notes, "the Jacobian is singular: some combination of the parameters does not change the fit")
		return
	}
	s2 := res.Sigma2
	res.Correlation = make([][]float64, k)
	res.Covariance = make([][]float64, k)
	for i := range k {
		res.Correlation[i] = make([]float64, k)
		res.Covariance[i] = make([]float64, k)
		for j := range k {
			res.Correlation[i][j] = math.NaN()
			res.Covariance[i][j] = math.NaN()
		}
		res.Correlation[i][i] = 1
	}
	for a, i := range keep {
		for b, j := range keep {
			res.Correlation[i][j] = cov.At(a, b) / math.Sqrt(cov.At(a, a)*cov.At(b, b))
			res.Covariance[i][j] = s2 * cov.At(a, b)
		}
		res.Params[i].SE = math.Sqrt(s2 * cov.At(a, a))
	}
}

// profileSteps is the most steps a profile takes on each side.
const profileSteps = 12

// profiles sets the 95% profile likelihood interval of every estimate:
// the values of a parameter whose loss, minimised over the other
// parameters, stays within Threshold of the best loss. Each side of each
// parameter is walked out from the estimate, first to the Wald guess
// 1.96 standard errors away and then in steps growing by 1.6, the other
// parameters warm-started from the previous step, until the loss rises
// past the threshold or the bound is reached. The end is interpolated
// linearly in the square root of the rise of the loss, which is exact
// for a quadratic profile: one step usually suffices.
func (f *fitter) profiles(res *Result, x []float64, workers int) {
	k := len(x)
	type end struct {
		at, minLoss float64
		open        bool
	}
	ends := make([]end, 2*k)
	parallel(2*k, workers, func(c int) {
		j, dir := c/2, 2*(c%2)-1
		at, open, minLoss := f.profile(x, res.Loss, res.Threshold, j, float64(dir), res.Params[j].SE)
		ends[c] = end{at, minLoss, open}
	})
	lowest := res.Loss
	for c, e := range ends {
		p := &res.Params[c/2]
		if c%2 == 0 {
			p.Lower, p.LowerOpen = e.at, e.open
		} else {
			p.Upper, p.UpperOpen = e.at, e.open
		}
		lowest = math.Min(lowest, e.minLoss)
	}
	if lowest < res.Loss-1e-9*math.Max(1, res.Loss) {
		res.Notes = append(res.Notes, fmt.Sprintf("a profile found a loss of %.6g, below the fit's %.6g: the fit may not be the global minimum; try more --starts", lowest, res.Loss))
	}
}

// profile walks parameter j from x in direction dir and returns where the
// profile crosses the threshold, whether it reached the bound instead,
// and the lowest loss seen.
func (f *fitter) profile(x []float64, lmin, thr float64, j int, dir, se float64) (float64, bool, float64) {
	fr := f.p.Free[j]
	k := len(x)
	w := fr.Hi - fr.Lo
	h := w / 16
	if !math.IsNaN(se) && se > 0 {
		h = math.Max(w/1000, math.Min(w/4, 1.96*se))
	}
	edge := fr.Lo + 1e-6*w
	if dir > 0 {
		edge = fr.Hi - 1e-6*w
	}
	fixed := make([]bool, k)
	fixed[j] = true
	cur := append([]float64(nil), x...)
	prevOff, prevD, lowest := 0.0, 0.0, lmin
	off := h
	for range profileSteps {
		xj := x[j] + dir*off
		atBound := dir*(xj-edge) >= 0
		if atBound {
			xj, off = edge, math.Abs(edge-x[j])
		}
		cur[j] = xj
		u, l, _ := f.local(toU(f.p.Free, cur), fixed, 0.15, 15*(k-1)+10, polishTol)
		if f.stopped.Load() {
			return math.NaN(), false, lowest
		}
		cur = toX(f.p.Free, u)
		cur[j] = xj
		lowest = math.Min(lowest, l)
		d := l - lmin
		if d > thr {
			r0, r1 := math.Sqrt(math.Max(prevD, 0)), math.Sqrt(d)
			t := (math.Sqrt(thr) - r0) / (r1 - r0)
			return x[j] + dir*(prevOff+t*(off-prevOff)), false, lowest
		}
		if atBound {
			return xj, true, lowest
		}
		prevOff, prevD = off, d
		off *= 1.6
	}
	return x[j] + dir*prevOff, true, lowest
}
