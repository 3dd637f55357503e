package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"
)

// Sizes of figures, as fractions of Options.Width (text and lines scale
// with Width, so the same fractions hold at any width) or of a data area's
// own width.
const (
	// maxSquareHeight: an automatic height no more than Width is
	// preferred (see chooseGrid), ...
	maxSquareHeight = 1.0
	// maxAutoHeight: ... and it is never more than 1.25 times Width
	// (20 cm at the default 16 cm, a journal's text block) when the
	// figure can be laid out so.
	maxAutoHeight = 1.25
	// A data area is drawn autoDataAspect of its width tall, but no more
	// than autoDataHeight of Width (6 cm at 16 cm) ...
	autoDataAspect = 0.6
	autoDataHeight = 0.378
	// ... and is never less than minDataHeight of Width (2.4 cm at 16 cm,
	// 1.3 cm at 8.5 cm), or minDataAspect of its width if less.
	minDataHeight = 0.15
	minDataAspect = 0.5
)

// minColumnWidth is the least printed width of a column of panels, its
// y tick labels included: at most PrintWidth / minColumnWidth columns (3
// at the default 8.5 cm), so that every x axis keeps a few year labels.
const minColumnWidth = 2.8 * vg.Centimeter

// SizeError reports figures that do not fit the requested size: their
// data areas would be shorter than their minimum (see Options.Height).
type SizeError struct {
	// Figures are the names of the figures that do not fit.
	Figures []string
	// Width and Height are the size asked for.
	Width, Height vg.Length
	// MinHeight is the least height at which every one of them fits at
	// Width.
	MinHeight vg.Length
}

func (e *SizeError) Error() string {
	if math.IsInf(float64(e.MinHeight), 0) {
		return fmt.Sprintf("%s cannot be laid out %s cm wide", strings.Join(e.Figures, ", "), cm(e.Width))
	}
	return fmt.Sprintf("%s cm is too short for %s at %s cm wide: it needs at least %s cm",
		cm(e.Height), strings.Join(e.Figures, ", "), cm(e.Width), cm(e.MinHeight))
}

// cm formats a length in centimetres, to a millimetre, rounding up so
// that a minimum given this way is enough.
func cm(l vg.Length) string {
	return fmt.Sprintf("%.1f", math.Ceil(float64(l/vg.Centimeter)*10-1e-6)/10)
}

// autoNeed is the height of a data area w wide in an automatic layout.
func (b *builder) autoNeed(w vg.Length) vg.Length {
	return min(autoDataAspect*w, autoDataHeight*b.opt.Width)
}

// minNeed is the least height of a data area w wide.
func (b *builder) minNeed(w vg.Length) vg.Length {
	return min(minDataAspect*w, minDataHeight*b.opt.Width)
}

// gridCandidates returns the numbers of columns that l's panels may be
// laid out in: a fixed number if l has one, else every number up to
// maxCols that leaves no cell empty, or the empty cells at the end of the
// last row for the shared legend.
func (b *builder) gridCandidates(l *layout) []int {
	if l.cols > 0 {
		return []int{l.cols}
	}
	n := len(l.panels)
	maxCols := max(1, int(b.opt.PrintWidth/minColumnWidth))
	var cs []int
	for c := 1; c <= min(n, maxCols); c++ {
		if n%c == 0 || len(l.legend) > 0 {
			cs = append(cs, c)
		}
	}
	return cs
}

// size chooses the columns of l and the figure's height. With
// Options.Height zero, the height is what the data areas need to be
// drawn at autoNeed, at most maxAutoHeight times Width (where they keep
// at least minNeed), and the grid is that of the fewest columns whose
// figure is no taller than wide, else no taller than maxAutoHeight times
// Width, else the shortest. With Options.Height set, the height is
// Options.Height and the grid is the one, among those whose data areas
// keep minNeed, whose data areas are nearest to autoDataAspect of their
// width; if none does, size returns a SizeError. A grid with empty cells
// is taken only if the shared legend fits in them.
func (b *builder) size(name string, l *layout) (vg.Length, error) {
	w := b.opt.Width
	type option struct {
		cols  int
		h     vg.Length
		fits  bool // the data areas keep their minimum (and, with Height zero, the figure is within the cap)
		score float64
	}
	var best *option
	var least vg.Length = vg.Length(math.Inf(1))
	leastCols := 0
	better := func(o, than *option) bool {
		if than == nil {
			return true
		}
		if b.opt.Height == 0 {
			// The fewest columns no taller than wide, else no taller
			// than the cap, else the shortest.
			oSq, tSq := o.h <= maxSquareHeight*w, than.h <= maxSquareHeight*w
			if oSq != tSq {
				return oSq
			}
			if oSq {
				return false // fewer columns came first
			}
			if o.fits != than.fits {
				return o.fits
			}
			return !o.fits && o.h < than.h
		}
		return o.score < than.score-1e-9
	}
	fitsAt := func(h vg.Length) bool {
		s, ok := l.shortfall(w, h, b.minNeed)
		return ok && s <= vg.Points(heightTol)
	}
	for _, c := range b.gridCandidates(l) {
		l.cols = c
		o := option{cols: c}
		if b.opt.Height == 0 {
			// The least height is measured only when the cap is too
			// short: measuring takes as long as drawing.
			o.h, o.fits = l.heightFor(w, b.autoNeed), true
			if capH := maxAutoHeight * w; o.h > capH {
				o.h = capH
				if !fitsAt(capH) {
					o.h, o.fits = l.heightFor(w, b.minNeed), false
				}
			}
		} else {
			o.h = b.opt.Height
			o.fits = fitsAt(o.h)
		}
		if !o.fits && b.opt.Height != 0 {
			// Too short: how tall it would have to be, for the error.
			if m := l.heightFor(w, b.minNeed); m < least && l.gridFits(w, m) {
				least, leastCols = m, c
			}
			continue
		}
		if !l.gridFits(w, o.h) {
			continue
		}
		if b.opt.Height != 0 {
			o.score = l.aspectScore(w, o.h)
		}
		if better(&o, best) {
			best = &o
		}
		if b.opt.Height == 0 && o.h <= maxSquareHeight*w {
			break // the fewest columns no taller than wide
		}
	}
	if best == nil {
		if leastCols == 0 {
			return 0, &SizeError{Figures: []string{name}, Width: w, Height: b.opt.Height, MinHeight: vg.Length(math.Inf(1))}
		}
		// Make sure the least height named works: a layout may change
		// at a height (a legend moving into the empty cells, say).
		l.cols = leastCols
		for range 20 {
			if s, ok := l.shortfall(w, least, b.minNeed); ok && s <= vg.Points(heightTol) && l.gridFits(w, least) {
				break
			}
			least += vg.Millimeter / 2
		}
		return 0, &SizeError{Figures: []string{name}, Width: w, Height: b.opt.Height, MinHeight: least}
	}
	l.cols = best.cols
	return best.h, nil
}

// heightTol is the tolerance of heights, in points.
const heightTol = 1e-3

// shortfall lays l out w by h and returns how much the data area
// furthest below need(its width) lacks (negative when every one has room
// to spare), and false when h is too short to lay the figure out at all.
func (l *layout) shortfall(w, h vg.Length, need func(vg.Length) vg.Length) (vg.Length, bool) {
	s := vg.Length(math.Inf(-1))
	for _, r := range l.dataAreas(w, h) {
		dh := r.Max.Y - r.Min.Y
		if !(dh > 0) || math.IsInf(float64(dh), 0) {
			return 0, false
		}
		s = max(s, need(r.Max.X-r.Min.X)-dh)
	}
	return s, true
}

// heightFor returns the least height at which every data area of l, w
// wide, is at least need(its width) tall. The text around the panels
// (titles, subtitle, strips, axes, legends, notes) takes the same room at
// any height, and every row of panels has data areas of the same height,
// so a figure lacking s in its shortest data area is rows*s short.
func (l *layout) heightFor(w vg.Length, need func(vg.Length) vg.Length) vg.Length {
	rows := vg.Length(l.rows())
	h := w / 2
	for range 30 {
		s, ok := l.shortfall(w, h, need)
		if !ok {
			h *= 1.5
			continue
		}
		if math.Abs(float64(s)) <= heightTol {
			return h
		}
		next := h + rows*s
		if next <= 0 {
			next = h / 2
		}
		h = next
	}
	// Not settled (a layout that changes with the height, such as a
	// legend moving into an empty cell): make sure it is enough.
	for range 10 {
		s, ok := l.shortfall(w, h, need)
		if ok && s <= heightTol {
			break
		}
		h += max(rows*s, vg.Points(1))
	}
	return h
}

// gridFits reports whether l, laid out w by h, leaves no cell of its
// grid empty (spare cells must hold the shared legend) and, with more
// than one column, every entry of the panels' own legends fits in the
// panel's width.
func (l *layout) gridFits(w, h vg.Length) bool {
	_, lo, cs := l.arrange(blankCanvas(w, h))
	if len(l.panels)%l.cols != 0 {
		if !lo.inCell {
			return false
		}
		// The legend fits the empty cells as placed, not only as
		// planned in even tiles.
		cell := lo.legendCell(cs, len(l.panels), l.cols)
		if legendHeight(l.st, lo.inCellEntries, lo.cellW, l.legendCellCols()) > cell.Max.Y-cell.Min.Y {
			return false
		}
	}
	if l.cols == 1 {
		return true // no narrower grid to fall back on: a legend a little wider than its panel overflows into the margins
	}
	for i, pn := range l.panels {
		pc := cs[i/l.cols][i%l.cols]
		_, _, colW := legendGrid(l.st, pn.legend, pc.Max.X-pc.Min.X, 0)
		for _, cw := range colW {
			if cw > pc.Max.X-pc.Min.X {
				return false
			}
		}
	}
	return true
}

// aspectScore is how far l's data areas, laid out w by h, are from
// autoDataAspect of their width (0 when all are exactly that).
func (l *layout) aspectScore(w, h vg.Length) float64 {
	var s float64
	for _, r := range l.dataAreas(w, h) {
		a := float64((r.Max.Y - r.Min.Y) / (r.Max.X - r.Min.X))
		if !(a > 0) {
			return math.Inf(1)
		}
		s = math.Max(s, math.Abs(math.Log(a/autoDataAspect)))
	}
	return s
}

// rows is the number of rows of l's grid.
func (l *layout) rows() int { return (len(l.panels) + l.cols - 1) / l.cols }
