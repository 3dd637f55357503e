package sim

import (
	"math"
	"time"
)

// world is the scenario as it stands on one day: parameters after every
// SetParam event so far, acceptance shares and promotion shifts.
type world struct {
	beh     Behaviour
	methods []Method
	// classAppeal[k][m] is class k's shift of method m's appeal.
	classAppeal [][]float64
	platforms   []Platform
	// rate and basket are per region (SetParam on a region replaces the
	// value of each of its segments); nil entries mean "as configured".
	rate, basket []float64
	// acc[p][m] is the share of platform p's checkouts accepting method m.
	acc [][]float64
	// shift[p][m] is the promotion shift of method m's appeal on p.
	shift [][]float64
	// boostP[m] and boostQ[m] are the campaigns' additions to method m's
	// innovation and imitation rates.
	boostP, boostQ []float64
	// channels are the channels after SetParam events; chAcc[c][m] is the
	// share of channel c's payments accepting method m.
	channels []Channel
	chAcc    [][]float64
	// regional, if not nil, holds the world of each region, for scenarios
	// with region-specific events; nil means every region lives in this
	// one. Acceptance is never regional: combos read the root world.
	regional []*world
}

// in returns the world of region r.
func (w *world) in(r int) *world {
	if w.regional == nil {
		return w
	}
	return w.regional[r]
}

// worldAt returns the world on day t: Config, then every event dated on
// or before t in order; with region-specific events, one such world per
// region, each replaying the events that apply to it.
func worldAt(c *Config, t time.Time) *world {
	w := replay(c, t, -1)
	for i := range c.Events {
		if c.Events[i].Regions != nil {
			w.regional = make([]*world, len(c.Regions))
			for r := range w.regional {
				w.regional[r] = replay(c, t, r)
			}
			break
		}
	}
	return w
}

// replay returns the world on day t of region r (-1: the events of every
// region only).
func replay(c *Config, t time.Time, r int) *world {
	nm, np := len(c.Methods), len(c.Platforms)
	w := &world{
		beh:       c.Behaviour,
		methods:   append([]Method(nil), c.Methods...),
		platforms: append([]Platform(nil), c.Platforms...),
		rate:      make([]float64, len(c.Regions)),
		basket:    make([]float64, len(c.Regions)),
		acc:       make([][]float64, np),
		shift:     make([][]float64, np),
		boostP:    make([]float64, nm),
		boostQ:    make([]float64, nm),
	}
	if c.Channels != nil {
		w.channels = append([]Channel(nil), c.Channels...)
		w.chAcc = make([][]float64, len(c.Channels))
		for k := range c.Channels {
			w.chAcc[k] = append([]float64(nil), c.Channels[k].Accepts...)
		}
	}
	for i := range w.rate {
		w.rate[i], w.basket[i] = math.NaN(), math.NaN()
	}
	for k := range c.Classes {
		w.classAppeal = append(w.classAppeal, append([]float64(nil), c.Classes[k].Appeal...))
	}
	for p := range c.Platforms {
		w.acc[p] = make([]float64, nm)
		w.shift[p] = make([]float64, nm)
		for m, ok := range c.Platforms[p].Accepts {
			if ok {
				w.acc[p][m] = 1
			}
		}
	}
	for i := range c.Events {
		e := &c.Events[i]
		if e.Date.After(t) || !e.appliesTo(r) {
			continue
		}
		switch e.Kind {
		case Accept, StopAccepting:
			target := 1.0
			if e.Kind == StopAccepting {
				target = 0
			}
			a := &w.acc[e.Platform][e.Method]
			*a += (target - *a) * rollout(e, t)
		case ChannelAcceptance:
			a := &w.chAcc[e.Channel][e.Method]
			*a += (e.Share - *a) * rollout(e, t)
		case Promotion:
			if !t.Before(e.Until) {
				continue
			}
			for p := range w.shift {
				if e.Platform < 0 || e.Platform == p {
					w.shift[p][e.Method] += e.Shift
				}
			}
		case SetParam:
			w.set(e.Param, e.Value)
		case Campaign:
			if t.Before(e.Until) {
				w.boostP[e.Method] += e.P
				w.boostQ[e.Method] += e.Q
			}
		}
	}
	// A method before its launch cannot be adopted or accepted.
	for m := range w.methods {
		if mt := &w.methods[m]; !mt.launched(t) {
			mt.P, mt.Q = 0, 0
			w.boostP[m], w.boostQ[m] = 0, 0
			for p := range w.acc {
				w.acc[p][m] = 0
			}
			for k := range w.chAcc {
				w.chAcc[k][m] = 0
			}
		}
	}
	return w
}

// rollout returns the fraction of event e's change done on day t.
func rollout(e *Event, t time.Time) float64 {
	if e.RolloutDays <= 0 {
		return 1
	}
	days := t.Sub(e.Date).Hours() / 24
	return math.Min(1, days/float64(e.RolloutDays))
}

func (w *world) set(p Param, v float64) {
	switch p.Kind {
	case BehaviourBeta:
		w.beh.Beta = v
	case BehaviourKappa:
		w.beh.Kappa = v
	case BehaviourPsi:
		w.beh.Psi = v
	case BehaviourGamma:
		w.beh.Gamma = v
	case BehaviourDelta:
		w.beh.Delta = v
	case BehaviourSwitchCost:
		w.beh.SwitchCost = v
	case ClassAppeal:
		nm := len(w.methods)
		w.classAppeal[p.Index/nm][p.Index%nm] = v
	case MethodAppeal:
		w.methods[p.Index].Appeal = v
	case MethodP:
		w.methods[p.Index].P = v
	case MethodQ:
		w.methods[p.Index].Q = v
	case MethodChurn:
		w.methods[p.Index].Churn = v
	case PlatformAppeal:
		w.platforms[p.Index].Appeal = v
	case PlatformLoyalty:
		w.platforms[p.Index].Loyalty = v
	case RegionShoppingRate:
		w.rate[p.Index] = v
	case RegionBasket:
		w.basket[p.Index] = v
	case ChannelRate:
		w.channels[p.Index].Rate = v
	case ChannelValue:
		w.channels[p.Index].Value = v
	}
}

// classShift returns class k's shift of method m's appeal; k < 0 is the
// single class of a world without classes.
func (w *world) classShift(k, m int) float64 {
	if k < 0 {
		return 0
	}
	return w.classAppeal[k][m]
}

// shoppingRate returns the shopping rate of a segment of region r.
func (w *world) shoppingRate(r int, s *Segment) float64 {
	if !math.IsNaN(w.rate[r]) {
		return w.rate[r]
	}
	return s.ShoppingRate
}

// basketOf returns the mean order value of a segment of region r.
func (w *world) basketOf(r int, s *Segment) float64 {
	if !math.IsNaN(w.basket[r]) {
		return w.basket[r]
	}
	return s.Basket
}
