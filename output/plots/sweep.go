package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CurveSeries is one line of a share curve: an output's mean over
// replicates against a parameter, with the band of its replicates.
type CurveSeries struct {
	Label string
	// X are the parameter's values, increasing; Mean the output's mean
	// there and Lo, Hi its band (nil for none).
	X, Mean, Lo, Hi []float64
}

// CurveInput is a one-way sweep's figure.
type CurveInput struct {
	// Name is the figure's file name without extension.
	Name string
	// Title, Subtitle and Note (under the plot) say what it shows;
	// Scenario goes into PNG files.
	Title, Subtitle, Note, Scenario string
	XLabel, YLabel                  string
	Series                          []CurveSeries
}

// sweepSize is the size of a sweep's figures at the default width: 16
// by 11 cm.
const sweepAspect = 11.0 / 16

// titled draws the title, subtitle and note of a sweep figure around the
// area that draw fills.
func titled(st *style, title, subtitle, note string, noTitle bool, inner func(c draw.Canvas)) func(c draw.Canvas) {
	return func(c draw.Canvas) {
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		top := c.Max.Y - st.pt(4)
		pad := st.pt(6)
		width := c.Max.X - c.Min.X - 2*pad
		if !noTitle && title != "" {
			for _, l := range wrap(st.title, title, width) {
				top -= lineHeight(st.title)
				c.FillText(st.title, vg.Point{X: c.Min.X + pad, Y: top}, l)
			}
			for i, l := range wrap(st.subtitle, subtitle, width) {
				top -= lineHeight(st.subtitle)
				if i == 0 {
					top -= st.pt(2)
				}
				c.FillText(st.subtitle, vg.Point{X: c.Min.X + pad, Y: top}, l)
			}
			top -= st.pt(4)
		}
		bottom := c.Min.Y + st.pt(2)
		lines := wrap(st.event, note, width)
		for i := len(lines) - 1; i >= 0; i-- {
			c.FillText(st.event, vg.Point{X: c.Min.X + pad, Y: bottom}, lines[i])
			bottom += lineHeight(st.event)
		}
		if note != "" {
			bottom += st.pt(4)
		}
		area := c
		area.Min.Y, area.Max.Y = bottom, top
		area.Max.X -= st.pt(12) // room for the last tick label
		inner(area)
	}
}

// SweepCurve draws output against a parameter, one line per series in
// the Okabe-Ito colours and line patterns of the other figures, each
// over its band, Options.Width wide (at most 11/16 as tall). Of opt, the
// width, NoTitle, Seed and Version matter.
func SweepCurve(in CurveInput, opt Options) (Figure, error) {
	opt = opt.withDefaults()
	if len(in.Series) == 0 {
		return Figure{}, errors.New("plots: share curve without series")
	}
	st := newStyle(opt.Width, opt.PrintWidth)
	p := plot.New()
	st.styleAxes(p)
	p.X.Label.Text, p.Y.Label.Text = in.XLabel, in.YLabel
	p.Legend.TextStyle = st.legend
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.ThumbnailWidth = st.pt(thumbWidth)
	for i, s := range in.Series {
		if len(s.X) == 0 || len(s.X) != len(s.Mean) {
			return Figure{}, fmt.Errorf("plots: share curve series %q: %d x, %d means", s.Label, len(s.X), len(s.Mean))
		}
		col := okabeIto[i%len(okabeIto)]
		if s.Lo != nil {
			b, err := NewBand(s.X, s.Lo, s.Hi)
			if err != nil {
				return Figure{}, fmt.Errorf("plots: share curve series %q: %w", s.Label, err)
			}
			b.FillColor = withAlpha(col, bandAlpha)
			p.Add(b)
		}
		pts := make(plotter.XYs, len(s.X))
		for k := range s.X {
			pts[k] = plotter.XY{X: s.X[k], Y: s.Mean[k]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return Figure{}, fmt.Errorf("plots: share curve series %q: %w", s.Label, err)
		}
		l.Color, l.Width, l.Dashes = col, st.pt(lineWidth), st.dashes(i)
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return Figure{}, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: st.pt(dotRadius), Shape: draw.CircleGlyph{}}
		p.Add(l, sc)
		p.Legend.Add(s.Label, l)
	}
	p.Add(plotter.NewGrid())
	h := opt.Width * sweepAspect
	return Figure{Name: in.Name, Title: in.Title, Width: opt.Width, Height: h,
		Draw: titled(st, in.Title, in.Subtitle, in.Note, opt.NoTitle, p.Draw), Text: sweepText(in.Title, in.Scenario, opt)}, nil
}

// HeatmapInput is a two-way sweep's figure: an output's mean at every
// pair of levels of two parameters.
type HeatmapInput struct {
	Name                            string
	Title, Subtitle, Note, Scenario string
	XLabel, YLabel, ZLabel          string
	// X and Y are the levels, increasing; Z[iy][ix] the output at
	// (X[ix], Y[iy]), NaN where undefined.
	X, Y []float64
	Z    [][]float64
}

type gridXYZ struct{ in *HeatmapInput }

func (g gridXYZ) Dims() (c, r int)   { return len(g.in.X), len(g.in.Y) }
func (g gridXYZ) Z(c, r int) float64 { return g.in.Z[r][c] }
func (g gridXYZ) X(c int) float64    { return g.in.X[c] }
func (g gridXYZ) Y(r int) float64    { return g.in.Y[r] }

// SweepHeatmap draws the output over the grid of two parameters, in
// Kindlmann's perceptually uniform colour map (legible in grey and to
// colour-blind readers), with a colour bar, Options.Width wide.
func SweepHeatmap(in HeatmapInput, opt Options) (Figure, error) {
	opt = opt.withDefaults()
	if len(in.X) < 2 || len(in.Y) < 2 || len(in.Z) != len(in.Y) {
		return Figure{}, errors.New("plots: heat map needs at least 2 levels of each parameter")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range in.Z {
		if len(row) != len(in.X) {
			return Figure{}, errors.New("plots: heat map rows differ in length from its x levels")
		}
		for _, v := range row {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return Figure{}, errors.New("plots: heat map without a defined value")
	}
	if lo == hi {
		lo, hi = lo-0.5*math.Max(math.Abs(lo), 1e-9), hi+0.5*math.Max(math.Abs(hi), 1e-9)
	}
	cm := moreland.Kindlmann()
	cm.SetMin(lo)
	// Kindlmann's map ends in white: leave its last seventh out, so that
	// no cell looks like the background.
	top := hi + (hi-lo)/6
	cm.SetMax(top)
	pal := cm.Palette(255)
	st := newStyle(opt.Width, opt.PrintWidth)
	p := plot.New()
	st.styleAxes(p)
	p.X.Label.Text, p.Y.Label.Text = in.XLabel, in.YLabel
	hm := plotter.NewHeatMap(gridXYZ{&in}, pal)
	hm.Min, hm.Max = lo, top
	hm.NaN = color.Gray{Y: 0xCC}
	p.Add(hm)
	bar := plot.New()
	st.styleAxes(bar)
	bar.HideX()
	bar.Y.Label.Text = in.ZLabel
	cb := &plotter.ColorBar{ColorMap: cm, Vertical: true}
	bar.Add(cb)
	h := opt.Width * sweepAspect
	draw2 := func(c draw.Canvas) {
		barW := st.pt(60)
		main := c
		main.Max.X -= barW
		side := c
		side.Min.X = c.Max.X - barW + st.pt(8)
		p.Draw(main)
		bar.Draw(side)
	}
	return Figure{Name: in.Name, Title: in.Title, Width: opt.Width, Height: h,
		Draw: titled(st, in.Title, in.Subtitle, in.Note, opt.NoTitle, draw2), Text: sweepText(in.Title, in.Scenario, opt)}, nil
}

// IndexBar is one parameter's bars of a sensitivity figure.
type IndexBar struct {
	Label string
	// Values are the bars, one per measure, and Lo, Hi their intervals
	// (NaN for none).
	Values, Lo, Hi []float64
}

// IndicesInput is a sensitivity figure: per parameter one bar per
// measure (S1 and ST, or mu* and sigma).
type IndicesInput struct {
	Name                            string
	Title, Subtitle, Note, Scenario string
	YLabel                          string
	Measures                        []string
	Bars                            []IndexBar
}

// SensitivityBars draws the indices of each parameter as grouped bars
// with their intervals, the measures in the first Okabe-Ito colours.
func SensitivityBars(in IndicesInput, opt Options) (Figure, error) {
	opt = opt.withDefaults()
	if len(in.Bars) == 0 || len(in.Measures) == 0 {
		return Figure{}, errors.New("plots: sensitivity figure without indices")
	}
	st := newStyle(opt.Width, opt.PrintWidth)
	p := plot.New()
	st.styleAxes(p)
	p.Y.Label.Text = in.YLabel
	p.Legend.TextStyle = st.legend
	p.Legend.Top = true
	labels := make([]string, len(in.Bars))
	for i, b := range in.Bars {
		labels[i] = b.Label
	}
	w := st.pt(14)
	for m, name := range in.Measures {
		vals := make(plotter.Values, len(in.Bars))
		for i, b := range in.Bars {
			if m < len(b.Values) && !math.IsNaN(b.Values[m]) {
				vals[i] = b.Values[m]
			}
		}
		bc, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return Figure{}, err
		}
		bc.Color = okabeIto[m%len(okabeIto)]
		bc.LineStyle.Width = 0
		bc.Offset = vg.Length(float64(m)-float64(len(in.Measures)-1)/2) * w
		p.Add(bc)
		p.Legend.Add(name, bc)
		var errs plotter.XYs
		var yerr plotter.YErrors
		for i, b := range in.Bars {
			if m < len(b.Lo) && !math.IsNaN(b.Lo[m]) && !math.IsNaN(b.Hi[m]) {
				errs = append(errs, plotter.XY{X: float64(i), Y: b.Values[m]})
				yerr = append(yerr, struct{ Low, High float64 }{b.Values[m] - b.Lo[m], b.Hi[m] - b.Values[m]})
			}
		}
		if len(errs) > 0 {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{errs, yerr})
			if err != nil {
				return Figure{}, err
			}
			eb.LineStyle.Width = st.pt(0.8)
			eb.CapWidth = st.pt(4)
			off := float64(m) - float64(len(in.Measures)-1)/2
			p.Add(&shifted{eb, off * float64(w)})
		}
	}
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 12
	p.X.Tick.Label.XAlign = draw.XRight
	p.Add(plotter.NewGrid())
	h := opt.Width * sweepAspect
	return Figure{Name: in.Name, Title: in.Title, Width: opt.Width, Height: h,
		Draw: titled(st, in.Title, in.Subtitle, in.Note, opt.NoTitle, p.Draw), Text: sweepText(in.Title, in.Scenario, opt)}, nil
}

// shifted draws a plotter moved right by dx points, as a bar chart's
// Offset moves its bars.
type shifted struct {
	plot.Plotter
	dx float64
}

func (s *shifted) Plot(c draw.Canvas, p *plot.Plot) {
	c.Min.X += vg.Length(s.dx)
	c.Max.X += vg.Length(s.dx)
	s.Plotter.Plot(c, p)
}

// sweepText is what a sweep figure's PNG file says in tEXt chunks.
func sweepText(title, scenario string, opt Options) []PNGText {
	t := []PNGText{{"Title", title}, {"Scenario", scenario}}
	if opt.Seed != "" {
		t = append(t, PNGText{"Seed", opt.Seed})
	}
	if opt.Version != "" {
		t = append(t, PNGText{"Software", "interopsim " + opt.Version})
	}
	return t
}
