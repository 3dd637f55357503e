package sim

import "math"

// rng is the random stream of the count engine: SplitMix64 over a Weyl
// sequence from a key, the generator whose finaliser (mix) gives the
// agents their numbers. One rng serves one (step, group, state), so
// draws do not depend on the order in which groups are moved.
type rng struct{ s uint64 }

// uniform returns a number in (0, 1): never 0, so that its logarithm is
// finite.
func (r *rng) uniform() float64 {
	r.s += golden
	return (float64(mix(r.s)>>11) + 0.5) / (1 << 53)
}

// binomial returns a draw from the binomial distribution of n trials
// with success probability p, exactly: by inversion of waiting times
// when n*min(p, 1-p) is below 10, else by Hörmann's transformed
// rejection with squeeze (BTRS; W. Hörmann, "The generation of binomial
// random variates", J. Statist. Comput. Simul. 46, 1993), whose cost
// does not grow with n and whose acceptance test is exact but for
// Stirling's series, accurate to 1e-12. p outside (0, 1) is clamped.
func (r *rng) binomial(n int64, p float64) int64 {
	switch {
	case n <= 0 || !(p > 0):
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - r.binomial(n, 1-p)
	case float64(n)*p < 10:
		return r.binomialInversion(n, p)
	}
	return r.btrs(n, p)
}

// binomialInversion draws Binomial(n, p) as the number of geometric
// waiting times that fit in n trials; it takes about n*p + 1 draws.
func (r *rng) binomialInversion(n int64, p float64) int64 {
	lq := math.Log1p(-p)
	var k, sum int64
	for {
		g := math.Ceil(math.Log(r.uniform()) / lq)
		if g > float64(n-sum) {
			return k
		}
		sum += int64(g)
		k++
	}
}

// btrs draws Binomial(n, p) for n*p >= 10 and p <= 1/2 by BTRS, as
// TensorFlow's random_binomial does: a box around the transformed
// density accepts most candidates at once; the others are accepted by
// the exact ratio of their probability to the mode's, written with
// Stirling's series so that its cost does not grow with n.
func (r *rng) btrs(n int64, p float64) int64 {
	nf := float64(n)
	q := 1 - p
	sd := math.Sqrt(nf * p * q)
	b := 1.15 + 2.53*sd
	a := -0.0873 + 0.0248*b + 0.01*p
	c := nf*p + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * sd
	odds := p / q
	m := math.Floor((nf + 1) * p)
	// Parts of log(f(k)/f(m)) that do not depend on k.
	hm := (m+0.5)*math.Log((m+1)/(odds*(nf-m+1))) + stirlingTail(m) + stirlingTail(nf-m)
	for {
		u := r.uniform() - 0.5
		v := r.uniform()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + c)
		if us >= 0.07 && v <= vr {
			return int64(k)
		}
		if k < 0 || k > nf {
			continue
		}
		v = math.Log(v * alpha / (a/(us*us) + b))
		bound := hm + (nf+1)*math.Log1p((k-m)/(nf-k+1)) +
			(k+0.5)*math.Log(odds*(nf-k+1)/(k+1)) - stirlingTail(k) - stirlingTail(nf-k)
		if v <= bound {
			return int64(k)
		}
	}
}

// stirlingTail returns log(k!) - [(k+1/2) log(k+1) - (k+1) +
// log(2 pi)/2], the remainder of Stirling's approximation of log(k!)
// for whole k >= 0: from a table below 10, else by its series to the
// k^-7 term (error below 1e-12).
func stirlingTail(k float64) float64 {
	if k < 10 {
		return stirlingTails[int(k)]
	}
	r := 1 / (k + 1)
	r2 := r * r
	return r * (1.0/12 - r2*(1.0/360-r2*(1.0/1260-r2/1680)))
}

// stirlingTails[k] is stirlingTail(k), exactly.
var stirlingTails = [10]float64{0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
	0.02079067210376509, 0.0166446911898211, 0.0138761288230707, 0.0118967099458917,
	0.0104112652619720, 0.00925546218271273, 0.00833056343336287}

// multinomial draws the counts of n trials over outcomes with
// probabilities probs (summing to 1 up to rounding) into out, by
// conditional binomials: outcome i takes Binomial(left, p_i / mass
// left) of the trials left. The most likely outcome takes what remains,
// which saves its draw and keeps the counts summing to n.
func (r *rng) multinomial(n int64, probs []float64, out []int64) {
	last := 0
	for i, p := range probs {
		if p > probs[last] {
			last = i
		}
	}
	left, mass := n, 1.0
	for i, p := range probs {
		if i == last {
			continue
		}
		if left == 0 {
			out[i] = 0
			continue
		}
		var x int64
		if mass > 0 {
			x = r.binomial(left, p/mass)
		}
		out[i] = x
		left -= x
		mass -= p
	}
	out[last] = left
}
