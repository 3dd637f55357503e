package sim

import "math"

// Random numbers are counter-based: the number an agent draws in a step
// is a hash of (seed, run, step, agent index), so it does not depend on
// which worker handles the agent or in which order, and every agent draws
// exactly one number per step whatever its choice set. Two scenarios that
// differ only in their events therefore share every draw (common random
// numbers). The hash is SplitMix64's finaliser, whose output over a Weyl
// sequence passes BigCrush; keys for different steps and runs are
// themselves hashed so that streams do not line up.

const golden = 0x9e3779b97f4a7c15

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// streamKey returns the key of the stream of (seed, run, tag), where tag
// is a step (from 0) or an initial-holding draw (negative).
func streamKey(seed uint64, run, tag int) uint64 {
	return mix(mix(mix(seed^0x6a09e667f3bcc909)+uint64(run)*golden) + uint64(int64(tag))*0xd1b54a32d192ed03)
}

// draw returns agent i's 63-bit random number in the stream with key k.
func draw(k uint64, i int) uint64 { return mix(k+uint64(i)*golden) >> 1 }

// block is a range of agents of one group.
type block struct{ g, lo, hi int }

// agents is the agent-based engine, generic in the width of the state.
type agents[T uint8 | uint16] struct {
	sp      space
	groups  []group
	seed    uint64
	run     int
	workers int
	state   []T
	blocks  []block
	counts  [][]int64   // agents per state, per group
	masses  [][]float64 // people per state, per group
	wcnt    [][]uint32  // per worker, per table entry of all groups
	tabs    []table     // per group, the joint outcome table of the step
	// online[g] is the number of group g's agents in the population, its
	// first ones; the others wait in state 0 and are neither stepped nor
	// counted.
	online []int
}

func newAgents(cfg *Config, sp space, groups []group, seed uint64, run, workers int) engine {
	if stateBytes(sp) == 1 {
		return initAgents[uint8](cfg, sp, groups, seed, run, workers)
	}
	return initAgents[uint16](cfg, sp, groups, seed, run, workers)
}

func initAgents[T uint8 | uint16](cfg *Config, sp space, groups []group, seed uint64, run, workers int) *agents[T] {
	a := &agents[T]{sp: sp, groups: groups, seed: seed, run: run, workers: workers,
		counts: make([][]int64, len(groups)), masses: make([][]float64, len(groups)),
		wcnt: make([][]uint32, workers), online: make([]int, len(groups)), tabs: make([]table, len(groups))}
	n := cfg.Agents()
	a.state = make([]T, n)
	for g, gr := range groups {
		hi := gr.first + gr.agents
		for lo := gr.first; lo < hi; lo += blockSize {
			a.blocks = append(a.blocks, block{g, lo, min(lo+blockSize, hi)})
		}
		a.counts[g] = make([]int64, sp.ns)
		a.masses[g] = make([]float64, sp.ns)
		a.online[g] = gr.online(cfg.Regions[gr.region].Population * gr.share)
	}
	// Initial wallets: method m is held with the segment's holding share,
	// independently across methods, from streams tagged -1-m; or, with
	// joint holdings, one draw from the stream tagged walletsTag picks the
	// wallet set by its cumulative distribution.
	keys := make([]uint64, sp.nm)
	for m := range keys {
		keys[m] = streamKey(seed, run, -1-m)
	}
	jointKey := streamKey(seed, run, walletsTag)
	parallel(len(a.blocks), workers, func(_, bi int) {
		b := a.blocks[bi]
		seg := groups[b.g].seg
		hi := min(b.hi, a.end(b.g)) // agents online at the start
		if seg.Wallets != nil {
			cum := walletThresholds(seg.Wallets)
			for i := b.lo; i < hi; i++ {
				u := draw(jointKey, i)
				w := 0
				for w < len(cum)-1 && u >= cum[w] {
					w++
				}
				a.state[i] = T(sp.state(w, 0, 0))
			}
			return
		}
		thr := make([]uint64, sp.nm)
		for m, h := range seg.Holdings {
			thr[m] = uint64(h * (1 << 63))
			if h >= 1 {
				thr[m] = 1 << 63
			}
		}
		for i := b.lo; i < hi; i++ {
			w := 0
			for m, k := range keys {
				if draw(k, i) < thr[m] {
					w |= 1 << m
				}
			}
			a.state[i] = T(sp.state(w, 0, 0))
		}
	})
	for g, gr := range groups {
		for _, s := range a.state[gr.first:a.end(g)] {
			a.counts[g][s]++
		}
		a.setMass(g)
	}
	return a
}

// walletThresholds returns the upper thresholds in [0, 2^63] of the
// wallet sets of the joint distribution p, in index order.
func walletThresholds(p []float64) []uint64 {
	cum := make([]uint64, len(p))
	var c float64
	for w, x := range p {
		c += x
		cum[w] = uint64(math.Min(c, 1) * (1 << 63))
	}
	cum[len(cum)-1] = 1 << 63
	return cum
}

// end returns the index after group g's last online agent.
func (a *agents[T]) end(g int) int { return a.groups[g].first + a.online[g] }

func (a *agents[T]) grow(g int, people float64) {
	if n := a.groups[g].online(people); n > a.online[g] {
		a.counts[g][a.sp.state(0, 0, 0)] += int64(n - a.online[g])
		a.online[g] = n
		a.setMass(g)
	}
}

func (a *agents[T]) setMass(g int) {
	w := a.groups[g].weight
	for s, c := range a.counts[g] {
		a.masses[g][s] = float64(c) * w
	}
}

func (a *agents[T]) mass(g int) []float64 { return a.masses[g] }

func (a *agents[T]) advance(step int, bs []*builder, flows [][]float64) {
	tabs := a.tabs
	// Tables of occupied states, a group per worker at a time.
	parallel(len(tabs), a.workers, func(_, g int) {
		cnt := a.counts[g]
		bs[g].build(&tabs[g], func(s int) bool { return cnt[s] > 0 })
	})
	base := make([]int, len(tabs)+1)
	for g := range tabs {
		base[g+1] = base[g] + len(tabs[g].ents)
	}
	for w := range a.wcnt {
		a.wcnt[w] = resize(a.wcnt[w], base[len(tabs)])
		clear(a.wcnt[w])
	}
	key := streamKey(a.seed, a.run, step)
	parallel(len(a.blocks), a.workers, func(w, bi int) {
		b := a.blocks[bi]
		hi := min(b.hi, a.end(b.g))
		if hi <= b.lo {
			return
		}
		t := &tabs[b.g]
		cnt := a.wcnt[w][base[b.g]:base[b.g+1]]
		stepBlock(a.state[b.lo:hi], b.lo, key, t, cnt)
	})
	for g := range tabs {
		t := &tabs[g]
		flows[g] = resize(flows[g], a.sp.ne)
		clear(flows[g])
		clear(a.counts[g])
		wt := a.groups[g].weight
		for k, e := range t.ents {
			var c int64
			for w := range a.wcnt {
				c += int64(a.wcnt[w][base[g]+k])
			}
			if c != 0 {
				flows[g][e.rec] += float64(c) * wt
				a.counts[g][e.next] += c
			}
		}
		a.setMass(g)
	}
}

// stepBlock moves the agents of one block, whose first agent has index
// first, by one step: one random number, one guide index of the state's
// table, a search from the entry it names (one entry read for most
// agents, a few consecutive ones for the others), one count.
//
// Measured alternatives that were slower (docs/performance.md): a guide
// word that gives the outcome directly when its bucket holds no
// threshold (a mispredicted branch costs more than the entry read it
// saves); the draws of a batch computed first; two banks of counters;
// thresholds packed with the next state into 8 bytes.
func stepBlock[T uint8 | uint16](st []T, first int, key uint64, t *table, cnt []uint32) {
	ents, guide := t.ents, t.guide
	cnt = cnt[:len(ents)]           // so that cnt[k] needs no check once ents[k] had one
	z := key + uint64(first)*golden // draw(key, first+j) is mix(z)>>1
	for j, s := range st {
		u := mix(z) >> 1
		z += golden
		k := int(guide[s][u>>(63-guideBits)&(1<<guideBits-1)])
		for u >= ents[k].thr {
			k++
		}
		st[j] = T(ents[k].next)
		cnt[k]++
	}
}
