package scenarios

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/sim"
)

// Sweep is a scenario's sweep section: the designed experiment that
// 'interopsim sweep' runs. The engine ignores it.
type Sweep struct {
	// Design is the kind of design; Points its size (LHS points,
	// Saltelli base rows, Morris trajectories; a grid ignores it);
	// MorrisLevels the levels of a Morris grid (0: 4).
	Design       design.Kind
	Points       int
	MorrisLevels int
	// Runs is the number of replicates per design point (default 1).
	Runs int
	// Params are the parameters varied, in file order.
	Params []SweepParam
}

// SweepParam is one parameter of a sweep: a parameter named as in set
// events, with a range or, for a grid, a list of values.
type SweepParam struct {
	// Name is the parameter as written and Param in the engine's terms.
	Name  string
	Param sim.Param
	// Lo and Hi bound its range; Levels is a grid's number of levels
	// from Lo to Hi. Values, instead, are a grid's levels as a list.
	Lo, Hi float64
	Levels int
	Values []float64
}

// Factor returns p as a factor of a design.
func (p SweepParam) Factor() design.Factor {
	f := design.Factor{Name: p.Name, Lo: p.Lo, Hi: p.Hi, Levels: p.Levels, Values: p.Values}
	if len(p.Values) > 0 {
		f.Lo, f.Hi = p.Values[0], p.Values[0]
		for _, v := range p.Values {
			f.Lo, f.Hi = min(f.Lo, v), max(f.Hi, v)
		}
	}
	return f
}

// Plan returns the design of the sweep; seed fixes its random choices.
func (s *Sweep) Plan(seed uint64) design.Design {
	d := design.Design{Kind: s.Design, Points: s.Points, MorrisLevels: s.MorrisLevels, Seed: seed}
	for _, p := range s.Params {
		d.Factors = append(d.Factors, p.Factor())
	}
	return d
}

// Keys of the sweep section and of one parameter.
var (
	sweepKeys      = []string{"design", "points", "levels", "runs", "parameters"}
	sweepParamKeys = []string{"param", "lo", "hi", "levels", "values"}
)

// sweep reads the sweep section.
func (b *builder) sweep(n *yaml.Node) {
	m := b.mapping(n, "sweep", sweepKeys)
	if m == nil {
		return
	}
	sw := &Sweep{Design: design.Grid, Runs: 1}
	ok := b.require(m, "parameters")
	if v := m.get("design"); v != nil {
		if s, sok := b.str(v, "sweep.design"); sok {
			k, err := design.ParseKind(s)
			if err != nil {
				b.fail(v, "sweep.design", "%v", err)
				ok = false
			}
			sw.Design = k
		}
	}
	if v := m.get("points"); v != nil {
		x, iok := b.integer(v, "sweep.points", 1, design.MaxPoints)
		sw.Points, ok = int(x), ok && iok
	}
	if v := m.get("levels"); v != nil {
		x, iok := b.integer(v, "sweep.levels", 2, 1000)
		sw.MorrisLevels, ok = int(x), ok && iok
	}
	if v := m.get("runs"); v != nil {
		x, iok := b.integer(v, "sweep.runs", 1, 100000)
		sw.Runs, ok = int(x), ok && iok
	}
	if v := m.get("parameters"); v != nil {
		items, sok := b.sequence(v, "sweep.parameters")
		ok = ok && sok
		for i, it := range items {
			path := index("sweep.parameters", i)
			pm := b.mapping(it, path, sweepParamKeys)
			if pm == nil || !b.require(pm, "param") {
				ok = false
				continue
			}
			p, pok := b.sweepParam(pm, path)
			ok = ok && pok
			sw.Params = append(sw.Params, p)
		}
	}
	if !ok {
		return
	}
	if _, err := sw.Plan(0).Size(); err != nil {
		b.fail(n, "sweep", "%v", err)
		return
	}
	b.sc.Sweep = sw
}

// sweepParam reads one parameter of the sweep section.
func (b *builder) sweepParam(pm *mapping, path string) (SweepParam, bool) {
	name, _, param, ok := b.param(pm.get("param"), field(path, "param"))
	if name == "" {
		return SweepParam{}, false
	}
	p := SweepParam{Name: name, Param: param}
	check := func(v *yaml.Node, key string, x float64) bool {
		if err := CheckValue(name, param, x); err != nil {
			b.fail(v, field(path, key), "%v", err)
			return false
		}
		return true
	}
	if v := pm.get("values"); v != nil {
		if pm.get("lo") != nil || pm.get("hi") != nil {
			b.fail(v, field(path, "values"), "give values or lo and hi, not both")
			return p, false
		}
		items, sok := b.sequence(v, field(path, "values"))
		ok = ok && sok
		if sok && len(items) < 2 {
			b.fail(v, field(path, "values"), "want at least 2 values, got %d", len(items))
			ok = false
		}
		for i, it := range items {
			x, xok := b.number(it, index(field(path, "values"), i))
			ok = ok && xok && check(it, index("values", i), x)
			p.Values = append(p.Values, x)
		}
		return p, ok
	}
	lo, hi := pm.get("lo"), pm.get("hi")
	if lo == nil || hi == nil {
		b.fail(pm.node, path, "missing required key: give lo and hi (a range), or values (a list)")
		return p, false
	}
	var lok, hok bool
	p.Lo, lok = b.number(lo, field(path, "lo"))
	p.Hi, hok = b.number(hi, field(path, "hi"))
	ok = ok && lok && hok && check(lo, "lo", p.Lo) && check(hi, "hi", p.Hi)
	if ok && !(p.Lo < p.Hi) {
		b.fail(lo, field(path, "lo"), "must be below hi (%s), got %s", fmtNum(p.Hi), fmtNum(p.Lo))
		ok = false
	}
	if v := pm.get("levels"); v != nil {
		x, iok := b.integer(v, field(path, "levels"), 2, design.MaxPoints)
		p.Levels, ok = int(x), ok && iok
	}
	return p, ok
}

// sweepNode writes the sweep section for Marshal.
func sweepNode(sw *Sweep) *yaml.Node {
	m := newMap()
	m.add("design", plain(sw.Design.String()))
	if sw.Points > 0 {
		m.add("points", plain(strconv.Itoa(sw.Points)))
	}
	if sw.MorrisLevels > 0 {
		m.add("levels", plain(strconv.Itoa(sw.MorrisLevels)))
	}
	m.add("runs", plain(strconv.Itoa(sw.Runs)))
	params := seq()
	for _, p := range sw.Params {
		pm := newMap()
		pm.Style = yaml.FlowStyle
		pm.add("param", str(p.Name))
		if len(p.Values) > 0 {
			vs := seq()
			vs.Style = yaml.FlowStyle
			for _, v := range p.Values {
				vs.Content = append(vs.Content, num(v))
			}
			pm.add("values", vs)
		} else {
			pm.add("lo", num(p.Lo))
			pm.add("hi", num(p.Hi))
			if p.Levels > 0 {
				pm.add("levels", plain(strconv.Itoa(p.Levels)))
			}
		}
		params.Content = append(params.Content, pm.Node)
	}
	m.add("parameters", params)
	return m.Node
}
