package sensitivity

import (
	"testing"

	"github.com/interopsim/interopsim/design"
)

// BenchmarkSobol estimates the indices of 10 factors from 1024 base rows
// (12288 outputs) with 1000 bootstrap resamples, the default.
func BenchmarkSobol(b *testing.B) {
	fs := make([]design.Factor, 10)
	for i := range fs {
		fs[i] = design.Factor{Name: string(rune('a' + i)), Lo: 0, Hi: 1}
	}
	p, err := design.New(design.Design{Kind: design.Saltelli, Points: 1024, Factors: fs})
	if err != nil {
		b.Fatal(err)
	}
	y := make([]float64, p.Len())
	for i, x := range p.X {
		for j, v := range x {
			y[i] += float64(j+1) * v * v
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sobol(y, len(fs), nil); err != nil {
			b.Fatal(err)
		}
	}
}
