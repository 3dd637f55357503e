package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"gonum.org/v1/gonum/mat"
)

// DrawMethod is how Draw samples the parameter distribution.
type DrawMethod int

const (
	// SIR refines the Laplace approximation by sampling-importance-
	// resampling: proposals from a widened Laplace approximation are
	// weighted by the true likelihood exp(-L/(2σ²)), one mean-field
	// evaluation each, and resampled.
	SIR DrawMethod = iota
	// Laplace draws from the Gaussian approximation of the posterior in
	// the logit space of the optimiser, centred on the estimate with the
	// covariance of the Jacobian; no evaluation of the model.
	Laplace
)

// String returns "sir" or "laplace".
func (m DrawMethod) String() string {
	switch m {
	case SIR:
		return "sir"
	case Laplace:
		return "laplace"
	}
	return fmt.Sprintf("DrawMethod(%d)", int(m))
}

// ParseDrawMethod returns the method named s: "sir" or "laplace".
func ParseDrawMethod(s string) (DrawMethod, error) {
	for _, m := range []DrawMethod{SIR, Laplace} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown draw method %q (valid: sir, laplace)", s)
}

// DrawSettings tune Draw. A nil *DrawSettings means the zero value of
// every field.
type DrawSettings struct {
	// N is the number of draws; 0 means 200.
	N int
	// Method is the sampling method; the zero value is SIR.
	Method DrawMethod
	// Proposals is the number of SIR proposals; 0 means 5*N. Each costs
	// one mean-field evaluation.
	Proposals int
	// Seed seeds the draws.
	Seed uint64
	// Workers is the number of goroutines of the SIR evaluations; 0 means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// Cancel, if not nil, is polled before every evaluation; when it
	// returns true Draw stops and returns ErrCanceled.
	Cancel func() bool
	// Progress, if not nil, is called after every evaluation with the
	// number done so far, from the goroutines of the workers at once: it
	// must be safe for concurrent use and must not block for long.
	Progress func(evals int)
}

// Draws are draws from the distribution of a calibration's free
// parameters given its data.
type Draws struct {
	// Names are the parameters' names, in the order of Problem.Free.
	Names []string
	// Values holds the draws, N x k: Values[d][j] is parameter j in
	// draw d. Every value lies strictly inside its bounds.
	Values [][]float64
	// Method is how they were drawn.
	Method DrawMethod
	// Uniform says, per parameter, that the Laplace approximation had no
	// information on it (not pinned down by the data, or no standard
	// error), so that it was proposed uniformly within its bounds.
	Uniform []bool
	// Proposals is the number of SIR proposals, ESS their effective
	// sample size (Σw)²/Σw²; 0 for Laplace draws.
	Proposals int
	ESS       float64
	// Evals is the number of evaluations of the model.
	Evals int
	// Fallback says that SIR's effective sample size was below N/4, so
	// that resampling would have repeated a few points and made the draws
	// falsely narrow: Draw then returned Laplace draws instead (Method
	// Laplace; Proposals and ESS say what SIR found).
	Fallback bool
}

// SIRWiden scales the standard deviations of the Laplace approximation
// for SIR proposals: proposals must reach the tails that the target has
// and the approximation may lack.
const SIRWiden = 1.5

// Draw draws from the distribution of the free parameters of p given its
// data, around the calibration res of p (Fit's result): the posterior
// with a uniform prior within each parameter's bounds and normal errors,
// whose -2 log-likelihood is L/σ² (σ² = res.Sigma2). The Laplace
// approximation is a Gaussian in the logit space u of the optimiser,
// centred on the estimate, with the covariance of res (res.Covariance)
// carried into u by the derivative of the logit; parameters the data do
// not pin down (Estimate.Pinned false) or without a standard error get
// no Gaussian: they are drawn uniformly within their bounds instead, so
// that their draws are never narrower than the data allow. With SIR
// (the default) the proposals from that approximation, its standard
// deviations widened by 1.5, are weighted by the exact posterior and
// resampled (systematic resampling), then put in a random order, so that
// the first K draws are a sample too; when their effective sample size
// is below N/4, resampling would repeat a few points, and Draw returns
// the Laplace draws instead (Draws.Fallback). Draw is deterministic: the same
// inputs and Settings (but Workers) give the same Draws.
func Draw(p *Problem, res *Result, s *DrawSettings) (*Draws, error) {
	if s == nil {
		s = &DrawSettings{}
	}
	if err := check(p); err != nil {
		return nil, err
	}
	k := len(p.Free)
	if res == nil || len(res.Params) != k {
		return nil, errors.New("calibrate: draw: the result does not fit the problem")
	}
	if math.IsNaN(res.Sigma2) {
		return nil, fmt.Errorf("calibrate: draw: %d fitted points for %d parameters give no error variance, so no likelihood to draw from", res.N, k)
	}
	n := s.N
	if n <= 0 {
		n = 200
	}
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	est := make([]float64, k)
	d := &Draws{Names: make([]string, k), Method: s.Method, Uniform: make([]bool, k)}
	for j, e := range res.Params {
		d.Names[j] = e.Name
		est[j] = e.Value
		d.Uniform[j] = !e.Pinned || res.Covariance == nil || math.IsNaN(res.Covariance[j][j]) || !(res.Covariance[j][j] > 0)
	}
	var gauss []int // the parameters with a Gaussian
	for j := range k {
		if !d.Uniform[j] {
			gauss = append(gauss, j)
		}
	}
	u0 := toU(p.Free, est)
	// The covariance of the Gaussian parameters in u: dU/dx scales the
	// covariance of the estimates.
	var chol mat.TriDense
	if len(gauss) > 0 {
		cov := mat.NewSymDense(len(gauss), nil)
		for a, i := range gauss {
			for b, j := range gauss {
				if b < a {
					continue
				}
				cov.SetSym(a, b, res.Covariance[i][j]*dudx(p.Free[i], est[i])*dudx(p.Free[j], est[j]))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(cov) {
			return nil, errors.New("calibrate: draw: the covariance of the estimates is not positive definite")
		}
		ch.LTo(&chol)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x6472617773)) // "draws"
	// propose returns a point from the approximation with its standard
	// deviations scaled by widen, and ½|z|², the Gaussian part's -log
	// density up to a constant.
	z := make([]float64, len(gauss))
	propose := func(widen float64) ([]float64, float64) {
		x := make([]float64, k)
		u := append([]float64(nil), u0...)
		var half float64
		for a := range z {
			z[a] = rng.NormFloat64()
			half += z[a] * z[a] / 2
		}
		for a, i := range gauss {
			var v float64
			for b := 0; b <= a; b++ {
				v += chol.At(a, b) * z[b]
			}
			u[i] += widen * v
		}
		ux := toX(p.Free, u)
		for j, fr := range p.Free {
			x[j] = ux[j] // strictly inside the bounds (toX)
			if d.Uniform[j] {
				// Uniform in the open interval: t in (0, 1).
				t := (float64(rng.Uint64()>>11) + 0.5) / (1 << 53)
				x[j] = fr.Lo + (fr.Hi-fr.Lo)*t
			}
		}
		return x, half
	}

	switch s.Method {
	case Laplace:
		d.Values = make([][]float64, n)
		for i := range d.Values {
			d.Values[i], _ = propose(1)
		}
		return d, nil
	case SIR:
	default:
		return nil, fmt.Errorf("calibrate: draw: unknown method %v", s.Method)
	}

	m := s.Proposals
	if m <= 0 {
		m = 5 * n
	}
	// The proposals, drawn before any evaluation so that they do not
	// depend on the order of work.
	xs := make([][]float64, m)
	halves := make([]float64, m)
	for i := range xs {
		xs[i], halves[i] = propose(SIRWiden)
	}
	f, _, err := newFitter(p, s.Cancel, s.Progress)
	if err != nil {
		return nil, err
	}
	logw := make([]float64, m)
	parallel(m, workers, func(i int) {
		l := f.loss(xs[i])
		// Target: exp(-L/2σ²) in x, so in u times dx/du; proposal:
		// Gaussian in u (density ∝ exp(-½|z|²)) times uniform in x.
		lw := -l/(2*res.Sigma2) + halves[i]
		for _, j := range gauss {
			lw -= math.Log(dudx(p.Free[j], xs[i][j]))
		}
		logw[i] = lw
	})
	if f.stopped.Load() {
		return nil, ErrCanceled
	}
	d.Proposals, d.Evals = m, int(f.evals.Load())
	top := math.Inf(-1)
	for _, lw := range logw {
		if !math.IsNaN(lw) {
			top = math.Max(top, lw)
		}
	}
	if math.IsInf(top, -1) {
		return nil, errors.New("calibrate: draw: the model failed at every proposal")
	}
	w := make([]float64, m)
	var sum, sq float64
	for i, lw := range logw {
		if !math.IsNaN(lw) {
			w[i] = math.Exp(lw - top)
		}
		sum += w[i]
		sq += w[i] * w[i]
	}
	d.ESS = sum * sum / sq
	if d.ESS < float64(n)/4 {
		// Too few proposals carry the weight: the proposals do not cover
		// the posterior (often a parameter proposed uniformly that the
		// data still constrain). The Laplace draws keep the uniform
		// ones uniform: never narrower than the bounds for them.
		d.Method, d.Fallback = Laplace, true
		d.Values = make([][]float64, n)
		for i := range d.Values {
			d.Values[i], _ = propose(1)
		}
		return d, nil
	}
	// Systematic resampling: n evenly spaced points from one uniform.
	d.Values = make([][]float64, 0, n)
	step := sum / float64(n)
	pos := step * rng.Float64()
	var cum float64
	for i := 0; i < m && len(d.Values) < n; i++ {
		cum += w[i]
		for pos < cum && len(d.Values) < n {
			d.Values = append(d.Values, append([]float64(nil), xs[i]...))
			pos += step
		}
	}
	for len(d.Values) < n { // rounding at the very end
		d.Values = append(d.Values, append([]float64(nil), xs[m-1]...))
	}
	rng.Shuffle(n, func(a, b int) { d.Values[a], d.Values[b] = d.Values[b], d.Values[a] })
	return d, nil
}

// dudx is the derivative of the logit u = log((x-lo)/(hi-x)) at x.
func dudx(fr Free, x float64) float64 {
	return (fr.Hi - fr.Lo) / ((x - fr.Lo) * (fr.Hi - x))
}
