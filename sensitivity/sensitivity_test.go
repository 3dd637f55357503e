package sensitivity

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/interopsim/interopsim/design"
)

// ishigami is f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³.
func ishigami(x []float64) float64 {
	const a, b = 7, 0.1
	return math.Sin(x[0]) + a*math.Pow(math.Sin(x[1]), 2) + b*math.Pow(x[2], 4)*math.Sin(x[0])
}

func outputs(t *testing.T, d design.Design, f func([]float64) float64) (*design.Plan, []float64) {
	t.Helper()
	p, err := design.New(d)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, p.Len())
	for i, x := range p.X {
		y[i] = f(x)
	}
	return p, y
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !scalar.EqualWithinAbs(got, want, tol) {
		t.Errorf("%s: got %.4f, want %.4f ± %g", what, got, want, tol)
	}
}

// TestSobolIshigami checks the estimators on the Ishigami function
// (a = 7, b = 0.1), whose indices are known: S1 = 0.3139, 0.4424, 0 and
// ST = 0.5576, 0.4424, 0.2437. With 8192 base rows of the Sobol
// sequence (45056 evaluations) the estimates lie within 0.02 of them,
// and each bootstrap interval holds the estimate.
func TestSobolIshigami(t *testing.T) {
	pi := math.Pi
	fs := []design.Factor{{Name: "x1", Lo: -pi, Hi: pi}, {Name: "x2", Lo: -pi, Hi: pi}, {Name: "x3", Lo: -pi, Hi: pi}}
	_, y := outputs(t, design.Design{Kind: design.Saltelli, Points: 8192, Factors: fs}, ishigami)
	idx, err := Sobol(y, 3, &Options{Resamples: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s1 := []float64{0.3139, 0.4424, 0}
	st := []float64{0.5576, 0.4424, 0.2437}
	for i, x := range idx {
		near(t, fs[i].Name+" S1", x.S1, s1[i], 0.02)
		near(t, fs[i].Name+" ST", x.ST, st[i], 0.02)
		if !(x.S1Lo <= x.S1 && x.S1 <= x.S1Hi && x.STLo <= x.ST && x.ST <= x.STHi) {
			t.Errorf("%s: intervals S1 [%g, %g], ST [%g, %g] do not hold the estimates %g, %g", fs[i].Name, x.S1Lo, x.S1Hi, x.STLo, x.STHi, x.S1, x.ST)
		}
		if x.S1Hi-x.S1Lo > 0.1 || x.STHi-x.STLo > 0.1 {
			t.Errorf("%s: intervals wider than 0.1: S1 [%g, %g], ST [%g, %g]", fs[i].Name, x.S1Lo, x.S1Hi, x.STLo, x.STHi)
		}
	}
}

// TestSobolLinear checks a linear model y = Σ c_i x_i with x_i uniform
// on [0,1]: without interactions S1_i = ST_i = c_i² / Σ c_j². 1024 base
// rows give them within 0.01.
func TestSobolLinear(t *testing.T) {
	c := []float64{1, 2, 3, 0}
	var sum float64
	for _, x := range c {
		sum += x * x
	}
	fs := make([]design.Factor, len(c))
	for i := range fs {
		fs[i] = design.Factor{Name: string(rune('a' + i)), Lo: 0, Hi: 1}
	}
	_, y := outputs(t, design.Design{Kind: design.Saltelli, Points: 1024, Factors: fs}, func(x []float64) float64 {
		var s float64
		for i := range x {
			s += c[i] * x[i]
		}
		return s
	})
	idx, err := Sobol(y, len(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range idx {
		want := c[i] * c[i] / sum
		near(t, fs[i].Name+" S1", x.S1, want, 0.01)
		near(t, fs[i].Name+" ST", x.ST, want, 0.01)
	}
	// The factor without effect has a total index of exactly 0.
	if idx[3].ST != 0 || idx[3].STHi != 0 {
		t.Errorf("inert factor: ST %g, interval high %g, want 0", idx[3].ST, idx[3].STHi)
	}
}

// TestMorrisLinear: the elementary effects of a linear model are its
// coefficients times the factor's range, the same at every point, so mu*
// is |c_i|·range and sigma 0 (up to rounding).
func TestMorrisLinear(t *testing.T) {
	c := []float64{1, -2, 0.5}
	fs := []design.Factor{{Name: "a", Lo: 0, Hi: 1}, {Name: "b", Lo: 0, Hi: 2}, {Name: "c", Lo: -1, Hi: 1}}
	p, y := outputs(t, design.Design{Kind: design.Morris, Points: 20, Seed: 2, Factors: fs}, func(x []float64) float64 {
		return c[0]*x[0] + c[1]*x[1] + c[2]*x[2]
	})
	eff, err := Morris(p.Unit, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range eff {
		want := c[i] * (fs[i].Hi - fs[i].Lo)
		near(t, fs[i].Name+" mu*", e.MuStar, math.Abs(want), 1e-9)
		near(t, fs[i].Name+" mu", e.Mu, want, 1e-9)
		near(t, fs[i].Name+" sigma", e.Sigma, 0, 1e-9)
		if e.N != 20 {
			t.Errorf("%s: %d effects, want 20", fs[i].Name, e.N)
		}
	}
}

// TestMorrisIshigami: x2 enters additively, so its effects vary (sigma >
// 0) but x1 and x3 interact; the screening ranks x3, which has no
// first-order effect, as influential (mu* > 0), unlike an inert factor.
func TestMorrisIshigami(t *testing.T) {
	pi := math.Pi
	fs := []design.Factor{{Name: "x1", Lo: -pi, Hi: pi}, {Name: "x2", Lo: -pi, Hi: pi}, {Name: "x3", Lo: -pi, Hi: pi}, {Name: "inert", Lo: 0, Hi: 1}}
	p, y := outputs(t, design.Design{Kind: design.Morris, Points: 50, Seed: 1, Factors: fs}, ishigami)
	eff, err := Morris(p.Unit, y, 4)
	if err != nil {
		t.Fatal(err)
	}
	if eff[3].MuStar != 0 {
		t.Errorf("inert factor: mu* %g, want 0", eff[3].MuStar)
	}
	for i := range 3 {
		if !(eff[i].MuStar > 1) {
			t.Errorf("%s: mu* %g, want above 1", fs[i].Name, eff[i].MuStar)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := Sobol(make([]float64, 7), 3, nil); err == nil {
		t.Error("Sobol of 7 outputs of 3 factors succeeded")
	}
	if _, err := Sobol(make([]float64, 10), 3, nil); err == nil {
		t.Error("Sobol of constant outputs succeeded")
	}
	if _, err := Sobol([]float64{1, math.NaN(), 2, 3, 4}, 3, nil); err == nil {
		t.Error("Sobol with a NaN succeeded")
	}
	if _, err := Morris([][]float64{{0, 0}, {1, 1}, {1, 1}}, []float64{1, 2, 3}, 2); err == nil {
		t.Error("Morris of a bad trajectory succeeded")
	}
}
