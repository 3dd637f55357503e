package design

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Kind is a kind of design.
type Kind int

// The kinds of design.
const (
	Grid Kind = iota
	LHS
	Saltelli
	Morris
)

var kindNames = []string{"grid", "lhs", "saltelli", "morris"}

// String returns the kind's name as the command line writes it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// KindNames lists the valid names of kinds, for messages.
const KindNames = "grid, lhs, saltelli, morris"

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown design %q (valid: %s)", s, KindNames)
}

// Factor is a parameter varied by a design.
type Factor struct {
	// Name names the factor, such as behaviour.gamma.
	Name string
	// Lo and Hi bound its range, Lo < Hi; with Values set they are its
	// least and greatest value.
	Lo, Hi float64
	// Levels is the number of levels of a Grid, evenly spaced from Lo
	// to Hi (at least 2); 0 with Values set.
	Levels int
	// Values are the levels of a Grid given as a list, in the order
	// given; only a Grid takes them.
	Values []float64
}

// Design says which points to draw.
type Design struct {
	Kind    Kind
	Factors []Factor
	// Points is the number of points of an LHS, of base rows N of a
	// Saltelli sample (a power of two keeps the Sobol sequence
	// balanced), or of trajectories of a Morris design. A Grid ignores
	// it.
	Points int
	// MorrisLevels is the number of levels p of a Morris grid, even and
	// at least 2; 0 means 4.
	MorrisLevels int
	// Seed fixes the random choices of LHS and Morris.
	Seed uint64
}

// Limits of a design.
const (
	// MaxPoints is the largest number of points of a plan.
	MaxPoints = 1 << 20
	// MaxSaltelliFactors is the most factors of a Saltelli sample: the
	// Sobol sequence has 2k dimensions and direction numbers for
	// MaxSobolDim of them are built in.
	MaxSaltelliFactors = MaxSobolDim / 2
)

// Plan is the points of a design, in the order they are run.
type Plan struct {
	Design Design
	// Unit holds each point in the unit cube, Unit[point][factor], and
	// X the factors' values there, X[point][factor].
	Unit, X [][]float64
}

// Len returns the number of points.
func (p *Plan) Len() int { return len(p.X) }

// Size returns the number of points d has, or an error if d is not
// valid: no factor, a bad range or level list, too few or too many
// points.
func (d Design) Size() (int, error) {
	if len(d.Factors) == 0 {
		return 0, errors.New("design: no factor to vary")
	}
	var errs []error
	seen := map[string]bool{}
	for i, f := range d.Factors {
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("factor %s given twice", f.Name))
		}
		seen[f.Name] = true
		if len(f.Values) > 0 {
			if d.Kind != Grid {
				errs = append(errs, fmt.Errorf("factor %s: a list of values is for the grid design; the %s design takes a range LO:HI", f.Name, d.Kind))
			}
			continue
		}
		if !(f.Lo < f.Hi) || math.IsInf(f.Lo, 0) || math.IsInf(f.Hi, 0) {
			errs = append(errs, fmt.Errorf("factor %s: want LO < HI, both finite, got %g:%g", f.Name, f.Lo, f.Hi))
		}
		if d.Kind == Grid && f.Levels < 2 {
			errs = append(errs, fmt.Errorf("factor %s: a grid needs its number of levels, at least 2 (LO:HI:N), got %d", f.Name, f.Levels))
		}
		_ = i
	}
	if len(errs) > 0 {
		return 0, errors.Join(errs...)
	}
	k := len(d.Factors)
	n := 0
	switch d.Kind {
	case Grid:
		n = 1
		for _, f := range d.Factors {
			l := f.Levels
			if len(f.Values) > 0 {
				l = len(f.Values)
			}
			if n > MaxPoints/l {
				return 0, fmt.Errorf("design: the grid has more than %d points", MaxPoints)
			}
			n *= l
		}
		return n, nil
	case LHS, Saltelli, Morris:
		if d.Points < 1 {
			return 0, fmt.Errorf("design: the %s design needs its number of points, at least 1, got %d", d.Kind, d.Points)
		}
	default:
		return 0, fmt.Errorf("design: unknown kind %d", int(d.Kind))
	}
	per := 1
	switch d.Kind {
	case Saltelli:
		if k > MaxSaltelliFactors {
			return 0, fmt.Errorf("design: a Saltelli sample takes at most %d factors, got %d", MaxSaltelliFactors, k)
		}
		per = k + 2
	case Morris:
		if l := d.morrisLevels(); l < 2 || l%2 != 0 {
			return 0, fmt.Errorf("design: Morris levels must be even and at least 2, got %d", l)
		}
		per = k + 1
	}
	if d.Points > MaxPoints/per {
		return 0, fmt.Errorf("design: %d %s points of %d each are more than %d", d.Points, d.Kind, per, MaxPoints)
	}
	return d.Points * per, nil
}

func (d Design) morrisLevels() int {
	if d.MorrisLevels == 0 {
		return 4
	}
	return d.MorrisLevels
}

// New returns the plan of d (see Design.Size for its errors).
func New(d Design) (*Plan, error) {
	n, err := d.Size()
	if err != nil {
		return nil, err
	}
	k := len(d.Factors)
	p := &Plan{Design: d, Unit: make([][]float64, 0, n), X: make([][]float64, 0, n)}
	switch d.Kind {
	case Grid:
		idx := make([]int, k)
		for range n {
			u, x := make([]float64, k), make([]float64, k)
			for j, f := range d.Factors {
				if len(f.Values) > 0 {
					x[j] = f.Values[idx[j]]
					u[j] = float64(idx[j]) / float64(max(len(f.Values)-1, 1))
				} else {
					u[j] = float64(idx[j]) / float64(f.Levels-1)
					x[j] = f.Lo + u[j]*(f.Hi-f.Lo)
					if idx[j] == f.Levels-1 {
						x[j] = f.Hi
					}
				}
			}
			p.Unit, p.X = append(p.Unit, u), append(p.X, x)
			for j := k - 1; j >= 0; j-- {
				l := d.Factors[j].Levels
				if len(d.Factors[j].Values) > 0 {
					l = len(d.Factors[j].Values)
				}
				if idx[j]++; idx[j] < l {
					break
				}
				idx[j] = 0
			}
		}
		return p, nil
	case LHS:
		perm := make([][]int, k)
		jitter := make([][]float64, k)
		for j := range k {
			r := rand.New(rand.NewPCG(d.Seed, uint64(j)))
			perm[j] = r.Perm(d.Points)
			jitter[j] = make([]float64, d.Points)
			for i := range jitter[j] {
				jitter[j][i] = r.Float64()
			}
		}
		for i := range d.Points {
			u := make([]float64, k)
			for j := range k {
				u[j] = (float64(perm[j][i]) + jitter[j][i]) / float64(d.Points)
			}
			p.addUnit(u)
		}
	case Saltelli:
		s, err := NewSobol(2 * k)
		if err != nil {
			return nil, err
		}
		s.Next() // the origin
		for range d.Points {
			row := s.Next()
			a, b := row[:k], row[k:]
			p.addUnit(append([]float64(nil), a...))
			for i := range k {
				ab := append([]float64(nil), a...)
				ab[i] = b[i]
				p.addUnit(ab)
			}
			p.addUnit(append([]float64(nil), b...))
		}
	case Morris:
		levels := d.morrisLevels()
		delta := float64(levels) / (2 * float64(levels-1))
		for t := range d.Points {
			r := rand.New(rand.NewPCG(d.Seed, uint64(t)))
			x := make([]float64, k)
			up := make([]bool, k)
			for j := range k {
				// A start from which the move by delta stays on the grid:
				// the lower half of the levels moves up, the upper down.
				lvl := r.IntN(levels / 2)
				up[j] = r.IntN(2) == 0
				if !up[j] {
					lvl += levels / 2
				}
				x[j] = float64(lvl) / float64(levels-1)
			}
			p.addUnit(append([]float64(nil), x...))
			for _, j := range r.Perm(k) {
				if up[j] {
					x[j] += delta
				} else {
					x[j] -= delta
				}
				x[j] = math.Min(1, math.Max(0, x[j]))
				p.addUnit(append([]float64(nil), x...))
			}
		}
	}
	return p, nil
}

// addUnit appends the point u of the unit cube and its values.
func (p *Plan) addUnit(u []float64) {
	x := make([]float64, len(u))
	for j, f := range p.Design.Factors {
		x[j] = f.Lo + u[j]*(f.Hi-f.Lo)
	}
	p.Unit, p.X = append(p.Unit, u), append(p.X, x)
}

// Describe says what d is in a few words: "saltelli, 64 base rows of 3
// factors: 320 points".
func (d Design) Describe() string {
	n, err := d.Size()
	if err != nil {
		return err.Error()
	}
	names := make([]string, len(d.Factors))
	for i, f := range d.Factors {
		names[i] = f.Name
	}
	what := ""
	switch d.Kind {
	case Grid:
		what = "full factorial"
	case LHS:
		what = fmt.Sprintf("Latin hypercube of %d points", d.Points)
	case Saltelli:
		what = fmt.Sprintf("%d base rows × (k+2)", d.Points)
	case Morris:
		what = fmt.Sprintf("%d trajectories × (k+1), %d levels", d.Points, d.morrisLevels())
	}
	return fmt.Sprintf("%s, %s over %s: %d points", d.Kind, what, strings.Join(names, ", "), n)
}
