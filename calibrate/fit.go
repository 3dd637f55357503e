package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/interopsim/interopsim/sim"
)

// Free is a free parameter: a settable parameter of the Config, its name
// as scenario files write it, and the open interval (Lo, Hi) searched.
type Free struct {
	Name   string
	Param  sim.Param
	Lo, Hi float64
}

// Problem is what Fit fits: the free parameters of Config to Data.
type Problem struct {
	// Config is the scenario; Fit does not change it.
	Config *sim.Config
	// Free are the free parameters, at least one.
	Free []Free
	// Data are the observations.
	Data *Data
	// Holdout, if not zero, splits the data: Fit uses only the points
	// whose period ends on or before it and reports the forecast of the
	// points whose period starts on or after it (see Holdout).
	Holdout time.Time
}

// Settings tune Fit. A nil *Settings means the zero value of every field.
type Settings struct {
	// Starts is the number of local optimisations; 0 means 4. The first
	// starts from the scenario's values (moved inside the bounds), the
	// others from points drawn uniformly within the bounds.
	Starts int
	// Seed seeds the draws of the starts.
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int
	// MaxEvals caps the loss evaluations of one local optimisation; 0
	// means 150 per free parameter.
	MaxEvals int
	// NoIntervals skips the profile likelihood intervals.
	NoIntervals bool
	// Cancel, if not nil, is polled before every evaluation; when it
	// returns true Fit stops and returns ErrCanceled.
	Cancel func() bool
	// Progress, if not nil, is called after every evaluation with the
	// number done so far, from the goroutines of the workers at once: it
	// must be safe for concurrent use and must not block for long.
	Progress func(evals int)
}

// ErrCanceled is returned by Fit when Settings.Cancel asked it to stop.
var ErrCanceled = errors.New("calibration canceled")

// Set says what a data point is used for.
type Set int

const (
	// Fitted points enter the loss.
	Fitted Set = iota
	// Held points are after the holdout date: forecast, not fitted.
	Held
	// Straddling points span the holdout date: neither fitted nor
	// scored.
	Straddling
)

// String returns "fit", "holdout" or "straddles".
func (s Set) String() string {
	switch s {
	case Fitted:
		return "fit"
	case Held:
		return "holdout"
	case Straddling:
		return "straddles"
	}
	return fmt.Sprintf("Set(%d)", int(s))
}

// Estimate is a fitted parameter.
type Estimate struct {
	Free
	// Initial is the scenario's value, Value the fitted one.
	Initial, Value float64
	// Lower and Upper bound the 95% profile likelihood interval; NaN
	// without intervals. An end at a bound means the profile stays
	// below the threshold up to that bound.
	Lower, Upper float64
	// LowerOpen and UpperOpen say that the interval reaches the bound.
	LowerOpen, UpperOpen bool
	// SE is the standard error from the Jacobian (NaN if singular).
	SE float64
	// Pinned says whether the data pin the parameter down: its interval
	// reaches neither bound and it has no correlation above
	// CorrelationLimit with another parameter.
	Pinned bool
	// Notes say why a parameter is not pinned down.
	Notes []string
}

// CorrelationLimit is the absolute correlation of two estimates above
// which neither is counted as pinned down.
const CorrelationLimit = 0.95

// FitPoint is a data point with the fitted model's value.
type FitPoint struct {
	Point
	// Fitted is the model's mean over the point's steps.
	Fitted float64
	// Set says whether the point was fitted or held out.
	Set Set
}

// SeriesFit is the fit of one series over its fitted points.
type SeriesFit struct {
	Key Key
	// N is the number of fitted points.
	N int
	// RMSE is the root mean squared error, unweighted, in the metric's
	// unit; Loss the series' part of the loss.
	RMSE, Loss float64
	// Share says whether the metric is a share (RMSE x100 is in
	// percentage points).
	Share bool
}

// StartResult is one local optimisation.
type StartResult struct {
	// From is where it started, Values where it ended, in parameter
	// units.
	From, Values []float64
	// Loss is the loss at Values; Evals the evaluations it took.
	Loss  float64
	Evals int
}

// Result is a calibration.
type Result struct {
	// Params are the estimates, in the order of Problem.Free.
	Params []Estimate
	// Loss is the weighted sum of squared errors at the estimates, over
	// the fitted points; N is their number.
	Loss float64
	N    int
	// Sigma2 is the error variance used for the intervals: 1 when every
	// fitted point has an sd, else Loss/(N-k).
	Sigma2 float64
	// Threshold is the rise of the loss that bounds an interval:
	// 3.841*Sigma2 (chi-square, one degree of freedom, 95%).
	Threshold float64
	// Correlation holds the correlations of the estimates from the
	// Jacobian, k x k, NaN for a parameter the data do not depend on; nil
	// if the Jacobian is singular.
	Correlation [][]float64
	// Covariance is the covariance of the estimates from the Jacobian,
	// Sigma2 * (J'J)^-1 in parameter units, k x k, with NaN rows and
	// columns for a parameter the data do not depend on; nil if the
	// Jacobian is singular. Draw's Laplace approximation starts from it.
	Covariance [][]float64
	// Points are the data points with the fitted values, in file order.
	Points []FitPoint
	// Series is the fit per series, in order of first appearance.
	Series []SeriesFit
	// Starts are the local optimisations, in order; Best is the index of
	// the one kept.
	Starts []StartResult
	Best   int
	// Holdout is the forecast report, nil without Problem.Holdout.
	Holdout []HoldoutSeries
	// Evals is the number of evaluations of the model.
	Evals int
	// Config is the scenario with the fitted values set.
	Config *sim.Config
	// Notes are remarks on the fit as a whole.
	Notes []string
}

// chi2 is the 95% quantile of the chi-square distribution with one
// degree of freedom.
const chi2 = 3.841458820694124

// fitter evaluates the loss.
type fitter struct {
	p        *Problem
	cfg      *sim.Config // truncated to the last fitted step
	pts      []int       // indices of the fitted points
	evals    atomic.Int64
	cancel   func() bool
	progress func(int)
	stopped  atomic.Bool
}

// Fit calibrates the free parameters of p to its data with the mean-field
// engine: it minimises the weighted least-squares loss from several
// starts with Nelder-Mead in a logit-transformed space, keeps the best,
// and computes profile likelihood intervals. It is deterministic: the
// same p and Settings (but Workers) give the same Result.
func Fit(p *Problem, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := check(p); err != nil {
		return nil, err
	}
	k := len(p.Free)
	starts := s.Starts
	if starts <= 0 {
		starts = 4
	}
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxEvals := s.MaxEvals
	if maxEvals <= 0 {
		maxEvals = 150 * k
	}
	f, sets, err := newFitter(p, s.Cancel, s.Progress)
	if err != nil {
		return nil, err
	}

	res := &Result{N: len(f.pts)}
	// The starts, drawn before any runs so that they do not depend on
	// the order of work.
	from := make([][]float64, starts)
	rng := rand.New(rand.NewPCG(s.Seed, 0x63616c6962726174))
	for i := range from {
		from[i] = make([]float64, k)
		for j, fr := range p.Free {
			if i == 0 {
				v, _ := p.Config.Get(fr.Param)
				from[i][j] = inside(v, fr)
			} else {
				from[i][j] = fr.Lo + (fr.Hi-fr.Lo)*(0.02+0.96*rng.Float64())
			}
		}
	}
	res.Starts = make([]StartResult, starts)
	parallel(starts, workers, func(i int) {
		u, loss, n := f.local(toU(p.Free, from[i]), nil, 0.6, maxEvals, screenTol)
		res.Starts[i] = StartResult{From: from[i], Values: toX(p.Free, u), Loss: loss, Evals: n}
	})
	if f.stopped.Load() {
		return nil, ErrCanceled
	}
	for i, st := range res.Starts {
		if st.Loss < res.Starts[res.Best].Loss || math.IsNaN(res.Starts[res.Best].Loss) {
			res.Best = i
		}
	}
	best := res.Starts[res.Best]
	// Polish the best from where it ended, with a smaller simplex.
	u, loss, _ := f.local(toU(p.Free, best.Values), nil, 0.1, maxEvals, polishTol)
	if loss < best.Loss {
		best.Values, best.Loss = toX(p.Free, u), loss
	}
	res.Loss = best.Loss
	res.Params = make([]Estimate, k)
	for j, fr := range p.Free {
		v, _ := p.Config.Get(fr.Param)
		res.Params[j] = Estimate{Free: fr, Initial: v, Value: best.Values[j],
			Lower: math.NaN(), Upper: math.NaN(), SE: math.NaN(), Pinned: true}
	}
	res.Sigma2 = sigma2(p.Data, f.pts, res.Loss, k)
	res.Threshold = chi2 * res.Sigma2
	if math.IsNaN(res.Sigma2) {
		res.Notes = append(res.Notes, fmt.Sprintf("%d fitted points for %d parameters: no error variance, no intervals", res.N, k))
	}
	f.jacobian(res, best.Values)
	if !s.NoIntervals && !math.IsNaN(res.Threshold) {
		f.profiles(res, best.Values, workers)
	}
	if f.stopped.Load() {
		return nil, ErrCanceled
	}
	for j := range res.Params {
		e := &res.Params[j]
		switch {
		case e.LowerOpen && e.UpperOpen:
			e.Pinned = false
			e.Notes = append(e.Notes, "flat profile: the loss stays within the threshold over the whole range")
		case e.LowerOpen || e.UpperOpen:
			e.Pinned = false
			e.Notes = append(e.Notes, "bounded on one side only: the interval reaches a bound")
		}
		for i := range res.Params {
			if i != j && res.Correlation != nil && math.Abs(res.Correlation[i][j]) > CorrelationLimit { // NaN compares false
				e.Pinned = false
				e.Notes = append(e.Notes, fmt.Sprintf("correlation %.3f with %s", res.Correlation[i][j], res.Params[i].Name))
			}
		}
	}

	// The fitted model over the whole horizon, for every point.
	res.Config = p.Config.Clone()
	for j, fr := range p.Free {
		res.Config.Set(fr.Param, best.Values[j])
	}
	run, err := sim.Run(res.Config, 0, &sim.Settings{Engine: sim.MeanField, Workers: 1})
	if err != nil {
		return nil, err
	}
	model := modelValues(run, p.Data.Points)
	res.Points = make([]FitPoint, len(p.Data.Points))
	for i, pt := range p.Data.Points {
		res.Points[i] = FitPoint{Point: pt, Fitted: model[i], Set: sets[i]}
	}
	res.Series = seriesFit(p.Data, res.Points)
	if !p.Holdout.IsZero() {
		res.Holdout = holdout(p.Data, res.Points)
	}
	res.Evals = int(f.evals.Load()) + 1
	return res, nil
}

// newFitter returns the fitter of p's loss over its fitted points, the
// simulation truncated to the last step they need, and what every data
// point is used for.
func newFitter(p *Problem, cancel func() bool, progress func(int)) (*fitter, []Set, error) {
	f := &fitter{p: p, cancel: cancel, progress: progress}
	sets := make([]Set, len(p.Data.Points))
	last := 0
	for i, pt := range p.Data.Points {
		sets[i] = split(pt, p.Holdout)
		if sets[i] == Fitted {
			f.pts = append(f.pts, i)
			last = max(last, pt.Last)
		}
	}
	if len(f.pts) == 0 {
		return nil, nil, fmt.Errorf("no data point ends on or before the holdout date %s", p.Holdout.Format("2006-01-02"))
	}
	f.cfg = p.Config.Clone()
	f.cfg.Steps = last + 1
	return f, sets, nil
}

// check reports problems Fit cannot work on.
func check(p *Problem) error {
	if p == nil || p.Config == nil || p.Data == nil {
		return errors.New("calibrate: incomplete problem")
	}
	if len(p.Free) == 0 {
		return errors.New("calibrate: no free parameters")
	}
	if len(p.Data.Points) == 0 {
		return errors.New("calibrate: no data points")
	}
	seen := map[sim.Param]bool{}
	for _, fr := range p.Free {
		if _, err := p.Config.Get(fr.Param); err != nil {
			return fmt.Errorf("calibrate: %s: %w", fr.Name, err)
		}
		if !(fr.Lo < fr.Hi) || math.IsInf(fr.Lo, 0) || math.IsInf(fr.Hi, 0) {
			return fmt.Errorf("calibrate: %s: bounds %v:%v, want finite lo < hi", fr.Name, fr.Lo, fr.Hi)
		}
		if seen[fr.Param] {
			return fmt.Errorf("calibrate: %s is free twice", fr.Name)
		}
		seen[fr.Param] = true
	}
	return nil
}

// split says what the point is used for, given the holdout date.
func split(pt Point, holdout time.Time) Set {
	switch {
	case holdout.IsZero() || !pt.To.After(holdout):
		return Fitted
	case !pt.From.Before(holdout):
		return Held
	}
	return Straddling
}

// sigma2 is the error variance: 1 when every fitted point has an sd, the
// residual variance otherwise (NaN without degrees of freedom).
func sigma2(d *Data, pts []int, loss float64, k int) float64 {
	all := true
	for _, i := range pts {
		all = all && d.Points[i].HasSD
	}
	if all {
		return 1
	}
	if len(pts) <= k {
		return math.NaN()
	}
	return loss / float64(len(pts)-k)
}

// inside moves v into the open interval of fr (1% in from a bound).
func inside(v float64, fr Free) float64 {
	w := fr.Hi - fr.Lo
	return math.Min(math.Max(v, fr.Lo+0.01*w), fr.Hi-0.01*w)
}

// uLimit bounds the transformed coordinates, so that values stay strictly
// inside their bounds.
const uLimit = 25

func toU(free []Free, x []float64) []float64 {
	u := make([]float64, len(x))
	for j, fr := range free {
		t := (x[j] - fr.Lo) / (fr.Hi - fr.Lo)
		u[j] = math.Max(-uLimit, math.Min(uLimit, math.Log(t/(1-t))))
	}
	return u
}

func toX(free []Free, u []float64) []float64 {
	x := make([]float64, len(u))
	for j, fr := range free {
		uj := math.Max(-uLimit, math.Min(uLimit, u[j]))
		x[j] = fr.Lo + (fr.Hi-fr.Lo)/(1+math.Exp(-uj))
	}
	return x
}

// loss returns the loss at parameter values x (in parameter units).
func (f *fitter) loss(x []float64) float64 {
	r := f.residuals(x)
	var l float64
	for _, v := range r {
		l += v * v
	}
	return l
}

// residuals returns sqrt(weight)*(model-observed) for every fitted point
// at parameter values x, or +Inf entries once canceled.
func (f *fitter) residuals(x []float64) []float64 {
	r := make([]float64, len(f.pts))
	if f.stopped.Load() || (f.cancel != nil && f.cancel()) {
		f.stopped.Store(true)
		for i := range r {
			r[i] = math.Inf(1)
		}
		return r
	}
	done := f.evals.Add(1)
	if f.progress != nil {
		defer f.progress(int(done))
	}
	cfg := f.cfg.Clone()
	for j, fr := range f.p.Free {
		cfg.Set(fr.Param, x[j])
	}
	run, err := sim.Run(cfg, 0, &sim.Settings{Engine: sim.MeanField, Workers: 1})
	if err != nil {
		for i := range r {
			r[i] = math.Inf(1)
		}
		return r
	}
	pts := make([]Point, len(f.pts))
	for i, pi := range f.pts {
		pts[i] = f.p.Data.Points[pi]
	}
	model := modelValues(run, pts)
	for i, pt := range pts {
		r[i] = math.Sqrt(pt.Weight) * (model[i] - pt.Value)
	}
	return r
}

// Convergence tolerances of a local optimisation: the relative change of
// the loss below which it stops. The starts only have to find the best
// basin; the best is then polished to polishTol, as are profile steps.
const (
	screenTol = 1e-4
	polishTol = 1e-7
)

// patience is the number of iterations without an improvement above tol
// after which a local optimisation stops: fewer when screening starts.
func patience(tol float64, dim int) int {
	if tol >= screenTol {
		return 5 + 3*dim
	}
	return 20 + 5*dim
}

// local minimises the loss with Nelder-Mead from u0 in transformed
// coordinates. With fixed not nil, fixed[j] >= 0 holds coordinate j
// at the value u0[j]: only the others move. It returns the end point (all
// coordinates), its loss and the evaluations used.
func (f *fitter) local(u0 []float64, fixed []bool, size float64, maxEvals int, tol float64) ([]float64, float64, int) {
	var moving []int
	for j := range u0 {
		if fixed == nil || !fixed[j] {
			moving = append(moving, j)
		}
	}
	full := func(v []float64) []float64 {
		u := append([]float64(nil), u0...)
		for i, j := range moving {
			u[j] = v[i]
		}
		return u
	}
	n := 0
	obj := func(v []float64) float64 {
		n++
		return f.loss(toX(f.p.Free, full(v)))
	}
	v0 := make([]float64, len(moving))
	for i, j := range moving {
		v0[i] = u0[j]
	}
	if len(moving) == 0 {
		return u0, obj(v0), n
	}
	settings := &optimize.Settings{
		FuncEvaluations: maxEvals,
		Converger:       &optimize.FunctionConverge{Absolute: 1e-14, Relative: tol, Iterations: patience(tol, len(moving))},
	}
	r, err := optimize.Minimize(optimize.Problem{Func: obj}, v0, settings, &optimize.NelderMead{SimplexSize: size})
	if r == nil || (err != nil && r.X == nil) {
		return u0, obj(v0), n
	}
	return full(r.X), r.F, n
}

// modelValues returns the model's value of every point: the mean of its
// measure over its steps, NaN shares counted as 0.
func modelValues(run *sim.Result, pts []Point) []float64 {
	type at struct{ step, region int }
	cache := map[at][]sim.Measure{}
	out := make([]float64, len(pts))
	for i, pt := range pts {
		var sum float64
		for n := pt.First; n <= pt.Last; n++ {
			ms, ok := cache[at{n, pt.Region}]
			if !ok {
				ms = run.Measures(n, pt.Region)
				cache[at{n, pt.Region}] = ms
			}
			if v := ms[pt.measure].Value; !math.IsNaN(v) {
				sum += v
			}
		}
		out[i] = sum / float64(pt.Last-pt.First+1)
	}
	return out
}

// isShare says whether metric is a share.
func isShare(metric string) bool {
	for _, m := range sim.Metrics {
		if m.Name == metric {
			return m.Unit == "share"
		}
	}
	return false
}

// seriesFit returns the fit per series over the fitted points.
func seriesFit(d *Data, pts []FitPoint) []SeriesFit {
	var out []SeriesFit
	for _, k := range d.Series() {
		s := SeriesFit{Key: k, Share: isShare(k.Metric)}
		var sq float64
		for _, p := range pts {
			if p.Key != k || p.Set != Fitted {
				continue
			}
			e := p.Fitted - p.Value
			s.N++
			sq += e * e
			s.Loss += p.Weight * e * e
		}
		if s.N > 0 {
			s.RMSE = math.Sqrt(sq / float64(s.N))
			out = append(out, s)
		}
	}
	return out
}

// parallel runs f(i) for i in [0, n) on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
