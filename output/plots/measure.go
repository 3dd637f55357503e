package plots

import (
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// measuredText is the text handler of a figure's styles: it measures and
// draws as plot.DefaultTextHandler does, and remembers the extents of
// every font and the box of every line it measured. Laying a figure out
// tries grids, heights and rows of event labels, and each try measures
// the same tick labels, titles and legend entries again (gonum's axes
// measure every tick label each time a data area is asked for):
// remembered, a line is measured once per font. The answers are those of
// the handler it wraps, so the figures are the same to the pixel. It is
// safe for concurrent use: Render draws the figures of one call to
// Figures concurrently.
type measuredText struct {
	text.Handler

	mu sync.Mutex
	// fonts are the fonts measured, a figure's few styles: found by a
	// scan, cheaper than hashing a font's names.
	fonts []*measuredFont
}

// measuredFont is what measuredText remembers of one font.
type measuredFont struct {
	fnt     font.Font
	extents font.Extents
	boxes   map[string]textBox
}

type textBox struct{ width, height, depth vg.Length }

// newMeasuredText returns a measuredText over plot.DefaultTextHandler.
func newMeasuredText() *measuredText {
	return &measuredText{Handler: plot.DefaultTextHandler}
}

// font returns what is remembered of fnt, measuring its extents the
// first time. m.mu is held.
func (m *measuredText) font(fnt font.Font) *measuredFont {
	for _, f := range m.fonts {
		if f.fnt == fnt {
			return f
		}
	}
	f := &measuredFont{fnt: fnt, extents: m.Handler.Extents(fnt), boxes: map[string]textBox{}}
	m.fonts = append(m.fonts, f)
	return f
}

// Extents returns the extents of fnt.
func (m *measuredText) Extents(fnt font.Font) font.Extents {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.font(fnt).extents
}

// Box returns the box of the line txt in fnt (see text.Handler).
func (m *measuredText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.font(fnt)
	b, ok := f.boxes[txt]
	if !ok {
		b.width, b.height, b.depth = m.Handler.Box(txt, fnt)
		f.boxes[txt] = b
	}
	return b.width, b.height, b.depth
}
