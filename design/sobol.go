package design

import "fmt"

// MaxSobolDim is the number of dimensions of the built-in Sobol
// sequence.
const MaxSobolDim = 32

// joeKuo holds Joe and Kuo's direction numbers (new-joe-kuo-6.21201,
// S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30, 2635-2654,
// 2008) for dimensions 2 to 32, one row each: s, a, then m_1 ... m_s.
// Dimension 1 is van der Corput's sequence and needs none.
var joeKuo = [][]uint32{
	{1, 0, 1},
	{2, 1, 1, 3},
	{3, 1, 1, 3, 1},
	{3, 2, 1, 1, 1},
	{4, 1, 1, 1, 3, 3},
	{4, 4, 1, 3, 5, 13},
	{5, 2, 1, 1, 5, 5, 17},
	{5, 4, 1, 1, 5, 5, 5},
	{5, 7, 1, 1, 7, 11, 19},
	{5, 11, 1, 1, 5, 1, 1},
	{5, 13, 1, 1, 1, 3, 11},
	{5, 14, 1, 3, 5, 5, 31},
	{6, 1, 1, 3, 3, 9, 7, 49},
	{6, 13, 1, 1, 1, 15, 21, 21},
	{6, 16, 1, 3, 1, 13, 27, 49},
	{6, 19, 1, 1, 1, 15, 7, 5},
	{6, 22, 1, 3, 1, 15, 13, 25},
	{6, 25, 1, 1, 5, 5, 19, 61},
	{7, 1, 1, 3, 7, 11, 23, 15, 103},
	{7, 4, 1, 3, 7, 13, 13, 15, 69},
	{7, 7, 1, 1, 3, 13, 7, 35, 63},
	{7, 8, 1, 3, 5, 9, 1, 25, 53},
	{7, 14, 1, 3, 1, 13, 9, 35, 107},
	{7, 19, 1, 3, 1, 5, 27, 61, 31},
	{7, 21, 1, 1, 5, 11, 19, 41, 61},
	{7, 28, 1, 3, 5, 3, 3, 13, 69},
	{7, 31, 1, 1, 7, 13, 1, 19, 1},
	{7, 32, 1, 3, 7, 5, 13, 19, 59},
	{7, 37, 1, 1, 3, 9, 25, 29, 41},
	{7, 41, 1, 3, 5, 13, 23, 1, 55},
	{7, 42, 1, 3, 7, 3, 13, 59, 17},
}

// sobolBits is the precision of the sequence: 2^32 points.
const sobolBits = 32

// Sobol generates the points of a Sobol low-discrepancy sequence in
// Antonov and Saleev's Gray-code order, starting from the origin.
type Sobol struct {
	v [][sobolBits]uint32 // direction numbers, v[dim][bit]
	x []uint32
	n uint64 // points generated
}

// NewSobol returns the sequence of dim dimensions, 1 to MaxSobolDim.
func NewSobol(dim int) (*Sobol, error) {
	if dim < 1 || dim > MaxSobolDim {
		return nil, fmt.Errorf("sobol: %d dimensions, want 1 to %d", dim, MaxSobolDim)
	}
	s := &Sobol{v: make([][sobolBits]uint32, dim), x: make([]uint32, dim)}
	for i := range sobolBits {
		s.v[0][i] = 1 << (sobolBits - 1 - i)
	}
	for d := 1; d < dim; d++ {
		row := joeKuo[d-1]
		deg, a, m := int(row[0]), row[1], row[2:]
		for i := 0; i < deg && i < sobolBits; i++ {
			s.v[d][i] = m[i] << (sobolBits - 1 - i)
		}
		for i := deg; i < sobolBits; i++ {
			v := s.v[d][i-deg] ^ (s.v[d][i-deg] >> deg)
			for k := 1; k < deg; k++ {
				v ^= ((a >> (deg - 1 - k)) & 1) * s.v[d][i-k]
			}
			s.v[d][i] = v
		}
	}
	return s, nil
}

// Next returns the next point, a new slice; the first is the origin.
func (s *Sobol) Next() []float64 {
	out := make([]float64, len(s.x))
	if s.n > 0 {
		// The bit that changes is the lowest zero bit of n-1.
		c, m := 0, s.n-1
		for m&1 == 1 {
			m >>= 1
			c++
		}
		for d := range s.x {
			s.x[d] ^= s.v[d][c]
		}
	}
	s.n++
	for d, x := range s.x {
		out[d] = float64(x) / (1 << sobolBits)
	}
	return out
}
