package sim

// meanField is the mean-field engine: it carries the expected number of
// people in every state and moves it by the same outcome tables the
// agents draw from, so it is the exact expectation of one agent-based
// step given the current aggregates, and the large-population limit of
// the agent-based engine.
type meanField struct {
	sp     space
	masses [][]float64
	spare  []float64
	pop    []float64 // people per group
}

func newMeanField(cfg *Config, sp space, groups []group) engine {
	f := &meanField{sp: sp, masses: make([][]float64, len(groups)), pop: make([]float64, len(groups))}
	for g, gr := range groups {
		m := make([]float64, sp.ns)
		pop := cfg.Regions[gr.region].Population * gr.share
		f.pop[g] = pop
		for w := 0; w < sp.nw; w++ {
			if gr.seg.Wallets != nil {
				m[sp.state(w, 0, 0)] = pop * gr.seg.Wallets[w]
				continue
			}
			pr := pop
			for k, h := range gr.seg.Holdings {
				if w&(1<<k) != 0 {
					pr *= h
				} else {
					pr *= 1 - h
				}
			}
			m[sp.state(w, 0, 0)] = pr
		}
		f.masses[g] = m
	}
	return f
}

func (f *meanField) mass(g int) []float64 { return f.masses[g] }

func (f *meanField) advance(_ int, tabs []table, flows [][]float64) {
	for g := range tabs {
		t := &tabs[g]
		flows[g] = resize(flows[g], len(t.thr))
		next := resize(f.spare, f.sp.ns)
		clear(next)
		cur := f.masses[g]
		for s, x := range cur {
			if x == 0 {
				continue
			}
			end := len(t.thr)
			for s2 := s + 1; s2 < len(cur); s2++ {
				if t.off[s2] >= 0 {
					end = int(t.off[s2])
					break
				}
			}
			for k := int(t.off[s]); k < end; k++ {
				fl := x * t.prob[k]
				flows[g][k] = fl
				next[t.next[k]] += fl
			}
		}
		f.masses[g], f.spare = next, cur
	}
}

func (f *meanField) grow(g int, people float64) {
	if people > f.pop[g] {
		f.masses[g][f.sp.state(0, 0, 0)] += people - f.pop[g]
		f.pop[g] = people
	}
}
