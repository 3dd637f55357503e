package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/sim"
)

// addHoldings adds a segment's holdings to m: its wallet-set
// distribution when it has one (the holdings are its marginals), else
// the holdings of each method; and its class shares, with classes.
func addHoldings(m mapNode, c *sim.Config, sg *sim.Segment) {
	if sg.Wallets == nil {
		m.add("holdings", perMethodNode(c, sg.Holdings))
	} else {
		wm := newMap()
		for _, set := range walletOrder(sg.Wallets) {
			wm.add(WalletName(c, set), num(sg.Wallets[set]))
		}
		m.add("wallets", wm.Node)
	}
	if c.Classes != nil {
		m.add("class_shares", classSharesNode(c, sg.ClassShares))
	}
}

func classSharesNode(c *sim.Config, shares []float64) *yaml.Node {
	cm := newMap()
	cm.Style = yaml.FlowStyle
	for k, x := range shares {
		cm.add(c.Classes[k].Name, num(x))
	}
	return cm.Node
}

// Marshal returns the resolved scenario s as YAML: every default written
// out (labels, colours, appeals, loyalty, the segments of every region,
// the holdings of every method, event labels), the horizon as its end
// date, and the agents as a total. Fed back to Parse, it yields the same
// Config, Seed and Agents. The bytes depend only on s. It returns an
// error if s is not a scenario Parse could have produced (for example
// slices whose lengths do not match the number of methods).
func Marshal(s *Scenario) ([]byte, error) {
	if s == nil {
		return nil, errors.New("marshal scenario: nil scenario")
	}
	c := &s.Config
	if err := checkShape(c); err != nil {
		return nil, fmt.Errorf("marshal scenario %s: %w", c.Name, err)
	}
	top := newMap()
	top.add("name", str(c.Name))
	top.add("description", str(s.Description))
	top.add("start", date(c.Start))
	top.add("step", plain(c.Step.String()))
	top.add("end", plain(c.End().Format(dateLayout)))
	top.add("warmup", plain(strconv.Itoa(c.Warmup)+c.Step.String()[:1]))
	top.add("seed", plain(strconv.FormatUint(s.Seed, 10)))
	top.add("agents", plain(strconv.Itoa(c.Agents())))
	top.add("currency", str(s.Currency))

	methods := seq()
	for _, m := range c.Methods {
		mm := newMap()
		mm.add("name", str(m.Name))
		mm.add("label", str(m.Label))
		mm.add("color", str(m.Color))
		mm.add("appeal", num(m.Appeal))
		ad := newMap()
		ad.Style = yaml.FlowStyle
		ad.add("p", num(m.P))
		ad.add("q", num(m.Q))
		mm.add("adoption", ad.Node)
		mm.add("churn", num(m.Churn))
		if !m.Launch.IsZero() {
			mm.add("launch", date(m.Launch))
		}
		methods.Content = append(methods.Content, mm.Node)
	}
	top.add("methods", methods)

	platforms := seq()
	for _, p := range c.Platforms {
		pm := newMap()
		pm.add("name", str(p.Name))
		pm.add("label", str(p.Label))
		pm.add("color", str(p.Color))
		pm.add("appeal", num(p.Appeal))
		pm.add("loyalty", num(p.Loyalty))
		if p.OwnMemory {
			pm.add("memory", plain(memoryOwn))
		}
		acc := seq()
		acc.Style = yaml.FlowStyle
		for i, ok := range p.Accepts {
			if ok {
				acc.Content = append(acc.Content, str(c.Methods[i].Name))
			}
		}
		pm.add("accepts", acc)
		ra := newMap()
		ra.Style = yaml.FlowStyle
		for i, x := range p.RegionAppeal {
			ra.add(c.Regions[i].Name, num(x))
		}
		pm.add("region_appeal", ra.Node)
		pm.add("method_appeal", perMethodNode(c, p.MethodAppeal))
		platforms.Content = append(platforms.Content, pm.Node)
	}
	top.add("platforms", platforms)

	if c.Channels != nil {
		channels := seq()
		for _, ch := range c.Channels {
			cm := newMap()
			cm.add("name", str(ch.Name))
			cm.add("label", str(ch.Label))
			cm.add("color", str(ch.Color))
			cm.add("rate", num(ch.Rate))
			cm.add("value", num(ch.Value))
			if ch.Peer {
				cm.add("peer", plain("true"))
			} else {
				cm.add("accepts", perMethodNode(c, ch.Accepts))
			}
			cm.add("method_appeal", perMethodNode(c, ch.MethodAppeal))
			channels.Content = append(channels.Content, cm.Node)
		}
		top.add("channels", channels)
	}

	if c.Classes != nil {
		classes := seq()
		for _, k := range c.Classes {
			km := newMap()
			km.add("name", str(k.Name))
			km.add("label", str(k.Label))
			km.add("appeal", perMethodNode(c, k.Appeal))
			classes.Content = append(classes.Content, km.Node)
		}
		top.add("classes", classes)
	}

	regions := seq()
	for _, r := range c.Regions {
		rm := newMap()
		rm.add("name", str(r.Name))
		rm.add("label", str(r.Label))
		rm.add("population", num(r.Population))
		if r.Growth != nil {
			gs := seq()
			for _, g := range r.Growth {
				gm := newMap()
				gm.Style = yaml.FlowStyle
				gm.add("date", date(g.Date))
				gm.add("population", num(g.Population))
				gs.Content = append(gs.Content, gm.Node)
			}
			rm.add("growth", gs)
		}
		// The region's values are those of its first segment; every
		// segment then states its own, so nothing is inherited.
		first := r.Segments[0]
		rm.add("shopping_rate", num(first.ShoppingRate))
		rm.add("basket", num(first.Basket))
		// A region's wallet sets would be raked to the holdings of
		// segments that give their own: write them per segment only.
		if first.Wallets == nil {
			rm.add("holdings", perMethodNode(c, first.Holdings))
		}
		if c.Classes != nil {
			rm.add("class_shares", classSharesNode(c, first.ClassShares))
		}
		segs := seq()
		for _, sg := range r.Segments {
			sm := newMap()
			sm.add("name", str(sg.Name))
			sm.add("share", num(sg.Share))
			sm.add("shopping_rate", num(sg.ShoppingRate))
			sm.add("basket", num(sg.Basket))
			addHoldings(sm, c, &sg)
			segs.Content = append(segs.Content, sm.Node)
		}
		rm.add("segments", segs)
		regions.Content = append(regions.Content, rm.Node)
	}
	top.add("regions", regions)

	bh := newMap()
	bh.add("beta", num(c.Behaviour.Beta))
	bh.add("kappa", num(c.Behaviour.Kappa))
	bh.add("psi", num(c.Behaviour.Psi))
	bh.add("gamma", num(c.Behaviour.Gamma))
	if c.Behaviour.SwitchCost != c.Behaviour.Gamma {
		bh.add("switch_cost", num(c.Behaviour.SwitchCost))
	}
	bh.add("delta", num(c.Behaviour.Delta))
	bh.add("loyalty", num(s.loyalty))
	top.add("behaviour", bh.Node)

	events := seq()
	for _, e := range c.Events {
		em := newMap()
		em.add("date", date(e.Date))
		em.add("type", plain(e.Kind.String()))
		switch e.Kind {
		case sim.Accept, sim.StopAccepting:
			em.add("platform", str(c.Platforms[e.Platform].Name))
			em.add("method", str(c.Methods[e.Method].Name))
			em.add("rollout", plain(strconv.Itoa(e.RolloutDays)+"d"))
		case sim.Promotion:
			if e.Platform >= 0 {
				em.add("platform", str(c.Platforms[e.Platform].Name))
			}
			em.add("method", str(c.Methods[e.Method].Name))
			em.add("shift", num(e.Shift))
			em.add("until", date(e.Until))
		case sim.SetParam:
			name, err := ParamName(c, e.Param)
			if err != nil {
				return nil, fmt.Errorf("marshal scenario %s: %w", c.Name, err)
			}
			em.add("param", str(name))
			em.add("value", num(e.Value))
		case sim.ChannelAcceptance:
			em.add("channel", str(c.Channels[e.Channel].Name))
			em.add("method", str(c.Methods[e.Method].Name))
			em.add("share", num(e.Share))
			em.add("rollout", plain(strconv.Itoa(e.RolloutDays)+"d"))
		case sim.Campaign:
			em.add("method", str(c.Methods[e.Method].Name))
			em.add("p", num(e.P))
			em.add("q", num(e.Q))
			em.add("until", date(e.Until))
		}
		if e.Regions != nil {
			rs := seq()
			rs.Style = yaml.FlowStyle
			for _, r := range e.Regions {
				rs.Content = append(rs.Content, str(c.Regions[r].Name))
			}
			em.add("regions", rs)
		}
		if e.Label != "" {
			em.add("label", str(e.Label))
		}
		if e.Unmarked {
			em.add("mark", plain("false"))
		}
		events.Content = append(events.Content, em.Node)
	}
	top.add("events", events)
	if s.Calibration != nil {
		top.add("calibrate", calibrationNode(s.Calibration))
	}
	if s.ParameterDraws != nil {
		top.add("parameter_draws", parameterDrawsNode(s.ParameterDraws))
	}
	if s.Sweep != nil {
		top.add("sweep", sweepNode(s.Sweep))
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Scenario %s, resolved by interopsim from %s.\n", c.Name, s.File)
	buf.WriteString("# Every default is written out; parsing this file gives the same simulation.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(top.Node); err != nil {
		return nil, fmt.Errorf("marshal scenario %s: %w", c.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal scenario %s: %w", c.Name, err)
	}
	return buf.Bytes(), nil
}

// checkShape reports Configs whose slices do not fit together, which
// Marshal cannot write.
func checkShape(c *sim.Config) error {
	nm, np, nr := len(c.Methods), len(c.Platforms), len(c.Regions)
	if nm == 0 || np == 0 || nr == 0 {
		return errors.New("a scenario needs methods, platforms and regions")
	}
	if c.Steps < 1 {
		return fmt.Errorf("%d steps, want at least 1", c.Steps)
	}
	if c.Step < sim.Day || c.Step > sim.Month {
		return fmt.Errorf("unknown step unit %v", c.Step)
	}
	for _, p := range c.Platforms {
		if len(p.Accepts) != nm || len(p.MethodAppeal) != nm || len(p.RegionAppeal) != nr {
			return fmt.Errorf("platform %s: accepts, method_appeal and region_appeal need one entry per method and region", p.Name)
		}
	}
	for _, ch := range c.Channels {
		if len(ch.Accepts) != nm || len(ch.MethodAppeal) != nm {
			return fmt.Errorf("channel %s: accepts and method_appeal need one entry per method", ch.Name)
		}
	}
	for _, r := range c.Regions {
		if len(r.Segments) == 0 {
			return fmt.Errorf("region %s has no segments", r.Name)
		}
		for _, sg := range r.Segments {
			if len(sg.Holdings) != nm {
				return fmt.Errorf("region %s segment %s: holdings need one entry per method", r.Name, sg.Name)
			}
			if sg.Wallets != nil && len(sg.Wallets) != 1<<nm {
				return fmt.Errorf("region %s segment %s: wallets need one entry per wallet set", r.Name, sg.Name)
			}
			if (c.Classes == nil) != (sg.ClassShares == nil) || len(sg.ClassShares) != len(c.Classes) {
				return fmt.Errorf("region %s segment %s: class shares need one entry per class", r.Name, sg.Name)
			}
		}
	}
	for i, e := range c.Events {
		switch e.Kind {
		case sim.Accept, sim.StopAccepting, sim.Promotion:
			if e.Method < 0 || e.Method >= nm || e.Platform >= np || (e.Platform < 0 && e.Kind != sim.Promotion) {
				return fmt.Errorf("event %d: platform %d or method %d out of range", i, e.Platform, e.Method)
			}
		case sim.Campaign:
			if e.Method < 0 || e.Method >= nm {
				return fmt.Errorf("event %d: method %d out of range", i, e.Method)
			}
		case sim.ChannelAcceptance:
			if e.Method < 0 || e.Method >= nm || e.Channel < 0 || e.Channel >= len(c.Channels) {
				return fmt.Errorf("event %d: channel %d or method %d out of range", i, e.Channel, e.Method)
			}
		case sim.SetParam:
		default:
			return fmt.Errorf("event %d: unknown kind %v", i, e.Kind)
		}
		for _, r := range e.Regions {
			if r < 0 || r >= nr {
				return fmt.Errorf("event %d: region %d out of range", i, r)
			}
		}
	}
	return nil
}

// mapNode builds a YAML mapping.
type mapNode struct{ *yaml.Node }

func newMap() mapNode { return mapNode{&yaml.Node{Kind: yaml.MappingNode}} }

func (m mapNode) add(key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func seq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode} }

// str is a string scalar, quoted when it would otherwise read as another
// type.
func str(s string) *yaml.Node {
	n := &yaml.Node{}
	n.SetString(s)
	return n
}

// plain is a scalar written as is (numbers, dates, keywords).
func plain(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

func num(x float64) *yaml.Node { return plain(fmtNum(x)) }

func date(t time.Time) *yaml.Node { return plain(t.Format(dateLayout)) }

// perMethodNode is a flow mapping from every method's name to its value.
func perMethodNode(c *sim.Config, xs []float64) *yaml.Node {
	m := newMap()
	m.Style = yaml.FlowStyle
	for i, x := range xs {
		m.add(c.Methods[i].Name, num(x))
	}
	return m.Node
}
