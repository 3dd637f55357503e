package plots

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"sort"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/interopsim/interopsim/output"
)

// Band quantiles across replicate runs.
const (
	bandLo = 0.05
	bandHi = 0.95
)

// curve is one line of a panel: a mean, an optional band (Lo and Hi,
// both nil or both set) and an optional baseline (a counterfactual run),
// all at the x values X (Unix seconds). NaN marks a missing value and
// breaks the line.
type curve struct {
	Label        string
	Color        color.Color
	Dashes       int     // index into dashPatterns
	Width        float64 // printed points; 0 means lineWidth
	X            []float64
	Mean, Lo, Hi []float64
	Baseline     []float64
}

// key identifies one measured series in a table.
type key struct{ region, metric, entity string }

// frame is a Table indexed for plotting: per series, the values by run
// and step.
type frame struct {
	x    []float64 // Unix seconds of each step's first day, in step order
	runs int
	vals map[key][][]float64 // [run][step]
}

// newFrame indexes the rows of t whose metric is in metrics. Steps and
// runs are numbered by their sorted values; a step or run missing for a
// series leaves NaN.
func newFrame(t *output.Table, metrics []string) *frame {
	want := make(map[string]bool, len(metrics))
	for _, m := range metrics {
		want[m] = true
	}
	stepDate := map[int]time.Time{}
	runSet := map[int]bool{}
	for i := range t.Rows {
		r := &t.Rows[i]
		if _, ok := stepDate[r.Step]; !ok {
			stepDate[r.Step] = r.Date
		}
		runSet[r.Run] = true
	}
	steps := sortedKeys(stepDate)
	runs := sortedKeys(runSet)
	stepIdx := make(map[int]int, len(steps))
	f := &frame{x: make([]float64, len(steps)), runs: len(runs), vals: map[key][][]float64{}}
	for i, s := range steps {
		stepIdx[s] = i
		f.x[i] = float64(stepDate[s].Unix())
	}
	runIdx := make(map[int]int, len(runs))
	for i, r := range runs {
		runIdx[r] = i
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		if !want[r.Metric] {
			continue
		}
		k := key{r.Region, r.Metric, r.Entity}
		v := f.vals[k]
		if v == nil {
			v = make([][]float64, len(runs))
			for j := range v {
				v[j] = nanSlice(len(steps))
			}
			f.vals[k] = v
		}
		v[runIdx[r.Run]][stepIdx[r.Step]] = r.Value
	}
	return f
}

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

// stats returns the mean across runs of series k at every step, scaled
// by scale, and with two or more runs the 5% and 95% quantiles. A step
// where no run is finite is NaN; a band point needs two finite runs.
func (f *frame) stats(k key, scale float64) (mean, lo, hi []float64) {
	v := f.vals[k]
	n := len(f.x)
	mean = nanSlice(n)
	if v == nil {
		return mean, nil, nil
	}
	if len(v) > 1 {
		lo, hi = nanSlice(n), nanSlice(n)
	}
	buf := make([]float64, 0, len(v))
	for s := range n {
		buf = buf[:0]
		for r := range v {
			if x := v[r][s]; !math.IsNaN(x) && !math.IsInf(x, 0) {
				buf = append(buf, x*scale)
			}
		}
		if len(buf) == 0 {
			continue
		}
		mean[s] = stat.Mean(buf, nil)
		if lo != nil && len(buf) > 1 {
			sort.Float64s(buf)
			lo[s] = stat.Quantile(bandLo, stat.Empirical, buf, nil)
			hi[s] = stat.Quantile(bandHi, stat.Empirical, buf, nil)
		}
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
