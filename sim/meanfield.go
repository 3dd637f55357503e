package sim

// meanField is the mean-field engine: it carries the expected number of
// people in every state and moves it by the same outcome distributions
// the agents draw from, so it is the exact expectation of one
// agent-based step given the current aggregates, and the
// large-population limit of the agent-based engine.
//
// It moves mass in the two stages a step is made of, not through the
// joint table the agents draw from: first adoption (wallets w become w2
// with the adoption matrix, memories and last platform unchanged), then
// the purchase outcomes of every state after adoption, a row of states
// (wallets, memories; every last platform) at a time (see flowRow). A
// state's joint outcome is the product of the two, so the result is the
// same expectation, at the cost of nw + outcomes per state instead of
// nw x outcomes.
type meanField struct {
	sp      space
	workers int
	masses  [][]float64
	mid     [][]float64 // per group, the masses after adoption
	spare   [][]float64 // per group, the next masses
	row     [][]float64 // per group, the masses of one row of states (see flowRow)
	pop     []float64   // people per group
}

func newMeanField(cfg *Config, sp space, groups []group, workers int) engine {
	f := &meanField{sp: sp, workers: workers, masses: make([][]float64, len(groups)), pop: make([]float64, len(groups)),
		mid: make([][]float64, len(groups)), spare: make([][]float64, len(groups)), row: make([][]float64, len(groups))}
	for g, gr := range groups {
		m := make([]float64, sp.ns)
		pop := cfg.Regions[gr.region].Population * gr.share
		f.pop[g] = pop
		for w := 0; w < sp.nw; w++ {
			m[sp.state(w, 0, 0)] = walletShare(gr.seg, w, pop)
		}
		f.masses[g] = m
		f.mid[g] = make([]float64, sp.ns)
		f.spare[g] = make([]float64, sp.ns)
		f.row[g] = make([]float64, sp.nl)
	}
	return f
}

func (f *meanField) mass(g int) []float64 { return f.masses[g] }

// advance moves every group, in parallel: groups are independent within
// a step, so the result does not depend on the number of workers.
func (f *meanField) advance(_ int, bs []*builder, flows [][]float64) {
	parallel(len(bs), f.workers, func(_, g int) {
		flows[g] = resize(flows[g], f.sp.ne)
		f.move(g, bs[g], flows[g])
	})
}

// move moves group g by one step with builder b, writing the people of
// each purchase outcome into flow.
func (f *meanField) move(g int, b *builder, flow []float64) {
	sp := f.sp
	nw := sp.nw
	am := b.adoptionMatrix()
	cur, mid, next := f.masses[g], f.mid[g], f.spare[g]
	clear(mid)
	for s, x := range cur {
		if x == 0 {
			continue
		}
		w := s % nw
		rest := s - w // the state with no wallets and s's memory and last platform
		for w2, a := range am[w*nw : (w+1)*nw] {
			if a != 0 {
				mid[rest+w2] += x * a
			}
		}
	}
	clear(next)
	clear(flow)
	x := f.row[g]
	for mc := range sp.nc {
		for w := range nw {
			occupied := false
			for l := range x {
				x[l] = mid[sp.state(w, mc, l)]
				occupied = occupied || x[l] != 0
			}
			if occupied {
				b.flowRow(w, mc, x, next, flow)
			}
		}
	}
	f.masses[g], f.spare[g] = next, cur
}

func (f *meanField) grow(g int, people float64) {
	if people > f.pop[g] {
		f.masses[g][f.sp.state(0, 0, 0)] += people - f.pop[g]
		f.pop[g] = people
	}
}

// walletShare returns x times the share of segment seg's people who
// start with wallet set w: from the segment's joint distribution, or the
// product of its holdings, each method held independently.
func walletShare(seg *Segment, w int, x float64) float64 {
	if seg.Wallets != nil {
		return x * seg.Wallets[w]
	}
	for m, h := range seg.Holdings {
		if w&(1<<m) != 0 {
			x *= h
		} else {
			x *= 1 - h
		}
	}
	return x
}
