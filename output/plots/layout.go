package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// panel is one plot of a figure.
type panel struct {
	title   string
	yLabel  string // the panel's y axis label
	drawY   string // the label drawn above this panel's axis in this Draw
	percent bool   // y is a share in percent, drawn on a fixed 0-100 axis
	signed  bool   // y is an effect: the axis takes in negative values, with a line at zero
	series  []curve
	legend  []legendEntry // drawn under the panel; for figures without a shared legend
	dots    []*dots       // observations, drawn over the lines (calibration figures)

	titleLines []string // title, wrapped to the panel's width
	what       string   // what a count panel counts, for notes, such as "sign-ups"
	unit       string   // the unit of its values in words, such as " million"
	plot       *plot.Plot
	xt         *dateTicks
	yt         *percentTicks // nil on count axes
	top        float64       // largest value of a count axis
	bot        float64       // smallest value of a signed axis (0 if none is negative)
	legH       vg.Length     // height taken by the panel's own legend
	data       vg.Rectangle  // the data area, as last drawn
}

// event is a dated vertical marker: one or more events of the scenario
// on the same date.
type event struct {
	x     float64
	date  time.Time
	label string
	spans [][2]float64 // promotions' [start, end) shaded, in Unix seconds
	until time.Time    // the last end of a span, zero if none
}

// when is the event's date as the event key gives it: its date, and the
// end of its promotion if it has one.
func (ev event) when() string {
	if ev.until.IsZero() {
		return ev.date.Format("2 Jan 2006")
	}
	// Until is exclusive: the promotion's last day is the day before.
	last := ev.until.AddDate(0, 0, -1)
	from := "2 Jan 2006"
	switch {
	case ev.date.Year() == last.Year() && ev.date.Month() == last.Month():
		from = "2"
	case ev.date.Year() == last.Year():
		from = "2 Jan"
	}
	return ev.date.Format(from) + "–" + last.Format("2 Jan 2006")
}

// legendEntry is one line of a legend.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
	key    bool // part of the key to scenario and baseline lines
}

// layout is a figure: a title and subtitle, a grid of panels with aligned
// data areas, event markers, and legends outside every data area.
type layout struct {
	st              *style
	title, subtitle string
	keyedSubtitle   string // the subtitle when a legend holds the key to scenario and baseline lines, which names the scenario
	cols            int
	sharedY         bool // every panel has the same y label: draw it once, rotated, at the left, if it fits
	panels          []*panel
	legend          []legendEntry // shared, under the panels
	events          []event
	notes           []string
	xmin, xmax      float64
}

const maxLabelRows = 2 // event label rows before numbering them

// legendCellCols is the most columns of a legend drawn in the empty
// cells of the grid: two per cell.
func (l *layout) legendCellCols() int {
	return 2 * (l.rows()*l.cols - len(l.panels))
}

// build makes the panels' plots.
func (l *layout) build() {
	st := l.st
	var peaks []string
	for _, pn := range l.panels {
		p := plot.New()
		p.BackgroundColor = nil
		st.styleAxes(p)
		pn.xt = &dateTicks{style: st.tick}
		p.X.Tick.Marker = pn.xt

		p.Add(&eventSpans{l: l})
		p.Add(&hGrid{style: draw.LineStyle{Color: gridGrey, Width: st.pt(0.4)}})
		p.Add(&eventLines{l: l})
		for _, s := range pn.series {
			addBands(p, s.X, s.BaseLo, s.BaseHi, withAlpha(s.Color, baseBandAlpha), draw.LineStyle{})
		}
		for _, s := range pn.series {
			var edge draw.LineStyle
			if s.BandEdge > 0 {
				edge = draw.LineStyle{Color: withAlpha(s.Color, bandEdgeAlpha), Width: st.pt(s.BandEdge)}
			}
			addBands(p, s.X, s.Lo, s.Hi, withAlpha(s.Color, bandAlpha), edge)
		}
		if pn.signed {
			p.Add(&zeroLine{style: draw.LineStyle{Color: black, Width: st.pt(zeroWidth)}})
		}
		for _, s := range pn.series {
			if s.Baseline != nil {
				p.Add(st.baselineLine(s))
			}
		}
		for _, s := range pn.series {
			p.Add(st.meanLine(s))
		}
		for _, d := range pn.dots {
			p.Add(d)
		}

		p.X.Min, p.X.Max = l.xmin, l.xmax
		pn.plot = p
		if pn.percent {
			p.Y.Min, p.Y.Max = 0, 100
			pn.yt = &percentTicks{style: st.tick}
			p.Y.Tick.Marker = pn.yt
		} else {
			for _, s := range pn.series {
				pn.top = math.Max(pn.top, maxFinite(s.Mean, s.Hi, s.Baseline, s.BaseHi))
				if pn.signed {
					pn.bot = math.Min(pn.bot, minFinite(s.Mean, s.Lo, s.Baseline, s.BaseLo))
				}
			}
			for _, d := range pn.dots {
				pn.top = math.Max(pn.top, maxFinite(d.Y))
			}
			if !pn.signed {
				if top, peak, ok := l.startupTop(pn); ok {
					pn.top = top
					what := pn.what
					if what == "" {
						what = label(pn.title, pn.yLabel)
					}
					peaks = append(peaks, what+" up to "+fmtPeak(peak)+pn.unit)
				}
			}
			pn.setCountAxis(6, st)
		}
	}
	if len(peaks) > 0 {
		l.notes = append(l.notes, "Start-up peak off the axis: "+strings.Join(peaks, ", ")+".")
	}
	// Signed panels (effects) of a figure share their range, so that
	// regions compare at a glance.
	var bot, top float64
	for _, pn := range l.panels {
		if pn.signed {
			bot, top = math.Min(bot, pn.bot), math.Max(top, pn.top)
		}
	}
	for _, pn := range l.panels {
		if pn.signed {
			pn.bot, pn.top = bot, top
			pn.setCountAxis(6, st)
		}
	}
}

// Start-up peaks: a count axis leaves out the first startupShare of the
// steps (and only those before the first event) when they hold a peak
// more than startupRatio times the largest value after them.
const (
	startupShare = 0.1
	startupRatio = 1.5
)

// startupTop returns the top of a count panel's axis without its
// start-up peak, and the peak, when its series have one (see
// startupShare): a simulation that starts out of equilibrium (sign-ups
// by the shoppers who lack a method, in the first weeks) would otherwise
// set an axis under which everything after it is flat near zero. The
// lines run off the top of the data area there, and the figure says so in
// a note. A robust range (a percentile of all values) is not used: it
// would also cut real peaks later on, such as a promotion's.
func (l *layout) startupTop(pn *panel) (top, peak float64, ok bool) {
	if len(pn.series) == 0 {
		return 0, 0, false
	}
	x := pn.series[0].X
	k := int(startupShare * float64(len(x)))
	first := math.Inf(1)
	for _, ev := range l.events {
		first = math.Min(first, ev.x)
	}
	for k > 0 && x[k-1] >= first {
		k--
	}
	if k == 0 {
		return 0, 0, false
	}
	for _, s := range pn.series {
		for _, v := range [][]float64{s.Mean, s.Hi, s.Baseline, s.BaseHi} {
			if v == nil {
				continue
			}
			peak = math.Max(peak, maxFinite(v[:k]))
			top = math.Max(top, maxFinite(v[k:]))
		}
	}
	return top, peak, top > 0 && peak > startupRatio*top
}

// fmtPeak formats a peak value for a note, to two significant digits.
func fmtPeak(v float64) string {
	if v >= 10 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// addBands adds to p a band between lo and hi in colour c, its edges
// stroked in edge (none if its width is zero), for each stretch where
// both are defined; nil lo draws nothing.
func addBands(p *plot.Plot, x, lo, hi []float64, c color.Color, edge draw.LineStyle) {
	if lo == nil {
		return
	}
	for _, r := range finiteRuns(len(x), lo, hi) {
		b, err := NewBand(x[r[0]:r[1]], lo[r[0]:r[1]], hi[r[0]:r[1]])
		if err != nil {
			panic(err) // newFrame checked lo <= hi; finiteRuns keeps finite values
		}
		b.FillColor, b.LineStyle = c, edge
		p.Add(b)
	}
}

// setCountAxis makes the y axis of a count panel run from 0 to a round
// number, with at most n labelled ticks; a signed panel's axis runs from
// a round number at or below its smallest value, or from -1 to 1 if all
// its values are 0.
func (pn *panel) setCountAxis(n int, st *style) {
	if !pn.signed {
		ticks, top := niceTicks(pn.top, n)
		pn.plot.Y.Min, pn.plot.Y.Max = 0, top
		pn.plot.Y.Tick.Marker = ticks
		return
	}
	ticks, lo, hi := niceRange(pn.bot, pn.top, n)
	pn.plot.Y.Min, pn.plot.Y.Max = lo, hi
	pn.plot.Y.Tick.Marker = ticks
}

func (st *style) meanLine(s curve) *gapLine {
	w := s.Width
	if w == 0 {
		w = lineWidth
	}
	return &gapLine{X: s.X, Y: s.Mean, LineStyle: draw.LineStyle{
		Color: s.Color, Width: st.pt(w), Dashes: st.dashes(s.Dashes),
	}}
}

func (st *style) baselineLine(s curve) *gapLine {
	return &gapLine{X: s.X, Y: s.Baseline, LineStyle: st.baselineStyle(s)}
}

// baselineStyle is the style of s's baseline: s's own line (colour,
// pattern and width), pale.
func (st *style) baselineStyle(s curve) draw.LineStyle {
	ls := st.meanLine(s).LineStyle
	ls.Color = withAlpha(s.Color, baselineAlpha)
	return ls
}

func (st *style) eventStyle() draw.LineStyle {
	return draw.LineStyle{Color: eventGrey, Width: st.pt(0.7), Dashes: []vg.Length{st.pt(3), st.pt(2)}}
}

// hGrid draws horizontal grid lines at the labelled ticks of the y axis,
// the labels left out or not (see percentTicks.bare), like plotter.Grid
// at a Grid's Horizontal.
type hGrid struct{ style draw.LineStyle }

func (g *hGrid) Plot(c draw.Canvas, plt *plot.Plot) {
	_, trY := plt.Transforms(&c)
	marker := plt.Y.Tick.Marker
	if pt, ok := marker.(*percentTicks); ok && pt.bare {
		labelled := *pt
		labelled.bare = false
		marker = &labelled
	}
	for _, t := range marker.Ticks(plt.Y.Min, plt.Y.Max) {
		if t.IsMinor() {
			continue
		}
		if y := trY(t.Value); c.ContainsY(y) {
			c.StrokeLine2(g.style, c.Min.X, y, c.Max.X, y)
		}
	}
}

// zeroLine draws a horizontal line at y = 0 across the data area. It has
// no data range, so it never widens the axes.
type zeroLine struct{ style draw.LineStyle }

func (z *zeroLine) Plot(c draw.Canvas, plt *plot.Plot) {
	_, trY := plt.Transforms(&c)
	if y := trY(0); c.ContainsY(y) {
		c.StrokeLine2(z.style, c.Min.X, y, c.Max.X, y)
	}
}

// eventSpans shades the spans of the layout's promotions across the data
// area. It has no data range, so it never widens the axes.
type eventSpans struct{ l *layout }

func (e *eventSpans) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	for _, ev := range e.l.events {
		for _, sp := range ev.spans {
			x0, x1 := max(trX(sp[0]), c.Min.X), min(trX(sp[1]), c.Max.X)
			if x1 > x0 {
				c.FillPolygon(spanGrey, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
			}
		}
	}
}

// eventLines draws the layout's events as vertical dashed lines across the
// data area. It has no data range, so it never widens the axes.
type eventLines struct{ l *layout }

func (e *eventLines) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	sty := e.l.st.eventStyle()
	for _, ev := range e.l.events {
		if x := trX(ev.x); c.ContainsX(x) {
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
}

// Draw draws the figure on c. It is not safe for concurrent use.
//
// From the top: title, subtitle, the grid of panels, the shared legend,
// and notes (the event key when events are numbered). Each panel has its
// title, then a strip holding the y axis label (left-aligned above the
// tick labels, horizontal so that it never constrains the panel's height)
// and the event labels, then its data area, then its own legend if any.
// When the grid has an empty cell and the shared legend fits in it as one
// column, the legend goes there instead of under the grid.
func (l *layout) Draw(c draw.Canvas) {
	st := l.st
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	inner, lo, canvases := l.arrange(c)
	rows := lo.rows
	labels, rotated, inCell := lo.labels, lo.rotated, lo.inCell

	y := drawLines(inner, st.title, lo.titleLines, inner.Min.X, inner.Max.Y)
	y -= st.pt(1)
	drawLines(inner, st.subtitle, lo.subtitleLines, inner.Min.X, y)
	if len(lo.noteLines) > 0 {
		h := vg.Length(len(lo.noteLines)) * lineHeight(st.event)
		drawLines(inner, st.event, lo.noteLines, inner.Min.X, inner.Min.Y+h)
	}
	if lo.legendBelow {
		drawLegend(st, lo.legendC, lo.below, 0)
	}

	for i, pn := range l.panels {
		pc := canvases[i/l.cols][i%l.cols]
		plotC := draw.Crop(pc, 0, 0, pn.legH, -lo.top(i))
		pn.plot.Draw(plotC)
		dc := pn.plot.DataCanvas(plotC)
		pn.data = dc.Rectangle
		// At the top of the row: a panel's canvas ends where its own
		// axes need, which differs when its tick labels are left out.
		rowTop := pc.Max.Y
		for _, c := range canvases[i/l.cols] {
			rowTop = max(rowTop, c.Max.Y)
		}
		// Titles wrap to the tile's width, but a panel with narrow (or
		// no) y tick labels starts right of its tile: a title that
		// would run into the next panel or past the figure's edge
		// starts further left.
		tx, limit := pc.Min.X, inner.Max.X
		if c := i % l.cols; c+1 < l.cols && i+1 < len(l.panels) {
			limit = canvases[i/l.cols][c+1].Min.X - lo.tiles.PadX/2
		}
		for _, line := range pn.titleLines {
			tx = min(tx, limit-st.panelTitle.Width(line))
		}
		drawLines(pc, st.panelTitle, pn.titleLines, tx, rowTop)
		if pn.drawY != "" {
			ys := st.axisLabel
			ys.XAlign, ys.YAlign = draw.XLeft, draw.YBottom
			pc.FillText(ys, vg.Point{X: pc.Min.X, Y: dc.Max.Y + l.labelBase(0)}, pn.drawY)
		}
		if i < l.cols {
			// Above the first row only: the columns' x axes line up.
			l.drawEventLabels(pc, dc, pn.plot, pn.drawY, labels)
		}
		if len(pn.legend) > 0 {
			lc := pc
			lc.Max.Y = lc.Min.Y + pn.legH - st.pt(3)
			// As wide as the tile, the width legH was measured at: in
			// the narrower data area it could need more rows than legH.
			drawLegend(st, lc, pn.legend, 0)
		}
	}
	if rotated != "" {
		// Centred on the data areas of the whole grid.
		first, last := l.panels[0], l.panels[(rows-1)*l.cols]
		top := first.plot.DataCanvas(draw.Crop(canvases[0][0], 0, 0, first.legH, -lo.top(0))).Max.Y
		bottom := last.plot.DataCanvas(draw.Crop(canvases[rows-1][0], 0, 0, last.legH, -lo.top((rows-1)*l.cols))).Min.Y
		ys := st.axisLabel
		ys.Rotation = math.Pi / 2
		ys.XAlign, ys.YAlign = draw.XCenter, draw.YBottom
		x := inner.Min.X + ys.Height(rotated) - ys.FontExtents().Descent
		c.FillText(ys, vg.Point{X: x, Y: (top + bottom) / 2}, rotated)
	}
	if inCell {
		cell := lo.legendCell(canvases, len(l.panels), l.cols)
		maxCols := l.legendCellCols()
		h := legendHeight(st, lo.inCellEntries, lo.cellW, maxCols)
		mid := (cell.Min.Y + cell.Max.Y) / 2
		cell.Min.Y, cell.Max.Y = mid-h/2, mid+h/2
		// Laid out at the width planned for it, ending at the right of
		// the cells.
		cell.Min.X = min(cell.Min.X, cell.Max.X-lo.cellW)
		drawLegend(st, cell, lo.inCellEntries, maxCols)
	}
}

// arrange lays the figure out on c without drawing: it returns the
// canvas inside the figure's margins, the plan and the panels' canvases
// (see align).
func (l *layout) arrange(c draw.Canvas) (draw.Canvas, layoutPlan, [][]draw.Canvas) {
	pad := l.st.pt(4)
	inner := draw.Crop(c, pad, -pad, pad, -pad)

	// Lay out first, draw after: written-out event labels that do not
	// fit are numbered, with a key in the notes, which takes room from
	// the panels and may change whether the labels fit; so a layout that
	// ends up numbering labels it did not plan to is redone with numbers
	// from the start, and the key is never left out.
	var lo layoutPlan
	for _, numbered := range []bool{false, true} {
		lo = l.plan(inner, numbered)
		if lo.numbered || !lo.labelsNumbered() {
			break
		}
	}
	return inner, lo, l.align(lo.area, lo.tiles, lo.top)
}

// dataAreas lays the figure out on a w by h canvas, drawing nothing, and
// returns its panels' data areas.
func (l *layout) dataAreas(w, h vg.Length) []vg.Rectangle {
	_, lo, cs := l.arrange(blankCanvas(w, h))
	rs := make([]vg.Rectangle, len(l.panels))
	for i, pn := range l.panels {
		pc := cs[i/l.cols][i%l.cols]
		rs[i] = pn.plot.DataCanvas(draw.Crop(pc, 0, 0, pn.legH, -lo.top(i))).Rectangle
	}
	return rs
}

// blankCanvas is a w by h canvas that draws nothing.
func blankCanvas(w, h vg.Length) draw.Canvas {
	return draw.Canvas{Canvas: new(recorder.Canvas), Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
}

// layoutPlan is where Draw puts things.
type layoutPlan struct {
	numbered                  bool // event labels are numbers, keyed in the notes
	titleLines, subtitleLines []string
	noteLines                 []string
	tiles                     draw.Tiles
	rows, cols                int
	area                      draw.Canvas   // the grid of panels
	legendBelow               bool          // the shared legend, or its key, is drawn in legendC
	below, inCellEntries      []legendEntry // the entries of the shared legend drawn under the grid and in its empty cells
	legendC                   draw.Canvas
	cellW                     vg.Length   // the width the legend in the empty cells is laid out at
	inCell                    bool        // the shared legend is in the grid's empty cell
	rotated                   string      // the shared y label drawn rotated, if any
	rowTitleH                 []vg.Length // the panel titles of each row
	strip                     vg.Length   // above every panel of the first row
	lowerStrip                vg.Length   // the strip of the other rows
	labels                    []eventLabel
}

// labelsNumbered reports whether placeEvents numbered the event labels.
func (p *layoutPlan) labelsNumbered() bool {
	for _, lb := range p.labels {
		if lb.text != "" && strings.IndexFunc(lb.text, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
			return true
		}
	}
	return false
}

// plan lays the figure out in inner, numbering the event labels if
// numbered or if written out they would not fit. It sets the panels'
// legH and drawY and their axes' ticks, and draws nothing.
func (l *layout) plan(inner draw.Canvas, numbered bool) layoutPlan {
	st := l.st
	var p layoutPlan
	width := inner.Max.X - inner.Min.X
	gap := st.pt(6)

	// Title and subtitle, top left.
	p.titleLines = wrap(st.title, l.title, width)
	p.subtitleLines = wrap(st.subtitle, l.subtitle, width)
	area := inner
	area.Max.Y = inner.Max.Y - vg.Length(len(p.titleLines))*lineHeight(st.title) - st.pt(1) -
		vg.Length(len(p.subtitleLines))*lineHeight(st.subtitle) - gap

	rows := (len(l.panels) + l.cols - 1) / l.cols
	tiles := draw.Tiles{Rows: rows, Cols: l.cols, PadX: st.pt(16), PadY: st.pt(6)}

	// Notes at the bottom: the event key when labels do not fit.
	numbered = numbered || l.eventsNumbered(area, tiles)
	p.numbered = numbered
	var notes []string
	if numbered {
		for i, ev := range l.events {
			if l.inRange(ev) {
				notes = append(notes, fmt.Sprintf("%d: %s (%s)", i+1, ev.label, ev.when()))
			}
		}
	}
	notes = append(notes, l.notes...)
	for _, n := range notes {
		p.noteLines = append(p.noteLines, wrap(st.event, n, width)...)
	}
	if len(p.noteLines) > 0 {
		h := vg.Length(len(p.noteLines)) * lineHeight(st.event)
		area.Min.Y = inner.Min.Y + h + st.pt(3)
	}

	// Small multiples: tick labels on the outer panels only. An x axis
	// with a panel under it (the same dates, lined up) leaves its labels
	// to that one; a percent axis right of another leaves its 0-100 to
	// the row's first.
	allPercent := true
	for _, pn := range l.panels {
		allPercent = allPercent && pn.yt != nil
	}
	for i, pn := range l.panels {
		pn.xt.bare = i+l.cols < len(l.panels)
		if pn.yt != nil {
			pn.yt.bare = allPercent && i%l.cols != 0
		}
	}

	// Per-panel legends under each panel: align makes each row of panels
	// taller by its tallest legend, so the data areas stay the same
	// height and a row's x axes stay aligned.
	tileW := (width - vg.Length(l.cols-1)*tiles.PadX) / vg.Length(l.cols)
	for _, pn := range l.panels {
		pn.legH = 0
		if len(pn.legend) > 0 {
			pn.legH = legendHeight(st, pn.legend, tileW, 0) + st.pt(3)
		}
	}

	// The shared legend: in the grid's empty cells (the end of its last
	// row) if it fits, else under the grid. The key to scenario and
	// baseline lines, which speaks of the whole figure and names both,
	// goes under the grid in any case when the rest fits in the cells.
	var series, key []legendEntry
	for _, e := range l.legend {
		if e.key {
			key = append(key, e)
		} else {
			series = append(series, e)
		}
	}
	inCell := false
	if len(series) > 0 && len(l.panels) < rows*l.cols {
		cell := tiles.At(area, len(l.panels)%l.cols, rows-1)
		cell.Max.X = tiles.At(area, l.cols-1, rows-1).Max.X
		cw := cell.Max.X - cell.Min.X
		maxCols := l.legendCellCols()
		// Laid out at the even tile's width, which Draw and gridFits
		// keep: the cells as placed are not quite the even tiles.
		p.cellW = cw
		_, _, colW := legendGrid(st, series, p.cellW, maxCols)
		total := vg.Length(len(colW)-1) * st.pt(12)
		for _, w := range colW {
			total += w
		}
		h := legendHeight(st, series, p.cellW, maxCols)
		inCell = total <= p.cellW && h <= (cell.Max.Y-cell.Min.Y)*0.8
	}
	p.below = l.legend
	if inCell {
		p.inCellEntries, p.below = series, key
	}
	if len(p.below) > 0 {
		h := legendHeight(st, p.below, width, 0)
		lc := area
		lc.Max.Y = lc.Min.Y + h
		p.legendBelow, p.legendC = true, lc
		area.Min.Y += h + st.pt(4)
	}

	// A shared y label goes once, rotated, at the left when it is shorter
	// than the grid's height (roughly); else above the axes of the left
	// column, like every other y label.
	rotated := ""
	if l.sharedY && st.axisLabel.Width(l.panels[0].yLabel) < (area.Max.Y-area.Min.Y)*0.75 {
		rotated = l.panels[0].yLabel
		area.Min.X += lineHeight(st.axisLabel) + st.pt(3)
	}
	for i, pn := range l.panels {
		pn.drawY = pn.yLabel
		if l.sharedY && (rotated != "" || i%l.cols != 0) {
			pn.drawY = ""
		}
	}
	// Panel titles wrap to their tile's width; every panel reserves the
	// room of the longest.
	p.rowTitleH = make([]vg.Length, rows)
	for i, pn := range l.panels {
		pn.titleLines = wrap(st.panelTitle, pn.title, tileW)
		if n := len(pn.titleLines); n > 0 {
			p.rowTitleH[i/l.cols] = max(p.rowTitleH[i/l.cols], vg.Length(n)*lineHeight(st.panelTitle)+st.pt(1))
		}
	}
	titleH := p.rowTitleH[0]
	p.strip, p.labels = l.placeEvents(area, tiles, titleH, numbered)
	p.lowerStrip = l.lowerStrip()
	p.tiles, p.rows, p.cols, p.area = tiles, rows, l.cols, area
	p.inCell, p.rotated = inCell, rotated
	return p
}

// top is the height above the plot of panel i (or of the empty cell
// after the last): its title, then the strip with event labels in the
// first row of panels, a strip for the y axis label at most in the
// others.
func (p layoutPlan) top(i int) vg.Length {
	titleH := p.rowTitleH[min(i/p.cols, p.rows-1)]
	if i < p.cols {
		return titleH + p.strip
	}
	return titleH + p.lowerStrip
}

// legendCell is the room of the shared legend in the empty cells of the
// grid (the end of its last row), whose canvases are cs: from the top of
// the row to its bottom, the empty cells having no title.
func (p layoutPlan) legendCell(cs [][]draw.Canvas, n, cols int) draw.Canvas {
	cell := cs[p.rows-1][n%cols]
	cell.Max.X = cs[p.rows-1][cols-1].Max.X
	return cell
}

// lowerStrip is the height of the strip above the panels under the first
// row: a row for the y axis label if one of them draws one above its
// axis, else only the room of a strip without rows.
func (l *layout) lowerStrip() vg.Length {
	for _, pn := range l.panels[min(l.cols, len(l.panels)):] {
		if pn.drawY != "" {
			return l.stripRowHeight() + l.st.pt(2)
		}
	}
	return l.st.pt(1.5)
}

// stripRowHeight is the height of one row of the strip above a panel.
func (l *layout) stripRowHeight() vg.Length {
	return max(lineHeight(l.st.event), lineHeight(l.st.axisLabel))
}

// labelBase is the offset of the text origin of strip row r above the
// data area.
func (l *layout) labelBase(r int) vg.Length {
	return l.tickRise() + l.st.pt(1.5) + vg.Length(r)*l.stripRowHeight() + l.st.axisLabel.FontExtents().Descent
}

// tickRise is how far above the data area the strip's rows start: the
// label of the top tick of a y axis, which every axis has, is centred on
// the top edge, and its upper half would otherwise run into the y axis
// label written above it (and into event labels near the left edge). The
// plot keeps that half inside its own canvas (gonum's DataCanvas pads the
// data area by it), so the strip above the plot need not reserve it.
func (l *layout) tickRise() vg.Length { return l.st.tick.Height("0") / 2 }

// align returns the panels' canvases, placed so that once top and the
// panel's own legend are cropped from each, the data areas line up: the
// same left and right edges in a column, the same top and bottom in a
// row, and the same height in every row. A row is as tall as its data
// areas plus what its panels need above and below them, the tallest
// legend under it included, so that a panel with a tall legend takes
// its room from no other row. Tick density depends on the size of the
// data area, so it is set from a first pass.
func (l *layout) align(area draw.Canvas, tiles draw.Tiles, top func(int) vg.Length) [][]draw.Canvas {
	for _, pn := range l.panels {
		pn.xt.width = (area.Max.X - area.Min.X) / vg.Length(l.cols) * 0.8
		if pn.yt != nil {
			pn.yt.height = (area.Max.Y - area.Min.Y) / vg.Length(tiles.Rows) * 0.6
		}
	}
	var cs [][]draw.Canvas
	for range 2 {
		cs = l.place(area, tiles, top)
		for i, pn := range l.panels {
			pc := cs[i/l.cols][i%l.cols]
			dc := pn.plot.DataCanvas(draw.Crop(pc, 0, 0, pn.legH, -top(i)))
			pn.xt.width = dc.Max.X - dc.Min.X
			h := dc.Max.Y - dc.Min.Y
			if pn.yt != nil {
				pn.yt.height = h
			} else {
				// Labels at least 2 label heights apart.
				n := int(h/(2*l.st.tick.Height("0"))) + 1
				pn.setCountAxis(min(max(n, 2), 6), l.st)
			}
		}
	}
	return cs
}

// place is plot.Align for panels whose canvases lose top above and
// their legend below the plot: it measures how much room each panel
// needs on every side of its data area, gives each column and each row
// the most any of its panels needs, shares what is left of area evenly
// between the data areas, and returns each panel's canvas around its data
// area; an empty cell's canvas is its column's and row's room around the
// data area it would have.
func (l *layout) place(area draw.Canvas, tiles draw.Tiles, top func(int) vg.Length) [][]draw.Canvas {
	type margins struct{ left, right, bottom, top vg.Length }
	rows := tiles.Rows
	own := make([]margins, len(l.panels))
	colM := make([]margins, l.cols)
	rowM := make([]margins, rows)
	for i, pn := range l.panels {
		r, c := i/l.cols, i%l.cols
		// Measured in a tile stretched to hold the legend and top, so
		// that a tall legend leaves the plot room to be measured in.
		tc := tiles.At(area, c, r)
		tc.Min.Y -= pn.legH + top(i)
		dc := pn.plot.DataCanvas(draw.Crop(tc, 0, 0, pn.legH, -top(i)))
		m := margins{dc.Min.X - tc.Min.X, tc.Max.X - dc.Max.X, dc.Min.Y - tc.Min.Y, tc.Max.Y - dc.Max.Y}
		own[i] = m
		colM[c].left, colM[c].right = max(colM[c].left, m.left), max(colM[c].right, m.right)
		rowM[r].bottom, rowM[r].top = max(rowM[r].bottom, m.bottom), max(rowM[r].top, m.top)
	}
	spaceX := vg.Length(l.cols-1)*tiles.PadX + tiles.PadLeft + tiles.PadRight
	for _, m := range colM {
		spaceX += m.left + m.right
	}
	spaceY := vg.Length(rows-1)*tiles.PadY + tiles.PadTop + tiles.PadBottom
	for _, m := range rowM {
		spaceY += m.bottom + m.top
	}
	dataW := (area.Max.X - area.Min.X - spaceX) / vg.Length(l.cols)
	dataH := (area.Max.Y - area.Min.Y - spaceY) / vg.Length(rows)

	// The data areas' left edges, left to right, and bottom edges, top
	// to bottom.
	left := make([]vg.Length, l.cols)
	x := area.Min.X + tiles.PadLeft
	for c, m := range colM {
		left[c] = x + m.left
		x = left[c] + dataW + m.right + tiles.PadX
	}
	bottom := make([]vg.Length, rows)
	y := area.Max.Y - tiles.PadTop
	for r, m := range rowM {
		bottom[r] = y - m.top - dataH
		y = bottom[r] - m.bottom - tiles.PadY
	}
	cs := make([][]draw.Canvas, rows)
	for r := range cs {
		cs[r] = make([]draw.Canvas, l.cols)
		for c := range cs[r] {
			m := margins{colM[c].left, colM[c].right, rowM[r].bottom, rowM[r].top}
			if i := r*l.cols + c; i < len(l.panels) {
				m = own[i]
			}
			cs[r][c] = draw.Canvas{Canvas: area.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: left[c] - m.left, Y: bottom[r] - m.bottom},
				Max: vg.Point{X: left[c] + dataW + m.right, Y: bottom[r] + dataH + m.top},
			}}
		}
	}
	return cs
}

func (l *layout) inRange(ev event) bool { return ev.x >= l.xmin && ev.x <= l.xmax }

// eventLabel is a placed event label: its text and its row in the strip
// above the data area (0 nearest, -1 not drawn).
type eventLabel struct {
	text string
	row  int
}

// placeEvents assigns each event label a row so that labels in a row do
// not overlap each other or a y axis label in any panel, and returns the
// height of the strip.
func (l *layout) placeEvents(area draw.Canvas, tiles draw.Tiles, titleH vg.Length, numbered bool) (vg.Length, []eventLabel) {
	labels := make([]eventLabel, len(l.events))
	for i, ev := range l.events {
		labels[i].text = ev.label
		if numbered {
			labels[i].text = fmt.Sprint(i + 1)
		}
	}
	rows, ok := l.assignRows(area, tiles, titleH, labels, true)
	if !ok && !numbered {
		return l.placeEvents(area, tiles, titleH, true)
	}
	// The plot keeps the upper half of its top tick label (tickRise)
	// inside its canvas, under the strip: the strip holds only its rows.
	if rows == 0 {
		return l.st.pt(1.5), labels
	}
	return vg.Length(rows)*l.stripRowHeight() + l.st.pt(2), labels
}

// eventsNumbered reports whether the event labels must be replaced by
// numbers (with a key) because written out they would not fit.
func (l *layout) eventsNumbered(area draw.Canvas, tiles draw.Tiles) bool {
	labels := make([]eventLabel, len(l.events))
	for i, ev := range l.events {
		labels[i].text = ev.label
	}
	_, ok := l.assignRows(area, tiles, 0, labels, false)
	return !ok
}

// assignRows places labels greedily in the lowest row where they overlap
// nothing in any panel of the first row, row 0 starting with the y axis labels if withY. It returns
// the number of rows, and false when a label is wider than a panel or
// text labels need more than maxLabelRows rows.
func (l *layout) assignRows(area draw.Canvas, tiles draw.Tiles, top vg.Length, labels []eventLabel, withY bool) (int, bool) {
	lower := l.lowerStrip()
	cs := l.align(area, tiles, func(i int) vg.Length {
		if i < l.cols {
			return top + 2*l.stripRowHeight()
		}
		return top + lower
	})
	top += 2 * l.stripRowHeight()
	// Labels go above the first row of panels only.
	first := l.panels[:min(l.cols, len(l.panels))]
	type span struct{ lo, hi vg.Length }
	occupied := make([][][]span, len(first)) // [panel][row]
	rows := 0
	numbers := true
	for i := range labels {
		labels[i].row = -1
		if l.inRange(l.events[i]) && strings.IndexFunc(labels[i].text, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			numbers = false
		}
	}
	// Two spaces between labels; one between numbers.
	gap := l.st.event.Width("  ")
	if numbers {
		gap = l.st.event.Width(" ")
	}
	for k, pn := range first {
		if withY && pn.drawY != "" {
			pc := cs[k/l.cols][k%l.cols]
			occupied[k] = [][]span{{{pc.Min.X, pc.Min.X + l.st.axisLabel.Width(pn.drawY) + gap/2}}}
			rows = 1
		}
	}
	textRows := 0
	for i, ev := range l.events {
		if !l.inRange(ev) || labels[i].text == "" {
			continue
		}
		w := l.st.event.Width(labels[i].text)
		spans := make([]span, len(first))
		for k, pn := range first {
			pc := cs[k/l.cols][k%l.cols]
			dc := pn.plot.DataCanvas(draw.Crop(pc, 0, 0, pn.legH, -top))
			if w > pc.Max.X-pc.Min.X {
				return 0, false
			}
			trX, _ := pn.plot.Transforms(&dc)
			lo, hi := labelSpan(trX(ev.x), w, pc.Min.X, pc.Max.X)
			spans[k] = span{lo - gap/2, hi + gap/2}
		}
		row := 0
	search:
		for ; ; row++ {
			for k := range first {
				if row < len(occupied[k]) {
					for _, o := range occupied[k][row] {
						if spans[k].lo < o.hi && o.lo < spans[k].hi {
							continue search
						}
					}
				}
			}
			break
		}
		for k := range first {
			for len(occupied[k]) <= row {
				occupied[k] = append(occupied[k], nil)
			}
			occupied[k][row] = append(occupied[k][row], spans[k])
		}
		labels[i].row = row
		rows = max(rows, row+1)
		textRows = max(textRows, row+1)
	}
	return rows, numbers || textRows <= maxLabelRows
}

// labelSpan centres a label of width w on x, kept inside [min, max].
func labelSpan(x, w, min, max vg.Length) (vg.Length, vg.Length) {
	lo := x - w/2
	if lo+w > max {
		lo = max - w
	}
	if lo < min {
		lo = min
	}
	return lo, lo + w
}

// drawEventLabels writes the event labels in the strip above the data
// area dc of a panel whose canvas is pc, with a dashed connector from the
// data area up to each label.
func (l *layout) drawEventLabels(pc, dc draw.Canvas, p *plot.Plot, yLabel string, labels []eventLabel) {
	trX, _ := p.Transforms(&dc)
	sty := l.st.event
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	for i, ev := range l.events {
		if !l.inRange(ev) || labels[i].row < 0 {
			continue
		}
		x := trX(ev.x)
		w := sty.Width(labels[i].text)
		lo, _ := labelSpan(x, w, pc.Min.X, pc.Max.X)
		base := dc.Max.Y + l.labelBase(labels[i].row)
		if labels[i].row > 0 && (yLabel == "" || x > pc.Min.X+l.st.axisLabel.Width(yLabel)+sty.Width(" ")) {
			pc.StrokeLine2(l.st.eventStyle(), x, dc.Max.Y, x, base-sty.FontExtents().Descent)
		}
		pc.FillText(sty, vg.Point{X: lo, Y: base}, labels[i].text)
	}
}

// drawLines writes lines top-down from y, left-aligned at x, and returns
// the y under the last line.
func drawLines(c draw.Canvas, sty text.Style, lines []string, x, y vg.Length) vg.Length {
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	descent := sty.FontExtents().Descent
	for _, line := range lines {
		c.FillText(sty, vg.Point{X: x, Y: y + descent}, line)
		y -= lineHeight(sty)
	}
	return y
}

// wrap breaks s into lines no wider than width, at spaces.
func wrap(sty text.Style, s string, width vg.Length) []string {
	if s == "" {
		return nil
	}
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && sty.Width(try) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	return append(lines, line)
}

// legendGrid lays entries out in balanced columns that fit width, at
// most maxCols of them unless maxCols is 0.
func legendGrid(st *style, entries []legendEntry, width vg.Length, maxCols int) (cols, rows int, colW []vg.Length) {
	n := len(entries)
	if n == 0 {
		return 0, 0, nil
	}
	entryW := func(e legendEntry) vg.Length {
		return st.pt(thumbWidth) + st.pt(4) + st.legend.Width(e.label)
	}
	colGap := st.pt(12)
	start := n
	if maxCols > 0 {
		start = min(n, maxCols)
	}
	for try := start; try > 1; try-- {
		rows = (n + try - 1) / try
		cols = (n + rows - 1) / rows
		colW = make([]vg.Length, cols)
		for i, e := range entries {
			c := i % cols
			colW[c] = max(colW[c], entryW(e))
		}
		total := vg.Length(cols-1) * colGap
		for _, w := range colW {
			total += w
		}
		if total <= width {
			return cols, rows, colW
		}
	}
	var w vg.Length
	for _, e := range entries {
		w = max(w, entryW(e))
	}
	return 1, n, []vg.Length{w}
}

func legendRowHeight(st *style) vg.Length { return lineHeight(st.legend) * 1.25 }

// legendBlocks returns the blocks of a legend, drawn one under the other,
// each in its own grid: the key to scenario and baseline lines, which
// ends a comparison's legend, gets rows of its own when that takes fewer
// rows than one grid of every entry (its long labels would otherwise
// make the grid fall back to a single column).
func legendBlocks(st *style, entries []legendEntry, width vg.Length, maxCols int) [][]legendEntry {
	k := len(entries)
	for k > 0 && entries[k-1].key {
		k--
	}
	if k == 0 || k == len(entries) {
		return [][]legendEntry{entries}
	}
	_, all, _ := legendGrid(st, entries, width, maxCols)
	_, rs, _ := legendGrid(st, entries[:k], width, maxCols)
	_, rk, _ := legendGrid(st, entries[k:], width, maxCols)
	if rs+rk < all {
		return [][]legendEntry{entries[:k], entries[k:]}
	}
	return [][]legendEntry{entries}
}

func legendHeight(st *style, entries []legendEntry, width vg.Length, maxCols int) vg.Length {
	n := 0
	for _, b := range legendBlocks(st, entries, width, maxCols) {
		_, rows, _ := legendGrid(st, b, width, maxCols)
		n += rows
	}
	return vg.Length(n) * legendRowHeight(st)
}

// drawLegend draws entries in rows, centred in c; the blocks of a legend
// (see legendBlocks) are drawn one under the other, from a common left
// edge.
func drawLegend(st *style, c draw.Canvas, entries []legendEntry, maxCols int) {
	width := c.Max.X - c.Min.X
	colGap := st.pt(12)
	blocks := legendBlocks(st, entries, width, maxCols)
	x0 := c.Max.X
	for _, b := range blocks {
		cols, _, colW := legendGrid(st, b, width, maxCols)
		if cols == 0 {
			return
		}
		total := vg.Length(cols-1) * colGap
		for _, w := range colW {
			total += w
		}
		x0 = min(x0, c.Min.X+(width-total)/2)
	}
	rh := legendRowHeight(st)
	sty := st.legend
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	th := lineHeight(st.legend)
	top := c.Max.Y
	for _, b := range blocks {
		cols, rows, colW := legendGrid(st, b, width, maxCols)
		for i, e := range b {
			col, row := i%cols, i/cols
			x := x0
			for k := range col {
				x += colW[k] + colGap
			}
			yc := top - (vg.Length(row)+0.5)*rh
			icon := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: yc - th/2},
				Max: vg.Point{X: x + st.pt(thumbWidth), Y: yc + th/2},
			}}
			for _, t := range e.thumbs {
				t.Thumbnail(&icon)
			}
			c.FillText(sty, vg.Point{X: x + st.pt(thumbWidth) + st.pt(4), Y: yc}, e.label)
		}
		top -= vg.Length(rows) * rh
	}
}
