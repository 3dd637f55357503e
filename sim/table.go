package sim

import (
	"math"
	"math/bits"
)

// space is the discrete state of an agent: the wallets it holds (a bit
// set over methods), what each checkout memory remembers (0 for
// nothing, else method+1) and the platform it last bought from (0 for
// none, else platform+1), packed into one index.
//
// Platforms without their own memory share memory slot 0, the habit: the
// method last used on any of them. Each platform with its own memory has
// a slot of its own. Without such platforms there is one slot and the
// index is today's wallets x habit x last platform.
type space struct {
	nm, np     int
	nw, nh, nl int // 1<<nm, nm+1, np+1
	// slots is the number of memory slots; slot[p] is platform p's;
	// pow[k] is nh^k, the stride of slot k within the memory code.
	slots int
	slot  []int
	pow   []int
	nc    int // memory codes: nh^slots
	ns    int // nw*nc*nl
	ne    int // purchase outcomes
	// kinds, plats and meths decode purchase outcomes (see outcome);
	// paidMc[(mc*np+p)*nm+m] is paidWith(mc, p, m).
	kinds, plats, meths []int8
	paidMc              []int32
	// afterBase[(mc*nl+l)*ne+e] is the state, without wallets, after
	// outcome e from memory code mc and last platform l; gains[e] is the
	// method outcome e signs up for, as a wallet bit (0 for none). See
	// after.
	afterBase []int32
	gains     []uint8
}

// newSpace returns the state space of nm methods and np platforms, of
// which those with own[p] remember the method last used there on their
// own (own may be nil: none do). A memory that can carry no weight is
// not kept: the shared one when sharedUsed is false (the habit's utility
// is zero throughout), the own ones when ownUsed is false (so is the
// switch cost). Such platforms have slot -1 and remember nothing.
func newSpace(nm, np int, own []bool, sharedUsed, ownUsed bool) space {
	sp := space{nm: nm, np: np, nw: 1 << nm, nh: nm + 1, nl: np + 1, slot: make([]int, np)}
	isOwn := func(p int) bool { return p < len(own) && own[p] }
	shared := false
	for p := 0; p < np; p++ {
		if !isOwn(p) {
			shared = true
		}
	}
	if shared && sharedUsed {
		sp.slots = 1 // slot 0: the shared habit
	}
	for p := 0; p < np; p++ {
		switch {
		case isOwn(p) && ownUsed:
			sp.slot[p] = sp.slots
			sp.slots++
		case isOwn(p) || !sharedUsed:
			sp.slot[p] = -1
		}
	}
	sp.nc = 1
	for k := 0; k < sp.slots; k++ {
		sp.pow = append(sp.pow, sp.nc)
		sp.nc *= sp.nh
	}
	sp.ns = sp.nw * sp.nc * sp.nl
	sp.ne = 1 + 2*np*nm + 2*np
	sp.kinds, sp.plats, sp.meths = make([]int8, sp.ne), make([]int8, sp.ne), make([]int8, sp.ne)
	for e := range sp.ne {
		k, p, m := sp.decode(e)
		sp.kinds[e], sp.plats[e], sp.meths[e] = int8(k), int8(p), int8(m)
	}
	if sp.ns <= 1<<16 {
		sp.paidMc = make([]int32, sp.nc*np*nm)
		for mc := range sp.nc {
			for p := range np {
				for m := range nm {
					v := mc
					if k := sp.slot[p]; k >= 0 {
						old := (mc / sp.pow[k]) % sp.nh
						v = mc + (m+1-old)*sp.pow[k]
					}
					sp.paidMc[(mc*np+p)*nm+m] = int32(v)
				}
			}
		}
		sp.gains = make([]uint8, sp.ne)
		for e := range sp.ne {
			if k, _, m := sp.outcome(e); k == signupKind {
				sp.gains[e] = 1 << m
			}
		}
		sp.afterBase = make([]int32, sp.nc*sp.nl*sp.ne)
		for mc := range sp.nc {
			for l := range sp.nl {
				for e := range sp.ne {
					sp.afterBase[(mc*sp.nl+l)*sp.ne+e] = int32(sp.afterSlow(0, mc, l, e) &^ int(sp.gains[e]))
				}
			}
		}
	}
	return sp
}

// spaceOf returns the state space of c. A memory is kept only if its
// utility (Gamma for the shared habit, SwitchCost for own memories) is
// not zero at the start or some event sets it.
func spaceOf(c *Config) space {
	own := make([]bool, len(c.Platforms))
	for p := range c.Platforms {
		own[p] = c.Platforms[p].OwnMemory
	}
	sharedUsed, ownUsed := c.Behaviour.Gamma != 0, c.Behaviour.SwitchCost != 0
	for _, e := range c.Events {
		if e.Kind == SetParam {
			sharedUsed = sharedUsed || e.Param.Kind == BehaviourGamma
			ownUsed = ownUsed || e.Param.Kind == BehaviourSwitchCost
		}
	}
	return newSpace(len(c.Methods), len(c.Platforms), own, sharedUsed, ownUsed)
}

func (sp space) state(w, mc, l int) int { return w + sp.nw*(mc+sp.nc*l) }

func (sp space) split(s int) (w, mc, l int) {
	return s % sp.nw, (s / sp.nw) % sp.nc, s / (sp.nw * sp.nc)
}

// remembered returns the method platform p's checkout remembers in
// memory code mc, or -1 for none.
func (sp space) remembered(mc, p int) int {
	k := sp.slot[p]
	if k < 0 {
		return -1
	}
	return (mc/sp.pow[k])%sp.nh - 1
}

// paidWith returns memory code mc after paying with method m on p.
func (sp space) paidWith(mc, p, m int) int {
	return int(sp.paidMc[(mc*sp.np+p)*sp.nm+m])
}

// Purchase outcomes of one shopping step: nothing, a purchase paid with a
// held method, a purchase after signing up at checkout, a sale lost
// because the platform accepts none of the shopper's methods, or a sale
// lost by a shopper who holds no method.
func (sp space) paid(p, m int) int   { return 1 + p*sp.nm + m }
func (sp space) signup(p, m int) int { return 1 + sp.np*sp.nm + p*sp.nm + m }
func (sp space) lost(p int) int      { return 1 + 2*sp.np*sp.nm + p }
func (sp space) lostNone(p int) int  { return 1 + 2*sp.np*sp.nm + sp.np + p }

// Kinds of purchase outcome.
const (
	noPurchase = iota
	paidKind
	signupKind
	lostKind
	lostNoneKind
)

// outcome decodes a purchase outcome: its kind, platform and method
// (-1 for none).
func (sp space) outcome(e int) (kind, p, m int) {
	return int(sp.kinds[e]), int(sp.plats[e]), int(sp.meths[e])
}

// decode computes outcome's answer for e.
func (sp space) decode(e int) (kind, p, m int) {
	switch {
	case e == 0:
		return noPurchase, -1, -1
	case e < 1+sp.np*sp.nm:
		e--
		return paidKind, e / sp.nm, e % sp.nm
	case e < 1+2*sp.np*sp.nm:
		e -= 1 + sp.np*sp.nm
		return signupKind, e / sp.nm, e % sp.nm
	case e < 1+2*sp.np*sp.nm+sp.np:
		return lostKind, e - 1 - 2*sp.np*sp.nm, -1
	default:
		return lostNoneKind, e - 1 - 2*sp.np*sp.nm - sp.np, -1
	}
}

// after returns the state after adopting to wallets w2 then outcome e,
// from memory code mc and last platform l.
func (sp space) after(w2, mc, l, e int) int {
	return int(sp.afterBase[(mc*sp.nl+l)*sp.ne+e]) + (w2 | int(sp.gains[e]))
}

// afterSlow computes after's answer.
func (sp space) afterSlow(w2, mc, l, e int) int {
	kind, p, m := sp.outcome(e)
	switch kind {
	case paidKind:
		return sp.state(w2, sp.paidWith(mc, p, m), p+1)
	case signupKind:
		return sp.state(w2|1<<m, sp.paidWith(mc, p, m), p+1)
	}
	return sp.state(w2, mc, l)
}

// combo is one joint draw of acceptance at checkout: mask[p] holds the
// methods platform p accepts, with probability prob.
type combo struct {
	prob float64
	mask []uint32
}

// maxPartial bounds the pairs in rollout at once: their acceptance draws
// are enumerated exactly, 2^k combinations.
const maxPartial = 10

// combos enumerates the acceptance combinations of world w. Pairs with
// acceptance strictly between 0 and 1 are accepted independently with
// that probability, one draw per pair, as docs/model.md states.
func combos(w *world) []combo {
	type pair struct {
		p, m int
		a    float64
	}
	base := make([]uint32, len(w.acc))
	var partial []pair
	for p, row := range w.acc {
		for m, a := range row {
			switch {
			case a >= 1:
				base[p] |= 1 << m
			case a > 0:
				partial = append(partial, pair{p, m, a})
			}
		}
	}
	if len(partial) > maxPartial {
		partial = partial[:maxPartial] // Config.Validate rules this out
	}
	out := make([]combo, 0, 1<<len(partial))
	for bitsOn := 0; bitsOn < 1<<len(partial); bitsOn++ {
		c := combo{prob: 1, mask: append([]uint32(nil), base...)}
		for i, pr := range partial {
			if bitsOn&(1<<i) != 0 {
				c.prob *= pr.a
				c.mask[pr.p] |= 1 << pr.m
			} else {
				c.prob *= 1 - pr.a
			}
		}
		out = append(out, c)
	}
	return out
}

// guideBits sets the guide table size: 2^guideBits buckets per state.
const guideBits = 7

// table holds, for every occupied state of one segment, the ordered
// distribution of joint outcomes (new wallets x purchase outcome) of one
// step. Entries of a state are contiguous, in a fixed canonical order, so
// that two scenarios with equal probabilities draw equal outcomes from
// equal random numbers (common random numbers), and a small change of
// probabilities moves few outcomes.
//
// The layout serves stepBlock: per agent-step one 4-byte guide index,
// then one 16-byte entry (rarely a few consecutive ones) holding both
// the threshold and the next state.
type table struct {
	// off[s] is the first entry of state s, or -1 if s was not built.
	off []int32
	// guide[s][b] is the index in ents of the first entry of state s
	// whose threshold exceeds the floor of bucket b: where to start
	// searching for a random number u with u>>(63-guideBits) == b. Only
	// the guides of built states are valid.
	guide [][1 << guideBits]int32
	// ents are the entries of all built states, by state, each state's in
	// canonical order. An entry's index is also the index of its counter.
	ents []entry
	// prob[k] is entry k's probability.
	prob []float64
}

// entry is one joint outcome of a state's table: the upper threshold of
// its interval in [0, 2^63), the state it leads to and its purchase
// outcome.
type entry struct {
	thr  uint64
	next uint16
	rec  uint16
}

// builder computes one segment's table at one step.
type builder struct {
	sp space
	// root is the world of the step; w is the world of the region being
	// built (root itself without region-specific events).
	root   *world
	w      *world
	cfg    *Config
	combos []combo
	dt     float64
	region int
	shares []float64 // regional share holding each method

	pShop float64
	// util[p][m] is a method's utility on platform p before habit.
	util [][]float64
	// bonus[p] is the utility of the method platform p's checkout
	// remembers: Gamma for the shared habit, SwitchCost for an own memory.
	bonus []float64
	rem   []int // per platform, the remembered method of the state built
	// base[p] is a platform's utility before loyalty and inclusive value.
	base []float64
	// pur caches, by state index, the purchase outcomes of positive
	// probability (purE) with their probabilities (purP), in outcome
	// order, for the states whose purGen is gen; gen counts resets.
	purE   [][]uint16
	purP   [][]float64
	purN   [][]uint16 // the state after each outcome of purE
	purGen []uint32
	gen    uint32
	dense  []float64 // purchase distributions by outcome, per last platform
	vbuf   []float64 // per platform, utilities then their exponentials
	ebuf   []float64 // per platform, exponentials of utilities
	xbuf   []float64 // ebuf with one platform's loyalty
	fbuf   []float64 // per platform, people buying there (flowRow)
	eloy   []float64 // per platform, the exponential of its loyalty
	// choices caches the method choice at a checkout by (platform,
	// usable set, remembered method+1), for the entries whose
	// choiceGen is gen.
	choices   []choice
	choiceGen []uint32
	// adopt is the adoption matrix of the step (see adoptionMatrix), valid
	// when adoptGen is gen; stay is adoption's scratch.
	adopt    []float64
	adoptGen uint32
	stay     []float64
}

func newBuilder(sp space, cfg *Config, w *world, cs []combo, dt float64) *builder {
	// One builder serves one group through the run (see at), so that its
	// buffers are allocated once.
	b := &builder{sp: sp, root: w, w: w, cfg: cfg, combos: cs, dt: dt,
		util: make([][]float64, sp.np), base: make([]float64, sp.np), bonus: make([]float64, sp.np), rem: make([]int, sp.np),
		purE: make([][]uint16, sp.ns), purP: make([][]float64, sp.ns), purN: make([][]uint16, sp.ns), purGen: make([]uint32, sp.ns),
		dense: make([]float64, sp.nl*sp.ne), vbuf: make([]float64, sp.np), ebuf: make([]float64, sp.np), xbuf: make([]float64, sp.np), fbuf: make([]float64, sp.np), eloy: make([]float64, sp.np),
		choices: make([]choice, sp.np*sp.nw*sp.nh), choiceGen: make([]uint32, sp.np*sp.nw*sp.nh),
		adopt: make([]float64, sp.nw*sp.nw), stay: make([]float64, sp.nm)}
	for p := range b.util {
		b.util[p] = make([]float64, sp.nm)
	}
	return b
}

// at moves the builder to the world w of another step, with acceptance
// combinations cs; reset must follow before it builds.
func (b *builder) at(w *world, cs []combo) { b.root, b.w, b.combos = w, w, cs }

// reset prepares the builder for the people of preference class k (-1
// without classes) in a segment of region r, with shopping rate rate and
// regional holding shares.
func (b *builder) reset(r, k int, rate float64, shares []float64) {
	b.region, b.shares = r, shares
	b.w = b.root.in(r)
	b.pShop = -math.Expm1(-rate * b.dt)
	for p := range b.util {
		pl := &b.w.platforms[p]
		b.base[p] = pl.Appeal + pl.RegionAppeal[r]
		b.eloy[p] = math.Exp(pl.Loyalty)
		b.bonus[p] = b.w.beh.Gamma
		if pl.OwnMemory {
			b.bonus[p] = b.w.beh.SwitchCost
		}
		for m := range b.util[p] {
			b.util[p][m] = b.w.methods[m].Appeal + b.w.classShift(k, m) + pl.MethodAppeal[m] + b.w.shift[p][m] + b.w.beh.Delta*shares[m]
		}
	}
	b.gen++
	if b.gen == 0 { // wrapped: forget every cached entry
		clear(b.purGen)
		clear(b.choiceGen)
		b.adoptGen = 0
		b.gen = 1
	}
}

// choice is the logit choice among a usable set of methods at one
// checkout: the log-sum of exp(W) over the set and each method's
// probability.
type choice struct {
	lse   float64
	probs [8]float64
}

// choose returns the choice among the methods in set at platform p's
// checkout, whose memory holds method rem (-1 for none).
func (b *builder) choose(p int, set uint32, rem int) *choice {
	k := (p*b.sp.nw+int(set))*b.sp.nh + rem + 1
	c := &b.choices[k]
	if b.choiceGen[k] == b.gen {
		return c
	}
	b.choiceGen[k] = b.gen
	util, bonus := b.util[p], b.bonus[p]
	f := func(m int) float64 {
		if m == rem {
			return util[m] + bonus
		}
		return util[m]
	}
	c.lse = logSumExp(set, f)
	for s := set; s != 0; s &= s - 1 {
		m := bits.TrailingZeros32(s)
		c.probs[m] = math.Exp(f(m) - c.lse)
	}
	return c
}

// purchase returns the purchase outcomes of positive probability of an
// agent with wallets w, memory code mc and last platform l, in outcome
// order, with their probabilities and the states they lead to.
func (b *builder) purchase(w, mc, l int) (outcomes []uint16, probs []float64, next []uint16) {
	idx := b.sp.state(w, mc, l)
	if b.purGen[idx] != b.gen {
		b.purchaseRow(w, mc)
	}
	return b.purE[idx], b.purP[idx], b.purN[idx]
}

// purchaseRow computes purchase's answers for wallets w and memory code
// mc with every last platform at once: they share the checkouts' method
// choices and differ only in one platform's loyalty.
func (b *builder) purchaseRow(w, mc int) {
	sp, beh := b.sp, &b.w.beh
	nl, ne := sp.nl, sp.ne
	out := b.dense // nl rows of ne outcomes
	clear(out)
	for l := range nl {
		out[l*ne] = 1 - b.pShop
	}
	rem := b.rem
	for p := range rem {
		rem[p] = sp.remembered(mc, p)
	}
	for ci := range b.combos {
		c := &b.combos[ci]
		vmax := b.platforms(w, c)
		for l := range nl {
			o := out[l*ne : (l+1)*ne]
			X, z := b.fromLast(l, vmax)
			// Lower level: method at checkout.
			for p := range X {
				mass := b.pShop * c.prob * X[p] / z
				if mass == 0 {
					continue
				}
				if u := uint32(w) & c.mask[p]; u != 0 {
					ch := b.choose(p, u, rem[p])
					for s := u; s != 0; s &= s - 1 {
						m := bits.TrailingZeros32(s)
						o[sp.paid(p, m)] += mass * ch.probs[m]
					}
					continue
				}
				lost := b.lostOf(w, p)
				if a := c.mask[p]; a != 0 {
					ch := b.choose(p, a, rem[p])
					x := mass * beh.Psi
					for s := a; s != 0; s &= s - 1 {
						m := bits.TrailingZeros32(s)
						o[sp.signup(p, m)] += x * ch.probs[m]
					}
					o[lost] += mass * (1 - beh.Psi)
				} else {
					o[lost] += mass
				}
			}
		}
	}
	for l := range nl {
		idx := sp.state(w, mc, l)
		es, ps, ns := b.purE[idx][:0], b.purP[idx][:0], b.purN[idx][:0]
		base := sp.afterBase[(mc*nl+l)*ne : (mc*nl+l+1)*ne]
		for e, pe := range out[l*ne : (l+1)*ne] {
			if pe != 0 {
				es = append(es, uint16(e))
				ps = append(ps, pe)
				ns = append(ns, uint16(int(base[e])+(w|int(sp.gains[e]))))
			}
		}
		b.purE[idx], b.purP[idx], b.purN[idx], b.purGen[idx] = es, ps, ns, b.gen
	}
}

// platforms computes, for wallets w under acceptance combination c and
// the remembered methods of b.rem, each platform's utility before
// loyalty into b.vbuf and its exponential, scaled by the largest, into
// b.ebuf; it returns the largest utility.
func (b *builder) platforms(w int, c *combo) (vmax float64) {
	beh := &b.w.beh
	V, E := b.vbuf, b.ebuf
	vmax = math.Inf(-1)
	for p := range V {
		// The checkout: the inclusive value of the platform's usable
		// methods, or the penalty of accepting none of them.
		t := -beh.Kappa
		if u := uint32(w) & c.mask[p]; u != 0 {
			t = beh.Beta * b.choose(p, u, b.rem[p]).lse
		}
		V[p] = b.base[p] + t
		if V[p] > vmax {
			vmax = V[p]
		}
	}
	for p := range E {
		E[p] = math.Exp(V[p] - vmax)
	}
	return vmax
}

// fromLast returns, after platforms, the exponentials of the platforms'
// utilities for a shopper whose last platform is l (0 for none, else
// platform+1), scaled alike, and their sum: those of platforms but for
// the loyalty of returning to platform l-1.
func (b *builder) fromLast(l int, vmax float64) (X []float64, z float64) {
	V, E := b.vbuf, b.ebuf
	X = E
	if l > 0 {
		X = b.xbuf
		copy(X, E)
		p := l - 1
		switch d := V[p] + b.w.platforms[p].Loyalty - vmax; {
		case d < 700 && E[p] > 1e-300:
			X[p] = E[p] * b.eloy[p]
		case d < 700:
			X[p] = math.Exp(d)
		default: // so loyal that the others underflow
			for q := range X {
				X[q] = math.Exp(V[q] - V[p] - b.w.platforms[p].Loyalty)
			}
			X[p] = 1
		}
	}
	for _, x := range X {
		z += x
	}
	return X, z
}

// flowRow moves, for the mean field, the people x[l] in the states
// (wallets w, memory code mc, last platform l) by their purchase
// outcomes: it adds to next the people reaching each state and to flow
// those of each outcome. It is purchaseRow with the masses applied as it
// goes: a purchase's next state does not depend on the last platform, so
// purchases are summed over last platforms before they are spread over
// methods, and the cost per row is that of one last platform plus a few
// operations for each other.
func (b *builder) flowRow(w, mc int, x []float64, next, flow []float64) {
	sp := &b.sp
	for l, xl := range x {
		if xl != 0 {
			y := xl * (1 - b.pShop)
			next[sp.state(w, mc, l)] += y
			flow[0] += y
		}
	}
	for p := range b.rem {
		b.rem[p] = sp.remembered(mc, p)
	}
	F := b.fbuf
	for ci := range b.combos {
		c := &b.combos[ci]
		vmax := b.platforms(w, c)
		clear(F)
		b.flowEach(w, mc, c, vmax, x, next, flow)
		for p, mass := range F {
			if mass == 0 {
				continue
			}
			set, signup := uint32(w)&c.mask[p], false
			if set == 0 {
				set, signup = c.mask[p], true
			}
			ch := b.choose(p, set, b.rem[p])
			for s := set; s != 0; s &= s - 1 {
				m := bits.TrailingZeros32(s)
				y := mass * ch.probs[m]
				mc2 := sp.paidWith(mc, p, m)
				if signup {
					flow[sp.signup(p, m)] += y
					next[sp.state(w|1<<m, mc2, p+1)] += y
				} else {
					flow[sp.paid(p, m)] += y
					next[sp.state(w, mc2, p+1)] += y
				}
			}
		}
	}
}

// flowEach is flowRow's first half under acceptance combination c: it
// adds to b.fbuf the people buying on each platform
// (signing up on those that accept none of their methods), summed over
// last platforms, and moves the lost sales, last platform by last
// platform.
func (b *builder) flowEach(w, mc int, c *combo, vmax float64, x []float64, next, flow []float64) {
	sp, psi, F := &b.sp, b.w.beh.Psi, b.fbuf
	for l, xl := range x {
		if xl == 0 {
			continue
		}
		X, z := b.fromLast(l, vmax)
		k := b.pShop * c.prob * xl / z
		for p, xp := range X {
			mass := k * xp
			if mass == 0 {
				continue
			}
			if uint32(w)&c.mask[p] != 0 {
				F[p] += mass
				continue
			}
			// None of the shopper's methods is accepted: sign-ups
			// leave for the platform, the others stay where they are.
			if c.mask[p] != 0 {
				F[p] += mass * psi
				mass *= 1 - psi
			}
			next[sp.state(w, mc, l)] += mass
			flow[b.lostOf(w, p)] += mass
		}
	}
}

// lostOf is the outcome of a sale lost on platform p by a shopper with
// wallets w: none of w's methods is accepted there, or w is empty.
func (b *builder) lostOf(w, p int) int {
	if w == 0 {
		return b.sp.lostNone(p)
	}
	return b.sp.lost(p)
}

// logSumExp returns log sum over the methods in set of exp(f(m)).
func logSumExp(set uint32, f func(int) float64) float64 {
	mx := math.Inf(-1)
	for s := set; s != 0; s &= s - 1 {
		mx = math.Max(mx, f(bits.TrailingZeros32(s)))
	}
	var z float64
	for s := set; s != 0; s &= s - 1 {
		z += math.Exp(f(bits.TrailingZeros32(s)) - mx)
	}
	return mx + math.Log(z)
}

// spread shares mass over the methods in set with logit weights exp(f(m)).
func spread(set uint32, mass float64, f func(int) float64, add func(int, float64)) {
	lse := logSumExp(set, f)
	for s := set; s != 0; s &= s - 1 {
		m := bits.TrailingZeros32(s)
		add(m, mass*math.Exp(f(m)-lse))
	}
}

// adoption returns, for current wallets w, the probability of each next
// wallet set (before any sign-up at checkout).
func (b *builder) adoption(w int, out []float64) {
	sp := b.sp
	stay := b.stay // probability that method m's bit keeps its value
	for m := 0; m < sp.nm; m++ {
		mt := &b.w.methods[m]
		if w&(1<<m) != 0 {
			stay[m] = math.Exp(-mt.Churn * b.dt)
		} else {
			stay[m] = math.Exp(-(mt.P + b.w.boostP[m] + (mt.Q+b.w.boostQ[m])*b.shares[m]) * b.dt)
		}
	}
	for w2 := range out {
		pr := 1.0
		for m := 0; m < sp.nm; m++ {
			if (w2^w)&(1<<m) == 0 {
				pr *= stay[m]
			} else {
				pr *= 1 - stay[m]
			}
		}
		out[w2] = pr
	}
}

// adoptionMatrix returns the step's adoption probabilities: entry
// w*nw+w2 is the probability that wallets w become w2 before any sign-up
// at checkout. Each method's bit changes independently (see adoption).
func (b *builder) adoptionMatrix() []float64 {
	if b.adoptGen != b.gen {
		nw := b.sp.nw
		for w := 0; w < nw; w++ {
			b.adoption(w, b.adopt[w*nw:(w+1)*nw])
		}
		b.adoptGen = b.gen
	}
	return b.adopt
}

// build fills t with the outcome distributions of every state s for
// which occupied(s) holds.
func (b *builder) build(t *table, occupied func(s int) bool) {
	sp := b.sp
	t.off = resize(t.off, sp.ns)
	t.guide = resize(t.guide, sp.ns)
	t.ents, t.prob = t.ents[:0], t.prob[:0]
	am := b.adoptionMatrix()
	const one = float64(1 << 63)
	for s := 0; s < sp.ns; s++ {
		if !occupied(s) {
			t.off[s] = -1
			continue
		}
		start := len(t.ents)
		t.off[s] = int32(start)
		w, mc, l := sp.split(s)
		var cum float64
		for w2, pa := range am[w*sp.nw : (w+1)*sp.nw] {
			if pa == 0 {
				continue
			}
			es, ps, ns := b.purchase(w2, mc, l)
			for i, pe := range ps {
				pr := pa * pe
				if pr == 0 {
					continue
				}
				cum += pr
				th := uint64(1 << 63)
				if cum < 1 {
					th = uint64(cum * one)
				}
				t.ents = append(t.ents, entry{thr: th, next: ns[i], rec: es[i]})
				t.prob = append(t.prob, pr)
			}
		}
		t.ents[len(t.ents)-1].thr = 1 << 63
		// Guide: first entry whose threshold exceeds each bucket's floor.
		k := start
		gs := &t.guide[s]
		for g := range gs {
			floor := uint64(g) << (63 - guideBits)
			for t.ents[k].thr <= floor {
				k++
			}
			gs[g] = int32(k)
		}
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
