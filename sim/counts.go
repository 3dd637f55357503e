package sim

// counts is the count engine. Agents of one group in one state are
// exchangeable, so the numbers of them that reach each outcome of a step
// are exactly multinomial: it moves those numbers, not agents, through
// the same two stages as the mean field (adoption, then purchase). Its
// law is the per-agent engine's; its cost grows with the number of
// occupied states, not with the number of agents.
//
// Random numbers come from one stream per (step, group, state after
// each stage), keyed like the agents' streams, so a result does not
// depend on the number of workers, and two scenarios that differ only
// in their events draw from the same streams (common random numbers,
// coupled less tightly than agents are: see docs/common-random-numbers.md).
type counts struct {
	sp      space
	groups  []group
	seed    uint64
	run     int
	workers int
	n       [][]int64   // agents per state, per group
	mid     [][]int64   // per group, agents per state after adoption
	spare   [][]int64   // per group, the next agents per state
	masses  [][]float64 // people per state, per group
	out     [][]int64   // per group, a multinomial draw's counts
	online  []int
}

// Stages of a step, mixed into the count engine's stream keys.
const (
	stageWallets  = 1 // initial wallets
	stageAdoption = 2
	stagePurchase = 3
)

func newCounts(cfg *Config, sp space, groups []group, seed uint64, run, workers int) engine {
	c := &counts{sp: sp, groups: groups, seed: seed, run: run, workers: workers,
		n: make([][]int64, len(groups)), mid: make([][]int64, len(groups)), spare: make([][]int64, len(groups)),
		masses: make([][]float64, len(groups)), out: make([][]int64, len(groups)), online: make([]int, len(groups))}
	key := streamKey(seed, run, walletsTag)
	probs := make([]float64, sp.nw)
	draw := make([]int64, sp.nw)
	for g, gr := range groups {
		c.n[g] = make([]int64, sp.ns)
		c.mid[g] = make([]int64, sp.ns)
		c.spare[g] = make([]int64, sp.ns)
		c.masses[g] = make([]float64, sp.ns)
		c.out[g] = make([]int64, max(sp.ne, sp.nw))
		c.online[g] = gr.online(cfg.Regions[gr.region].Population * gr.share)
		// Initial wallets: a multinomial over wallet sets, with the
		// segment's joint distribution or the product of its holdings.
		for w := range probs {
			probs[w] = walletShare(gr.seg, w, 1)
		}
		r := c.stream(key, stageWallets, g, 0)
		r.multinomial(int64(c.online[g]), probs, draw)
		for w, x := range draw {
			c.n[g][sp.state(w, 0, 0)] = x
		}
		c.setMass(g)
	}
	return c
}

// stream returns the random stream of one stage of group g's state s
// in the step whose stream key is key.
func (c *counts) stream(key uint64, stage, g, s int) rng {
	return rng{mix(key ^ mix(uint64(stage)<<56^uint64(g)<<32^uint64(s)))}
}

func (c *counts) mass(g int) []float64 { return c.masses[g] }

func (c *counts) setMass(g int) {
	w := c.groups[g].weight
	for s, x := range c.n[g] {
		c.masses[g][s] = float64(x) * w
	}
}

func (c *counts) grow(g int, people float64) {
	if n := c.groups[g].online(people); n > c.online[g] {
		c.n[g][c.sp.state(0, 0, 0)] += int64(n - c.online[g])
		c.online[g] = n
		c.setMass(g)
	}
}

// advance moves every group, in parallel: each group's draws come from
// its own streams, so the result does not depend on the workers.
func (c *counts) advance(step int, bs []*builder, flows [][]float64) {
	key := streamKey(c.seed, c.run, step)
	parallel(len(bs), c.workers, func(_, g int) {
		flows[g] = resize(flows[g], c.sp.ne)
		c.move(key, g, bs[g], flows[g])
	})
}

// move moves group g by one step with builder b, writing the people of
// each purchase outcome into flow.
func (c *counts) move(key uint64, g int, b *builder, flow []float64) {
	sp := c.sp
	nw := sp.nw
	am := b.adoptionMatrix()
	cur, mid, next, out := c.n[g], c.mid[g], c.spare[g], c.out[g]
	clear(mid)
	for s, x := range cur {
		if x == 0 {
			continue
		}
		w := s % nw
		r := c.stream(key, stageAdoption, g, s)
		r.multinomial(x, am[w*nw:(w+1)*nw], out[:nw])
		rest := s - w
		for w2, y := range out[:nw] {
			mid[rest+w2] += y
		}
	}
	clear(next)
	clear(flow)
	wt := c.groups[g].weight
	for s, x := range mid {
		if x == 0 {
			continue
		}
		w, mc, l := sp.split(s)
		es, ps, ns := b.purchase(w, mc, l)
		r := c.stream(key, stagePurchase, g, s)
		o := out[:len(ps)]
		r.multinomial(x, ps, o)
		for i, y := range o {
			if y != 0 {
				next[ns[i]] += y
				flow[es[i]] += float64(y) * wt
			}
		}
	}
	c.n[g], c.spare[g] = next, cur
	c.setMass(g)
}
