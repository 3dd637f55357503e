package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Band implements plot.Plotter, plot.DataRanger and plot.Thumbnailer: a
// shaded area between a lower and an upper curve over the same x values,
// such as the 5-95% range of replicate runs under their mean.
//
// Band is shaped like plotter.Line: NewBand copies and checks its data,
// and the exported fields set its look.
type Band struct {
	// X, Lo and Hi are copies of the points, Lo[i] <= Hi[i].
	X, Lo, Hi []float64

	// FillColor fills the area between Lo and Hi; nil disables the fill.
	FillColor color.Color

	// LineStyle strokes both edges; a zero width (the default) disables
	// them.
	draw.LineStyle
}

// Errors returned by NewBand.
var (
	ErrBandLength = errors.New("plots: band x, lo and hi differ in length")
	ErrBandOrder  = errors.New("plots: band lo above hi")
	ErrBandX      = errors.New("plots: band x values not increasing")
)

// NewBand returns a Band between lo and hi at x, filled with a light grey.
// The three slices must have the same non-zero length, hold only finite
// values, with x non-decreasing and lo[i] <= hi[i]. Missing values are
// not allowed: split a series at its gaps and make one Band per part.
func NewBand(x, lo, hi []float64) (*Band, error) {
	if len(x) != len(lo) || len(x) != len(hi) {
		return nil, fmt.Errorf("%w: %d, %d, %d", ErrBandLength, len(x), len(lo), len(hi))
	}
	if len(x) == 0 {
		return nil, errors.New("plots: band has no data")
	}
	for i := range x {
		for _, v := range [...]float64{x[i], lo[i], hi[i]} {
			if math.IsNaN(v) {
				return nil, fmt.Errorf("plots: band point %d: NaN", i)
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: band point %d: infinity", i)
			}
		}
		if lo[i] > hi[i] {
			return nil, fmt.Errorf("%w at point %d: %g > %g", ErrBandOrder, i, lo[i], hi[i])
		}
		if i > 0 && x[i] < x[i-1] {
			return nil, fmt.Errorf("%w at point %d", ErrBandX, i)
		}
	}
	return &Band{
		X:         append([]float64(nil), x...),
		Lo:        append([]float64(nil), lo...),
		Hi:        append([]float64(nil), hi...),
		FillColor: color.Gray{Y: 0xDD},
	}, nil
}

// Plot draws the band, implementing plot.Plotter.
func (b *Band) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n := len(b.X)
	lo := make([]vg.Point, n)
	hi := make([]vg.Point, n)
	for i := range b.X {
		x := trX(b.X[i])
		lo[i] = vg.Point{X: x, Y: trY(b.Lo[i])}
		hi[i] = vg.Point{X: x, Y: trY(b.Hi[i])}
	}
	if b.FillColor != nil {
		poly := make([]vg.Point, 0, 2*n)
		poly = append(poly, lo...)
		for i := n - 1; i >= 0; i-- {
			poly = append(poly, hi[i])
		}
		if poly = c.ClipPolygonXY(poly); len(poly) > 2 {
			c.FillPolygon(b.FillColor, poly)
		}
	}
	if b.LineStyle.Width > 0 && b.LineStyle.Color != nil {
		c.StrokeLines(b.LineStyle, c.ClipLinesXY(lo)...)
		c.StrokeLines(b.LineStyle, c.ClipLinesXY(hi)...)
	}
}

// DataRange returns the extent of the band, implementing plot.DataRanger.
func (b *Band) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = b.X[0], b.X[len(b.X)-1]
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := range b.X {
		ymin = math.Min(ymin, b.Lo[i])
		ymax = math.Max(ymax, b.Hi[i])
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail draws a filled box for a legend, implementing
// plot.Thumbnailer.
func (b *Band) Thumbnail(c *draw.Canvas) {
	if b.FillColor == nil {
		return
	}
	h := (c.Max.Y - c.Min.Y) / 6
	lo, hi := c.Min.Y+h, c.Max.Y-h
	c.FillPolygon(b.FillColor, []vg.Point{
		{X: c.Min.X, Y: lo}, {X: c.Max.X, Y: lo},
		{X: c.Max.X, Y: hi}, {X: c.Min.X, Y: hi},
	})
}
