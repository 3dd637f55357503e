package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// blockSize is the number of agents a worker takes at a time. Random
// numbers are drawn by agent index, so blocks only organise work: results
// do not depend on them.
const blockSize = 1 << 14

// group is the place in the simulation of one preference class of one
// segment (of the whole segment, without classes).
type group struct {
	region int
	seg    *Segment
	class  int     // index in Config.Classes, -1 without classes
	share  float64 // the group's share of the region's people
	agents int     // the group's agents
	first  int     // index of the group's first agent
	weight float64 // people per agent
	grows  bool    // the region's population grows
}

// online returns the number of the group's agents standing for people,
// the first of its agents: all of them without growth.
func (gr *group) online(people float64) int {
	if !gr.grows {
		return gr.agents
	}
	return min(gr.agents, int(math.Round(people/gr.weight)))
}

// groupsOf returns the groups of cfg in order: regions, their segments,
// and the segments' classes; the agents of a segment are shared out
// among its classes by classAgents, in class order. Classes with no
// share of a segment have no group.
func groupsOf(cfg *Config) []group {
	var groups []group
	first := 0
	for r := range cfg.Regions {
		reg := &cfg.Regions[r]
		for i := range reg.Segments {
			seg := &reg.Segments[i]
			add := func(class int, share float64, n int) {
				groups = append(groups, group{region: r, seg: seg, class: class, share: share, agents: n, first: first,
					weight: cfg.PeakPopulation(r) * share / float64(n), grows: reg.Growth != nil})
				first += n
			}
			if cfg.Classes == nil {
				add(-1, seg.Share, seg.Agents)
				continue
			}
			for k, n := range classAgents(seg.Agents, seg.ClassShares) {
				if n > 0 {
					add(k, seg.Share*seg.ClassShares[k], n)
				}
			}
		}
	}
	return groups
}

// classAgents shares n agents out among classes in proportion to
// shares (largest remainders, ties to the earlier class), giving every
// class with a positive share at least one agent when n allows: it
// takes them from the class with the most.
func classAgents(n int, shares []float64) []int {
	out := make([]int, len(shares))
	rem := make([]float64, len(shares))
	left := n
	for k, x := range shares {
		f := float64(n) * x
		out[k] = int(math.Floor(f))
		rem[k] = f - float64(out[k])
		left -= out[k]
	}
	for ; left > 0; left-- {
		best := -1
		for k := range rem {
			if shares[k] > 0 && (best < 0 || rem[k] > rem[best]) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		out[best]++
		rem[best] = -1
	}
	for k, x := range shares {
		if x > 0 && out[k] == 0 {
			most := 0
			for j := range out {
				if out[j] > out[most] {
					most = j
				}
			}
			if out[most] > 1 {
				out[most]--
				out[k]++
			}
		}
	}
	return out
}

// engine advances the population by one step given the tables; the two
// implementations are agent-based and mean-field.
type engine interface {
	// mass returns the people of group g in each state.
	mass(g int) []float64
	// advance moves every group g by one step with the outcome
	// distributions of builder bs[g] (reset for the step), drawing from
	// the stream tagged step, writes the people of each purchase outcome
	// of group g into flows[g] (sp.ne entries), and updates the masses.
	advance(step int, bs []*builder, flows [][]float64)
	// grow brings group g's population up to people (not less than it
	// is), newcomers holding nothing, with no habit and no last platform.
	grow(g int, people float64)
}

// Run simulates cfg with the given seed and returns what it measured. It
// is deterministic: the same cfg, seed and Settings.Run give the same
// Result whatever the number of workers.
func Run(cfg *Config, seed uint64, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sp := spaceOf(cfg)
	groups := groupsOf(cfg)
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var eng engine
	switch s.Engine {
	case AgentBased:
		eng = newAgents(cfg, sp, groups, seed, s.Run, workers)
	case MeanField:
		eng = newMeanField(cfg, sp, groups, workers)
	case Counts:
		eng = newCounts(cfg, sp, groups, seed, s.Run, workers)
	default:
		return nil, fmt.Errorf("unknown engine %v", s.Engine)
	}

	res := &Result{Config: cfg, Engine: s.Engine, Seed: seed, Run: s.Run, Steps: make([]Tally, cfg.Steps)}
	flows := make([][]float64, len(groups))
	dt := cfg.Step.Years()
	bs := make([]*builder, len(groups))
	for g := range bs {
		bs[g] = newBuilder(sp, cfg, nil, nil, dt)
	}
	// step moves everyone by one step in world w, drawing from the
	// stream tagged tag.
	step := func(w *world, tag int) [][]float64 {
		cs := combos(w)
		shares := regionShares(cfg, sp, groups, eng)
		for g := range groups {
			gr := &groups[g]
			bs[g].at(w, cs)
			bs[g].reset(gr.region, gr.class, w.in(gr.region).shoppingRate(gr.region, gr.seg), shares[gr.region])
		}
		eng.advance(tag, bs, flows)
		return shares
	}
	if cfg.Warmup > 0 {
		w := warmupWorld(cfg)
		for k := range cfg.Warmup {
			if s.Cancel != nil && s.Cancel() {
				return nil, ErrCanceled
			}
			step(w, warmupTag-k)
			if s.Progress != nil {
				s.Progress(k + 1)
			}
		}
	}
	for n := 0; n < cfg.Steps; n++ {
		if s.Cancel != nil && s.Cancel() {
			return nil, ErrCanceled
		}
		for g := range groups {
			if gr := &groups[g]; gr.grows {
				eng.grow(g, cfg.PopulationAt(gr.region, cfg.Date(n))*gr.share)
			}
		}
		w := worldAt(cfg, cfg.Date(n))
		shares := step(w, n)
		res.Steps[n] = tally(cfg, sp, groups, w, shares, flows, eng)
		if s.Progress != nil {
			s.Progress(cfg.Warmup + n + 1)
		}
	}
	return res, nil
}

// warmupTag is the stream tag of the first warm-up step; the following
// ones count down from it, clear of the tags of initial holdings (-1 to
// -8 by method, walletsTag for joint holdings) and of the recorded steps
// (0 up).
const warmupTag = -16

// walletsTag is the stream tag of the initial wallet draw of segments
// whose holdings are given jointly (Segment.Wallets).
const walletsTag = -9

// warmupWorld is the world of the warm-up: as on Start, with adoption,
// churn and sign-ups at checkout switched off so that holdings stay as
// the scenario gives them.
func warmupWorld(cfg *Config) *world {
	w := worldAt(cfg, cfg.Start)
	still := func(w *world) {
		for m := range w.methods {
			w.methods[m].P, w.methods[m].Q, w.methods[m].Churn = 0, 0, 0
			w.boostP[m], w.boostQ[m] = 0, 0
		}
		w.beh.Psi = 0
	}
	still(w)
	for _, rw := range w.regional {
		still(rw)
	}
	return w
}

// regionShares returns, per region, the share of people holding each
// method: the aggregates every agent reads at the start of a step.
func regionShares(cfg *Config, sp space, groups []group, eng engine) [][]float64 {
	held := make([][]float64, len(cfg.Regions))
	pop := make([]float64, len(cfg.Regions))
	for r := range held {
		held[r] = make([]float64, sp.nm)
	}
	for g, gr := range groups {
		for s, x := range eng.mass(g) {
			if x == 0 {
				continue
			}
			w := s % sp.nw
			pop[gr.region] += x
			for m := 0; m < sp.nm; m++ {
				if w&(1<<m) != 0 {
					held[gr.region][m] += x
				}
			}
		}
	}
	for r := range held {
		for m := range held[r] {
			if pop[r] > 0 {
				held[r][m] /= pop[r]
			}
		}
	}
	return held
}

// tally sums one step's flows and end-of-step stocks by region, and the
// channel payments of the end-of-step holdings given the step's regional
// shares.
func tally(cfg *Config, sp space, groups []group, w *world, shares [][]float64, flows [][]float64, eng engine) Tally {
	t := Tally{Regions: make([]RegionTally, len(cfg.Regions))}
	for r := range t.Regions {
		t.Regions[r] = newRegionTally(sp.nm, sp.np, len(cfg.Channels))
	}
	// Channel choices, one per region and class: the groups of a
	// segment's class in one region choose alike.
	var chs map[[2]int]*channelChoice
	if cfg.Channels != nil {
		chs = make(map[[2]int]*channelChoice)
	}
	for g, gr := range groups {
		rt := &t.Regions[gr.region]
		if chs != nil {
			key := [2]int{gr.region, gr.class}
			ch := chs[key]
			if ch == nil {
				ch = newChannelChoice(sp, w.in(gr.region), gr.class, shares[gr.region], cfg.Step.Years())
				chs[key] = ch
			}
			tallyChannels(sp, ch, eng.mass(g), rt)
		}
		rw := w.in(gr.region)
		basket := rw.basketOf(gr.region, gr.seg)
		orders := ordersPerTrip(rw.shoppingRate(gr.region, gr.seg) * cfg.Step.Years())
		for e, f := range flows[g] {
			if f == 0 {
				continue
			}
			kind, p, m := sp.outcome(e)
			switch kind {
			case signupKind:
				rt.Signups[p][m] += f
				fallthrough
			case paidKind:
				rt.Transactions[p][m] += f * orders
				rt.Value[p][m] += f * orders * basket
			case lostKind:
				rt.Lost[p] += f * orders
			case lostNoneKind:
				rt.LostNoMethod[p] += f * orders
			}
		}
		byWallet := make([]float64, sp.nw)
		for s, x := range eng.mass(g) {
			if x != 0 {
				byWallet[s%sp.nw] += x
			}
		}
		for wl, x := range byWallet {
			if x == 0 {
				continue
			}
			rt.Population += x
			switch n := popcount(wl); n {
			case 0:
			case 1:
				rt.Only[trailingZeros(wl)] += x
			default:
				rt.MultiHomers += x
			}
			for m := 0; m < sp.nm; m++ {
				if wl&(1<<m) != 0 {
					rt.Holders[m] += x
				}
			}
		}
	}
	return t
}

// ordersPerTrip returns the mean number of orders of a shopper who shops
// in a step, when orders arrive as a Poisson process with mean x in the
// step: E[N | N >= 1] = x / (1 - exp(-x)). A shopping step stands for all
// of them, placed on the platform and paid with the method chosen, so that
// transactions and value follow the shopping rate whatever the step.
func ordersPerTrip(x float64) float64 {
	if x < 1e-9 {
		return 1 + x/2
	}
	return x / -math.Expm1(-x)
}

// Validate checks the invariants the engine relies on. Package scenarios
// reports user mistakes with their place in the file; Validate is the
// engine's own guard for Configs built in code.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	nm, np := len(c.Methods), len(c.Platforms)
	if nm < 1 || nm > 8 {
		bad("config: %d methods, want 1 to 8", nm)
	}
	if np < 1 || np > 15 {
		bad("config: %d platforms, want 1 to 15", np)
	}
	if c.Steps < 1 {
		bad("config: %d steps, want at least 1", c.Steps)
	}
	if c.Warmup < 0 {
		bad("config: %d warm-up steps, want at least 0", c.Warmup)
	}
	if c.Step < Day || c.Step > Month {
		bad("config: unknown step unit %v", c.Step)
	}
	if len(c.Regions) == 0 {
		bad("config: no regions")
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for _, r := range c.Regions {
		if !(r.Population > 0) || !finite(r.Population) {
			bad("config: region %s: population %v, want positive", r.Name, r.Population)
		}
		if len(r.Segments) == 0 {
			bad("config: region %s: no segments", r.Name)
		}
		var sum float64
		for _, s := range r.Segments {
			sum += s.Share
			if s.Agents < 1 {
				bad("config: region %s segment %s: %d agents, want at least 1", r.Name, s.Name, s.Agents)
			}
			if len(s.Holdings) != nm {
				bad("config: region %s segment %s: %d holdings for %d methods", r.Name, s.Name, len(s.Holdings), nm)
			}
			for _, h := range s.Holdings {
				if !(h >= 0 && h <= 1) {
					bad("config: region %s segment %s: holding %v outside [0,1]", r.Name, s.Name, h)
				}
			}
			if !(s.ShoppingRate >= 0) || !finite(s.ShoppingRate) || !(s.Basket >= 0) || !finite(s.Basket) {
				bad("config: region %s segment %s: shopping rate and basket must be finite and non-negative", r.Name, s.Name)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			bad("config: region %s: segment shares sum to %v, want 1", r.Name, sum)
		}
		from, x := c.Start, r.Population
		for _, g := range r.Growth {
			if !g.Date.After(from) || !(g.Population >= x) || !finite(g.Population) {
				bad("config: region %s: growth to %v on %s, want later dates and populations that do not fall", r.Name, g.Population, g.Date.Format("2006-01-02"))
				break
			}
			from, x = g.Date, g.Population
		}
	}
	if sp := spaceOf(c); sp.ns > 1<<16 {
		bad("config: %d states (%d wallet sets x %d memory codes x %d last platforms), at most 65536: give fewer platforms their own memory", sp.ns, sp.nw, sp.nc, sp.nl)
	}
	if !finite(c.Behaviour.SwitchCost) {
		bad("config: switch cost %v, want finite", c.Behaviour.SwitchCost)
	}
	for _, k := range c.Classes {
		if len(k.Appeal) != nm {
			bad("config: class %s: %d appeal shifts for %d methods", k.Name, len(k.Appeal), nm)
			continue
		}
		for _, x := range k.Appeal {
			if !finite(x) {
				bad("config: class %s: appeal shift %v, want finite", k.Name, x)
			}
		}
	}
	for _, r := range c.Regions {
		for _, s := range r.Segments {
			if c.Classes == nil {
				if s.ClassShares != nil {
					bad("config: region %s segment %s: class shares without classes", r.Name, s.Name)
				}
			} else if len(s.ClassShares) != len(c.Classes) {
				bad("config: region %s segment %s: %d class shares for %d classes", r.Name, s.Name, len(s.ClassShares), len(c.Classes))
			} else {
				var sum float64
				n := 0
				for _, x := range s.ClassShares {
					if !(x >= 0 && x <= 1) {
						bad("config: region %s segment %s: class share %v outside [0,1]", r.Name, s.Name, x)
					}
					if x > 0 {
						n++
					}
					sum += x
				}
				if math.Abs(sum-1) > 1e-9 {
					bad("config: region %s segment %s: class shares sum to %v, want 1", r.Name, s.Name, sum)
				}
				if s.Agents < n {
					bad("config: region %s segment %s: %d agents for %d classes, want at least one agent a class", r.Name, s.Name, s.Agents, n)
				}
			}
			if s.Wallets == nil {
				continue
			}
			if len(s.Wallets) != 1<<nm {
				bad("config: region %s segment %s: %d wallet-set shares, want %d", r.Name, s.Name, len(s.Wallets), 1<<nm)
				continue
			}
			var sum float64
			marg := make([]float64, nm)
			for w, x := range s.Wallets {
				if !(x >= 0 && x <= 1) {
					bad("config: region %s segment %s: wallet-set share %v outside [0,1]", r.Name, s.Name, x)
				}
				sum += x
				for m := range marg {
					if w&(1<<m) != 0 {
						marg[m] += x
					}
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				bad("config: region %s segment %s: wallet-set shares sum to %v, want 1", r.Name, s.Name, sum)
			}
			for m := range marg {
				if m < len(s.Holdings) && math.Abs(marg[m]-s.Holdings[m]) > 1e-9 {
					bad("config: region %s segment %s: wallet sets hold %s at %v, holdings say %v", r.Name, s.Name, c.Methods[m].Name, marg[m], s.Holdings[m])
				}
			}
		}
	}
	for _, p := range c.Platforms {
		if len(p.Accepts) != nm || len(p.MethodAppeal) != nm || len(p.RegionAppeal) != len(c.Regions) {
			bad("config: platform %s: accepts, method appeal and region appeal must have one entry per method, method and region", p.Name)
			continue
		}
		for m := range c.Methods {
			if p.Accepts[m] && !c.Methods[m].launched(c.Start) {
				bad("config: platform %s accepts %s, which launches after start", p.Name, c.Methods[m].Name)
			}
		}
	}
	for m := range c.Methods {
		if c.Methods[m].launched(c.Start) {
			continue
		}
		for _, r := range c.Regions {
			for _, s := range r.Segments {
				if m < len(s.Holdings) && s.Holdings[m] != 0 {
					bad("config: region %s segment %s holds %s, which launches after start", r.Name, s.Name, c.Methods[m].Name)
				}
			}
		}
	}
	for _, ch := range c.Channels {
		if len(ch.Accepts) != nm || len(ch.MethodAppeal) != nm {
			bad("config: channel %s: accepts and method appeal must have one entry per method", ch.Name)
			continue
		}
		if !(ch.Rate >= 0) || !finite(ch.Rate) || !(ch.Value >= 0) || !finite(ch.Value) {
			bad("config: channel %s: rate and value must be finite and non-negative", ch.Name)
		}
		for m, a := range ch.Accepts {
			if !(a >= 0 && a <= 1) {
				bad("config: channel %s: acceptance %v outside [0,1]", ch.Name, a)
			} else if a > 0 && !c.Methods[m].launched(c.Start) {
				bad("config: channel %s accepts %s, which launches after start", ch.Name, c.Methods[m].Name)
			}
		}
	}
	for i, e := range c.Events {
		switch e.Kind {
		case Accept, StopAccepting, Promotion:
			if e.Method < 0 || e.Method >= nm || e.Platform >= np || (e.Platform < 0 && e.Kind != Promotion) {
				bad("config: event %d: platform %d or method %d out of range", i, e.Platform, e.Method)
			}
		case Campaign:
			if e.Method < 0 || e.Method >= nm {
				bad("config: event %d: method %d out of range", i, e.Method)
			}
			if !(e.P >= 0 && e.Q >= 0) || !finite(e.P) || !finite(e.Q) {
				bad("config: event %d: campaign rates %v and %v, want finite and non-negative", i, e.P, e.Q)
			}
		case ChannelAcceptance:
			if e.Method < 0 || e.Method >= nm || e.Channel < 0 || e.Channel >= len(c.Channels) || !(e.Share >= 0 && e.Share <= 1) {
				bad("config: event %d: channel %d, method %d or share %v out of range", i, e.Channel, e.Method, e.Share)
			} else if e.Share > 0 && !c.Methods[e.Method].launched(e.Date) {
				bad("config: event %d: %v of %s before its launch", i, e.Kind, c.Methods[e.Method].Name)
			}
		case SetParam:
			if (e.Param.Kind == ChannelRate || e.Param.Kind == ChannelValue) && (e.Param.Index < 0 || e.Param.Index >= len(c.Channels)) {
				bad("config: event %d: channel %d out of range", i, e.Param.Index)
			}
		default:
			bad("config: event %d: unknown kind %v", i, e.Kind)
		}
		if e.Regions != nil {
			if e.Kind == Accept || e.Kind == StopAccepting || e.Kind == ChannelAcceptance || (e.Kind == SetParam && (e.Param.Kind == RegionShoppingRate || e.Param.Kind == RegionBasket)) {
				bad("config: event %d: a %v event cannot be limited to regions", i, e.Kind)
			}
			for j, r := range e.Regions {
				if r < 0 || r >= len(c.Regions) || (j > 0 && r <= e.Regions[j-1]) {
					bad("config: event %d: regions %v, want increasing indices of regions", i, e.Regions)
					break
				}
			}
		}
		if (e.Kind == Accept || e.Kind == Campaign) && e.Method >= 0 && e.Method < nm && !c.Methods[e.Method].launched(e.Date) {
			bad("config: event %d: %v of %s before its launch", i, e.Kind, c.Methods[e.Method].Name)
		}
		if i > 0 && e.Date.Before(c.Events[i-1].Date) {
			bad("config: events are not in date order at event %d", i)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// Partial acceptance is enumerated exactly: bound it at every step.
	for n := 0; n < c.Steps; n++ {
		w := worldAt(c, c.Date(n))
		k := 0
		for _, row := range w.acc {
			for _, a := range row {
				if a > 0 && a < 1 {
					k++
				}
			}
		}
		if k > maxPartial {
			return fmt.Errorf("config: %d platform/method pairs are in rollout at once on %s, at most %d", k, c.Date(n).Format("2006-01-02"), maxPartial)
		}
	}
	return nil
}

// MemoryEstimate returns an estimate of the bytes Run needs for cfg with
// engine e: for the agent engine, agent state, joint outcome tables and
// per-worker counters (one worker per core); for the others, masses or
// counts per state; for all, every group's cached purchase outcomes and
// the result. The tables' sizes are measured: every group's table is
// built with all states occupied on the first and the last step's world,
// and the larger is taken.
func MemoryEstimate(cfg *Config, e Engine) uint64 {
	workers := runtime.GOMAXPROCS(0)
	sp := spaceOf(cfg)
	perState, perPurchase := tableEntriesPerState(cfg, sp)
	var groups, agents uint64
	var entries, outcomes float64
	for g, gr := range groupsOf(cfg) {
		groups++
		agents += uint64(gr.agents)
		states := float64(sp.ns)
		if e == AgentBased && float64(gr.agents) < states {
			states = float64(gr.agents)
		}
		entries += states * perState[g]
		outcomes += float64(sp.ns) * perPurchase[g]
	}
	n := uint64(math.Ceil(entries))
	var b uint64
	if e == AgentBased {
		b += agents * uint64(stateBytes(sp))
		b += uint64(workers) * n * 4                             // counters
		b += groups * uint64(sp.ns) * (8 + 8 + 4 + 4<<guideBits) // counts, masses, offsets, guides
		b += n * (16 + 8)                                        // table entries and their probabilities
	} else {
		b += groups * uint64(sp.ns) * 3 * 8 // masses before, during and after a step
	}
	if e == Counts {
		b += groups * (uint64(sp.ns)*3*8 + uint64(max(sp.ne, sp.nw))*8) // counts before, during and after; a draw
	}
	// Every group's builder caches its purchase outcomes (2+8+2 bytes
	// each) and the slice headers of every state.
	b += uint64(math.Ceil(outcomes))*(2+8+2) + groups*uint64(sp.ns)*(3*24+4)
	b += uint64(cfg.Steps) * tallyBytes(len(cfg.Regions), sp.nm, sp.np, len(cfg.Channels))
	return b
}

// tableEntriesPerState returns, per group, the mean number of entries a
// state's outcome table has and the mean number of its purchase
// outcomes: the larger of the first and the last step's, every state
// built, regional holdings as at Start.
func tableEntriesPerState(cfg *Config, sp space) (entries, outcomes []float64) {
	groups := groupsOf(cfg)
	entries, outcomes = make([]float64, len(groups)), make([]float64, len(groups))
	if cfg.Validate() != nil {
		for g := range entries {
			entries[g] = float64(sp.nw * sp.ne)
			outcomes[g] = float64(sp.ne)
		}
		return entries, outcomes
	}
	shares := make([][]float64, len(cfg.Regions))
	for r, reg := range cfg.Regions {
		shares[r] = make([]float64, sp.nm)
		for _, sg := range reg.Segments {
			for m, h := range sg.Holdings {
				shares[r][m] += sg.Share * h
			}
		}
	}
	var t table
	b := newBuilder(sp, cfg, nil, nil, cfg.Step.Years())
	for _, day := range []int{0, cfg.Steps - 1} {
		w := worldAt(cfg, cfg.Date(day))
		b.at(w, combos(w))
		for g := range groups {
			gr := &groups[g]
			b.reset(gr.region, gr.class, w.in(gr.region).shoppingRate(gr.region, gr.seg), shares[gr.region])
			b.build(&t, func(int) bool { return true })
			entries[g] = math.Max(entries[g], float64(len(t.ents))/float64(sp.ns))
			var n int
			for _, ps := range b.purP {
				n += len(ps)
			}
			outcomes[g] = math.Max(outcomes[g], float64(n)/float64(sp.ns))
		}
	}
	return entries, outcomes
}

// tallyBytes is the memory one step's Tally of regions regions takes,
// as newRegionTally allocates it: the Tally in Result.Steps, its
// RegionTally structs, and each
// slice rounded up to the allocator's size class (with nm methods, np
// platforms and nc channels, these are small: a slice of two float64
// takes 16 bytes and its header 24 more).
func tallyBytes(regions, nm, np, nc int) uint64 {
	grid := func(n int) uint64 {
		if n == 0 {
			return 0
		}
		return allocBytes(n*int(unsafe.Sizeof([]float64{}))) + uint64(n)*allocBytes(nm*8)
	}
	region := uint64(unsafe.Sizeof(RegionTally{})) +
		2*allocBytes(nm*8) + 3*grid(np) + 2*allocBytes(np*8) + 2*grid(nc) + allocBytes(nc*8)
	return uint64(unsafe.Sizeof(Tally{})) + allocBytes(regions*int(unsafe.Sizeof(RegionTally{}))) -
		uint64(regions)*uint64(unsafe.Sizeof(RegionTally{})) + uint64(regions)*region
}

// allocBytes is what an allocation of n bytes takes: n rounded up to
// Go's size classes (16-byte steps to 256, then coarser, within 12.5%)
// or, above 32 KiB, to 8 KiB pages.
func allocBytes(n int) uint64 {
	switch {
	case n <= 0:
		return 0
	case n <= 8:
		return 8
	case n <= 256:
		return uint64(n+15) / 16 * 16
	case n <= 32<<10:
		step := 1 << (bits.Len(uint(n-1)) - 3) // 8 classes per power of two
		return uint64((n + step - 1) / step * step)
	}
	return uint64(n+8<<10-1) / (8 << 10) * (8 << 10)
}

// StateBytes returns the bytes of state the agent-based engine keeps per
// agent of cfg: one when its states fit in a byte, else two.
func StateBytes(cfg *Config) int { return stateBytes(spaceOf(cfg)) }

func stateBytes(sp space) int {
	if sp.ns <= 256 {
		return 1
	}
	return 2
}

func popcount(x int) int      { return bits.OnesCount32(uint32(x)) }
func trailingZeros(x int) int { return bits.TrailingZeros32(uint32(x)) }

// parallel runs f(i) for i in [0, n) on the given number of goroutines.
func parallel(n, workers int, f func(worker, i int)) {
	if workers > n {
		workers = n
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(w, i)
			}
		}(w)
	}
	wg.Wait()
}
