package plots

import "testing"

// BenchmarkFigures lays out the six figures of an ensemble of the busy
// fixture (six regions, six events), without rendering them: the search
// for a grid and a height that fit.
func BenchmarkFigures(b *testing.B) {
	st := busyStats(&testing.T{}, 5)
	cfg := busyConfig()
	for b.Loop() {
		if _, err := Figures(st, cfg, "busy", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
