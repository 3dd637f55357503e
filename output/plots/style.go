package plots

import (
	"fmt"
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Sizes below are in points as printed at Options.PrintWidth (one journal
// column, 8.5 cm, by default); style multiplies them by
// Width/PrintWidth, so a figure drawn 16 cm wide and shrunk to one column
// prints with these sizes. No text is smaller than 8 pt when printed.
const (
	titleSize      = 11   // figure title
	subtitleSize   = 8.5  // figure subtitle
	panelTitleSize = 9    // one panel's title
	axisLabelSize  = 8.5  // y axis label
	tickSize       = 8    // tick labels
	legendSize     = 8    // legend entries
	eventSize      = 8    // event labels and the event key
	lineWidth      = 1.2  // a series' mean line
	totalWidth     = 1.8  // the "All regions" line of the multihoming figure
	baselineAlpha  = 0.4  // opacity of a counterfactual's line, in its series' colour
	thumbWidth     = 24   // a legend sample
	zeroWidth      = 0.7  // the zero line of an effect panel
	bandAlpha      = 0.18 // opacity of a band (5th-95th percentile) in its series' colour
	bandEdgeAlpha  = 0.6  // opacity of a band's edges, where it has them (the narrow band of a calibration figure)
	bandEdgeWidth  = 0.4  // width of those edges
	dotRadius      = 1.8  // an observation of a calibration figure
	baseBandAlpha  = 0.08 // opacity of a baseline's band: lighter
)

// okabeIto is the colour-blind-safe palette of Okabe & Ito (2008), in the
// order entities without a Color draw from it: the two most distinct hues
// first, yellow (hard to see on white) last.
var okabeIto = []color.Color{
	rgb(0x00, 0x72, 0xB2), // blue
	rgb(0xD5, 0x5E, 0x00), // vermillion
	rgb(0x00, 0x9E, 0x73), // bluish green
	rgb(0xCC, 0x79, 0xA7), // reddish purple
	rgb(0xE6, 0x9F, 0x00), // orange
	rgb(0x56, 0xB4, 0xE9), // sky blue
	rgb(0x00, 0x00, 0x00), // black
	rgb(0xF0, 0xE4, 0x42), // yellow
}

// tolMuted is Paul Tol's colour-blind-safe "muted" palette, used for
// regions so that they never look like a method or a platform.
var tolMuted = []color.Color{
	rgb(0x33, 0x22, 0x88), // indigo
	rgb(0xCC, 0x66, 0x77), // rose
	rgb(0x44, 0xAA, 0x99), // teal
	rgb(0x88, 0x22, 0x55), // wine
	rgb(0x99, 0x99, 0x33), // olive
	rgb(0x88, 0xCC, 0xEE), // cyan
	rgb(0xAA, 0x44, 0x99), // purple
	rgb(0xDD, 0xCC, 0x77), // sand
}

// dashPatterns are the line patterns by declaration order, in printed
// points: solid, long dash, dash-dot, short dash, dash-dot-dot, very long
// dash, long-short. They let figures survive greyscale printing. A
// pattern always means a method, platform or region: a baseline
// (counterfactual) is its series' own line, pale.
var dashPatterns = [][]float64{
	nil,
	{4.5, 1.8},
	{4.5, 1.5, 1.2, 1.5},
	{2, 1.5},
	{6, 1.5, 1.2, 1.5, 1.2, 1.5},
	{9, 2.5},
	{6, 1.5, 2.5, 1.5},
}

var (
	black     = rgb(0, 0, 0)
	darkGrey  = rgb(0x33, 0x33, 0x33)
	eventGrey = rgb(0x55, 0x55, 0x55)
	gridGrey  = rgb(0xDD, 0xDD, 0xDD)
	spanGrey  = rgb(0xEE, 0xEE, 0xEE) // a promotion's span, under the grid
)

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xFF} }

// withAlpha returns c at opacity a in [0,1].
func withAlpha(c color.Color, a float64) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(a*255 + 0.5)
	return n
}

// parseColor parses "#RRGGBB".
func parseColor(s string) (color.Color, error) {
	if len(s) != 7 || s[0] != '#' {
		return nil, fmt.Errorf("colour %q: want #RRGGBB", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("colour %q: want #RRGGBB", s)
	}
	return rgb(uint8(v>>16), uint8(v>>8), uint8(v)), nil
}

// entityColor is the colour of the i-th method or platform: its own if
// set, else the palette's i-th.
func entityColor(hex string, i int) (color.Color, error) {
	if hex != "" {
		return parseColor(hex)
	}
	return okabeIto[i%len(okabeIto)], nil
}

// style holds the scaled sizes and text styles of one figure.
type style struct {
	scale                                                       float64 // Width / PrintWidth
	title, subtitle, panelTitle, axisLabel, tick, legend, event text.Style
}

func newStyle(width, printWidth vg.Length) *style {
	s := &style{scale: float64(width / printWidth)}
	// One face only: vgpdf (gonum/plot v0.17.0) embeds every font of a
	// PDF under the same file name, so a second face (bold) would be drawn
	// with the first one's glyphs. Hierarchy comes from size and colour.
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	measured := newMeasuredText()
	mk := func(f font.Font, size float64, c color.Color) text.Style {
		return text.Style{
			Color:   c,
			Font:    font.From(f, s.pt(size)),
			Handler: measured,
		}
	}
	s.title = mk(sans, titleSize, black)
	s.subtitle = mk(sans, subtitleSize, darkGrey)
	s.panelTitle = mk(sans, panelTitleSize, black)
	s.axisLabel = mk(sans, axisLabelSize, black)
	s.tick = mk(sans, tickSize, black)
	s.legend = mk(sans, legendSize, black)
	s.event = mk(sans, eventSize, eventGrey)
	return s
}

// pt returns a length of x points as printed.
func (s *style) pt(x float64) vg.Length { return vg.Points(x * s.scale) }

// dashes returns the scaled dash pattern number i (cycling).
func (s *style) dashes(i int) []vg.Length {
	p := dashPatterns[i%len(dashPatterns)]
	if p == nil {
		return nil
	}
	d := make([]vg.Length, len(p))
	for k, v := range p {
		d[k] = s.pt(v)
	}
	return d
}

// lineHeight is the height of one line of text in sty.
func lineHeight(sty text.Style) vg.Length { return sty.FontExtents().Height }

// styleAxes applies the figure's fonts and line widths to p.
func (s *style) styleAxes(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = s.axisLabel
		a.Label.Padding = s.pt(2)
		a.Tick.Label = s.tick
		a.Width = s.pt(0.5)
		a.Tick.Width = s.pt(0.5)
		a.Tick.Length = s.pt(3)
		a.Padding = s.pt(2)
	}
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.XAlign = draw.XCenter
		a.Label.TextStyle.YAlign = draw.YBottom
	}
	p.X.Padding = 0
}
