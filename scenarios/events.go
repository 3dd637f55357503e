package scenarios

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/internal/suggest"
	"github.com/interopsim/interopsim/sim"
)

// Event keys: all of them, and those each type uses.
var (
	eventKeys = []string{"date", "type", "platform", "method", "rollout", "shift", "until", "duration", "param", "value", "label", "p", "q", "regions", "channel", "share", "mark"}
	kindKeys  = map[sim.EventKind][]string{
		sim.Accept:            {"date", "type", "platform", "method", "rollout", "label", "mark"},
		sim.StopAccepting:     {"date", "type", "platform", "method", "rollout", "label", "mark"},
		sim.Promotion:         {"date", "type", "platform", "method", "shift", "until", "duration", "regions", "label", "mark"},
		sim.SetParam:          {"date", "type", "param", "value", "regions", "label", "mark"},
		sim.Campaign:          {"date", "type", "method", "p", "q", "until", "duration", "regions", "label", "mark"},
		sim.ChannelAcceptance: {"date", "type", "channel", "method", "share", "rollout", "label", "mark"},
	}
	eventTypes = []sim.EventKind{sim.Accept, sim.StopAccepting, sim.Promotion, sim.SetParam, sim.Campaign, sim.ChannelAcceptance}
)

// pending is an event read from the file, with what is needed to report
// mistakes found once all events are known.
type pending struct {
	ev   sim.Event
	node *yaml.Node // the event's mapping
	path string
	ok   bool // every field read without mistake
}

func (b *builder) events(n *yaml.Node) {
	items, ok := b.sequence(n, "events")
	if !ok {
		return
	}
	var list []pending
	for i, it := range items {
		path := index("events", i)
		m := b.mapping(it, path, eventKeys)
		if m == nil {
			continue
		}
		list = append(list, b.event(m, path))
	}
	// Events are kept sorted by date, in file order on the same date.
	sort.SliceStable(list, func(i, j int) bool { return list[i].ev.Date.Before(list[j].ev.Date) })
	b.replay(list)
	b.replayChannels(list)
	b.cfg.Events = nil // no events is a nil slice, however written
	for i := range list {
		b.cfg.Events = append(b.cfg.Events, list[i].ev)
	}
}

// event reads one event.
func (b *builder) event(m *mapping, path string) pending {
	p := pending{node: m.node, path: path, ev: sim.Event{Platform: -1, Method: -1}}
	ok := b.require(m, "date", "type")
	e := &p.ev
	if v := m.get("date"); v != nil {
		var dok bool
		if e.Date, dok = b.date(v, field(path, "date")); dok && b.horizonOK {
			switch {
			case e.Date.Before(b.start):
				b.fail(v, field(path, "date"), "must be on or after start (%s), got %s", b.start.Format(dateLayout), v.Value)
				dok = false
			case !e.Date.Before(b.end):
				b.fail(v, field(path, "date"), "must be before the end of the horizon (%s), got %s", b.end.Format(dateLayout), v.Value)
				dok = false
			}
		}
		ok = ok && dok
	}
	kindOK := false
	if v := m.get("type"); v != nil {
		if s, sok := b.str(v, field(path, "type")); sok {
			for _, k := range eventTypes {
				if k.String() == s {
					e.Kind, kindOK = k, true
				}
			}
			if !kindOK {
				names := make([]string, len(eventTypes))
				for i, k := range eventTypes {
					names[i] = k.String()
				}
				b.fail(v, field(path, "type"), "must be one of %s, got %q%s", strings.Join(names, ", "), s, suggest.Hint(s, names))
			}
		}
	}
	if !kindOK {
		return p
	}
	valid := kindKeys[e.Kind]
	for _, key := range m.order {
		if !contains(valid, key) {
			b.fail(m.keyNode(key), field(path, key), "not used by %s events; valid keys: %s", e.Kind, strings.Join(valid, ", "))
			ok = false
		}
	}
	switch e.Kind {
	case sim.Accept, sim.StopAccepting:
		ok = b.require(m, "platform", "method") && ok
		ok = b.eventPlatform(m, path, e) && ok
		ok = b.eventMethod(m, path, e) && ok
		if e.Kind == sim.Accept {
			ok = b.afterLaunch(m, path, e, "accepted") && ok
		}
		if v := m.get("rollout"); v != nil {
			// A rollout in months or years lasts the calendar months
			// from the event's date: 1m from 2024-01-31 ends on
			// 2024-02-29, after 29 days.
			u, dok := b.duration(v, field(path, "rollout"), true)
			e.RolloutDays = u.Days(e.Date)
			ok = ok && dok
		}
	case sim.Promotion:
		ok = b.require(m, "method", "shift") && ok
		ok = b.eventPlatform(m, path, e) && ok
		ok = b.eventMethod(m, path, e) && ok
		if v := m.get("shift"); v != nil {
			var sok bool
			e.Shift, sok = b.bounded(v, field(path, "shift"), utilityRange)
			ok = ok && sok
		}
		ok = b.promotionEnd(m, path, e) && ok
	case sim.SetParam:
		ok = b.require(m, "param", "value") && ok
		ok = b.setParam(m, path, e) && ok
	case sim.Campaign:
		ok = b.require(m, "method") && ok
		ok = b.eventMethod(m, path, e) && ok
		ok = b.campaignRates(m, path, e) && ok
		ok = b.afterLaunch(m, path, e, "adopted") && ok
		ok = b.promotionEnd(m, path, e) && ok
	case sim.ChannelAcceptance:
		ok = b.require(m, "channel", "method", "share") && ok
		ok = b.eventChannel(m, path, e) && ok
		ok = b.eventMethod(m, path, e) && ok
		if v := m.get("share"); v != nil {
			var sok bool
			e.Share, sok = b.bounded(v, field(path, "share"), unitRange)
			ok = ok && sok
			if sok && e.Share > 0 {
				ok = b.afterLaunch(m, path, e, "accepted") && ok
			}
		}
		if v := m.get("rollout"); v != nil {
			u, dok := b.duration(v, field(path, "rollout"), true)
			e.RolloutDays = u.Days(e.Date)
			ok = ok && dok
		}
	}
	if v := m.get("regions"); v != nil && contains(valid, "regions") {
		ok = b.eventRegions(v, m, path, e) && ok
	}
	if v := m.get("label"); v != nil {
		s, lok := b.label(v, field(path, "label"))
		e.Label = s
		ok = ok && lok
	} else if ok {
		e.Label = b.defaultLabel(e)
	}
	if v := m.get("mark"); v != nil {
		mark, mok := b.boolean(v, field(path, "mark"))
		e.Unmarked = !mark
		ok = ok && mok
	}
	p.ok = ok
	return p
}

// eventPlatform reads an event's platform, if any (-1 if absent).
func (b *builder) eventPlatform(m *mapping, path string, e *sim.Event) bool {
	v := m.get("platform")
	if v == nil {
		return true
	}
	name, ok := b.str(v, field(path, "platform"))
	if !ok {
		return false
	}
	e.Platform, ok = b.platformRef(v, field(path, "platform"), name)
	return ok
}

// eventChannel reads an event's channel, which must not be a peer
// channel.
func (b *builder) eventChannel(m *mapping, path string, e *sim.Event) bool {
	v := m.get("channel")
	if v == nil {
		return false
	}
	name, ok := b.str(v, field(path, "channel"))
	if !ok {
		return false
	}
	if e.Channel, ok = b.channelRef(v, field(path, "channel"), name); !ok {
		return false
	}
	if b.cfg.Channels[e.Channel].Peer {
		b.fail(v, field(path, "channel"), "%s is a peer channel: a method is accepted there when the payee holds it, so its acceptance cannot be set", name)
		return false
	}
	return true
}

// eventMethod reads an event's method.
func (b *builder) eventMethod(m *mapping, path string, e *sim.Event) bool {
	v := m.get("method")
	if v == nil {
		return false
	}
	name, ok := b.str(v, field(path, "method"))
	if !ok {
		return false
	}
	e.Method, ok = b.methodRef(v, field(path, "method"), name)
	return ok
}

// campaignRates reads a campaign's p and q: non-negative, at least one
// positive.
func (b *builder) campaignRates(m *mapping, path string, e *sim.Event) bool {
	ok := true
	if v := m.get("p"); v != nil {
		var pok bool
		e.P, pok = b.bounded(v, field(path, "p"), rateRange)
		ok = ok && pok
	}
	if v := m.get("q"); v != nil {
		var qok bool
		e.Q, qok = b.bounded(v, field(path, "q"), rateRange)
		ok = ok && qok
	}
	if ok && e.P == 0 && e.Q == 0 {
		b.fail(m.node, field(path, "q"), "a campaign raises adoption: give p or q (extra innovation or imitation rate per year), or both, and at least one positive")
		return false
	}
	return ok
}

// eventRegions reads the regions an event is limited to, as increasing
// region indices.
func (b *builder) eventRegions(v *yaml.Node, m *mapping, path string, e *sim.Event) bool {
	rp := field(path, "regions")
	if e.Kind == sim.SetParam && (e.Param.Kind == sim.RegionShoppingRate || e.Param.Kind == sim.RegionBasket) {
		b.fail(m.keyNode("regions"), rp, "not used by set events on a region's own parameter, which names its region")
		return false
	}
	items, ok := b.sequence(v, rp)
	if !ok {
		return false
	}
	if len(items) == 0 {
		b.fail(v, rp, "must list at least one region, or be left out for every region")
		return false
	}
	seen := map[int]int{}
	for j, it := range items {
		ip := index(rp, j)
		name, sok := b.str(it, ip)
		if !sok {
			ok = false
			continue
		}
		r, rok := b.regionRef(it, ip, name)
		if !rok {
			ok = false
			continue
		}
		if line, dup := seen[r]; dup {
			b.fail(it, ip, "region %q is listed twice (first at line %d)", name, line)
			ok = false
			continue
		}
		seen[r] = it.Line
		e.Regions = append(e.Regions, r)
	}
	sort.Ints(e.Regions)
	return ok
}

// afterLaunch reports an event dated before its method's launch: before
// it the method cannot be what (accepted, adopted).
func (b *builder) afterLaunch(m *mapping, path string, e *sim.Event, what string) bool {
	if e.Method < 0 || e.Method >= len(b.cfg.Methods) || e.Date.IsZero() {
		return true
	}
	mt := b.cfg.Methods[e.Method]
	if e.Date.Before(mt.Launch) {
		b.fail(m.get("date"), field(path, "date"), "%s launches on %s and cannot be %s before, got %s", mt.Name, mt.Launch.Format(dateLayout), what, e.Date.Format(dateLayout))
		return false
	}
	return true
}

// promotionEnd reads until or duration, exactly one.
func (b *builder) promotionEnd(m *mapping, path string, e *sim.Event) bool {
	untilN, durN := m.get("until"), m.get("duration")
	switch {
	case untilN != nil && durN != nil:
		b.fail(m.keyNode("duration"), field(path, "duration"), "give either until or duration, not both")
		return false
	case untilN != nil:
		t, ok := b.date(untilN, field(path, "until"))
		if !ok {
			return false
		}
		if !e.Date.IsZero() && !t.After(e.Date) {
			b.fail(untilN, field(path, "until"), "must be after the %s's date (%s), got %s", e.Kind, e.Date.Format(dateLayout), untilN.Value)
			return false
		}
		e.Until = t
	case durN != nil:
		u, ok := b.duration(durN, field(path, "duration"), false)
		if !ok || e.Date.IsZero() {
			return false
		}
		e.Until = u.After(e.Date)
		if e.Until.After(maxDate) {
			b.fail(durN, field(path, "duration"), "the %s would end on %s, after %s", e.Kind, e.Until.Format(dateLayout), maxDate.Format(dateLayout))
			return false
		}
	default:
		b.fail(m.node, field(path, "until"), "missing required key: give until (a date) or duration (like 4w)")
		return false
	}
	return true
}

// paramSpec describes one settable parameter field.
type paramSpec struct {
	section, key string // e.g. "methods", "q"
	kind         sim.ParamKind
	bnd          bounds
	words        string // for default labels
}

var paramSpecs = []paramSpec{
	{"behaviour", "beta", sim.BehaviourBeta, unitRange, "beta"},
	{"behaviour", "kappa", sim.BehaviourKappa, kappaRange, "kappa"},
	{"behaviour", "psi", sim.BehaviourPsi, unitRange, "psi"},
	{"behaviour", "gamma", sim.BehaviourGamma, utilityRange, "gamma"},
	{"behaviour", "delta", sim.BehaviourDelta, utilityRange, "delta"},
	{"behaviour", "switch_cost", sim.BehaviourSwitchCost, utilityRange, "switch cost"},
	{"classes", "appeal", sim.ClassAppeal, utilityRange, "appeal"},
	{"methods", "appeal", sim.MethodAppeal, utilityRange, "appeal"},
	{"methods", "p", sim.MethodP, rateRange, "p"},
	{"methods", "q", sim.MethodQ, rateRange, "q"},
	{"methods", "churn", sim.MethodChurn, rateRange, "churn"},
	{"platforms", "appeal", sim.PlatformAppeal, utilityRange, "appeal"},
	{"platforms", "loyalty", sim.PlatformLoyalty, utilityRange, "loyalty"},
	{"regions", "shopping_rate", sim.RegionShoppingRate, rateRange, "shopping rate"},
	{"regions", "basket", sim.RegionBasket, valueRange, "basket"},
	{"channels", "rate", sim.ChannelRate, rateRange, "rate"},
	{"channels", "value", sim.ChannelValue, valueRange, "value"},
}

const paramForms = "behaviour.beta, behaviour.kappa, behaviour.psi, behaviour.gamma, behaviour.delta, behaviour.switch_cost, " +
	"classes.<class>.appeal.<method>, " +
	"methods.<method>.appeal, methods.<method>.p, methods.<method>.q, methods.<method>.churn, " +
	"platforms.<platform>.appeal, platforms.<platform>.loyalty, " +
	"regions.<region>.shopping_rate, regions.<region>.basket, " +
	"channels.<channel>.rate, channels.<channel>.value"

func specOf(kind sim.ParamKind) (paramSpec, bool) {
	for _, s := range paramSpecs {
		if s.kind == kind {
			return s, true
		}
	}
	return paramSpec{}, false
}

// setParam reads a set event's param and value.
func (b *builder) setParam(m *mapping, path string, e *sim.Event) bool {
	pn := m.get("param")
	if pn == nil {
		return false
	}
	s, spec, param, ok := b.param(pn, field(path, "param"))
	if s == "" {
		return false // no parameter of that name: its value means nothing
	}
	e.Param = param
	vn := m.get("value")
	if vn == nil {
		return false
	}
	x, xok := b.number(vn, field(path, "value"))
	if xok && !spec.bnd.holds(x) {
		b.fail(vn, field(path, "value"), "%s must be %s, got %s", s, spec.bnd, vn.Value)
		xok = false
	}
	e.Value = x
	return ok && xok
}

// param reads the parameter named at pn, written as in a set event
// (behaviour.gamma, methods.wechat_pay.appeal, channels.p2p.rate, ...):
// its name, spec and sim.Param with the entity's index. A mistake is
// reported at pn, with the valid forms or names and the nearest one; the
// name is empty when it is no parameter's form, and ok false also when
// it names no method, platform, region or channel of the scenario.
func (b *builder) param(pn *yaml.Node, path string) (string, paramSpec, sim.Param, bool) {
	s, ok := b.str(pn, path)
	if !ok {
		return "", paramSpec{}, sim.Param{}, false
	}
	spec, parts, found := lookupParam(s)
	if !found {
		b.fail(pn, path, "unknown parameter %q; valid forms: %s%s", s, paramForms, b.paramHint(parts))
		return "", paramSpec{}, sim.Param{}, false
	}
	p := sim.Param{Kind: spec.kind}
	switch spec.section {
	case "methods":
		p.Index, ok = b.methodRef(pn, path, parts[1])
	case "platforms":
		p.Index, ok = b.platformRef(pn, path, parts[1])
	case "regions":
		p.Index, ok = b.regionRef(pn, path, parts[1])
	case "channels":
		p.Index, ok = b.channelRef(pn, path, parts[1])
	case "classes":
		k, kok := b.classRef(pn, path, parts[1])
		m, mok := b.methodRef(pn, path, parts[3])
		p.Index, ok = k*len(b.cfg.Methods)+m, kok && mok
	}
	return s, spec, p, ok
}

// paramHint returns "; did you mean X?" for the unknown parameter whose
// dotted parts are parts, X correcting each part to the nearest section,
// method, platform or region name and key; or "" when some part is near
// nothing.
func (b *builder) paramHint(parts []string) string {
	sections := []string{"behaviour", "classes", "methods", "platforms", "regions", "channels"}
	nearest := func(s string, valid []string) string {
		if contains(valid, s) {
			return s
		}
		return suggest.Nearest(s, valid)
	}
	sec := nearest(parts[0], sections)
	want := paramParts(sec)
	if sec == "" || len(parts) != want {
		return ""
	}
	if sec == "classes" {
		fixed := []string{sec, nearest(parts[1], nameList(b.classIdx)), nearest(parts[2], []string{"appeal"}), nearest(parts[3], nameList(b.methodIdx))}
		if contains(fixed, "") {
			return ""
		}
		return "; did you mean " + strings.Join(fixed, ".") + "?"
	}
	var keys []string
	for _, ps := range paramSpecs {
		if ps.section == sec {
			keys = append(keys, ps.key)
		}
	}
	fixed := []string{sec}
	switch sec {
	case "methods":
		fixed = append(fixed, nearest(parts[1], nameList(b.methodIdx)))
	case "platforms":
		fixed = append(fixed, nearest(parts[1], nameList(b.platformIdx)))
	case "regions":
		fixed = append(fixed, nearest(parts[1], nameList(b.regionIdx)))
	case "channels":
		fixed = append(fixed, nearest(parts[1], nameList(b.channelIdx)))
	}
	fixed = append(fixed, nearest(parts[want-1], keys))
	if contains(fixed, "") {
		return ""
	}
	return "; did you mean " + strings.Join(fixed, ".") + "?"
}

// ParamName returns the parameter p of c as scenario files write it in a
// set event, such as methods.alipay.q, or an error if p is not one of c.
func ParamName(c *sim.Config, p sim.Param) (string, error) {
	spec, ok := specOf(p.Kind)
	if !ok {
		return "", fmt.Errorf("unknown parameter kind %d", int(p.Kind))
	}
	var name string
	switch spec.section {
	case "behaviour":
		return "behaviour." + spec.key, nil
	case "methods":
		if p.Index < 0 || p.Index >= len(c.Methods) {
			return "", fmt.Errorf("parameter %s: method %d out of range", spec.key, p.Index)
		}
		name = c.Methods[p.Index].Name
	case "platforms":
		if p.Index < 0 || p.Index >= len(c.Platforms) {
			return "", fmt.Errorf("parameter %s: platform %d out of range", spec.key, p.Index)
		}
		name = c.Platforms[p.Index].Name
	case "regions":
		if p.Index < 0 || p.Index >= len(c.Regions) {
			return "", fmt.Errorf("parameter %s: region %d out of range", spec.key, p.Index)
		}
		name = c.Regions[p.Index].Name
	case "channels":
		if p.Index < 0 || p.Index >= len(c.Channels) {
			return "", fmt.Errorf("parameter %s: channel %d out of range", spec.key, p.Index)
		}
		name = c.Channels[p.Index].Name
	case "classes":
		nm := len(c.Methods)
		if p.Index < 0 || p.Index >= len(c.Classes)*nm {
			return "", fmt.Errorf("parameter %s: class appeal %d out of range", spec.key, p.Index)
		}
		return "classes." + c.Classes[p.Index/nm].Name + ".appeal." + c.Methods[p.Index%nm].Name, nil
	}
	return spec.section + "." + name + "." + spec.key, nil
}

// defaultLabel is the label of an event without one, such as "Taobao/Tmall
// accepts WeChat Pay" or "kappa = 1.5", followed by " in " and the labels
// of its regions if it is limited to some.
func (b *builder) defaultLabel(e *sim.Event) string {
	if e.Regions == nil {
		return b.eventWords(e)
	}
	var where []string
	for _, r := range e.Regions {
		where = append(where, b.cfg.Regions[r].Label)
	}
	return b.eventWords(e) + " in " + strings.Join(where, ", ")
}

// eventWords is the label of an event without one, before its regions.
func (b *builder) eventWords(e *sim.Event) string {
	c := b.cfg
	method := func() string { return c.Methods[e.Method].Label }
	switch e.Kind {
	case sim.Accept:
		return c.Platforms[e.Platform].Label + " accepts " + method()
	case sim.StopAccepting:
		return c.Platforms[e.Platform].Label + " stops accepting " + method()
	case sim.Promotion:
		if e.Platform >= 0 {
			return method() + " promotion on " + c.Platforms[e.Platform].Label
		}
		return method() + " promotion"
	case sim.Campaign:
		return method() + " campaign"
	case sim.ChannelAcceptance:
		return c.Channels[e.Channel].Label + ": " + method() + " accepted at " + fmtNum(e.Share)
	}
	spec, _ := specOf(e.Param.Kind)
	v := " = " + fmtNum(e.Value)
	switch spec.section {
	case "methods":
		return c.Methods[e.Param.Index].Label + " " + spec.words + v
	case "platforms":
		return c.Platforms[e.Param.Index].Label + " " + spec.words + v
	case "regions":
		return c.Regions[e.Param.Index].Label + " " + spec.words + v
	case "channels":
		return c.Channels[e.Param.Index].Label + " " + spec.words + v
	case "classes":
		nm := len(c.Methods)
		return c.Classes[e.Param.Index/nm].Label + " " + c.Methods[e.Param.Index%nm].Label + " " + spec.words + v
	}
	return spec.words + v
}

// replay plays the acceptance events in date order from the platforms'
// accepts lists and reports accepting what is already accepted, stopping
// what is not, overlapping rollouts on one platform and method, and more
// than maxPartial pairs in rollout at once.
func (b *builder) replay(list []pending) {
	type pair struct{ p, m int }
	type last struct {
		end  time.Time
		line int
	}
	state := map[pair]bool{}
	from := map[pair]string{}
	prev := map[pair]last{}
	var active []time.Time // ends of the rollouts under way
	for i := range list {
		pe := &list[i]
		e := &pe.ev
		if !pe.ok || (e.Kind != sim.Accept && e.Kind != sim.StopAccepting) {
			continue
		}
		if e.Platform < 0 || e.Platform >= len(b.acceptsOK) || !b.acceptsOK[e.Platform] {
			continue
		}
		k := pair{e.Platform, e.Method}
		if _, seen := state[k]; !seen {
			state[k] = b.cfg.Platforms[k.p].Accepts[k.m]
			from[k] = "its accepts list"
		}
		pl, me := b.cfg.Platforms[k.p].Label, b.cfg.Methods[k.m].Label
		end := e.Date.AddDate(0, 0, e.RolloutDays)
		if l, ok := prev[k]; ok && e.Date.Before(l.end) {
			b.fail(pe.node, pe.path, "overlaps the rollout of the event at line %d on the same platform and method, which runs until %s", l.line, l.end.Format(dateLayout))
		} else if e.Kind == sim.Accept && state[k] {
			b.fail(pe.node, pe.path, "%s already accepts %s on %s (from %s); use accept only for a method the platform does not accept", pl, me, e.Date.Format(dateLayout), from[k])
		} else if e.Kind == sim.StopAccepting && !state[k] {
			b.fail(pe.node, pe.path, "%s does not accept %s on %s (from %s), so it cannot stop", pl, me, e.Date.Format(dateLayout), from[k])
		}
		state[k] = e.Kind == sim.Accept
		from[k] = fmt.Sprintf("the event at line %d", pe.node.Line)
		prev[k] = last{end, pe.node.Line}
		if e.RolloutDays == 0 {
			continue
		}
		kept := active[:0]
		for _, t := range active {
			if t.After(e.Date) {
				kept = append(kept, t)
			}
		}
		active = append(kept, end)
		if len(active) > maxPartial {
			b.fail(pe.node, pe.path, "%d platform/method pairs would be in rollout at once on %s; at most %d are allowed, because the engine enumerates all 2^k acceptance combinations of k pairs in rollout", len(active), e.Date.Format(dateLayout), maxPartial)
		}
	}
}

// replayChannels reports channel_acceptance events on the same channel
// and method whose rollouts overlap.
func (b *builder) replayChannels(list []pending) {
	type pair struct{ c, m int }
	type last struct {
		end  time.Time
		line int
	}
	prev := map[pair]last{}
	for i := range list {
		pe := &list[i]
		e := &pe.ev
		if !pe.ok || e.Kind != sim.ChannelAcceptance {
			continue
		}
		k := pair{e.Channel, e.Method}
		end := e.Date.AddDate(0, 0, e.RolloutDays)
		if l, ok := prev[k]; ok && e.Date.Before(l.end) {
			b.fail(pe.node, pe.path, "overlaps the rollout of the event at line %d on the same channel and method, which runs until %s", l.line, l.end.Format(dateLayout))
		}
		prev[k] = last{end, pe.node.Line}
	}
}
