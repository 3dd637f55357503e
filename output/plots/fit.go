package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FitPanel is one series of a calibration figure: the fitted curve over
// the steps, an optional band, and the data points.
type FitPanel struct {
	// Title names the series.
	Title string
	// Share says that values are shares, drawn in percent.
	Share bool
	// Dates are the first days of the steps; Curve the fitted model's
	// value at each, Lo and Hi the band (nil for none). NaN values are
	// left out.
	Dates         []time.Time
	Curve, Lo, Hi []float64
	// Points are the observations.
	Points []FitPoint
}

// FitPoint is an observation, drawn at the middle of its period.
type FitPoint struct {
	Date  time.Time
	Value float64
	// Held marks a point after the holdout date (drawn hollow).
	Held bool
}

// FitInput is what FitFigure draws.
type FitInput struct {
	// Name is the figure's file name without extension; Title its title.
	Name, Title string
	// Band describes the band for the legend; empty when there is none.
	Band string
	// Holdout, if not zero, is drawn as a vertical line.
	Holdout time.Time
	// Panels are drawn two per row, in order.
	Panels []FitPanel
}

// Colours of a calibration figure: Okabe-Ito blue for the fit and, light,
// its band; black for data; vermillion for the holdout date.
var (
	fitColor  = color.RGBA{0x00, 0x72, 0xB2, 0xFF}
	dataColor = color.RGBA{0x00, 0x00, 0x00, 0xFF}
	fitBand   = color.NRGBA{0x00, 0x72, 0xB2, 0x40}
	cutColor  = color.RGBA{0xD5, 0x5E, 0x00, 0xFF}
)

// decimalYear returns t as a year with its fraction, the x axis of a
// calibration figure.
func decimalYear(t time.Time) float64 {
	y := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	next := y.AddDate(1, 0, 0)
	return float64(t.Year()) + t.Sub(y).Hours()/next.Sub(y).Hours()
}

// FitFigure draws the data of a calibration against the fitted curves,
// one panel per series, two panels per row, 16 cm wide.
func FitFigure(in FitInput) (Figure, error) {
	if len(in.Panels) == 0 {
		return Figure{}, errors.New("plots: calibration figure without series")
	}
	cols := min(2, len(in.Panels))
	rows := (len(in.Panels) + cols - 1) / cols
	width := 16 * vg.Centimeter
	head := 1.6 * vg.Centimeter
	height := head + vg.Length(rows)*5.5*vg.Centimeter
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, pn := range in.Panels {
		p, err := fitPanel(pn, in.Holdout)
		if err != nil {
			return Figure{}, fmt.Errorf("plots: panel %s: %w", pn.Title, err)
		}
		grid[i/cols][i%cols] = p
	}
	draw := func(c draw.Canvas) {
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		top := c.Max.Y
		title := draw.TextStyle{Color: dataColor, Font: plot.DefaultFont, XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
		title.Font.Size = 12
		c.FillText(title, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top - 0.2*vg.Centimeter}, in.Title)
		key := title
		key.Font.Size = 8.5
		legend := "dots: data (hollow: held out); line: mean-field fit"
		if in.Band != "" {
			legend += "; " + in.Band
		}
		c.FillText(key, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top - 0.85*vg.Centimeter}, legend)
		body := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: c.Min, Max: vg.Point{X: c.Max.X, Y: top - head}}}
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.4 * vg.Centimeter, PadY: 0.3 * vg.Centimeter,
			PadTop: 0.1 * vg.Centimeter, PadBottom: 0.1 * vg.Centimeter, PadLeft: 0.1 * vg.Centimeter, PadRight: 0.3 * vg.Centimeter}
		canvases := plot.Align(grid, tiles, body)
		for r := range grid {
			for k, p := range grid[r] {
				if p != nil {
					p.Draw(canvases[r][k])
				}
			}
		}
	}
	return Figure{Name: in.Name, Title: in.Title, Width: width, Height: height, Draw: draw}, nil
}

// yearTicks labels whole years on an axis of decimal years, with
// unlabelled quarter ticks between when few years are shown.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	step := 1
	if max-min > 8 {
		step = 2
	}
	for y := int(math.Ceil(min)); float64(y) <= max; y++ {
		if y%step == 0 {
			ts = append(ts, plot.Tick{Value: float64(y), Label: fmt.Sprint(y)})
		} else {
			ts = append(ts, plot.Tick{Value: float64(y)})
		}
	}
	if max-min <= 4 {
		for q := math.Ceil(4*min) / 4; q <= max; q += 0.25 {
			if q != math.Floor(q) {
				ts = append(ts, plot.Tick{Value: q})
			}
		}
	}
	return ts
}

// fitPanel draws one series.
func fitPanel(pn FitPanel, holdout time.Time) (*plot.Plot, error) {
	if len(pn.Dates) != len(pn.Curve) || (pn.Lo != nil && (len(pn.Lo) != len(pn.Dates) || len(pn.Hi) != len(pn.Dates))) {
		return nil, errors.New("dates, curve and band differ in length")
	}
	scale := 1.0
	if pn.Share {
		scale = 100
	}
	p := plot.New()
	p.Title.Text = pn.Title
	p.Title.TextStyle.Font.Size = 9
	p.X.Tick.Label.Font.Size = 7.5
	p.X.Tick.Marker = yearTicks{}
	p.Y.Tick.Label.Font.Size = 7.5
	p.Y.Label.TextStyle.Font.Size = 8
	if pn.Share {
		p.Y.Label.Text = "%"
	}
	if pn.Lo != nil {
		var x, lo, hi []float64
		for i, d := range pn.Dates {
			if !math.IsNaN(pn.Lo[i]) && !math.IsNaN(pn.Hi[i]) {
				x, lo, hi = append(x, decimalYear(d)), append(lo, scale*pn.Lo[i]), append(hi, scale*pn.Hi[i])
			}
		}
		if len(x) > 0 {
			b, err := NewBand(x, lo, hi)
			if err != nil {
				return nil, err
			}
			b.FillColor = fitBand
			p.Add(b)
		}
	}
	var line plotter.XYs
	for i, d := range pn.Dates {
		if !math.IsNaN(pn.Curve[i]) {
			line = append(line, plotter.XY{X: decimalYear(d), Y: scale * pn.Curve[i]})
		}
	}
	if len(line) > 0 {
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = fitColor, 1.2
		p.Add(l)
	}
	for _, held := range []bool{false, true} {
		var pts plotter.XYs
		for _, q := range pn.Points {
			if q.Held == held {
				pts = append(pts, plotter.XY{X: decimalYear(q.Date), Y: scale * q.Value})
			}
		}
		if len(pts) == 0 {
			continue
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.Color, s.Radius = dataColor, 2
		s.Shape = draw.CircleGlyph{}
		if held {
			s.Shape = draw.RingGlyph{}
		}
		p.Add(s)
	}
	if !holdout.IsZero() {
		x := decimalYear(holdout)
		_, _, ymin, ymax := plotter.XYRange(line)
		for _, q := range pn.Points {
			ymin, ymax = math.Min(ymin, scale*q.Value), math.Max(ymax, scale*q.Value)
		}
		cut, err := plotter.NewLine(plotter.XYs{{X: x, Y: ymin}, {X: x, Y: ymax}})
		if err != nil {
			return nil, err
		}
		cut.Color, cut.Dashes = cutColor, []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(cut)
	}
	return p, nil
}
