package plots

import (
	"sync"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// A measuredText answers as the handler it wraps, the first time and
// when it remembers, for every font, also from several goroutines.
func TestMeasuredText(t *testing.T) {
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	fonts := []font.Font{font.From(sans, vg.Points(8)), font.From(sans, vg.Points(11.5)), font.From(sans, vg.Points(8))}
	lines := []string{"", "2024", "Jan 2024", "WeChat Pay's share of Taobao/Tmall payments", "\u2212 0.5", "M"}
	m := newMeasuredText()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 2 {
				for _, f := range fonts {
					if got, want := m.Extents(f), plot.DefaultTextHandler.Extents(f); got != want {
						t.Errorf("extents of %v: got %v, want %v", f.Size, got, want)
					}
					for _, l := range lines {
						w, h, d := m.Box(l, f)
						ww, wh, wd := plot.DefaultTextHandler.Box(l, f)
						if w != ww || h != wh || d != wd {
							t.Errorf("box of %q at %v: got %v %v %v, want %v %v %v", l, f.Size, w, h, d, ww, wh, wd)
						}
					}
				}
			}
		})
	}
	wg.Wait()
	if len(m.fonts) != 2 {
		t.Errorf("remembers %d fonts, want 2 (two sizes)", len(m.fonts))
	}
}
