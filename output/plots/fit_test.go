package plots

import (
	"bytes"
	"image/png"
	"testing"
	"time"
)

func TestFitFigure(t *testing.T) {
	var dates []time.Time
	var curve, lo, hi []float64
	for i := range 24 {
		dates = append(dates, time.Date(2024, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC))
		v := 0.5 + 0.01*float64(i)
		curve, lo, hi = append(curve, v), append(lo, v-0.01), append(hi, v+0.01)
	}
	pn := FitPanel{Title: "all adoption wechat_pay", Share: true, Dates: dates, Curve: curve, Lo: lo, Hi: hi,
		Points: []FitPoint{{Date: dates[3], Value: 0.53}, {Date: dates[20], Value: 0.71, Held: true}}}
	fig, err := FitFigure(FitInput{Name: "fit", Title: "Calibration", Band: "band", Holdout: dates[12], Panels: []FitPanel{pn, pn, pn}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render([]Figure{fig}, Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "fit.png" {
		t.Fatalf("got %d files (%v), want fit.png", len(files), files)
	}
	img, err := png.Decode(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	// Three panels, two per row: two rows under the heading.
	if b := img.Bounds(); b.Dx() < 1800 || b.Dy() < b.Dx()*2/3 {
		t.Errorf("fit.png is %dx%d, want 16 cm wide at 300 dpi with two rows of panels", b.Dx(), b.Dy())
	}
	if _, err := FitFigure(FitInput{}); err == nil {
		t.Error("a figure without panels: got no error")
	}
	bad := pn
	bad.Curve = curve[:3]
	if _, err := FitFigure(FitInput{Panels: []FitPanel{bad}}); err == nil {
		t.Error("a curve shorter than its dates: got no error")
	}
}
