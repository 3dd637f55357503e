package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TornadoBar is one parameter of a tornado figure: the figure's value
// with the parameter at the low and at the high end of its range, the
// others at their scenario values.
type TornadoBar struct {
	// Label names the parameter and its range, such as
	// "switch_cost 0 to 3".
	Label string
	// AtLo and AtHi are the figure's values with the parameter at its
	// low and high end.
	AtLo, AtHi float64
}

// TornadoInput is what TornadoFigure draws.
type TornadoInput struct {
	// Name is the file name without extension; Title and Desc the title
	// and subtitle; Scenario the scenario's name, for the PNG text.
	Name, Title, Desc, Scenario string
	// XLabel says what the values are, with their unit.
	XLabel string
	// Base is the value with every parameter at its scenario value.
	Base float64
	// Bars are drawn top to bottom in this order (widest first, as a
	// tornado).
	Bars []TornadoBar
	// Note is printed under the plot: how the values were computed.
	Note string
}

// TornadoFigure draws a one-at-a-time sensitivity: a horizontal bar per
// parameter from its value at the low end to its value at the high end
// (the low end's half pale), around a line at the base value.
func TornadoFigure(in TornadoInput, opt Options) (Figure, error) {
	if len(in.Bars) == 0 {
		return Figure{}, errors.New("plots: tornado figure without parameters")
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !finite(in.Base) {
		return Figure{}, fmt.Errorf("plots: tornado figure: base value %v", in.Base)
	}
	for _, b := range in.Bars {
		if !finite(b.AtLo) || !finite(b.AtHi) {
			return Figure{}, fmt.Errorf("plots: tornado figure: %s has values %v and %v", b.Label, b.AtLo, b.AtHi)
		}
	}
	opt = opt.withDefaults()
	if err := opt.check(); err != nil {
		return Figure{}, fmt.Errorf("plots: %w", err)
	}
	st := newStyle(opt.Width, opt.PrintWidth)
	p := plot.New()
	p.BackgroundColor = color.Transparent
	st.styleAxes(p)
	p.X.Label.Text = in.XLabel
	n := len(in.Bars)
	names := make([]string, n)
	lo, hi := in.Base, in.Base
	for i, b := range in.Bars {
		names[n-1-i] = b.Label // NominalY counts from the bottom
		lo = math.Min(lo, math.Min(b.AtLo, b.AtHi))
		hi = math.Max(hi, math.Max(b.AtLo, b.AtHi))
	}
	pad := 0.05 * math.Max(hi-lo, math.Max(math.Abs(in.Base)*0.1, 1e-9))
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.NominalY(names...)
	p.Y.Padding = 0
	p.Add(&tornadoBars{in: in, height: 0.6, dark: color.RGBA{0x00, 0x72, 0xB2, 0xff}, pale: color.RGBA{0x99, 0xc7, 0xe0, 0xff}})
	p.Add(&baseLine{x: in.Base, style: draw.LineStyle{Color: black, Width: st.pt(0.7), Dashes: []vg.Length{st.pt(3), st.pt(2)}}})
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4

	title, sub := in.Title, in.Desc
	if opt.NoTitle {
		title, sub = "", ""
	}
	w := opt.Width
	margin := st.pt(4)
	textW := w - 2*margin
	var head []headLine
	if title != "" {
		for _, l := range wrap(st.title, title, textW) {
			head = append(head, headLine{l, st.title})
		}
	}
	if sub != "" {
		for _, l := range wrap(st.subtitle, sub, textW) {
			head = append(head, headLine{l, st.subtitle})
		}
	}
	legend := []headLine{{"Dark: the parameter at the high end of its range; pale: at the low end. Dashed line: every parameter at its scenario value.", st.legend}}
	var foot []headLine
	for _, l := range wrap(st.legend, legend[0].text, textW) {
		foot = append(foot, headLine{l, st.legend})
	}
	if in.Note != "" {
		for _, l := range wrap(st.event, in.Note, textW) {
			foot = append(foot, headLine{l, st.event})
		}
	}
	lineH := func(ls []headLine) vg.Length {
		var h vg.Length
		for _, l := range ls {
			h += l.style.Height(l.text) * 1.25
		}
		return h
	}
	plotH := vg.Length(n)*st.pt(16) + st.pt(40)
	h := margin + lineH(head) + st.pt(4) + plotH + st.pt(4) + lineH(foot) + margin
	figure := func(c draw.Canvas) {
		y := c.Max.Y - margin
		for _, l := range head {
			y -= l.style.Height(l.text)
			c.FillText(l.style, vg.Point{X: c.Min.X + margin, Y: y}, l.text)
			y -= l.style.Height(l.text) * 0.25
		}
		y -= st.pt(4)
		area := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: c.Min.X + margin, Y: y - plotH}, Max: vg.Point{X: c.Max.X - margin, Y: y}}}
		p.Draw(area)
		y -= plotH + st.pt(4)
		for _, l := range foot {
			y -= l.style.Height(l.text)
			c.FillText(l.style, vg.Point{X: c.Min.X + margin, Y: y}, l.text)
			y -= l.style.Height(l.text) * 0.25
		}
	}
	b := &builder{opt: opt, scenario: in.Scenario}
	return Figure{Name: in.Name, Title: in.Title, Width: w, Height: h, Draw: figure, Text: b.pngText(in.Title)}, nil
}

type headLine struct {
	text  string
	style text.Style
}

// tornadoBars draws the bars of a tornado figure.
type tornadoBars struct {
	in         TornadoInput
	height     float64 // in units of the nominal axis
	dark, pale color.Color
}

// Plot implements plot.Plotter.
func (t *tornadoBars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	n := len(t.in.Bars)
	rect := func(x0, x1, y float64, col color.Color) {
		if x0 == x1 {
			return
		}
		a, b := trX(math.Min(x0, x1)), trX(math.Max(x0, x1))
		lo, hi := trY(y-t.height/2), trY(y+t.height/2)
		c.FillPolygon(col, []vg.Point{{X: a, Y: lo}, {X: b, Y: lo}, {X: b, Y: hi}, {X: a, Y: hi}})
	}
	for i, b := range t.in.Bars {
		y := float64(n - 1 - i)
		rect(t.in.Base, b.AtLo, y, t.pale)
		rect(t.in.Base, b.AtHi, y, t.dark)
	}
}

// baseLine draws a vertical line at x.
type baseLine struct {
	x     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (l *baseLine) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	x := trX(l.x)
	c.StrokeLine2(l.style, x, c.Min.Y, x, c.Max.Y)
}
