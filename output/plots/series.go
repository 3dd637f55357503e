package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/interopsim/interopsim/output"
)

// curve is one line of a panel: a mean, an optional band (Lo and Hi,
// both nil or both set) and an optional baseline (a counterfactual) with
// an optional band of its own (BaseLo and BaseHi), all at the x values X
// (Unix seconds). NaN marks a missing value and breaks the line or band.
type curve struct {
	Label          string
	Color          color.Color
	Dashes         int     // index into dashPatterns
	Width          float64 // printed points; 0 means lineWidth
	BandEdge       float64 // printed width of the edges of the band (Lo, Hi); 0 draws none
	X              []float64
	Mean, Lo, Hi   []float64
	Baseline       []float64
	BaseLo, BaseHi []float64
}

// key identifies one measured series in a table.
type key struct{ region, metric, entity string }

// dist is one series of a StatTable by step: its mean and its 5th and
// 95th percentiles across runs (NaN where a band needs two runs).
type dist struct{ mean, lo, hi []float64 }

// frame is a StatTable indexed for plotting: per series, the mean and
// band at every step.
type frame struct {
	x    []float64 // Unix seconds of each step's first day, in step order
	runs int       // the table's Runs
	vals map[key]*dist
}

// newFrame indexes the rows of st whose metric is in metrics. Steps are
// numbered by their sorted values; a step missing for a series leaves
// NaN. A band point needs a row of two or more runs with finite P05 <=
// P95; a row with P05 above P95 by more than rounding
// (output.OrderTolerance) is an error.
func newFrame(st *output.StatTable, metrics []string) (*frame, error) {
	want := make(map[string]bool, len(metrics))
	for _, m := range metrics {
		want[m] = true
	}
	stepDate := map[int]time.Time{}
	for i := range st.Rows {
		r := &st.Rows[i]
		if _, ok := stepDate[r.Step]; !ok {
			stepDate[r.Step] = r.Date
		}
	}
	steps := sortedKeys(stepDate)
	stepIdx := make(map[int]int, len(steps))
	f := &frame{x: make([]float64, len(steps)), runs: st.Runs, vals: map[key]*dist{}}
	for i, s := range steps {
		stepIdx[s] = i
		f.x[i] = float64(stepDate[s].Unix())
	}
	for i := range st.Rows {
		r := &st.Rows[i]
		if !want[r.Metric] {
			continue
		}
		k := key{r.Region, r.Metric, r.Entity}
		d := f.vals[k]
		if d == nil {
			d = &dist{mean: nanSlice(len(steps)), lo: nanSlice(len(steps)), hi: nanSlice(len(steps))}
			f.vals[k] = d
		}
		s := stepIdx[r.Step]
		d.mean[s] = r.Mean
		if r.Runs >= 2 && finite(r.P05) && finite(r.P95) {
			if output.Disordered(r.P05, r.P95) {
				return nil, fmt.Errorf("step %d %s %s %s: p05 %g above p95 %g", r.Step, r.Region, r.Metric, r.Entity, r.P05, r.P95)
			}
			// Within rounding of each other: a band of no width.
			d.lo[s], d.hi[s] = math.Min(r.P05, r.P95), math.Max(r.P05, r.P95)
		}
	}
	return f, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// has reports whether the frame holds the series.
func (f *frame) has(k key) bool { return f.vals[k] != nil }

// stats returns the mean of series k at every step, scaled by scale,
// and when the table summarises two or more runs its 5th and 95th
// percentiles (NaN where undefined).
func (f *frame) stats(k key, scale float64) (mean, lo, hi []float64) {
	d := f.vals[k]
	if d == nil {
		return nanSlice(len(f.x)), nil, nil
	}
	mean = scaled(d.mean, scale)
	if f.runs > 1 {
		lo, hi = scaled(d.lo, scale), scaled(d.hi, scale)
	}
	return mean, lo, hi
}

// finiteRuns returns the [start, end) index ranges where every one of ys
// is finite.
func finiteRuns(n int, ys ...[]float64) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i <= n; i++ {
		ok := i < n
		for _, y := range ys {
			if !ok {
				break
			}
			ok = !math.IsNaN(y[i]) && !math.IsInf(y[i], 0)
		}
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	return out
}

// gapLine is a line through (X[i], Y[i]) that breaks where Y is NaN; an
// isolated point between gaps is drawn as a dot.
type gapLine struct {
	X, Y []float64
	draw.LineStyle
}

func (l *gapLine) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for _, r := range finiteRuns(len(l.X), l.Y) {
		pts := make([]vg.Point, 0, r[1]-r[0])
		for i := r[0]; i < r[1]; i++ {
			pts = append(pts, vg.Point{X: trX(l.X[i]), Y: trY(l.Y[i])})
		}
		if len(pts) == 1 {
			if c.Contains(pts[0]) {
				c.DrawGlyph(draw.GlyphStyle{Color: l.Color, Radius: l.Width, Shape: draw.CircleGlyph{}}, pts[0])
			}
			continue
		}
		c.StrokeLines(l.LineStyle, c.ClipLinesXY(pts)...)
	}
}

func (l *gapLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i, y := range l.Y {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		xmin, xmax = math.Min(xmin, l.X[i]), math.Max(xmax, l.X[i])
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	return xmin, xmax, ymin, ymax
}

func (l *gapLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

// allZeroOrNaN reports whether no value of v is a non-zero number.
func allZeroOrNaN(v []float64) bool {
	for _, x := range v {
		if x != 0 && !math.IsNaN(x) {
			return false
		}
	}
	return true
}

// minFinite returns the smallest finite value of the slices, or 0.
func minFinite(vs ...[]float64) float64 {
	m := 0.0
	for _, v := range vs {
		for _, x := range v {
			if finite(x) && x < m {
				m = x
			}
		}
	}
	return m
}

// maxAbs returns the largest absolute finite value of the slices, or 0.
func maxAbs(vs ...[]float64) float64 {
	return math.Max(maxFinite(vs...), -minFinite(vs...))
}

// maxFinite returns the largest finite value of the slices, or 0.
func maxFinite(vs ...[]float64) float64 {
	m := 0.0
	for _, v := range vs {
		for _, x := range v {
			if !math.IsNaN(x) && !math.IsInf(x, 0) && x > m {
				m = x
			}
		}
	}
	return m
}
